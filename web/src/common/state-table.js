// The rows of the state table (state.js says what they drive) and what
// they say about a change: PROPS, rowOf, changeKind, defaults.
import { MAX_M, STEPS as BN_STEPS } from './bnlab-math.js';

export const MAX_FILTERS = 16;
/** The largest working size (row 'size'): a user's file is decoded at it first. */
export const LARGEST_SIDE = 512;
export const FILTER_PRESETS = [
  'identity',
  'box',
  'gauss',
  'sharpen',
  'sobelx',
  'sobely',
  'laplace',
  'emboss',
  'random',
  'custom',
];
export const SAMPLES = ['chelsea', 'coffee', 'astronaut', 'stripes', 'checker', 'circle'];
export const PAD_MODES = ['zero', 'replicate', 'reflect', 'circular'];
export const MAX_BATCH = 4;
export const GRAD_LOSSES = ['sum', 'sq', 'pixel', 'target'];
export const GRAD_TARGETS = [
  'sobelx',
  'sobely',
  'gauss',
  'box',
  'sharpen',
  'laplace',
  'emboss',
  'identity',
];
export const PHOTO_SAMPLES = ['chelsea', 'coffee', 'astronaut'];
export const SYNTHETIC_SAMPLES = ['stripes', 'checker', 'circle'];

