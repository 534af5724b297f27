// The batch-norm lab's notes: short explanations of the case on screen (m = 1,
// equal inputs, m = 2, a huge mean, the sum of dL/dx), from the lab's answer.
import { fmt } from '../../common/bnlab-math.js';

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
