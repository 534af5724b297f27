// Gradients on the real image: the backward pass of the page's layer.
//
// The learner picks what to differentiate (L = sum of the outputs, 1/2 |o|^2,
// one output pixel — the pinned one —, or 1/2 |o - t|^2 with t the output of a
// preset filter) and sees:
//   - the loss and the formula of dL/do (loss.js, formulas.js);
//   - dL/dX per input channel and as a saliency picture over the greyed image
//     (with one pixel chosen, exactly its receptive field lights up) (dx.js, zoom.js);
//   - dL/dW beside every filter (F1 x F2 x D1), dL/db (filters.js);
//   - a "take a gradient step" button: W <- W - lr dL/dW, b <- b - lr dL/db
//     (and gamma, beta with batch norm); the new weights become the filters'
//     custom weights (state w<k>, bias), so the URL still describes the page
//     (controls.js, session.js, history.js);
//   - an optional batch-norm layer after the convolution (per feature map over
//     its N*H2*W2 values: N = 1 for the page's image alone, or a small batch,
//     state row 'batch', "Batch: N images": the page's image and other
//     samples resized to it): its output maps, mean and variance, editable
//     gamma / beta, dL/dgamma, dL/dbeta, and the dL/dy it sends back into the
//     convolution (batchnorm.js). With N > 1 the loss is over the whole
//     batch's output, and the pictures (dL/dX, the maps) show image 1.
// Everything is computed in the worker (the 'gradients' job,
// worker/jobs/gradients.js) on the layer it already holds (result.key), by the
// module's conv2dBackward and batchnormForward / batchnormBackward, with the
// module's default eps.
//
// State rows (common/state.js, kind 'grad': they never re-run the forward
// pass): gon (compute), gl (loss), gt (target preset), glr (learning rate;
// 0 = the safe step 1/T), gbn (batch norm on), ggam / gbet (gamma / beta per
// map; missing = 1 / 0).
// The panel's api (instance.panel('gradients')): {last, result, job, history, compute(), step(n)}.
import { changeKind } from '../../../common/state.js';
import { fmt, releasePictures } from '../../render.js';
import { el } from '../../dom.js';
import { mountControls } from './controls.js';
import { mountHistory } from './history.js';
import { mountLoss } from './loss.js';
import { mountDx } from './dx.js';
import { mountFilters } from './filters.js';
import { mountBatchNorm } from './batchnorm.js';
import { createSession } from './session.js';
import { mountNotebook } from './notebook.js';

const INTRO =
  "Back-propagation through the layer above: choose a loss L of its output o, and see how L changes with every input pixel (dL/dX) and every weight (dL/dW, dL/db). Computed by the module's conv2dBackward (and batchnormBackward).";

/** The views of one gradient result, in the body below the controls. */
function mountViews(ctx) {
  const dx = mountDx(ctx);
  const filters = mountFilters(ctx);
  const bn = mountBatchNorm(ctx);
  const body = el('div', { class: 'g-body' }, dx.section, filters.section, bn.section);
  return { body, dx, filters, bn };
}

export function mount(ctx) {
  const id = ctx.id;
  const root = ctx.slot('gradients');
  root.classList.add('cp-grad');
  root.setAttribute('aria-labelledby', id('grad-h'));
  root.dataset.state = 'off';
  ctx.addNav('gradients', 'Gradients');

  const status = el('p', { class: 'g-status', role: 'status', 'aria-live': 'polite' });
  const history = mountHistory();
  const loss = mountLoss();
  const views = mountViews(ctx);
  let session = null;
  const controls = mountControls(ctx, { history: history.list, onStep: (n) => session.step(n) });

  function sync() {
    const s = ctx.state;
    controls.sync(session.ready(), session.lr());
    views.body.hidden = !s.gon || !session.last;
    views.bn.section.hidden = !s.gbn;
    root.classList.toggle('g-off', !s.gon);
  }

  /** A new answer g for layer result r: every view draws it. */
  function show(g, r) {
    const s = ctx.state;
    sync();
    loss.update(g, s, { ...r.state, gt: session.job?.target ?? s.gt });
    views.dx.update(g, r);
    views.filters.update(g, r, r.state);
    if (g.bnOn) views.bn.update(g);
    releasePictures(g.pictures); // what was not drawn
    history.update(session.history);
    status.textContent = `Backward pass: ${fmt(g.ms, 3)} ms in the worker. Safe step 1/T = ${fmt(g.safeLr, 3)}${g.bnOn ? ' (scaled by (γ·rstd)², a guide with batch norm)' : ''}; lr = ${fmt(session.lr(), 3)}.`;
    root.dataset.state = 'ok';
    root.dataset.loss = String(g.loss);
    root.dataset.count = String(Number(root.dataset.count || 0) + 1);
    root.dataset.steps = String(session.history.length - 1);
  }

  session = createSession(ctx, {
    sync,
    show,
    status(state, text) {
      root.dataset.state = state;
      if (text !== undefined) status.textContent = text;
    },
  });

  root.replaceChildren(
    el('h2', {
      id: id('grad-h'),
      'data-part': 'grad-h',
      text: 'Gradients: the backward pass on the image',
    }),
    el('p', { class: 'hint', text: INTRO }),
    ...controls.top,
    loss.pixelNote,
    ...controls.bnRows,
    loss.line,
    loss.formulas,
    controls.stepper,
    status,
    mountNotebook(ctx, session) ?? '',
    views.body,
  );

  ctx.subscribe((s, changed) => {
    // a 'layer' change re-runs the forward pass, and update() computes then;
    // the 'grad' rows (and the pinned pixel for the pixel loss) compute here
    const kind = changeKind(changed);
    if (kind === 'grad' || (kind === 'view' && changed.has('at') && s.gon && s.gl === 'pixel'))
      session.compute();
    if (changed.has('glr')) sync();
  });
  sync();
  session.compute();

  const { compute, step } = session;
  const api = {
    get last() {
      return session.last;
    },
    get result() {
      return session.result;
    },
    get job() {
      return session.job;
    },
    get history() {
      return session.history;
    },
    compute,
    step,
  };
  return { update: () => compute(), api };
}
