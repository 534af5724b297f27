// The gradients panel's maps drawn by the worker (worker/draw/gradients.js):
// the saliency picture, dL/dX per channel, batch norm's output maps and its
// dL/dy arrive as ImageBitmaps (or, without OffscreenCanvas, as RGBA pixels),
// every bitmap is drawn, and every canvas shows exactly the pixels the page
// fills from the gradients' numbers with the shared colour code
// (common/colormap.js, common/saliency.js), computed here in Node.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fillDiverging, mapScale, rangeOf } from '../../web/src/common/colormap.js';
import { fillSaliency } from '../../web/src/common/saliency.js';
import { openSuite, closeSuite, openPage, openWithoutOffscreen, waitIdle } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

const HASH = 'img=checker&size=40&k=3&f=3&p=1&filters=random&seed=11&gon=1&gl=sq&gbn=1&batch=2';

/** The gradients shown, how their pictures came, and every map canvas's RGBA bytes. */
async function readPanel(page) {
  await page.waitForSelector('#gradients[data-state="ok"]', { timeout: 30000 });
  await waitIdle(page, 30000);
  return page.evaluate(() => {
    const g = window.convplay.panel('gradients').last;
    const r = window.convplay.panel('gradients').result;
    const px = (c) => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
    const all = (sel) => [...document.querySelectorAll(sel)].map(px);
    const p = g.pictures;
    const pics = p ? [p.saliency, ...p.dx, ...(p.bnOut ?? []), ...(p.bnDy ?? [])] : [];
    return {
      kind: p?.kind ?? null,
      drawn: pics.every((x) => !x.bitmap || x.bitmap.width === 0),
      input: Array.from(r.input.data),
      inputShape: r.input.shape,
      dx: Array.from(g.dx),
      dxShape: g.dxShape,
      outShape: g.outShape,
      saliency: Array.from(g.saliency),
      bnOut: Array.from(g.bnOut),
      dyConv: Array.from(g.dyConv),
      shown: {
        saliency: all('#gradients canvas.g-saliency'),
        dx: all('#gradients .g-dxmap > canvas'),
        bnOut: all('#gradients .g-bnout > canvas'),
        bnDy: all('#gradients .g-bndy > canvas'),
      },
    };
  });
}

/** n maps of data (plane values each) as RGBA bytes, on one range (or each its own). */
function divergingBytes(data, n, plane, range) {
  return Array.from({ length: n }, (_, i) => {
    const px = new Uint8ClampedArray(4 * plane);
    const scale = mapScale(rangeOf(data, i * plane, plane), range).range;
    fillDiverging(new Uint32Array(px.buffer), data, i * plane, plane, scale);
    return Array.from(px);
  });
}

/** What each canvas must show, from the gradients' numbers. */
function expected(s) {
  const [, d1, h1, w1] = s.dxShape;
  const [, K, h2, w2] = s.outShape;
  const sal = new Uint8ClampedArray(4 * h1 * w1);
  fillSaliency(sal, s.saliency, s.input, d1, h1 * w1, rangeOf(s.saliency).max);
  return {
    saliency: [Array.from(sal)],
    dx: divergingBytes(s.dx, d1, h1 * w1, rangeOf(s.dx).absMax),
    bnOut: divergingBytes(s.bnOut, K, h2 * w2, undefined),
    bnDy: divergingBytes(s.dyConv, K, h2 * w2, rangeOf(s.dyConv).absMax),
  };
}

function assertSame(shown, want) {
  for (const name of Object.keys(want)) {
    assert.equal(shown[name].length, want[name].length, `${name}: number of maps`);
    want[name].forEach((bytes, i) => {
      const got = shown[name][i];
      assert.equal(got.length, bytes.length, `${name} ${i + 1}: size`);
      const bad = bytes.findIndex((v, j) => v !== got[j]);
      assert.equal(bad, -1, `${name} ${i + 1}: byte ${bad} is ${got[bad]}, want ${bytes[bad]}`);
    });
  }
}

test("the worker draws the gradients' maps as bitmaps, with the pixels of their numbers", async () => {
  const { page, errors } = await openPage(browser, server.url, { hash: HASH });
  const s = await readPanel(page);
  assert.equal(s.kind, 'bitmap');
  assert.ok(s.drawn, 'every bitmap was drawn (and closed)');
  assert.deepEqual(s.outShape.slice(0, 2), [2, 3]); // a batch of 2, 3 maps: image 1's are shown
  assertSame(s.shown, expected(s));
  assert.deepEqual(errors, []);
  await page.close();
});

test('without OffscreenCanvas the worker sends the pixels, and the maps are the same', async () => {
  const { page, errors } = await openWithoutOffscreen(browser, `${server.url}#${HASH}`);
  const s = await readPanel(page);
  assert.equal(s.kind, 'pixels');
  assertSame(s.shown, expected(s));
  assert.deepEqual(errors, []);
  await page.close();
});
