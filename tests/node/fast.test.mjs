// The API's fast paths as they ship: dL/dx alone and dL/dw alone equal
// conv2dBackward's, the float32 batch norm agrees with the double one, and
// their errors arrive as ConvplayErrors with the core's messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertClose, assertConvplayError, loadConvplay } from './helpers.mjs';

const cp = await loadConvplay();

function random(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; ++i) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

const LAYERS = [
  { name: 'k3_s1_p1', x: [2, 3, 9, 11], w: [5, 3, 3, 3], params: { padH: 1, padW: 1 } },
  { name: 'k11_s4', x: [1, 3, 31, 31], w: [6, 3, 11, 11], params: { strideH: 4, strideW: 4 } },
  {
    name: 'stride_2_reflect_convolution',
    x: [1, 4, 12, 13],
    w: [9, 4, 3, 2],
    params: { strideH: 2, strideW: 2, padH: 2, padW: 1, padMode: 'reflect', mode: 'convolution' },
  },
  {
    name: 'dilation_2_circular',
    x: [1, 2, 10, 9],
    w: [17, 2, 3, 3],
    params: { dilationH: 2, dilationW: 2, padH: 2, padW: 2, padMode: 'circular' },
  },
];

for (const L of LAYERS) {
  test(`dL/dx alone and dL/dw alone equal conv2dBackward: ${L.name}`, () => {
    const x = {
      shape: L.x,
      data: random(
        L.x.reduce((a, b) => a * b),
        1,
      ),
    };
    const w = {
      shape: L.w,
      data: random(
        L.w.reduce((a, b) => a * b),
        2,
      ),
    };
    const y = cp.conv2dForward(x, w, null, L.params);
    const dy = { shape: y.shape, data: random(y.data.length, 3) };
    const both = cp.conv2dBackward(dy, x, w, L.params);
    const dx = cp.conv2dBackwardData(dy, w, L.x, L.params);
    const { dw, db } = cp.conv2dBackwardFilter(dy, x, L.w, L.params);
    assert.deepEqual(dx.shape, L.x);
    assert.deepEqual(dw.shape, L.w);
    assertClose(dx.data, both.dx.data, { what: 'dx' });
    assertClose(dw.data, both.dw.data, { what: 'dw' });
    assertClose(db, both.db, { what: 'db' });
    // the double-precision reference agrees too
    const d64 = cp.conv2dBackward64(
      { shape: dy.shape, data: Float64Array.from(dy.data) },
      { shape: L.x, data: Float64Array.from(x.data) },
      { shape: L.w, data: Float64Array.from(w.data) },
      L.params,
    );
    assertClose(dx.data, d64.dx.data, { rtol: 1e-4, atol: 1e-4, what: 'dx vs double' });
    assertClose(dw.data, d64.dw.data, { rtol: 1e-4, atol: 1e-4, what: 'dw vs double' });
  });
}

test('new weights of the same shape are used at once (the packed-weight cache)', () => {
  const x = { shape: [1, 8, 10, 10], data: random(800, 4) };
  const w1 = { shape: [16, 8, 3, 3], data: random(16 * 72, 5) };
  const w2 = {
    shape: [16, 8, 3, 3],
    data: Float32Array.from(w1.data, (v, i) => (i === 7 ? v + 1 : v)),
  };
  const y1 = cp.conv2dForward(x, w1, null, { padH: 1, padW: 1 });
  const y2 = cp.conv2dForward(x, w2, null, { padH: 1, padW: 1 });
  const r2 = cp.conv2dForward64(
    { shape: x.shape, data: Float64Array.from(x.data) },
    { shape: w2.shape, data: Float64Array.from(w2.data) },
    null,
    { padH: 1, padW: 1 },
  );
  assert.notDeepEqual(Array.from(y1.data), Array.from(y2.data));
  assertClose(y2.data, r2.data, { rtol: 1e-5, atol: 1e-5, what: 'y with the new weights' });
});

test('float32 batch norm agrees with the double one', () => {
  const shape = [4, 3, 5, 7];
  const n = shape.reduce((a, b) => a * b);
  const x = { shape, data: random(n, 6).map((v) => 3 + 2 * v) };
  const dy = { shape, data: random(n, 7) };
  const gamma = new Float32Array([1, 0.5, 2]),
    beta = new Float32Array([0, 1, -1]);
  const f32 = cp.batchnormForward32(x, gamma, beta, {
    eps: 1e-5,
    momentum: 0.5,
    runningMean: [0, 0, 0],
    runningVar: [1, 1, 1],
  });
  const f64 = cp.batchnormForward({ shape, data: Float64Array.from(x.data) }, gamma, beta, {
    eps: 1e-5,
    momentum: 0.5,
    runningMean: [0, 0, 0],
    runningVar: [1, 1, 1],
  });
  assert.ok(f32.y.data instanceof Float32Array);
  assertClose(f32.y.data, f64.y.data, { rtol: 1e-5, atol: 1e-5, what: 'y' });
  assertClose(f32.mean, f64.mean, { what: 'mean' });
  assertClose(f32.rstd, f64.rstd, { what: 'rstd' });
  assertClose(f32.runningVar, f64.runningVar, { what: 'running var' });
  const b32 = cp.batchnormBackward32(dy, x, gamma, f32);
  const b64 = cp.batchnormBackward(
    { shape, data: Float64Array.from(dy.data) },
    { shape, data: Float64Array.from(x.data) },
    gamma,
    f64,
  );
  assertClose(b32.dx.data, b64.dx.data, { rtol: 1e-4, atol: 1e-5, what: 'dx' });
  assertClose(b32.dgamma, b64.dgamma, { rtol: 1e-5, atol: 1e-5, what: 'dgamma' });
  assertClose(b32.dbeta, b64.dbeta, { rtol: 1e-5, atol: 1e-5, what: 'dbeta' });
});

test("the fast paths report bad input with the core's messages", () => {
  const w = { shape: [2, 3, 3, 3], data: random(54, 8) };
  const dy = { shape: [1, 2, 4, 4], data: random(32, 9) };
  assertConvplayError(
    assert,
    () => cp.conv2dBackwardData(dy, w, [1, 3, 7, 7], { padH: 1, padW: 1 }),
    "dL/dy has shape 1x2x4x4 but the layer's output is 1x2x7x7",
  );
  assertConvplayError(
    assert,
    () => cp.conv2dBackwardFilter(dy, { shape: [1, 3, 6, 6], data: random(108, 1) }, [2, 4, 3, 3]),
    'filter depth 4 does not match input depth 3 (a filter always spans every input channel)',
  );
  assertConvplayError(assert, () => cp.conv2dBackwardData(dy, w, [1, 3, 6], {}));
  const x = { shape: [2, 2, 2, 2], data: random(16, 2) };
  assertConvplayError(
    assert,
    () => cp.batchnormForward32(x, [1], [0, 0]),
    'batchnorm: gamma has 1 values but the input has 2 channels',
  );
  const f = cp.batchnormForward32(x, [1, 1], [0, 0]);
  assertConvplayError(assert, () =>
    cp.batchnormBackward32(x, x, [1, 1], { mean: [5, 5], rstd: f.rstd }),
  );
});
