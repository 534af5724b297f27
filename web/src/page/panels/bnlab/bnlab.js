// The batch-norm lab: the lecture's computational graph of batch
// normalization with every forward value and every gradient on it, computed
// by the module (batchnormForward / batchnormBackward, double precision),
// each gradient beside its finite-difference check, and a step-through of
// the backward pass in the lecture's order (beta, gamma, xhat, var, mu, x).
//
// It is a panel like the others (index.js: mount(ctx)); its numbers come from
// the worker's 'bnlab' job (worker/jobs/bnlab.js runLab). The lab's state
// lives in the instance's state (rows bn* of the state table), so a lab
// setting is a link like #bnx=1,3&bngamma=2.
// controls.js: the inputs; stepbar.js: the step-through; graph.js (with
// graph-data.js): the graph; tables.js: the forward and backward tables;
// messages.js: the module's refusal and the notes; how.js: how it is computed.

import { paramsFromState } from '../../../common/bnlab-math.js';
import { drawGraph } from './graph.js';
import { graphData } from './graph-data.js';
import { builder } from './builder.js';
import { mountControls } from './controls.js';
import { mountStepBar, viewState } from './stepbar.js';
import { mountTables } from './tables.js';
import { messageNodes } from './messages.js';
import { howDetails } from './how.js';
import { notebookButton } from './notebook.js';

const DATA_KEYS = new Set(['bnx', 'bngamma', 'bnbeta', 'bneps', 'bnloss', 'bnw', 'bnt']);
const VIEW_KEYS = new Set(['bnmode', 'bnstep']);
const INTRO =
  'The lecture’s opening exercise. Forward: μ = (1/m)Σxᵢ, var = (1/m)Σ(xᵢ − μ)², x̂ᵢ = (xᵢ − μ)/√(var + ε), yᵢ = γx̂ᵢ + β. Backward: the chain rule through every node. Edit the mini-batch, γ, β, ε and the loss; every number below is recomputed by the module and checked against a finite difference.';

/** The lab's answer for parameters p: the worker's, or a refusal that says why. */
async function answer(engine, p) {
  if (!Number.isFinite(p.eps))
    return { ok: false, p, error: `ε = “${p.epsText}” is not a number`, notes: [] };
  try {
    return await engine.bnlab({ p }); // null when a newer input superseded this one
  } catch (e) {
    return { ok: false, p, error: e.message, notes: [] };
  }
}

export function mountBatchNormLab(container, ctx) {
  const h = builder(ctx.id(''));
  let last = null; // the last answer of the lab job
  let generation = 0;

  container.classList.add('bnlab');
  container.setAttribute('aria-labelledby', ctx.id('bnlab-h'));
  const controls = mountControls(ctx, h, container);
  const stepBar = mountStepBar(ctx, h);
  const tables = mountTables(h);
  const messages = h('div', { class: 'bn-messages', 'aria-live': 'polite' });
  // the graph and the tables scroll sideways on a narrow screen: focusable, so keys scroll them
  const scroller = (cls, label, ...kids) =>
    h('div', { class: cls, tabindex: '0', role: 'region', 'aria-label': label }, ...kids);
  const graphHost = scroller('bn-graph-wrap', 'The computational graph');
  container.replaceChildren(
    h('h2', { id: 'bnlab-h', text: 'Batch-norm lab: back-propagation through the graph' }),
    h('p', { class: 'bn-intro', text: INTRO }),
    controls.presets,
    controls.controls,
    stepBar.bar,
    messages,
    graphHost,
    scroller('bn-table-wrap', 'The forward pass, node by node', tables.fwdTable),
    scroller('bn-table-wrap', 'The backward pass, node by node', tables.bwdTable),
    howDetails(h),
  );
  const notebook = notebookButton(ctx, {
    get result() {
      return last;
    },
  });
  if (notebook) container.insertBefore(notebook, container.lastElementChild); // before "how"

  function syncInputs() {
    controls.sync();
    stepBar.sync();
  }

  function render() {
    syncInputs();
    const res = last;
    if (!res) return;
    const vs = viewState(ctx.state);
    stepBar.update(vs);
    container.dataset.step = String(vs.step);
    container.dataset.current = vs.current ?? '';
    messages.replaceChildren(...messageNodes(h, res, vs));
    drawGraph(graphHost, {
      m: res.p.m,
      ...graphData(res),
      revealed: vs.revealed,
      current: vs.current,
      error: !res.ok,
      idPrefix: ctx.id(''),
    });
    tables.update(res, vs);
  }

  async function recompute() {
    const gen = ++generation;
    container.dataset.state = 'computing';
    const res = await answer(ctx.engine, paramsFromState(ctx.state));
    if (!res || gen !== generation) return; // a newer input superseded this one
    last = res;
    render();
    container.dataset.state = res.ok ? 'ok' : 'error';
    container.dataset.computed = String(Number(container.dataset.computed || 0) + 1);
  }

  const unsubscribe = ctx.subscribe((s, changed) => {
    const names = [...changed];
    if (names.some((n) => DATA_KEYS.has(n))) recompute();
    else if (names.some((n) => VIEW_KEYS.has(n))) render();
  });
  syncInputs();
  ctx.on('started', recompute);
  return {
    recompute,
    render,
    destroy: unsubscribe,
    get result() {
      return last;
    },
  };
}
