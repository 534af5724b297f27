// The engine of one playground: its own Web Worker (worker/worker.js) and
// one method per job of worker/protocol.js's table (JOBS, which also gives
// each job its lane).
//
//   const engine = createEngine({ jobTimeout, worker });  // ms without an answer = a dead worker;
//                                                         // worker: one spawnWorker() started earlier
//   await engine.ready;                                   // the module is loaded
//   await engine.setSource(key, source, maxSide, { shipped });   // rejects for a corrupt file
//   const r = await engine.layer({ key, source, state, extras });   // LayerResult or null
//   const g = await engine.gradients({ layerKey, loss, pixel, target, bn });
//   engine.stepper({ state }), engine.alexnet({ seed }), engine.bnlab({ p }),
//   engine.geometry({ input, weight, params }), engine.sizes({ axes }), engine.stats()
//   engine.onEvent((e) => ...);   // {type: 'crash' | 'recovered' | 'failed', reason, restarts}
//   engine.forget(key);           // a source the page no longer offers
//   await engine.restart();       // a new worker, the last good state restored (no event)
//   engine.testCrash(how);        // tests: 'terminate' | 'exit' | 'throw' | 'abort' | 'hang'
//   engine.suspend();             // gives the worker back when idle (true); jobs then wait
//   await engine.resume();        // a new worker with the last good state, the waiting jobs sent
//   engine.nnlab({ op, ... });    // the network lab (in order, never replaced)
//   engine.destroy();
//
// The jobs of lane 'latest' (layer, gradients, stepper, alexnet, bnlab) keep
// at most one job in flight each and only the latest one waiting: a job
// replaced before it was sent resolves null (a slider drag computes the last
// position, never a queue). engine.run(type, job) is any job by its name.
// A failure rejects with an Error whose message is the module's.
//
// Recovery. The worker is dead when it throws outside a job (onerror), when
// a job reports that the module itself broke (an abort, a WebAssembly trap,
// out of memory: the reply's error.fatal), or when jobs are pending and
// nothing has answered for jobTimeout ms (a job that never ends, a worker
// that closed or was terminated). Then the engine starts a fresh worker,
// sends it the current image's source and the last layer job that succeeded
// (so the worker holds the layer the page shows, under the same key), and
// sends every pending job again: the panels see their answers, only later.
// A job pending through two deaths is rejected (name 'WorkerCrash'); after
// four deaths without one answer in between the engine gives up ('failed').
//
// Sources. The engine keeps what it sent for every source (a file's bytes,
// a synthetic picture's name, a webcam frame), so a job the worker refuses because it dropped that source (error name
// 'MissingSource') is answered after the source is sent again, unnoticed.
import { spawnWorker } from './spawn-worker.js';
import { takeHeldEvents } from './held-events.js';
import { JOBS, jobSpec } from '../worker/protocol.js';
import { LARGEST_SIDE } from '../common/state.js';

const DEFAULT_JOB_TIMEOUT = 30000;
const MAX_DEATHS = 4;

export function createEngine(options = {}) {
  return new Engine(options);
}

function workerError(error) {
  const err = new Error(error.message);
  err.name = error.name || 'Error';
  if (error.key !== undefined) err.key = error.key;
  return err;
}

class Engine {
  constructor({ jobTimeout = DEFAULT_JOB_TIMEOUT, worker = null } = {}) {
    this.jobTimeout = jobTimeout;
    this.early = worker; // the first worker, when it was started before the engine
    this.sources = new Map(); // key -> {source, maxSide}: what the worker is sent for key
    this.lanes = new Map(); // type -> {inFlight: Promise | null, waiting: {job, resolve, reject} | null}
    this.pending = new Map(); // id -> {type, job, resolve, reject, deaths, sent}
    this.nextId = 1;
    this.lastLayer = null; // the last layer job that was answered: restored after a death
    this.listeners = new Set();
    this.deaths = 0; // deaths since the last answer
    this.restarts = 0;
    this.generation = 0; // one per worker
    this.recovering = false;
    this.dead = null; // an Error once the engine gave up
    this.destroyed = false;
    this.watchdog = 0;
    this.everReady = false; // a worker that never loaded the module is a fatal error, not a death
    this.suspended = false; // no worker: jobs wait for resume()
    this.keepsWork = false; // the worker holds what a new one would not (a network lab's run)
    this.start();
    this.ready.catch(() => {}); // the page shows the error; no unhandled rejection
  }

  start() {
    const gen = ++this.generation;
    this.worker = this.early ?? spawnWorker();
    this.early = null;
    this.ready = new Promise((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.ready.catch(() => {});
    this.worker.onmessage = (event) => {
      if (gen === this.generation) this.onMessage(event.data);
    };
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      if (gen !== this.generation) return;
      const what = event.message || 'could not load the worker or the WASM module';
      if (!this.everReady) this.fail(new Error(`the worker failed: ${what}`));
      else this.died(`it failed: ${what}`);
    };
    // an early worker's answers from before the engine took it (boot.js)
    for (const e of takeHeldEvents(this.worker)) {
      if (e.type === 'message') this.worker.onmessage(e);
      else this.worker.onerror(e);
    }
  }

  /** The module could not be loaded: every job rejects (the page shows a fatal error). */
  fail(err) {
    this.dead = err;
    clearTimeout(this.watchdog);
    this.readyReject(err);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const lane of this.lanes.values()) lane.waiting?.reject(err);
    this.lanes = new Map();
  }

