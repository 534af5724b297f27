// Memory that comes back: an 8192 x 8192 upload (67 megapixels, made by the
// test) is decoded by the module in a throwaway instance of its own (its
// memory dropped afterwards), so the playground worker's WASM memory stays
// under 300 MB. Prints the figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  openSuite,
  closeSuite,
  openPage,
  waitForRuns,
  waitIdle,
  afterRecompute,
  visibleBanners,
  bigPng,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

/** Sets state fields through the instance and waits until the change is drawn. */
async function change(page, patch) {
  await afterRecompute(page, () => page.evaluate((p) => window.convplay.update(p), patch));
}

test('an 8192 x 8192 upload: decoded in a throwaway instance, the playground keeps under 300 MB', async () => {
  const { page, errors } = await openPage(browser, server.url, { hash: 'size=256' });
  const before = await page.evaluate(() => window.convplay.engine.stats());
  const png = bigPng(8192, 8192);
  const runs = await page.evaluate(() => window.convplay.root.dataset.runs);
  await page.setInputFiles('#file', { name: 'huge.png', mimeType: 'image/png', buffer: png });
  // decoding 67 megapixels takes seconds (about 25 s on two busy cores)
  await waitForRuns(page, Number(runs) + 1, 100000);
  await waitIdle(page);
  const after = await page.evaluate(() => window.convplay.engine.stats());
  const info = await page.evaluate(() => window.convplay.result.info);
  const mb = (b) => (b / 1048576).toFixed(1);
  const kb = (b) => (b / 1024).toFixed(1);
  console.log(
    `8192 x 8192 PNG (${mb(png.length)} MB file): the playground worker's WASM memory ` +
      `${mb(before.heapBytes)} MB before, ${mb(after.heapBytes)} MB after ` +
      `(malloc in use ${kb(before.usedBytes)} -> ${kb(after.usedBytes)} kB; the module ` +
      `decodes a large file in a throwaway instance of its own)`,
  );
  assert.deepEqual([info.originalWidth, info.originalHeight], [8192, 8192]);
  assert.ok(after.heapBytes < 300 * 1048576, `worker memory ${mb(after.heapBytes)} MB`);
  const r = await page.evaluate(() => window.convplay.result.input.shape);
  assert.deepEqual(r, [1, 3, 256, 256]);
  assert.match(await page.locator('#image-notice').textContent(), /downscaled from 8192 × 8192/);
  // and the page goes on
  await change(page, { k: 2 });
  assert.deepEqual(await visibleBanners(page), {});
  assert.deepEqual(errors, []);
  await page.close();
});
