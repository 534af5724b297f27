// Lecture mode: the lecture, step by step, in its own order
// (common/lecture-steps.js). Each step is a prepared state of the playground
// (a patch over the defaults, applied as one hash, so every step has its own
// link), two or three sentences, and the sizes it states — which the panel
// checks against what the page computes (the module's geometry) and shows
// beside them. Each step brings the panel it is about into view; the step's text
// and its buttons stay on screen in a bar at the bottom (lecture-dock.js).
import * as S from '../../common/state.js';
import { STEPS } from '../../common/lecture-steps.js';
import { el } from '../dom.js';
import { mountDock } from './lecture-dock.js';
import { followPanel } from './lecture-follow.js';

/** The link hash (without '#') of a step: the defaults, the step's patch, lstep = its id. */
export function stepHash(step) {
  return S.linkOf({ ...S.defaults(), ...step.patch, lstep: step.id });
}

const dimsText = (d) => `${d[0]} × ${d[1]} × ${d[2]}`;

const LOOK = {
  volume: 'See the volumes',
  stepper: 'See the step-through',
  alexnet: 'See the AlexNet exercise',
  bnlab: 'See the batch-norm lab',
  gradients: 'See the gradients',
};

/** The step's elements: the head's buttons, the step's text box and its buttons, the list of steps. */
function buildParts(id) {
  const btn = (cls, text) => el('button', { type: 'button', class: cls }, text);
  const p = {
    startBtn: btn('primary cp-lec-start', 'Start the lecture'),
    leaveBtn: btn('cp-lec-leave', 'Leave the lecture'),
    counter: el('p', { class: 'cp-lec-counter', 'aria-live': 'polite' }),
    title: el('h3', {
      class: 'cp-lec-title',
      id: id('lecture-step-title'),
      'data-part': 'lecture-step-title',
      tabindex: '-1',
    }),
    body: el('div', { class: 'cp-lec-body' }),
    sizes: el('p', { class: 'cp-lec-sizes' }),
    shown: el('p', { class: 'cp-lec-shown', role: 'status', 'aria-live': 'polite' }),
    prev: btn('cp-lec-prev', '← Previous'),
    next: btn('cp-lec-next primary', 'Next →'),
    resetBtn: btn('cp-lec-reset', 'Reset this step'),
    link: el('a', { class: 'cp-lec-link' }, 'Link to this step'),
    look: el('a', { class: 'cp-lec-look' }),
    list: el('ol', { class: 'cp-lec-list' }),
  };
  p.nav = el(
    'div',
    { class: 'cp-lec-nav', role: 'group', 'aria-label': 'Lecture steps' },
    p.prev,
    p.next,
    p.resetBtn,
    p.link,
    p.look,
  );
  // the step itself lives in the bar at the bottom of the screen (lecture-dock.js)
  p.textBox = el(
    'div',
    {
      class: 'cp-lec-text',
      tabindex: '0',
      role: 'group',
      'aria-labelledby': id('lecture-step-title'),
    },
    p.title,
    p.body,
    p.sizes,
    p.shown,
  );
  return p;
}

/** The sizes the page shows now (from the module's geometry) for a step's check, or null. */
function pageSizes(ctx, step) {
  let g;
  if (step.expect?.where === 'alexnet') {
    const a = ctx.alexnet.latest();
    if (!a || !ctx.state.alex) return null;
    g = a.geometry;
  } else {
    g = ctx.result?.geometry;
    if (!g) return null;
  }
  return {
    input: [g.input[3], g.input[2], g.input[1]],
    output: [g.output[3], g.output[2], g.output[1]],
  };
}

