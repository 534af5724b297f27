// The worker's image sources and the working image built from one.
//
// A source is remembered under its key (at most MAX_SOURCES, the one used
// longest ago dropped; the page sends it again when a job asks for it: the
// error's name is 'MissingSource', its key the source's): a file's bytes
// (decoded by the module, stb_image), a large file's picture (kind 'decoded',
// at most LARGEST_SIDE (common/state.js) on its longest side: a file of more than LARGE_FILE_PIXELS is
// decoded once, in the module's throwaway instance, and only its picture
// kept), a synthetic picture drawn here, or an RGBA webcam frame. workingImage() turns one into
// the layer's input: decoded at most `size` pixels on its longest side; with
// fit 'square' its centre square is cropped (never stretched) and resized to
// size x size; with grey, one luminance channel. info says what was done, so
// the page can say it (an alpha channel blended on white, a grey file made
// three equal channels, a crop). The working image is a resident tensor of
// the module (resident.js; roots() lists it for the worker's sweep); the
// sources stay in the worker's JS memory, which the garbage collector gives
// back (the module's memory never shrinks, and up to six photos of 512
// pixels would hold 12 MB of it).

const MAX_SOURCES = 6;
export const LARGE_FILE_PIXELS = 2048 * 2048;

/** Synthetic pictures: 'stripes' | 'checker' | 'circle', [1, 3, h, w]. */
export function synthetic(name, h, w) {
  const data = new Float32Array(3 * h * w);
  const plane = h * w;
  const period = Math.max(2, Math.round(w / 12));
  const cell = Math.max(1, Math.round(Math.min(h, w) / 8));
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  const r = 0.32 * Math.min(h, w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let rgb;
      if (name === 'stripes') {
        const v = Math.floor(x / (period / 2)) % 2 ? 0.9 : 0.1;
        rgb = [v, v, v];
      } else if (name === 'checker') {
        const v = (Math.floor(x / cell) + Math.floor(y / cell)) % 2 ? 0.9 : 0.1;
        rgb = [v, v, v];
      } else {
        // circle: an orange disk on a blue background (its channels differ)
        const inside = (y - cy) ** 2 + (x - cx) ** 2 <= r * r;
        rgb = inside ? [0.95, 0.6, 0.1] : [0.1, 0.3, 0.8];
      }
      data[i] = rgb[0];
      data[plane + i] = rgb[1];
      data[2 * plane + i] = rgb[2];
    }
  }
  return { shape: [1, 3, h, w], data };
}

function fromRGBA(rgba, h, w) {
  const data = new Float32Array(3 * h * w);
  const plane = h * w;
  for (let i = 0; i < plane; i++) {
    data[i] = rgba[4 * i] / 255;
    data[plane + i] = rgba[4 * i + 1] / 255;
    data[2 * plane + i] = rgba[4 * i + 2] / 255;
  }
  return { shape: [1, 3, h, w], data };
}

/** [1, C, H, W] -> [1, 1, H, W] luminance (ITU-R BT.601 weights). */
export function toGrey(t) {
  const [, c, h, w] = t.shape;
  if (c === 1) return t;
  const plane = h * w;
  const out = new Float32Array(plane);
  for (let i = 0; i < plane; i++) {
    out[i] = 0.299 * t.data[i] + 0.587 * t.data[plane + i] + 0.114 * t.data[2 * plane + i];
  }
  return { shape: [1, 1, h, w], data: out };
}

/** [1, 1, H, W] -> [1, 3, H, W] with three equal channels. */
export function toRgb(t) {
  const [, c, h, w] = t.shape;
  if (c === 3) return t;
  const data = new Float32Array(3 * h * w);
  for (let k = 0; k < 3; k++) data.set(t.data.subarray(0, h * w), k * h * w);
  return { shape: [1, 3, h, w], data };
}

/** The centre square of [1, C, H, W] (side min(H, W)). */
export function centreSquare(t) {
  const [, c, h, w] = t.shape;
  const side = Math.min(h, w);
  if (h === side && w === side) return t;
  const y0 = Math.floor((h - side) / 2);
  const x0 = Math.floor((w - side) / 2);
  const data = new Float32Array(c * side * side);
  for (let k = 0; k < c; k++) {
    for (let y = 0; y < side; y++) {
      const from = k * h * w + (y0 + y) * w + x0;
      data.set(t.data.subarray(from, from + side), k * side * side + y * side);
    }
  }
  return { shape: [1, c, side, side], data };
}

