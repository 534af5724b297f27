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

export function mount(ctx) {
  const app = ctx;
  const id = ctx.id;
  const root = ctx.slot('lecture');
  root.classList.add('cp-lecture');
  root.setAttribute('aria-labelledby', id('lecture-h'));
  const home = { parent: root.parentNode, next: root.nextSibling };

  const h = el('h2', {
    id: id('lecture-h'),
    'data-part': 'lecture-h',
    text: 'The lecture, step by step',
  });
  const startBtn = el(
    'button',
    { type: 'button', class: 'primary cp-lec-start' },
    'Start the lecture',
  );
  const leaveBtn = el('button', { type: 'button', class: 'cp-lec-leave' }, 'Leave the lecture');
  const counter = el('p', { class: 'cp-lec-counter', 'aria-live': 'polite' });
  const title = el('h3', {
    class: 'cp-lec-title',
    id: id('lecture-step-title'),
    'data-part': 'lecture-step-title',
    tabindex: '-1',
  });
  const body = el('div', { class: 'cp-lec-body' });
  const sizes = el('p', { class: 'cp-lec-sizes' });
  const shown = el('p', { class: 'cp-lec-shown', role: 'status', 'aria-live': 'polite' });
  const prev = el('button', { type: 'button', class: 'cp-lec-prev' }, '← Previous');
  const next = el('button', { type: 'button', class: 'cp-lec-next primary' }, 'Next →');
  const resetBtn = el('button', { type: 'button', class: 'cp-lec-reset' }, 'Reset this step');
  const link = el('a', { class: 'cp-lec-link' }, 'Link to this step');
  const look = el('a', { class: 'cp-lec-look' });
  const nav = el(
    'div',
    { class: 'cp-lec-nav', role: 'group', 'aria-label': 'Lecture steps' },
    prev,
    next,
    resetBtn,
    link,
    look,
  );
  const list = el('ol', { class: 'cp-lec-list' });
  const listBox = el(
    'details',
    { class: 'cp-lec-all' },
    el('summary', { text: 'All steps' }),
    list,
  );
  const intro = el('p', {
    class: 'cp-lec-intro',
    text: 'Walk through the lecture in its own order: each step sets up the playground, explains what you see in two or three sentences and states the sizes, which you can check on the page.',
  });
  // the step itself lives in the bar at the bottom of the screen (lecture-dock.js)
  const textBox = el(
    'div',
    {
      class: 'cp-lec-text',
      tabindex: '0',
      role: 'group',
      'aria-labelledby': id('lecture-step-title'),
    },
    title,
    body,
    sizes,
    shown,
  );
  const dock = mountDock(ctx, { counter, textBox, buttons: nav, toggleBefore: resetBtn });
  const where = el('p', {
    class: 'hint cp-lec-where',
    text: "The step's text and its Previous / Next buttons are in the bar at the bottom of the screen.",
  });
  root.replaceChildren(
    el('div', { class: 'cp-lec-head' }, h, startBtn, leaveBtn),
    intro,
    where,
    listBox,
  );
  root.hidden = false;

  const follow = followPanel(ctx);
  const index = () => STEPS.findIndex((s) => s.id === app.state.lstep);
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
    app.loadHash(hash); // the whole state becomes the step's (Back returns to the previous step)
    title.focus({ preventScroll: true });
    // the panel the step is about comes into view (the step's bar stays over its lower part)
    if (step.focus) follow(step.focus);
    else if (root.getBoundingClientRect().top < 0) root.scrollIntoView({ block: 'start' });
  };
  startBtn.addEventListener('click', () => {
    go(Math.max(0, index()));
    if (!STEPS[Math.max(0, index())]?.focus) root.scrollIntoView({ block: 'start' });
  });
  // the first screen's "Start the lecture"
  const start = ctx.root.querySelector('.cp-start-lecture');
  start?.addEventListener('click', () => go(Math.max(0, index())));
  leaveBtn.addEventListener('click', () => app.set('lstep', ''));
  prev.addEventListener('click', () => go(index() - 1));
  next.addEventListener('click', () => go(index() + 1));
  resetBtn.addEventListener('click', () => {
    const i = index();
    if (i >= 0) app.loadHash(stepHash(STEPS[i]));
  });

  function drawList() {
    list.replaceChildren(
      ...STEPS.map((s, i) =>
        el(
          'li',
          {},
          el('a', {
            href: `#${stepHash(s)}`,
            'aria-current': s.id === app.state.lstep ? 'step' : null,
            text: s.title,
            'data-step': s.id,
            'data-i': String(i),
          }),
        ),
      ),
    );
  }

  /** The sizes the page shows now (from the module's geometry), or null. */
  function pageSizes(step) {
    if (step.expect?.where === 'alexnet') {
      const a = ctx.alexnet.latest();
      if (!a || !app.state.alex) return null;
      const g = a.geometry;
      return {
        input: [g.input[3], g.input[2], g.input[1]],
        output: [g.output[3], g.output[2], g.output[1]],
      };
    }
    const r = app.result;
    if (!r?.geometry) return null;
    const g = r.geometry;
    return {
      input: [g.input[3], g.input[2], g.input[1]],
      output: [g.output[3], g.output[2], g.output[1]],
    };
  }

  function check() {
    const i = index();
    const step = STEPS[i];
    if (!step || !step.expect) {
      shown.textContent = '';
      return;
    }
    const now = pageSizes(step);
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
    const extra = step.check?.(app);
    if (extra) shown.append(el('span', { text: ` ${extra}` }));
  }

  function draw() {
    const i = index();
    const on = i >= 0;
    root.classList.toggle('cp-lec-on', on);
    startBtn.hidden = on;
    leaveBtn.hidden = !on;
    dock.show(on);
    where.hidden = !on;
    intro.hidden = on;
    // while in the lecture the panel sits at the top of the page's stage, beside the layer
    const stage = ctx.root.querySelector('.stage');
    if (on && stage && stage.firstElementChild !== root) stage.prepend(root);
    if (!on && home.parent && root.parentNode !== home.parent)
      home.parent.insertBefore(root, home.next);
    drawList();
    if (!on) {
      root.dataset.step = '';
      return;
    }
    const step = STEPS[i];
    if (root.dataset.step !== step.id) dock.openText(); // a new step: its text to read
    root.dataset.step = step.id;
    counter.textContent = `Step ${i + 1} of ${STEPS.length}`;
    title.textContent = step.title;
    body.replaceChildren(
      ...step.text.map((t) => el('p', { text: t })),
      ...(step.formula ?? []).map((f) => el('p', { class: 'cp-formula', text: f })),
    );
    if (step.expect) {
      sizes.replaceChildren(
        'Sizes: input ',
        el('b', { class: 'cp-lec-in', text: dimsText(step.expect.input) }),
        ' → output ',
        el('b', { class: 'cp-lec-out', text: dimsText(step.expect.output) }),
        ' (W × H × D)',
      );
      root.dataset.expect = `${dimsText(step.expect.input)} -> ${dimsText(step.expect.output)}`;
    } else {
      sizes.replaceChildren();
      delete root.dataset.expect;
    }
    prev.disabled = i === 0;
    next.disabled = i === STEPS.length - 1;
    link.href = `#${stepHash(step)}`;
    if (step.focus) {
      const target = ctx.$(step.focus);
      look.hidden = !target;
      look.href = `#${id(step.focus)}`;
      look.textContent =
        {
          volume: 'See the volumes',
          stepper: 'See the step-through',
          alexnet: 'See the AlexNet exercise',
          bnlab: 'See the batch-norm lab',
          gradients: 'See the gradients',
        }[step.focus] ?? `See the ${target?.querySelector('h2')?.textContent.trim() || 'section'}`;
    } else look.hidden = true;
    check();
  }
  // "See …" links scroll without touching the URL hash (the hash is the state)
  look.addEventListener('click', (e) => {
    e.preventDefault();
    const i = index();
    if (STEPS[i]?.focus) ctx.goTo(STEPS[i].focus);
  });
  ctx.addNav('lecture', 'Lecture');
  // a step of the list opens through the state (an embedded instance never touches the URL)
  list.addEventListener('click', (e) => {
    const a = e.target.closest('a[data-i]');
    if (!a) return;
    e.preventDefault();
    go(Number(a.dataset.i));
  });
  link.addEventListener('click', (e) => {
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
