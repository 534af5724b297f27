// The network lab's API for the student's own classes and for the trained
// weights (wasm/js/convplay_nn.mjs): the class set's rules with their
// messages, pictures of any size downscaled by the module and split for
// testing, and parameters() / setParameters() reading back exactly and
// refusing what does not fit.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { DIST, labWasmBytes } from './helpers.mjs';
import { makePng } from '../browser/helpers.mjs';

let api, lab, nn;
before(async () => {
  nn = await import(path.join(DIST, 'convplay_nn.mjs'));
  api = await nn.createNetworkLab({ wasmBinary: labWasmBytes() });
  lab = api.NetworkLab();
});
after(() => lab.delete());

const convplayError = (re) => (e) => e.name === 'ConvplayError' && re.test(e.message);
const png = (w, h, v) => makePng(w, h, (x, y) => [v(x, y), v(x, y), v(x, y)]);
const stripes = (n) =>
  Array.from({ length: n }, (_, i) => png(20 + i, 30, (x) => (x % 4 < 2 ? 220 : 20)));
const bars = (n) =>
  Array.from({ length: n }, (_, i) => png(40, 25 + i, (x, y) => (y % 4 < 2 ? 220 : 20)));

test('the class set: 2 to 4 named classes of 5 to 60 pictures, each rule with its message', () => {
  lab.setNetwork(api.tinyNetwork({ classes: 4 }), 1);
  const c = (name, images) => ({ name, images });
  assert.throws(
    () => lab.setClasses([c('a', stripes(5))]),
    convplayError(/^1 class: the lab trains on 2 to 4 classes$/),
  );
  assert.throws(
    () => lab.setClasses(['a', 'b', 'c', 'd', 'e'].map((n) => c(n, stripes(5)))),
    convplayError(/^5 classes: the lab trains on 2 to 4 classes$/),
  );
  assert.throws(
    () => lab.setClasses([c('cup', stripes(5)), c('cat', bars(4))]),
    convplayError(/^class "cat" has 4 images; each class needs at least 5/),
  );
  assert.throws(
    () => lab.setClasses([c('cup', stripes(5)), c('cat', bars(61))]),
    convplayError(/^class "cat" has 61 images; at most 60 per class$/),
  );
  assert.throws(
    () => lab.setClasses([c('cup', stripes(5)), c(' ', bars(5))]),
    convplayError(/^class 2 has no name/),
  );
  assert.throws(
    () => lab.setClasses([c('cup', stripes(5)), c('CUP', bars(5))]),
    convplayError(/^two classes are named "CUP"/),
  );
  const torn = [...bars(4), new Uint8Array([1, 2, 3])];
  assert.throws(
    () => lab.setClasses([c('cup', stripes(5)), c('cat', torn)]),
    convplayError(/^class "cat", image 5: .*cannot read the image header/),
  );
  assert.throws(
    () => lab.setClasses([c('cup', stripes(5)), c('cat', [...bars(4), 'a picture'])]),
    convplayError(/^class "cat" image 5 must be a Uint8Array or an ArrayBuffer/),
  );
});

test('pictures of any size are downscaled, split every fifth for testing, and train', () => {
  lab.setNetwork(api.tinyNetwork({ classes: 2, batchnorm: true }), 3);
  const r = lab.setClasses([
    { name: 'stripes', images: stripes(12) },
    { name: 'bars', images: bars(10) },
  ]);
  assert.deepEqual(r.classes, ['stripes', 'bars']);
  assert.deepEqual(r.perClass, [
    { train: 10, test: 2 },
    { train: 8, test: 2 },
  ]);
  assert.equal(r.train, 18);
  assert.equal(r.test, 4);
  const t = lab.testImage(0);
  assert.equal(t.label, 0);
  assert.equal(t.pixels.length, 784);
  lab.startTraining({ epochs: 15, batchSize: 8, learningRate: 0.05 });
  while (!lab.steps(10).done);
  const e = lab.evaluate(0);
  assert.equal(e.classes, 2);
  assert.equal(e.accuracy, 1, 'vertical and horizontal stripes are told apart');
});

test('parameters read back exactly; wrong sizes, values and layers are refused and change nothing', () => {
  lab.setNetwork(api.tinyNetwork({ batchnorm: true }), 5);
  const p = lab.parameters();
  assert.deepEqual(
    p.map((l) => l.layer),
    [0, 1, 4, 5, 8],
  );
  const probs = () => lab.classify(new Uint8Array(784).fill(90)).probs;
  const before = probs();
  // other weights change the output; the old ones bring it back exactly
  lab.setNetwork(api.tinyNetwork({ batchnorm: true }), 6);
  assert.notDeepEqual(probs(), before);
  assert.deepEqual(lab.setParameters(p), { layers: 5 });
  assert.deepEqual(probs(), before);
  // JSON-like plain arrays work the same
  const plain = p.map((l) => ({
    layer: l.layer,
    w: l.w && Array.from(l.w.data),
    b: l.b && Array.from(l.b),
    gamma: l.gamma && Array.from(l.gamma),
    beta: l.beta && Array.from(l.beta),
    runningMean: l.runningMean && Array.from(l.runningMean),
    runningVar: l.runningVar && Array.from(l.runningVar),
  }));
  assert.deepEqual(lab.setParameters(plain), { layers: 5 });
  assert.deepEqual(probs(), before);

  const edit = (k, key, fn) =>
    plain.map((l, i) => (i === k ? { ...l, [key]: fn(l[key].slice()) } : l));
  assert.throws(
    () => lab.setParameters(edit(0, 'w', (w) => w.slice(1))),
    convplayError(/^layer 0 \(conv 8@3x3 stride 1 pad 0\): w has 71 values; this layer has 72$/),
  );
  assert.throws(
    () => lab.setParameters(edit(2, 'b', (b) => ((b[3] = NaN), b))),
    convplayError(/^parameters\[2\]\.b\[3\] is NaN, not a finite number$/),
  );
  assert.throws(
    () => lab.setParameters(edit(1, 'runningVar', (v) => ((v[0] = -1), v))),
    convplayError(/^layer 1 \(batch norm\): runningVar has a negative variance$/),
  );
  assert.throws(
    () => lab.setParameters(edit(4, 'w', (w) => ((w[0] = 1e39), w))),
    convplayError(/^parameters\[4\]\.w\[0\] is 1e\+39, beyond the float32 range$/),
  );
  assert.throws(
    () => lab.setParameters(plain.slice(1)),
    convplayError(
      /^the file has parameters for 4 layers; this network has 5 layers with parameters$/,
    ),
  );
  assert.throws(
    () => lab.setParameters(plain.map((l) => ({ ...l, layer: l.layer === 4 ? 3 : l.layer }))),
    convplayError(/^parameters 2 are for layer 3; this network's next layer with parameters is 4/),
  );
  // a refused set changed nothing: an error in the last layer leaves the first as it was
  lab.setNetwork(api.tinyNetwork({ batchnorm: true }), 6);
  const fresh = probs();
  assert.throws(() => lab.setParameters(edit(4, 'b', (b) => b.slice(1))), convplayError(/layer 8/));
  assert.deepEqual(probs(), fresh);
});
