// Page and worker agree on the images: an image the worker dropped (it keeps
// six sources) is sent again without the user noticing; a very large upload
// is decoded in a short-lived worker, so the playground worker's WASM memory
// stays small.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  openSuite,
  closeSuite,
  openPage,
  waitUntil,
  afterRecompute,
  makePng,
  pictureDigest,
  visibleBanners,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

/** Sets state fields through the instance and waits until the change is drawn (or fails). */
async function change(page, patch) {
  await afterRecompute(page, () => page.evaluate((p) => window.convplay.update(p), patch));
}

/** Waits until the page is idle or shows a fatal error (so a failure says which). */
async function settled(page, timeout = 20000) {
  await waitUntil(
    page,
    'the page to be idle or to show an error',
    () => window.convplay.idle || !document.getElementById('fatal').hidden,
    null,
    timeout,
  );
}

test('five samples, an upload, then the first sample again: the dropped image is sent again', async () => {
  const { page, errors } = await openPage(browser, server.url);
  const chelsea = await pictureDigest(page);
  for (const img of ['coffee', 'astronaut', 'stripes', 'checker', 'circle']) {
    await change(page, { img });
  }
  const png = makePng(96, 64, (x, y) => [(x * 5) % 256, (y * 7) % 256, 128]);
  await afterRecompute(page, () =>
    page.setInputFiles('#file', { name: 'photo.png', mimeType: 'image/png', buffer: png }),
  );
  // seven images offered, six kept by the worker: Chelsea was dropped there
  const stats = await page.evaluate(() => window.convplay.engine.stats());
  assert.equal(stats.sources, 6);
  await page.evaluate(() => window.convplay.set('img', 'chelsea'));
  await settled(page);
  assert.deepEqual(await visibleBanners(page), {});
  assert.equal(await page.evaluate(() => window.convplay.result.state.img), 'chelsea');
  assert.equal(await pictureDigest(page), chelsea, 'the picture is Chelsea again');
  // and the page goes on
  await change(page, { k: 2 });
  assert.equal(await page.evaluate(() => window.convplay.result.output.shape[1]), 2);
  assert.deepEqual(errors, []);
  await page.close();
});
