// The layer's pipeline in the worker: the working image of a source, the
// batch built on it (images 2 .. N: samples resized by the module to image 1's
// exact C x H x W), the weights built from the state (common/filters.js), the
// geometry (conv2dGeometry), the forward pass (conv2dForward) and the padded
// coordinate maps (padSourceIndex) the inspector reads. The last layer is kept
// under its key for the jobs that follow it (gradients, AlexNet, step-through).
// The batch, the weights and the output are resident tensors (resident.js);
// after each layer job whatever it replaced is disposed (sweep).
import { buildWeights } from '../common/filters.js';
import { convParams, kernelHW, strideHW, LARGEST_SIDE } from '../common/state.js';
import { synthetic, toGrey, toRgb } from './sources.js';
import { bytesOf } from '../common/bytes.js';

const MAX_EXTRAS = 12;

/** A module error as {name, message}, without the core's internal function names. */
export function errorOf(e) {
  const raw = e instanceof Error ? e.message : String(e);
  const message = raw.replace(/^(?:[a-z][a-z0-9_]*(?:::[a-z0-9_]+)*: )+/, '');
  const out = { name: (e && e.name) || 'Error', message };
  if (e && typeof e.key === 'string') out.key = e.key; // a MissingSource's key
  return out;
}

/**
 * The input coordinate each padded coordinate -pad .. n + pad - 1 reads (-1: a zero), as an
 * Int32Array. The module's padSourceIndex says it for the 2 * pad coordinates of the border;
 * inside, coordinate i reads i in every mode (padSourceIndex's contract), so the 256-pixel
 * defaults ask the module 2 times per axis instead of 258 (a call into the module each, run
 * cold on the first view).
 */
export function padMap(cp, n, pad, mode) {
  const map = new Int32Array(n + 2 * pad);
  const at = (i) => {
    try {
      map[i + pad] = cp.padSourceIndex(i, n, mode);
    } catch {
      map[i + pad] = -1;
    }
  };
  for (let i = -pad; i < 0; i++) at(i);
  for (let i = 0; i < n; i++) map[i + pad] = i;
  for (let i = n; i < n + pad; i++) at(i);
  return map;
}

/** {min, max} of each of the K maps of image 1 (the page's colour ranges), NaNs skipped. */
function mapStats(data, K, plane) {
  const stats = [];
  for (let k = 0; k < K; k++) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = k * plane, end = i + plane; i < end; i++) {
      const v = data[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min === Infinity) min = max = 0;
    stats.push({ min, max });
  }
  return stats;
}

export class Pipeline {
  constructor(sources, held) {
    this.sources = sources;
    this.held = held;
    this.decodedPhotos = new Map(); // url -> the decoded photo (maxSide LARGEST_SIDE)
    this.extraCache = new Map(); // 'name|C|H|W' -> Float32Array (C*H*W)
    this.batchCache = null; // {cacheKey, image, batch}
    this.last = null; // {key, state, batch, weights, bias, params, y, image}: resident tensors
  }

  /** Disposes every resident tensor the worker no longer holds. */
  sweep() {
    const last = this.last;
    // the batch is kept while the layer uses it (a step of F, P, S ... reuses it); one the
    // layer no longer uses is freed (the page builds it again if the batch comes back)
    if (this.batchCache && this.batchCache.batch !== last?.batch) this.batchCache = null;
    const cache = this.batchCache;
    this.held.sweep([
      ...this.sources.roots(),
      cache?.image,
      cache?.batch,
      last?.batch,
      last?.weights,
      last?.y,
      last?.image,
    ]);
  }

  async extraImage(cp, ex, c, h, w) {
    const key = `${ex.name}|${c}|${h}|${w}`;
    const hit = this.extraCache.get(key);
    if (hit) return hit;
    let img;
    if (ex.url) {
      let d = this.decodedPhotos.get(ex.url);
      if (!d) {
        let bytes;
        try {
          bytes = await bytesOf(ex.url); // a data: URL is decoded (the single-file page)
        } catch (e) {
          throw new Error(`could not load the batch image ${ex.name}: ${e.message}`, { cause: e });
        }
        d = (await cp.decodeImage(bytes, { maxSide: LARGEST_SIDE })).image;
        this.decodedPhotos.set(ex.url, d);
      }
      img = toRgb(d);
      if (img.shape[2] !== h || img.shape[3] !== w) img = await cp.resizeImage(img, h, w);
    } else {
      img = synthetic(ex.name, h, w);
    }
    if (c === 1) img = toGrey(img);
    this.extraCache.set(key, img.data);
    if (this.extraCache.size > MAX_EXTRAS)
      this.extraCache.delete(this.extraCache.keys().next().value);
    return img.data;
  }

