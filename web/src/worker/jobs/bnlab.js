// The batch-norm lab's job ('bnlab', protocol.js): the lecture's graph
// (README §1) forward and backward through the module, plus a central
// finite-difference check of every gradient, plus the notes that explain the
// edge cases (bnlab-notes.js).
//
// Who computes what:
//   - mu, var, xhat_i, y_i and every gradient: the module
//     (batchnormForward with training: true, then batchnormBackward), double.
//   - L and dL/dy_i: this file (the loss is the page's, not the core's).
//   - finite differences: L(p + h) - L(p - h) over 2h, where each L is the
//     module's forward again:
//       beta, gamma, x_i   -> the training-mode forward with that input nudged;
//       xhat_i             -> inference mode with mean 0, var 1, eps 0 on the
//                             input xhat (so y = gamma * xhat + beta exactly);
//       var (mu held)      -> inference mode with mean = mu, var = var +- h;
//       mu (total)         -> inference mode with mean = mu +- h and
//                             var = (1/m) sum (x_i - mu')^2 (that sum in JS),
//                             so var's dependence on mu is included.
import { fmt, fmtFixedDigits, subscript, SIG } from '../../common/bnlab-math.js';
import { notesFor } from './bnlab-notes.js';

const EPS_MACHINE = 2 ** -52;
const H_REL = 1e-5; // finite-difference step, relative to the input's scale

/** The loss's terms l_i (L = sum of them) and dL/dy_i. w: weights, t: targets. */
export function lossOf(kind, y, w, t) {
  const terms = [],
    dy = [];
  for (let i = 0; i < y.length; i++) {
    if (kind === 'sq') {
      terms.push(0.5 * y[i] * y[i]);
      dy.push(y[i]);
    } else if (kind === 'tgt') {
      const d = y[i] - (t[i] ?? 0);
      terms.push(0.5 * d * d);
      dy.push(d);
    } else {
      terms.push((w[i] ?? 0) * y[i]);
      dy.push(w[i] ?? 0);
    }
  }
  return { L: terms.reduce((a, b) => a + b, 0), terms, dy };
}

function shape(m) {
  return [m, 1, 1, 1];
}

function errorMessage(e) {
  const msg = e && e.message ? e.message : String(e);
  // without the core's internal names ("batchnorm: "): a student reads the rule only
  return msg
    .replace(/^(ConvplayError|Error):\s*/, '')
    .replace(/^(?:[a-z][a-z0-9_]*(?:::[a-z0-9_]+)*: )+/, '');
}

/** The module's forwards of the lab's layer (training mode, and inference mode for the checks). */
function forwards(engine, p) {
  const { m, gamma, beta, eps } = p;
  const trainFwd = (xs, g, b) =>
    engine.call('batchnormForward', { shape: shape(m), data: xs }, [g], [b], {
      eps,
      training: true,
    });
  const inferFwd = (xs, mean, variance, e) =>
    engine.call('batchnormForward', { shape: shape(m), data: xs }, [gamma], [beta], {
      eps: e,
      training: false,
      runningMean: [mean],
      runningVar: [variance],
    });
  return { trainFwd, inferFwd };
}

/** The forward pass, the loss and the backward pass: {f, g}; throws the module's error. */
async function forwardBackward(engine, p, trainFwd) {
  const { x, m, gamma, beta, loss, w, t } = p;
  const fwd = await trainFwd(x, gamma, beta);
  const y = Array.from(fwd.y.data),
    xhat = Array.from(fwd.xhat.data);
  const { L, terms, dy } = lossOf(loss, y, w, t);
  const bwd = await engine.call(
    'batchnormBackward',
    { shape: shape(m), data: dy },
    { shape: shape(m), data: x },
    [gamma],
    { mean: fwd.mean, var: fwd.var, rstd: fwd.rstd, xhat: { data: fwd.xhat.data } },
  );
  const g = {
    dbeta: bwd.dbeta[0],
    dgamma: bwd.dgamma[0],
    dvar: bwd.dvar[0],
    dmu: bwd.dmu[0],
    dxhat: Array.from(bwd.dxhat.data),
    dx: Array.from(bwd.dx.data),
  };
  const f = { mu: fwd.mean[0], var: fwd.var[0], rstd: fwd.rstd[0], xhat, y, L, terms, dy };
  return { f, g };
}

