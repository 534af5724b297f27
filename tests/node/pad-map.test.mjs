// The layer job's padded coordinate maps (web/src/worker/pipeline.js padMap): every entry is
// what the module's padSourceIndex says for that coordinate, in every padding mode, while the
// module is asked only about the border (the first view runs them cold: a call into the
// module per coordinate cost tens of milliseconds).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { register } from 'node:module';
import { loadConvplay } from './helpers.mjs';

register('./web-hooks.mjs', import.meta.url);
globalThis.self ??= { location: new URL('http://localhost/worker.js') };

const { padMap } = await import('../../web/src/worker/pipeline.js');

let cp;
before(async () => {
  cp = await loadConvplay();
});

/** The module's answer for one coordinate (-1 where it refuses, as padMap records it). */
function moduleIndex(i, n, mode) {
  try {
    return cp.padSourceIndex(i, n, mode);
  } catch {
    return -1;
  }
}

for (const mode of ['zero', 'replicate', 'reflect', 'circular']) {
  test(`padMap matches padSourceIndex at every coordinate (${mode})`, () => {
    for (const n of [1, 2, 3, 5, 17, 256]) {
      for (const pad of [0, 1, 2, 3, 7, 16]) {
        const map = padMap(cp, n, pad, mode);
        assert.equal(map.length, n + 2 * pad, `n ${n}, pad ${pad}: length`);
        for (let i = -pad; i < n + pad; i++) {
          assert.equal(map[i + pad], moduleIndex(i, n, mode), `n ${n}, pad ${pad}, i ${i}`);
        }
      }
    }
  });
}

test('padMap asks the module only about the 2 * pad border coordinates', () => {
  const asked = [];
  const spy = {
    padSourceIndex(i, n, mode) {
      asked.push(i);
      return cp.padSourceIndex(i, n, mode);
    },
  };
  const map = padMap(spy, 256, 2, 'reflect');
  assert.deepEqual(asked, [-2, -1, 256, 257]);
  assert.deepEqual(Array.from(map.slice(0, 4)), [2, 1, 0, 1]);
  assert.deepEqual(Array.from(map.slice(-4)), [254, 255, 254, 253]);
});
