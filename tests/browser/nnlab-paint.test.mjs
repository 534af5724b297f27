// What the network lab draws while it trains: the look inside's maps (about a
// hundred canvases) are painted only near the screen, and while training at
// most 4 times a second; the step, the curves and the table follow every
// update, and a pause shows the last step everywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSuite, closeSuite, openPage, waitUntil, waitLabStep, pauseLab } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

/**
 * Counts putImageData on the maps' canvases (window.__mapPuts), the paints of
 * the maps (those of the first map: window.__paints) and the lab's updates.
 */
function countPaints() {
  window.__mapPuts = 0;
  window.__paints = 0;
  window.__updates = 0;
  const real = CanvasRenderingContext2D.prototype.putImageData;
  CanvasRenderingContext2D.prototype.putImageData = function (...args) {
    if (this.canvas.closest?.('.cp-nn-maps')) window.__mapPuts++;
    const { layer, map } = this.canvas.dataset;
    if (layer === '0' && map === '0') window.__paints++;
    return real.apply(this, args);
  };
  new MutationObserver(() => window.__updates++).observe(document.getElementById('nnlab'), {
    attributes: true,
    attributeFilter: ['data-step'],
  });
}

const counts = (page) =>
  page.evaluate(() => ({
    puts: window.__mapPuts,
    paints: window.__paints,
    updates: window.__updates,
  }));

test('maps far below the screen are not painted while training; scrolled to, they show the last answer', async () => {
  const { page, errors } = await openPage(browser, server.url, { hash: 'nnep=10' });
  await page.locator('#nnlab [data-part="nn-train"]').scrollIntoViewIfNeeded();
  const { below, height } = await page.evaluate(() => ({
    below: document.querySelector('#nnlab .cp-nn-maps').getBoundingClientRect().top - innerHeight,
    height: innerHeight,
  }));
  assert.ok(below > height / 2, `the maps are ${below} px below the screen`);
  await page.evaluate(countPaints);
  await page.click('#nnlab [data-part="nn-train"]');
  await waitLabStep(page, 100, 90000);
  const training = await counts(page);
  assert.ok(training.updates >= 2, `${training.updates} updates`);
  assert.equal(training.puts, 0, 'map canvases painted while off screen');
  await pauseLab(page);
  await page.locator('#nnlab .cp-nn-maps').scrollIntoViewIfNeeded();
  const step = await page.evaluate(() => document.getElementById('nnlab').dataset.step);
  await waitUntil(
    page,
    'the maps to be painted once scrolled to',
    (n) => window.__mapPuts >= n,
    8 + 8 + 8 + 16 + 16 + 16 + 10,
    20000,
  );
  const text = await page.textContent('#nnlab .cp-nn-input-text');
  assert.match(text, new RegExp(`the network \\(step ${step}\\) says`));
  assert.deepEqual(errors, []);
  await page.close();
});

test('maps on screen are redrawn at most 4 times a second while training; a pause draws the last step', async () => {
  const { page, errors } = await openPage(browser, server.url, { hash: 'nnep=10' });
  await page.click('#nnlab [data-part="nn-train"]');
  await waitLabStep(page, 20, 90000);
  // (scrolled to once the lab's table and curves above them are drawn)
  await page.locator('#nnlab .cp-nn-maps').scrollIntoViewIfNeeded();
  await page.evaluate(countPaints);
  const t0 = Date.now();
  await page.waitForTimeout(3000);
  const { paints, updates } = await counts(page);
  const seconds = (Date.now() - t0) / 1000;
  assert.ok(paints >= 1, `${paints} paints of the maps`);
  assert.ok(paints <= 4 * seconds + 2, `${paints} paints of the maps in ${seconds} s`);
  await pauseLab(page);
  const step = await page.evaluate(() => document.getElementById('nnlab').dataset.step);
  assert.match(
    await page.textContent('#nnlab .cp-nn-input-text'),
    new RegExp(`the network \\(step ${step}\\) says`),
  );
  console.log(`${updates} updates, ${paints} paints of the maps in ${seconds} s`);
  assert.deepEqual(errors, []);
  await page.close();
});
