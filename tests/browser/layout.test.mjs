// The layout at a phone's 390 x 844 and a desktop's 1400 px: the controls that
// change the layer and the maps they change are on screen together, and a
// tapped map shows its inspector in view. Screenshots in test-results/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSuite, closeSuite, openPage, waitUntil, shot } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

/** The part of selector's first element inside the viewport: {top, bottom, visible}. */
function inView(page, selector) {
  return page.evaluate((sel) => {
    const e = [...document.querySelectorAll(sel)].find((x) => x.getClientRects().length);
    if (!e) return null;
    const b = e.getBoundingClientRect();
    return {
      top: Math.round(b.top),
      bottom: Math.round(b.bottom),
      visible: b.top >= 0 && b.bottom <= window.innerHeight && b.width > 0,
    };
  }, selector);
}

test('phone (390 x 844): the layer bar and the maps on one screen; a tapped map shows its inspector', async () => {
  const { page, errors } = await openPage(browser, server.url, {
    viewport: { width: 390, height: 844 },
  });
  const bar = await inView(page, '.cp-quickbar');
  assert.ok(bar.visible, `the layer bar: ${JSON.stringify(bar)}`);
  // scroll to the maps: the bar sticks to the top, the first map is under it
  await page.locator('[data-part="output-volume"]').scrollIntoViewIfNeeded();
  await page.evaluate(() =>
    document.querySelector('[data-part="output-volume"]').scrollIntoView({ block: 'start' }),
  );
  const bar2 = await inView(page, '.cp-quickbar');
  const map = await inView(page, 'canvas.fmap');
  assert.ok(bar2.visible && bar2.top === 0, `the bar sticks: ${JSON.stringify(bar2)}`);
  assert.ok(map.visible && map.top >= bar2.bottom, `the map under the bar: ${JSON.stringify(map)}`);
  // moving F in the bar changes the maps on the same screen
  await page.evaluate(() => {
    const f = document.querySelector('.cp-quickbar input[data-q="f"]');
    f.value = '7';
    f.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await waitUntil(
    page,
    'the maps of F = 7',
    () => document.querySelector('#output-volume .dims-out').textContent === '252 × 166 × 4',
  );
  assert.equal(await page.locator('#f').inputValue(), '7');
  assert.ok((await inView(page, 'canvas.fmap')).visible);
  assert.equal(
    (await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 1,
    true,
  );
  await shot(page, 'phone-390', { fullPage: false });
  // tap a map: the inspector is on screen with the map
  const m = page.locator('canvas.fmap').nth(1);
  const box = await m.boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => /Pinned/.test(document.getElementById('inspect').textContent));
  await page.waitForTimeout(300);
  const sheet = await inView(page, '[data-part="inspect-panel"]');
  const tapped = await inView(page, '.map.pinned canvas.fmap');
  assert.ok(
    sheet.top < 844 && sheet.bottom <= 844 && sheet.top > 0,
    `inspector: ${JSON.stringify(sheet)}`,
  );
  assert.ok(
    tapped.visible && tapped.bottom <= sheet.top,
    `the tapped map above the inspector: ${JSON.stringify(tapped)}, ${JSON.stringify(sheet)}`,
  );
  assert.ok((await inView(page, '.inspect-sum')).top < 844);
  await shot(page, 'phone-390-inspect', { fullPage: false });
  // unpin: the inspector goes back into the page
  await page.click('#inspect .unpin');
  await waitUntil(
    page,
    'the sheet to close',
    () => !document.getElementById('inspect-panel').classList.contains('cp-sheet'),
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test('desktop (1400 px): the layer controls beside the maps, no layer bar', async () => {
  const { page, errors } = await openPage(browser, server.url, {
    viewport: { width: 1400, height: 900 },
  });
  assert.equal(await page.locator('.cp-quickbar').isVisible(), false);
  const f = await inView(page, '#f');
  const map = await inView(page, 'canvas.fmap');
  assert.ok(f.visible && map.visible, `F ${JSON.stringify(f)}, map ${JSON.stringify(map)}`);
  // the controls column stays beside the maps when the page scrolls to the maps
  await page.evaluate(() => window.scrollTo(0, 200));
  await page.waitForTimeout(100);
  assert.ok((await inView(page, '[data-part="layer-panel"] h2')).visible);
  assert.ok((await inView(page, 'canvas.fmap')).visible);
  await shot(page, 'desktop-1400', { fullPage: false });
  assert.deepEqual(errors, []);
  await page.close();
});
