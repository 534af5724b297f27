// The batch-norm lab's numbers: the lecture's graph (README §1) forward and
// backward through the module, plus a central finite-difference check of
// every gradient, plus the notes that explain the edge cases.
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

export const STEPS = ['dbeta', 'dgamma', 'dxhat', 'dvar', 'dmu', 'dx'];
export const MAX_M = 16;
export const SIG = 6; // significant digits shown
const EPS_MACHINE = 2 ** -52;
const H_REL = 1e-5; // finite-difference step, relative to the input's scale

// ---- formatting -----------------------------------------------------------

/** v with at most `sig` significant digits, trailing zeros dropped ("2", "-0.999995", "3e-5"). */
export function fmt(v, sig = SIG) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  let s;
  if (a >= 1e-4 && a < 1e7) {
    s = v.toPrecision(sig);
    if (s.includes('e')) s = String(Number(s)); // e.g. 1e+6 from toPrecision
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  } else {
    s = v.toExponential(sig - 1);
    s = s.replace(/\.?0+e/, 'e').replace('e+', 'e');
  }
  return s === '-0' ? '0' : s;
}

/** Like fmt but keeps the trailing zeros: the digits shown are the digits meant. */
export function fmtFixedDigits(v, sig) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e7) {
    const s = v.toPrecision(sig);
    return s.includes('e') ? v.toExponential(sig - 1).replace('e+', 'e') : s;
  }
  return v.toExponential(sig - 1).replace('e+', 'e');
}

/** A number inside a substituted formula: negatives in parentheses. */
export function sub(v) {
  const s = fmt(v);
  return v < 0 ? `(${s})` : s;
}

/**
 * Significant digits for the inputs x_i and for mu: 6 digits of the deviations
 * x_i - mu, so 1000000.1 is not shown as 1000000 next to a spread of 0.1.
 */
export function xDigits(x, spread) {
  const xmax = Math.max(...x.map(Math.abs));
  if (!(spread > 0) || !(xmax > 0)) return SIG;
  return Math.max(SIG, Math.min(15, SIG + Math.ceil(Math.log10(xmax / spread))));
}

/** Subscript digits for index i (1-based on screen). */
export function subscript(i) {
  return String(i).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[d]);
}

// ---- the loss -------------------------------------------------------------

export const LOSSES = {
  lin: {
    label: 'L = Σ wᵢ·yᵢ  (then ∂L/∂yᵢ = wᵢ: set the upstream gradient directly)',
    short: 'L = Σ wᵢ·yᵢ',
  },
  sq: { label: 'L = ½ Σ yᵢ²  (∂L/∂yᵢ = yᵢ)', short: 'L = ½ Σ yᵢ²' },
  tgt: { label: 'L = ½ Σ (yᵢ − tᵢ)²  (∂L/∂yᵢ = yᵢ − tᵢ)', short: 'L = ½ Σ (yᵢ − tᵢ)²' },
};

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

// ---- parsing the learner's input -------------------------------------------

/** "1, 3, -2.5" -> {values} or {error}. */
export function parseList(text, { min = 1, max = MAX_M, what = 'values' } = {}) {
  const parts = String(text)
    .split(/[\s,;]+/)
    .filter((p) => p !== '');
  if (parts.length < min) return { error: `give at least ${min} ${what}` };
  if (parts.length > max) return { error: `at most ${max} ${what}` };
  const values = [];
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isFinite(v)) return { error: `“${p}” is not a number` };
    values.push(v);
  }
  return { values };
}

/** The lab's parameters from the state, with lists fitted to m. */
export function paramsFromState(s) {
  const x = (s.bnx && s.bnx.length ? s.bnx : [1, 3]).slice(0, MAX_M);
  const m = x.length;
  const fit = (arr) =>
    Array.from({ length: m }, (_, i) => (arr && Number.isFinite(arr[i]) ? arr[i] : 0));
  const eps = Number(s.bneps);
  return {
    x,
    m,
    gamma: s.bngamma,
    beta: s.bnbeta,
    eps: Number.isFinite(eps) ? eps : NaN,
    epsText: s.bneps,
    loss: s.bnloss,
    w: fit(s.bnw),
    t: fit(s.bnt),
  };
}

