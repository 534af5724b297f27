// convplay — the training rows of `npm run bench`: the "tiny" network without
// batch norm (conv 8@3x3 - ReLU - pool - conv 16@3x3 - ReLU - pool - fc 10),
// batch 32, one epoch, one thread, through the WASM module in Node, against
//   pytorch    Debian's python3-torch natively (/usr/bin/python3), if installed
//   convnetjs  npm convnetjs 0.3.0 in Node (no batch norm)
// all measured in this run. Prints a table, then (with --json) one line per
// peer: {"shape":"tiny","op":"train","ratio":..,"peer":..} where ratio = our
// seconds per image / the peer's (below 1 is faster). Rates are images per
// second of the process's CPU time (one thread each), which the other work on a
// shared machine disturbs far less than the wall clock; both are printed.
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

async function ours() {
  const { api, lab } = await openLab();
  const r = await train(lab, api.tinyNetwork, {
    epochs: 1,
    batch: 32,
    lr: 0.05,
    bn: false,
    seed: 1,
  });
  lab.delete();
  return {
    images_per_s: IMAGES / r.cpuSeconds,
    wall_images_per_s: IMAGES / r.seconds,
    test_accuracy: r.epochs[0].accuracy,
  };
}

function pytorch() {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    return null; // python3-torch is not installed: no row
  }
  const out = execFileSync(
    '/usr/bin/python3',
    [path.join(ROOT, 'tests/bench/train_torch.py'), String(IMAGES)],
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

const us = await ours();
const peers = [];
const torchRow = pytorch();
if (torchRow) {
  peers.push({
    peer: 'pytorch',
    images_per_s: torchRow.images_per_cpu_s,
    wall_images_per_s: torchRow.images_per_s,
    note: `torch ${torchRow.torch}`,
  });
}
peers.push({ peer: 'convnetjs', ...(await convnetjs()), note: `${CONVNETJS_IMAGES} images` });

const wall = (p) => `${Math.round(p.wall_images_per_s)} by the wall clock`;
console.log(
  `training, tiny network, batch 32, 1 thread: convplay WASM ${Math.round(us.images_per_s)} images/CPU-s, ${wall(us)} ` +
    `(${IMAGES} images, test accuracy after 1 epoch ${(100 * us.test_accuracy).toFixed(1)}%)`,
);
for (const p of peers) {
  const ratio = p.images_per_s / us.images_per_s;
  console.log(
    `  ${p.peer.padEnd(10)} ${String(Math.round(p.images_per_s)).padStart(6)} images/CPU-s, ${wall(p)} (${p.note}); ` +
      `ratio ${ratio.toFixed(3)}`,
  );
}
if (!torchRow) console.log('  pytorch: not installed (apt-get install python3-torch), no row');
if (json) {
  for (const p of peers) {
    console.log(
      JSON.stringify({
        shape: 'tiny',
        op: 'train',
        ratio: Number((p.images_per_s / us.images_per_s).toFixed(4)),
        peer: p.peer,
        images_per_s: Math.round(us.images_per_s),
        peer_images_per_s: Math.round(p.images_per_s),
      }),
    );
  }
}
