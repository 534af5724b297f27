// The step-through's small layer (the 'stepper' job): an N x N one-channel
// input (small integers, or the working image down-sampled to N x N grey),
// a kernel (small integers, or the layer's filter 1 summed over its channels)
// and the layer's F, P, padding mode, S, dilation and operation. Everything
// comes from the module: the padded grid through padSourceIndex, the sizes
// through conv2dGeometry, the output cells through conv2dForward.
import { filterWeights, resizeFilter } from '../../common/filters.js';
import { rng } from '../../common/rng.js';
import { kernelHW, strideHW, convParams, depth } from '../../common/state.js';
import { toGrey } from '../sources.js';

/** The small input: N x N integers 0..9, seeded. */
function gridInput(n, seed) {
  const g = rng(seed * 131 + n * 7 + 3);
  const data = new Float32Array(n * n);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(g.uniform() * 10);
  return data;
}

/** A small integer kernel (-1, 0, 1, 2), seeded. */
function intKernel(fh, fw, seed) {
  const g = rng(seed * 977 + fh * 13 + fw);
  const out = new Float32Array(fh * fw);
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(g.uniform() * 4) - 1;
  return out;
}

function imageInput(cp, img, n) {
  const t = toGrey(cp.resizeImage(img, n, n));
  const grey = Float32Array.from(t.data.subarray(0, n * n));
  // two decimals, so the numbers in the cells are the numbers computed with
  for (let i = 0; i < grey.length; i++) grey[i] = Math.round(grey[i] * 100) / 100;
  return grey;
}

/** StepperJob -> the model the panel draws. Throws (with the module's message) for an impossible layer. */
export function stepperModel(cp, state, image) {
  const n = state.sn;
  const { fh, fw } = kernelHW(state);
  const { sh, sw } = strideHW(state);
  const params = convParams(state);
  let x = null;
  let note = '';
  if (state.sin === 'image') {
    if (image) x = imageInput(cp, image, n);
    else note = 'The image is not ready yet; showing small integers.';
  }
  if (!x) x = gridInput(n, state.seed);
  let w;
  if (state.sk === 'layer') {
    const d1 = depth(state);
    w = Float32Array.from(
      resizeFilter(Array.from(filterWeights(0, state)), { fh, fw, d1 }, { fh, fw, d1: 1 }),
    );
    for (let i = 0; i < w.length; i++) w[i] = Math.round(w[i] * 1000) / 1000;
  } else {
    w = intKernel(fh, fw, state.seed);
  }
  const xT = { shape: [1, 1, n, n], data: x };
  const wT = { shape: [1, 1, fh, fw], data: w };
  const geom = cp.conv2dGeometry(xT.shape, wT.shape, params);
  const y = cp.conv2dForward(xT, wT, null, params);
  const padMap = [];
  for (let i = -state.p; i < n + state.p; i++) padMap.push(cp.padSourceIndex(i, n, params.padMode));
  const h2 = geom.output[2];
  const w2 = geom.output[3];
  return {
    n,
    fh,
    fw,
    sh,
    sw,
    p: state.p,
    dil: state.dil,
    padMode: params.padMode,
    conv: params.mode === 'convolution',
    x,
    w,
    y: y.data,
    h2,
    w2,
    total: h2 * w2,
    padMap,
    note,
    geom,
  };
}
