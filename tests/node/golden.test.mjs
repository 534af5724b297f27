// The WASM module against the native core: the same seeded inputs, every
// operation and option (tests/golden/make_golden.cpp writes the expectations).
// Tolerances: float32 convolution 1e-5 relative + 1e-5 absolute (the SIMD
// kernels may sum in another order than the native build); float64 1e-12;
// PNG decode, resize and PNG bytes exact or 1e-6; JPEG decode 1/255 (stb's
// native IDCT may use SSE2, the WASM build the scalar one).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';

import { GOLDEN, assertClose, assertConvplayError, loadConvplay, loadGolden } from './helpers.mjs';

let cp, g;
before(async () => {
  cp = await loadConvplay();
  g = loadGolden();
});

const f32 = (a) => Float32Array.from(a);
const f64 = (a) => Float64Array.from(a);
const t32 = (t) => ({ shape: t.shape, data: f32(t.data) });
const t64 = (t) => ({ shape: t.shape, data: f64(t.data) });

function assertTensor(actual, expected, tol, what) {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assertClose(actual.data, expected.data, { ...tol, what });
}

describe('output size', () => {
  test('every case of the native core, with its errors', () => {
    assert.ok(g.outputSize.length > 20);
    for (const c of g.outputSize) {
      if (c.error !== undefined) {
        assertConvplayError(assert, () => cp.convOutputSize(...c.args), c.error);
      } else {
        assert.deepEqual(cp.convOutputSize(...c.args), c.result, JSON.stringify(c.args));
      }
    }
  });
});

describe('padSourceIndex', () => {
  test('matches the native table for every mode', () => {
    for (const c of g.padSourceIndex) {
      const got = c.index.map((_, k) => cp.padSourceIndex(c.from + k, c.n, c.mode));
      assert.deepEqual(got, c.index, `${c.mode}, n = ${c.n}`);
    }
  });
});

describe('conv2d', () => {
  test('the golden set covers every pad mode, conv mode, stride, dilation, error', () => {
    const ok = g.conv.filter((c) => c.error === undefined);
    for (const padMode of ['zero', 'replicate', 'reflect', 'circular']) {
      for (const mode of ['cross-correlation', 'convolution']) {
        assert.ok(ok.some((c) => c.params.padMode === padMode && c.params.mode === mode));
      }
    }
    assert.ok(ok.some((c) => c.params.strideH === 2 && c.params.strideW === 1));
    assert.ok(ok.some((c) => c.params.dilationH === 2 && c.params.dilationW === 1));
    assert.ok(ok.some((c) => c.float64));
    assert.ok(g.conv.filter((c) => c.error !== undefined).length >= 9);
  });

  test('forward, backward and geometry agree with the native core', () => {
    let checked = 0;
    for (const c of g.conv) {
      if (c.error !== undefined) continue;
      const tol = c.float64 ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-5 };
      const T = c.float64 ? t64 : t32;
      const bias = c.b === null ? null : c.float64 ? f64(c.b) : f32(c.b);
      const fwd = c.float64 ? cp.conv2dForward64 : cp.conv2dForward;
      const bwd = c.float64 ? cp.conv2dBackward64 : cp.conv2dBackward;
      const geo = cp.conv2dGeometry(c.xShape, c.wShape, c.params);
      assert.deepEqual(geo.output, c.y.shape, `${c.name}: geometry`);
      const y = fwd(T(c.x), T(c.w), bias, c.params);
      assert.ok(c.float64 ? y.data instanceof Float64Array : y.data instanceof Float32Array);
      assertTensor(y, c.y, tol, `${c.name}: y`);
      const r = bwd(T(c.dy), T(c.x), T(c.w), c.params);
      assertTensor(r.dx, c.dx, tol, `${c.name}: dx`);
      assertTensor(r.dw, c.dw, tol, `${c.name}: dw`);
      assertClose(r.db, c.db, { ...tol, what: `${c.name}: db` });
      ++checked;
    }
    assert.ok(checked >= 80, `${checked} cases`);
  });

  test('every error of the core arrives with its message, from every entry point', () => {
    for (const c of g.conv) {
      if (c.error === undefined) continue;
      assertConvplayError(assert, () => cp.conv2dGeometry(c.xShape, c.wShape, c.params), c.error);
      const size = (s) =>
        Math.max(
          0,
          s.reduce((a, b) => a * b, 1),
        );
      const x = { shape: c.xShape, data: new Float32Array(size(c.xShape)) };
      const w = { shape: c.wShape, data: new Float32Array(size(c.wShape)) };
      // A shape with a dimension < 1 is refused earlier, when the tensors are
      // built from (shape, data), with the tensor's own message.
      const message = [...c.xShape, ...c.wShape].some((d) => d < 1) ? undefined : c.error;
      assertConvplayError(assert, () => cp.conv2dForward(x, w, null, c.params), message);
      assertConvplayError(assert, () => cp.conv2dBackward(x, x, w, c.params), message);
      // ... and the module keeps working.
      assert.equal(cp.convOutputSize(7, 3, 1, 1, 1).size, 7);
    }
  });

  test('bias count, dy shape and data length errors', () => {
    const [bias, dy, len] = g.convDataErrors;
    const x = { shape: [1, 2, 5, 5], data: new Float32Array(50) };
    const w = { shape: [3, 2, 3, 3], data: new Float32Array(54) };
    assertConvplayError(
      assert,
      () => cp.conv2dForward(x, w, new Float32Array(bias.biasLength)),
      bias.error,
    );
    const d = { shape: dy.dyShape, data: new Float32Array(dy.dyShape.reduce((a, b) => a * b)) };
    assertConvplayError(assert, () => cp.conv2dBackward(d, x, w), dy.error);
    // A length that does not match the shape is refused by the wrapper before
    // anything is copied into the module; the core has the same rule (len.error).
    assert.match(len.error, new RegExp(`needs 50 values, got ${len.dataLength}`));
    assertConvplayError(
      assert,
      () => cp.conv2dForward({ shape: x.shape, data: new Float32Array(len.dataLength) }, w, null),
      `x.data has ${len.dataLength} values, its shape needs 50`,
    );
  });
});

