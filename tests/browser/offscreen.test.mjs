// Maps drawn in the worker (worker/draw/pictures.js): the feature maps and the
// padded input arrive as ImageBitmaps (or, without OffscreenCanvas, as RGBA
// pixels) and show exactly the pixels the page draws itself from the same
// result; the filter bank's numbers are drawn on canvases whose accessible
// names list them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  openSuite,
  closeSuite,
  openPage,
  openWithoutOffscreen,
  waitForRuns,
  setInput,
  waitIdle,
  pictureDigest,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

const HASH = 'img=checker&size=64&k=3&f=5&p=2&pad=reflect&filters=random&seed=7';

/** The RGBA bytes of every feature map, as arrays (to compare two drawings). */
const mapPixels = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('#output-volume canvas.fmap')].map((c) =>
      Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data),
    ),
  );

/** How the last result's pictures came: their kind, and whether every bitmap was drawn (closed). */
const pictureState = (page) =>
  page.evaluate(() => {
    const p = window.convplay.result.pictures;
    if (!p) return null;
    const all = [p.padded, ...p.maps];
    return {
      kind: p.kind,
      scale: p.scale,
      drawn: p.kind === 'bitmap' ? all.every((x) => x.bitmap.width === 0) : true,
    };
  });

test('the worker draws the maps as bitmaps: the same pixels as the page draws from the data', async () => {
  const { page, errors } = await openPage(browser, server.url, { hash: HASH });
  assert.deepEqual(await pictureState(page), { kind: 'bitmap', scale: 'map', drawn: true });
  const fromWorker = await mapPixels(page);
  // a view setting redraws the same result on the page's own thread (the worker's
  // pictures were drawn for the other scale): back on 'map', the page's own drawing
  for (const scale of ['layer', 'map']) {
    await page.evaluate((s) => window.convplay.set('scale', s), scale);
    await waitIdle(page);
  }
  assert.equal(await page.evaluate(() => window.convplay.state.scale), 'map');
  const fromPage = await mapPixels(page);
  assert.equal(fromPage.length, 3);
  for (let k = 0; k < 3; k++) {
    assert.ok(fromPage[k].length > 0);
    assert.ok(
      fromPage[k].every((v, i) => v === fromWorker[k][i]),
      `map ${k + 1}: the worker's bitmap differs from the page's drawing`,
    );
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('the padded input drawn by the worker is the image seen through the padding maps', async () => {
  const { page, errors } = await openPage(browser, server.url, { hash: HASH });
  assert.equal((await pictureState(page)).kind, 'bitmap');
  const bad = await page.evaluate(() => {
    const r = window.convplay.result;
    const cv = document.querySelector('#input-volume canvas.padded');
    const [, c, h, w] = r.input.shape;
    if (cv.width !== r.padMapW.length || cv.height !== r.padMapH.length)
      return [`size ${cv.width} x ${cv.height}`];
    const px = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
    const out = [];
    r.padMapH.forEach((iy, y) =>
      r.padMapW.forEach((ix, x) => {
        for (let ch = 0; ch < 3; ch++) {
          const want =
            iy < 0 || ix < 0 ? 0 : 255 * r.input.data[(c === 3 ? ch : 0) * h * w + iy * w + ix];
          if (Math.abs(px[4 * (y * cv.width + x) + ch] - want) > 0.5 + 1e-9) out.push(`${x},${y}`);
        }
      }),
    );
    return out.slice(0, 5);
  });
  assert.deepEqual(bad, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('without OffscreenCanvas the worker sends pixels, and the page shows the same picture', async () => {
  const { page: ref } = await openPage(browser, server.url, { hash: HASH });
  const want = await pictureDigest(ref);
  await ref.close();
  const { page, errors } = await openWithoutOffscreen(browser, `${server.url}#${HASH}`);
  await waitForRuns(page, 1);
  await waitIdle(page);
  assert.equal(await page.evaluate(() => typeof OffscreenCanvas), 'undefined');
  assert.equal((await pictureState(page)).kind, 'pixels');
  assert.equal(await pictureDigest(page), want);
  // and a change is drawn too: (64 − 3 + 2·2) / 1 + 1 = 66
  await setInput(page, 'f', 3);
  await waitIdle(page);
  assert.equal((await pictureState(page)).kind, 'pixels');
  assert.match(await page.locator('#output-volume .dims-out').textContent(), /^66 × 66 × 3$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the filter bank's numbers are drawn on a canvas and listed in its accessible name", async () => {
  const { page, errors } = await openPage(browser, server.url, { hash: HASH });
  const grids = await page.evaluate(() => {
    const r = window.convplay.result;
    const [, d1, fh, fw] = r.weights.shape;
    return [...document.querySelectorAll('#filter-bank .wgrid')].map((g, i) => ({
      label: g.getAttribute('aria-label'),
      role: g.getAttribute('role'),
      cells: g.querySelectorAll('.wcell').length,
      canvas: g.querySelector('canvas')?.getAttribute('aria-hidden'),
      weights: Array.from(r.weights.data.subarray(i * fh * fw, (i + 1) * fh * fw)),
      fh,
      fw,
      d1,
    }));
  });
  assert.equal(grids.length, 3 * 3); // K = 3 filters of D1 = 3 channels
  for (const g of grids) {
    assert.equal(g.role, 'img');
    assert.equal(g.cells, 0);
    assert.equal(g.canvas, 'true');
    const numbers = g.label.slice(g.label.lastIndexOf(': ') + 2);
    const rows = numbers.split('; ');
    assert.equal(rows.length, g.fh);
    const values = rows.flatMap((row) => row.split(', ').map(Number));
    assert.equal(values.length, g.fh * g.fw);
    // two significant digits of each weight
    values.forEach((v, i) =>
      assert.ok(
        Math.abs(v - g.weights[i]) <= 0.05 * Math.abs(g.weights[i]) + 1e-12,
        `${g.label}: ${v} for ${g.weights[i]}`,
      ),
    );
  }
  assert.deepEqual(errors, []);
  await page.close();
});