  onEvent(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(event) {
    for (const fn of [...this.listeners]) {
      try {
        fn(event);
      } catch (e) {
        console.error(e);
      }
    }
  }

  onMessage(msg) {
    if (msg.ready !== undefined) {
      if (msg.ready) {
        this.everReady = true;
        this.readyResolve(true);
      } else {
        const err = new Error(`the WASM module failed to load: ${msg.error.message}`);
        err.name = msg.error.name;
        err.violations = msg.error.violations ?? [];
        if (this.everReady) this.died(err.message);
        else this.fail(err);
      }
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (!msg.ok && msg.error.fatal) {
      // the module broke while running this job: a new worker, then the job again
      this.died(`${msg.error.name}: ${msg.error.message}`);
      return;
    }
    this.pending.delete(msg.id);
    this.deaths = 0;
    this.armWatchdog(true);
    if (msg.ok) {
      if (p.type === 'layer') this.lastLayer = p.job;
      p.resolve(msg.result);
      return;
    }
    const err = workerError(msg.error);
    if (err.name === 'MissingSource' && this.sources.has(err.key) && !p.resent) {
      // the worker dropped an image the page still offers: send it again, then the job
      const { source, maxSide } = this.sources.get(err.key);
      this.post('source', { key: err.key, source, maxSide }).then(
        () => this.post(p.type, p.job).then(p.resolve, p.reject),
        p.reject,
      );
      p.resent = true;
      return;
    }
    p.reject(err);
  }

  /** (Re)starts the timer that declares the worker dead; restart: also when it is running. */
  armWatchdog(restart = false) {
    if (this.watchdog && !restart) return;
    clearTimeout(this.watchdog);
    this.watchdog = 0;
    if (!this.pending.size || this.recovering || this.dead || this.destroyed) return;
    this.watchdog = setTimeout(() => {
      this.watchdog = 0;
      this.died(`it did not answer for ${Math.round(this.jobTimeout / 1000)} s`);
    }, this.jobTimeout);
  }

  send(id, p) {
    p.sent = this.generation;
    this.worker.postMessage({ ...p.job, type: p.type, id });
    this.armWatchdog();
  }

  post(type, job) {
    if (this.destroyed) return Promise.reject(new Error('the playground was destroyed'));
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const p = { type, job, resolve, reject, deaths: 0, sent: 0 };
      this.pending.set(id, p);
      if (!this.recovering) this.send(id, p);
    });
  }

  /**
   * The worker is dead (reason says how): a fresh one gets the last good
   * state and every pending job. Runs once per death; a death during the
   * recovery starts it over with the next worker.
   */
  died(reason, announce = true) {
    if (this.destroyed || this.dead) return undefined;
    if (this.suspended) return this.resume(); // no worker to lose: a fresh one
    clearTimeout(this.watchdog);
    this.watchdog = 0;
    this.worker.onmessage = null;
    this.worker.onerror = null;
    this.worker.terminate();
    if (announce) {
      this.deaths += 1;
      this.restarts += 1;
    }
    for (const [id, p] of this.pending) {
      if (p.type === 'crash') {
        this.pending.delete(id); // a test's kill is not sent again
        p.reject(new Error('the worker was killed'));
      } else if (p.sent && announce) p.deaths += 1;
    }
    if (this.deaths > MAX_DEATHS) {
      const err = new Error(
        `the worker stopped ${this.deaths} times in a row (last: ${reason}); reload the page`,
      );
      err.name = 'WorkerCrash';
      this.fail(err);
      this.emit({ type: 'failed', reason, restarts: this.restarts });
      return undefined;
    }
    if (announce) this.emit({ type: 'crash', reason, restarts: this.restarts });
    return this.recover(reason, announce);
  }

