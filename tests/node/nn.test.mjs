// The network lab through the WASM module (wasm/js/convplay_nn.mjs): the
// build's Fashion-MNIST pack loads, the tiny network trains with the loss
// going down, bad networks, settings and packs give the core's messages, and
// a diverging run stops naming its step.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { DIST, labWasmBytes } from './helpers.mjs';

let api, lab, tinyNetwork;
const pack = () => readFileSync(path.join(DIST, 'fashion-mnist.pack.gz'));

before(async () => {
  const nn = await import(path.join(DIST, 'convplay_nn.mjs'));
  api = await nn.createNetworkLab({ wasmBinary: labWasmBytes() });
  tinyNetwork = api.tinyNetwork;
  lab = api.NetworkLab();
});
after(() => lab.delete());

const convplayError = (re) => (e) => e.name === 'ConvplayError' && re.test(e.message);

test('the pack holds 10,000 training and 2,000 test images and is at most 5 MB', () => {
  const bytes = pack();
  assert.ok(bytes.length <= 5e6, `${bytes.length} bytes`);
  assert.deepEqual(lab.loadPack(bytes), { train: 10000, test: 2000 });
});

test('the tiny network: shapes and parameters, with and without batch norm', () => {
  const d = lab.setNetwork(tinyNetwork(), 1);
  assert.deepEqual(
    d.layers.map((l) => l.output),
    [
      [8, 26, 26],
      [8, 26, 26],
      [8, 13, 13],
      [16, 11, 11],
      [16, 11, 11],
      [16, 5, 5],
      [10, 1, 1],
    ],
  );
  assert.equal(d.params, 5258);
  assert.equal(lab.setNetwork(tinyNetwork({ batchnorm: true }), 1).params, 5258 + 48);
});

test('training lowers the loss; evaluation counts every test image', () => {
  lab.loadPack(pack());
  lab.setNetwork(tinyNetwork({ batchnorm: true }), 3);
  const plan = lab.startTraining({ epochs: 1, batchSize: 32, learningRate: 0.05, seed: 3 });
  assert.equal(plan.stepsPerEpoch, 313);
  const first = lab.steps(10);
  let last;
  for (let i = 0; i < 6; ++i) last = lab.steps(10);
  assert.equal(last.step, 70);
  assert.ok(last.loss < first.loss, `${last.loss} < ${first.loss}`);
  assert.equal(last.gradNorms.length, 9);
  assert.ok(last.gradNorms[0] > 0);
  const bn = lab.batchnormStats();
  assert.equal(bn.length, 2);
  assert.equal(bn[1].runningVar.length, 16);
  const e = lab.evaluate(500);
  assert.equal(
    e.confusion.reduce((a, b) => a + b, 0),
    500,
  );
  assert.ok(e.accuracy > 0.3, `accuracy ${e.accuracy} after 70 steps`);
});

test('the same seed trains the same way', () => {
  const run = () => {
    lab.setNetwork(tinyNetwork(), 5);
    lab.startTraining({ epochs: 1, seed: 9 });
    return lab.steps(5).loss;
  };
  assert.equal(run(), run());
});

test('bad networks, settings and data give clear messages', () => {
  const small = { ...tinyNetwork(), height: 8, width: 8 };
  assert.throws(
    () => lab.setNetwork(small),
    convplayError(/layer 6 \(max pool 2x2 stride 2\) on a 1x1x16 input/),
  );
  assert.throws(
    () => lab.setNetwork({ layers: [{ type: 'dense' }] }),
    convplayError(/unknown layer type 'dense'/),
  );
  assert.throws(
    () => lab.setNetwork({ layers: [{ type: 'conv', filters: 'eight' }] }),
    convplayError(/spec.layers\[0\].filters must be an integer/),
  );
  assert.throws(
    () => lab.setNetwork({ layers: [{ type: 'conv', size: 3 }] }),
    convplayError(/unknown field "size"/),
  );
  lab.setNetwork(tinyNetwork(), 1);
  assert.throws(
    () => lab.startTraining({ batchSize: 0 }),
    convplayError(/batch size 0 must be in \[1, 4096\]/),
  );
  assert.throws(
    () => lab.startTraining({ learningRate: '0.1' }),
    convplayError(/learningRate must be a number/),
  );
  assert.throws(
    () => lab.loadPack(new Uint8Array([0, 0, 8, 3, 0])),
    convplayError(/train images: the header needs 16 bytes/),
  );
  assert.throws(() => lab.loadPack('pack'), convplayError(/must be a Uint8Array/));
  // the page's field clamps the index; the module refuses one beyond its test set
  lab.loadPack(pack());
  assert.throws(
    () => lab.testImage(5000),
    convplayError(/test image 5000 does not exist \(the pack has 2000 test images\)/),
  );
});

test('a diverging run stops, names the step and suggests a lower learning rate', () => {
  lab.loadPack(pack());
  lab.setNetwork(tinyNetwork(), 1);
  lab.startTraining({ learningRate: 1e12, schedule: 'constant' });
  assert.throws(
    () => {
      for (let i = 0; i < 50; ++i) lab.steps(1);
    },
    convplayError(/^step \d+ \(epoch 1\): .*lower learning rate/),
  );
  // The module keeps working: a fresh network trains.
  lab.setNetwork(tinyNetwork(), 1);
  lab.startTraining({ learningRate: 0.01 });
  assert.equal(lab.steps(1).step, 1);
});

test('Adam: an optimizer option that trains, deterministically, and refuses bad names', () => {
  lab.loadPack(pack());
  const run = (optimizer) => {
    lab.setNetwork(tinyNetwork(), 4);
    lab.startTraining({ epochs: 1, seed: 4, learningRate: 0.003, optimizer });
    const first = lab.steps(10);
    let last;
    for (let i = 0; i < 5; ++i) last = lab.steps(10);
    return { first: first.loss, last: last.loss };
  };
  const adam = run('adam');
  assert.ok(adam.last < adam.first, `${adam.last} < ${adam.first}`);
  assert.deepEqual(run('adam'), adam);
  assert.notDeepEqual(run('sgd'), adam);
  assert.throws(
    () => lab.startTraining({ optimizer: 'rmsprop' }),
    convplayError(/unknown optimizer 'rmsprop' \(sgd or adam\)/),
  );
  assert.throws(
    () => lab.startTraining({ optimizer: 'adam', beta2: 1 }),
    convplayError(/beta2 1 must be in \[0, 1\)/),
  );
});
