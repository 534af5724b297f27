// The AlexNet exercise's computation (the panel's index.js shows it): the
// worker computes the exercise on the image of a drawn result; only the
// latest request counts.
import { fmtInt } from './quiz.js';

/**
 * The exercise's computation: compute(force, r) asks the worker for the exercise
 * on the image of result r, and shows it (busy: the line saying what runs, err:
 * the error line, result: result.js's view, hide: the hide button).
 */
export function exercise(ctx, { root, busy, err, result, hide }) {
  let gen = 0;
  let lastKey = null;
  function off() {
    result.element.hidden = true;
    hide.hidden = true;
    lastKey = null;
    gen++;
    busy.textContent = '';
    err.hidden = true;
  }
  function failed(e, r) {
    if (e.name === 'StaleLayer') {
      // the worker holds a newer layer: its result computes the exercise, or has
      // already arrived (it found this job in flight and left it to it)
      lastKey = null;
      if (ctx.result && ctx.result !== r) compute(false, ctx.result);
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
      if (my === gen) failed(e, r);
    }
  }
  return compute;
}