export class Sources {
  constructor(held) {
    this.held = held; // resident.js Held: makes the resident tensors kept here
    this.map = new Map();
    this.working = null; // {cacheKey, image (resident), info}
  }

  /** The resident tensors kept here: the working image. */
  roots() {
    return [this.working?.image];
  }

  has(key) {
    return this.map.has(key);
  }

  /** Remembers a source (a newer one under the same key replaces it). */
  set(key, src) {
    this.map.delete(key);
    this.map.set(key, src);
    if (this.working && this.working.key === key) this.working = null;
    if (this.map.size > MAX_SOURCES) this.map.delete(this.map.keys().next().value);
  }

  /** The working image of source key: {cacheKey, image: a resident tensor, info}. */
  async workingImage(cp, key, size, fit, grey) {
    const cacheKey = `${key}|${size}|${fit}|${grey}`;
    if (this.working && this.working.cacheKey === cacheKey) return this.working;
    const src = this.map.get(key);
    if (!src) {
      throw Object.assign(new Error(`no image "${key}" (load it first)`), {
        name: 'MissingSource',
        key,
      });
    }
    // the source in use is the last one dropped
    this.map.delete(key);
    this.map.set(key, src);
    let image;
    let info;
    if (src.kind === 'synthetic') {
      image = synthetic(src.name, size, size);
      info = { originalWidth: size, originalHeight: size, downscaled: false, fileChannels: 3 };
    } else if (src.kind === 'rgba') {
      image = fromRGBA(src.rgba, src.height, src.width);
      info = {
        originalWidth: src.width,
        originalHeight: src.height,
        downscaled: false,
        fileChannels: 3,
      };
    } else if (src.kind === 'decoded') {
      // a large file's picture (longest side at most LARGEST_SIDE): its longest side becomes `size`,
      // rounded as the module's decodeImage does
      const [, , h, w] = src.image.shape;
      const s = Math.min(1, size / Math.max(h, w));
      const oh = Math.max(1, Math.round(h * s));
      const ow = Math.max(1, Math.round(w * s));
      image = src.image;
      if (s < 1) {
        image = await cp.resizeImage(image, oh, ow);
        // the resampling filter's negative lobes overshoot slightly: clamp, as decodeImage does
        for (let i = 0; i < image.data.length; i++)
          image.data[i] = Math.min(1, Math.max(0, image.data[i]));
      }
      info = {
        originalWidth: src.info.originalWidth,
        originalHeight: src.info.originalHeight,
        downscaled: src.info.downscaled || s < 1,
        fileChannels: src.info.fileChannels,
      };
    } else {
      // decode the longest side at `size` (square: the shortest, so the crop keeps size pixels)
      const d =
        src.decoded?.maxSide === size
          ? src.decoded.d
          : await cp.decodeImage(src.bytes, { maxSide: size });
      image = d.image;
      info = {
        originalWidth: d.originalWidth,
        originalHeight: d.originalHeight,
        downscaled: d.downscaled,
        fileChannels: d.fileChannels,
      };
    }
    // 2 or 4 channels in the file: the module composited the alpha over white
    info.alpha = info.fileChannels === 2 || info.fileChannels === 4;
    // 1 or 2 channels: a grey file, made three equal channels unless grey is on
    info.greyFile = info.fileChannels === 1 || info.fileChannels === 2;
    image = toRgb(image);
    if (fit === 'square' && (image.shape[2] !== size || image.shape[3] !== size)) {
      const [, , h, w] = image.shape;
      info.cropped = h !== w ? { from: [w, h], side: Math.min(h, w) } : null;
      image = await cp.resizeImage(centreSquare(image), size, size);
      info.resized = true;
    }
    if (grey) image = toGrey(image);
    this.working = { key, cacheKey, image: this.held.keep(cp, image), info };
    return this.working;
  }
}
