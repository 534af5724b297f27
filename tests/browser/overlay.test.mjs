// The padded input's overlay (the padding frame and the pinned pixel's
// receptive field) draws its lines in CSS pixels; when the layout changes the
// canvas's displayed width, the overlay is drawn again for the new width. A
// page resized to a phone's width shows the overlay a fresh load at that width
// shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSuite, closeSuite, openPage, canvasDigest, waitUntil } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

const OVERLAY = '#input-volume canvas.overlay';
const HASH = 'p=2&at=0.5.7';

/** The overlay's displayed width and its picture once that width has held for two frames. */
async function settledOverlay(page) {
  const width = () =>
    page.evaluate(
      (sel) =>
        new Promise((done) =>
          requestAnimationFrame(() =>
            requestAnimationFrame(() => done(document.querySelector(sel).clientWidth)),
          ),
        ),
      OVERLAY,
    );
  let last = await width();
  for (let i = 0; i < 50; i++) {
    const now = await width();
    if (now === last) break;
    last = now;
  }
  return { width: last, digest: await canvasDigest(page, OVERLAY) };
}

test('resized from 1,400 to 390 px, the overlay equals a fresh load at 390 px', async () => {
  const wide = await openPage(browser, server.url, { hash: HASH });
  await wide.page.setViewportSize({ width: 390, height: 844 });
  await waitUntil(wide.page, 'the narrow layout', () => window.innerWidth === 390);
  const resized = await settledOverlay(wide.page);
  const fresh = await openPage(browser, server.url, {
    hash: HASH,
    viewport: { width: 390, height: 844 },
  });
  const loaded = await settledOverlay(fresh.page);
  assert.equal(resized.width, loaded.width, 'the overlay is shown at the same width');
  assert.equal(resized.digest, loaded.digest, 'the resized page draws the overlay for its width');
  assert.deepEqual([...wide.errors, ...fresh.errors], []);
  await wide.page.close();
  await fresh.page.close();
});