  async batchOf(cp, working, extras) {
    if (!extras.length) return working.image;
    const cacheKey = `${working.cacheKey}|${extras.map((e) => e.name).join(',')}`;
    const hit = this.batchCache;
    if (hit && hit.cacheKey === cacheKey && hit.image === working.image) return hit.batch;
    const [, c, h, w] = working.image.shape;
    const per = c * h * w;
    const data = new Float32Array((1 + extras.length) * per);
    for (let i = 0; i < extras.length; i++) {
      data.set(await this.extraImage(cp, extras[i], c, h, w), (i + 1) * per);
    }
    data.set(working.image.read(), 0);
    const batch = this.held.tensor(cp, [1 + extras.length, c, h, w], data);
    this.batchCache = { cacheKey, image: working.image, batch };
    return batch;
  }

  /** The 'layer' job (protocol.js LayerJob -> LayerResult); then what it replaced is freed. */
  async layer(cp, job) {
    try {
      return await this.compute(cp, job);
    } finally {
      this.sweep();
    }
  }

  async compute(cp, job) {
    const t0 = performance.now();
    const s = job.state;
    const working = await this.sources.workingImage(cp, job.source, s.size, s.fit, s.grey);
    const extras = Array.isArray(job.extras) ? job.extras : [];
    const batch = await this.batchOf(cp, working, extras);
    const t1 = performance.now();
    const input = working.image;
    const n = batch.shape[0];
    const { weights, bias } = buildWeights(s);
    const kept = this.held.keep(cp, weights);
    const params = convParams(s);
    const { fh, fw } = kernelHW(s);
    const { sh, sw } = strideHW(s);
    let geometry = null;
    let output = null;
    let error = null;
    let padMapH = null;
    let padMapW = null;
    let y = null;
    try {
      geometry = cp.conv2dGeometry(input.shape, weights.shape, params);
    } catch (e) {
      error = errorOf(e);
    }
    const t2 = performance.now();
    let t3 = t2;
    if (geometry) {
      try {
        y = this.held.adopt(cp.conv2dForward(batch, kept, bias, params));
        t3 = performance.now();
        const [, K, H2, W2] = y.shape;
        const all = y.view(); // valid until the next call into the module
        // the panels draw image 1's maps: the first K planes (NCHW)
        output = {
          shape: [1, K, H2, W2],
          data: all.slice(0, K * H2 * W2),
          stats: mapStats(all, K, H2 * W2),
        };
        padMapH = padMap(cp, input.shape[2], params.padH, params.padMode);
        padMapW = padMap(cp, input.shape[3], params.padW, params.padMode);
      } catch (e) {
        error = errorOf(e);
        output = null;
        y = null;
      }
    }
    this.last = { key: job.key, state: s, batch, weights: kept, bias, params, y, image: input };
    return {
      key: job.key,
      state: s,
      params,
      layer: { fh, fw, sh, sw, dil: s.dil, p: s.p, pad: s.pad, conv: s.mode === 'conv', k: s.k },
      weights: { shape: weights.shape.slice(), data: weights.data.slice() },
      bias: bias.slice(),
      // the working image goes back only when the page does not hold it yet
      input: {
        key: working.cacheKey,
        shape: input.shape.slice(),
        data: job.have === working.cacheKey ? null : input.read(),
      },
      info: working.info,
      geometry,
      output,
      error,
      padMapH,
      padMapW,
      batch: {
        n,
        names: extras.map((e) => e.name),
        inputShape: batch.shape.slice(),
        outputShape: y ? y.shape.slice() : null,
        input: n > 1 ? { shape: batch.shape.slice(), data: batch.read() } : null,
      },
      ms: { prepare: t1 - t0, geometry: t2 - t1, forward: t3 - t2, total: performance.now() - t0 },
    };
  }

  /** The working image of the layer kept under key, whether or not its layer can be computed. */
  imageAt(key) {
    if (!this.last || this.last.key !== key) this.layerAt(key); // refused as stale
    return this.last.image;
  }

  /** The layer kept under key (a job for another layer is refused: the page has moved on). */
  layerAt(key) {
    if (!this.last || this.last.key !== key) {
      throw Object.assign(
        new Error(`layer ${key} is no longer the worker's (it holds ${this.last?.key})`),
        {
          name: 'StaleLayer',
        },
      );
    }
    if (!this.last.y) throw new Error('the layer cannot be computed, so neither can its gradients');
    return this.last;
  }
}
