// The three volumes side by side: the input (its padded composite and its D1
// channels), the filter bank (K filters of F1 x F2 x D1 weights + bias), and the
// output (K feature maps on the diverging colour map, each with its legend).
// Everything is drawn from the result (its weights, its layer numbers), never
// from the live sliders; the filter cards and weight grids are updated in place.
// Hovering (or moving with the arrow keys over) an output pixel reports it to
// the inspector (ctx.setHover); clicking (or Enter) pins it (state 'at').
import {
  drawImage,
  drawGrey,
  drawDiverging,
  drawPadded,
  makeLegend,
  fmt,
  rangeOf,
} from '../render.js';
import { presetOf, FILTER_PRESETS } from '../../common/state.js';
import { PRESET_LABELS } from '../../common/filters.js';
import { textEl as el, nextTask } from '../dom.js';
import { createGrid, updateGrid } from '../grid.js';

const CHANNEL_NAMES = ['R', 'G', 'B'];
// the longest a task of drawing maps may run before it lets the page answer input
const FRAME_BUDGET_MS = 12;

/** Parses the state's pinned pixel "k.y.x" -> {k, y, x} or null. */
export function parsePin(at) {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(at || '');
  return m ? { k: Number(m[1]), y: Number(m[2]), x: Number(m[3]) } : null;
}

