// How each number of the lab is computed (a closed <details> under the tables).

/** h: the lab's element builder. */
export function howDetails(h) {
  return h(
    'details',
    { class: 'bn-how' },
    h('summary', { text: 'How each number is computed' }),
    h(
      'ul',
      {},
      h('li', {
        text: 'μ, var, x̂ᵢ, yᵢ: the module’s batchnormForward (training mode, double precision), shape [m, 1, 1, 1].',
      }),
      h('li', {
        text: 'L and ∂L/∂yᵢ: this page, from the module’s yᵢ and the loss you chose (the loss is not part of the core).',
      }),
      h('li', {
        text: 'Every gradient: the module’s batchnormBackward, with the formulas shown (the core’s batchnorm_backward).',
      }),
      h('li', {
        text: 'Finite differences: (L(p + h) − L(p − h)) / 2h with h = 10⁻⁵ × the input’s scale (1 for β, γ, x̂; σ = √(var + ε) for x and μ; var + ε for var), every L from the module’s forward again. β, γ, xᵢ: the training forward with that input nudged (μ and var recomputed). x̂ᵢ: the inference forward with mean 0, var 1, ε 0, which computes y = γ·x̂ + β from a nudged x̂. var: the inference forward with mean = μ held and var nudged (one-sided, second order, when var = 0). μ: the inference forward with mean = μ ± h and var(μ) = (1/m)Σ(xᵢ − μ)² recomputed in JS, so var’s dependence on μ is included — the total derivative of the lecture.',
      }),
      h('li', {
        text: 'Digits: every number has at most 6 significant digits. A finite difference shows only the digits it can resolve: it is also taken with 2h, and the difference of the two, plus the rounding of L, bounds its error. “✓” means the module’s gradient agrees with it to the last digit shown (within one unit). A value below the rounding of its own terms is shown as 0.',
      }),
    ),
  );
}
