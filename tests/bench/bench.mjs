// convplay — `npm run bench`: the module's float32 kernels against
// TensorFlow.js's WASM backend (XNNPACK, SIMD on, one thread), our reference
// kernels and a measured WASM SIMD multiply-add peak, all in one Node process,
// one thread, after warm-up, as medians of at least 20 runs.
//
//   node --no-experimental-fetch tests/bench/bench.mjs [--json] [--runs N] [--wall] [--quick] [--native]
//
// Shapes: S1 AlexNet conv1 227x227x3, 96 filters 11x11, S 4, P 0;
// S2 56x56x64, 64 filters 3x3, S 1, P 1; S3 512x512x3, 8 filters 3x3, S 1,
// P 1; S4 128x128x16, 32 filters 5x5, S 2, P 2; BN: N 32, C 64, 28x28,
// training forward + backward. Ops: fwd (the same weights every call), fwd_newW
// (new weights every call, as after a gradient step), dX (dL/dx alone), dW
// (dL/dw and dL/db alone), bn; plus the page's full recompute at its defaults.
//
// Two kinds of rows. Arrays (fwd, fwd_newW, dX, dW, bn): every side takes
// JavaScript arrays in and gives JavaScript arrays out (the copies into and
// out of WASM memory are timed on both sides). Resident (fwd_res, dX_res,
// dW_res, bn_res): both sides keep their input tensors in WASM memory (our
// tensor(), TensorFlow.js's tensors) and read the output back into a
// JavaScript array each call, each the way its API allows: ours into arrays
// the caller keeps (t.read(into)), TensorFlow.js's dataSync() into a new array
// per call (its only synchronous read; a fresh multi-megabyte array costs the
// page faults of new memory, 1 to 30 ms here). bn_kept: both sides leave the
// outputs in WASM memory (only the C-value dgamma and dbeta are read), the
// compute alone. Each peer's
// result is compared with ours in the same run; a row whose numbers differ is
// marked and gets no ratio. ratio = our ms / the peer's ms (below 1: we are
// faster), except for `peak`, where it is our GFLOP/s / the peak's.
// Timings are noisy on shared machines: read the ratios of one run.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConvplay } from '../node/helpers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BENCH_DIST = path.join(ROOT, 'build/wasm-release/bench'); // scripts/bench.sh builds it
const args = process.argv.slice(2);
const JSON_OUT = args.includes('--json');
const NATIVE = args.includes('--native');
const QUICK = args.includes('--quick'); // no reference rows: for trying kernels out
// --shape S1,BN: only those rows (and the peak); every shape and the page by default
const ONLY = args.includes('--shape') ? args[args.indexOf('--shape') + 1].split(',') : null;
const wanted = (shape) => ONLY === null || ONLY.includes(shape);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 21; // below 20 only to try things out
const REF_RUNS = 3; // the reference kernels take up to a second a call

export const SHAPES = [
  { shape: 'S1', x: [1, 3, 227, 227], k: 96, f: 11, s: 4, p: 0 },
  { shape: 'S2', x: [1, 64, 56, 56], k: 64, f: 3, s: 1, p: 1 },
  { shape: 'S3', x: [1, 3, 512, 512], k: 8, f: 3, s: 1, p: 1 },
  { shape: 'S4', x: [1, 16, 128, 128], k: 32, f: 5, s: 2, p: 2 },
];
export const BN = { shape: 'BN', x: [32, 64, 28, 28], eps: 1e-5 };
const PAGE = { shape: 'page', x: [1, 3, 256, 256], k: 4, f: 3, s: 1, p: 1 };

// --- helpers ----------------------------------------------------------------

function random(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; ++i) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

const count = (shape) => shape.reduce((p, v) => p * v, 1);
const outSize = (n, f, s, p) => Math.floor((n + 2 * p - f) / s) + 1;

/** NCHW (or KCHW) -> NHWC (or HWCK with `toHWIO`). */
function nchwToNhwc(data, [n, c, h, w]) {
  const out = new Float32Array(data.length);
  for (let a = 0; a < n; ++a)
    for (let ch = 0; ch < c; ++ch)
      for (let i = 0; i < h; ++i)
        for (let j = 0; j < w; ++j)
          out[((a * h + i) * w + j) * c + ch] = data[((a * c + ch) * h + i) * w + j];
  return out;
}
function kchwToHwck(data, [k, c, h, w]) {
  const out = new Float32Array(data.length);
  for (let a = 0; a < k; ++a)
    for (let ch = 0; ch < c; ++ch)
      for (let i = 0; i < h; ++i)
        for (let j = 0; j < w; ++j)
          out[((i * w + j) * c + ch) * k + a] = data[((a * c + ch) * h + i) * w + j];
  return out;
}