// ---- running it -------------------------------------------------------------

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

/**
 * Everything the lab shows. engine.call(name, ...args) -> Promise (the
 * module's API). Never throws: a failure of the module is returned as
 * {ok: false, error}.
 */
export async function runLab(engine, p) {
  const { x, m, gamma, beta, eps, loss, w, t } = p;
  const out = { ok: false, p, notes: [] };
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

  let fwd, bwd;
  try {
    fwd = await trainFwd(x, gamma, beta);
  } catch (e) {
    out.error = errorMessage(e);
    out.notes = notesFor(p, null);
    return out;
  }
  const y = Array.from(fwd.y.data),
    xhat = Array.from(fwd.xhat.data);
  const mu = fwd.mean[0],
    variance = fwd.var[0],
    rstd = fwd.rstd[0];
  const { L, terms, dy } = lossOf(loss, y, w, t);
  try {
    bwd = await engine.call(
      'batchnormBackward',
      { shape: shape(m), data: dy },
      { shape: shape(m), data: x },
      [gamma],
      { mean: fwd.mean, var: fwd.var, rstd: fwd.rstd, xhat: { data: fwd.xhat.data } },
    );
  } catch (e) {
    out.error = errorMessage(e);
    out.notes = notesFor(p, null);
    return out;
  }
  const g = {
    dbeta: bwd.dbeta[0],
    dgamma: bwd.dgamma[0],
    dvar: bwd.dvar[0],
    dmu: bwd.dmu[0],
    dxhat: Array.from(bwd.dxhat.data),
    dx: Array.from(bwd.dx.data),
  };
  const f = { mu, var: variance, rstd, xhat, y, L, terms, dy };

  // Round-off of L (to judge how many digits a finite difference can resolve):
  // each y_i carries a few ulps of |gamma * xhat_i|, |beta| and |y_i|; the
  // loss adds its own terms. Only a nudge of an x_i changes the module's mean,
  // whose rounding (an ulp of max|x|) then moves every xhat by that / sigma.
  const sigma = Math.sqrt(variance + eps);
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

  const Lof = (res) => lossOf(loss, Array.from(res.y.data), w, t).L;
  // Central difference (L(p+h) - L(p-h)) / 2h; one-sided of second order,
  // (-3 L(p) + 4 L(p+h) - L(p+2h)) / 2h, where p - h is not allowed (var = 0).
  // Each is also taken with 2h: the difference of the two estimates measures
  // the error actually made (truncation and round-off), to which a bound of
  // the rounding of the L's is added; err decides how many digits are shown.
  const central = async (
    p0,
    scale,
    evalAt,
    { noise = noiseL, oneSided = false, hRel = H_REL } = {},
  ) => {
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
  };

  // The finite differences; each one says how it was computed.
  const fd = {};
  const jobs = [];
  jobs.push(
    central(beta, Math.max(1, Math.abs(beta)), async (b) => Lof(await trainFwd(x, gamma, b))).then(
      (r) => {
        fd.dbeta = { ...r, how: 'module forward (training), β nudged' };
      },
    ),
  );
  jobs.push(
    central(gamma, Math.max(1, Math.abs(gamma)), async (gm) =>
      Lof(await trainFwd(x, gm, beta)),
    ).then((r) => {
      fd.dgamma = { ...r, how: 'module forward (training), γ nudged' };
    }),
  );
  fd.dx = new Array(m);
  fd.dxhat = new Array(m);
  const xScale = sigma > 0 ? sigma : Math.max(1, xmax);
  // Next to a huge mean, x_i +- h is itself rounded (an ulp of |x_i|) and so is
  // the mean: the step balances that round-off against the truncation, the
  // textbook h = cbrt(rounding) * scale; it is 1e-5 * sigma for ordinary inputs.
  const kappaX = 1 + (sigma > 0 ? xmax / sigma : 0);
  const xHRel = Math.max(H_REL, Math.cbrt(EPS_MACHINE * kappaX));
  for (let i = 0; i < m; i++) {
    jobs.push(
      central(
        x[i],
        xScale,
        async (v) => {
          const xs = x.slice();
          xs[i] = v;
          return Lof(await trainFwd(xs, gamma, beta));
        },
        { noise: noiseLx, hRel: xHRel },
      ).then((r) => {
        fd.dx[i] = {
          ...r,
          how: `module forward (training), x${subscript(i + 1)} nudged (μ, var recomputed)`,
        };
      }),
    );
    jobs.push(
      central(xhat[i], 1, async (v) => {
        const xs = xhat.slice();
        xs[i] = v;
        return Lof(await inferFwd(xs, 0, 1, 0));
      }).then((r) => {
        fd.dxhat[i] = {
          ...r,
          how: `module forward (inference: mean 0, var 1, ε 0) on x̂ with x̂${subscript(i + 1)} nudged`,
        };
      }),
    );
  }
  const varOneSided = variance < 2 * H_REL * (variance + eps); // var - h would be negative
  jobs.push(
    central(variance, variance + eps, async (v) => Lof(await inferFwd(x, mu, v, eps)), {
      oneSided: varOneSided,
    }).then((r) => {
      fd.dvar = {
        ...r,
        how: `module forward (inference) with mean μ held, var nudged${varOneSided ? ' (one-sided: var cannot go below 0)' : ''}`,
      };
    }),
  );
  const varAt = (mu2) => x.reduce((a, xi) => a + (xi - mu2) * (xi - mu2), 0) / m;
  jobs.push(
    central(mu, sigma > 0 ? sigma : 1, async (v) => Lof(await inferFwd(x, v, varAt(v), eps))).then(
      (r) => {
        fd.dmu = {
          ...r,
          how: 'module forward (inference) with mean μ nudged and var(μ) = (1/m)Σ(xᵢ−μ)² recomputed in JS',
        };
      },
    ),
  );
  try {
    await Promise.all(jobs);
  } catch (e) {
    fd.error = errorMessage(e);
  }

  // Round-off of the module's own gradients (they are sums that can cancel).
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
  const kappa = 1 + (sigma > 0 ? xmax / sigma : 0); // rounding of x_i - mu, relative to sigma
  noise.dx = x.map(
    (xi, i) =>
      8 *
      EPS_MACHINE *
      kappa *
      (Math.abs(g.dxhat[i] * rstd) + Math.abs((g.dvar * 2 * (xi - mu)) / m) + Math.abs(g.dmu / m)),
  );

  Object.assign(out, { ok: true, f, g, fd, noise });
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

function xmaxOf(x) {
  return Math.max(...x.map(Math.abs));
}
/** The spacing of doubles next to v. */
function ulpOf(v) {
  return v === 0 ? Number.MIN_VALUE : 2 ** (Math.floor(Math.log2(Math.abs(v))) - 52);
}

// ---- the notes ----------------------------------------------------------------

/** Short explanations of the case on screen. res: runLab's result or null after an error. */
export function notesFor(p, res) {
  const { x, m, eps, gamma } = p;
  const notes = [];
  const mean = x.reduce((a, b) => a + b, 0) / m;
  const allEqual = x.every((v) => v === x[0]);
  if (!res) {
    if (allEqual && eps === 0) {
      notes.push({
        id: 'eps0',
        kind: 'error',
        text:
          m === 1
            ? 'm = 1 and ε = 0: var = 0, so x̂ = 0/√0 = 0/0. The module refuses to divide 0 by 0. ' +
              'This is what ε is for: with ε > 0, x̂ = 0 and every gradient is finite.'
            : 'All inputs are equal and ε = 0: var = 0, so x̂ᵢ = (xᵢ − μ)/√(var + ε) = 0/0. ' +
              'The module refuses to divide 0 by 0. This is what ε is for: any ε > 0 makes it finite.',
      });
    }
    return notes;
  }
  const { f, g } = res;
  if (m === 1) {
    notes.push({
      id: 'm1',
      kind: 'insight',
      text:
        `m = 1: μ = x₁ and var = 0, so x̂₁ = 0/√ε = 0 and y₁ = β whatever x₁ is. ` +
        `Nothing flows back: ∂L/∂x₁ = 0 — although ∂L/∂x̂₁ = ${fmt(g.dxhat[0])} and ∂L/∂μ = ${fmt(g.dmu)} are not 0: ` +
        `the paths x₁ → x̂₁ and x₁ → μ cancel exactly (∂L/∂x̂₁/√ε + ∂L/∂μ/1 = 0). A batch of one carries no ` +
        `information through batch norm (PyTorch refuses to train with one value per channel).`,
    });
  } else if (allEqual) {
    notes.push({
      id: 'equal',
      kind: 'insight',
      text:
        `All inputs are equal: var = 0, so every x̂ᵢ = 0 and y = β. But the gradient is not small: ` +
        `∂L/∂xᵢ = γ/√ε·(∂L/∂yᵢ − mean ∂L/∂y), and γ/√ε = ${fmt(gamma / Math.sqrt(eps))} here — a tiny ` +
        `difference between the inputs would be blown up by 1/√ε.`,
    });
  }
  if (m === 2 && !allEqual) {
    const a = Math.abs(f.xhat[0]);
    notes.push({
      id: 'm2',
      kind: 'insight',
      needs: 'dx',
      text:
        `m = 2 (the lecture's case): x̂ = ∓√(var/(var + ε)) = ∓${fmt(a)} whatever x₁ and x₂ are — ` +
        `with two points, normalisation keeps nothing but their order, so y does not depend on x up to ` +
        `shift and scale. Hence ∂L/∂x ≈ 0 for any ∂L/∂y: here ∂L/∂x₁ = γ·(∂L/∂y₁ − ∂L/∂y₂)/(2√(var + ε))` +
        `·ε/(var + ε) = ${fmt(g.dx[0])}, exactly 0 when ε = 0. Not a bug: a real property of batch norm ` +
        `on two values.`,
    });
  }
  const spread = Math.sqrt(f.var);
  if (m > 1 && spread > 0 && Math.abs(mean) / spread >= 1e4) {
    const naive = x.reduce((a, v) => a + v * v, 0) / m - mean * mean;
    const f32 = Math.fround(x[0]);
    notes.push({
      id: 'hugemean',
      kind: 'insight',
      text:
        `Huge mean: μ = ${fmt(f.mu, 10)} but the spread is only ${fmt(spread)}. The core subtracts μ ` +
        `before squaring (two-pass variance, in double), so var = ${fmt(f.var)} and x̂ stay accurate. ` +
        `The one-pass formula E[x²] − μ² would give ${fmt(naive)} (in double, computed here in JS), ` +
        `and float32 would store x₁ = ${fmt(x[0], 12)} as ${fmt(f32, 12)}. The finite differences for xᵢ ` +
        `resolve fewer digits here: x₁ ± h is itself rounded to a multiple of ${fmt(ulpOf(xmaxOf(x)), 3)}.`,
    });
  }
  if (m > 1) {
    const sdx = g.dx.reduce((a, b) => a + b, 0);
    const noise = res.noise.dx.reduce((a, b) => a + b, 0);
    notes.push({
      id: 'sums',
      kind: 'check',
      needs: 'dx',
      text:
        `Σ ∂L/∂xᵢ = ${fmt(Math.abs(sdx) <= noise ? 0 : sdx)} — always 0, because adding the same ` +
        `number to every xᵢ moves μ with them and changes nothing after it.`,
    });
  }
  return notes;
}
