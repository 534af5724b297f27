// The job table (web/src/worker/protocol.js JOBS) is the one both sides
// read: every job has a worker handler and an engine method, nothing else
// has either, each job takes its lane, and an unknown type is refused by
// name on both sides. The engine runs here against the worker's own code
// (handlers.js, answer.js) and the real module, in this thread.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { register } from 'node:module';
import { loadConvplay } from './helpers.mjs';

register('./web-hooks.mjs', import.meta.url);
globalThis.self ??= { location: new URL('http://localhost/worker.js') };

const { JOBS } = await import('../../web/src/worker/protocol.js');
const { createHandlers } = await import('../../web/src/worker/handlers.js');
const { answer } = await import('../../web/src/worker/answer.js');
const { createEngine } = await import('../../web/src/page/engine.js');

let cp;
before(async () => {
  cp = await loadConvplay();
});

/** A Worker whose messages go to the worker's handlers in this thread (clones them, as postMessage does). */
class LocalWorker {
  constructor() {
    this.handlers = createHandlers();
    this.sent = [];
    setTimeout(() => this.onmessage?.({ data: { ready: true } }));
  }
  postMessage(msg) {
    this.sent.push(msg.type);
    const copy = structuredClone(msg);
    answer(cp, this.handlers, copy).then(({ reply }) =>
      setTimeout(() => this.onmessage?.({ data: structuredClone(reply) })),
    );
  }
  terminate() {}
}

function engineHere() {
  globalThis.Worker = LocalWorker;
  globalThis.location ??= new URL('http://localhost/');
  const engine = createEngine();
  return engine;
}

test('every job of the table has a worker handler and an engine method, and nothing else does', () => {
  const types = Object.keys(JOBS);
  assert.deepEqual(Object.keys(createHandlers()).sort(), [...types].sort());
  const engine = engineHere();
  for (const [type, spec] of Object.entries(JOBS)) {
    assert.ok(['latest', 'queue'].includes(spec.lane), `${type}: lane ${spec.lane}`);
    assert.equal(typeof engine[spec.method ?? type], 'function', `engine.${spec.method ?? type}`);
  }
  engine.destroy();
});

test('each result the table names is declared in protocol.js', async () => {
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(new URL('../../web/src/worker/protocol.js', import.meta.url), 'utf8');
  for (const [type, { result }] of Object.entries(JOBS)) {
    if (result === 'never') continue;
    const name = result.replace(/\[\]$/, '');
    assert.match(text, new RegExp(`@typedef \\{[^@]*?\\}\\s+${name}\\b`), `${type}: ${result}`);
  }
});

test('an unknown job type is refused by name on both sides', async () => {
  const engine = engineHere();
  await engine.ready;
  await assert.rejects(engine.run('layers', {}), (e) => {
    assert.equal(e.name, 'UnknownJob');
    assert.match(e.message, /^unknown job "layers": the jobs are source, layer, /);
    return true;
  });
  engine.destroy();
  const { reply } = await answer(cp, createHandlers(), { id: 7, type: 'toString' });
  assert.equal(reply.ok, false);
  assert.equal(reply.error.name, 'UnknownJob');
  assert.match(reply.error.message, /unknown job "toString"/);
});

test("a 'latest' job replaced before it was sent resolves null; 'queue' jobs all run", async () => {
  const engine = engineHere();
  await engine.ready;
  await engine.setSource('s', { kind: 'synthetic', name: 'checker' }, 64);
  const state = (f) => ({ size: 16, fit: 'square', grey: false, f, k: 1, s: 1, p: 0, dil: 1 });
  const job = (key, f) => ({ key, source: 's', state: fullState(state(f)), extras: [] });
  const [a, b, c] = [engine.layer(job(1, 3)), engine.layer(job(2, 5)), engine.layer(job(3, 7))];
  const [ra, rb, rc] = await Promise.all([a, b, c]);
  assert.equal(ra.key, 1);
  assert.equal(rb, null, 'the waiting job was replaced');
  assert.equal(rc.key, 3);
  assert.deepEqual(rc.weights.shape.slice(2), [7, 7]);
  const sizes = await Promise.all([1, 2, 3].map((s) => engine.sizes({ axes: [[9, 3, 0, 1, s]] })));
  assert.deepEqual(
    sizes.map((r) => r[0].size),
    [7, 4, 3],
  );
  engine.destroy();
});

let defaultsState;
/** A complete state (common/state.js defaults) with the given fields. */
function fullState(fields) {
  return { ...defaultsState, ...fields };
}
before(async () => {
  const { defaults } = await import('../../web/src/common/state.js');
  defaultsState = defaults();
});
