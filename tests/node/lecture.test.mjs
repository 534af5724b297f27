// The lecture's examples through the JavaScript API, checked against numbers
// worked out by hand (not against the implementation).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { loadConvplay } from './helpers.mjs';

let cp;
before(async () => {
  cp = await loadConvplay();
});

const ones = (shape) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b)).fill(1) });

test('AlexNet conv1: 227x227x3, 96 filters 11x11x3, S = 4, P = 0 -> 55x55x96', () => {
  const g = cp.conv2dGeometry([1, 3, 227, 227], [96, 3, 11, 11], { strideH: 4, strideW: 4 });
  assert.deepEqual(g.output, [1, 96, 55, 55]);
  assert.equal(g.weightCount, 34848); // 11 * 11 * 3 * 96
  assert.equal(g.biasCount, 96);
  assert.deepEqual(g.w, { size: 55, exact: true, remainder: 0, effectiveKernel: 11 });
  // The layer itself runs at that size: all-ones input and weights, bias 0.5:
  // every output is 11 * 11 * 3 + 0.5 = 363.5.
  const y = cp.conv2dForward(
    ones([1, 3, 227, 227]),
    ones([96, 3, 11, 11]),
    new Float32Array(96).fill(0.5),
    { strideH: 4, strideW: 4 },
  );
  assert.deepEqual(y.shape, [1, 96, 55, 55]);
  assert.equal(y.data.length, 55 * 55 * 96);
  assert.ok(y.data.every((v) => v === 363.5));
});

test('7x7 input, 5x5 filter -> 3x3', () => {
  assert.equal(cp.convOutputSize(7, 5, 0, 1, 1).size, 3);
  const y = cp.conv2dForward(ones([1, 1, 7, 7]), ones([1, 1, 5, 5]), null);
  assert.deepEqual(y.shape, [1, 1, 3, 3]);
  assert.deepEqual(Array.from(y.data), new Array(9).fill(25));
});

test('7x7 input, 3x3 filter, P = 1 -> 7x7 (same size); zero padding shows at the border', () => {
  const y = cp.conv2dForward(ones([1, 1, 7, 7]), ones([1, 1, 3, 3]), null, { padH: 1, padW: 1 });
  assert.deepEqual(y.shape, [1, 1, 7, 7]);
  const at = (i, j) => y.data[i * 7 + j];
  assert.equal(at(0, 0), 4); // corner: 2 x 2 taps inside
  assert.equal(at(0, 3), 6); // edge: 2 x 3
  assert.equal(at(3, 3), 9); // interior
  // Replicate padding reads the border again: every output is 9.
  const r = cp.conv2dForward(ones([1, 1, 7, 7]), ones([1, 1, 3, 3]), null, {
    padH: 1,
    padW: 1,
    padMode: 'replicate',
  });
  assert.ok(r.data.every((v) => v === 9));
});

test('7x7 input, 3x3 filter, stride 2 -> 3x3; stride 3 does not fit exactly', () => {
  assert.deepEqual(cp.convOutputSize(7, 3, 0, 1, 2), {
    size: 3,
    exact: true,
    remainder: 0,
    effectiveKernel: 3,
  });
  assert.deepEqual(cp.convOutputSize(7, 3, 0, 1, 3), {
    size: 2,
    exact: false,
    remainder: 1,
    effectiveKernel: 3,
  });
  // x(i, j) = 7i + j; the 3x3 sum around (r, c) is 9 (7r + c) (a plane's mean).
  const x = { shape: [1, 1, 7, 7], data: Float32Array.from({ length: 49 }, (_, k) => k) };
  const y = cp.conv2dForward(x, ones([1, 1, 3, 3]), null, { strideH: 2, strideW: 2 });
  assert.deepEqual(y.shape, [1, 1, 3, 3]);
  for (let i = 0; i < 3; ++i) {
    for (let j = 0; j < 3; ++j)
      assert.equal(y.data[i * 3 + j], 9 * (7 * (2 * i + 1) + (2 * j + 1)));
  }
});

test('convolution rotates the kernel, cross-correlation does not', () => {
  const x = { shape: [1, 1, 3, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]) };
  const w = { shape: [1, 1, 3, 3], data: Float32Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0]) };
  assert.deepEqual(Array.from(cp.conv2dForward(x, w, null).data), [1]);
  assert.deepEqual(Array.from(cp.conv2dForward(x, w, null, { mode: 'convolution' }).data), [9]);
});

test('padSourceIndex draws each padding of the lecture: a b c', () => {
  const row = (mode) => [-2, -1, 0, 1, 2, 3, 4].map((i) => cp.padSourceIndex(i, 3, mode));
  assert.deepEqual(row('zero'), [-1, -1, 0, 1, 2, -1, -1]);
  assert.deepEqual(row('replicate'), [0, 0, 0, 1, 2, 2, 2]);
  assert.deepEqual(row('reflect'), [2, 1, 0, 1, 2, 1, 0]);
  assert.deepEqual(row('circular'), [1, 2, 0, 1, 2, 0, 1]);
});

test('batch norm of one channel [1, 2, 3]: mean 2, var 2/3, sum of xhat is 0', () => {
  const f = cp.batchnormForward({ shape: [3, 1, 1, 1], data: [1, 2, 3] }, [1], [0], { eps: 0 });
  assert.equal(f.mean[0], 2);
  assert.ok(Math.abs(f.var[0] - 2 / 3) < 1e-15);
  const s = Math.sqrt(2 / 3);
  assert.ok(Math.abs(f.y.data[0] + 1 / s) < 1e-12 && Math.abs(f.y.data[2] - 1 / s) < 1e-12);
  // dL/dy = 1 everywhere: dbeta = 3, dgamma = sum xhat = 0, dx = 0.
  const b = cp.batchnormBackward(
    { shape: [3, 1, 1, 1], data: [1, 1, 1] },
    { shape: [3, 1, 1, 1], data: [1, 2, 3] },
    [1],
    f,
  );
  assert.equal(b.dbeta[0], 3);
  assert.ok(Math.abs(b.dgamma[0]) < 1e-12);
  assert.ok(b.dx.data.every((v) => Math.abs(v) < 1e-12));
});
