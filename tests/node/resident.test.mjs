// Resident tensors (convplay.d.ts: tensor()): made from an array, read back,
// disposed; accepted by every op beside {shape, data}; outputs written into
// them; memoryStats() shows what they hold; 10,000 calls leave memory where it
// started.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { assertClose, loadConvplay } from './helpers.mjs';

let cp;
before(async () => {
  cp = await loadConvplay();
});

const seq = (n, f) => Float32Array.from({ length: n }, (_, i) => f(i));
const X = { shape: [2, 3, 7, 6], data: seq(252, (i) => Math.sin(0.7 * i)) };
const W = { shape: [4, 3, 3, 3], data: seq(108, (i) => Math.cos(0.3 * i)) };
const params = { padH: 1, padW: 1, padMode: 'reflect' };

test('a tensor is made from an array, read back, written and disposed', () => {
  const start = cp.memoryStats();
  const t = cp.tensor(X.shape, X.data);
  assert.ok(t instanceof cp.ConvplayTensor);
  assert.deepEqual([...t.shape], X.shape);
  assert.equal(t.size, 252);
  assert.deepEqual(t.read(), X.data);
  assert.notEqual(t.read().buffer, t.view().buffer); // read() copies, view() does not
  const mid = cp.memoryStats();
  assert.equal(mid.tensors, start.tensors + 1);
  assert.equal(mid.tensorBytes, start.tensorBytes + 252 * 4);
  t.write(seq(252, (i) => i));
  assert.equal(t.read()[251], 251);
  const zeros = cp.tensor([1, 1, 2, 3]);
  assert.deepEqual([...zeros.read()], [0, 0, 0, 0, 0, 0]);
  t.dispose();
  zeros.dispose();
  t.dispose(); // a second dispose does nothing
  assert.equal(t.disposed, true);
  assert.equal(cp.memoryStats().tensors, start.tensors);
  assert.equal(cp.memoryStats().tensorBytes, start.tensorBytes);
});

test('read(into) copies into the given array, so a loop that reads every step allocates nothing', () => {
  const t = cp.tensor(X.shape, X.data);
  const into = new Float32Array(252).fill(-1);
  const r = t.read(into);
  assert.equal(r, into); // the same array, written
  assert.deepEqual(into, X.data);
  t.write(seq(252, (i) => 2 * i));
  assert.equal(t.read(into), into);
  assert.equal(into[251], 502);
  assert.throws(() => t.read(new Float32Array(251)), {
    name: 'ConvplayError',
    message: "read's argument has 251 values, the tensor has 252",
  });
  assert.throws(() => t.read(new Float64Array(252)), {
    name: 'ConvplayError',
    message: "read's argument must be a Float32Array of 252 values, got Float64Array",
  });
  assert.throws(() => t.read([]), {
    message: "read's argument must be a Float32Array of 252 values, got []",
  });
  t.dispose();
  assert.throws(() => t.read(into), { message: 'tensor is a disposed tensor' });
});

test('bad tensors are refused with messages that name the value and the rule', () => {
  assert.throws(() => cp.tensor([1, 0, 2, 2]), {
    name: 'ConvplayError',
    message: 'shape 1x0x2x2: C is 0, every dimension must be at least 1',
  });
  assert.throws(() => cp.tensor([1, 1, 2, 2], [1, 2, 3]), {
    message: 'data has 3 values, its shape needs 4',
  });
  const t = cp.tensor([1, 1, 2, 2], [1, 2, 3, 4]);
  assert.throws(() => t.write([1]), { message: 'data has 1 values, its shape needs 4' });
  t.dispose();
  assert.throws(() => t.read(), { message: 'tensor is a disposed tensor' });
  assert.throws(() => cp.conv2dForward(t, W, null), { message: 'x is a disposed tensor' });
  const x = cp.tensor(X.shape, X.data);
  assert.throws(() => cp.conv2dForward(x, W, null, params, x), {
    message: "out must not be one of the op's inputs",
  });
  assert.throws(() => cp.conv2dForward(x, W, null, params, { shape: [1, 1, 1, 1] }), {
    message: /^out must be a tensor made by tensor\(\)/,
  });
  x.dispose();
});

