// Memory that comes back: an 8192 x 8192 upload (67 megapixels, made by the
// test) is decoded by the module in a throwaway instance of its own (its
// memory dropped afterwards), so the playground worker's WASM memory stays
// under 300 MB; and the canvases a panel drew keep no pixels of the page's
// (render.js shares a few ImageData by size): after the gradients of 16
// filters and back, the JS heap is where it was. Prints the figures.
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

/** The page's JS heap with the typed arrays' backing stores, after garbage collection. */
async function jsHeap(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = await cdp.send('Runtime.getHeapUsage');
  return usage.usedSize + (usage.backingStorageSize ?? 0);
}

test('canvases the page drew once hold no pixels of its own: the heap comes back after the gradients of 16 filters', async () => {
  const { page, errors } = await openPage(browser, server.url);
  const cdp = await page.context().newCDPSession(page);
  const start = await jsHeap(cdp);
  const startHash = await page.evaluate(() => window.convplay.hash);
  // the gradients of 16 filters over two images, with batch norm: dozens of maps drawn
  await change(page, { gon: true, k: 16, batch: 2, gbn: true });
  await page.waitForFunction(() => window.convplay.idle, null, { timeout: 60000 });
  const drawn = await page.evaluate(
    () => [...document.querySelectorAll('#gradients canvas')].filter((c) => c.width > 100).length,
  );
  await afterRecompute(page, () => page.evaluate((h) => window.convplay.loadHash(h), startHash));
  await waitIdle(page);
  const end = await jsHeap(cdp);
  const mb = (b) => (b / 1048576).toFixed(2);
  console.log(`JS heap ${mb(start)} MB -> ${mb(end)} MB after ${drawn} gradient maps were drawn`);
  assert.ok(drawn >= 16, `${drawn} gradient maps drawn`);
  assert.ok(end < start + 1.5 * 1048576, `the JS heap grew from ${mb(start)} to ${mb(end)} MB`);
  await cdp.detach();
  assert.deepEqual(errors, []);
  await page.close();
});
