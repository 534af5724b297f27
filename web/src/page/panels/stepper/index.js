// Step-through mode: the window sliding over a SMALL input (N x N, one channel)
// with the layer's current F, P (and padding mode), S, dilation and operation,
// as the lecture's slides do, with the numbers in the cells.
//
// Everything shown comes from the module: the padded grid through
// padSourceIndex (so replicate/reflect/circular match the core), the sizes
// through conv2dGeometry and the output cells through conv2dForward on that
// same small input (the 'stepper' job, worker/jobs/stepper.js). The products
// and their sum are the window's taps times the weights; the sum is shown
// beside the module's value for that output cell (a test checks they agree).
// controls.js: the controls; playback.js: Play / Pause; figures.js: the four
// figures and the sum; cells.js: the numbers.
//
// State rows used here (in state.js's PROPS): sn (input side N), sin ('grid' = small integers,
// 'image' = the current image down-sampled to N x N grey), sk ('ints' = a
// small integer kernel, 'layer' = the layer's filter 1 summed over channels).
// The position of the window is local (never in the URL: playing would
// rewrite the hash every frame).
import { snapshot, changeKind } from '../../../common/state.js';
import { el } from '../../dom.js';
import { mountControls, legend } from './controls.js';
import { createPlayback } from './playback.js';
import { windowAt } from './cells.js';
import {
  inputFigure,
  kernelFigure,
  productsFigure,
  outputFigure,
  sumLineNodes,
} from './figures.js';

/** The state rows whose change recomputes the small layer. */
const WATCH = new Set(
  'f fw fsep p pad s sw ssep dil mode sn sin sk seed filters grey img size fit'.split(' '),
);
for (let i = 0; i < 16; i++) WATCH.add(`w${i}`);

function mountStage() {
  const figs = ['in', 'k', 'p', 'out'].map((n) => el('figure', { class: `cp-fig cp-fig-${n}` }));
  return {
    figs,
    stage: el('div', { class: 'cp-step-stage' }, ...figs),
    sumLine: el('p', { class: 'cp-step-sumline' }),
  };
}

/** Draws the window at output cell pos of model m into v: {figs, sumLine, c (controls), status, root}. */
function render(m, pos, { figs, sumLine, c, status, root }) {
  const w = windowAt(m, pos);
  const products = productsFigure(m, w);
  figs[0].replaceChildren(...inputFigure(m, w));
  figs[1].replaceChildren(...kernelFigure(m));
  figs[2].replaceChildren(...products.nodes);
  figs[3].replaceChildren(...outputFigure(m, pos));
  sumLine.replaceChildren(...sumLineNodes(m, pos, w, products));
  c.scrub.value = String(pos);
  c.pos.textContent = `${pos + 1} / ${m.total}`;
  c.scrub.setAttribute(
    'aria-valuetext',
    `output row ${w.oy}, column ${w.ox} of ${m.h2} × ${m.w2} (counted from 0)`,
  );
  status.textContent = `${m.note ? `${m.note} ` : ''}Output row ${w.oy}, column ${w.ox}: the window starts at row ${w.r0}, column ${w.c0} of the padded input (stride ${m.sh}${m.sw !== m.sh ? ` x ${m.sw}` : ''}).`;
  Object.assign(root.dataset, {
    oy: String(w.oy),
    ox: String(w.ox),
    row0: String(w.r0),
    col0: String(w.c0),
    pos: String(pos),
    total: String(m.total),
    h2: String(m.h2),
    w2: String(m.w2),
    n: String(m.n),
  });
}

