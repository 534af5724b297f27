// The Web Worker: every computation of the page runs here, so the page never
// freezes. It loads the WASM module once and answers messages from engine.js:
//
//   {id, op: 'call', method, args}   -> any method of the Convplay API (convplay.d.ts)
//   {id, op: 'source', key, source}  -> remember an image source under key
//        source = {kind: 'bytes', bytes: Uint8Array}       (a file: decoded by the module)
//               | {kind: 'synthetic', name}                (stripes | checker | circle)
//               | {kind: 'rgba', width, height, rgba}      (a webcam frame, 8-bit RGBA)
//      a 'bytes' source is decoded once right away, so a corrupt file is refused
//      here and the previous source stays the current one.
//   {id, op: 'run', req}             -> the page's pipeline in one round trip:
//        the working image of a source (decode at maxSide = size, optional
//        square resize, optional grey), the layer's geometry (conv2dGeometry),
//        the forward pass (conv2dForward) and the padded-coordinate maps
//        (padSourceIndex) used by the receptive-field inspector.
//        req.extras = [{name, url}] (state row 'batch'): images 2 .. N of a
//        batch, each a sample (a photo fetched from url and decoded once, or a
//        synthetic one) resized by the module to image 1's exact H x W (and
//        made grey when it is): the forward pass runs on the [N, C, H, W]
//        batch. result.input and result.output stay image 1's ([1, ...]: what
//        the panels draw); result.batch = {n, names, inputShape, outputShape,
//        input: the whole [N, C, H, W] tensor when n > 1, else null}.
//   {id, op: 'gradients', req}       -> the layer's backward pass on the same batch
//        (gradients-worker.js: loss, dL/dX, dL/dW, dL/db, optional batch norm).
//
// Replies: {id, ok: true, result} or {id, ok: false, error: {name, message}}.
// Typed arrays in a result are transferred (never views of the WASM memory:
// a view that does not cover its whole buffer is copied first).
import createConvplay from 'convplay-wasm/convplay.mjs';
import wasmUrl from 'convplay-wasm/convplay_core.wasm?url';
import { computeGradients } from './gradients-worker.js';  // the 'gradients' op (panels/gradients.js)
import { bytesOf } from './common/bytes.js';

const cpPromise = createConvplay({ wasmUrl: new URL(wasmUrl, self.location.href).href });

const sources = new Map();   // key -> source (at most MAX_SOURCES, oldest dropped)
const MAX_SOURCES = 6;
let prepared = null;         // {cacheKey, image: Tensor32, info}
let preparedBatch = null;    // {cacheKey, image (image 1's tensor it was built on), batch: Tensor32 [N, C, H, W]}
const decodedPhotos = new Map();   // url -> the decoded photo (maxSide 512), [1, 3, h, w]
const extraCache = new Map();      // 'name|C|H|W' -> Float32Array (C*H*W): a batch image at a size
const MAX_EXTRAS = 12;

function errorOf(e) {
  if (e instanceof Error) return { name: e.name || 'Error', message: e.message };
  return { name: 'Error', message: String(e) };
}

function collectTransfers(value, out = [], seen = new Set()) {
  if (!value || typeof value !== 'object') return out;
  if (seen.has(value)) return out;
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    const buf = value.buffer;
    if (!(buf instanceof ArrayBuffer)) return out;              // e.g. a SharedArrayBuffer
    if (value.byteOffset === 0 && value.byteLength === buf.byteLength && !out.includes(buf)) out.push(buf);
    return out;
  }
  if (Array.isArray(value)) { for (const v of value) collectTransfers(v, out, seen); return out; }
  for (const k of Object.keys(value)) collectTransfers(value[k], out, seen);
  return out;
}

/** Copies every typed array that shares its buffer (e.g. a view of WASM memory). */
function detachViews(value, seen = new Set()) {
  if (!value || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    if (value.byteOffset !== 0 || value.byteLength !== value.buffer.byteLength) return value.slice();
    return value;
  }
  if (Array.isArray(value)) { for (let i = 0; i < value.length; i++) value[i] = detachViews(value[i], seen); return value; }
  for (const k of Object.keys(value)) value[k] = detachViews(value[k], seen);
  return value;
}

// ---- image sources ------------------------------------------------------------

