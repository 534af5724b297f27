// The lecture's opening exercise — back-propagation through batch normalization —
// as the first steps of lecture mode (panels/lecture.js). gradients.js adds them
// at the front with lecture.js's addSteps(). They switch the view to the
// batch-norm lab (web/src/bnlab, section #bnlab) through its state rows
// (bnx, bngamma, bnbeta, bneps, bnloss, bnw, bnmode, bnstep).

// the lecture's m = 2 case (the lab's "Lecture: m = 2" preset)
const M2 = { bnx: [1, 3], bngamma: 2, bnbeta: 0.5, bneps: '1e-5', bnloss: 'lin', bnw: [1, -2], bnt: [0, 0] };

export const BN_LECTURE_STEPS = [
  {
    id: 'bn-graph',
    title: 'Batch normalization, forward: its computational graph',
    text: [
      'The lecture opens with an exercise: back-propagate through batch normalization. Over a mini-batch x_1 … x_m of one activation, the block computes the mean, the (biased) variance, the normalized x̂_i, and y_i = γ x̂_i + β.',
      'The lab below draws this as a graph — x_i → μ, σ² → x̂_i → y_i, with γ and β, and the loss L at the end — with every forward value on its node. Edit the mini-batch, γ, β or ε and watch the numbers change.',
    ],
    formula: [
      'μ = (1/m) Σ_i x_i,   σ² = (1/m) Σ_i (x_i − μ)²',
      'x̂_i = (x_i − μ) / √(σ² + ε),   y_i = γ · x̂_i + β',
    ],
    patch: { ...M2, bnmode: 'all', bnstep: 0 },
    focus: 'bnlab',
  },
  {
    id: 'bn-backward',
    title: 'Batch normalization, backward: one node at a time',
    text: [
      'Any differentiable block is handled the same way: work the chain rule through every node of its graph, from L back to the inputs. Step through the lab\'s backward pass: it reveals dL/dβ, dL/dγ, dL/dx̂, dL/dσ², dL/dμ and dL/dx in the lecture\'s order, highlighting the edges each one sums over.',
      'Beside every gradient, a finite-difference estimate (nudge that input, recompute L) agrees with it to the digits shown.',
    ],
    formula: [
      'dL/dβ = Σ_i dL/dy_i,   dL/dγ = Σ_i dL/dy_i · x̂_i,   dL/dx̂_i = dL/dy_i · γ',
      'dL/dσ² = Σ_i dL/dx̂_i · (x_i − μ) · (−½)(σ² + ε)^(−3/2)',
      'dL/dμ = Σ_i dL/dx̂_i · (−1/√(σ² + ε)) + dL/dσ² · (1/m) Σ_i −2(x_i − μ)',
      'dL/dx_i = dL/dx̂_i / √(σ² + ε) + dL/dσ² · 2(x_i − μ)/m + dL/dμ / m',
    ],
    patch: { ...M2, bnmode: 'step', bnstep: 0 },
    focus: 'bnlab',
  },
  {
    id: 'bn-m2',
    title: 'The lecture\'s m = 2: dL/dx is almost zero',
    text: [
      'With two values, x̂_1 and x̂_2 are −1 and +1 (up to ε) whatever x_1 and x_2 are, so the output cannot depend on them: dL/dx_i is almost zero whatever dL/dy is, and dμ/dx_1 = 1/2.',
      'That is a real property of batch norm on a batch of two, not a bug: the lab shows it with the lecture\'s numbers. Try more values to see the gradient come back.',
    ],
    formula: ['m = 2:  x̂_{1,2} = ∓ |x_1 − x_2| / √((x_1 − x_2)² + 4ε)  ≈ ∓1'],
    patch: { ...M2, bnmode: 'all', bnstep: 0 },
    focus: 'bnlab',
  },
];
