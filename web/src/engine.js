// The engine: the page's one Web Worker (worker.js) holding the WASM module.
//
//   import { getEngine } from './engine.js';
//   const engine = getEngine();                 // one shared worker for every module
//   await engine.ready;                         // resolves when the module is loaded
//   const g = await engine.call('conv2dGeometry', [1, 3, 227, 227], [96, 3, 11, 11], { strideH: 4, strideW: 4 });
//   const y = await engine.call('conv2dForward', x, w, bias, params);
//
// call(method, ...args) runs any method of the Convplay API (wasm/js/convplay.d.ts)
// in the worker and resolves with its result; typed arrays in the arguments are
// copied over (the caller keeps its own), typed arrays in the result are
// transferred (zero-copy). A failure rejects with an Error whose message is
// the core's (e.g. "kernel 11 is larger than padded width 9").
//
// The page's pipeline:
//   await engine.setSource(key, source)   // bytes of a file (decoded by the module:
//                                         // rejects for a corrupt file), a synthetic
//                                         // name, or an RGBA webcam frame
//   const r = await engine.run(req)       // working image + geometry + forward in one
//                                         // round trip; resolves null when a newer
//                                         // run() superseded it (stale requests are dropped:
//                                         // at most one run in flight, the latest one waits)

import PlaygroundWorker from './worker.js?worker';

let engineSingleton = null;

/** The shared engine (one worker for the whole page). */
export function getEngine() {
  if (!engineSingleton) engineSingleton = new Engine();
  return engineSingleton;
}

function transfersOf(value, out = []) {
  if (!value || typeof value !== 'object') return out;
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && !out.includes(value.buffer)) out.push(value.buffer);
    return out;
  }
  if (Array.isArray(value)) { for (const v of value) transfersOf(v, out); return out; }
  for (const k of Object.keys(value)) transfersOf(value[k], out);
  return out;
}

export class Engine {
  constructor() {
    this.worker = new PlaygroundWorker();
    this.nextId = 1;
    this.pending = new Map();       // id -> {resolve, reject}
    this.runInFlight = null;        // promise of the run being computed
    this.runWaiting = null;         // {req, resolve} the latest run request not yet sent
    this.lastRunMs = null;
    this.ready = new Promise((resolve, reject) => { this.readyResolve = resolve; this.readyReject = reject; });
    this.ready.catch(() => {});     // the page shows the error; no unhandled rejection
    this.worker.onmessage = (event) => this.onMessage(event.data);
    this.worker.onerror = (event) => {
      const err = new Error(`the worker failed: ${event.message || 'could not load worker.js or the WASM module'}`);
      event.preventDefault?.();
      this.readyReject(err);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  onMessage(msg) {
    if (msg.ready !== undefined) {
      if (msg.ready) this.readyResolve(true);
      else this.readyReject(Object.assign(new Error(`the WASM module failed to load: ${msg.error.message}`), { name: msg.error.name }));
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else {
      const err = new Error(msg.error.message);
      err.name = msg.error.name || 'Error';
      p.reject(err);
    }
  }

  post(message, transfer = []) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  /** Runs any Convplay API method in the worker. Arguments are copied (structured clone). */
  call(method, ...args) {
    return this.post({ op: 'call', method, args });
  }

  /** Like call(), but transfers the argument buffers (the caller loses them; faster for big tensors). */
  callTransfer(method, ...args) {
    return this.post({ op: 'call', method, args }, transfersOf(args));
  }

  /**
   * Remembers an image source in the worker under key.
   *   {kind: 'bytes', bytes: Uint8Array}  -> decoded by the module at once (maxSide): rejects
   *                                          with the module's message when corrupt; resolves
   *                                          {width, height, originalWidth, originalHeight, downscaled}
   *   {kind: 'synthetic', name}           -> 'stripes' | 'checker' | 'circle'
   *   {kind: 'rgba', width, height, rgba} -> an 8-bit RGBA frame (transferred)
   */
  setSource(key, source, maxSide = 512) {
    const transfer = source.kind === 'rgba' ? [source.rgba.buffer] : [];
    return this.post({ op: 'source', key, source, maxSide }, transfer);
  }

  /**
   * The pipeline: req = {source, size, fit, grey, weights: Tensor32, bias: Float32Array, params}.
   * Resolves {input, info, geometry, output, error, padMapH, padMapW, ms} (error set and
   * output null for an impossible layer), or null when a newer run() replaced this one
   * before it was sent.
   */
  run(req) {
    if (this.runWaiting) this.runWaiting.resolve(null);        // superseded: dropped
    return new Promise((resolve, reject) => {
      this.runWaiting = { req, resolve, reject };
      if (!this.runInFlight) this.pumpRun();
    });
  }

  /**
   * The layer's backward pass on the pipeline's current image (worker.js 'gradients' op,
   * gradients-worker.js): req = {source, size, fit, grey, weights, bias, params, loss,
   * pixel, targetWeights, bn}. Resolves {loss, dx, dw, db, saliency, ...}.
   */
  gradients(req) {
    return this.post({ op: 'gradients', req });
  }

  /** True while a run is being computed (e.g. a webcam loop skips frames meanwhile). */
  get busy() { return Boolean(this.runInFlight); }

  pumpRun() {
    const job = this.runWaiting;
    this.runWaiting = null;
    if (!job) { this.runInFlight = null; return; }
    const t0 = performance.now();
    this.runInFlight = this.post({ op: 'run', req: job.req })
      .then((r) => { r.ms.roundTrip = performance.now() - t0; this.lastRunMs = r.ms; job.resolve(r); },
        (e) => job.reject(e))
      .finally(() => this.pumpRun());
  }
}
