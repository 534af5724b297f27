// The AlexNet exercise's requests (web/src/page/panels/alexnet/exercise.js)
// against an engine whose answers the test releases one by one: whatever
// order the layer's results and the exercise's answers come in, the exercise
// ends on the latest drawn result's image, and an error goes with the exercise.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { exercise } from '../../web/src/page/panels/alexnet/exercise.js';

/** An error like the worker's when the layer a job names is no longer its latest. */
function stale() {
  const e = new Error('the layer was replaced');
  e.name = 'StaleLayer';
  return e;
}

/** A context whose engine holds each exercise job until the test answers it. */
function setUp() {
  const jobs = [];
  const drawn = [];
  const ctx = {
    state: { alex: true, seed: 7 },
    result: null,
    engine: {
      alexnet: (job) => new Promise((resolve, reject) => jobs.push({ job, resolve, reject })),
    },
    alexnet: { publish() {} },
    emit() {},
  };
  const text = () => ({ textContent: '', hidden: false });
  const views = {
    root: { dataset: {} },
    busy: text(),
    err: text(),
    hide: text(),
    result: { element: text(), draw: (a) => drawn.push(a.layerKey) },
  };
  return { ctx, jobs, drawn, compute: exercise(ctx, views), views };
}

/** The worker's answer to the exercise on layer layerKey. */
const answer = (layerKey) => ({
  layerKey,
  ms: 1,
  output: { shape: [1, 96, 55, 55] },
  geometry: { weight: [96, 3, 11, 11], input: [1, 3, 227, 227] },
});
const settle = () => new Promise((r) => setTimeout(r, 0));

test('a second result of the same image while the exercise runs, and the job found stale: it runs again on the latest', async () => {
  const { ctx, jobs, drawn, compute } = setUp();
  const r1 = { key: 'L1', input: { key: 'cat' } };
  const r2 = { key: 'L2', input: { key: 'cat' } };
  ctx.result = r1;
  compute(false, r1);
  assert.equal(jobs.length, 1);
  // the next layer of the same image is drawn while the job is in flight: it waits for that job
  ctx.result = r2;
  compute(false, r2);
  assert.equal(jobs.length, 1);
  // the worker already holds layer L2: the job on L1 is refused as stale
  jobs[0].reject(stale());
  await settle();
  assert.equal(jobs.length, 2, 'the exercise was left waiting for a change');
  assert.equal(jobs[1].job.layerKey, 'L2');
  jobs[1].resolve(answer('L2'));
  await settle();
  assert.deepEqual(drawn, ['L2']);
});

test('a stale job whose newer result has not arrived yet: that result asks for the exercise', async () => {
  const { ctx, jobs, drawn, compute } = setUp();
  const r1 = { key: 'L1', input: { key: 'cat' } };
  ctx.result = r1;
  compute(false, r1);
  jobs[0].reject(stale());
  await settle();
  assert.equal(jobs.length, 1, 'no request on the stale layer again');
  const r2 = { key: 'L2', input: { key: 'cat' } };
  ctx.result = r2;
  compute(false, r2);
  assert.equal(jobs.length, 2);
  jobs[1].resolve(answer('L2'));
  await settle();
  assert.deepEqual(drawn, ['L2']);
});

test('an error other than stale is shown, and the same image is not asked for again', async () => {
  const { ctx, jobs, drawn, compute, views } = setUp();
  const r1 = { key: 'L1', input: { key: 'cat' } };
  ctx.result = r1;
  compute(false, r1);
  jobs[0].reject(new Error('out of memory'));
  await settle();
  assert.equal(views.err.textContent, 'out of memory');
  assert.equal(views.err.hidden, false);
  compute(false, { key: 'L2', input: { key: 'cat' } });
  assert.equal(jobs.length, 1);
  assert.deepEqual(drawn, []);
});

test('an error shown goes when the exercise is turned off', async () => {
  const { ctx, jobs, compute, views } = setUp();
  const r1 = { key: 'L1', input: { key: 'cat' } };
  ctx.result = r1;
  compute(false, r1);
  jobs[0].reject(new Error('out of memory'));
  await settle();
  assert.equal(views.err.hidden, false);
  ctx.state.alex = false;
  compute();
  assert.equal(views.err.hidden, true, 'the error of an exercise no longer shown stayed up');
});
