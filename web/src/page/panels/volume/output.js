// The output volume: K feature maps on the diverging colour map (blue < 0 < red),
// each with its legend; the map size (fit the column, or 1, 2, 4 screen pixels
// per map pixel); many large maps are drawn a few at a time, the page answering
// input in between.
import { drawDiverging, drawPicture, fmt, rangeOf } from '../../render.js';
import { presetOf } from '../../../common/state.js';
import { PRESET_LABELS } from '../../../common/filters.js';
import { textEl as el, nextTask, setText } from '../../dom.js';
import { createMap } from './map.js';

// the longest a task of drawing maps may run before it lets the page answer input
const FRAME_BUDGET_MS = 12;
// maps of fewer pixels than this in all are drawn in one task (the first view's four are drawn
// in the frame they arrive in, not one frame each while the page is still cold)
const CHUNKED_PIXELS = 1 << 20;

/** The map size select (state row 'zoom'). */
function zoomRow(ctx) {
  // zoom: at 1, 2 or 4 screen pixels per map pixel every pixel can be pointed at
  const zoomSel = el('select', 'map-zoom');
  zoomSel.id = ctx.id('map-zoom');
  zoomSel.dataset.part = 'map-zoom';
  for (const [v, text] of [
    ['fit', 'fit the column'],
    ['1', '1 screen pixel per pixel'],
    ['2', '2 × 2 screen pixels per pixel'],
    ['4', '4 × 4 screen pixels per pixel'],
  ]) {
    const o = el('option', null, text);
    o.value = v;
    zoomSel.append(o);
  }
  const zoomLabel = el('label', 'map-zoom-label', 'Map size ');
  zoomLabel.htmlFor = zoomSel.id;
  zoomSel.addEventListener('change', () => ctx.set('zoom', zoomSel.value));
  const row = el('div', 'row map-zoom-row');
  row.append(zoomLabel, zoomSel);
  return { row, zoomSel };
}

/** The sentence under the output's size. */
function outputMessage(r, K, n, scale) {
  return `${K} feature map${K > 1 ? 's' : ''}, one per filter${n > 1 ? `, of image 1 (the batch's output is ${n} × ${K} maps)` : ''}. Colour: blue < 0 < red; ${scale === 'layer' ? 'one range shared by all maps' : 'each map on its own range'}.`;
}

/** One range for all maps (scale 'layer'), or undefined (each map its own). */
function layerRange(r, scale) {
  if (scale !== 'layer') return undefined;
  const stats = r.output.stats;
  return stats
    ? Math.max(...stats.map((m) => Math.max(-m.min, m.max)))
    : rangeOf(r.output.data).absMax;
}

/** Draws map k of result r into figure f (range: the shared one, for the colour scale `scale`). */
function drawMap(f, r, k, range, scale) {
  const [, , H2, W2] = r.output.shape;
  // the worker's picture when it was drawn on this scale, else drawn here
  const pic = r.pictures?.scale === scale ? r.pictures.maps[k] : null;
  // Inputs lie in [0, 1] and weights are O(1): float32 rounding of a sum
  // stays far below 1e-5 of it, so a map within that is zero.
  const res = drawPicture(f.cv, pic)
    ? pic
    : drawDiverging(f.cv, r.output.data, H2, W2, {
        offset: k * H2 * W2,
        range,
        floor: 1e-5,
        stats: r.output.stats?.[k],
      });
  f.legend.update(res);
  const name = PRESET_LABELS[presetOf(k, r.state)];
  setText(f.cap, `map ${k + 1} · ${name}`);
  const label = `feature map ${k + 1} (${name}), ${W2} × ${H2}, values from ${fmt(res.min)} to ${fmt(res.max)}. Arrow keys move over its pixels, Enter pins one.`;
  if (f.cv.getAttribute('aria-label') !== label) f.cv.setAttribute('aria-label', label);
}

/** The output volume in outputEl; returns {update(r), applyZoom(), markPinned()}. */
export function mountOutput(ctx, outputEl) {
  const outHead = el('h3', null, 'Output volume');
  const outDims = el('p', 'dims');
  const outMsg = el('p', 'caption');
  const mapsEl = el('div', 'maps');
  const zoom = zoomRow(ctx);
  outputEl.append(outHead, outDims, outMsg, zoom.row, mapsEl);
  const figures = [];
  let dimsKey = ''; // the sizes outDims shows
  const cursor = { at: { k: 0, y: 0, x: 0 } };

  /** The maps' CSS size: the column's width, or zoom screen pixels per map pixel. */
  function applyZoom() {
    const z = ctx.state.zoom;
    zoom.zoomSel.value = z;
    mapsEl.classList.toggle('zoomed', z !== 'fit');
    const r = ctx.result;
    const W2 = r?.output ? r.output.shape[3] : 0;
    for (const f of figures) {
      if (!f) continue;
      f.cv.style.width = z === 'fit' || !W2 ? '' : `${W2 * Number(z)}px`;
    }
  }

  function markPinned() {
    const pin = ctx.pixel.pinned();
    figures.forEach((f, k) => f && f.fig.classList.toggle('pinned', Boolean(pin && pin.k === k)));
  }

  function showImpossible() {
    dimsKey = '';
    outDims.replaceChildren();
    outDims.append('W2 × H2 × D2 = ', el('b', 'dims-out', 'impossible'));
    outMsg.textContent = mapsEl.children.length
      ? 'This layer cannot be computed (see the message above); the last valid maps are greyed out.'
      : 'This layer cannot be computed (see the message above): change a value to see its feature maps.';
  }

  let gen = 0;
  async function update(r) {
    const s = ctx.state; // the colour scale: a view setting
    outputEl.classList.toggle('invalid', Boolean(r.error));
    if (r.error || !r.output) return showImpossible();
    const [, K, H2, W2] = r.output.shape;
    const n = r.batch ? r.batch.n : 1;
    if (dimsKey !== `${W2}|${H2}|${K}|${n}`) {
      dimsKey = `${W2}|${H2}|${K}|${n}`;
      outDims.replaceChildren();
      outDims.append('W2 × H2 × D2 = ', el('b', 'dims-out', `${W2} × ${H2} × ${K}`));
      if (n > 1)
        outDims.append(el('span', 'dims-batch', ` (batch N = ${n}: showing image 1 of ${n})`));
    }
    setText(outMsg, outputMessage(r, K, n, s.scale));
    const range = layerRange(r, s.scale);
    while (mapsEl.children.length > K) mapsEl.lastChild.remove();
    const my = ++gen;
    const chunked = K * H2 * W2 > CHUNKED_PIXELS;
    let t0 = performance.now();
    for (let k = 0; k < K; k++) {
      // many large maps: drawn a few at a time, the page answering input in between
      if (chunked && performance.now() - t0 > FRAME_BUDGET_MS) {
        await nextTask();
        if (my !== gen) return;
        t0 = performance.now();
      }
      figures[k] ??= createMap(ctx, k, cursor);
      if (figures[k].fig.parentNode !== mapsEl) mapsEl.append(figures[k].fig);
      drawMap(figures[k], r, k, range, s.scale);
    }
    applyZoom();
    markPinned();
  }
  return { update, applyZoom, markPinned };
}
