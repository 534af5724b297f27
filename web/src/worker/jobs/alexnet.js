// AlexNet's first layer (the 'alexnet' job) on the worker's working image:
// resized by the module to 227 x 227 x 3, 96 seeded random 11 x 11 x 3
// filters (He-style normal), S = 4, P = 0 -> 55 x 55 x 96.
import { rng } from '../../common/rng.js';
import { ALEX } from '../../common/lecture-steps.js';
import { toRgb } from '../sources.js';

/** 96 filters of 11 x 11 x 3, He-style normal, seeded (weights [K, D1, F, F]). */
function alexWeights(seed) {
  const n = ALEX.F * ALEX.F * ALEX.D1;
  const data = new Float32Array(ALEX.K * n);
  const g = rng(seed * 104729 + 227);
  const std = Math.sqrt(2 / n);
  for (let i = 0; i < data.length; i++) data[i] = g.normal() * std;
  return { shape: [ALEX.K, ALEX.D1, ALEX.F, ALEX.F], data };
}

export function alexnet(cp, image, seed) {
  if (!image) throw new Error('the image is not ready yet');
  const t0 = performance.now();
  let img = toRgb(image);
  if (img.shape[2] !== ALEX.size || img.shape[3] !== ALEX.size)
    img = cp.resizeImage(img, ALEX.size, ALEX.size);
  const w = alexWeights(seed);
  const bias = new Float32Array(ALEX.K);
  const p = {
    strideH: ALEX.S,
    strideW: ALEX.S,
    padH: ALEX.P,
    padW: ALEX.P,
    padMode: 'zero',
    mode: 'cross-correlation',
  };
  const geometry = cp.conv2dGeometry(img.shape, w.shape, p);
  const y = cp.conv2dForward(img, w, bias, p);
  // the input goes to the page (its buffer is transferred): never the kept working image itself
  const input = img === image ? { shape: img.shape.slice(), data: img.data.slice() } : img;
  return { input, output: y, geometry, ms: performance.now() - t0 };
}
