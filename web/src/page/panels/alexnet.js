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
// says what changed and offers the way back (alexnet-undo.js). The state row `alex`
// records that the exercise is shown (so a lecture step's link reproduces it).
//
// This module also mounts the quiz (quiz.js, inside this section) and the
// "show as code" panel (code.js, its own section #code-panel).
import { ALEX, ALEX_PATCH } from '../../common/lecture-steps.js';
import { drawDiverging, drawImage, makeLegend } from '../render.js';
import { mountQuiz, fmtInt } from './quiz.js';
import { pytorchLine } from './code.js';
import { el } from '../dom.js';
import { mountUndo } from './alexnet-undo.js';

export function mount(ctx) {
  const app = ctx;
  const engine = ctx.engine;
  const state = ctx.state;
  const id = ctx.id;
  const root = ctx.slot('alexnet');
  let latest = null; // {geometry, output} of the last computation (the lecture checks it)
  ctx.alexResult = () => latest;
  root.classList.add('cp-alexnet');
  root.setAttribute('aria-labelledby', id('alexnet-h'));

  const h = el('h2', {
    id: id('alexnet-h'),
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
  const busy = el('p', { class: 'cp-alex-busy', role: 'status', 'aria-live': 'polite' });
  const err = el('p', { class: 'message error', role: 'alert', hidden: true });

  const dims = el('p', { class: 'cp-alex-dims' });
  const formula = el('div', { class: 'cp-alex-formula', 'aria-live': 'polite' });
  const params = el('p', { class: 'cp-alex-params' });
  const torch = el('p', { class: 'cp-alex-torch' });
  const inCanvas = el('canvas', {
    class: 'cp-alex-input',
    width: 227,
    height: 227,
    role: 'img',
    'aria-label': 'The input resized to 227 × 227 × 3',
  });
  const inFig = el(
    'figure',
    { class: 'cp-alex-infig' },
    inCanvas,
    el('figcaption', { text: 'Input 227 × 227 × 3 (resized by the module)' }),
  );
  const legend = makeLegend();
  const maps = el('div', {
    class: 'cp-alex-maps',
    tabindex: '0',
    role: 'group',
    'aria-label': 'The 96 feature maps of 55 × 55 (scroll)',
  });
  const result = el(
    'div',
    { class: 'cp-alex-result', hidden: true },
    el(
      'div',
      { class: 'cp-alex-top' },
      inFig,
      el('div', { class: 'cp-alex-numbers' }, dims, formula, params, torch),
    ),
    el('h3', { text: 'The output volume: 96 feature maps of 55 × 55' }),
    el('p', {
      class: 'hint',
      text: 'Random filters (seeded, biases 0), one colour range shared by all maps. Scroll to see all 96.',
    }),
    legend,
    maps,
  );

  const slip = el(
    'aside',
    { class: 'cp-alex-slip', 'aria-labelledby': id('slip-h') },
    el('h3', { id: id('slip-h'), 'data-part': 'slip-h', text: 'The famous slip: 224 or 227?' }),
  );
  const slipBody = el('div', { class: 'cp-alex-slipbody' });
  slip.append(slipBody);

  const quizBox = el('div', { class: 'cp-quiz', id: id('quiz'), 'data-part': 'quiz' });

  const changes = el('div', { class: 'cp-alex-changes-box' });
  const undo = mountUndo(ctx, changes);
  root.replaceChildren(
    h,
    intro,
    el('div', { class: 'cp-alex-buttons' }, go, hide),
    changes,
    busy,
    err,
    result,
    slip,
    quizBox,
  );
  root.hidden = false;

  const canvases = [];
  for (let k = 0; k < ALEX.K; k++) {
    const cv = el('canvas', {
      width: 55,
      height: 55,
      role: 'img',
      'aria-label': `feature map ${k + 1} of 96`,
    });
    canvases.push(cv);
    maps.append(
      el('figure', { class: 'cp-alex-map' }, cv, el('figcaption', { text: String(k + 1) })),
    );
  }

  // the slip, from the module's one output-size function
  async function drawSlip() {
    const [paper, real] = await engine.sizes({
      axes: [
        [ALEX.paper, ALEX.F, ALEX.P, 1, ALEX.S],
        [ALEX.size, ALEX.F, ALEX.P, 1, ALEX.S],
      ],
    });
    const num = ALEX.paper - ALEX.F + 2 * ALEX.P;
    const exactValue = paper.size + paper.remainder / ALEX.S; // = num / S + 1
    slipBody.replaceChildren(
      el('p', {
        text: 'The AlexNet paper prints a 224 × 224 × 3 input. With that number the formula does not work out:',
      }),
      el('p', {
        class: 'cp-formula cp-alex-slip224',
        text: `W2 = (${ALEX.paper} - ${ALEX.F} + 2*${ALEX.P})/${ALEX.S} + 1 = ${num}/${ALEX.S} + 1 = ${exactValue}`,
      }),
      el('p', {
        text: `${exactValue} is not a whole number: ${num} is not a multiple of ${ALEX.S} (remainder ${paper.remainder}). Libraries take the floor, ${paper.size}, and silently drop the last ${paper.remainder} column${paper.remainder > 1 ? 's' : ''} of pixels (the module: ${paper.size}, ${paper.exact ? 'exact' : 'not exact'}).`,
      }),
      el('p', {
        class: 'cp-formula cp-alex-slip227',
        text: `W2 = (${ALEX.size} - ${ALEX.F} + 2*${ALEX.P})/${ALEX.S} + 1 = ${ALEX.size - ALEX.F}/${ALEX.S} + 1 = ${real.size}`,
      }),
      el('p', {
        text: `That is why 227 is used: ${ALEX.size - ALEX.F} is a multiple of ${ALEX.S}, so the ${ALEX.F} × ${ALEX.F} window fits exactly ${real.size} times across.`,
      }),
    );
    slipBody.dataset.paper = String(paper.size);
    slipBody.dataset.paperExact = String(paper.exact);
  }

  let gen = 0;
  let lastKey = null;
  /** The exercise on the image of result r (the last drawn one by default). */
  async function compute(force = false, r = ctx.result) {
    if (!state.alex) {
      result.hidden = true;
      hide.hidden = true;
      lastKey = null;
      gen++;
      busy.textContent = '';
      return;
    }
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
      const a = await engine.alexnet({ seed: state.seed, layerKey: r.key });
      if (!a || my !== gen) return;
      const { geometry, input: img, output: y, ms } = a;
      const [, K, H2, W2] = y.shape;
      latest = { geometry, output: y.shape };
      drawImage(inCanvas, img);
      let range = 0;
      for (let i = 0; i < y.data.length; i++) range = Math.max(range, Math.abs(y.data[i]));
      let min = Infinity,
        max = -Infinity;
      for (let k = 0; k < K; k++) {
        const res = drawDiverging(canvases[k], y.data, H2, W2, { offset: k * H2 * W2, range });
        min = Math.min(min, res.min);
        max = Math.max(max, res.max);
      }
      legend.update({ min, max, range });
      const [, D1, H1, W1] = geometry.input;
      const [, , F1, F2] = geometry.weight;
      dims.replaceChildren(
        'Output volume W2 × H2 × D2 = ',
        el('b', { class: 'cp-alex-dimsval', text: `${W2} × ${H2} × ${K}` }),
      );
      formula.replaceChildren(
        el('p', {
          class: 'cp-formula',
          text: `W2 = (W1 - F + 2P)/S + 1 = (${W1} - ${F2} + 2*${ALEX.P})/${ALEX.S} + 1 = ${geometry.w.size}`,
        }),
        el('p', {
          class: 'cp-formula',
          text: `H2 = (H1 - F + 2P)/S + 1 = (${H1} - ${F1} + 2*${ALEX.P})/${ALEX.S} + 1 = ${geometry.h.size}`,
        }),
        el('p', { class: 'cp-formula', text: `D2 = K = ${K}` }),
      );
      params.replaceChildren(
        'Parameters: F*F*D1*K + K = ',
        `${F1}*${F2}*${D1}*${K} + ${K} = `,
        el('b', {
          class: 'cp-alex-paramsval',
          text: `${fmtInt(geometry.weightCount)} + ${fmtInt(geometry.biasCount)}`,
        }),
        ` = ${fmtInt(geometry.weightCount + geometry.biasCount)}`,
      );
      torch.replaceChildren(
        'In PyTorch: ',
        el('code', {
          text: pytorchLine({
            inC: D1,
            outC: K,
            fh: F1,
            fw: F2,
            sh: ALEX.S,
            sw: ALEX.S,
            p: ALEX.P,
            dil: 1,
            padMode: 'zero',
          }),
        }),
      );
      result.hidden = false;
      err.hidden = true;
      busy.textContent = `Computed in ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms (${fmtInt(H2 * W2 * K * F1 * F2 * D1)} multiply-adds).`;
      root.dataset.dims = `${W2}x${H2}x${K}`;
      ctx.emit('alexnet', latest);
    } catch (e) {
      if (my !== gen) return;
      if (e.name === 'StaleLayer') {
        lastKey = null; // the worker holds a newer layer: its result computes the exercise
        return;
      }
      err.textContent = e.message;
      err.hidden = false;
      busy.textContent = '';
    }
  }

  go.addEventListener('click', () => {
    const before = { ...app.state };
    const changed = app.update(ALEX_PATCH);
    undo.remember(before, changed);
    if (!changed.size) compute(true); // otherwise the new result (or the 'alex' change) computes it
  });
  hide.addEventListener('click', () => app.set('alex', false));
  ctx.subscribe((s, changed) => {
    // a change of the layer re-runs the pipeline (update computes then); 'alex' alone does not
    if (changed.has('alex') && changed.size === 1) compute();
  });
  mountQuiz(quizBox, ctx);
  ctx.on('started', drawSlip);
  return { update: (r) => compute(false, r), api: { compute } };
}
