// The inspector's fixed decimals (web/src/page/fixed.js): numbers written with d
// decimals, and sums of them that add up by hand, checked on values worked out by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { decimalsFor, fixed, shownSum, unitsText } from '../../web/src/page/fixed.js';

test('unitsText writes a count of the d-th decimal', () => {
  assert.equal(unitsText(3025, 4), '0.3025');
  assert.equal(unitsText(-7, 2), '-0.07');
  assert.equal(unitsText(0, 3), '0.000');
  assert.equal(unitsText(123456, 2), '1234.56');
  assert.equal(fixed(-0.00001, 4), '0.0000', 'never "-0.0000"');
  assert.equal(fixed(0.12345, 3), '0.123');
});

test('decimalsFor gives the largest value about four significant digits, 2 to 6 decimals', () => {
  assert.equal(decimalsFor([0.3025, -0.01]), 4);
  assert.equal(decimalsFor([2.5]), 3);
  assert.equal(decimalsFor([12]), 2);
  assert.equal(decimalsFor([1234]), 2);
  assert.equal(decimalsFor([0.004]), 6);
  assert.equal(decimalsFor([1e-9]), 6);
  assert.equal(decimalsFor([0, 0]), 2);
});

test('shownSum: the rounded parts, the rounded sum, and what rounding changed', () => {
  // 0.11114 + 0.11114 + 0.11114 = 0.33342: shown 0.1111 three times (0.3333), the sum 0.3334
  assert.deepEqual(shownSum([0.11114, 0.11114, 0.11114], 4), {
    shown: 3333,
    value: 3334,
    rounding: 1,
  });
  // parts that round exactly: nothing to write out
  assert.deepEqual(shownSum([0.25, -0.125, 0.5], 3), { shown: 625, value: 625, rounding: 0 });
  // the sum to round can be given (the core's float32 total, say)
  assert.equal(shownSum([0.1, 0.2], 2, 0.3049).value, 30);
});