/** Largest |a - b| / (1 + |b|). */
function worst(a, b) {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; ++i) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

// The clock: this process's CPU time (user + system), so that other
// processes sharing the cores do not count; --wall for wall-clock time. The
// module and the peer are single-threaded, so on an idle machine both agree.
const WALL = args.includes('--wall');
function clock() {
  if (WALL) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median ms of `runs` calls after `warm` warm-up calls. */
function time(fn, runs = RUNS, warm = 3) {
  for (let i = 0; i < warm; ++i) fn();
  const ms = [];
  for (let i = 0; i < runs; ++i) {
    const t0 = clock();
    fn();
    ms.push(clock() - t0);
  }
  ms.sort((a, b) => a - b);
  return ms.length % 2 ? ms[(ms.length - 1) / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
}

// --- the peer: TensorFlow.js, WASM backend, SIMD, one thread ------------------

async function loadTfjs() {
  const require = createRequire(import.meta.url);
  const tf = require('@tensorflow/tfjs-core');
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  const dir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/');
  wasm.setWasmPaths(dir);
  wasm.setThreadsCount(1);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm did not start');
  await tf.ready();
  return tf;
}

// --- the run ----------------------------------------------------------------

const rows = []; // {shape, op, impl, ms, gflops, note}
const ratios = []; // {shape, op, ratio, peer}

function row(shape, op, impl, ms, flops, note = '') {
  const r = { shape, op, impl, ms, gflops: flops ? flops / ms / 1e6 : null, note };
  rows.push(r);
  return r;
}

function ratio(shape, op, ours, peer, name) {
  if (!ours || !peer || peer.note.startsWith('MISMATCH')) return;
  ratios.push({
    shape,
    op,
    ratio: name === 'peak' ? ours.gflops / peer.gflops : ours.ms / peer.ms,
    peer: name,
  });
}

async function main() {
  const cp = await loadConvplay();
  // the raw bindings of the bench build (named kernels, the peak loop: not in the page's module)
  const { default: createCore } = await import(path.join(BENCH_DIST, 'convplay_bench.mjs'));
  const raw = await createCore({
    wasmBinary: readFileSync(path.join(BENCH_DIST, 'convplay_bench.wasm')),
  });
  const tf = await loadTfjs();
  const ok = (r) => {
    if (r.error !== undefined) throw new Error(r.error);
    return r;
  };

  // The multiply-add peak: 12 f32x4 accumulators, acc = acc * a + b.
  const iters = 2e6;
  raw._simdMulAddPeak(iters);
  const peakMs = time(() => raw._simdMulAddPeak(iters), 21, 2);
  const peak = row('peak', 'muladd', 'peak', peakMs, iters * 12 * 4 * 2);

  for (const L of SHAPES.filter((S) => wanted(S.shape))) {
    const [n, c, h, w] = L.x;
    const h2 = outSize(h, L.f, L.s, L.p),
      w2 = outSize(w, L.f, L.s, L.p);
    const wShape = [L.k, c, L.f, L.f],
      yShape = [n, L.k, h2, w2];
    const flops = 2 * n * L.k * h2 * w2 * c * L.f * L.f;
    const x = random(count(L.x), 1),
      wA = random(count(wShape), 2),
      wB = random(count(wShape), 3);
    const dy = random(count(yShape), 4),
      bias = new Float32Array(L.k).fill(0.1);
    const params = { strideH: L.s, strideW: L.s, padH: L.p, padW: L.p };
    const X = { shape: L.x, data: x },
      W = { shape: wShape, data: wA },
      DY = { shape: yShape, data: dy };

    // ours
    const y = cp.conv2dForward(X, W, bias, params);
    const fwd = row(
      L.shape,
      'fwd',
      'convplay',
      time(() => cp.conv2dForward(X, W, bias, params)),
      flops,
    );
    let flip = false;
    const fwdNew = row(
      L.shape,
      'fwd_newW',
      'convplay',
      time(() => {
        flip = !flip;
        cp.conv2dForward(X, { shape: wShape, data: flip ? wB : wA }, bias, params);
      }),
      flops,
    );
    const dx = cp.conv2dBackwardData(DY, W, L.x, params);
    const dX = row(
      L.shape,
      'dX',
      'convplay',
      time(() => cp.conv2dBackwardData(DY, W, L.x, params)),
      flops,
    );
    const dw = cp.conv2dBackwardFilter(DY, X, wShape, params);
    const dW = row(
      L.shape,
      'dW',
      'convplay',
      time(() => cp.conv2dBackwardFilter(DY, X, wShape, params)),
      flops,
    );

    // the reference kernels, through the same entry points
    const ref = (op, fn) =>
      QUICK ? null : row(L.shape, op, 'reference', time(fn, REF_RUNS, 1), flops);
    const refFwd = ref('fwd', () =>
      ok(raw._conv2dForwardWith(L.x, x, wShape, wA, bias, params, 'conv2d_f32_fwd__ref')),
    );
    const refDx = ref('dX', () =>
      ok(
        raw._conv2dBackwardData(yShape, dy, wShape, wA, L.x, params, 'conv2d_f32_bwd_data__ref', 0),
      ),
    );
    const refDw = ref('dW', () =>
      ok(
        raw._conv2dBackwardFilter(
          yShape,
          dy,
          L.x,
          x,
          wShape,
          params,
          'conv2d_f32_bwd_filter__ref',
          0,
        ),
      ),
    );
    const refY = ok(
      raw._conv2dForwardWith(L.x, x, wShape, wA, bias, params, 'conv2d_f32_fwd__ref'),
    );
    if (refFwd && worst(y.data, refY.data) > 1e-5) refFwd.note = 'MISMATCH';

    // the peer, NHWC (its layout; converted once, untimed), explicit padding
    const xN = nchwToNhwc(x, L.x),
      wHA = kchwToHwck(wA, wShape),
      wHB = kchwToHwck(wB, wShape);
    const dyN = nchwToNhwc(dy, yShape);
    const pad = [
      [0, 0],
      [L.p, L.p],
      [L.p, L.p],
      [0, 0],
    ];
    const fShape = [L.f, L.f, c, L.k];
    const biasT = tf.tensor1d(bias);
    const wT = tf.tensor4d(wHA, fShape);
    const tfFwd = (wt) => {
      const xt = tf.tensor4d(xN, [n, h, w, c]);
      const yt = tf.add(tf.conv2d(xt, wt, L.s, pad), biasT);
      const out = yt.dataSync();
      tf.dispose([xt, yt]);
      return out;
    };
    const xy = tfFwd(wT);
    const peerFwd = row(
      L.shape,
      'fwd',
      'xnnpack',
      time(() => tfFwd(wT)),
      flops,
    );
    if (worst(nchwToNhwc(y.data, yShape), xy) > 1e-4)
      peerFwd.note = `MISMATCH ${worst(nchwToNhwc(y.data, yShape), xy)}`;
    let flip2 = false;
    const peerFwdNew = row(
      L.shape,
      'fwd_newW',
      'xnnpack',
      time(() => {
        flip2 = !flip2;
        const wt = tf.tensor4d(flip2 ? wHB : wHA, fShape);
        tfFwd(wt);
        wt.dispose();
      }),
      flops,
    );
    peerFwdNew.note = peerFwd.note;

    // dX: Conv2DBackpropInput (tf.conv2dTranspose), symmetric padding P
    const tfDx = () => {
      const dyt = tf.tensor4d(dyN, [n, h2, w2, L.k]);
      const wt = tf.tensor4d(wHA, fShape);
      const r = tf.conv2dTranspose(dyt, wt, [n, h, w, c], L.s, L.p);
      const out = r.dataSync();
      tf.dispose([dyt, wt, r]);
      return out;
    };
    const xdx = tfDx();
    const peerDx = row(L.shape, 'dX', 'xnnpack', time(tfDx), flops);
    const dxN = nchwToNhwc(dx.data, L.x);
    if (worst(dxN, xdx) > 1e-4) peerDx.note = `MISMATCH ${worst(dxN, xdx)}`;

    // dW: the dilated-convolution workaround (the backend has no
    // Conv2DBackpropFilter): channels as the batch, dL/dy as the filter,
    // dilation S, stride 1, then the first F x F outputs, as HWIO.
    const tfDw = () => {
      const xt = tf.tensor4d(xN, [n, h, w, c]);
      const dyt = tf.tensor4d(dyN, [n, h2, w2, L.k]);
      const r = tf.tidy(() => {
        const xc = tf.transpose(xt, [3, 1, 2, 0]); // [C, H, W, N]
        const g = tf.transpose(dyt, [1, 2, 0, 3]); // [H2, W2, N, K]
        const full = tf.conv2d(xc, g, 1, pad, 'NHWC', L.s); // [C, Ho, Wo, K]
        const cut = tf.slice(full, [0, 0, 0, 0], [c, L.f, L.f, L.k]);
        return tf.transpose(cut, [1, 2, 0, 3]); // [F, F, C, K]
      });
      const out = r.dataSync();
      const db = tf.sum(dyt, [0, 1, 2]);
      db.dataSync();
      tf.dispose([xt, dyt, r, db]);
      return out;
    };
    const xdw = tfDw();
    const peerDw = row(L.shape, 'dW', 'xnnpack-dilated', time(tfDw), flops);
    const dwH = kchwToHwck(dw.dw.data, wShape);
    if (worst(dwH, xdw) > 1e-3) peerDw.note = `MISMATCH ${worst(dwH, xdw)}`;

    // resident: both sides keep x, w, dy in WASM memory and read the output back
    const xR = cp.tensor(L.x, x),
      wR = cp.tensor(wShape, wA),
      dyR = cp.tensor(yShape, dy);
    const yR = cp.tensor(yShape),
      dxR = cp.tensor(L.x),
      dwR = cp.tensor(wShape);
    const yOut = new Float32Array(yR.size),
      dxOut = new Float32Array(dxR.size),
      dwOut = new Float32Array(dwR.size);
    const fwdRes = row(
      L.shape,
      'fwd_res',
      'convplay',
      time(() => cp.conv2dForward(xR, wR, bias, params, yR).read(yOut)),
      flops,
    );
    const dXRes = row(
      L.shape,
      'dX_res',
      'convplay',
      time(() => cp.conv2dBackwardData(dyR, wR, L.x, params, dxR).read(dxOut)),
      flops,
    );
    const dWRes = row(
      L.shape,
      'dW_res',
      'convplay',
      time(() => cp.conv2dBackwardFilter(dyR, xR, wShape, params, dwR).dw.read(dwOut)),
      flops,
    );
    if (worst(yR.read(), y.data) > 1e-6) fwdRes.note = 'MISMATCH';
    for (const t of [xR, wR, dyR, yR, dxR, dwR]) t.dispose();
    const xT = tf.tensor4d(xN, [n, h, w, c]),
      dyT = tf.tensor4d(dyN, [n, h2, w2, L.k]);
    const peerFwdRes = row(
      L.shape,
      'fwd_res',
      'xnnpack',
      time(() => {
        const yt = tf.add(tf.conv2d(xT, wT, L.s, pad), biasT);
        yt.dataSync();
        yt.dispose();
      }),
      flops,
    );
    const peerDxRes = row(
      L.shape,
      'dX_res',
      'xnnpack',
      time(() => {
        const r = tf.conv2dTranspose(dyT, wT, [n, h, w, c], L.s, L.p);
        r.dataSync();
        r.dispose();
      }),
      flops,
    );
    const peerDwRes = row(
      L.shape,
      'dW_res',
      'xnnpack-dilated',
      time(() => {
        const r = tf.tidy(() => {
          const xc = tf.transpose(xT, [3, 1, 2, 0]);
          const g = tf.transpose(dyT, [1, 2, 0, 3]);
          const full = tf.conv2d(xc, g, 1, pad, 'NHWC', L.s);
          return tf.transpose(tf.slice(full, [0, 0, 0, 0], [c, L.f, L.f, L.k]), [1, 2, 0, 3]);
        });
        r.dataSync();
        const db = tf.sum(dyT, [0, 1, 2]);
        db.dataSync();
        tf.dispose([r, db]);
      }),
      flops,
    );
    tf.dispose([biasT, wT, xT, dyT]);

    for (const [op, ours, peer, r, name] of [
      ['fwd_res', fwdRes, peerFwdRes, refFwd, 'xnnpack'],
      ['dX_res', dXRes, peerDxRes, refDx, 'xnnpack'],
      ['dW_res', dWRes, peerDwRes, refDw, 'xnnpack-dilated'],
      ['fwd', fwd, peerFwd, refFwd, 'xnnpack'],
      ['fwd_newW', fwdNew, peerFwdNew, refFwd, 'xnnpack'],
      ['dX', dX, peerDx, refDx, 'xnnpack'],
      ['dW', dW, peerDw, refDw, 'xnnpack-dilated'],
    ]) {
      ratio(L.shape, op, ours, peer, name);
      ratio(L.shape, op, ours, r, 'reference');
      ratio(L.shape, op, ours, peak, 'peak');
    }
  }

  // Batch norm, float32, training forward + backward.
  if (wanted('BN')) {
    const [n, c, h, w] = BN.x;
    const x = random(count(BN.x), 5),
      dy = random(count(BN.x), 6);
    const gamma = Float32Array.from({ length: c }, (_, i) => 1 + 0.01 * i);
    const beta = Float32Array.from({ length: c }, (_, i) => 0.02 * i);
    const X = { shape: BN.x, data: x },
      DY = { shape: BN.x, data: dy };
    const step = () => {
      const f = cp.batchnormForward32(X, gamma, beta, { eps: BN.eps });
      const b = cp.batchnormBackward32(DY, X, gamma, f);
      return { y: f.y.data, dx: b.dx.data, dgamma: b.dgamma, dbeta: b.dbeta };
    };
    const ours = step();
    const bn = row('BN', 'bn', 'convplay', time(step), 0);
    const refStep = () => {
      const f = ok(
        raw._batchnormForward32(
          BN.x,
          x,
          gamma,
          beta,
          { eps: BN.eps },
          null,
          null,
          'batchnorm_f32__ref',
          0,
        ),
      );
      return ok(
        raw._batchnormBackward32(BN.x, dy, BN.x, x, gamma, f.mean, f.rstd, 'batchnorm_f32__ref', 0),
      );
    };
    const refBn = QUICK ? null : row('BN', 'bn', 'reference', time(refStep, 5, 1), 0);
    if (refBn && worst(refStep().dx.data, ours.dx) > 1e-4) refBn.note = 'MISMATCH';

    const xN = nchwToNhwc(x, BN.x),
      dyN = nchwToNhwc(dy, BN.x);
    const g = tf.tensor1d(gamma),
      b = tf.tensor1d(beta);
    // tfjs-core's Node bundle registers no gradients, so the backward pass is
    // the closed form in tfjs ops: dx = gamma rstd / m (m dy - sum dy - xhat sum dy xhat).
    const M = n * h * w;
    const tfStep = () => {
      const xt = tf.tensor4d(xN, [n, h, w, c]),
        dyt = tf.tensor4d(dyN, [n, h, w, c]);
      const r = tf.tidy(() => {
        const mo = tf.moments(xt, [0, 1, 2]);
        const rstd = tf.rsqrt(tf.add(mo.variance, BN.eps));
        const xhat = tf.mul(tf.sub(xt, mo.mean), rstd);
        const y = tf.add(tf.mul(xhat, g), b);
        const dbeta = tf.sum(dyt, [0, 1, 2]);
        const dgamma = tf.sum(tf.mul(dyt, xhat), [0, 1, 2]);
        const dx = tf.mul(
          tf.div(tf.mul(g, rstd), M),
          tf.sub(tf.sub(tf.mul(dyt, M), dbeta), tf.mul(xhat, dgamma)),
        );
        return [y, dx, dgamma, dbeta];
      });
      const out = {
        y: r[0].dataSync(),
        dx: r[1].dataSync(),
        dgamma: r[2].dataSync(),
        dbeta: r[3].dataSync(),
      };
      tf.dispose([xt, dyt, ...r]);
      return out;
    };
    const t = tfStep();
    const peerBn = row('BN', 'bn', 'tfjs-wasm', time(tfStep), 0);
    const diff = Math.max(
      worst(nchwToNhwc(ours.y, BN.x), t.y),
      worst(nchwToNhwc(ours.dx, BN.x), t.dx),
      worst(ours.dgamma, t.dgamma),
      worst(ours.dbeta, t.dbeta),
    );
    if (diff > 1e-3) peerBn.note = `MISMATCH ${diff}`;

    // resident: x and dy kept on both sides, y and dx read back each call
    const xR = cp.tensor(BN.x, x),
      dyR = cp.tensor(BN.x, dy),
      yR = cp.tensor(BN.x),
      dxR = cp.tensor(BN.x);
    const yOut = new Float32Array(yR.size),
      dxOut = new Float32Array(dxR.size);
    const keptStep = () => {
      const f = cp.batchnormForward32(xR, gamma, beta, { eps: BN.eps }, yR);
      return cp.batchnormBackward32(dyR, xR, gamma, f, dxR);
    };
    const resStep = () => {
      const bw = keptStep();
      return { y: yR.read(yOut), dx: dxR.read(dxOut), dgamma: bw.dgamma, dbeta: bw.dbeta };
    };
    const oursRes = resStep();
    const bnRes = row('BN', 'bn_res', 'convplay', time(resStep), 0);
    if (worst(oursRes.dx, ours.dx) > 1e-6 || worst(oursRes.y, ours.y) > 1e-6)
      bnRes.note = 'MISMATCH';
    const bnKept = row('BN', 'bn_kept', 'convplay', time(keptStep), 0);
    for (const t of [xR, dyR, yR, dxR]) t.dispose();
    const xT = tf.tensor4d(xN, [n, h, w, c]),
      dyT = tf.tensor4d(dyN, [n, h, w, c]);
    const tfKept = () =>
      tf.tidy(() => {
        const mo = tf.moments(xT, [0, 1, 2]);
        const rstd = tf.rsqrt(tf.add(mo.variance, BN.eps));
        const xhat = tf.mul(tf.sub(xT, mo.mean), rstd);
        const y = tf.add(tf.mul(xhat, g), b);
        const dbeta = tf.sum(dyT, [0, 1, 2]);
        const dgamma = tf.sum(tf.mul(dyT, xhat), [0, 1, 2]);
        const dx = tf.mul(
          tf.div(tf.mul(g, rstd), M),
          tf.sub(tf.sub(tf.mul(dyT, M), dbeta), tf.mul(xhat, dgamma)),
        );
        return [y, dx, dgamma, dbeta];
      });
    const tfResStep = () => {
      const r = tfKept();
      for (const t of r) t.dataSync();
      tf.dispose(r);
    };
    const peerBnRes = row('BN', 'bn_res', 'tfjs-wasm', time(tfResStep), 0);
    peerBnRes.note = peerBn.note;
    const tfKeptStep = () => {
      const r = tfKept();
      r[2].dataSync();
      r[3].dataSync();
      tf.dispose(r);
    };
    const peerBnKept = row('BN', 'bn_kept', 'tfjs-wasm', time(tfKeptStep), 0);
    peerBnKept.note = peerBn.note;
    tf.dispose([g, b, xT, dyT]);
    ratio('BN', 'bn', bn, peerBn, 'tfjs-wasm');
    ratio('BN', 'bn', bn, refBn, 'reference');
    ratio('BN', 'bn_res', bnRes, peerBnRes, 'tfjs-wasm');
    ratio('BN', 'bn_kept', bnKept, peerBnKept, 'tfjs-wasm');
  }

  // The page's full recompute at its defaults: forward, backward (loss 'sum':
  // dL/dy = 1), and every output plane to RGBA bytes with a diverging scale.
  if (wanted('page')) {
    const L = PAGE;
    const wShape = [L.k, L.x[1], L.f, L.f];
    const X = { shape: L.x, data: random(count(L.x), 7) },
      W = { shape: wShape, data: random(count(wShape), 8) };
    const bias = new Float32Array(L.k),
      params = { strideH: 1, strideW: 1, padH: 1, padW: 1 };
    const full = () => {
      const y = cp.conv2dForward(X, W, bias, params);
      const dy = { shape: y.shape, data: new Float32Array(y.data.length).fill(1) };
      const g = cp.conv2dBackward(dy, X, W, params);
      for (const t of [y, g.dx]) {
        const [, planes, ph, pw] = t.shape;
        for (let k = 0; k < planes; ++k) {
          const v = t.data.subarray(k * ph * pw, (k + 1) * ph * pw);
          let m = 1e-12;
          for (let i = 0; i < v.length; ++i) m = Math.max(m, Math.abs(v[i]));
          const rgba = new Uint8ClampedArray(v.length * 4);
          for (let i = 0; i < v.length; ++i) {
            const s = v[i] / m;
            rgba[4 * i] = 255 * (s > 0 ? 1 : 1 + s);
            rgba[4 * i + 1] = 255 * (1 - Math.abs(s));
            rgba[4 * i + 2] = 255 * (s < 0 ? 1 : 1 - s);
            rgba[4 * i + 3] = 255;
          }
        }
      }
    };
    row('page', 'full', 'convplay', time(full), 0);
  }
}

function printTable() {
  const get = (shape, op, impl) =>
    rows.find((r) => r.shape === shape && r.op === op && r.impl === impl);
  const getRatio = (shape, op, peer) =>
    ratios.find((r) => r.shape === shape && r.op === op && r.peer === peer);
  const peak = get('peak', 'muladd', 'peak');
  const f = (v, d = 1) => (v === undefined || v === null ? '-' : v.toFixed(d));
  console.log(
    `convplay bench: Node ${process.version}, one thread, median of ${RUNS} runs ` +
      `(reference: ${REF_RUNS}) of ${WALL ? 'wall-clock' : 'process CPU'} time; ` +
      `${os.cpus()[0]?.model ?? '?'}`,
  );
  console.log(`WASM SIMD multiply-add peak: ${f(peak.gflops)} GFLOP/s\n`);
  console.log(
    'shape op        convplay ms  GFLOP/s  %peak | peer             peer ms  ours/peer | reference ms  ours/ref',
  );
  for (const L of [...SHAPES, BN].filter((S) => wanted(S.shape))) {
    const ops =
      L.shape === 'BN'
        ? ['bn', 'bn_res', 'bn_kept']
        : ['fwd', 'fwd_newW', 'dX', 'dW', 'fwd_res', 'dX_res', 'dW_res'];
    for (const op of ops) {
      const ours = get(L.shape, op, 'convplay');
      const base = op.replace(/_(res|kept)$/, '');
      const peerName = base === 'dW' ? 'xnnpack-dilated' : base === 'bn' ? 'tfjs-wasm' : 'xnnpack';
      const peer = get(L.shape, op, peerName);
      const ref = get(L.shape, base === 'fwd_newW' ? 'fwd' : base, 'reference');
      const pr = getRatio(L.shape, op, peerName),
        rr = getRatio(L.shape, op, 'reference');
      const pk = getRatio(L.shape, op, 'peak');
      console.log(
        `${L.shape.padEnd(5)} ${op.padEnd(9)} ${f(ours.ms).padStart(11)} ${f(ours.gflops).padStart(8)} ` +
          `${pk ? f(100 * pk.ratio, 0).padStart(5) + '%' : '     -'} | ${peerName.padEnd(15)} ` +
          `${f(peer?.ms).padStart(8)} ${(pr ? f(pr.ratio, 2) : peer?.note || '-').padStart(10)} | ` +
          `${f(ref?.ms, 0).padStart(12)} ${f(rr?.ratio, 3).padStart(9)}`,
      );
    }
  }
  const page = get('page', 'full', 'convplay');
  if (page) {
    console.log(
      `\npage full recompute at the defaults (256x256x3, 4 filters 3x3: forward, backward, display planes): ${f(page.ms)} ms`,
    );
  }
  const bad = rows.filter((r) => r.note.startsWith('MISMATCH'));
  for (const r of bad) console.log(`MISMATCH: ${r.shape} ${r.op} ${r.impl} ${r.note}`);
}

function nativeRun() {
  const exe = path.join(ROOT, 'build/native-release/convplay_bench');
  if (!existsSync(exe)) throw new Error(`${exe} is missing: npm run bench builds it`);
  console.log('\nnative (the same kernels compiled for this host, -O3), median of runs:');
  console.log(execFileSync(exe, [String(RUNS)], { encoding: 'utf8' }).trimEnd());
  try {
    execFileSync('python3', ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    console.log('PyTorch (python3-torch) is not installed: no native peer row.');
    return;
  }
  console.log(
    execFileSync('python3', [path.join(ROOT, 'tests/bench/bench_torch.py'), String(RUNS)], {
      encoding: 'utf8',
    }).trimEnd(),
  );
}

await main();
printTable();
if (JSON_OUT) {
  for (const r of rows) {
    console.log(
      JSON.stringify({
        shape: r.shape,
        op: r.op,
        impl: r.impl,
        ms: +r.ms.toFixed(3),
        gflops: r.gflops === null ? null : +r.gflops.toFixed(2),
      }),
    );
  }
  for (const r of ratios)
    console.log(
      JSON.stringify({ shape: r.shape, op: r.op, ratio: +r.ratio.toFixed(4), peer: r.peer }),
    );
}
if (NATIVE) nativeRun();
