// convplay — the training rows of `npm run bench`: the "tiny" network without
// batch norm (conv 8@3x3 - ReLU - pool - conv 16@3x3 - ReLU - pool - fc 10),
// batch 32, one epoch, one thread, through the WASM module in Node, against
//   pytorch    Debian's python3-torch natively (/usr/bin/python3), if installed
//   convnetjs  npm convnetjs 0.3.0 in Node (no batch norm)
// all measured in this run, each after a warm-up of 100 training steps
// (ConvNetJS: 100 images) in the same process. PyTorch's rate swings two- to five-fold from one
// process to the next on the same machine, so one run judges nothing: each
// side runs several times (--train-runs N, default 5; ConvNetJS, far from its
// target, 3), ours and PyTorch's alternating (ours, PyTorch, ours, ...), each
// PyTorch run a fresh process. Prints per side the median rate and the spread
// (min to max), and the ratio of the medians; with --json one line per peer:
// {"shape":"tiny","op":"train","ratio":..,"peer":..,"runs":..,...} where ratio =
// our median seconds per image / the peer's (below 1 is faster). Rates are
// images per second of the process's CPU time (one thread each), which the
// other work on a shared machine disturbs far less than the wall clock; both
// are printed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLab, train } from '../train/train_wasm.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.join(ROOT, 'build/wasm-release/dist');
const IMAGES = 10000; // ours and PyTorch: the page's 10,000 training images
const CONVNETJS_IMAGES = 2000; // ConvNetJS is slow: its rate over fewer images
const json = process.argv.includes('--json');
const argAt = process.argv.indexOf('--train-runs');
const RUNS = argAt > 0 ? Number(process.argv[argAt + 1]) : 5;
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 50) {
  throw new Error(
    `--train-runs must be a whole number from 1 to 50, got ${process.argv[argAt + 1]}`,
  );
}
const CONVNETJS_RUNS = Math.min(RUNS, 3);

const OPTIONS = { epochs: 1, batch: 32, lr: 0.05, bn: false, seed: 1 };
const WARM_STEPS = 100; // steps before the timed runs (each side warms up)

/**
 * The module, opened once, warmed up: V8 first runs WebAssembly through its
 * baseline compiler and recompiles the hot functions with its optimising one
 * while they run (in this process, on its CPU time), so a first run from a
 * cold module was measured a quarter slower than the next.
 */
async function openWarm() {
  const { api, lab } = await openLab();
  lab.setNetwork(api.tinyNetwork({ batchnorm: false }), OPTIONS.seed);
  lab.startTraining({ epochs: 1, batchSize: OPTIONS.batch, learningRate: OPTIONS.lr, seed: 2 });
  lab.steps(WARM_STEPS);
  return { api, lab };
}

async function ours({ api, lab }) {
  const r = await train(lab, api.tinyNetwork, OPTIONS);
  return {
    images_per_s: IMAGES / r.cpuSeconds,
    wall_images_per_s: IMAGES / r.seconds,
    test_accuracy: r.epochs[0].accuracy,
  };
}

function hasTorch() {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false; // python3-torch is not installed: no row
  }
}

/** One PyTorch run in a fresh process. */
function pytorch() {
  const out = execFileSync(
    '/usr/bin/python3',
    [path.join(ROOT, 'tests/bench/train_torch.py'), String(IMAGES), `--warm=${WARM_STEPS}`],
    { encoding: 'utf8' },
  );
  return JSON.parse(out.trim().split('\n').pop());
}

