// The notebooks (wasm/js/notebook.mjs) carry the module's own results and
// recompute them with NumPy and PyTorch: each is executed headless with
// nbclient (tests/notebooks/run.py, Debian's python3-nbclient and
// python3-torch) and its check cell must pass. A notebook given a page result
// that is wrong by one value must fail: the checks really check.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { DIST, labWasmBytes, loadConvplay } from './helpers.mjs';
import { computeGradients } from '../../web/src/worker/jobs/gradients.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUN = path.join(ROOT, 'tests/notebooks/run.py');
const OUT = mkdtempSync(path.join(os.tmpdir(), 'convplay-notebooks-'));

let cp, nb;
before(async () => {
  cp = await loadConvplay();
  nb = await import(path.join(DIST, 'notebook.mjs'));
});

/** Runs the notebooks; resolves {ok, out}. */
function execute(files) {
  return new Promise((resolve) => {
    execFile(
      '/usr/bin/python3',
      [RUN, path.join(OUT, 'executed'), ...files],
      { timeout: 900_000, maxBuffer: 1 << 24 },
      (err, stdout, stderr) => resolve({ ok: !err, out: `${stdout}\n${stderr}` }),
    );
  });
}

function save(name, json) {
  const file = path.join(OUT, name);
  writeFileSync(file, json);
  return file;
}

let seed = 12345;
const rand = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32 - 0.5;
};
const tensor = (shape) => ({
  shape,
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, rand),
});

// a true-convolution, reflect-padded, strided, dilated layer
const LAYER = {
  x: tensor([1, 3, 13, 11]),
  w: tensor([4, 3, 3, 3]),
  bias: Float32Array.from([0.1, -0.2, 0.3, 0]),
  params: {
    strideH: 2,
    strideW: 2,
    padH: 2,
    padW: 2,
    dilationH: 2,
    dilationW: 2,
    padMode: 'reflect',
    mode: 'convolution',
  },
};

function layerSpec(params = LAYER.params) {
  const y = cp.conv2dForward(LAYER.x, LAYER.w, LAYER.bias, params);
  return { ...LAYER, params, y };
}

function gradientsSpec() {
  const x = tensor([2, 3, 9, 8]);
  const w = tensor([3, 3, 3, 3]);
  const bias = Float32Array.from([0.05, -0.1, 0.2]);
  const params = {
    strideH: 1,
    strideW: 2,
    padH: 1,
    padW: 1,
    padMode: 'circular',
    mode: 'cross-correlation',
  };
  const y = cp.conv2dForward(x, w, bias, params);
  const req = {
    loss: 'target',
    targetWeights: tensor([3, 3, 3, 3]),
    bn: { gamma: [1.5, 0.5, -1], beta: [0, 0.2, 0.1], eps: 1e-5 },
  };
  const g = computeGradients(cp, { batch: x, params, weights: w, y }, req);
  return {
    x,
    w,
    bias,
    params,
    ...req,
    page: {
      loss: g.loss,
      dx: { shape: g.dxShape, data: g.dx },
      dw: { shape: g.dwShape, data: g.dw },
      db: g.db,
      dgamma: g.dgamma,
      dbeta: g.dbeta,
    },
  };
}

/** The lecture's m = 2 example through the module, as the batch-norm lab computes it. */
function batchnormSpec(x = [1, 3], gamma = 2, beta = 0.5, eps = 1e-5) {
  const shape = [x.length, 1, 1, 1];
  const fwd = cp.batchnormForward({ shape, data: x }, [gamma], [beta], { eps, training: true });
  const y = Array.from(fwd.y.data);
  const dy = y.map((v) => v); // L = 1/2 sum y^2
  const bwd = cp.batchnormBackward({ shape, data: dy }, { shape, data: x }, [gamma], fwd);
  return {
    x,
    gamma,
    beta,
    eps,
    loss: 'sq',
    page: {
      mu: fwd.mean[0],
      var: fwd.var[0],
      xhat: Array.from(fwd.xhat.data),
      y,
      L: y.reduce((s, v) => s + 0.5 * v * v, 0),
      dbeta: bwd.dbeta[0],
      dgamma: bwd.dgamma[0],
      dxhat: Array.from(bwd.dxhat.data),
      dvar: bwd.dvar[0],
      dmu: bwd.dmu[0],
      dx: Array.from(bwd.dx.data),
    },
  };
}

