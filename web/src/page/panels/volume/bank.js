// The filter bank: K cards of F1 x F2 x D1 weights (one grid per input channel)
// and the bias, each with its preset and an "edit" button; the cards and grids
// are kept and updated in place.
import { fmt, fmtInt, rangeOf } from '../../render.js';
import { presetOf, FILTER_PRESETS } from '../../../common/state.js';
import { PRESET_LABELS } from '../../../common/filters.js';
import { textEl as el, setText } from '../../dom.js';
import { createGrid, updateGrid } from '../../grid.js';
import { paintAll } from '../../number-grid.js';
import { CHANNEL_NAMES } from './input.js';

/** The card of filter k: its preset (ctx.filters.setPreset) and its edit button. */
function createCard(ctx, k) {
  const card = el('div', 'filter');
  const head = el('div', 'filter-head');
  const name = el('span', 'filter-name', `filter ${k + 1}`);
  const sel = el('select', 'preset');
  sel.setAttribute('aria-label', `preset of filter ${k + 1}`);
  for (const p of FILTER_PRESETS) {
    const o = el('option', null, PRESET_LABELS[p]);
    o.value = p;
    sel.append(o);
  }
  sel.addEventListener('change', () => ctx.filters.setPreset(k, sel.value));
  const edit = el('button', 'edit', 'edit');
  edit.type = 'button';
  // locked filters (the element's filter-kinds): neither a preset nor a weight changes
  sel.disabled = edit.disabled = ctx.locked('filters');
  edit.setAttribute('aria-label', `edit the weights of filter ${k + 1}`);
  edit.addEventListener('click', () => ctx.filters.edit(k));
  head.append(name, sel, edit);
  const grids = el('div', 'grids');
  const bias = el('p', 'bias');
  card.append(head, grids, bias);
  return { card, sel, grids, bias, channels: [] };
}

/**
 * The grids of card c for filter k of result r (range: the bank's colour range); their
 * numbers are drawn when paints is run.
 */
function drawCard(c, r, k, range, paints) {
  const [, d1, fh, fw] = r.weights.shape;
  const per = fh * fw * d1;
  const numbers = fw <= 5 && fh <= 5;
  const preset = presetOf(k, r.state);
  if (c.sel.value !== preset) c.sel.value = preset;
  while (c.channels.length > d1) c.channels.pop().wrap.remove();
  for (let ch = 0; ch < d1; ch++) {
    let slot = c.channels[ch];
    if (!slot) {
      const wrap = el('div', 'grid-wrap');
      const grid = createGrid();
      const label = el('span', 'grid-label');
      wrap.append(grid, label);
      c.grids.append(wrap);
      slot = { wrap, grid, label };
      c.channels[ch] = slot;
    }
    const chName = d1 === 1 ? 'grey' : CHANNEL_NAMES[ch];
    setText(slot.label, chName);
    updateGrid(slot.grid, r.weights.data, k * per + ch * fh * fw, fh, fw, range, {
      label: `filter ${k + 1}, channel ${chName}: ${fh} × ${fw} weights`,
      numbers,
      canvas: true,
      paints,
    });
  }
  setText(c.bias, `b = ${fmt(r.bias[k], 3)}`);
}

/** The bank in bankEl; returns {update(r)}. */
export function mountBank(ctx, bankEl) {
  const bankHead = el('h3', null, 'Filters');
  const bankDims = el('p', 'dims');
  const bankParams = el('p', 'params');
  const bankList = el('div', 'filters');
  bankEl.append(bankHead, bankDims, bankParams, bankList);
  const cards = [];

  let heads = '';
  /** The bank's size and parameter count (rebuilt only when they change). */
  function drawHeads(r) {
    const [K, d1, fh, fw] = r.weights.shape;
    const key = `${r.weights.shape}|${r.geometry?.weightCount}|${r.geometry?.biasCount}`;
    if (key === heads) return;
    heads = key;
    bankDims.replaceChildren(
      `K = ${K} filters of F1 × F2 × D1 = `,
      el('b', 'dims-w', `${fh} × ${fw} × ${d1}`),
    );
    bankParams.replaceChildren();
    if (r.geometry) {
      const wc = r.geometry.weightCount;
      const bc = r.geometry.biasCount;
      bankParams.append(
        'parameters: F1·F2·D1·K + K = ',
        `${fh}·${fw}·${d1}·${K} + ${K} = ${fmtInt(wc)} + ${bc} = `,
        el('b', 'param-count', fmtInt(wc + bc)),
      );
    }
  }

  function update(r) {
    const K = r.weights.shape[0];
    drawHeads(r);
    const range = rangeOf(r.weights.data).absMax || 1;
    while (bankList.children.length > K) bankList.lastChild.remove();
    // every grid is sized first, then drawn: text drawn on a canvas brings the layout up to date
    const paints = [];
    for (let k = 0; k < K; k++) {
      cards[k] ??= createCard(ctx, k);
      if (cards[k].card.parentNode !== bankList) bankList.append(cards[k].card);
      drawCard(cards[k], r, k, range, paints);
    }
    paintAll(paints);
  }
  return { update };
}
