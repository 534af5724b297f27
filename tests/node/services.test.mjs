// The services of the panels' context (web/src/page/services/): the inspected
// pixel and the filter bank's actions, on a real state store (common/state.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createStore } from '../../web/src/common/state.js';
import { createPixel, parsePin } from '../../web/src/page/services/pixel.js';
import { createFilters } from '../../web/src/page/services/filters.js';

test('parsePin reads "k.y.x" and nothing else', () => {
  assert.deepEqual(parsePin('1.20.3'), { k: 1, y: 20, x: 3 });
  assert.equal(parsePin(''), null);
  assert.equal(parsePin('1.2'), null);
  assert.equal(parsePin('a.1.2'), null);
});

test('the pixel service: the pinned pixel wins over the hovered one, inside the output only', () => {
  const store = createStore({ initial: 'k=2' });
  let result = { output: { shape: [1, 2, 10, 20] } };
  const pixel = createPixel({ store, result: () => result });
  const seen = [];
  const off = pixel.onHover((p) => seen.push(p));
  pixel.hover({ k: 1, y: 9, x: 19 });
  assert.deepEqual(pixel.target(), { k: 1, y: 9, x: 19 });
  pixel.toggle({ k: 0, y: 2, x: 3 });
  assert.equal(store.state.at, '0.2.3');
  assert.deepEqual(pixel.target(), { k: 0, y: 2, x: 3 }); // pinned, though another is hovered
  pixel.toggle({ k: 0, y: 2, x: 3 }); // the pinned one again: unpinned
  assert.equal(store.state.at, '');
  // a smaller output: the hovered pixel lies outside it
  result = { output: { shape: [1, 2, 5, 5] } };
  assert.equal(pixel.target(), null);
  result = { error: { message: 'impossible' }, output: null };
  assert.equal(pixel.target(), null);
  off();
  pixel.hover(null);
  assert.deepEqual(seen, [{ k: 1, y: 9, x: 19 }]);
  assert.equal(pixel.hovered, null);
  assert.throws(() => {
    pixel.extra = 1; // frozen (modules are strict: the write throws)
  }, TypeError);
});

test('the filter actions: a preset, a weight (the filter becomes custom), a bias, edit requests', () => {
  const store = createStore({ initial: 'k=3&f=3&grey=1&filters=sobelx' });
  const filters = createFilters({ store });
  filters.setPreset(2, 'gauss');
  assert.deepEqual(store.state.filters, ['sobelx', 'sobelx', 'gauss']);
  filters.setWeight(1, 4, 2.5);
  assert.deepEqual(store.state.filters, ['sobelx', 'custom', 'gauss']);
  assert.equal(store.state.w1.length, 9);
  assert.equal(store.state.w1[4], 2.5);
  assert.equal(store.state.w1[0], -1); // the other weights are Sobel x's
  filters.setBias(2, 0.5);
  assert.deepEqual(store.state.bias, [0, 0, 0.5]);
  const asked = [];
  const off = filters.onEdit((k) => asked.push(k));
  filters.edit(2);
  off();
  filters.edit(0);
  assert.deepEqual(asked, [2]);
});