/** Shows beside the step's stated sizes what the page computes, and whether they match. */
function checkStep(ctx, root, shown, step) {
  if (!step || !step.expect) {
    shown.textContent = '';
    return;
  }
  const now = pageSizes(ctx, step);
  if (!now) {
    shown.textContent = 'Computing…';
    delete root.dataset.match;
    return;
  }
  const ok =
    dimsText(now.input) === dimsText(step.expect.input) &&
    dimsText(now.output) === dimsText(step.expect.output);
  const where = step.expect.where === 'alexnet' ? 'The AlexNet exercise shows' : 'The page shows';
  shown.replaceChildren(
    `${where}: `,
    el('b', {
      class: 'cp-lec-shownval',
      text: `${dimsText(now.input)} → ${dimsText(now.output)}`,
    }),
    ok
      ? el('span', { class: 'cp-lec-ok', text: ' ✓ as stated' })
      : el('span', {
          class: 'cp-lec-off',
          text: ' (you changed the layer: “Reset this step” brings the step back)',
        }),
  );
  root.dataset.match = ok ? 'yes' : 'no';
  root.dataset.shown = `${dimsText(now.input)} -> ${dimsText(now.output)}`;
  const extra = step.check?.(ctx);
  if (extra) shown.append(el('span', { text: ` ${extra}` }));
}

/** The step's title, text, formulas and stated sizes. */
function drawText(p, root, step) {
  p.title.textContent = step.title;
  p.body.replaceChildren(
    ...step.text.map((t) => el('p', { text: t })),
    ...(step.formula ?? []).map((f) => el('p', { class: 'cp-formula', text: f })),
  );
  if (step.expect) {
    p.sizes.replaceChildren(
      'Sizes: input ',
      el('b', { class: 'cp-lec-in', text: dimsText(step.expect.input) }),
      ' → output ',
      el('b', { class: 'cp-lec-out', text: dimsText(step.expect.output) }),
      ' (W × H × D)',
    );
    root.dataset.expect = `${dimsText(step.expect.input)} -> ${dimsText(step.expect.output)}`;
  } else {
    p.sizes.replaceChildren();
    delete root.dataset.expect;
  }
}

/** The "See …" link of a step with a focus panel (hidden without one). */
function drawLook(ctx, look, step) {
  if (!step.focus) {
    look.hidden = true;
    return;
  }
  const target = ctx.$(step.focus);
  look.hidden = !target;
  look.href = `#${ctx.id(step.focus)}`;
  look.textContent =
    LOOK[step.focus] ?? `See the ${target?.querySelector('h2')?.textContent.trim() || 'section'}`;
}

/** The list of all steps, the current one marked. */
function drawList(list, current) {
  list.replaceChildren(
    ...STEPS.map((s, i) =>
      el(
        'li',
        {},
        el('a', {
          href: `#${stepHash(s)}`,
          'aria-current': s.id === current ? 'step' : null,
          text: s.title,
          'data-step': s.id,
          'data-i': String(i),
        }),
      ),
    ),
  );
}