function synthetic(name, h, w) {
  const data = new Float32Array(3 * h * w);
  const plane = h * w;
  const period = Math.max(2, Math.round(w / 12));
  const cell = Math.max(1, Math.round(Math.min(h, w) / 8));
  const cy = (h - 1) / 2, cx = (w - 1) / 2, r = 0.32 * Math.min(h, w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let rgb;
      if (name === 'stripes') {
        const v = (Math.floor(x / (period / 2)) % 2) ? 0.9 : 0.1;
        rgb = [v, v, v];
      } else if (name === 'checker') {
        const v = ((Math.floor(x / cell) + Math.floor(y / cell)) % 2) ? 0.9 : 0.1;
        rgb = [v, v, v];
      } else {  // circle: an orange disk on a blue background (its channels differ)
        const inside = (y - cy) ** 2 + (x - cx) ** 2 <= r * r;
        rgb = inside ? [0.95, 0.6, 0.1] : [0.1, 0.3, 0.8];
      }
      data[i] = rgb[0]; data[plane + i] = rgb[1]; data[2 * plane + i] = rgb[2];
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

function toGrey(t) {
  const [, c, h, w] = t.shape;
  if (c === 1) return t;
  const plane = h * w;
  const out = new Float32Array(plane);
  for (let i = 0; i < plane; i++) {
    out[i] = 0.299 * t.data[i] + 0.587 * t.data[plane + i] + 0.114 * t.data[2 * plane + i];
  }
  return { shape: [1, 1, h, w], data: out };
}

async function prepare(cp, key, size, fit, grey) {
  const cacheKey = `${key}|${size}|${fit}|${grey}`;
  if (prepared && prepared.cacheKey === cacheKey) return prepared;
  const src = sources.get(key);
  if (!src) throw new Error(`no image "${key}" (load it first)`);
  let image, info;
  if (src.kind === 'synthetic') {
    image = synthetic(src.name, size, size);
    info = { originalWidth: size, originalHeight: size, downscaled: false, fileChannels: 3 };
  } else if (src.kind === 'rgba') {
    image = fromRGBA(src.rgba, src.height, src.width);
    info = { originalWidth: src.width, originalHeight: src.height, downscaled: false, fileChannels: 4 };
  } else {
    const d = await cp.decodeImage(src.bytes, { maxSide: size });
    image = d.image;
    info = { originalWidth: d.originalWidth, originalHeight: d.originalHeight,
      downscaled: d.downscaled, fileChannels: d.fileChannels };
  }
  if (image.shape[1] === 1 && !grey) {  // a grey file shown as RGB: three equal channels
    const [, , h, w] = image.shape;
    const data = new Float32Array(3 * h * w);
    data.set(image.data, 0); data.set(image.data, h * w); data.set(image.data, 2 * h * w);
    image = { shape: [1, 3, h, w], data };
  }
  if (fit === 'square' && (image.shape[2] !== size || image.shape[3] !== size)) {
    image = await cp.resizeImage(image, size, size);
    info = { ...info, resized: true };
  }
  if (grey) image = toGrey(image);
  prepared = { cacheKey, image, info };
  return prepared;
}

/** One batch image (images 2 .. N): the sample at image 1's C x H x W. */
async function extraImage(cp, ex, c, h, w) {
  const key = `${ex.name}|${c}|${h}|${w}`;
  const hit = extraCache.get(key);
  if (hit) return hit;
  let img;
  if (ex.url) {
    let d = decodedPhotos.get(ex.url);
    if (!d) {
      let bytes;
      try { bytes = await bytesOf(ex.url); } catch (e) { throw new Error(`could not load the batch image ${ex.name}: ${e.message}`); }
      d = (await cp.decodeImage(bytes, { maxSide: 512 })).image;
      decodedPhotos.set(ex.url, d);
    }
    img = d;
    if (img.shape[1] === 1) {
      const [, , ih, iw] = img.shape;
      const data = new Float32Array(3 * ih * iw);
      data.set(img.data, 0); data.set(img.data, ih * iw); data.set(img.data, 2 * ih * iw);
      img = { shape: [1, 3, ih, iw], data };
    }
    if (img.shape[2] !== h || img.shape[3] !== w) img = await cp.resizeImage(img, h, w);
  } else {
    img = synthetic(ex.name, h, w);
  }
  if (c === 1) img = toGrey(img);
  extraCache.set(key, img.data);
  if (extraCache.size > MAX_EXTRAS) extraCache.delete(extraCache.keys().next().value);
  return img.data;
}

/** The working image (prepare) and the batch built on it: {image, info, batch, names}. */
async function prepareBatch(cp, req) {
  const p = await prepare(cp, req.source, req.size, req.fit, req.grey);
  const extras = Array.isArray(req.extras) ? req.extras : [];
  if (!extras.length) return { ...p, batch: p.image, names: [] };
  const names = extras.map((e) => e.name);
  const cacheKey = `${p.cacheKey}|${names.join(',')}`;
  if (!(preparedBatch && preparedBatch.cacheKey === cacheKey && preparedBatch.image === p.image)) {
    const [, c, h, w] = p.image.shape;
    const per = c * h * w;
    const data = new Float32Array((1 + extras.length) * per);
    data.set(p.image.data, 0);
    for (let i = 0; i < extras.length; i++) data.set(await extraImage(cp, extras[i], c, h, w), (i + 1) * per);
    preparedBatch = { cacheKey, image: p.image, batch: { shape: [1 + extras.length, c, h, w], data } };
  }
  return { ...p, batch: preparedBatch.batch, names };
}

function padMap(cp, n, pad, mode) {
  const map = new Int32Array(n + 2 * pad);
  for (let i = -pad; i < n + pad; i++) {
    let v = -1;
    try { v = cp.padSourceIndex(i, n, mode); } catch { v = -1; }
    map[i + pad] = v;
  }
  return map;
}

async function run(cp, req) {
  const t0 = performance.now();
  const { image, info, batch, names } = await prepareBatch(cp, req);
  const t1 = performance.now();
  const input = image;
  const n = batch.shape[0];
  let outputShape = null;
  let geometry = null, output = null, error = null, padMapH = null, padMapW = null;
  try {
    geometry = await cp.conv2dGeometry(input.shape, req.weights.shape, req.params);
  } catch (e) {
    error = errorOf(e);
  }
  let t2 = performance.now(), t3 = t2;
  if (geometry) {
    try {
      output = await cp.conv2dForward(batch, req.weights, req.bias, req.params);
      t3 = performance.now();
      outputShape = output.shape.slice();
      if (n > 1) {  // the panels draw image 1's maps: the first K planes (NCHW)
        const [, K, H2, W2] = output.shape;
        output = { shape: [1, K, H2, W2], data: output.data.slice(0, K * H2 * W2) };
      }
      const mode = req.params.padMode || 'zero';
      padMapH = padMap(cp, input.shape[2], req.params.padH || 0, mode);
      padMapW = padMap(cp, input.shape[3], req.params.padW || 0, mode);
    } catch (e) {
      error = errorOf(e);
      output = null;
    }
  }
  return {
    input: { shape: input.shape.slice(), data: input.data.slice() },
    info, geometry, output, error, padMapH, padMapW,
    batch: { n, names, inputShape: batch.shape.slice(), outputShape,
      input: n > 1 ? { shape: batch.shape.slice(), data: batch.data.slice() } : null },
    ms: { prepare: t1 - t0, geometry: t2 - t1, forward: t3 - t2, total: performance.now() - t0 },
  };
}

function setSource(key, src) {
  sources.delete(key);
  sources.set(key, src);
  if (prepared && prepared.cacheKey.startsWith(`${key}|`)) { prepared = null; preparedBatch = null; }
  if (sources.size > MAX_SOURCES) sources.delete(sources.keys().next().value);
}

async function handle(msg) {
  const cp = await cpPromise;
  switch (msg.op) {
    case 'call': {
      const fn = cp[msg.method];
      if (typeof fn !== 'function') throw new Error(`the module has no method "${msg.method}"`);
      return detachViews(await fn.apply(cp, msg.args || []));
    }
    case 'source': {
      const src = msg.source;
      if (src.kind === 'bytes') {
        // decode once now: a corrupt file is refused before it replaces anything
        const d = await cp.decodeImage(src.bytes, { maxSide: msg.maxSide || 512 });
        setSource(msg.key, src);
        return { width: d.image.shape[3], height: d.image.shape[2], originalWidth: d.originalWidth,
          originalHeight: d.originalHeight, downscaled: d.downscaled, fileChannels: d.fileChannels };
      }
      if (src.kind !== 'synthetic' && src.kind !== 'rgba') throw new Error(`unknown source kind "${src.kind}"`);
      setSource(msg.key, src);
      return { ok: true };
    }
    case 'run':
      return run(cp, msg.req);
    case 'gradients': {  // the layer's backward pass on the pipeline's image (gradients-worker.js)
      const r = msg.req;
      const { batch, names } = await prepareBatch(cp, r);
      return { ...computeGradients(cp, batch, r), names };
    }
    default:
      throw new Error(`unknown op "${msg.op}"`);
  }
}

self.onmessage = async (event) => {
  const msg = event.data;
  try {
    const result = await handle(msg);
    self.postMessage({ id: msg.id, ok: true, result }, collectTransfers(result));
  } catch (e) {
    self.postMessage({ id: msg.id, ok: false, error: errorOf(e) });
  }
};

cpPromise.then(
  () => self.postMessage({ ready: true }),
  (e) => self.postMessage({ ready: false, error: errorOf(e) }),
);
