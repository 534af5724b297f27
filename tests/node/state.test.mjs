// The state table's link parsing (web/src/common/state.js), without a browser:
// numbers in a link are decimal, clamped to their row's range; anything else
// falls back to the row's default.
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseHash, serialize, defaults, rowOf } from '../../web/src/common/state.js';

test('numbers in a link are decimal: hex, binary, separators and Infinity are refused', () => {
  const d = defaults();
  for (const bad of [
    '0x10',
    '0b11',
    '0o7',
    '1_0',
    'Infinity',
    '-Infinity',
    'NaN',
    '1e',
    '--2',
    '3px',
  ]) {
    assert.equal(parseHash(`k=${bad}`).k, d.k, `k=${bad} falls back to the default`);
    assert.equal(parseHash(`glr=${bad}`).glr, d.glr, `glr=${bad} falls back to the default`);
  }
  assert.equal(parseHash('k=10').k, 10);
  assert.equal(parseHash('k=+7').k, 7);
  assert.equal(parseHash('k=7.6').k, 8, 'an int row rounds');
  assert.equal(parseHash('k=1e1').k, 10, 'an exponent is decimal');
  assert.equal(parseHash('k=999').k, rowOf('k').max, 'clamped to the row');
  assert.equal(parseHash('glr=.5').glr, 0.5);
});

test('a list of weights keeps its decimal entries and zeroes the others', () => {
  const s = parseHash('filters=custom&w0=1,0x10,-2.5,abc');
  assert.deepEqual(s.w0.slice(0, 4), [1, 0, -2.5, 0]);
});

test('serialize and parseHash round-trip the defaults and a changed state', () => {
  assert.deepEqual(parseHash(serialize(defaults())), defaults());
  const s = parseHash('f=5&p=2&s=2&k=6&pad=reflect');
  assert.deepEqual(parseHash(serialize(s)), s);
});
