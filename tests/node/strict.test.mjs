// The JS API is strict: unknown option keys, wrong lengths, non-numbers,
// empty biases and ArrayBuffers of the wrong size are refused with a
// ConvplayError that names the key or the tensor, before anything is copied
// into the module; the operation's own rule is reported before a generic
// tensor one; the per-request caps hold; defaults come from the core.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { assertConvplayError, loadConvplay } from './helpers.mjs';

let cp;
before(async () => {
  cp = await loadConvplay();
});

const x = () => ({ shape: [1, 1, 5, 5], data: Float32Array.from({ length: 25 }, (_, i) => i) });
const w = () => ({ shape: [1, 1, 3, 3], data: new Float32Array(9).fill(1) });

test('unknown option keys throw, naming the key and what to use', () => {
  assertConvplayError(
    assert,
    () => cp.conv2dForward(x(), w(), null, { stride: 2, padding: 1 }),
    "unknown option 'stride' in params: use strideH and strideW",
  );
  assertConvplayError(
    assert,
    () => cp.conv2dForward(x(), w(), null, { padding: 1 }),
    "unknown option 'padding' in params: use padH and padW (padMode for the kind)",
  );
  assertConvplayError(
    assert,
    () => cp.conv2dGeometry([1, 1, 5, 5], [1, 1, 3, 3], { groups: 2 }),
    "unknown option 'groups' in params: the accepted ones are strideH, strideW, " +
      'padH, padW, dilationH, dilationW, padMode, mode',
  );
  assertConvplayError(
    assert,
    () => cp.decodeImage(new Uint8Array(4), { max_side: 9 }),
    "unknown option 'max_side' in options: use maxSide",
  );
  assertConvplayError(
    assert,
    () => cp.batchnormForward({ shape: [2, 1, 1, 1], data: [1, 2] }, [1], [0], { epsilon: 1 }),
    "unknown option 'epsilon' in options: the accepted ones are eps, momentum, training, " +
      'runningMean, runningVar',
  );
});

test("'zeros' (PyTorch's spelling) is accepted beside 'zero'", () => {
  const a = cp.conv2dForward(x(), w(), null, { padH: 1, padW: 1, padMode: 'zero' });
  const b = cp.conv2dForward(x(), w(), null, { padH: 1, padW: 1, padMode: 'zeros' });
  assert.deepEqual(Array.from(b.data), Array.from(a.data));
  assert.equal(a.data[0], 0 + 1 + 5 + 6);
});

test('lengths are checked before anything is converted', () => {
  // An array-like claiming a billion values: refused at once, never copied.
  const huge = { length: 1e9 };
  const start = performance.now();
  assertConvplayError(
    assert,
    () => cp.conv2dForward({ shape: [1, 1, 5, 5], data: huge }, w(), null),
    'x.data has 1000000000 values, its shape needs 25',
  );
  assertConvplayError(assert, () => cp.decodeImage(new Uint8Array(4), {}), undefined);
  assertConvplayError(
    assert,
    () => cp.batchnormForward({ shape: [2, 1, 1, 1], data: [1, 2] }, huge, [0]),
    'gamma has 1000000000 values, more than the limit of 268435456',
  );
  assert.ok(performance.now() - start < 2000);
});

test('every failure is a ConvplayError: an ArrayBuffer of the wrong size, strings in data', () => {
  assertConvplayError(
    assert,
    () => cp.conv2dForward({ shape: [1, 1, 5, 5], data: new ArrayBuffer(99) }, w(), null),
    'x.data is an ArrayBuffer of 99 bytes, not a whole number of 4-byte Float32Array values',
  );
  // An ArrayBuffer of the right size is a view on its bytes.
  const buf = new Float32Array(25).fill(2).buffer;
  assert.equal(cp.conv2dForward({ shape: [1, 1, 5, 5], data: buf }, w(), null).data[0], 18);
  const strings = Array.from({ length: 25 }, () => 1);
  strings[7] = 'a';
  assertConvplayError(
    assert,
    () => cp.conv2dForward({ shape: [1, 1, 5, 5], data: strings }, w(), null),
    'x.data[7] is "a", not a number',
  );
  assertConvplayError(
    assert,
    () =>
      cp.conv2dForward(x(), { shape: [1, 1, 3, 3], data: [1, 2, 3, 4, 5, 6, 7, 8, null] }, null),
    'w.data[8] is null, not a number',
  );
  assert.equal(cp.conv2dForward(x(), w(), null).shape[3], 3);
});

