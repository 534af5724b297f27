// The lab's step-through of the backward pass, in the lecture's order (beta,
// gamma, xhat, var, mu, x): the toggle, Previous / Next / Reset, the arrow,
// Home and End keys, and the status line. The step lives in the state
// (bnmode, bnstep), so a step is a link.
import { STEPS } from '../../../common/bnlab-math.js';
import { STEP_TITLES } from './presets.js';

/** What the state reveals: {revealed (set of step keys), current, step, stepping}. */
export function viewState(s) {
  if (s.bnmode !== 'step')
    return { revealed: new Set(STEPS), current: null, step: STEPS.length, stepping: false };
  const step = s.bnstep;
  return {
    revealed: new Set(STEPS.slice(0, step)),
    current: step > 0 ? STEPS[step - 1] : null,
    step,
    stepping: true,
  };
}

function statusText(vs) {
  if (!vs.stepping)
    return 'All gradients shown. Tick “Step through backward” (or press Next) to reveal them one node at a time.';
  if (vs.step === 0)
    return `Step 0 of ${STEPS.length}: the forward pass and ∂L/∂yᵢ from the loss. Press Next (or →) for the first gradient.`;
  return `Step ${vs.step} of ${STEPS.length}: ${STEP_TITLES[vs.current]}`;
}

/** The keys of the step bar: arrows step, Home / End go to the first / last step. */
function listenKeys(bar, toggle, go, goTo) {
  bar.addEventListener('keydown', (e) => {
    if (e.target === toggle && (e.key === ' ' || e.key === 'Enter')) return;
    const act = {
      ArrowRight: () => go(+1),
      ArrowDown: () => go(+1),
      ArrowLeft: () => go(-1),
      ArrowUp: () => go(-1),
      Home: () => goTo(0),
      End: () => goTo(STEPS.length),
    }[e.key];
    if (!act) return;
    act();
    e.preventDefault();
  });
}

/** h: the lab's element builder. Returns {bar, update(vs)}. */
export function mountStepBar(ctx, h) {
  const toggle = h('input', { type: 'checkbox', id: 'bn-stepmode' });
  const prev = h('button', { type: 'button', id: 'bn-prev', text: '← Previous' });
  const next = h('button', { type: 'button', id: 'bn-next', text: 'Next →' });
  const reset = h('button', { type: 'button', id: 'bn-reset', text: 'Reset' });
  const status = h('p', { class: 'bn-step-status', id: 'bn-step-status', 'aria-live': 'polite' });
  const bar = h(
    'div',
    { class: 'bn-stepper', role: 'group', 'aria-label': 'Step through the backward pass' },
    h(
      'div',
      { class: 'bn-step-toggle' },
      toggle,
      h('label', {
        for: 'bn-stepmode',
        text: 'Step through backward (the lecture’s order: β, γ, x̂, var, μ, x)',
      }),
    ),
    h('div', { class: 'bn-step-buttons' }, prev, next, reset),
    status,
  );
  const goTo = (step) => ctx.update({ bnmode: 'step', bnstep: step });
  const go = (delta) => {
    const s = ctx.state;
    if (s.bnmode !== 'step') goTo(delta > 0 ? 1 : 0);
    else ctx.update({ bnstep: Math.max(0, Math.min(STEPS.length, s.bnstep + delta)) });
  };
  toggle.addEventListener('change', () =>
    ctx.update({ bnmode: toggle.checked ? 'step' : 'all', bnstep: 0 }),
  );
  prev.addEventListener('click', () => go(-1));
  next.addEventListener('click', () => go(+1));
  reset.addEventListener('click', () => goTo(0));
  listenKeys(bar, toggle, go, goTo);

  /** The toggle from the state (always); buttons and status from vs (with a result). */
  function sync() {
    toggle.checked = ctx.state.bnmode === 'step';
  }
  function update(vs) {
    prev.disabled = !vs.stepping || vs.step === 0;
    next.disabled = vs.stepping && vs.step === STEPS.length;
    reset.disabled = !vs.stepping;
    status.textContent = statusText(vs);
  }
  return { bar, sync, update };
}