export const PROPS = [
  // the image
  { name: 'img', type: 'enum', default: 'chelsea', options: [...SAMPLES, 'upload', 'webcam'] },
  { name: 'size', type: 'int', default: 256, min: 3, max: LARGEST_SIDE }, // working size (longest side)
  { name: 'fit', type: 'enum', default: 'keep', options: ['keep', 'square'] }, // keep aspect | size x size
  { name: 'grey', type: 'bool', default: false }, // D1 = 1 instead of 3
  { name: 'batch', type: 'int', default: 1, min: 1, max: MAX_BATCH }, // N images (image 1 = img; batchImages)
  // the layer
  { name: 'f', type: 'int', default: 3, min: 1, max: 11 }, // F (height; width too when square)
  { name: 'fw', type: 'int', default: 3, min: 1, max: 11 }, // F width when fsep
  { name: 'fsep', type: 'bool', default: false },
  { name: 'p', type: 'int', default: 1, min: 0, max: 16 }, // P, both axes
  { name: 'pad', type: 'enum', default: 'zero', options: PAD_MODES },
  { name: 's', type: 'int', default: 1, min: 1, max: 16 }, // S (rows; columns too unless ssep)
  { name: 'sw', type: 'int', default: 1, min: 1, max: 16 },
  { name: 'ssep', type: 'bool', default: false },
  { name: 'dil', type: 'int', default: 1, min: 1, max: 8 },
  { name: 'k', type: 'int', default: 4, min: 1, max: MAX_FILTERS }, // K = D2
  { name: 'mode', type: 'enum', default: 'xcorr', options: ['xcorr', 'conv'] },
  // the filters: preset of filter i = filters[i % length]; random filters use seed + i
  {
    name: 'filters',
    type: 'list',
    default: ['sobelx', 'sobely', 'gauss', 'sharpen'],
    options: FILTER_PRESETS,
    maxLength: MAX_FILTERS,
  },
  { name: 'bias', type: 'floats', default: [], min: -100, max: 100, maxLength: MAX_FILTERS },
  { name: 'seed', type: 'int', default: 1, min: 0, max: 999999 },
  // display
  { name: 'scale', type: 'enum', default: 'map', options: ['map', 'layer'], kind: 'view' }, // colour range per map | shared
  // the feature maps' size on screen: fit the column, or 1, 2, 4 screen pixels per map pixel
  { name: 'zoom', type: 'enum', default: 'fit', options: ['fit', '1', '2', '4'], kind: 'view' },
  { name: 'at', type: 'string', default: '', maxLength: 16, kind: 'view' }, // pinned output pixel "k.y.x"
  // step-through, AlexNet exercise, lecture mode (panels/stepper.js, alexnet.js, lecture.js)
  { name: 'sn', type: 'int', default: 7, min: 3, max: 11, kind: 'view' }, // step-through input side N
  { name: 'sin', type: 'enum', default: 'grid', options: ['grid', 'image'], kind: 'view' }, // its values: integers | the image
  { name: 'sk', type: 'enum', default: 'ints', options: ['ints', 'layer'], kind: 'view' }, // its kernel: integers | filter 1
  { name: 'alex', type: 'bool', default: false }, // the AlexNet exercise's 96 maps shown
  { name: 'lstep', type: 'string', default: '', maxLength: 16, kind: 'view' }, // lecture step id ('' = not in the lecture)
  // gradients (panels/gradients.js): compute, loss, target preset, learning rate (0 = the safe 1/T),
  // batch norm after the conv, its gamma / beta per map (missing = 1 / 0)
  { name: 'gon', type: 'bool', default: false, kind: 'grad' },
  { name: 'gl', type: 'enum', default: 'sum', options: GRAD_LOSSES, kind: 'grad' },
  { name: 'gt', type: 'enum', default: 'sobelx', options: GRAD_TARGETS, kind: 'grad' },
  { name: 'glr', type: 'float', default: 0, min: 0, max: 10, kind: 'view' },
  { name: 'gbn', type: 'bool', default: false, kind: 'grad' },
  {
    name: 'ggam',
    type: 'floats',
    default: [],
    min: -1000,
    max: 1000,
    maxLength: MAX_FILTERS,
    kind: 'grad',
  },
  {
    name: 'gbet',
    type: 'floats',
    default: [],
    min: -1000,
    max: 1000,
    maxLength: MAX_FILTERS,
    kind: 'grad',
  },
  // the batch-norm lab (panels/bnlab): it never changes the conv layer
  {
    name: 'bnx',
    type: 'floats',
    default: [1, 3],
    min: -1e12,
    max: 1e12,
    maxLength: MAX_M,
    kind: 'view',
  },
  { name: 'bngamma', type: 'float', default: 2, min: -1e6, max: 1e6, kind: 'view' },
  { name: 'bnbeta', type: 'float', default: 0.5, min: -1e6, max: 1e6, kind: 'view' },
  // a string: keeps 1e-8 exact in the URL
  { name: 'bneps', type: 'string', default: '1e-5', maxLength: 16, kind: 'view' },
  { name: 'bnloss', type: 'enum', default: 'lin', options: ['lin', 'sq', 'tgt'], kind: 'view' },
  {
    name: 'bnw',
    type: 'floats',
    default: [1, -2],
    min: -1e6,
    max: 1e6,
    maxLength: MAX_M,
    kind: 'view',
  },
  {
    name: 'bnt',
    type: 'floats',
    default: [0, 0],
    min: -1e6,
    max: 1e6,
    maxLength: MAX_M,
    kind: 'view',
  },
  { name: 'bnmode', type: 'enum', default: 'all', options: ['all', 'step'], kind: 'view' },
  { name: 'bnstep', type: 'int', default: 0, min: 0, max: BN_STEPS.length, kind: 'view' },
  // the network lab (panels/nnlab.js): K, F, P of its two convolutions, batch norm,
  // learning rate, batch size, epochs, seed; it never changes the conv layer
  { name: 'nnk1', type: 'int', default: 8, min: 1, max: 32, kind: 'view' },
  { name: 'nnf1', type: 'int', default: 3, min: 1, max: 28, kind: 'view' },
  { name: 'nnp1', type: 'int', default: 0, min: 0, max: 5, kind: 'view' },
  { name: 'nnk2', type: 'int', default: 16, min: 1, max: 32, kind: 'view' },
  { name: 'nnf2', type: 'int', default: 3, min: 1, max: 28, kind: 'view' },
  { name: 'nnp2', type: 'int', default: 0, min: 0, max: 5, kind: 'view' },
  { name: 'nnbn', type: 'bool', default: true, kind: 'view' },
  { name: 'nnlr', type: 'float', default: 0.05, min: 0.0001, max: 10, kind: 'view' },
  { name: 'nnbs', type: 'int', default: 32, min: 1, max: 512, kind: 'view' },
  { name: 'nnep', type: 'int', default: 2, min: 1, max: 20, kind: 'view' },
  { name: 'nnseed', type: 'int', default: 1, min: 0, max: 1000000, kind: 'view' },
  // what the lab trains on, and the names of the student's own classes (their
  // pictures stay in the page: a link cannot carry them)
  { name: 'nndata', type: 'enum', default: 'fashion', options: ['fashion', 'own'], kind: 'view' },
  { name: 'nncls', type: 'names', default: ['', ''], maxLength: 4, itemLength: 40, kind: 'view' },
];
// Custom weights of filter i (when its preset is 'custom'): w0 .. w15, F1*F2*D1 numbers, (c, row, col) order.
for (let i = 0; i < MAX_FILTERS; i++) {
  PROPS.push({
    name: `w${i}`,
    type: 'floats',
    default: [],
    min: -1000,
    max: 1000,
    maxLength: 11 * 11 * 3,
  });
}

const BY_NAME = new Map(PROPS.map((r) => [r.name, r]));

/** The row of a field (undefined for an unknown name). */
export function rowOf(name) {
  return BY_NAME.get(name);
}

/** What a set of changed fields recomputes: 'layer', 'grad' or 'view' (the most of them). */
export function changeKind(changed) {
  let kind = 'view';
  for (const name of changed) {
    const k = BY_NAME.get(name)?.kind ?? 'layer';
    if (k === 'layer') return 'layer';
    if (k === 'grad') kind = 'grad';
  }
  return kind;
}

/** A copy of a row's value (its arrays are never shared). */
export function clone(v) {
  return Array.isArray(v) ? v.slice() : v;
}

export function defaults() {
  const s = {};
  for (const row of PROPS) s[row.name] = clone(row.default);
  return s;
}
