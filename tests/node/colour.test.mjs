// The text on coloured cells (web/src/page/render.js), without a browser: on
// every colour of the diverging map (weights, dL/dW, products, the
// step-through's outputs) and on every shade of the confusion matrix, the
// black or white chosen has a WCAG contrast ratio of at least 4.5:1.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as render from '../../web/src/page/render.js';

const { divergingRgb, textOn } = render;

/** WCAG 2 relative luminance of an sRGB colour (this test's own, from the definition). */
function luminance(r, g, b) {
  const lin = (c) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG 2 contrast ratio of two [r, g, b] colours. */
function contrast(a, b) {
  const [hi, lo] = [luminance(...a), luminance(...b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
const rgbOf = (css) => (css === '#000' ? [0, 0, 0] : [255, 255, 255]);

test('the page’s luminance is WCAG 2’s: black 0, white 1, #777 about 0.184 (4.48:1 on white)', () => {
  assert.equal(render.luminance(0, 0, 0), 0);
  assert.equal(render.luminance(255, 255, 255), 1);
  for (const c of [0x10, 0x77, 0xda]) assert.equal(render.luminance(c, 0, c), luminance(c, 0, c));
  assert.ok(Math.abs(luminance(0x77, 0x77, 0x77) - 0.1845) < 1e-3);
  assert.ok(Math.abs(contrast([255, 255, 255], [0x77, 0x77, 0x77]) - 4.48) < 0.01);
});

test('the number on every colour of the diverging map reads at 4.5:1 or more', () => {
  const worst = { ratio: Infinity };
  for (let i = -512; i <= 512; i++) {
    const v = i / 512;
    const bg = divergingRgb(v, 1);
    const ratio = contrast(rgbOf(textOn(v, 1)), bg);
    if (ratio < worst.ratio) Object.assign(worst, { ratio, v, bg, text: textOn(v, 1) });
  }
  assert.ok(
    worst.ratio >= 4.5,
    `value ${worst.v}: ${worst.text} on rgb(${worst.bg}) is ${worst.ratio.toFixed(2)}:1`,
  );
});

test('the counts of the confusion matrix read at 4.5:1 on a light and on a dark panel', () => {
  for (const panel of [
    [255, 255, 255],
    [0x1f, 0x20, 0x26],
  ]) {
    for (let a = 0; a <= 1; a += 1 / 256) {
      const bg = render.blendRgb([33, 102, 172], panel, a);
      const text = render.textOnRgb(...bg);
      const ratio = contrast(rgbOf(text), bg);
      assert.ok(ratio >= 4.5, `${text} on rgb(${bg}) is ${ratio.toFixed(2)}:1`);
    }
  }
});

test('fmtInt groups thousands as toLocaleString("en") does (without Intl)', () => {
  for (const n of [0, 7, 112, 999, 1000, 12345, 123456, 1234567, -4321, 100000000])
    assert.equal(render.fmtInt(n), n.toLocaleString('en'), String(n));
});
