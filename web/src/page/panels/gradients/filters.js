// dL/dW and dL/db beside every filter: for each filter its weights W and its
// gradients dL/dW per channel (grids of numbers and colours), its bias b and
// dL/db (shown as 0 with batch norm when it is within its float32 round-off).
import { makeLegend, fmt, rangeOf } from '../../render.js';
import { presetOf } from '../../../common/state.js';
import { PRESET_LABELS } from '../../../common/filters.js';
import { el } from '../../dom.js';
import { createGrid, updateGrid } from '../../grid.js';
import { channelName } from './maps.js';

/** Float32 round-off of a sum of m terms of total magnitude abs (the recursive-summation bound). */
export function roundOffBound(m, abs) {
  return (m + 1) * 2 ** -24 * abs;
}

/**
 * dL/db_k as shown: with batch norm it is exactly 0 (Σ x̂ = 0 per map); the
 * float32 sum the core computes lands within its round-off bound of 0, and is
 * shown as such.
 */
export function dbText(g, k) {
  const v = g.db[k];
  if (!g.bnOn || !g.dyConv) return fmt(v, 4);
  const [N, K, h2, w2] = g.outShape;
  const plane = h2 * w2;
  let abs = 0;
  for (let n = 0; n < N; n++) {
    const o = (n * K + k) * plane;
    for (let i = 0; i < plane; i++) abs += Math.abs(g.dyConv[o + i]);
  }
  const bound = roundOffBound(N * plane, abs);
  if (Math.abs(v) <= bound)
    return `0 (round-off: ${fmt(v, 2)}, within ±${fmt(bound, 2)} of Σ|dL/dy| = ${fmt(abs, 3)})`;
  return fmt(v, 4);
}

/** One side of filter k's card: a grid per channel of data (W or dL/dW). */
function side(title, data, { k, shape, range, what, cls }) {
  const [, d1, fh, fw] = shape;
  const per = d1 * fh * fw;
  const grids = el('div', { class: 'grids' });
  for (let c = 0; c < d1; c++) {
    const name = channelName(c, d1);
    grids.append(
      el(
        'div',
        { class: 'grid-wrap' },
        updateGrid(createGrid(cls), data, k * per + c * fh * fw, fh, fw, range || 1, {
          label: `filter ${k + 1}, channel ${name}: ${what}`,
          numbers: fw <= 3 && fh <= 3,
          titleDigits: 1e12,
        }),
        el('span', { class: 'grid-label', text: name }),
      ),
    );
  }
  return el('div', { class: 'g-side' }, el('span', { class: 'g-side-title', text: title }), grids);
}

/** Filter k's card: W beside dL/dW, then b and dL/db. */
function card(g, r, s, k, ranges) {
  const shape = r.weights.shape;
  const [, , fh, fw] = shape;
  return el(
    'div',
    { class: 'filter g-filter', 'data-k': String(k) },
    el(
      'div',
      { class: 'filter-head' },
      el('span', {
        class: 'filter-name',
        text: `filter ${k + 1} · ${PRESET_LABELS[presetOf(k, s)]}`,
      }),
    ),
    el(
      'div',
      { class: 'g-pair' },
      side('W', r.weights.data, {
        k,
        shape,
        range: ranges.w,
        what: `${fh} × ${fw} weights`,
        cls: 'g-w',
      }),
      side('dL/dW', g.dw, {
        k,
        shape,
        range: ranges.dw,
        what: `${fh} × ${fw} gradients dL/dW`,
        cls: 'g-dwgrid',
      }),
    ),
    el(
      'p',
      { class: 'bias g-bias' },
      `b = ${fmt(r.bias[k], 4)},  dL/db = `,
      el('b', { class: 'g-db', 'data-value': String(g.db[k]), text: dbText(g, k) }),
    ),
  );
}

export function mountFilters(ctx) {
  const id = ctx.id;
  const wLegend = makeLegend();
  const dwLegend = makeLegend();
  const list = el('div', { class: 'g-filters' });
  const section = el(
    'section',
    { class: 'g-sec g-dw', 'aria-labelledby': id('g-dw-h') },
    el('h3', {
      id: id('g-dw-h'),
      'data-part': 'g-dw-h',
      text: 'dL/dW and dL/db beside every filter',
    }),
    el(
      'div',
      { class: 'g-legends' },
      el('div', {}, el('span', { class: 'g-legend-title', text: 'weights W' }), wLegend),
      el('div', {}, el('span', { class: 'g-legend-title', text: 'gradients dL/dW' }), dwLegend),
    ),
    list,
  );

  /** g: the gradients, r: the layer result (its weights, bias), s: the state r was computed with. */
  function update(g, r, s) {
    const K = r.weights.shape[0];
    const wr = rangeOf(r.weights.data);
    const gr = rangeOf(g.dw);
    wLegend.update({ min: wr.min, max: wr.max, range: wr.absMax || 1 });
    dwLegend.update({ min: gr.min, max: gr.max, range: gr.absMax || 1 });
    const ranges = { w: wr.absMax, dw: gr.absMax };
    list.replaceChildren(...Array.from({ length: K }, (_, k) => card(g, r, s, k, ranges)));
  }
  return { section, update };
}
