// Drawing float maps into canvases (canvas ImageData with a size check, like
// TensorFlow Playground's heatmap.ts) and the diverging colour map.
//
// Signed values (feature maps, weights, products) use ColorBrewer's RdBu, a
// diverging, colour-blind-safe map centred on zero: negative -> blue, 0 -> near
// white, positive -> red. Values are divided by a symmetric range
// (max |v| by default), so negatives stay visible and are never clamped to black.
// Non-negative images (the input channels) are drawn in grey levels.

import {
  RDBU,
  LUT,
  NAN_RGB,
  fillDiverging,
  fillPadded,
  mapScale,
  rangeOf,
} from '../common/colormap.js';

export { RDBU, rangeOf };

/** [r, g, b] of v on the diverging map with symmetric range [-range, +range]. */
export function divergingRgb(v, range) {
  if (!Number.isFinite(v)) return NAN_RGB;
  const t = range > 0 ? Math.max(-1, Math.min(1, v / range)) : 0;
  const i = Math.round((t + 1) * 0.5 * 255) * 3;
  return [LUT[i], LUT[i + 1], LUT[i + 2]];
}

/** CSS colour of v on the diverging map. */
export function divergingCss(v, range) {
  const [r, g, b] = divergingRgb(v, range);
  return `rgb(${r}, ${g}, ${b})`;
}

