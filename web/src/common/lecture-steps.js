// The lecture, step by step: every step of lecture mode as data. A step is
//   { id, title, text: [sentences], formula?: [lines], patch: {state fields},
//     expect?: { input: [W, H, D], output: [W, H, D], where?: 'layer' | 'alexnet' },
//     focus?: the panel to bring into view, run?: what that panel starts ('compare') }
// `id` is at most 16 characters of [A-Za-z0-9_.-] (it is the `lstep` field).
// A step's patch is the base of the URL hash (state.js): `#lstep=sobel` alone
// opens that step as prepared, and its links carry only what differs from it.
// This file imports nothing: state.js reads it.

// AlexNet's first layer (the AlexNet panel and its lecture step)
export const ALEX = { size: 227, D1: 3, F: 11, K: 96, S: 4, P: 0, paper: 224 };

/** The state patch of the preset (the page's layer set to AlexNet's first layer). */
export const ALEX_PATCH = {
  size: ALEX.size,
  fit: 'square',
  grey: false,
  f: ALEX.F,
  fsep: false,
  p: ALEX.P,
  pad: 'zero',
  s: ALEX.S,
  ssep: false,
  dil: 1,
  k: 16,
  filters: ['random'],
  mode: 'xcorr',
  alex: true,
  batch: 1, // one image: the exercise is about one 227 x 227 x 3 input
  sn: 11, // the step-through's largest input: the 11 x 11 window fits it once
};

/** True when state s holds the exercise with the page's layer set to AlexNet's numbers. */
export function isAlexLayer(s) {
  return (
    s.alex &&
    s.f === ALEX.F &&
    !s.fsep &&
    s.s === ALEX.S &&
    !s.ssep &&
    s.p === ALEX.P &&
    s.dil === 1 &&
    !s.grey &&
    s.size === ALEX.size &&
    s.fit === 'square'
  );
}

// the lecture's m = 2 case (also the batch-norm lab's "Lecture: m = 2" preset)
export const M2 = {
  bnx: [1, 3],
  bngamma: 2,
  bnbeta: 0.5,
  bneps: '0',
  bnloss: 'lin',
  bnw: [1, -2],
  bnt: [0, 0],
};

const BN_STEPS = [
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
      "Any differentiable block is handled the same way: work the chain rule through every node of its graph, from L back to the inputs. Step through the lab's backward pass: it reveals dL/dβ, dL/dγ, dL/dx̂, dL/dσ², dL/dμ and dL/dx in the lecture's order, highlighting the edges each one sums over.",
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
    title: "The lecture's m = 2: dL/dx is almost zero",
    text: [
      'With two values, x̂_1 and x̂_2 are −1 and +1 (up to ε) whatever x_1 and x_2 are, so the output cannot depend on them: dL/dx_i is almost zero whatever dL/dy is, and dμ/dx_1 = 1/2.',
      "That is a real property of batch norm on a batch of two, not a bug: the lab shows it with the lecture's numbers. Try more values to see the gradient come back.",
    ],
    formula: ['m = 2:  x̂_{1,2} = ∓ |x_1 − x_2| / √((x_1 − x_2)² + 4ε)  ≈ ∓1'],
    patch: { ...M2, bnmode: 'all', bnstep: 0 },
    focus: 'bnlab',
  },
];

const grey128 = { img: 'chelsea', size: 128, fit: 'square', grey: true, p: 1, f: 3, s: 1, k: 1 };
const tiny = {
  img: 'circle',
  size: 7,
  fit: 'square',
  grey: true,
  k: 1,
  filters: ['box'],
  sn: 7,
  sin: 'grid',
  sk: 'ints',
};