export function mount(ctx) {
  const state = ctx.state;
  const root = ctx.slot('stepper');
  root.classList.add('cp-stepper');
  root.setAttribute('aria-labelledby', ctx.id('stepper-h'));
  const c = mountControls(ctx);
  const { figs, stage, sumLine } = mountStage();
  const status = el('p', { class: 'cp-step-status', 'aria-live': 'polite' });
  const error = el('p', { class: 'message error', role: 'alert', hidden: true });
  root.replaceChildren(
    el('h2', {
      id: ctx.id('stepper-h'),
      'data-part': 'stepper-h',
      text: 'Step through the convolution',
    }),
    el('p', {
      class: 'hint',
      text: "The window slides over a small input with the layer's F, P, padding mode, S and dilation. Each output cell is the sum of the products under the window.",
    }),
    ...c.rows,
    status,
    error,
    stage,
    sumLine,
    legend(),
  );
  root.hidden = false;
  ctx.addNav('stepper', 'Step-through');

  let model = null; // the computed small layer
  let pos = 0;
  let gen = 0;

  const view = { figs, sumLine, c, status, root };
  const draw = () => model && render(model, pos, view);

  const playback = createPlayback(c, {
    canStart: () => Boolean(model),
    atEnd: () => pos >= model.total - 1,
    rewind: () => (pos = 0),
    advance: () => {
      pos++;
      draw();
    },
    draw,
  });
  const { stop } = playback;
  /** Moves the window to p (when there is a model and p is a cell) and stops playing. */
  const moveTo = (p) => {
    stop();
    if (model && p >= 0 && p < model.total) {
      pos = p;
      draw();
    }
  };
  c.back.addEventListener('click', () => moveTo(pos - 1));
  c.fwd.addEventListener('click', () => moveTo(pos + 1));
  c.scrub.addEventListener('input', () => {
    stop();
    pos = Number(c.scrub.value);
    draw();
  });
  c.n.addEventListener('change', () => ctx.set('sn', Number(c.n.value)));
  c.input.addEventListener('change', () => ctx.set('sin', c.input.value));
  c.kernel.addEventListener('change', () => ctx.set('sk', c.kernel.value));
  ctx.on('view', (inView) => {
    if (!inView) stop(); // playback pauses off screen; Play goes on from the same window
  });

  /** The layer is impossible with this input: the message instead of the figures. */
  function refuse(e) {
    stop();
    model = null;
    error.hidden = false;
    error.textContent = `With a ${state.sn} × ${state.sn} input this layer is impossible: ${e.message}. Choose a larger input or a smaller kernel, padding or dilation.`;
    stage.hidden = true;
    sumLine.hidden = true;
    for (const b of [c.back, c.play, c.fwd, c.scrub]) b.disabled = true;
    status.textContent = '';
    root.dataset.total = '0';
  }

  function accept(next) {
    const old = model;
    model = next;
    if (!old || old.total !== model.total || old.w2 !== model.w2)
      pos = Math.min(pos, model.total - 1);
    error.hidden = true;
    error.textContent = '';
    stage.hidden = false;
    sumLine.hidden = false;
    for (const b of [c.back, c.play, c.fwd, c.scrub]) b.disabled = false;
    c.scrub.max = String(model.total - 1);
    draw();
  }

  async function compute() {
    const my = ++gen;
    c.n.value = String(state.sn);
    c.input.value = state.sin;
    c.kernel.value = state.sk;
    let next;
    try {
      next = await ctx.engine.stepper({ state: snapshot(state) });
    } catch (e) {
      if (my !== gen) return;
      // the worker died under this job: the layer is not to blame; keep the figures,
      // and the next change computes again
      if (e.name === 'WorkerCrash') computedFor = null;
      else refuse(e);
      return;
    }
    if (next && my === gen) accept(next);
  }

  /** What the small layer is computed from: the rows it watches (and the image it may use). */
  const inputsKey = () =>
    JSON.stringify([[...WATCH].map((n) => state[n]), state.sin === 'image' ? ctx.source.key : '']);
  let computedFor = null;
  const computeOnce = () => {
    const key = inputsKey();
    if (key === computedFor) return null;
    computedFor = key;
    return compute();
  };
  // its own rows compute at once; a change of the layer computes with the layer's
  // result (update below: the runner brings a panel off screen up to date after the
  // frame that shows the panels on screen)
  ctx.subscribe((s, changed) => {
    if ([...changed].some((n) => WATCH.has(n)) && changeKind(changed) !== 'layer') computeOnce();
  });
  ctx.on('started', computeOnce);
  return {
    update: () => computeOnce(),
    destroy: stop,
    api: {
      compute,
      get model() {
        return model;
      },
    },
  };
}
