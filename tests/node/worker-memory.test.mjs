// The worker keeps what the layer uses (the working image, the batch, the
// weights, the layer's output) as resident tensors in the module's memory,
// and frees what a change replaced: after many changes its memory
// statistics are what they were after the first round of the same changes.
// The sources stay out of the module's memory (it never shrinks). The worker's handlers (web/src/worker/handlers.js) run here with
// the real module.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { register } from 'node:module';
import { loadConvplay } from './helpers.mjs';

register('./web-hooks.mjs', import.meta.url);
globalThis.self ??= { location: new URL('http://localhost/worker.js') };

const { createHandlers } = await import('../../web/src/worker/handlers.js');
const { answer } = await import('../../web/src/worker/answer.js');
const { defaults } = await import('../../web/src/common/state.js');

let cp; // each test's own module: its memory statistics are that test's alone
beforeEach(async () => {
  cp = await loadConvplay();
});

/** One worker: run(msg) answers as the worker would (the message cloned), or throws its error. */
function worker() {
  const handlers = createHandlers();
  let id = 0;
  return async (msg) => {
    const { reply } = await answer(cp, handlers, structuredClone({ ...msg, id: ++id }));
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), { name: reply.error.name });
    return reply.result;
  };
}

/** A PNG file of w x h pixels made by the module (a gradient with a seed). */
function png(w, h, seed) {
  const data = Float32Array.from({ length: 3 * w * h }, (_, i) => ((i * seed) % 101) / 101);
  return cp.encodePng({ shape: [1, 3, h, w], data });
}

// changes a student makes: sources, working sizes, grey, batches, filters
const CHANGES = [
  { source: 'file', size: 48 },
  { source: 'file', size: 32, k: 8, f: 5 },
  { source: 'syn', size: 40, batch: 3 },
  { source: 'syn', size: 40, batch: 3, f: 7, p: 3 },
  { source: 'big', size: 64, grey: true },
  { source: 'big', size: 24, fit: 'square', k: 2 },
  { source: 'file', size: 56, batch: 2, dil: 2 },
  { source: 'syn', size: 16, f: 11, p: 0 }, // an impossible layer: no output
  { source: 'file', size: 48 },
];

async function layers(run, round) {
  let key = round * 100;
  for (const c of CHANGES) {
    const { source, batch = 1, ...fields } = c;
    const state = { ...defaults(), ...fields, batch };
    const extras = ['stripes', 'circle', 'checker']
      .slice(0, batch - 1)
      .map((name) => ({ name, url: null }));
    await run({ type: 'layer', key: ++key, source, state, extras });
  }
}

test('what the worker keeps is resident, and after 40 rounds of changes its memory is back to the first round', async () => {
  const run = worker();
  await run({ type: 'source', key: 'syn', source: { kind: 'synthetic', name: 'checker' } });
  await run({ type: 'source', key: 'file', source: { kind: 'bytes', bytes: png(60, 40, 7) } });
  const big = { shape: [1, 3, 90, 120], data: new Float32Array(3 * 90 * 120).fill(0.25) };
  const info = { originalWidth: 3000, originalHeight: 2250, downscaled: true, fileChannels: 3 };
  await run({ type: 'source', key: 'big', source: { kind: 'decoded', image: big, info } });
  assert.equal((await run({ type: 'stats' })).tensors, 0, 'the sources are not in the module');
  await layers(run, 0);
  const first = await run({ type: 'stats' });
  // the working image, the weights and the output of the last change (its batch is the image)
  assert.equal(first.held, first.tensors, 'every resident tensor is one the worker holds');
  assert.equal(first.tensors, 3);
  const [, , h, w] = [1, 3, 32, 48];
  const kept = 3 * h * w + 4 * 3 * 3 * 3 + 4 * h * w; // image, weights [4,3,3,3], output [1,4,32,48]
  assert.equal(first.tensorBytes, 4 * kept);
  for (let round = 1; round <= 40; round++) await layers(run, round);
  const last = await run({ type: 'stats' });
  console.log(
    `worker memory: ${first.tensors} resident tensors, ${first.tensorBytes} bytes, malloc ` +
      `${first.usedBytes} after 1 round; ${last.tensors}, ${last.tensorBytes}, ${last.usedBytes} after 41`,
  );
  assert.equal(last.tensors, first.tensors);
  assert.equal(last.tensorBytes, first.tensorBytes);
  assert.ok(
    last.usedBytes <= first.usedBytes + 65536,
    `malloc ${first.usedBytes} -> ${last.usedBytes}`,
  );
  assert.equal(last.liveHandles, 0);
  assert.equal(last.finalizedTensors, 0, 'nothing was left to the garbage collector');
});