async function convnetjs() {
  const require = createRequire(import.meta.url);
  const cnn = require('convnetjs');
  // The same images as ours: the first of the page's pack (6-bit grey levels).
  const { lab } = await openLab();
  lab.delete();
  const { gunzipSync } = await import('node:zlib');
  const pack = gunzipSync(readFileSync(path.join(DIST, 'fashion-mnist.pack.gz')));
  const images = pack.subarray(16, 16 + CONVNETJS_IMAGES * 784);
  const labelsAt = 16 + 10000 * 784 + 8;
  const net = new cnn.Net();
  net.makeLayers([
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 3, filters: 8, stride: 1, pad: 0, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 3, filters: 16, stride: 1, pad: 0, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'softmax', num_classes: 10 },
  ]);
  const trainer = new cnn.Trainer(net, {
    method: 'sgd',
    learning_rate: 0.01,
    momentum: 0.9,
    batch_size: 32,
    l2_decay: 5e-4,
  });
  const vol = new cnn.Vol(28, 28, 1, 0.0);
  for (let i = 0; i < 100; ++i) {
    for (let k = 0; k < 784; ++k) vol.w[k] = images[i * 784 + k] / 255;
    trainer.train(vol, pack[labelsAt + i]); // warm-up, not timed
  }
  const t0 = performance.now(),
    c0 = process.cpuUsage();
  for (let i = 0; i < CONVNETJS_IMAGES; ++i) {
    for (let k = 0; k < 784; ++k) vol.w[k] = images[i * 784 + k] / 255;
    trainer.train(vol, pack[labelsAt + i]);
  }
  const c = process.cpuUsage(c0);
  return {
    images_per_s: CONVNETJS_IMAGES / ((c.user + c.system) / 1e6),
    wall_images_per_s: CONVNETJS_IMAGES / ((performance.now() - t0) / 1000),
  };
}

/** Median, min and max of runs' rates (images/CPU-s), and the wall clock's median. */
function summary(runs) {
  const median = (a) => {
    const s = [...a].sort((x, y) => x - y);
    const h = s.length >> 1;
    return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
  };
  const cpu = runs.map((r) => r.images_per_s);
  return {
    runs: runs.length,
    images_per_s: median(cpu),
    min: Math.min(...cpu),
    max: Math.max(...cpu),
    wall_images_per_s: median(runs.map((r) => r.wall_images_per_s)),
  };
}

const torchInstalled = hasTorch();
const warm = await openWarm();
const ourRuns = [],
  torchRuns = [];
let accuracy = 0;
for (let i = 0; i < RUNS; ++i) {
  const r = await ours(warm);
  accuracy = r.test_accuracy;
  ourRuns.push(r);
  if (torchInstalled) {
    const t = pytorch();
    torchRuns.push({
      images_per_s: t.images_per_cpu_s,
      wall_images_per_s: t.images_per_s,
      torch: t.torch,
    });
  }
}
warm.lab.delete();
const us = summary(ourRuns);
const peers = [];
if (torchInstalled) {
  peers.push({ peer: 'pytorch', ...summary(torchRuns), note: `torch ${torchRuns[0].torch}` });
}
const cjsRuns = [];
for (let i = 0; i < CONVNETJS_RUNS; ++i) cjsRuns.push(await convnetjs());
peers.push({ peer: 'convnetjs', ...summary(cjsRuns), note: `${CONVNETJS_IMAGES} images` });

const n = (v) => String(Math.round(v)).padStart(6);
const rate = (p) =>
  `${n(p.images_per_s)} images/CPU-s (${Math.round(p.min)} to ${Math.round(p.max)}), ` +
  `${Math.round(p.wall_images_per_s)} by the wall clock`;
console.log(
  `training, tiny network, batch 32, 1 thread, median of ${RUNS} runs (min to max), ours and ` +
    `PyTorch's alternating: convplay WASM ${rate(us)} (${IMAGES} images, test accuracy after ` +
    `1 epoch ${(100 * accuracy).toFixed(1)}%)`,
);
for (const p of peers) {
  const ratio = p.images_per_s / us.images_per_s;
  console.log(
    `  ${p.peer.padEnd(10)} ${rate(p)} (${p.note}, ${p.runs} runs); ratio of the medians ${ratio.toFixed(3)}`,
  );
}
if (!torchInstalled)
  console.log('  pytorch: not installed (apt-get install python3-torch), no row');
if (json) {
  for (const p of peers) {
    console.log(
      JSON.stringify({
        shape: 'tiny',
        op: 'train',
        ratio: Number((p.images_per_s / us.images_per_s).toFixed(4)),
        peer: p.peer,
        runs: p.runs,
        images_per_s: Math.round(us.images_per_s),
        images_per_s_min: Math.round(us.min),
        images_per_s_max: Math.round(us.max),
        peer_images_per_s: Math.round(p.images_per_s),
        peer_images_per_s_min: Math.round(p.min),
        peer_images_per_s_max: Math.round(p.max),
      }),
    );
  }
}
