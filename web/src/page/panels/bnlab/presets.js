// The batch-norm lab's fixed texts: its examples (each a patch of the state's
// bn* rows), the title of each step of the backward pass, and how each finite
// difference is computed (worker/jobs/bnlab.js).

import { M2 } from '../../../common/lecture-steps.js';

export const PRESETS = [
  {
    id: 'lecture',
    label: 'Lecture: m = 2',
    patch: { ...M2 },
  },
  {
    id: 'five',
    label: 'Five values',
    patch: {
      bnx: [0.5, -1, 2, 3.5, 0],
      bngamma: 1.5,
      bnbeta: -0.25,
      bneps: '1e-5',
      bnloss: 'tgt',
      bnw: [1, -1, 0.5, 2, 0],
      bnt: [1, 0, -1, 2, 0.5],
    },
  },
  {
    id: 'm1',
    label: 'm = 1',
    patch: { bnx: [2], bngamma: 2, bnbeta: 0.5, bneps: '1e-5', bnloss: 'lin', bnw: [1], bnt: [0] },
  },
  {
    id: 'equal',
    label: 'Equal inputs, ε = 0',
    patch: { ...M2, bnx: [2, 2] },
  },
  {
    id: 'huge',
    label: 'Huge mean',
    patch: {
      bnx: [1000000.1, 1000000.2, 1000000.4],
      bngamma: 2,
      bnbeta: 0.5,
      bneps: '1e-5',
      bnloss: 'sq',
      bnw: [1, -2, 1],
      bnt: [0, 0, 0],
    },
  },
];

export const STEP_TITLES = {
  dbeta: '∂L/∂β: β feeds every yᵢ with ∂yᵢ/∂β = 1, so it sums ∂L/∂yᵢ over the edges β → yᵢ.',
  dgamma: '∂L/∂γ: γ feeds every yᵢ with ∂yᵢ/∂γ = x̂ᵢ, so it sums ∂L/∂yᵢ·x̂ᵢ over the edges γ → yᵢ.',
  dxhat: '∂L/∂x̂ᵢ: each x̂ᵢ feeds only yᵢ (∂yᵢ/∂x̂ᵢ = γ): one edge each.',
  dvar: '∂L/∂var: var feeds every x̂ᵢ, with ∂x̂ᵢ/∂var = (xᵢ − μ)·(−1/2)·(var + ε)^(−3/2): sum over var → x̂ᵢ.',
  dmu: '∂L/∂μ: μ feeds every x̂ᵢ and var itself: sum over μ → x̂ᵢ plus the edge μ → var.',
  dx: '∂L/∂xᵢ: each xᵢ feeds x̂ᵢ, var and μ: three edges, three terms (∂μ/∂xᵢ = 1/m).',
};

export const FD_METHOD = {
  dbeta: 'module · training forward',
  dgamma: 'module · training forward',
  dxhat: 'module · inference forward (mean 0, var 1, ε 0)',
  dvar: 'module · inference forward (μ held)',
  dmu: 'module · inference forward + var(μ) in JS',
  dx: 'module · training forward',
};