test('every float op takes resident tensors and gives the same numbers as arrays', () => {
  const x = cp.tensor(X.shape, X.data);
  const w = cp.tensor(W.shape, W.data);
  const bias = [0.1, -0.2, 0.3, 0];
  const yA = cp.conv2dForward(X, W, bias, params);
  const y = cp.conv2dForward(x, w, bias, params); // resident in, resident out
  assert.ok(y instanceof cp.ConvplayTensor);
  assert.deepEqual([...y.shape], yA.shape);
  assert.deepEqual(y.read(), yA.data);
  const mixed = cp.conv2dForward(X, w, bias, params);
  assert.deepEqual(mixed.read(), yA.data);

  const gA = cp.conv2dBackward(yA, X, W, params);
  const g = cp.conv2dBackward(y, x, w, params);
  assert.deepEqual(g.dx.read(), gA.dx.data);
  assert.deepEqual(g.dw.read(), gA.dw.data);
  assert.deepEqual(g.db, gA.db);
  const dx = cp.conv2dBackwardData(y, w, X.shape, params);
  assertClose(dx.read(), gA.dx.data, { what: 'dx' });
  const f = cp.conv2dBackwardFilter(y, x, W.shape, params);
  assertClose(f.dw.read(), gA.dw.data, { what: 'dw' });

  const gamma = [1, 0.5, 2],
    beta = [0, 0.1, -0.1];
  const bA = cp.batchnormForward32(X, gamma, beta);
  const b = cp.batchnormForward32(x, gamma, beta);
  assert.deepEqual(b.y.read(), bA.y.data);
  assert.deepEqual(b.mean, bA.mean);
  const bbA = cp.batchnormBackward32(bA.y, X, gamma, bA);
  const bb = cp.batchnormBackward32(b.y, x, gamma, b);
  assert.deepEqual(bb.dx.read(), bbA.dx.data);
  assert.deepEqual(bb.dgamma, bbA.dgamma);

  // the double-precision ops read a resident tensor
  const y64 = cp.conv2dForward64(x, w, bias, params);
  assertClose(y64.data, yA.data, { rtol: 1e-5, atol: 1e-5, what: 'forward64' });

  const img = cp.tensor(
    [1, 3, 4, 4],
    seq(48, (i) => (i % 7) / 7),
  );
  const small = cp.resizeImage(img, 2, 3);
  assert.deepEqual([...small.shape], [1, 3, 2, 3]);
  assert.deepEqual(
    small.read(),
    cp.resizeImage({ shape: [1, 3, 4, 4], data: img.read() }, 2, 3).data,
  );
  assert.deepEqual(cp.encodePng(img), cp.encodePng({ shape: [1, 3, 4, 4], data: img.read() }));
  for (const t of [x, w, y, mixed, g.dx, g.dw, dx, f.dw, b.y, bb.dx, img, small]) t.dispose();
});

test('outputs are written into the tensors passed as out, reusing their memory', () => {
  const x = cp.tensor(X.shape, X.data);
  const w = cp.tensor(W.shape, W.data);
  const y = cp.tensor([2, 4, 7, 6]);
  const r = cp.conv2dForward(x, w, null, params, y);
  assert.equal(r, y);
  assert.deepEqual(y.read(), cp.conv2dForward(X, W, null, params).data);
  const dx = cp.tensor(X.shape);
  const dw = cp.tensor(W.shape);
  const g = cp.conv2dBackward(y, x, w, params, { dx, dw });
  assert.equal(g.dx, dx);
  assert.equal(g.dw, dw);
  const dyA = { shape: [2, 4, 7, 6], data: y.read() };
  assert.deepEqual(dx.read(), cp.conv2dBackward(dyA, X, W, params).dx.data);
  // An out of another shape takes the result's shape.
  const other = cp.tensor([1, 1, 1, 1]);
  cp.batchnormForward32(x, [1, 1, 1], [0, 0, 0], {}, other);
  assert.deepEqual([...other.shape], X.shape);
  // After an error, out keeps its shape (its values are unspecified).
  assert.throws(
    () => cp.batchnormBackward32(x, x, [1, 1, 1], { mean: [9, 9, 9], rstd: [1, 1, 1] }, dx),
    { message: /^batchnorm backward: channel 0 of x has mean/ },
  );
  assert.deepEqual([...dx.shape], X.shape);
  assert.equal(dx.read().length, dx.size);
  for (const t of [x, w, y, dx, dw, other]) t.dispose();
});

test('10,000 calls on resident tensors leave the module memory where it started', () => {
  const gamma = new Float32Array(3).fill(1),
    beta = new Float32Array(3);
  const calls = [
    () => {
      const t = cp.tensor(X.shape, X.data);
      t.read();
      t.dispose();
    },
    (s) => cp.conv2dForward(s.x, s.w, null, params, s.y),
    (s) => cp.conv2dBackward(s.y, s.x, s.w, params, { dx: s.dx, dw: s.dw }),
    (s) => {
      const f = cp.batchnormForward32(s.x, gamma, beta, {}, s.bn);
      cp.batchnormBackward32(s.bn, s.x, gamma, f, s.dx);
    },
    (s) => cp.conv2dForward(s.x, s.w, null, { strideH: 0 }, s.y), // error
    (s) => cp.batchnormBackward32(s.bn, s.x, gamma, { mean: [9, 9, 9], rstd: [1, 1, 1] }, s.dx), // error
    (s) => cp.conv2dForward(s.x, s.w, null, params).dispose(), // a new tensor, disposed
  ];
  const s = {
    x: cp.tensor(X.shape, X.data),
    w: cp.tensor(W.shape, W.data),
    y: cp.tensor([2, 4, 7, 6]),
    dx: cp.tensor(X.shape),
    dw: cp.tensor(W.shape),
    bn: cp.tensor(X.shape),
  };
  const run = (n) => {
    let errors = 0;
    for (let i = 0; i < n; ++i) {
      try {
        calls[i % calls.length](s);
      } catch (e) {
        assert.equal(e.name, 'ConvplayError');
        ++errors;
      }
    }
    return errors;
  };
  run(calls.length * 10); // warm up: the weight packs, first-use tables
  const before = cp.memoryStats();
  const errors = run(calls.length * Math.ceil(10000 / calls.length));
  const after = cp.memoryStats();
  assert.ok(errors >= 2 * Math.floor(10000 / calls.length), `${errors} errors`);
  assert.equal(after.usedBytes, before.usedBytes);
  assert.equal(after.heapBytes, before.heapBytes);
  assert.equal(after.liveHandles, before.liveHandles);
  assert.equal(after.tensors, before.tensors);
  assert.equal(after.tensorBytes, before.tensorBytes);
  for (const t of Object.values(s)) t.dispose();
  assert.equal(cp.memoryStats().tensors, before.tensors - 6);
});
