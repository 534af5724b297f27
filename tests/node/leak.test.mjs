// 10,000 calls, successes and errors mixed, leave malloc's bytes in use, the
// WASM memory size and the number of live Embind handles where they started.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import path from 'node:path';

import { DIST, loadConvplay, wasmBytes } from './helpers.mjs';

let cp;
before(async () => {
  cp = await loadConvplay();
});

test('10,000 calls leak neither heap bytes nor Embind handles', () => {
  const x = { shape: [1, 2, 6, 6], data: Float32Array.from({ length: 72 }, (_, i) => Math.sin(i)) };
  const w = { shape: [3, 2, 3, 3], data: Float32Array.from({ length: 54 }, (_, i) => Math.cos(i)) };
  const bias = new Float32Array(3);
  const png = cp.encodePng({ shape: [1, 3, 4, 4], data: new Float32Array(48).fill(0.25) });
  const calls = [
    () => cp.conv2dForward(x, w, bias, { padH: 1, padW: 1, padMode: 'reflect' }),
    () => cp.conv2dBackward({ shape: [1, 3, 4, 4], data: new Float32Array(48).fill(1) }, x, w),
    () => cp.conv2dForward(x, w, null, { strideH: 0 }), // error
    () => cp.convOutputSize(7, 11, 1, 1, 1), // error
    () =>
      cp.batchnormBackward(
        { shape: [4, 2, 1, 1], data: [1, 2, 3, 4, 5, 6, 7, 8] },
        { shape: [4, 2, 1, 1], data: [8, 1, 6, 3, 4, 5, 2, 7] },
        [1, 2],
        cp.batchnormForward(
          { shape: [4, 2, 1, 1], data: [8, 1, 6, 3, 4, 5, 2, 7] },
          [1, 2],
          [0, 1],
          { runningMean: [0, 0], runningVar: [1, 1] },
        ),
      ),
    () => cp.batchnormForward({ shape: [2, 1, 1, 1], data: [1, 2] }, [1, 1], [0]), // error
    () => cp.decodeImage(png, { grey: true }),
    () => cp.decodeImage(Uint8Array.from(png).fill(3, 12)), // error: corrupt
    () => cp.decodeImage(new Uint8Array(0)), // error: empty
    () => cp.resizeImage({ shape: [1, 1, 4, 4], data: new Float32Array(16) }, 3, 5),
    () => cp.conv2dGeometry([1, 3, 7, 7], [2, 4, 3, 3]), // error
    () => cp.padSourceIndex(-1, 4, 'reflect'),
  ];
  const run = (n) => {
    let errors = 0;
    for (let i = 0; i < n; ++i) {
      try {
        calls[i % calls.length]();
      } catch (e) {
        assert.equal(e.name, 'ConvplayError');
        ++errors;
      }
    }
    return errors;
  };
  run(calls.length * 10); // warm up: first-use allocations (type tables, caches)
  const before = cp.memoryStats();
  const errors = run(10000);
  const after = cp.memoryStats();
  assert.ok(errors > 3000 && errors < 7000, `${errors} errors among 10,000 calls`);
  assert.ok(before.usedBytes > 0, 'mallinfo reports the bytes in use');
  assert.equal(after.usedBytes, before.usedBytes, 'malloc bytes in use');
  assert.equal(after.heapBytes, before.heapBytes, 'WASM memory size');
  assert.equal(after.liveHandles, before.liveHandles, 'live Embind handles');
});

test('the measure sees a leak: 4 KiB kept by malloc shows in usedBytes', async () => {
  // The raw module, wrapped by hand, so the test can call malloc itself.
  const { default: createConvplayCore } = await import(path.join(DIST, 'convplay_core.mjs'));
  const { wrapCore } = await import(path.join(DIST, 'convplay_wrap.mjs'));
  const core = await createConvplayCore({ wasmBinary: wasmBytes() });
  const api = wrapCore(core);
  api.conv2dForward(
    { shape: [1, 1, 3, 3], data: new Float32Array(9) },
    { shape: [1, 1, 3, 3], data: new Float32Array(9) },
    null,
  );
  const start = api.memoryStats().usedBytes;
  const p = core._malloc(4096);
  assert.ok(api.memoryStats().usedBytes >= start + 4096);
  core._free(p);
  assert.equal(api.memoryStats().usedBytes, start);
});

test('a large layer leaves no scratch behind: after its backward pass a small forward holds only the weight packs', () => {
  const wave = (n, f) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * f));
  const tensor = (shape, f = 0.37) => ({
    shape,
    data: wave(
      shape.reduce((a, b) => a * b),
      f,
    ),
  });
  const small = () =>
    cp.conv2dForward(tensor([1, 3, 32, 32]), tensor([4, 3, 3, 3]), null, { padH: 1, padW: 1 });
  const large = { x: tensor([1, 3, 200, 200]), w: tensor([16, 3, 11, 11], 0.11) };
  const params = { padH: 5, padW: 5, padMode: 'reflect' };
  small();
  const start = cp.memoryStats().usedBytes;
  const y = cp.conv2dForward(large.x, large.w, null, params);
  cp.conv2dBackward(tensor(y.shape, 0.05), large.x, large.w, params);
  small();
  // kept between calls: the packed weights of the last forward and backward-data calls
  // (each a copy of the weights and their pack: 16 x 3 x 11 x 11 floats, rounded up)
  const packs = 2 * 2 * 16 * 3 * 11 * 11 * 4 + 4096;
  const grown = cp.memoryStats().usedBytes - start;
  assert.ok(grown <= packs, `${grown} bytes kept after the large layer (at most ${packs})`);
});
