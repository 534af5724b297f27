// A playground's Web Worker: it loads the WASM module once, owns the
// pipeline (sources.js, pipeline.js) and runs every job of protocol.js on its
// own copy of the data, so the page never freezes and never ships tensors.
import createConvplay from 'convplay-wasm/convplay.mjs';
import { WASM_URL } from './asset-urls.js';
import { Sources, LARGE_FILE_PIXELS } from './sources.js';
import { Pipeline, errorOf } from './pipeline.js';
import { computeGradients } from './jobs/gradients.js';
import { runLab } from './jobs/bnlab.js';
import { stepperModel } from './jobs/stepper.js';
import { alexnet } from './jobs/alexnet.js';
import { nnlab } from './jobs/nnlab.js';
import { buildWeights } from '../common/filters.js';

const cpPromise = createConvplay({ wasmUrl: WASM_URL });
const sources = new Sources();
const pipeline = new Pipeline(sources);

function collectTransfers(value, out = [], seen = new Set()) {
  if (!value || typeof value !== 'object') return out;
  if (seen.has(value)) return out;
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    const buf = value.buffer;
    if (!(buf instanceof ArrayBuffer)) return out; // e.g. a SharedArrayBuffer
    if (value.byteOffset === 0 && value.byteLength === buf.byteLength && !out.includes(buf))
      out.push(buf);
    return out;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTransfers(v, out, seen);
    return out;
  }
  for (const k of Object.keys(value)) collectTransfers(value[k], out, seen);
  return out;
}

/** Copies every typed array that shares its buffer (e.g. a view of WASM memory). */
function detachViews(value, seen = new Set()) {
  if (!value || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    if (value.byteOffset !== 0 || value.byteLength !== value.buffer.byteLength)
      return value.slice();
    return value;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = detachViews(value[i], seen);
    return value;
  }
  for (const k of Object.keys(value)) value[k] = detachViews(value[k], seen);
  return value;
}

/** The worker's current working image (of the last layer), or null. */
const currentImage = () => pipeline.last?.image ?? sources.working?.image ?? null;

/** One handler per job type (protocol.js JOBS). */
const HANDLERS = {
  async source(cp, job) {
    const src = job.source;
    if (src.kind === 'bytes') {
      // decoded once now: a corrupt file is refused before it replaces anything
      const maxSide = job.maxSide || 512;
      const d = cp.decodeImage(src.bytes, { maxSide });
      const info = {
        originalWidth: d.originalWidth,
        originalHeight: d.originalHeight,
        downscaled: d.downscaled,
        fileChannels: d.fileChannels,
      };
      const out = { width: d.image.shape[3], height: d.image.shape[2], ...info };
      if (d.originalWidth * d.originalHeight > LARGE_FILE_PIXELS) {
        // a large file is kept as this picture (another working size resizes it: decoding
        // the file again would take seconds), and so is the page's copy (out.decoded)
        sources.set(job.key, { kind: 'decoded', image: d.image, info });
        const image = { shape: d.image.shape.slice(), data: d.image.data.slice() };
        return { ...out, decoded: { image, info } };
      }
      // a small one as its bytes, with this decode
      sources.set(job.key, { ...src, decoded: { maxSide, d } });
      return out;
    }
    if (src.kind === 'decoded') {
      sources.set(job.key, src);
      const [, , h, w] = src.image.shape;
      return { width: w, height: h, ...src.info };
    }
    if (src.kind !== 'synthetic' && src.kind !== 'rgba')
      throw new Error(`unknown source kind "${src.kind}"`);
    sources.set(job.key, src);
    return { ok: true };
  },
  layer: (cp, job) => pipeline.layer(cp, job),
  gradients(cp, job) {
    const layer = pipeline.layerAt(job.layerKey);
    const targetWeights =
      job.loss === 'target'
        ? buildWeights({ ...layer.state, filters: [job.target], bias: [] }).weights
        : null;
    return {
      layerKey: job.layerKey,
      ...computeGradients(cp, layer, { ...job, targetWeights }),
    };
  },
  stepper: (cp, job) =>
    stepperModel(cp, job.state, job.state.sin === 'image' ? currentImage() : null),
  // on the image of the layer the page drew (job.layerKey), else the current one
  alexnet: (cp, job) =>
    alexnet(cp, job.layerKey ? pipeline.layerAt(job.layerKey).image : currentImage(), job.seed),
  bnlab: (cp, job) => runLab({ call: async (method, ...args) => cp[method](...args) }, job.p),
  geometry: (cp, job) => cp.conv2dGeometry(job.input, job.weight, job.params),
  sizes: (cp, job) => job.axes.map((a) => cp.convOutputSize(...a)),
  stats: (cp) => ({ ...cp.memoryStats(), sources: sources.map.size }),
  crash(cp, job) {
    // tests only (engine.testCrash): each way a worker dies in real life
    if (job.how === 'exit') self.close();
    else if (job.how === 'throw')
      setTimeout(() => {
        throw new Error('a test threw outside any job');
      });
    else if (job.how === 'abort') throw new WebAssembly.RuntimeError('unreachable (a test)');
    else if (job.how === 'hang') for (;;);
    else throw new Error(`unknown crash "${job.how}"`);
    return new Promise(() => {}); // never answers
  },
  nnlab: (cp, job) => nnlab(job),
};

/**
 * True when an error means the module itself is broken (an Emscripten abort,
 * a WebAssembly trap, memory that could not grow): the page then replaces
 * this worker (the reply's error.fatal).
 */
function isFatal(e) {
  if (e instanceof WebAssembly.RuntimeError) return true;
  const m = e instanceof Error ? e.message : String(e);
  return /^Aborted\(|out of memory|bad_alloc|Cannot enlarge memory/i.test(m);
}

self.onmessage = async (event) => {
  const msg = event.data;
  try {
    const cp = await cpPromise;
    const handler = HANDLERS[msg.type];
    if (!handler) throw new Error(`unknown job "${msg.type}"`);
    const result = detachViews(await handler(cp, msg));
    self.postMessage({ id: msg.id, ok: true, result }, collectTransfers(result));
  } catch (e) {
    const error = errorOf(e);
    if (isFatal(e)) error.fatal = true;
    self.postMessage({ id: msg.id, ok: false, error });
  }
};

// what the worker's own Content-Security-Policy refused while the module loaded
// (the page names the directive when the module cannot load)
const violations = [];
const onViolation = (e) =>
  violations.push({
    directive: e.effectiveDirective || e.violatedDirective,
    blocked: e.blockedURI,
  });
self.addEventListener('securitypolicyviolation', onViolation);

cpPromise.then(
  () => {
    self.removeEventListener('securitypolicyviolation', onViolation);
    self.postMessage({ ready: true });
  },
  // the violation's event comes in a task after the failure it caused
  (e) => setTimeout(() => self.postMessage({ ready: false, error: { ...errorOf(e), violations } })),
);
