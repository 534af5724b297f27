// The AlexNet exercise (the lecture's worked example, AlexNet's first layer):
// the current image resized to 227 x 227 x 3 by the module (resizeImage), 96
// random 11 x 11 x 3 filters, S = 4, P = 0 -> a 55 x 55 x 96 output volume
// (all 96 maps, in a scrollable grid), the formula with those numbers and the
// 34,848 + 96 parameters, all from the module (conv2dGeometry, conv2dForward).
// Beside it the famous slip: the paper's 224 x 224 gives (224 - 11)/4 + 1 = 54.25
// (the module's convOutputSize: 54, not exact).
//
// The preset button also sets the page's layer to the same numbers (227, F = 11,
// S = 4, P = 0, random filters; the step-through's input to 11 x 11 so its window
// fits), so the main view shows K (at most 16) maps with the same formula; a line
// says what changed and offers the way back (undo.js). The state row `alex`
// records that the exercise is shown (so a lecture step's link reproduces it).
//
// The panel's views: result.js (the 96 maps and the numbers), slip.js (224 or
// 227?), undo.js (the way back) and the quiz (quiz.js, inside this section).
import { ALEX_PATCH } from '../../../common/lecture-steps.js';
import { el } from '../../dom.js';
import { mountQuiz, fmtInt } from './quiz.js';
import { mountUndo } from './undo.js';
import { mountSlip } from './slip.js';
import { mountResult } from './result.js';

/** The section's heading, intro and buttons. */
function header(ctx) {
  const h = el('h2', {
    id: ctx.id('alexnet-h'),
    'data-part': 'alexnet-h',
    text: 'The AlexNet exercise',
  });
  const intro = el('p', {
    text: "The lecture's worked example is AlexNet's first layer: a 227 × 227 × 3 input, 96 filters of 11 × 11 × 3, stride S = 4, no padding. Try it on the current image.",
  });
  const go = el(
    'button',
    { type: 'button', class: 'cp-alex-go primary' },
    'Run the AlexNet exercise on this image',
  );
  const hide = el('button', { type: 'button', class: 'cp-alex-hide' }, 'Hide the 96 maps');
  return { h, intro, go, hide };
}

/**
 * The exercise's computation: compute(force, r) asks the worker for the exercise
 * on the image of result r, and shows it (busy: the line saying what runs, err:
 * the error line, result: result.js's view, hide: the hide button).
 */
function exercise(ctx, { root, busy, err, result, hide }) {
  let gen = 0;
  let lastKey = null;
  function off() {
    result.element.hidden = true;
    hide.hidden = true;
    lastKey = null;
    gen++;
    busy.textContent = '';
  }
  function failed(e) {
    if (e.name === 'StaleLayer') {
      lastKey = null; // the worker holds a newer layer: its result computes the exercise
      return;
    }
    err.textContent = e.message;
    err.hidden = false;
    busy.textContent = '';
  }
  /** The exercise on the image of result r (the last drawn one by default). */
  async function compute(force = false, r = ctx.result) {
    const state = ctx.state;
    if (!state.alex) return off();
    if (!r?.input) {
      busy.textContent = 'Waiting for the image…';
      return;
    }
    // the result's image and the seed decide the exercise: a new layer on the same image
    // changes nothing (the image is the result's, never the one the page loads meanwhile)
    const key = `${r.input.key}|${state.seed}`;
    if (!force && key === lastKey) return; // shown or being computed
    const my = ++gen;
    lastKey = key;
    busy.textContent = 'Computing 96 feature maps of 55 × 55 in the worker…';
    hide.hidden = false;
    try {
      const a = await ctx.engine.alexnet({ seed: state.seed, layerKey: r.key });
      if (!a || my !== gen) return;
      const [, K, H2, W2] = a.output.shape;
      const latest = { geometry: a.geometry, output: a.output.shape };
      ctx.alexnet.publish(latest); // the lecture checks it
      result.draw(a);
      result.element.hidden = false;
      err.hidden = true;
      const [, , F1, F2] = a.geometry.weight;
      const macs = fmtInt(H2 * W2 * K * F1 * F2 * a.geometry.input[1]);
      busy.textContent = `Computed in ${a.ms < 10 ? a.ms.toFixed(1) : Math.round(a.ms)} ms (${macs} multiply-adds).`;
      root.dataset.dims = `${W2}x${H2}x${K}`;
      ctx.emit('alexnet', latest);
    } catch (e) {
      if (my === gen) failed(e);
    }
  }
  return compute;
}

export function mount(ctx) {
  const root = ctx.slot('alexnet');
  root.classList.add('cp-alexnet');
  root.setAttribute('aria-labelledby', ctx.id('alexnet-h'));
  const { h, intro, go, hide } = header(ctx);
  const busy = el('p', { class: 'cp-alex-busy', role: 'status', 'aria-live': 'polite' });
  const err = el('p', { class: 'message error', role: 'alert', hidden: true });
  const result = mountResult();
  const slip = mountSlip(ctx);
  const quizBox = el('div', { class: 'cp-quiz', id: ctx.id('quiz'), 'data-part': 'quiz' });
  const changes = el('div', { class: 'cp-alex-changes-box' });
  const undo = mountUndo(ctx, changes);
  root.replaceChildren(
    h,
    intro,
    el('div', { class: 'cp-alex-buttons' }, go, hide),
    changes,
    busy,
    err,
    result.element,
    slip.aside,
    quizBox,
  );
  root.hidden = false;
  const compute = exercise(ctx, { root, busy, err, result, hide });

  go.addEventListener('click', () => {
    const before = { ...ctx.state };
    const changed = ctx.update(ALEX_PATCH);
    undo.remember(before, changed);
    if (!changed.size) compute(true); // otherwise the new result (or the 'alex' change) computes it
  });
  hide.addEventListener('click', () => ctx.set('alex', false));
  ctx.subscribe((s, changed) => {
    // a change of the layer re-runs the pipeline (update computes then); 'alex' alone does not
    if (changed.has('alex') && changed.size === 1) compute();
  });
  mountQuiz(quizBox, ctx);
  ctx.on('started', slip.draw);
  return { update: (r) => compute(false, r), api: { compute } };
}
