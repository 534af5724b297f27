// The layer's pictures, drawn in the worker where the data is: the K feature
// maps (diverging colour map) and the padded input, each an ImageBitmap made
// on an OffscreenCanvas (moved to the page without a copy, drawn there with one
// drawImage), or, where the worker has no OffscreenCanvas, the RGBA pixels
// themselves (the page puts them with putImageData). Either way the page runs
// no per-pixel loop; the pixels are those the page itself would draw
// (common/colormap.js), so both paths show the same picture.
import { fillDiverging, fillPadded, mapScale } from '../../common/colormap.js';

// A map within this of zero is float32 rounding of an exact 0 (inputs in [0, 1],
// weights O(1)): drawn white and said to be flat (page/panels/volume/output.js shows it).
export const MAP_FLOOR = 1e-5;

/** 'bitmap' where the worker can make ImageBitmaps, else 'pixels'. */
export function pictureKind() {
  return typeof OffscreenCanvas === 'function' && typeof createImageBitmap === 'function'
    ? 'bitmap'
    : 'pixels';
}

let scratch = null;
/** An ImageBitmap of the w x h RGBA pixels px (one OffscreenCanvas, reused). */
function toBitmap(px, w, h) {
  if (!scratch || scratch.width !== w || scratch.height !== h) {
    scratch = new OffscreenCanvas(w, h);
  }
  const g = scratch.getContext('2d');
  g.putImageData(new ImageData(px, w, h), 0, 0);
  return scratch.transferToImageBitmap();
}

/** A picture {w, h, bitmap} or {w, h, pixels} of the RGBA bytes px. */
export function picture(px, w, h, kind) {
  return kind === 'bitmap' ? { w, h, bitmap: toBitmap(px, w, h) } : { w, h, pixels: px };
}

/**
 * The K maps of output ([1, K, H2, W2], with per-map stats {min, max}) on the
 * scale 'layer' (one range for all) or 'map': [{w, h, bitmap | pixels, min,
 * max, range, flat}].
 */
export function drawMaps(output, scale, kind = pictureKind()) {
  const [, K, H2, W2] = output.shape;
  const plane = H2 * W2;
  const layerRange =
    scale === 'layer' ? Math.max(...output.stats.map((m) => Math.max(-m.min, m.max))) : undefined;
  const maps = [];
  for (let k = 0; k < K; k++) {
    const legend = mapScale(output.stats[k], layerRange, MAP_FLOOR);
    const px = new Uint8ClampedArray(4 * plane);
    fillDiverging(new Uint32Array(px.buffer), output.data, k * plane, plane, legend.range);
    maps.push({ ...picture(px, W2, H2, kind), ...legend });
  }
  return maps;
}

/** The [1, C, h, w] input seen through the padding maps (null: none), as a picture. */
export function drawPaddedInput(input, mapH, mapW, kind = pictureKind()) {
  const [, c, h, w] = input.shape;
  const H = mapH ? mapH.length : h;
  const W = mapW ? mapW.length : w;
  const px = new Uint8ClampedArray(4 * H * W);
  fillPadded(px, input.data, c, h, w, mapH, mapW);
  return picture(px, W, H, kind);
}

/** What the padded input shows: the working image seen through these padding maps. */
export function paddedKey(result) {
  const map = (m) => (m ? m.join() : '-');
  return `${result.input.key}|${map(result.padMapH)}|${map(result.padMapW)}`;
}

/**
 * The pictures of a layer result (pipeline.js), drawn for the colour scale of
 * its state: {scale, kind, maps, padded, paddedKey}; null without an output.
 * The input's data must be there (the worker's own image, even when the page
 * is not sent it). padded is null when it is the one the page shows
 * (havePadded: its paddedKey): a step of F, S, D or K keeps it.
 */
export function layerPictures(result, image, kind = pictureKind(), havePadded = null) {
  if (!result.output) return null;
  const scale = result.state.scale === 'layer' ? 'layer' : 'map';
  const key = paddedKey(result);
  return {
    scale,
    kind,
    maps: drawMaps(result.output, scale, kind),
    padded:
      key === havePadded ? null : drawPaddedInput(image, result.padMapH, result.padMapW, kind),
    paddedKey: key,
  };
}

/**
 * The layer job's result with its pictures (result.pictures), when the job
 * asks for them (job.pictures: 'bitmap' or 'pixels'; bitmaps only where this
 * worker can make them). image: the layer's input, which the worker holds.
 */
export function withPictures(result, job, image) {
  const asked = job.pictures;
  if (asked !== 'bitmap' && asked !== 'pixels') return result;
  const kind = asked === 'bitmap' ? pictureKind() : 'pixels';
  const t0 = performance.now();
  const pictures = layerPictures(result, image, kind, job.havePadded ?? null);
  if (pictures) result.ms.draw = performance.now() - t0;
  return { ...result, pictures };
}

/** The ImageBitmaps among value's pictures (any depth), into out. */
function collectBitmaps(value, out) {
  if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) return out;
  if (typeof ImageBitmap === 'function' && value instanceof ImageBitmap) {
    out.push(value);
    return out;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) collectBitmaps(v, out);
  return out;
}

/** The ImageBitmaps in a job's result (result.pictures: to be transferred, not copied). */
export function bitmapsOf(result) {
  return collectBitmaps(result?.pictures, []);
}
