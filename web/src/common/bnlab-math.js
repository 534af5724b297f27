// The batch-norm lab's pure parts, used by the page (panels/bnlab/) and the
// worker's 'bnlab' job (worker/jobs/bnlab.js): the steps of the backward
// pass, the number formats, the losses' labels, and the parsing of the
// learner's input into the job's parameters. The lab's numbers themselves
// (forward, backward, finite differences, notes) are computed in the worker.

export const STEPS = ['dbeta', 'dgamma', 'dxhat', 'dvar', 'dmu', 'dx'];
export const MAX_M = 16;
export const SIG = 6; // significant digits shown

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