/**
 * Round-off of L (to judge how many digits a finite difference can resolve):
 * each y_i carries a few ulps of |gamma * xhat_i|, |beta| and |y_i|; the
 * loss adds its own terms. Only a nudge of an x_i changes the module's mean,
 * whose rounding (an ulp of max|x|) then moves every xhat by that / sigma.
 * Returns {noiseL, noiseLx (for the x_i), sigma, xmax}.
 */
function lossNoise(p, f) {
  const { x, m, gamma, beta, eps } = p;
  const { xhat, y, terms, dy } = f;
  const sigma = Math.sqrt(f.var + eps);
  const xmax = Math.max(...x.map(Math.abs));
  let noiseL = 0,
    meanRound = 0;
  for (let i = 0; i < m; i++) {
    noiseL +=
      Math.abs(terms[i]) +
      Math.abs(dy[i]) * (Math.abs(gamma * xhat[i]) + Math.abs(beta) + Math.abs(y[i]));
    meanRound += Math.abs(dy[i] * gamma);
  }
  noiseL *= 2 * EPS_MACHINE;
  const noiseLx = noiseL + (sigma > 0 ? (EPS_MACHINE * meanRound * xmax) / sigma : 0);
  return { noiseL, noiseLx, sigma, xmax };
}

/**
 * Central difference (L(p+h) - L(p-h)) / 2h; one-sided of second order,
 * (-3 L(p) + 4 L(p+h) - L(p+2h)) / 2h, where p - h is not allowed (var = 0).
 * Each is also taken with 2h: the difference of the two estimates measures
 * the error actually made (truncation and round-off), to which a bound of
 * the rounding of the L's is added; err decides how many digits are shown.
 */
async function central(p0, scale, evalAt, { noise, oneSided = false, hRel = H_REL }) {
  const h = hRel * (scale > 0 ? scale : 1);
  const est = async (hh) => {
    if (oneSided) {
      const p1 = p0 + hh,
        p2 = p0 + 2 * hh;
      const [L0, L1, L2] = await Promise.all([evalAt(p0), evalAt(p1), evalAt(p2)]);
      const d = p1 - p0; // the step actually taken
      return { value: (-3 * L0 + 4 * L1 - L2) / (2 * d), round: (8 * noise) / (2 * d) };
    }
    const pp = p0 + hh,
      pm = p0 - hh;
    const [Lp, Lm] = await Promise.all([evalAt(pp), evalAt(pm)]);
    const width = pp - pm; // the step actually taken
    return { value: (Lp - Lm) / width, round: (2 * noise) / width };
  };
  const [e1, e2] = await Promise.all([est(h), est(2 * h)]);
  const err = Math.abs(e1.value - e2.value) + e1.round + 1e-12 * Math.abs(e1.value);
  return { value: e1.value, err, h, oneSided };
}

