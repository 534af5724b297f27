// The colour maps as pixels, for both threads: the page (page/render.js) and
// the worker (worker/draw/) fill the same RGBA words from the same tables, so
// a map drawn by either is the same picture, pixel for pixel.
//
// Signed values use ColorBrewer's RdBu (11 classes), a diverging, colour-blind
// safe map centred on zero: negative -> blue, 0 -> near white, positive -> red.
// NaN and infinities are grey.

// ColorBrewer RdBu (11 classes), from most negative (blue) to most positive (red).
export const RDBU = [
  '#053061',
  '#2166ac',
  '#4393c3',
  '#92c5de',
  '#d1e5f0',
  '#f7f7f7',
  '#fddbc7',
  '#f4a582',
  '#d6604d',
  '#b2182b',
  '#67001f',
];

function hexToRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function buildLut(stops, size = 256) {
  const rgb = stops.map(hexToRgb);
  const lut = new Uint8ClampedArray(size * 3);
  for (let i = 0; i < size; i++) {
    const t = (i / (size - 1)) * (rgb.length - 1);
    const j = Math.min(rgb.length - 2, Math.floor(t));
    const f = t - j;
    for (let c = 0; c < 3; c++)
      lut[3 * i + c] = Math.round(rgb[j][c] * (1 - f) + rgb[j + 1][c] * f);
  }
  return lut;
}

/** RdBu in 256 steps: [r, g, b] of step q at 3q. */
export const LUT = buildLut(RDBU);
export const NAN_RGB = [128, 128, 128];

// The 256 colours as 32-bit RGBA pixels (in the platform's byte order: written
// through bytes), so a map is filled one word per pixel.
const LUT32 = new Uint32Array(256);
{
  const bytes = new Uint8Array(LUT32.buffer);
  for (let q = 0; q < 256; q++) {
    bytes.set([LUT[3 * q], LUT[3 * q + 1], LUT[3 * q + 2], 255], 4 * q);
  }
}
const NAN32 = new Uint32Array(new Uint8Array([...NAN_RGB, 255]).buffer)[0];

/**
 * Fills the n words of px (RGBA pixels) with data[offset ..] on the diverging
 * map of symmetric range scale (0: everything white).
 */
export function fillDiverging(px, data, offset, n, scale) {
  const k = scale > 0 ? 127.5 / scale : 0;
  for (let i = 0; i < n; i++) {
    const v = data[offset + i];
    if (v - v === 0) {
      // finite: step Math.round(v * k + 127.5), clamped to 0 .. 255, as the integer part of
      // t = v * k + 128 (the truncation is several times faster than Math.round and its clamps)
      const t = v * k + 128;
      px[i] = LUT32[t <= 0 ? 0 : t >= 255 ? 255 : t | 0];
    } else px[i] = NAN32;
  }
}

/**
 * Fills the RGBA bytes px with a [1, C, h, w] image (C = 1 or 3, values in
 * [0, 1]) seen through padding maps: row y shows image row mapH[y], column x
 * column mapW[x] (-1: a zero of the padding, black). Null maps: no padding.
 */
export function fillPadded(px, d, c, h, w, mapH, mapW) {
  const H = mapH ? mapH.length : h;
  const W = mapW ? mapW.length : w;
  const cols = new Int32Array(W);
  for (let x = 0; x < W; x++) cols[x] = mapW ? mapW[x] : x;
  const plane = h * w;
  const g = c === 3 ? plane : 0;
  const b = c === 3 ? 2 * plane : 0;
  for (let y = 0; y < H; y++) {
    const iy = mapH ? mapH[y] : y;
    let o = 4 * y * W;
    for (let x = 0; x < W; x++, o += 4) {
      const ix = cols[x];
      if (iy < 0 || ix < 0) {
        px[o] = 0;
        px[o + 1] = 0;
        px[o + 2] = 0;
      } else {
        const i = iy * w + ix;
        px[o] = d[i] * 255;
        px[o + 1] = d[g + i] * 255;
        px[o + 2] = d[b + i] * 255;
      }
      px[o + 3] = 255;
    }
  }
}

/** {min, max, absMax} of n values of data from offset (NaNs skipped; none: all 0). */
export function rangeOf(data, offset = 0, n = data.length - offset) {
  let min = Infinity,
    max = -Infinity;
  for (let i = offset; i < offset + n; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) {
    min = 0;
    max = 0;
  }
  return { min, max, absMax: Math.max(Math.abs(min), Math.abs(max)) };
}

/**
 * How a feature map is coloured: the symmetric range (layerRange when the
 * scale is shared, else the map's max |v|), never below floor; flat when every
 * |v| is within floor (float32 rounding of an exact 0).
 */
export function mapScale({ min, max }, layerRange, floor = 0) {
  const absMax = Math.max(Math.abs(min), Math.abs(max));
  const range = Math.max(layerRange ?? absMax, floor);
  return { min, max, range, flat: floor > 0 && absMax <= floor };
}
