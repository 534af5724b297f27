// The engine of one playground: its own Web Worker (worker/worker.js) and
// one method per job of worker/protocol.js.
//
//   const engine = createEngine();
//   await engine.ready;                                   // the module is loaded
//   await engine.setSource(key, source, maxSide);         // rejects for a corrupt file
//   const r = await engine.layer({ key, source, state, extras });   // LayerResult or null
//   const g = await engine.gradients({ layerKey, loss, pixel, target, bn });
//   engine.stepper({ state }), engine.alexnet({ seed }), engine.bnlab({ p }),
//   engine.geometry({ input, weight, params }), engine.sizes({ axes }), engine.nnlab({ op, ... })
//   engine.restart();                                     // a new worker, every source re-sent
//   engine.destroy();
//
// layer, gradients, stepper, alexnet and bnlab keep at most one job in flight
// each and only the latest one waiting: a job replaced before it was sent
// resolves null (a slider drag computes the last position, never a queue).
// A failure rejects with an Error whose message is the module's.
// The engine keeps every source it was given (an upload's original bytes),
// so restart() can send them again to a new worker.

export function createEngine() {
  return new Engine();
}

class Engine {
  constructor() {
    this.sources = new Map(); // key -> {source, maxSide}: what the worker was sent
    this.lanes = new Map(); // type -> {inFlight: Promise | null, waiting: {job, resolve, reject} | null}
    this.pending = new Map(); // id -> {resolve, reject}
    this.nextId = 1;
    this.destroyed = false;
    this.start();
  }

  start() {
    this.worker = new Worker(new URL('../worker/worker.js', import.meta.url), { type: 'module' });
    this.ready = new Promise((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.ready.catch(() => {}); // the page shows the error; no unhandled rejection
    this.worker.onmessage = (event) => this.onMessage(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      this.fail(
        new Error(
          `the worker failed: ${event.message || 'could not load the worker or the WASM module'}`,
        ),
      );
    };
  }

  fail(err) {
    this.readyReject(err);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  onMessage(msg) {
    if (msg.ready !== undefined) {
      if (msg.ready) this.readyResolve(true);
      else {
        const err = new Error(`the WASM module failed to load: ${msg.error.message}`);
        err.name = msg.error.name;
        this.readyReject(err);
      }
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

  post(type, job, transfer = []) {
    if (this.destroyed) return Promise.reject(new Error('the playground was destroyed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...job, type, id }, transfer);
    });
  }

  /** A job of a latest-wins lane: resolves null when a newer job of its type replaced it. */
  latest(type, job) {
    let lane = this.lanes.get(type);
    if (!lane) {
      lane = { inFlight: null, waiting: null };
      this.lanes.set(type, lane);
    }
    if (lane.waiting) lane.waiting.resolve(null);
    return new Promise((resolve, reject) => {
      lane.waiting = { job, resolve, reject };
      if (!lane.inFlight) this.pump(type, lane);
    });
  }

  pump(type, lane) {
    const next = lane.waiting;
    lane.waiting = null;
    if (!next) {
      lane.inFlight = null;
      return;
    }
    lane.inFlight = this.post(type, next.job)
      .then(next.resolve, next.reject)
      .finally(() => this.pump(type, lane));
  }

  /** Remembers an image source in the worker under key (the bytes are copied, never transferred). */
  async setSource(key, source, maxSide = 512) {
    const info = await this.post('source', { key, source, maxSide });
    this.sources.set(key, { source, maxSide });
    return info;
  }

  layer(job) {
    return this.latest('layer', job);
  }

  gradients(job) {
    return this.latest('gradients', job);
  }

  stepper(job) {
    return this.latest('stepper', job);
  }

  alexnet(job) {
    return this.latest('alexnet', job);
  }

  bnlab(job) {
    return this.latest('bnlab', job);
  }

  geometry(job) {
    return this.post('geometry', job);
  }

  sizes(job) {
    return this.post('sizes', job);
  }

  /** A network-lab op (in order, never replaced: a training run is a sequence). */
  nnlab(job) {
    return this.post('nnlab', job);
  }

  /** True while a layer job is being computed (a webcam loop skips frames meanwhile). */
  get busy() {
    return Boolean(this.lanes.get('layer')?.inFlight);
  }

  /**
   * A new worker in place of this one: every pending job rejects, every
   * source is sent again; resolves when the new worker has them all.
   */
  async restart() {
    this.worker.terminate();
    this.fail(Object.assign(new Error('the worker was restarted'), { name: 'WorkerRestarted' }));
    for (const lane of this.lanes.values()) lane.waiting?.resolve(null);
    this.lanes = new Map();
    this.start();
    await this.ready;
    for (const [key, { source, maxSide }] of this.sources) {
      await this.post('source', { key, source, maxSide });
    }
  }

  destroy() {
    if (this.destroyed) return;
    this.worker.terminate();
    this.fail(new Error('the playground was destroyed'));
    this.destroyed = true;
  }
}