export function mount(ctx) {
  const id = ctx.id;
  const root = ctx.slot('lecture');
  root.classList.add('cp-lecture');
  root.setAttribute('aria-labelledby', id('lecture-h'));
  const home = { parent: root.parentNode, next: root.nextSibling };
  const p = buildParts(id);
  const intro = el('p', {
    class: 'cp-lec-intro',
    text: 'Walk through the lecture in its own order: each step sets up the playground, explains what you see in two or three sentences and states the sizes, which you can check on the page.',
  });
  const dock = mountDock(ctx, {
    counter: p.counter,
    textBox: p.textBox,
    buttons: p.nav,
    toggleBefore: p.resetBtn,
  });
  const where = el('p', {
    class: 'hint cp-lec-where',
    text: "The step's text and its Previous / Next buttons are in the bar at the bottom of the screen.",
  });
  root.replaceChildren(
    el(
      'div',
      { class: 'cp-lec-head' },
      el('h2', {
        id: id('lecture-h'),
        'data-part': 'lecture-h',
        text: 'The lecture, step by step',
      }),
      p.startBtn,
      p.leaveBtn,
    ),
    intro,
    where,
    el('details', { class: 'cp-lec-all' }, el('summary', { text: 'All steps' }), p.list),
  );
  root.hidden = false;

  const follow = followPanel(ctx);
  const index = () => STEPS.findIndex((s) => s.id === ctx.state.lstep);
  const go = (i) => {
    const step = STEPS[Math.max(0, Math.min(STEPS.length - 1, i))];
    if (!step) return;
    const hash = stepHash(step);
    if (ctx.usesHash) {
      ctx.flushHash(); // the entry Back returns to holds the state as it is now
      try {
        history.pushState(null, '', `#${hash}`);
      } catch {
        /* e.g. a sandboxed frame */
      }
    }
    ctx.loadHash(hash); // the whole state becomes the step's (Back returns to the previous step)
    p.title.focus({ preventScroll: true });
    // the panel the step is about comes into view (the step's bar stays over its lower part)
    if (step.focus) follow(step.focus);
    else if (root.getBoundingClientRect().top < 0) root.scrollIntoView({ block: 'start' });
  };
  const check = () => checkStep(ctx, root, p.shown, STEPS[index()]);

  function draw() {
    const i = index();
    const on = i >= 0;
    root.classList.toggle('cp-lec-on', on);
    p.startBtn.hidden = on;
    p.leaveBtn.hidden = !on;
    dock.show(on);
    where.hidden = !on;
    intro.hidden = on;
    // while in the lecture the panel sits at the top of the page's stage, beside the layer
    const stage = ctx.root.querySelector('.stage');
    if (on && stage && stage.firstElementChild !== root) stage.prepend(root);
    if (!on && home.parent && root.parentNode !== home.parent)
      home.parent.insertBefore(root, home.next);
    drawList(p.list, ctx.state.lstep);
    if (!on) {
      root.dataset.step = '';
      return;
    }
    const step = STEPS[i];
    if (root.dataset.step !== step.id) dock.openText(); // a new step: its text to read
    root.dataset.step = step.id;
    p.counter.textContent = `Step ${i + 1} of ${STEPS.length}`;
    drawText(p, root, step);
    p.prev.disabled = i === 0;
    p.next.disabled = i === STEPS.length - 1;
    p.link.href = `#${stepHash(step)}`;
    drawLook(ctx, p.look, step);
    check();
  }

  p.startBtn.addEventListener('click', () => {
    go(Math.max(0, index()));
    if (!STEPS[Math.max(0, index())]?.focus) root.scrollIntoView({ block: 'start' });
  });
  // the first screen's "Start the lecture"
  ctx.root
    .querySelector('.cp-start-lecture')
    ?.addEventListener('click', () => go(Math.max(0, index())));
  p.leaveBtn.addEventListener('click', () => ctx.set('lstep', ''));
  p.prev.addEventListener('click', () => go(index() - 1));
  p.next.addEventListener('click', () => go(index() + 1));
  p.resetBtn.addEventListener('click', () => {
    const i = index();
    if (i >= 0) ctx.loadHash(stepHash(STEPS[i]));
  });
  // "See …" links scroll without touching the URL hash (the hash is the state)
  p.look.addEventListener('click', (e) => {
    e.preventDefault();
    const i = index();
    if (STEPS[i]?.focus) ctx.goTo(STEPS[i].focus);
  });
  ctx.addNav('lecture', 'Lecture');
  // a step of the list opens through the state (an embedded instance never touches the URL)
  p.list.addEventListener('click', (e) => {
    const a = e.target.closest('a[data-i]');
    if (!a) return;
    e.preventDefault();
    go(Number(a.dataset.i));
  });
  p.link.addEventListener('click', (e) => {
    if (!ctx.usesHash) e.preventDefault();
  });

  ctx.subscribe((s, changed) => {
    if (changed.has('lstep')) draw();
    else check();
  });
  ctx.on('alexnet', () => check());
  draw();
  return { update: () => check(), api: { draw, go } };
}