/** The finite differences of dL/dx_i and dL/dxhat_i, into fd.dx and fd.dxhat. */
function elementDiffs(p, f, fwds, nz, fd) {
  const { x, m, gamma, beta, loss, w, t } = p;
  const Lof = (res) => lossOf(loss, Array.from(res.y.data), w, t).L;
  const xScale = nz.sigma > 0 ? nz.sigma : Math.max(1, nz.xmax);
  // Next to a huge mean, x_i +- h is itself rounded (an ulp of |x_i|) and so is
  // the mean: the step balances that round-off against the truncation, the
  // textbook h = cbrt(rounding) * scale; it is 1e-5 * sigma for ordinary inputs.
  const kappaX = 1 + (nz.sigma > 0 ? nz.xmax / nz.sigma : 0);
  const xHRel = Math.max(H_REL, Math.cbrt(EPS_MACHINE * kappaX));
  fd.dx = new Array(m);
  fd.dxhat = new Array(m);
  const jobs = [];
  for (let i = 0; i < m; i++) {
    const nudged = (arr, v) => Object.assign(arr.slice(), { [i]: v });
    const dx = central(
      x[i],
      xScale,
      async (v) => Lof(await fwds.trainFwd(nudged(x, v), gamma, beta)),
      {
        noise: nz.noiseLx,
        hRel: xHRel,
      },
    ).then((r) => {
      fd.dx[i] = {
        ...r,
        how: `module forward (training), x${subscript(i + 1)} nudged (μ, var recomputed)`,
      };
    });
    const dxhat = central(
      f.xhat[i],
      1,
      async (v) => Lof(await fwds.inferFwd(nudged(f.xhat, v), 0, 1, 0)),
      {
        noise: nz.noiseL,
      },
    ).then((r) => {
      fd.dxhat[i] = {
        ...r,
        how: `module forward (inference: mean 0, var 1, ε 0) on x̂ with x̂${subscript(i + 1)} nudged`,
      };
    });
    jobs.push(dx, dxhat);
  }
  return jobs;
}

/** The finite differences of dL/dbeta, dL/dgamma, dL/dvar and dL/dmu, into fd. */
function scalarDiffs(p, f, fwds, nz, fd) {
  const { x, m, gamma, beta, eps, loss, w, t } = p;
  const Lof = (res) => lossOf(loss, Array.from(res.y.data), w, t).L;
  const { trainFwd, inferFwd } = fwds;
  const noise = nz.noiseL;
  const variance = f.var,
    mu = f.mu;
  const varOneSided = variance < 2 * H_REL * (variance + eps); // var - h would be negative
  const varAt = (mu2) => x.reduce((a, xi) => a + (xi - mu2) * (xi - mu2), 0) / m;
  const how = {
    dbeta: 'module forward (training), β nudged',
    dgamma: 'module forward (training), γ nudged',
    dvar: `module forward (inference) with mean μ held, var nudged${varOneSided ? ' (one-sided: var cannot go below 0)' : ''}`,
    dmu: 'module forward (inference) with mean μ nudged and var(μ) = (1/m)Σ(xᵢ−μ)² recomputed in JS',
  };
  const runs = {
    dbeta: central(
      beta,
      Math.max(1, Math.abs(beta)),
      async (b) => Lof(await trainFwd(x, gamma, b)),
      { noise },
    ),
    dgamma: central(
      gamma,
      Math.max(1, Math.abs(gamma)),
      async (gm) => Lof(await trainFwd(x, gm, beta)),
      {
        noise,
      },
    ),
    dvar: central(variance, variance + eps, async (v) => Lof(await inferFwd(x, mu, v, eps)), {
      noise,
      oneSided: varOneSided,
    }),
    dmu: central(
      mu,
      nz.sigma > 0 ? nz.sigma : 1,
      async (v) => Lof(await inferFwd(x, v, varAt(v), eps)),
      {
        noise,
      },
    ),
  };
  return Object.entries(runs).map(([k, run]) =>
    run.then((r) => {
      fd[k] = { ...r, how: how[k] };
    }),
  );
}

/** Round-off of the module's own gradients (they are sums that can cancel). */
function gradientNoise(p, f, g, nz) {
  const { x, m } = p;
  const { mu, rstd, xhat, dy } = f;
  const noise = {
    dbeta: 4 * EPS_MACHINE * dy.reduce((a, v) => a + Math.abs(v), 0),
    dgamma: 4 * EPS_MACHINE * dy.reduce((a, v, i) => a + Math.abs(v * xhat[i]), 0),
    dxhat: g.dxhat.map((v) => 2 * EPS_MACHINE * Math.abs(v)),
    dvar:
      8 *
      EPS_MACHINE *
      g.dxhat.reduce((a, v, i) => a + Math.abs(v * (x[i] - mu)), 0) *
      0.5 *
      rstd ** 3,
  };
  noise.dmu =
    8 *
    EPS_MACHINE *
    (g.dxhat.reduce((a, v) => a + Math.abs(v), 0) * rstd +
      (Math.abs(g.dvar) * x.reduce((a, xi) => a + 2 * Math.abs(xi - mu), 0)) / m);
  const kappa = 1 + (nz.sigma > 0 ? nz.xmax / nz.sigma : 0); // rounding of x_i - mu, relative to sigma
  noise.dx = x.map(
    (xi, i) =>
      8 *
      EPS_MACHINE *
      kappa *
      (Math.abs(g.dxhat[i] * rstd) + Math.abs((g.dvar * 2 * (xi - mu)) / m) + Math.abs(g.dmu / m)),
  );
  return noise;
}

