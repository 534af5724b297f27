// The optional batch-norm layer after the convolution: its formulas, a table
// per feature map (mean, variance, editable gamma / beta, dL/dgamma,
// dL/dbeta), its output maps and the dL/dy it sends back into the convolution.
import { fmt, rangeOf } from '../../render.js';
import { el } from '../../dom.js';
import { drawMaps } from './maps.js';
import { bnFormulaLines } from './formulas.js';

/** The state's gamma / beta of map k (missing: 1 / 0). */
export const gammaOf = (k, s) => s.ggam[k] ?? 1;
export const betaOf = (k, s) => s.gbet[k] ?? 0;

const HEADS = ['map', 'mean μ', 'variance σ²', 'γ', 'β', 'dL/dγ', 'dL/dβ'];

/** A number cell. */
const num = (cls, v) => el('td', { class: `num ${cls}`, 'data-value': String(v), text: fmt(v, 5) });

/** The editable gamma (name 'gamma') or beta of map k of K: a change sets the state's row. */
function paramCell(ctx, name, k, K) {
  const s = ctx.state;
  const v = name === 'gamma' ? gammaOf(k, s) : betaOf(k, s);
  const inp = el('input', {
    type: 'number',
    step: '0.1',
    class: `g-${name}`,
    value: String(Math.round(v * 1e6) / 1e6),
    'aria-label': `${name === 'gamma' ? 'γ' : 'β'} of map ${k + 1}`,
  });
  inp.addEventListener('change', () => {
    const x = Number(inp.value);
    if (!Number.isFinite(x)) return;
    const key = name === 'gamma' ? 'ggam' : 'gbet';
    const of = key === 'ggam' ? gammaOf : betaOf;
    const arr = Array.from({ length: K }, (_, j) => of(j, ctx.state));
    arr[k] = x;
    ctx.set(key, arr);
  });
  return el('td', {}, inp);
}

function tableRows(ctx, g, K) {
  return Array.from({ length: K }, (_, k) =>
    el(
      'tr',
      { 'data-k': String(k) },
      el('th', { scope: 'row', text: String(k + 1) }),
      num('g-mean', g.mean[k]),
      num('g-var', g.var[k]),
      paramCell(ctx, 'gamma', k, K),
      paramCell(ctx, 'beta', k, K),
      num('g-dgamma', g.dgamma[k]),
      num('g-dbeta', g.dbeta[k]),
    ),
  );
}

export function mountBatchNorm(ctx) {
  const id = ctx.id;
  const table = el('table', { class: 'g-bn-table' });
  const outMaps = el('div', { class: 'maps g-bn-out' });
  const dyMaps = el('div', { class: 'maps g-bn-dy' });
  const formulas = el('div', { class: 'g-formulas g-bn-formulas' });
  const hint = el('p', { class: 'hint g-bn-hint' });
  const outTitle = el('h4', { text: 'Its output maps o = γ · x̂ + β' });
  const dyTitle = el('h4', {
    text: "dL/dy flowing back into the convolution (batch norm's dL/dx)",
  });
  const section = el(
    'section',
    { class: 'g-sec g-bn', 'aria-labelledby': id('g-bn-h') },
    el('h3', {
      id: id('g-bn-h'),
      'data-part': 'g-bn-h',
      text: 'The batch-norm layer after the convolution',
    }),
    hint,
    formulas,
    el('div', { class: 'g-table-wrap' }, table),
    outTitle,
    outMaps,
    dyTitle,
    dyMaps,
  );

  /** g: the gradients with batch norm (its outShape [N, K, H2, W2], statistics and maps). */
  function update(g) {
    const [N, K, h2, w2] = g.outShape;
    hint.textContent =
      N > 1
        ? `Per feature map, over its H2 · W2 pixels in all N = ${N} images of the batch: m = N · H2 · W2, and μ, σ² are the batch's. The maps below show image 1 of ${N}. Edit γ and β in the table.`
        : 'Per feature map, over its H2 · W2 pixels (one image: the batch is N = 1 and m = H2 · W2; choose "Batch: N images" above for more). Edit γ and β in the table.';
    section.dataset.n = String(N);
    section.dataset.m = String(N * h2 * w2);
    formulas.replaceChildren(
      ...bnFormulaLines(g).map((t) => el('p', { class: 'cp-formula', text: t })),
    );
    const head = el('tr', {}, ...HEADS.map((t) => el('th', { scope: 'col', text: t })));
    table.replaceChildren(
      el('caption', {
        class: 'visually-hidden',
        text: 'Batch norm per feature map: statistics, parameters and their gradients',
      }),
      el('thead', {}, head),
      el('tbody', {}, ...tableRows(ctx, g, K)),
    );
    const names = Array.from({ length: K }, (_, k) => `map ${k + 1}`);
    const of = N > 1 ? ` (image 1 of the batch of ${N})` : '';
    outTitle.textContent = `Its output maps o = γ · x̂ + β${of}`;
    dyTitle.textContent = `dL/dy flowing back into the convolution (batch norm's dL/dx)${of}`;
    const maps = { n: K, h: h2, w: w2, names };
    drawMaps(outMaps, g.bnOut, {
      ...maps,
      label: 'batch-norm output',
      cls: 'g-bnout',
      pics: g.pictures?.bnOut,
    });
    drawMaps(dyMaps, g.dyConv, {
      ...maps,
      label: 'dL/dy of the convolution,',
      cls: 'g-bndy',
      range: rangeOf(g.dyConv).absMax,
      pics: g.pictures?.bnDy,
    });
  }
  return { section, update };
}