  async recover(reason, announce) {
    this.recovering = true;
    this.start();
    const gen = this.generation;
    try {
      await this.ready;
    } catch {
      return; // died() or fail() already took over
    }
    if (gen !== this.generation || this.destroyed) return;
    // jobs pending through two deaths are the likely cause: refused, not sent a third time
    for (const [id, p] of this.pending) {
      if (p.deaths >= 2) {
        this.pending.delete(id);
        const err = new Error(`this computation stopped the worker twice (${reason})`);
        err.name = 'WorkerCrash';
        p.reject(err);
      }
    }
    // the last good state first: its image, its layer (the key the page shows),
    // then every pending job in the order it was asked for
    const restore = [];
    const layer = this.lastLayer;
    if (layer && this.sources.has(layer.source)) {
      const { source, maxSide } = this.sources.get(layer.source);
      restore.push(['source', { key: layer.source, source, maxSide }], ['layer', layer]);
    }
    const waiting = [...this.pending.entries()].sort((a, b) => a[0] - b[0]);
    this.recovering = false;
    const answers = restore.map(([type, job]) => this.post(type, job));
    for (const [id, p] of waiting) if (this.pending.get(id) === p) this.send(id, p);
    const settled = await Promise.allSettled(answers);
    if (gen !== this.generation || this.destroyed) return;
    if (announce && settled.every((s) => s.status === 'fulfilled')) {
      this.emit({ type: 'recovered', reason, restarts: this.restarts });
    }
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

  /**
   * Remembers an image source in the worker under key (the bytes are copied,
   * never transferred). A file is decoded by the worker at once, so a corrupt
   * one rejects and the previous source stays; a file from the user at the
   * largest working size (a large one's memory is the module's throwaway
   * instance's, and the worker keeps only its picture), a photo shipped with
   * the page (shipped: true) at maxSide. Resolves the file's sizes and channels.
   */
  async setSource(key, source, maxSide = LARGEST_SIDE, { shipped = false } = {}) {
    const side = source.kind === 'bytes' && !shipped ? LARGEST_SIDE : maxSide;
    const { decoded, ...info } = await this.run('source', { key, source, maxSide: side });
    // a large file: the worker's picture of it is what a new worker is sent, not the file
    const kept = decoded ? { kind: 'decoded', image: decoded.image, info: decoded.info } : source;
    this.sources.delete(key);
    this.sources.set(key, { source: kept, maxSide: side });
    return info;
  }

  /** Forgets a source the page no longer offers (an earlier upload). */
  forget(key) {
    this.sources.delete(key);
  }

  /**
   * Any job of worker/protocol.js JOBS, through its lane ('latest': resolves
   * null when a newer one replaced it; 'queue': in order, never replaced).
   * An unknown type rejects with protocol.js unknownJob's error.
   */
  run(type, job = {}) {
    let spec;
    try {
      spec = jobSpec(type);
    } catch (e) {
      return Promise.reject(e);
    }
    if (spec.keepsWork) this.keepsWork = true; // e.g. the lab's network lives in this worker only
    return spec.lane === 'latest' ? this.latest(type, job) : this.post(type, job);
  }

  /** True when no job of a latest-wins lane (the layer, the panels' own) is asked or computed. */
  get quiet() {
    for (const lane of this.lanes.values()) if (lane.inFlight || lane.waiting) return false;
    return true;
  }

  /** True while a layer job is being computed (a webcam loop skips frames meanwhile). */
  get busy() {
    return Boolean(this.lanes.get('layer')?.inFlight);
  }

  /**
   * For tests: kills the worker. 'terminate' ends it from here without
   * telling the engine; 'exit' (it closes itself), 'throw' (an error outside
   * any job), 'abort' (a job whose module broke) and 'hang' (a job that never
   * ends) happen inside it. The engine finds out as it would in real life.
   */
  testCrash(how) {
    if (how === 'terminate') {
      this.worker?.terminate();
      return;
    }
    this.run('crash', { how }).catch(() => {});
  }

  /**
   * A new worker in place of this one, with the last good state and the
   * pending jobs (no line: nothing went wrong). Resolves when it holds them.
   */
  async restart() {
    await this.died('it was restarted', false);
  }

  /**
   * Gives the worker back (its memory with it) when nothing is pending and it
   * holds nothing a new worker could not be sent again; returns whether it
   * did. Jobs asked for meanwhile wait for resume().
   */
  suspend() {
    if (this.suspended || this.destroyed || this.dead || this.recovering) return this.suspended;
    if (this.pending.size || this.keepsWork || !this.everReady) return false;
    clearTimeout(this.watchdog);
    this.watchdog = 0;
    this.generation += 1; // whatever the old worker still says is ignored
    this.worker.onmessage = null;
    this.worker.onerror = null;
    this.worker.terminate();
    this.worker = null;
    this.suspended = true;
    this.recovering = true; // post() keeps jobs pending without sending them
    return true;
  }

  /** A new worker with the last good state (its image and layer), then the jobs that waited. */
  async resume() {
    if (!this.suspended || this.destroyed) return;
    this.suspended = false;
    await this.recover('it was resumed', false);
  }

  /**
   * Stops the worker. The jobs still pending never settle (the panels that
   * asked are gone with the playground: nothing of theirs runs afterwards);
   * a job asked for after this rejects.
   */
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.dead = new Error('the playground was destroyed');
    this.worker?.terminate();
    clearTimeout(this.watchdog);
    this.pending.clear();
    this.lanes = new Map();
  }
}

// One method per job of the table (engine.layer(job), engine.stats(), ...),
// unless the class has its own (setSource, testCrash).
for (const [type, spec] of Object.entries(JOBS)) {
  const name = spec.method ?? type;
  if (!(name in Engine.prototype))
    Engine.prototype[name] = function job(fields) {
      return this.run(type, fields);
    };
}