const LAYER_STEPS = [
  {
    id: 'sobel',
    title: '2D convolution of a grey image with a Sobel filter',
    text: [
      'A grey image is a 2D array X. A 3 × 3 filter W slides over it; at each pixel the output is the sum of the nine products of the filter with the pixels under it.',
      'The Sobel x filter responds to vertical edges: red where the image gets brighter from left to right, blue where it gets darker. With P = 1 the 128 × 128 image gives a 128 × 128 feature map.',
    ],
    formula: [
      'Y(i, j) = Σa Σb X(i + a, j + b) · W(⌊F/2⌋ + a, ⌊F/2⌋ + b),   a, b = -⌊F/2⌋ … ⌊F/2⌋   (cross-correlation)',
    ],
    patch: { ...grey128, filters: ['sobelx'], mode: 'xcorr' },
    expect: { input: [128, 128, 1], output: [128, 128, 1] },
    focus: 'volume',
  },
  {
    id: 'flip',
    title: 'The kernel centred and flipped: true convolution vs cross-correlation',
    text: [
      'The lecture centres the kernel on the pixel of interest and reads the image backwards, X(i - a, j - b): that is true convolution, the same as rotating the kernel 180° before sliding it.',
      'Sobel x rotated 180° is minus Sobel x, so the colours of the map swap. Deep-learning libraries compute cross-correlation (no flip) and still call it convolution; a learned filter simply comes out flipped. The step-through below shows the flipped weights.',
    ],
    formula: [
      'Y(i, j) = Σa Σb X(i - a, j - b) · W(⌊K1/2⌋ + a, ⌊K2/2⌋ + b),   a = -⌊K1/2⌋ … ⌊K1/2⌋,  b = -⌊K2/2⌋ … ⌊K2/2⌋',
    ],
    patch: { ...grey128, filters: ['sobelx'], mode: 'conv', sk: 'layer' },
    expect: { input: [128, 128, 1], output: [128, 128, 1] },
    focus: 'volume',
  },
  {
    id: 'rgb',
    title: 'A 3D filter on an RGB image gives one 2D feature map',
    text: [
      "A colour image is a volume W1 × H1 × D1 with D1 = 3. A filter is a volume F × F × D1: its depth always equals the input's, so it slides only along height and width.",
      'Each placement multiplies 3 × 3 × 3 = 27 numbers and sums them into one scalar, so one filter gives one 2D map: 128 × 128 × 3 in, 128 × 128 × 1 out.',
    ],
    patch: { ...grey128, grey: false, filters: ['sobelx'], mode: 'xcorr' },
    expect: { input: [128, 128, 3], output: [128, 128, 1] },
    focus: 'volume',
  },
  {
    id: 'kfilters',
    title: 'K filters give an output volume of depth K',
    text: [
      'Run K filters (here Sobel x, Sobel y, a Gaussian blur and a sharpen filter) and stack their K feature maps: the output is a volume of depth D2 = K.',
      'The input 128 × 128 × 3 gives 128 × 128 × 4. Weights: F·F·D1·K + K = 3·3·3·4 + 4 = 112 parameters.',
    ],
    patch: {
      ...grey128,
      grey: false,
      k: 4,
      filters: ['sobelx', 'sobely', 'gauss', 'sharpen'],
      mode: 'xcorr',
    },
    expect: { input: [128, 128, 3], output: [128, 128, 4] },
    focus: 'volume',
  },
  {
    id: 'nopad',
    title: 'No padding: 7 × 7 with a 5 × 5 kernel gives 3 × 3',
    text: [
      'Without padding the kernel cannot be centred on the border pixels, so the output shrinks: W2 = W1 - F + 1.',
      'A 7 × 7 input with a 5 × 5 kernel gives 7 - 5 + 1 = 3: a 3 × 3 output. Step through it below.',
    ],
    formula: ['W2 = W1 - F + 1 = 7 - 5 + 1 = 3'],
    patch: { ...tiny, f: 5, p: 0, s: 1 },
    expect: { input: [7, 7, 1], output: [3, 3, 1] },
    focus: 'stepper',
  },
  {
    id: 'pad',
    title: 'Padding P = 1 keeps 7 × 7 with a 3 × 3 kernel',
    text: [
      'Zero padding adds P rows and columns of zeros on every side, so the kernel can be centred on the border pixels: W2 = W1 - F + 2P + 1.',
      'A 7 × 7 input padded to 9 × 9, with a 3 × 3 kernel, gives 7 - 3 + 2 + 1 = 7: the output stays 7 × 7. Try the other padding modes (replicate, reflect, circular) from week 1.',
    ],
    formula: ['W2 = W1 - F + 2P + 1 = 7 - 3 + 2*1 + 1 = 7'],
    patch: { ...tiny, f: 3, p: 1, s: 1 },
    expect: { input: [7, 7, 1], output: [7, 7, 1] },
    focus: 'stepper',
  },
  {
    id: 'stride',
    title: 'Stride 2: 7 × 7 with a 3 × 3 kernel gives 3 × 3',
    text: [
      'Stride S applies the filter every S pixels, along rows and columns: W2 = (W1 - F + 2P)/S + 1.',
      'A 7 × 7 input, a 3 × 3 kernel, no padding and S = 2 give (7 - 3)/2 + 1 = 3: a 3 × 3 output. When the division is not exact, libraries take the floor.',
    ],
    formula: ['W2 = (W1 - F + 2P)/S + 1 = (7 - 3 + 2*0)/2 + 1 = 3'],
    patch: { ...tiny, f: 3, p: 0, s: 2 },
    expect: { input: [7, 7, 1], output: [3, 3, 1] },
    focus: 'stepper',
  },
  {
    id: 'alexnet',
    title: 'The AlexNet exercise: 227 × 227 × 3, 96 filters of 11 × 11 × 3, S = 4',
    text: [
      "AlexNet's first layer: a 227 × 227 × 3 input, 96 filters of 11 × 11 × 3, stride 4, no padding. W2 = H2 = (227 - 11)/4 + 1 = 55 and D2 = 96: the output is 55 × 55 × 96.",
      "Here one chooses the weights and the output size follows: 11·11·3·96 = 34,848 weights + 96 biases. The layer above holds at most 16 filters, so it shows 16 maps of its own; the AlexNet exercise below shows all 96, and why the paper's 224 does not work.",
    ],
    formula: ['W2 = (227 - 11 + 2*0)/4 + 1 = 55,   D2 = K = 96'],
    patch: { ...ALEX_PATCH },
    expect: { input: [227, 227, 3], output: [55, 55, 96], where: 'alexnet' },
    focus: 'alexnet',
  },
];

// The network lab (panels/nnlab.js): batch norm at work in a trained network.
const NN_STEPS = [
  {
    id: 'nn-bn',
    title: 'Batch norm at work: the same CNN trained with and without it',
    text: [
      'The network lab now trains the "tiny" network twice from the same seed, images and learning rate: once without batch norm (grey) and once with it after each convolution (green). Look at which training loss falls faster in the first hundred steps, and at which step each test accuracy (the dots) reaches the other one.',
      'Batch norm rescales every feature map to mean 0 and variance 1 over the mini-batch, so each layer sees inputs on the same scale whatever the layers before it learned; the gradients the lecture derived are what let γ and β learn the scale back.',
    ],
    patch: {},
    focus: 'nnlab',
    run: 'compare',
  },
];

/** Every step, in the lecture's order: batch-norm backprop, batch norm at work in a network, then the conv layer. */
export const STEPS = [...BN_STEPS, ...NN_STEPS, ...LAYER_STEPS];

/** The state patch of step id (undefined for no step). */
export function stepPatch(id) {
  return id ? STEPS.find((s) => s.id === id)?.patch : undefined;
}