test('a batch the layer no longer uses is freed, also on the same working image', async () => {
  const run = worker();
  await run({ type: 'source', key: 'file', source: { kind: 'bytes', bytes: png(40, 30, 5) } });
  const state = { ...defaults(), size: 40 };
  const extras = ['stripes', 'circle', 'checker'].map((name) => ({ name, url: null }));
  await run({ type: 'layer', key: 1, source: 'file', state: { ...state, batch: 4 }, extras });
  // the working image, the batch of 4, the weights and the output
  assert.equal((await run({ type: 'stats' })).tensors, 4);
  await run({ type: 'layer', key: 2, source: 'file', state, extras: [] });
  const s = await run({ type: 'stats' });
  assert.equal(s.tensors, 3, 'the batch of 4 stayed in the module after the batch went back to 1');
  const kept = 3 * 30 * 40 + 4 * 3 * 3 * 3 + 4 * 30 * 40; // image, weights, output
  assert.equal(s.tensorBytes, 4 * kept);
});

test('sources come and go without the module holding them; their working image is freed', async () => {
  const run = worker();
  for (let i = 0; i < 10; i++) {
    await run({
      type: 'source',
      key: 'file',
      source: { kind: 'bytes', bytes: png(30 + i, 20, i + 3) },
    });
  }
  await run({ type: 'layer', key: 1, source: 'file', state: defaults(), extras: [] });
  assert.equal((await run({ type: 'stats' })).tensors, 3, 'its working image, weights, output');
  await run({ type: 'source', key: 'file', source: { kind: 'bytes', bytes: png(40, 20, 2) } });
  await run({ type: 'layer', key: 2, source: 'file', state: defaults(), extras: [] });
  assert.equal((await run({ type: 'stats' })).tensors, 3, 'the replaced image was freed');
  // more sources than the worker keeps (6): the oldest are dropped, and their pictures freed
  for (let i = 0; i < 9; i++) {
    await run({
      type: 'source',
      key: `f${i}`,
      source: { kind: 'bytes', bytes: png(20, 20, i + 5) },
    });
  }
  const s = await run({ type: 'stats' });
  assert.equal(s.sources, 6);
  assert.equal(s.tensors, 3);
  await assert.rejects(
    run({ type: 'layer', key: 3, source: 'file', state: { ...defaults(), size: 30 }, extras: [] }),
    (e) => e.name === 'MissingSource',
  );
});

test("the layer's output and batch are what the module computes from the image and weights it sends", async () => {
  const run = worker();
  await run({ type: 'source', key: 'file', source: { kind: 'bytes', bytes: png(50, 30, 11) } });
  const state = { ...defaults(), size: 50, k: 3, batch: 2 };
  const r = await run({
    type: 'layer',
    key: 1,
    source: 'file',
    state,
    extras: [{ name: 'circle', url: null }],
  });
  assert.equal(r.batch.n, 2);
  assert.deepEqual(r.batch.input.data.subarray(0, r.input.data.length), r.input.data);
  const y = cp.conv2dForward(r.batch.input, r.weights, r.bias, r.params);
  const [, K, H2, W2] = y.shape;
  assert.deepEqual(r.output.shape, [1, K, H2, W2]);
  assert.deepEqual(r.output.data, y.data.subarray(0, K * H2 * W2));
});

test('the AlexNet exercise runs on the image of a layer that cannot be computed', async () => {
  const run = worker();
  await run({ type: 'source', key: 'file', source: { kind: 'bytes', bytes: png(40, 30, 3) } });
  // F = 11 on a 8 x 6 image with no padding: no output
  const state = { ...defaults(), size: 8, f: 11, p: 0 };
  const r = await run({ type: 'layer', key: 1, source: 'file', state, extras: [] });
  assert.ok(r.error, 'the layer is impossible');
  const a = await run({ type: 'alexnet', layerKey: 1, seed: 1 });
  assert.deepEqual(a.output.shape, [1, 96, 55, 55]);
  await assert.rejects(
    run({ type: 'alexnet', layerKey: 7, seed: 1 }),
    (e) => e.name === 'StaleLayer',
  );
});
