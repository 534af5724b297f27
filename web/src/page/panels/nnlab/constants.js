// The network lab's fixed numbers and names, shared by its views.

export const CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
export const STEPS_PER_JOB = 5;
// while training runs, each job takes as many steps as fit in STEP_BUDGET_MS (and at most
// MAX_STEPS_PER_JOB): with the redraw after it, the page shows more than 10 updates a second
export const STEP_BUDGET_MS = 40;
export const MAX_STEPS_PER_JOB = 50;
// while training, the look inside (about a hundred map canvases) is drawn at most this often
export const INSIDE_PAINT_MS = 250;
export const TEST_EVERY = 50; // steps between test points on the curve
export const TEST_POINT_IMAGES = 500;
export const MAX_WEIGHTS_BYTES = 32 * 1024 * 1024; // a weights file (conv 32@28x28 twice is ~10 MB)
export const MAX_OWN_CLASSES = 4;
// the fewest steps a run on the student's own classes takes (a few dozen pictures in
// batches of 32 are one step an epoch: 2 epochs would be 2 steps, and nothing learnt)
export const MIN_OWN_STEPS = 100;
// the lab's rows of the state table: what a weights file sets
export const LAB_ROWS = [
  'nnk1',
  'nnf1',
  'nnp1',
  'nnk2',
  'nnf2',
  'nnp2',
  'nnbn',
  'nnlr',
  'nnbs',
  'nnep',
  'nnseed',
];
// the rows of the architecture (the layers' sizes)
export const ARCH_ROWS = ['nnk1', 'nnf1', 'nnp1', 'nnk2', 'nnf2', 'nnp2'];

/** float32 values as the shortest decimals that read back as the same float32. */
export const exact = (a) => Array.from(a, (v) => Number(Math.fround(v).toPrecision(9)));