test('an empty bias is an error; null means none', () => {
  assertConvplayError(
    assert,
    () => cp.conv2dForward(x(), w(), new Float32Array(0)),
    'bias is empty: pass null for no bias, or 1 values (one per filter)',
  );
  assertConvplayError(
    assert,
    () => cp.conv2dForward(x(), w(), []),
    'bias is empty: pass null for no bias, or 1 values (one per filter)',
  );
  const none = cp.conv2dForward(x(), w(), null);
  const zero = cp.conv2dForward(x(), w(), [0]);
  assert.deepEqual(Array.from(zero.data), Array.from(none.data));
});

test("the operation's message wins over the generic tensor one", () => {
  assertConvplayError(
    assert,
    () => cp.conv2dForward(x(), { shape: [0, 1, 3, 3], data: [] }, null),
    'number of filters K is 0, it must be at least 1',
  );
  assertConvplayError(
    assert,
    () =>
      cp.conv2dBackward({ shape: [1, 1, 3, 3], data: new Float32Array(9) }, x(), {
        shape: [1, 2, 3, 3],
        data: new Float32Array(18),
      }),
    'filter depth 2 does not match input depth 1 (a filter always spans every input channel)',
  );
});

test('per-request caps: the output and the work, with the numbers and what to lower', () => {
  const start = performance.now();
  assertConvplayError(
    assert,
    () =>
      cp.conv2dForward(
        { shape: [1, 1, 1, 1], data: [1] },
        { shape: [1, 1, 1, 1], data: [1] },
        null,
        { padH: 8191, padW: 8191, padMode: 'replicate' },
      ),
    'the output 1x1x16383x16383 would hold 268402689 values, more than the limit of 67108864 per ' +
      'request: lower the padding (8191, 8191), the input size, the batch or the number of filters, ' +
      'or raise the stride',
  );
  assertConvplayError(
    assert,
    () => cp.conv2dGeometry([4, 64, 256, 256], [256, 64, 7, 7]),
    undefined,
  );
  assert.ok(performance.now() - start < 2000, 'refused before any work');
  const g = cp.conv2dGeometry([1, 3, 227, 227], [96, 3, 11, 11], { strideH: 4, strideW: 4 });
  assert.equal(g.multiplyAdds, 55 * 55 * 96 * 3 * 11 * 11);
  assert.equal(cp.defaults.maxConvOutputElements, 2 ** 26);
  assert.equal(cp.defaults.maxConvMultiplyAdds, 2 ** 33);
});

test('inference batch norm: xhat and rstd come from the core; the eps default too', () => {
  const input = { shape: [1, 2, 1, 2], data: [1, 2, 10, 20] };
  const r = cp.batchnormForward(input, [2, -1], [0.5, 3], {
    training: false,
    runningMean: [1.5, 10],
    runningVar: [0.25, 4],
  });
  const eps = cp.defaults.eps;
  assert.equal(eps, 1e-5);
  const r0 = 1 / Math.sqrt(0.25 + eps),
    r1 = 1 / Math.sqrt(4 + eps);
  assert.ok(Math.abs(r.rstd[0] - r0) < 1e-12 && Math.abs(r.rstd[1] - r1) < 1e-12);
  assert.deepEqual(Array.from(r.mean), [1.5, 10]);
  assert.deepEqual(Array.from(r.var), [0.25, 4]);
  const want = [(1 - 1.5) * r0, (2 - 1.5) * r0, 0, (20 - 10) * r1];
  want.forEach((v, i) => assert.ok(Math.abs(r.xhat.data[i] - v) < 1e-12, `xhat[${i}]`));
  assert.ok(Math.abs(r.y.data[3] - (-1 * want[3] + 3)) < 1e-12);
  assert.equal(cp.defaults.momentum, 0.1);
  assert.ok(Object.isFrozen(cp.defaults));
});

test('ConvplayError is a class: instanceof works', () => {
  try {
    cp.convOutputSize(7, 3, 0, 1, 0);
    assert.fail('no error');
  } catch (e) {
    assert.ok(e instanceof cp.ConvplayError);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'ConvplayError');
  }
});
