// The AlexNet exercise's result: the input resized to 227 x 227 x 3, the 96 maps
// of 55 x 55 on one shared colour range, the output size's formula with those
// numbers, the 34,848 + 96 parameters and the PyTorch line, all from the
// worker's answer (the module's conv2dGeometry, conv2dForward).
import { ALEX } from '../../../common/lecture-steps.js';
import { pytorchLine } from '../../../common/code-text.js';
import { drawDiverging, drawImage, makeLegend } from '../../render.js';
import { el } from '../../dom.js';
import { fmtInt } from './quiz.js';

/** The formula lines W2, H2, D2 of geometry g for K filters. */
function formulaLines(g, K) {
  const [, , H1, W1] = g.input;
  const [, , F1, F2] = g.weight;
  return [
    `W2 = (W1 - F + 2P)/S + 1 = (${W1} - ${F2} + 2*${ALEX.P})/${ALEX.S} + 1 = ${g.w.size}`,
    `H2 = (H1 - F + 2P)/S + 1 = (${H1} - ${F1} + 2*${ALEX.P})/${ALEX.S} + 1 = ${g.h.size}`,
    `D2 = K = ${K}`,
  ].map((text) => el('p', { class: 'cp-formula', text }));
}

/** The result's elements; returns {element, draw(answer)}. */
export function mountResult() {
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
  const element = el(
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

  /** The maps on one range shared by all. */
  function drawMaps(y) {
    const [, K, H2, W2] = y.shape;
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
  }

  /** Draws the worker's answer {geometry, input, output}. */
  function draw({ geometry, input: img, output: y }) {
    const [, K, H2, W2] = y.shape;
    drawImage(inCanvas, img);
    drawMaps(y);
    const [, D1] = geometry.input;
    const [, , F1, F2] = geometry.weight;
    dims.replaceChildren(
      'Output volume W2 × H2 × D2 = ',
      el('b', { class: 'cp-alex-dimsval', text: `${W2} × ${H2} × ${K}` }),
    );
    formula.replaceChildren(...formulaLines(geometry, K));
    params.replaceChildren(
      'Parameters: F*F*D1*K + K = ',
      `${F1}*${F2}*${D1}*${K} + ${K} = `,
      el('b', {
        class: 'cp-alex-paramsval',
        text: `${fmtInt(geometry.weightCount)} + ${fmtInt(geometry.biasCount)}`,
      }),
      ` = ${fmtInt(geometry.weightCount + geometry.biasCount)}`,
    );
    const layer = { inC: D1, outC: K, fh: F1, fw: F2, sh: ALEX.S, sw: ALEX.S, p: ALEX.P };
    torch.replaceChildren(
      'In PyTorch: ',
      el('code', { text: pytorchLine({ ...layer, dil: 1, padMode: 'zero' }) }),
    );
  }
  return { element, draw };
}
