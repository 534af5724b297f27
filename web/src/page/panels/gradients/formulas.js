// The gradients panel's formula text: the loss and dL/do, the convolution's
// backward pass, the notes on the case shown, and the batch-norm layer's
// formulas. Pure functions of a gradient result g (worker/jobs/gradients.js,
// with the page's pixel, loss_kind, bnOn) and the state it was computed with.
import { PRESET_LABELS } from '../../../common/filters.js';
import { fmt } from '../../render.js';

/** [L, dL/do] for the loss g was computed with. */
function lossPair(g, s) {
  const p = g.pixel;
  const N = g.outShape[0];
  const sub = N > 1 ? 'n,k,i,j' : 'k,i,j';
  const of1 = N > 1 ? ' of image 1' : '';
  switch (g.loss_kind) {
    case 'sq':
      return [`L = ½ Σ_{${sub}} o[k](i, j)²`, 'dL/do[k](i, j) = o[k](i, j)'];
    case 'pixel':
      return [
        `L = o[${p.k + 1}](${p.y}, ${p.x})${of1}`,
        `dL/do = 1 at map ${p.k + 1}, row ${p.y}, column ${p.x}${of1}; 0 everywhere else`,
      ];
    case 'target':
      return [
        `L = ½ Σ_{${sub}} (o[k](i, j) − t[k](i, j))²,  t = X ∗ ${PRESET_LABELS[s.gt]}`,
        'dL/do[k](i, j) = o[k](i, j) − t[k](i, j)',
      ];
    default:
      return [`L = Σ_{${sub}} o[k](i, j)`, 'dL/do[k](i, j) = 1 for every output'];
  }
}

/** The convolution's forward and backward formulas (true convolution: the kernel flipped). */
function convLines(g, s) {
  const N = g.outShape[0];
  const n = N > 1 ? 'n,' : '';
  const flip = s.mode === 'conv';
  const wIdx = flip ? 'W(k, c, F1−1−a, F2−1−b)' : 'W(k, c, a, b)';
  const routed =
    s.pad === 'zero'
      ? ' (taps on the zero padding send nothing back)'
      : `, or the ${s.pad} padding's source pixel (its gradient is routed back there)`;
  return [
    `y[k](i, j) = b_k + Σ_{c,a,b} Xpad(c, i·S + a·D, j·S + b·D) · ${wIdx}${flip ? '   (true convolution: the kernel flipped)' : ''}`,
    `dL/d${wIdx} = Σ_{${n}i,j} dL/dy[k](i, j) · Xpad(c, i·S + a·D, j·S + b·D)`,
    `dL/db_k = Σ_{${n}i,j} dL/dy[k](i, j)`,
    `dL/dX(c, u, v) = Σ dL/dy[k](i, j) · ${wIdx}  over every (k, i, j, a, b) whose padded pixel (i·S + a·D, j·S + b·D) reads X(c, u, v): u = i·S − P + a·D inside the image${routed}`,
  ];
}

/** Every formula line of the result g; s: the state it was computed with (its gt the job's). */
export function formulaLines(g, s) {
  const N = g.outShape[0];
  const [L, dL] = lossPair(g, s);
  const lines = [`${g.bnOn ? 'o = BN(y)' : 'o = y'}:  ${L}`, dL];
  if (N > 1)
    lines.push(
      `n runs over the batch's N = ${N} images (each image's output maps o[k] are summed); dL/dW and dL/db add up every image's contributions.`,
    );
  if (g.bnOn)
    lines.push("dL/dy = batch norm's backward dL/dx (below), then through the convolution:");
  return lines.concat(convLines(g, s));
}

/** The notes on the case shown (batch norm's effect on the loss chosen). */
export function formulaNotes(g) {
  const notes = [];
  if (!g.bnOn) return notes;
  const N = g.outShape[0];
  if (g.loss_kind === 'sum')
    notes.push(
      'With batch norm, Σ o = Σ (γ x̂ + β) = m β per map whatever W is (Σ x̂ = 0): dL/dy and dL/dW are zero.',
    );
  if (g.loss_kind === 'pixel')
    notes.push(
      `With batch norm, one output pixel depends on every pixel of its map (through μ and σ²)${N > 1 ? ', in every image of the batch' : ''}: dL/dy is no longer one spike, so the whole image lights up.`,
    );
  notes.push(
    'dL/db is zero with batch norm: adding b to a whole map moves its mean by b and x̂ not at all.',
  );
  return notes;
}

/** The batch-norm layer's formulas, for g's shape [N, K, H2, W2] and the eps it used. */
export function bnFormulaLines(g) {
  const [N, , h2, w2] = g.outShape;
  const m = N * h2 * w2;
  return [
    N > 1
      ? `m = N · H2 · W2 = ${N} · ${h2} · ${w2} = ${m} values per map (over the batch)`
      : `m = H2 · W2 = ${h2} · ${w2} = ${m} values per map`,
    `μ = (1/m) Σ_i y_i,   σ² = (1/m) Σ_i (y_i − μ)²,   x̂_i = (y_i − μ) / √(σ² + ε),   o_i = γ · x̂_i + β   (ε = ${fmt(g.eps, 1)})`,
    'dL/dβ = Σ_i dL/do_i,   dL/dγ = Σ_i dL/do_i · x̂_i,   dL/dx̂_i = dL/do_i · γ',
    'dL/dσ² = Σ_i dL/dx̂_i · (y_i − μ) · (−½)(σ² + ε)^(−3/2),   dL/dμ = Σ_i dL/dx̂_i · (−1/√(σ² + ε)) + dL/dσ² · (1/m) Σ_i −2(y_i − μ)',
    'dL/dy_i = dL/dx̂_i / √(σ² + ε) + dL/dσ² · 2(y_i − μ)/m + dL/dμ / m',
  ];
}