/**
 * Everything the lab shows. engine.call(name, ...args) -> Promise (the
 * module's API). Never throws: a failure of the module is returned as
 * {ok: false, error}.
 */
export async function runLab(engine, p) {
  const out = { ok: false, p, notes: [] };
  const fwds = forwards(engine, p);
  let f, g;
  try {
    ({ f, g } = await forwardBackward(engine, p, fwds.trainFwd));
  } catch (e) {
    out.error = errorMessage(e);
    out.notes = notesFor(p, null);
    return out;
  }
  const nz = lossNoise(p, f);
  // The finite differences; each one says how it was computed.
  const fd = {};
  try {
    await Promise.all([...scalarDiffs(p, f, fwds, nz, fd), ...elementDiffs(p, f, fwds, nz, fd)]);
  } catch (e) {
    fd.error = errorMessage(e);
  }
  Object.assign(out, { ok: true, f, g, fd, noise: gradientNoise(p, f, g, nz) });
  out.checks = checksFor(out);
  out.notes = notesFor(p, out);
  return out;
}

/** How many digits of a value v with uncertainty err can be shown (0 = none: it is round-off). */
export function digitsFor(v, err) {
  if (!(err > 0)) return SIG;
  if (v === 0 || Math.abs(v) <= err) return 0;
  return Math.max(1, Math.min(SIG, Math.floor(Math.log10(Math.abs(v) / err))));
}

/** One gradient against its finite difference: what to show and whether they agree. */
export function compare(an, anNoise, fdr) {
  const fdDigits = digitsFor(fdr.value, fdr.err);
  const anZero = Math.abs(an) <= anNoise;
  const fdZero = fdDigits === 0;
  const anText = anZero ? '0' : fmt(an);
  // All six digits: the same format as every other number; fewer: trailing zeros kept, they are meant.
  const fdText = fdZero
    ? `0 ± ${fmt(fdr.err, 1)}`
    : fdDigits === SIG
      ? fmt(fdr.value)
      : fmtFixedDigits(fdr.value, fdDigits);
  let agree, digits;
  if (fdZero) {
    agree = Math.abs(an) <= fdr.err + anNoise;
    digits = 0;
  } else {
    // Agree to the digits shown: within one unit of the last digit shown.
    const unit = 10 ** (Math.floor(Math.log10(Math.abs(fdr.value))) - fdDigits + 1);
    agree = Math.abs(an - fdr.value) <= unit;
    digits = fdDigits;
  }
  return { anText, fdText, agree, digits, anZero, fdZero };
}

function checksFor(out) {
  const { g, fd, noise, p } = out;
  const c = {};
  if (fd.error) return c;
  c.dbeta = compare(g.dbeta, noise.dbeta, fd.dbeta);
  c.dgamma = compare(g.dgamma, noise.dgamma, fd.dgamma);
  c.dvar = compare(g.dvar, noise.dvar, fd.dvar);
  c.dmu = compare(g.dmu, noise.dmu, fd.dmu);
  c.dxhat = [];
  c.dx = [];
  for (let i = 0; i < p.m; i++) {
    c.dxhat.push(compare(g.dxhat[i], noise.dxhat[i], fd.dxhat[i]));
    c.dx.push(compare(g.dx[i], noise.dx[i], fd.dx[i]));
  }
  return c;
}