describe('batchnorm', () => {
  const tol = { rtol: 1e-12, atol: 1e-12 };

  test('training forward (with and without running statistics) and backward', () => {
    for (const c of g.batchnorm) {
      const opts = { eps: c.eps, momentum: c.momentum };
      if (c.running) Object.assign(opts, { runningMean: c.runningMean, runningVar: c.runningVar });
      const f = cp.batchnormForward(t64(c.x), c.gamma, c.beta, opts);
      assertTensor(f.y, c.train.y, tol, `${c.name}: y`);
      assertTensor(f.xhat, c.train.xhat, tol, `${c.name}: xhat`);
      for (const k of ['mean', 'var', 'rstd'])
        assertClose(f[k], c.train[k], { ...tol, what: `${c.name}: ${k}` });
      if (c.running) {
        assertClose(f.runningMean, c.train.runningMean, { ...tol, what: `${c.name}: runningMean` });
        assertClose(f.runningVar, c.train.runningVar, { ...tol, what: `${c.name}: runningVar` });
      } else {
        assert.equal(f.runningMean, undefined);
      }
      const b = cp.batchnormBackward(t64(c.dy), t64(c.x), c.gamma, f);
      assertTensor(b.dx, c.backward.dx, tol, `${c.name}: dx`);
      assertTensor(b.dxhat, c.backward.dxhat, tol, `${c.name}: dxhat`);
      for (const k of ['dgamma', 'dbeta', 'dvar', 'dmu']) {
        assertClose(b[k], c.backward[k], { ...tol, what: `${c.name}: ${k}` });
      }
    }
  });

  test('inference forward uses the running statistics', () => {
    for (const c of g.batchnorm) {
      const f = cp.batchnormForward(t64(c.x), c.gamma, c.beta, {
        eps: c.eps,
        momentum: c.momentum,
        training: false,
        runningMean: c.runningMean,
        runningVar: c.runningVar,
      });
      assertTensor(f.y, c.infer.y, tol, `${c.name}: y`);
      assertTensor(f.xhat, c.infer.xhat, tol, `${c.name}: xhat`);
      assertClose(f.mean, c.runningMean, { ...tol, what: 'mean' });
      assertClose(f.var, c.runningVar, { ...tol, what: 'var' });
    }
  });

  test('errors arrive with the core message', () => {
    const x = { shape: [2, 2, 1, 1], data: [1, 2, 3, 4] };
    for (const e of g.batchnormErrors) {
      if (e.name === 'err_zero_variance') {
        assertConvplayError(
          assert,
          () =>
            cp.batchnormForward({ shape: [2, 2, 1, 1], data: [1, 1, 1, 1] }, [1, 1], [0, 0], {
              eps: 0,
            }),
          e.error,
        );
        continue;
      }
      assertConvplayError(
        assert,
        () =>
          cp.batchnormForward(x, new Array(e.gammaLength).fill(1), [0, 0], {
            eps: e.eps,
            momentum: e.momentum,
          }),
        e.error,
      );
    }
  });
});

describe('images', () => {
  test('encodePng writes the same bytes as the native core', () => {
    for (const c of g.images.encode) {
      if (c.error !== undefined) {
        assertConvplayError(assert, () => cp.encodePng(t32(c.image)), c.error);
      } else {
        assert.deepEqual(Array.from(cp.encodePng(t32(c.image))), c.png);
      }
    }
  });

  test('decodeImage of a real PNG and JPEG, every option, and the bad files', () => {
    const files = {
      'sample.png': readFileSync(path.join(GOLDEN, 'sample.png')),
      'sample.jpg': readFileSync(path.join(GOLDEN, 'sample.jpg')),
    };
    assert.deepEqual([...files['sample.jpg'].subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');
    for (const c of g.images.decode) {
      const file = Object.keys(files).find((f) => c.name.startsWith(f));
      const bytes = file ? new Uint8Array(files[file]) : Uint8Array.from(c.bytes);
      if (c.error !== undefined) {
        assertConvplayError(assert, () => cp.decodeImage(bytes, c.options), c.error);
        continue;
      }
      const d = cp.decodeImage(bytes, c.options);
      const tol =
        file === 'sample.jpg' ? { rtol: 0, atol: 1 / 255 + 1e-6 } : { rtol: 0, atol: 1e-6 };
      assertTensor(d.image, c.image, tol, c.name);
      assert.equal(d.originalWidth, c.originalWidth);
      assert.equal(d.originalHeight, c.originalHeight);
      assert.equal(d.fileChannels, c.fileChannels);
      assert.equal(d.downscaled, c.downscaled);
    }
  });

  test('resizeImage agrees, and refuses an empty target', () => {
    for (const c of g.images.resize) {
      if (c.error !== undefined) {
        assertConvplayError(assert, () => cp.resizeImage(t32(c.image), c.h, c.w), c.error);
      } else {
        assertTensor(
          cp.resizeImage(t32(c.image), c.h, c.w),
          c.result,
          { rtol: 1e-5, atol: 1e-6 },
          `${c.h}x${c.w}`,
        );
      }
    }
  });
});