export function mount(ctx) {
  const inputEl = ctx.$('input-volume');
  const bankEl = ctx.$('filter-bank');
  const outputEl = ctx.$('output-volume');
  const hoverListeners = new Set();
  let hover = null;
  ctx.onHover = (fn) => {
    hoverListeners.add(fn);
    return () => hoverListeners.delete(fn);
  };
  const setHover = (h) => {
    hover = h;
    for (const fn of hoverListeners) fn(h);
  };
  ctx.setHover = setHover;
  ctx.hover = () => hover;

  // ---- input volume -------------------------------------------------------------
  inputEl.append(el('h3', null, 'Input volume'));
  const inDims = el('p', 'dims');
  inputEl.append(inDims);
  const paddedWrap = el('div', 'padded-wrap');
  const padded = el('canvas', 'padded');
  padded.setAttribute('role', 'img');
  const overlay = el('canvas', 'overlay');
  overlay.setAttribute('aria-hidden', 'true');
  paddedWrap.append(padded, overlay);
  inputEl.append(paddedWrap);
  const padCaption = el('p', 'caption');
  inputEl.append(padCaption);
  const channelsEl = el('div', 'channels');
  inputEl.append(channelsEl);
  // a batch (state row 'batch'): which image is shown, and small pictures of them all
  const batchEl = el('div', 'batch-strip');
  batchEl.hidden = true;
  const batchNote = el('p', 'caption batch-note');
  const batchThumbs = el('div', 'batch-thumbs');
  batchEl.append(batchNote, batchThumbs);
  inputEl.append(batchEl);
  let overlayScale = 1;
  let overlayShownWidth = 0; // the overlay's displayed width its last drawing used

  function drawBatch(r) {
    const b = r.batch;
    const n = b ? b.n : 1;
    batchEl.hidden = n < 2 || !b.input;
    if (batchEl.hidden) {
      batchThumbs.replaceChildren();
      return;
    }
    const [, d1, h1, w1] = b.input.shape;
    const names = [`${r.state.img} (this image)`, ...b.names];
    batchNote.textContent = `Batch N = ${n}: the layer runs on all ${n} images (each ${w1} × ${h1} × ${d1}); the volumes show image 1 of ${n}.`;
    while (batchThumbs.children.length > n) batchThumbs.lastChild.remove();
    for (let i = 0; i < n; i++) {
      let fig = batchThumbs.children[i];
      if (!fig) {
        fig = el('figure', 'batch-thumb');
        const cv = el('canvas');
        cv.setAttribute('role', 'img');
        fig.append(cv, el('figcaption'));
        batchThumbs.append(fig);
      }
      const cv = fig.querySelector('canvas');
      const per = d1 * h1 * w1;
      drawImage(cv, {
        shape: [1, d1, h1, w1],
        data: b.input.data.subarray(i * per, (i + 1) * per),
      });
      cv.setAttribute('aria-label', `batch image ${i + 1} of ${n}: ${names[i]}, ${w1} × ${h1}`);
      fig.classList.toggle('shown', i === 0);
      fig.querySelector('figcaption').textContent = `${i + 1}. ${names[i]}`;
    }
  }

  let inputDrawn = '';
  function drawInput(r) {
    // the same image with the same padding: only the overlay (the receptive field) changes
    const key = `${r.input.key}|${r.layer.p}|${r.layer.pad}|${r.batch.n}|${r.batch.names.join()}`;
    if (key === inputDrawn) {
      drawOverlay();
      return;
    }
    inputDrawn = key;
    const [, d1, h1, w1] = r.input.shape;
    const n = r.batch ? r.batch.n : 1;
    inDims.replaceChildren();
    inDims.append('W1 × H1 × D1 = ', el('b', 'dims-in', `${w1} × ${h1} × ${d1}`));
    if (n > 1)
      inDims.append(el('span', 'dims-batch', ` (batch N = ${n}: showing image 1 of ${n})`));
    drawBatch(r);
    const mapH = r.padMapH,
      mapW = r.padMapW;
    const ph = mapH ? (mapH.length - h1) / 2 : 0,
      pw = mapW ? (mapW.length - w1) / 2 : 0;
    // the padded composite, read through the module's padSourceIndex maps
    const H = h1 + 2 * ph,
      W = w1 + 2 * pw;
    drawPadded(padded, r.input, mapH, mapW);
    padded.setAttribute(
      'aria-label',
      `the input image, ${w1} × ${h1}, with ${ph} pixel(s) of ${r.layer.pad} padding`,
    );
    padCaption.textContent =
      ph || pw
        ? `Shown with its padding P = ${r.layer.p} (${r.layer.pad}): ${W} × ${H}; the dashed line is the image's border.`
        : 'No padding (P = 0).';
    overlayScale = Math.max(1, Math.min(8, Math.ceil(640 / Math.max(H, W))));
    overlay.width = W * overlayScale;
    overlay.height = H * overlayScale;
    paddedWrap.dataset.ph = String(ph);
    paddedWrap.dataset.pw = String(pw);
    drawOverlay();
    // the channels
    if (channelsEl.children.length !== d1) {
      channelsEl.replaceChildren();
      for (let c = 0; c < d1; c++) {
        const fig = el('figure', 'channel');
        const cv = el('canvas', `chan chan-${d1 === 1 ? 'grey' : CHANNEL_NAMES[c]}`);
        cv.setAttribute('role', 'img');
        fig.append(
          cv,
          el('figcaption', null, d1 === 1 ? 'grey (d = 1)' : `${CHANNEL_NAMES[c]} (d = ${c + 1})`),
        );
        channelsEl.append(fig);
      }
    }
    for (let c = 0; c < d1; c++) {
      const cv = channelsEl.children[c].querySelector('canvas');
      drawGrey(cv, r.input.data, h1, w1, { offset: c * h1 * w1 });
      cv.setAttribute(
        'aria-label',
        `input channel ${d1 === 1 ? 'grey' : CHANNEL_NAMES[c]}, ${w1} × ${h1}`,
      );
    }
  }

  /** The padding frame, the image border, and the receptive field of the inspected pixel. */
  function drawOverlay() {
    const r = ctx.result;
    const g2 = overlay.getContext('2d');
    g2.clearRect(0, 0, overlay.width, overlay.height);
    if (!r) return;
    const k = overlayScale;
    const ph = Number(paddedWrap.dataset.ph),
      pw = Number(paddedWrap.dataset.pw);
    const [, , h1, w1] = r.input.shape;
    if (ph || pw) {
      g2.fillStyle = 'rgba(255, 255, 255, 0.28)';
      g2.fillRect(0, 0, overlay.width, ph * k);
      g2.fillRect(0, (ph + h1) * k, overlay.width, ph * k);
      g2.fillRect(0, ph * k, pw * k, h1 * k);
      g2.fillRect((pw + w1) * k, ph * k, pw * k, h1 * k);
      g2.setLineDash([4, 3]);
      g2.strokeStyle = '#fff';
      g2.lineWidth = 1;
      g2.strokeRect(pw * k + 0.5, ph * k + 0.5, w1 * k - 1, h1 * k - 1);
      g2.setLineDash([]);
    }
    const t = currentTarget();
    if (!t || r.error || !r.geometry) return;
    const { fh, fw, sh, sw, dil } = r.layer;
    const y0 = t.y * sh,
      x0 = t.x * sw;
    g2.fillStyle = 'rgba(255, 221, 0, 0.55)';
    for (let a = 0; a < fh; a++) {
      for (let b = 0; b < fw; b++) g2.fillRect((x0 + b * dil) * k, (y0 + a * dil) * k, k, k);
    }
    const ek = r.geometry.h.effectiveKernel,
      ekw = r.geometry.w.effectiveKernel;
    // line widths in CSS pixels, whatever the canvas is scaled to
    overlayShownWidth = overlay.clientWidth;
    const px = overlay.width / (overlay.clientWidth || overlay.width);
    const cx = (x0 + ekw / 2) * k,
      cy = (y0 + ek / 2) * k;
    g2.strokeStyle = 'rgba(255, 221, 0, 0.8)';
    g2.lineWidth = 1.5 * px;
    g2.beginPath();
    g2.moveTo(0, cy);
    g2.lineTo(x0 * k - 3 * px, cy);
    g2.moveTo((x0 + ekw) * k + 3 * px, cy);
    g2.lineTo(overlay.width, cy);
    g2.moveTo(cx, 0);
    g2.lineTo(cx, y0 * k - 3 * px);
    g2.moveTo(cx, (y0 + ek) * k + 3 * px);
    g2.lineTo(cx, overlay.height);
    g2.stroke();
    const m = 2 * px;
    g2.lineWidth = 3 * px;
    g2.strokeStyle = '#000';
    g2.strokeRect(x0 * k - m, y0 * k - m, ekw * k + 2 * m, ek * k + 2 * m);
    g2.lineWidth = 1.5 * px;
    g2.strokeStyle = '#ffdd00';
    g2.strokeRect(x0 * k - m, y0 * k - m, ekw * k + 2 * m, ek * k + 2 * m);
  }

  function currentTarget() {
    const pin = parsePin(ctx.state.at);
    const r = ctx.result;
    const t = pin || hover;
    if (!t || !r || !r.output) return null;
    const [, K, H2, W2] = r.output.shape;
    if (t.k >= K || t.y >= H2 || t.x >= W2) return null;
    return t;
  }
  ctx.currentTarget = currentTarget;

  // ---- filter bank: one card per filter, kept and updated in place ---------------------
  const bankHead = el('h3', null, 'Filters');
  const bankDims = el('p', 'dims');
  const bankParams = el('p', 'params');
  const bankList = el('div', 'filters');
  bankEl.append(bankHead, bankDims, bankParams, bankList);
  const cards = [];

  function cardFor(k) {
    if (cards[k]) return cards[k];
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
    sel.addEventListener('change', () => ctx.setPreset(k, sel.value));
    const edit = el('button', 'edit', 'edit');
    edit.type = 'button';
    // locked filters (the element's filter-kinds): neither a preset nor a weight changes
    sel.disabled = edit.disabled = ctx.locked('filters');
    edit.setAttribute('aria-label', `edit the weights of filter ${k + 1}`);
    edit.addEventListener('click', () => ctx.editFilter?.(k));
    head.append(name, sel, edit);
    const grids = el('div', 'grids');
    const bias = el('p', 'bias');
    card.append(head, grids, bias);
    cards[k] = { card, sel, grids, bias, channels: [] };
    return cards[k];
  }

  function drawBank(r) {
    const [K, d1, fh, fw] = r.weights.shape;
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
        `${fh}·${fw}·${d1}·${K} + ${K} = ${wc.toLocaleString('en')} + ${bc} = `,
        el('b', 'param-count', (wc + bc).toLocaleString('en')),
      );
    }
    const per = fh * fw * d1;
    const range = rangeOf(r.weights.data).absMax || 1;
    const numbers = fw <= 5 && fh <= 5;
    while (bankList.children.length > K) bankList.lastChild.remove();
    for (let k = 0; k < K; k++) {
      const c = cardFor(k);
      if (c.card.parentNode !== bankList) bankList.append(c.card);
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
        slot.label.textContent = chName;
        updateGrid(slot.grid, r.weights.data, k * per + ch * fh * fw, fh, fw, range, {
          label: `filter ${k + 1}, channel ${chName}: ${fh} × ${fw} weights`,
          numbers,
          canvas: true,
        });
      }
      c.bias.textContent = `b = ${fmt(r.bias[k], 3)}`;
    }
  }

  /** Sets the preset of filter k (expanding the list of presets to K entries). */
  ctx.setPreset = (k, preset) => {
    const s = ctx.state;
    const n = Math.max(s.k, s.filters.length, k + 1);
    const list = Array.from({ length: n }, (_, i) => presetOf(i, s));
    list[k] = preset;
    ctx.set('filters', list);
  };

  // ---- output volume ----------------------------------------------------------------
  const outHead = el('h3', null, 'Output volume');
  const outDims = el('p', 'dims');
  const outMsg = el('p', 'caption');
  const mapsEl = el('div', 'maps');
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
  const zoomRow = el('div', 'row map-zoom-row');
  zoomRow.append(zoomLabel, zoomSel);
  outputEl.append(outHead, outDims, outMsg, zoomRow, mapsEl);

  /** The maps' CSS size: the column's width, or zoom screen pixels per map pixel. */
  function applyZoom() {
    const z = ctx.state.zoom;
    zoomSel.value = z;
    mapsEl.classList.toggle('zoomed', z !== 'fit');
    const r = ctx.result;
    const W2 = r?.output ? r.output.shape[3] : 0;
    for (const f of figures) {
      if (!f) continue;
      f.cv.style.width = z === 'fit' || !W2 ? '' : `${W2 * Number(z)}px`;
    }
  }
  const figures = [];
  let cursor = { k: 0, y: 0, x: 0 };

  function figureFor(k) {
    if (figures[k]) return figures[k];
    const fig = el('figure', 'map');
    const cv = el('canvas', 'fmap');
    cv.tabIndex = 0;
    cv.dataset.k = String(k);
    const cap = el('figcaption');
    const legend = makeLegend();
    fig.append(cv, cap, legend);
    const pos = (e) => {
      const r = ctx.result;
      if (!r || !r.output) return null;
      const [, , H2, W2] = r.output.shape;
      const rect = cv.getBoundingClientRect();
      // one CSS pixel -> one map pixel: the pixel under the pointer's position
      const x = Math.floor(((e.clientX - rect.left) / rect.width) * W2);
      const y = Math.floor(((e.clientY - rect.top) / rect.height) * H2);
      return { k, y: Math.max(0, Math.min(H2 - 1, y)), x: Math.max(0, Math.min(W2 - 1, x)) };
    };
    cv.addEventListener('pointermove', (e) => {
      const p = pos(e);
      if (p) {
        cursor = p;
        setHover(p);
      }
    });
    // a finger has no hover: the pixel under it becomes the keyboard cursor before the tap
    // focuses the map (focus shows the cursor's pixel)
    cv.addEventListener('pointerdown', (e) => {
      const p = pos(e);
      if (p) cursor = p;
    });
    cv.addEventListener('pointerleave', () => setHover(null));
    cv.addEventListener('click', (e) => {
      // the pixel under the click (a tap's focus may have announced another one meanwhile)
      const p = pos(e) ?? (hover && hover.k === k ? hover : null);
      if (!p) return;
      const at = `${p.k}.${p.y}.${p.x}`;
      ctx.set('at', ctx.state.at === at ? '' : at);
    });
    cv.addEventListener('focus', () => {
      if (cursor.k !== k) cursor = { k, y: 0, x: 0 };
      setHover({ ...cursor });
    });
    cv.addEventListener('blur', () => setHover(null));
    cv.addEventListener('keydown', (e) => {
      const r = ctx.result;
      if (!r || !r.output) return;
      const [, , H2, W2] = r.output.shape;
      const step = e.shiftKey ? 10 : 1;
      let { y, x } = cursor.k === k ? cursor : { y: 0, x: 0 };
      if (e.key === 'ArrowLeft') x -= step;
      else if (e.key === 'ArrowRight') x += step;
      else if (e.key === 'ArrowUp') y -= step;
      else if (e.key === 'ArrowDown') y += step;
      else if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        const at = `${k}.${cursor.y}.${cursor.x}`;
        ctx.set('at', ctx.state.at === at ? '' : at);
        return;
      } else if (e.key === 'Escape') {
        ctx.set('at', '');
        return;
      } else return;
      e.preventDefault();
      cursor = { k, y: Math.max(0, Math.min(H2 - 1, y)), x: Math.max(0, Math.min(W2 - 1, x)) };
      setHover({ ...cursor });
    });
    figures[k] = { fig, cv, cap, legend };
    return figures[k];
  }

  let outputGen = 0;
  async function drawOutput(r) {
    const s = ctx.state; // the colour scale: a view setting
    outputEl.classList.toggle('invalid', Boolean(r.error));
    if (r.error || !r.output) {
      outDims.replaceChildren();
      outDims.append('W2 × H2 × D2 = ', el('b', 'dims-out', 'impossible'));
      outMsg.textContent = mapsEl.children.length
        ? 'This layer cannot be computed (see the message above); the last valid maps are greyed out.'
        : 'This layer cannot be computed (see the message above): change a value to see its feature maps.';
      return;
    }
    const [, K, H2, W2] = r.output.shape;
    outDims.replaceChildren();
    outDims.append('W2 × H2 × D2 = ', el('b', 'dims-out', `${W2} × ${H2} × ${K}`));
    const n = r.batch ? r.batch.n : 1;
    if (n > 1)
      outDims.append(el('span', 'dims-batch', ` (batch N = ${n}: showing image 1 of ${n})`));
    outMsg.textContent = `${K} feature map${K > 1 ? 's' : ''}, one per filter${n > 1 ? `, of image 1 (the batch's output is ${n} × ${K} maps)` : ''}. Colour: blue < 0 < red; ${s.scale === 'layer' ? 'one range shared by all maps' : 'each map on its own range'}.`;
    const plane = H2 * W2;
    const stats = r.output.stats;
    const layerRange =
      s.scale === 'layer'
        ? stats
          ? Math.max(...stats.map((m) => Math.max(-m.min, m.max)))
          : rangeOf(r.output.data).absMax
        : undefined;
    while (mapsEl.children.length > K) mapsEl.lastChild.remove();
    const my = ++outputGen;
    let t0 = performance.now();
    for (let k = 0; k < K; k++) {
      // many large maps: drawn a few at a time, the page answering input in between
      if (performance.now() - t0 > FRAME_BUDGET_MS) {
        await nextTask();
        if (my !== outputGen) return;
        t0 = performance.now();
      }
      const f = figureFor(k);
      if (f.fig.parentNode !== mapsEl) mapsEl.append(f.fig);
      // Inputs lie in [0, 1] and weights are O(1): float32 rounding of a sum
      // stays far below 1e-5 of it, so a map within that is zero.
      const res = drawDiverging(f.cv, r.output.data, H2, W2, {
        offset: k * plane,
        range: layerRange,
        floor: 1e-5,
        stats: stats?.[k],
      });
      f.legend.update(res);
      const name = PRESET_LABELS[presetOf(k, r.state)];
      f.cap.textContent = `map ${k + 1} · ${name}`;
      f.cv.setAttribute(
        'aria-label',
        `feature map ${k + 1} (${name}), ${W2} × ${H2}, values from ${fmt(res.min)} to ${fmt(res.max)}. Arrow keys move over its pixels, Enter pins one.`,
      );
    }
    applyZoom();
    markPinned();
  }

  function markPinned() {
    const pin = parsePin(ctx.state.at);
    figures.forEach((f, k) => f && f.fig.classList.toggle('pinned', Boolean(pin && pin.k === k)));
  }

  ctx.onHover(() => drawOverlay());
  // the overlay's line widths are in CSS pixels: a new displayed width draws it again
  new ResizeObserver(() => {
    if (overlay.clientWidth && overlay.clientWidth !== overlayShownWidth) drawOverlay();
  }).observe(overlay);
  ctx.subscribe((s, changed) => {
    if (changed.has('at')) {
      drawOverlay();
      markPinned();
    }
    if (changed.has('scale') && ctx.result) drawOutput(ctx.result);
    if (changed.has('zoom')) applyZoom();
  });
  return {
    update(r) {
      drawInput(r);
      drawBank(r);
      return drawOutput(r);
    },
  };
}