/** A tiny network with batch norm, trained for 60 steps on the build's Fashion-MNIST pack. */
async function networkSpec() {
  const nn = await import(path.join(DIST, 'convplay_nn.mjs'));
  const api = await nn.createNetworkLab({ wasmBinary: labWasmBytes() });
  const lab = api.NetworkLab();
  const network = api.tinyNetwork({ batchnorm: true });
  lab.setNetwork(network, 3);
  lab.loadPack(readFileSync(path.join(DIST, 'fashion-mnist.pack.gz')));
  lab.startTraining({ epochs: 1, batchSize: 32, learningRate: 0.05 });
  lab.steps(60);
  const set = (from, n) => {
    const images = Array.from({ length: n }, (_, i) => lab.testImage(from + i));
    const pixels = new Uint8Array(n * 784);
    images.forEach((im, i) => pixels.set(im.pixels, i * 784));
    return { pixels, labels: images.map((im) => im.label), images };
  };
  const test = set(0, 24);
  const probs = test.images.map((im) => Array.from(lab.classify(im.pixels).probs));
  const spec = { network, parameters: lab.parameters(), test, train: set(24, 96), probs };
  lab.delete();
  return spec;
}

// a kernel starts with torch for each notebook: minutes on a loaded machine
const SLOW = { timeout: 20 * 60_000 };

test('every kind of notebook runs headless and its checks pass', SLOW, async () => {
  const files = [
    save('network.ipynb', nb.networkNotebook(await networkSpec())),
    save('layer.ipynb', nb.layerNotebook(layerSpec())),
    save('layer-zero.ipynb', nb.layerNotebook(layerSpec({ padH: 1, padW: 1 }))),
    save('gradients.ipynb', nb.gradientsNotebook(gradientsSpec())),
    save('batchnorm.ipynb', nb.batchnormNotebook(batchnormSpec())),
  ];
  const { ok, out } = await execute(files);
  assert.ok(ok, out);
  assert.equal(out.match(/CHECK PASSED/g)?.length, files.length, out);
});

test('a notebook whose page result is wrong by one value fails its check', SLOW, async () => {
  const layer = layerSpec();
  layer.y.data[5] += 0.01;
  const grads = gradientsSpec();
  grads.page.dw.data[2] += 0.002 * Math.max(...grads.page.dw.data.map(Math.abs));
  const bn = batchnormSpec();
  bn.page.dmu += 1e-6;
  const net = await networkSpec();
  net.probs[3] = net.probs[3].map((p, k) => (k === 0 ? p + 0.001 : p));
  const files = [
    save('wrong-network.ipynb', nb.networkNotebook(net)),
    save('wrong-layer.ipynb', nb.layerNotebook(layer)),
    save('wrong-gradients.ipynb', nb.gradientsNotebook(grads)),
    save('wrong-batchnorm.ipynb', nb.batchnormNotebook(bn)),
  ];
  const { ok, out } = await execute(files);
  assert.ok(!ok, out);
  for (const file of files) assert.match(out, new RegExp(`${path.basename(file)}: FAILED`), out);
  assert.ok(out.match(/differ/g).length >= files.length, out);
});

test('a wrong argument names the value and the rule', () => {
  const spec = layerSpec();
  assert.throws(
    () => nb.layerNotebook({ ...spec, params: { padMode: 'mirror' } }),
    /padding mode 'mirror': must be one of/,
  );
  assert.throws(
    () => nb.layerNotebook({ ...spec, w: tensor([4, 2, 3, 3]) }),
    /the weights' depth 2: must equal the input's depth 3/,
  );
  assert.throws(
    () => nb.layerNotebook({ ...spec, bias: [1] }),
    /1 biases: there are K = 4 filters/,
  );
  assert.throws(
    () => nb.batchnormNotebook({ ...batchnormSpec(), loss: 'l1' }),
    /loss 'l1': must be one of/,
  );
});

test('numbers reach Python as the same doubles', async () => {
  const values = [8.9776e-10, 1e21, -0.1, 5e-324, 1 / 3, 1e-310, 123456789.123, -2.5e-7, 0];
  const out = await new Promise((resolve, reject) =>
    execFile(
      '/usr/bin/python3',
      ['-c', `import json; print(json.dumps([float(x).hex() for x in ${nb.pyList(values)}]))`],
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    ),
  );
  const hex = JSON.parse(out);
  values.forEach((v, i) => {
    const [, sign, mant, exp] = /^(-?)0x([01]\.[0-9a-f]+)p([+-]\d+)$/.exec(hex[i]);
    const [lead, frac] = mant.split('.');
    const back =
      (sign ? -1 : 1) * (Number(lead) + parseInt(frac, 16) / 16 ** frac.length) * 2 ** Number(exp);
    assert.equal(back, v, `${v} came back as ${hex[i]}`);
  });
});
