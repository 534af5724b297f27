// The gradients panel's client of the worker's 'gradients' job: it builds the
// job from the state and the layer result, keeps the last answer (and the
// layer result it belongs to), and takes gradient steps: each step writes
// W - lr dL/dW, b - lr dL/db (and gamma, beta) into the state and waits for
// the gradients of the new layer.
import { presetOf } from '../../../common/state.js';
import { parsePin } from '../../services/pixel.js';
import { gammaOf, betaOf } from './batchnorm.js';
import { picturesWanted, releasePictures } from '../../render.js';

/** The output pixel of the 'pixel' loss: the pinned one, else the centre of map 1. */
export function pixelOf(s, r) {
  const pin = parsePin(s.at);
  const [, K, H2, W2] = r.output.shape;
  if (pin && pin.k < K && pin.y < H2 && pin.x < W2) return { ...pin, pinned: true };
  return { k: 0, y: Math.floor(H2 / 2), x: Math.floor(W2 / 2), pinned: false };
}

/** The job for layer result r (protocol.js GradientsJob); bn's eps is the module's default. */
function jobOf(s, r) {
  const K = r.weights.shape[0];
  return {
    layerKey: r.key,
    loss: s.gl,
    pixel: pixelOf(s, r),
    target: s.gl === 'target' ? s.gt : null,
    bn: s.gbn
      ? {
          gamma: Array.from({ length: K }, (_, k) => gammaOf(k, s)),
          beta: Array.from({ length: K }, (_, k) => betaOf(k, s)),
        }
      : null,
  };
}

/** The state patch of one step of lr on the gradients g of layer result r. */
function stepPatch(s, g, r, lr) {
  const [K, d1, fh, fw] = r.weights.shape;
  const per = d1 * fh * fw;
  const list = Array.from({ length: Math.max(s.k, s.filters.length) }, (_, k) => presetOf(k, s));
  const patch = {};
  for (let k = 0; k < K; k++) {
    list[k] = 'custom';
    const w = new Array(per);
    for (let j = 0; j < per; j++) w[j] = r.weights.data[k * per + j] - lr * g.dw[k * per + j];
    patch[`w${k}`] = w;
  }
  patch.filters = list;
  patch.bias = Array.from({ length: K }, (_, k) => r.bias[k] - lr * g.db[k]);
  if (g.bnOn) {
    patch.ggam = g.gamma.map((v, k) => v - lr * g.dgamma[k]);
    patch.gbet = g.beta.map((v, k) => v - lr * g.dbeta[k]);
  }
  return patch;
}

/** The answer g of job completed with what the page shows: the pixel, the loss, bn's numbers, the safe step. */
function complete(g, job, loss) {
  g.pixel = job.pixel;
  g.loss_kind = loss;
  g.bnOn = Boolean(job.bn);
  g.gamma = job.bn?.gamma ?? null;
  g.beta = job.bn?.beta ?? null;
  const scale = job.bn ? Math.max(...g.gamma.map((v, k) => Math.abs(v) * g.rstd[k])) : 1;
  g.safeLr = 1 / (g.T * Math.max(1e-12, scale * scale));
  return g;
}

/**
 * view: { sync(), show(g, r) (a new answer), status(state, text) (off, error) }.
 * Returns { compute(), step(n), lr(), ready(), last, result, job, history }.
 */
export function createSession(ctx, view) {
  let last = null; // the last gradient result
  let lastResult = null; // the layer result it was computed for
  let lastJob = null; // the job as the worker ran it (bn's eps filled in)
  let seq = 0;
  let pendingSteps = 0; // steps taken whose result has not arrived yet
  let history = []; // losses: before the first step, then after each step
  const waiters = [];

  const lr = () => (ctx.state.glr > 0 ? ctx.state.glr : (last?.safeLr ?? 0));
  const ready = () =>
    Boolean(ctx.state.gon && last && ctx.result && lastResult.key === ctx.result.key);

  function off() {
    // nothing shows the last gradients, and the next tick computes them afresh
    // (kept, they would hold a layer's planes and their gradients for the session)
    seq += 1;
    last = lastResult = lastJob = null;
    history = [];
    pendingSteps = 0;
    while (waiters.length) waiters.shift()(null); // a step under way ends
    view.status('off', 'Tick "Compute the gradients" to run the backward pass.');
  }

  function accept(g, r, job) {
    last = g;
    lastResult = r;
    lastJob = job.bn ? { ...job, bn: { ...job.bn, eps: g.eps } } : job;
    if (pendingSteps > 0) {
      pendingSteps -= 1;
      history.push(g.loss);
    } else history = [g.loss];
    view.show(g, r);
    while (waiters.length) waiters.shift()(g);
  }

  async function compute() {
    const s = ctx.state;
    const r = ctx.result;
    view.sync();
    if (!s.gon) {
      off();
      return null;
    }
    if (!r || r.error || !r.output) {
      view.status('error', 'The layer cannot be computed, so neither can its gradients.');
      return null;
    }
    const job = jobOf(s, r);
    const my = ++seq;
    view.status('computing');
    let g;
    try {
      g = await ctx.engine.gradients({ ...job, pictures: picturesWanted() });
    } catch (e) {
      if (my !== seq || e.name === 'StaleLayer') return null;
      view.status('error', `The backward pass failed: ${e.message}`);
      return null;
    }
    if (!g || my !== seq) {
      releasePictures(g?.pictures); // a newer computation was started
      return null;
    }
    accept(complete(g, job, s.gl), r, job);
    return g;
  }

  /** n gradient steps, each on the freshly computed gradients; resolves the last result. */
  async function step(n = 1) {
    for (let i = 0; i < n; i++) {
      const g = last;
      if (!ready()) return null;
      const lrv = lr();
      if (!(lrv > 0)) return null;
      pendingSteps += 1;
      const next = new Promise((resolve) => waiters.push(resolve));
      const changed = ctx.update(stepPatch(ctx.state, g, lastResult, lrv));
      if (!changed.size) {
        pendingSteps -= 1;
        return g; // nothing moved (a zero gradient)
      }
      await next;
    }
    return last;
  }

  return {
    compute,
    step,
    lr,
    ready,
    get last() {
      return last;
    },
    get result() {
      return lastResult;
    },
    get job() {
      return lastJob;
    },
    get history() {
      return history.slice();
    },
  };
}