/** WCAG 2 relative luminance (0 black .. 1 white) of an sRGB colour of 0..255 channels. */
export function luminance(r, g, b) {
  const lin = (c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/**
 * Black or white, whichever contrasts more with the colour [r, g, b]: the WCAG
 * contrast ratio (L1 + 0.05) / (L2 + 0.05) of the better one is at least 4.58.
 */
export function textOnRgb(r, g, b) {
  const l = luminance(r, g, b);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000' : '#fff';
}

/** [r, g, b] of fg laid with opacity a (0..1) over the opaque bg, both [r, g, b]. */
export function blendRgb(fg, bg, a) {
  return fg.map((c, i) => Math.round(c * a + bg[i] * (1 - a)));
}

/**
 * [r, g, b] of the first opaque background behind el (its own, then its
 * ancestors', across shadow roots to their hosts); white when none is set.
 */
export function opaqueBackground(el) {
  for (let e = el; e; e = e.parentElement ?? e.getRootNode?.().host) {
    const m = getComputedStyle(e).backgroundColor.match(/[\d.]+/g);
    if (m && (m.length < 4 || Number(m[3]) >= 0.99)) return m.slice(0, 3).map(Number);
  }
  return [255, 255, 255];
}

/** Black or white text, whichever reads better on the diverging colour of v. */
export function textOn(v, range) {
  return textOnRgb(...divergingRgb(v, range));
}

const MAX_SIDE = 8192;

// A few ImageData, one per size, shared by every canvas: each drawing fills
// every pixel of one and puts it at once, so a canvas never needs its own.
// Redraws allocate nothing, and a canvas that is no longer drawn (a hidden
// panel's) holds no pixels of ours.
const POOL_SIZES = 4;
const pool = new Map(); // "w x h" -> ImageData, least recently used first
function imageDataFor(w, h) {
  const key = `${w}x${h}`;
  let img = pool.get(key);
  if (img) pool.delete(key);
  else img = new ImageData(w, h);
  pool.set(key, img);
  if (pool.size > POOL_SIZES) pool.delete(pool.keys().next().value);
  return img;
}

function checkSize(canvas, data, offset, h, w) {
  if (
    !Number.isInteger(h) ||
    !Number.isInteger(w) ||
    h < 1 ||
    w < 1 ||
    h > MAX_SIDE ||
    w > MAX_SIDE
  ) {
    throw new RangeError(`cannot draw a ${w} x ${h} map`);
  }
  if (!data || data.length < offset + h * w) {
    throw new RangeError(
      `a ${w} x ${h} map needs ${h * w} values from ${offset}; got ${data ? data.length - offset : 0}`,
    );
  }
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
}

/**
 * Draws the h x w map data[offset ..] on canvas with the diverging map.
 * range: the symmetric range (default: max |v| of the map). floor: the
 * smallest range used, so that a map that is zero up to float rounding (say
 * 7e-7 where the exact answer is 0) is drawn white rather than stretched over
 * the whole colour map. stats: the map's {min, max} when known (the worker's).
 * Returns {min, max, range, flat} (flat: every |v| <= floor).
 */
export function drawDiverging(canvas, data, h, w, { offset = 0, range, floor = 0, stats } = {}) {
  checkSize(canvas, data, offset, h, w);
  const r = mapScale(stats ?? rangeOf(data, offset, h * w), range, floor);
  const img = imageDataFor(w, h);
  fillDiverging(new Uint32Array(img.data.buffer, 0, w * h), data, offset, h * w, r.range);
  canvas.getContext('2d').putImageData(img, 0, 0);
  return r;
}

/** Draws one channel (values in [0, 1]) in grey levels. */
export function drawGrey(canvas, data, h, w, { offset = 0 } = {}) {
  checkSize(canvas, data, offset, h, w);
  const ctx = canvas.getContext('2d');
  const img = imageDataFor(w, h);
  const px = img.data;
  for (let i = 0; i < h * w; i++) {
    const v = Math.round(data[offset + i] * 255);
    px[4 * i] = v;
    px[4 * i + 1] = v;
    px[4 * i + 2] = v;
    px[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** Draws a [1, C, H, W] tensor (C = 1 or 3, values in [0, 1]) as an image. */
export function drawImage(canvas, tensor) {
  const [, c, h, w] = tensor.shape;
  if (c === 1) {
    drawGrey(canvas, tensor.data, h, w);
    return;
  }
  checkSize(canvas, tensor.data, 0, h, w);
  if (tensor.data.length < 3 * h * w) throw new RangeError('an RGB image needs 3 planes');
  const ctx = canvas.getContext('2d');
  const img = imageDataFor(w, h);
  const px = img.data;
  const plane = h * w;
  const d = tensor.data;
  for (let i = 0; i < plane; i++) {
    px[4 * i] = d[i] * 255;
    px[4 * i + 1] = d[plane + i] * 255;
    px[4 * i + 2] = d[2 * plane + i] * 255;
    px[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/**
 * Draws a [1, C, H, W] image (C = 1 or 3, values in [0, 1]) seen through
 * padding maps in one pass: row y of the canvas shows image row mapH[y] and
 * column x shows column mapW[x] (the module's padSourceIndex; -1 is a zero
 * of the padding, drawn black). Null maps mean no padding on that axis.
 */
export function drawPadded(canvas, tensor, mapH, mapW) {
  const [, c, h, w] = tensor.shape;
  const d = tensor.data;
  if ((c !== 1 && c !== 3) || d.length < c * h * w) {
    throw new RangeError(`cannot draw a ${w} x ${h} x ${c} image from ${d.length} values`);
  }
  const H = mapH ? mapH.length : h;
  const W = mapW ? mapW.length : w;
  if (!(H >= 1 && W >= 1 && H <= MAX_SIDE && W <= MAX_SIDE)) {
    throw new RangeError(`cannot draw a ${W} x ${H} padded image`);
  }
  if (canvas.width !== W) canvas.width = W;
  if (canvas.height !== H) canvas.height = H;
  const img = imageDataFor(W, H);
  fillPadded(img.data, d, c, h, w, mapH, mapW);
  canvas.getContext('2d').putImageData(img, 0, 0);
}

/**
 * The pictures a layer job asks the worker for: ImageBitmaps where this page
 * has OffscreenCanvas (the worker then has it too), else RGBA pixels.
 */
export function picturesWanted() {
  return typeof OffscreenCanvas === 'function' ? 'bitmap' : 'pixels';
}

/**
 * Draws a picture the worker made (worker/draw/pictures.js: {w, h, bitmap}
 * or {w, h, pixels}) on canvas, at its size, and lets the bitmap go. Returns
 * false when there is nothing to draw (no picture, or its bitmap was drawn
 * already): the caller then draws from the data.
 */
export function drawPicture(canvas, pic) {
  if (!pic || !(pic.w >= 1 && pic.h >= 1 && pic.w <= MAX_SIDE && pic.h <= MAX_SIDE)) return false;
  if (!pic.pixels && !pic.bitmap?.width) return false;
  if (canvas.width !== pic.w) canvas.width = pic.w;
  if (canvas.height !== pic.h) canvas.height = pic.h;
  const g = canvas.getContext('2d');
  if (pic.bitmap) {
    g.drawImage(pic.bitmap, 0, 0);
    pic.bitmap.close();
  } else g.putImageData(new ImageData(pic.pixels, pic.w, pic.h), 0, 0);
  return true;
}

/** Lets go of the bitmaps among a result's pictures (any depth) that were not drawn. */
export function releasePictures(pictures) {
  if (!pictures || typeof pictures !== 'object' || ArrayBuffer.isView(pictures)) return;
  if (typeof ImageBitmap === 'function' && pictures instanceof ImageBitmap) {
    pictures.close();
    return;
  }
  for (const p of Array.isArray(pictures) ? pictures : Object.values(pictures)) releasePictures(p);
}

/** A legend element: the colour bar from -range to +range, with the map's actual min and max. */
export function makeLegend() {
  const el = document.createElement('div');
  el.className = 'legend';
  const bar = document.createElement('canvas');
  bar.className = 'legend-bar';
  bar.width = 128;
  bar.height = 1;
  const ctx = bar.getContext('2d');
  const img = ctx.createImageData(128, 1);
  for (let i = 0; i < 128; i++) {
    const o = Math.round((i / 127) * 255) * 3;
    img.data[4 * i] = LUT[o];
    img.data[4 * i + 1] = LUT[o + 1];
    img.data[4 * i + 2] = LUT[o + 2];
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  bar.setAttribute('aria-hidden', 'true');
  const lo = document.createElement('span');
  lo.className = 'legend-lo';
  const mid = document.createElement('span');
  mid.className = 'legend-mid';
  mid.textContent = '0';
  const hi = document.createElement('span');
  hi.className = 'legend-hi';
  const stats = document.createElement('span');
  stats.className = 'legend-stats';
  const labels = document.createElement('div');
  labels.className = 'legend-labels';
  labels.append(lo, mid, hi);
  el.append(bar, labels, stats);
  const put = (e, text) => e.textContent !== text && (e.textContent = text);
  el.update = ({ min, max, range, flat }) => {
    put(lo, fmt(-range));
    put(hi, `+${fmt(range)}`);
    put(
      stats,
      flat
        ? `all ≈ 0: min ${fmt(min)}, max ${fmt(max)} are float32 rounding`
        : `min ${fmt(min)}, max ${fmt(max)}`,
    );
  };
  return el;
}

/** A short, readable number: 3 significant digits, no "-0". */
/**
 * An integer with its thousands grouped by commas ("12,345"), as toLocaleString('en') writes
 * it, without Intl (whose first use costs tens of ms, on the first view's path).
 */
export function fmtInt(n) {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function fmt(x, digits = 3) {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0 || Math.abs(x) < 1e-12) return '0';
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(digits - 1);
  const s = x.toPrecision(digits);
  return String(Number(s));
}
