// On a phone (390 x 844, touch): a tap pins the pixel under the finger, with a plain
// tap and with low-level touch events; the pinned inspector's sheet and the F/P/S/D/K
// bar belong to the layer's panels and leave the screen to the labs below.
// Screenshots in test-results/phone-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSuite, closeSuite, waitForRuns, waitUntil, shot } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

/** A phone's page (touch, mobile viewport) with the first maps drawn. */
async function openPhone(hash = '') {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    hasTouch: true,
    isMobile: true,
    colorScheme: 'light',
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  await page.goto(server.url + (hash ? `#${hash}` : ''));
  await waitForRuns(page, 1);
  return { page, context, errors };
}

/** The pinned pixel {k, y, x} of the state (null when none). */
async function pinned(page) {
  const at = await page.evaluate(() => window.convplay.state.at);
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(at);
  return m ? { k: Number(m[1]), y: Number(m[2]), x: Number(m[3]) } : null;
}

/** The output's height and width. */
const outSize = (page) =>
  page.evaluate(() => window.convplay.result.output.shape.slice(2).map(Number));

/** The pixel of map k at fractions (fx, fy) of its box, as the page maps it. */
async function expected(page, fx, fy) {
  const [h2, w2] = await outSize(page);
  return { y: Math.floor(fy * h2), x: Math.floor(fx * w2) };
}

function assertNear(got, want, k, what) {
  assert.ok(got, `${what}: nothing pinned`);
  assert.equal(got.k, k, `${what}: map`);
  assert.ok(
    Math.abs(got.y - want.y) <= 1 && Math.abs(got.x - want.x) <= 1,
    `${what}: pinned row ${got.y}, column ${got.x}; the finger was on about row ${want.y}, column ${want.x}`,
  );
}

/** Waits until the pinned pixel is not `before` (a tap changed it). */
function waitPinChange(page, before) {
  return waitUntil(
    page,
    'the tap to pin a pixel',
    (b) => window.convplay.state.at && window.convplay.state.at !== b,
    before,
  );
}

test('phone: a plain tap pins the pixel under the finger, on a fresh page and after', async () => {
  const { page, context, errors } = await openPhone();
  const map = page.locator('canvas.fmap').nth(0);
  await map.scrollIntoViewIfNeeded();
  for (const [fx, fy] of [
    [0.8, 0.8],
    [0.25, 0.6],
    [0.6, 0.3],
  ]) {
    const box = await map.boundingBox();
    const before = await page.evaluate(() => window.convplay.state.at);
    await map.tap({ position: { x: box.width * fx, y: box.height * fy } });
    await waitPinChange(page, before);
    assertNear(await pinned(page), await expected(page, fx, fy), 0, `tap at ${fx}, ${fy}`);
  }
  const head = await page.locator('#inspect .inspect-where').textContent();
  const p = await pinned(page);
  assert.equal(head, `map 1, row ${p.y}, column ${p.x}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('phone: low-level touch events pin the pixel under the finger, the first time too', async () => {
  const { page, context, errors } = await openPhone();
  const map = page.locator('canvas.fmap').nth(1);
  await map.scrollIntoViewIfNeeded();
  for (const [fx, fy] of [
    [0.8, 0.8],
    [0.3, 0.45],
  ]) {
    // re-measured each time: pinning scrolls the map
    const box = await map.boundingBox();
    const before = await page.evaluate(() => window.convplay.state.at);
    await page.touchscreen.tap(box.x + box.width * fx, box.y + box.height * fy);
    await waitPinChange(page, before);
    assertNear(await pinned(page), await expected(page, fx, fy), 1, `touch at ${fx}, ${fy}`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

/** Where an element is on screen: {top, bottom, onScreen} (onScreen: any part in the viewport). */
function place(page, selector) {
  return page.evaluate((sel) => {
    const e = document.querySelector(sel);
    const b = e.getBoundingClientRect();
    return {
      top: Math.round(b.top),
      bottom: Math.round(b.bottom),
      onScreen: b.bottom > 0 && b.top < window.innerHeight && b.height > 0,
    };
  }, selector);
}

/** True when the element at the centre of selector's box is that element (or inside it). */
function uncovered(page, selector) {
  return page.evaluate((sel) => {
    const e = document.querySelector(sel);
    const b = e.getBoundingClientRect();
    const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
    return Boolean(hit && (hit === e || e.contains(hit)));
  }, selector);
}

/** Scrolls so that selector's top is at the top of the screen, and waits two frames. */
async function scrollToTop(page, selector) {
  await page.evaluate((sel) => {
    const e = document.querySelector(sel);
    window.scrollTo({ top: window.scrollY + e.getBoundingClientRect().top, behavior: 'instant' });
  }, selector);
  await page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))),
  );
}

test('phone: the pinned inspector and the layer bar stay with the maps, not over the labs', async () => {
  const { page, context, errors } = await openPhone();
  const map = page.locator('canvas.fmap').nth(0);
  await map.scrollIntoViewIfNeeded();
  const box = await map.boundingBox();
  await map.tap({ position: { x: box.width / 2, y: box.height / 2 } });
  await page.waitForFunction(() => /Pinned/.test(document.getElementById('inspect').textContent));
  await page.waitForTimeout(300);
  // with the maps: the sheet at the bottom, the bar at the top
  const sheet = await place(page, '#inspect-panel');
  assert.ok(sheet.onScreen && sheet.bottom <= 844 && sheet.top > 400, JSON.stringify(sheet));
  assert.equal((await place(page, '.cp-quickbar')).top, 0, 'the bar sticks over the maps');
  await shot(page, 'phone-inspector-maps', { fullPage: false });

  // the network lab: its status and probabilities are on screen and nothing covers them
  await page.waitForSelector('#nnlab [data-part="nn-train"]');
  await scrollToTop(page, '#nnlab');
  await waitUntil(
    page,
    'the sheet and the bar to leave the lab',
    () => {
      const on = (s) => {
        const b = document.querySelector(s).getBoundingClientRect();
        return b.bottom > 0 && b.top < window.innerHeight;
      };
      return !on('#inspect-panel') && !on('.cp-quickbar');
    },
    null,
    5000,
  );
  assert.ok(await uncovered(page, '#nnlab h2'), "the lab's title is covered");
  for (const sel of [
    '#nnlab [data-part="nn-train"]',
    '#nnlab .cp-nn-status',
    '#nnlab .cp-nn-probs',
  ]) {
    const p = await place(page, sel);
    if (!p.onScreen) continue; // not on the first screen of the lab (or empty before training)
    assert.ok(await uncovered(page, sel), `${sel} is covered: ${JSON.stringify(p)}`);
  }
  await shot(page, 'phone-inspector-lab', { fullPage: false });
  // the pixel stays pinned, and the inspector is in its place in the page
  assert.ok(await pinned(page));
  assert.match(await page.locator('#inspect .inspect-where').textContent(), /^map 1, row/);

  // back to the maps: the sheet and the bar come back
  await scrollToTop(page, '[data-part="output-volume"]');
  await waitUntil(
    page,
    'the sheet to come back with the maps',
    () => {
      const b = document.getElementById('inspect-panel').getBoundingClientRect();
      return b.top > 0 && b.bottom <= window.innerHeight + 1 && b.top < window.innerHeight;
    },
    null,
    5000,
  );
  const bar = await place(page, '.cp-quickbar');
  assert.ok(bar.onScreen && bar.top === 0, `the bar: ${JSON.stringify(bar)}`);
  assert.deepEqual(errors, []);
  await context.close();
});
