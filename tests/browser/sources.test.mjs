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
  bigPng,
  pictureDigest,
  visibleBanners,
} from './helpers.mjs';

let server, browser, cp;
before(async () => ({ server, browser, cp } = await openSuite({ module: true })));
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

test("a file over 2048 x 2048 pixels is kept as its picture at 512: the picture is the module's", async () => {
  const { page, errors } = await openPage(browser, server.url, { hash: 'size=200' });
  const png = bigPng(2100, 2060);
  await afterRecompute(page, () =>
    page.setInputFiles('#file', { name: 'large.png', mimeType: 'image/png', buffer: png }),
  );
  // the worker keeps the large file as its picture, and so does the page (to send again)
  const kept = await page.evaluate(() =>
    [...window.convplay.engine.sources.values()].map((v) => v.source.kind),
  );
  assert.ok(kept.includes('decoded'), `the page keeps ${kept}`);
  const r = await page.evaluate(() => {
    const { input, info } = window.convplay.result;
    return { shape: input.shape, info, data: Array.from(input.data) };
  });
  // the decoder's picture at 512 on its longest side, resized by the module to 200
  const d = cp.decodeImage(png, { maxSide: 512 });
  assert.deepEqual(d.image.shape, [1, 3, 502, 512]);
  const expected = cp.resizeImage(d.image, 196, 200);
  assert.deepEqual(r.shape, expected.shape);
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const e = Math.min(1, Math.max(0, expected.data[i]));
    worst = Math.max(worst, Math.abs(e - r.data[i]));
  }
  assert.equal(worst, 0, `the worker's picture differs from the module's by ${worst}`);
  assert.equal(r.info.downscaled, true);
  assert.match(await page.locator('#image-notice').textContent(), /downscaled from 2100 × 2060/);
  // a small file still goes to the playground's worker as it is
  await afterRecompute(page, () =>
    page.setInputFiles('#file', {
      name: 'small.png',
      mimeType: 'image/png',
      buffer: makePng(40, 30, (x, y) => [x * 6, y * 8, 90]),
    }),
  );
  const kinds = await page.evaluate(() =>
    [...window.convplay.engine.sources.values()].map((v) => v.source.kind),
  );
  assert.ok(!kinds.includes('decoded'), `the page keeps ${kinds}`);
  assert.deepEqual(await visibleBanners(page), {});
  assert.deepEqual(errors, []);
  await page.close();
});
