// The network lab in the real page, headless Chromium: it opens, trains in
// the worker with the loss going down, draws its curves and filters, pauses
// and resumes, and refuses an impossible architecture with the core's message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, openPage, waitUntil, RESULTS } from './helpers.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const lab = (page) => page.evaluate(() => ({ ...document.getElementById('nnlab').dataset }));

async function shotLab(page, name) {
  fs.mkdirSync(RESULTS, { recursive: true });
  await page.locator('#nnlab').screenshot({ path: path.join(RESULTS, `${name}.png`) });
}

test('the lab trains in the worker: the loss goes down, curves and filters are drawn, pause and resume', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await page.locator('#nnlab').scrollIntoViewIfNeeded();
  assert.equal((await lab(page)).state, 'idle');
  await page.click('#nnlab [data-part="nn-train"]');
  await waitUntil(
    page,
    'the lab to reach step 60',
    () => Number(document.getElementById('nnlab').dataset.step) >= 60,
    null,
    90000,
  );
  const run = await page.evaluate(() => {
    const { losses, tests } = window.convplay.panel('nnlab').run;
    return { losses, tests };
  });
  const losses = run.losses.map(([, l]) => l);
  const head = losses.slice(0, 3).reduce((a, b) => a + b) / 3;
  const tail = losses.slice(-3).reduce((a, b) => a + b) / 3;
  assert.ok(tail < head, `the loss went from ${head} to ${tail}`);
  assert.ok(run.tests.length >= 1, 'a test point on the curve');
  const d = await lab(page);
  assert.equal(d.state, 'training');
  const drawn = await page.evaluate(() => ({
    points: Number(document.querySelector('#nnlab .cp-nn-curves').dataset.points),
    filters: Number(document.querySelector('#nnlab .cp-nn-filters').dataset.drawn),
    rows: document.querySelectorAll('#nnlab .cp-nn-layers tbody tr').length,
    output: document.querySelector('#nnlab .cp-nn-layers tbody tr td:nth-child(2)').textContent,
  }));
  assert.ok(drawn.points > 5);
  assert.equal(drawn.filters, 8);
  assert.equal(drawn.rows, 8); // 7 layers and the total
  assert.equal(drawn.output, '26 × 26 × 8');

  // pause: the step stops moving; train again: it moves on
  await page.click('#nnlab [data-part="nn-pause"]');
  await waitUntil(
    page,
    'the lab to pause',
    () => document.getElementById('nnlab').dataset.state === 'paused',
    null,
    20000,
  );
  const paused = Number((await lab(page)).step);
  await page.waitForTimeout(500);
  assert.equal(Number((await lab(page)).step), paused);
  await page.click('#nnlab [data-part="nn-train"]');
  await waitUntil(
    page,
    'training to resume',
    (k) => Number(document.getElementById('nnlab').dataset.step) > k + 10,
    paused,
    60000,
  );
  await page.click('#nnlab [data-part="nn-pause"]');
  await waitUntil(
    page,
    'the lab to pause again',
    () => document.getElementById('nnlab').dataset.state === 'paused',
    null,
    20000,
  );
  await shotLab(page, 'nnlab-1400');
  await page.setViewportSize({ width: 390, height: 900 });
  await shotLab(page, 'nnlab-390');
  assert.deepEqual(errors, []);
  await page.close();
});

test('an impossible architecture is refused with the layer and the rule', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await page.fill('#nnlab #nn-f2', '14');
  await page.dispatchEvent('#nnlab #nn-f2', 'change');
  await waitUntil(
    page,
    'the lab to refuse',
    () => document.getElementById('nnlab').dataset.state === 'error',
    null,
    60000,
  );
  const message = await page.textContent('#nnlab .message.error');
  assert.match(
    message,
    /layer 4 \(conv 16@14x14 stride 1 pad 0\) on a 13x13x8 input: kernel 14 is larger than padded height 13 \+ 2\*0 = 13/,
  );
  // a possible one builds again
  await page.fill('#nnlab #nn-f2', '3');
  await page.dispatchEvent('#nnlab #nn-f2', 'change');
  await waitUntil(
    page,
    'the lab to build',
    () => document.getElementById('nnlab').dataset.state === 'idle',
    null,
    60000,
  );
  assert.equal(await page.isHidden('#nnlab .message.error'), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('with and without batch norm, side by side: both networks train and are drawn together', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await page.click('#nnlab [data-part="nn-compare"]');
  await waitUntil(
    page,
    'both networks of the comparison to reach step 55',
    () => Number(document.getElementById('nnlab').dataset.compareStep || 0) >= 55,
    null,
    120000,
  );
  await page.click('#nnlab [data-part="nn-pause"]');
  await waitUntil(
    page,
    'the comparison to pause',
    () => document.getElementById('nnlab').dataset.state === 'paused',
    null,
    20000,
  );
  const points = await page.evaluate(() =>
    Number(document.querySelector('#nnlab .cp-nn-compare').dataset.points),
  );
  // 11 or more loss points and one test point per network
  assert.ok(points >= 24, `${points} points`);
  const text = await page.textContent('#nnlab .cp-nn-compare-text');
  assert.match(
    text,
    /without batch norm, [0-9.]+ with it; test accuracy [0-9.]+% at step \d+ without/,
  );
  await page.locator('#nnlab .cp-nn-comparebox').screenshot({
    path: path.join(RESULTS, 'nnlab-compare.png'),
  });
  assert.deepEqual(errors, []);
  await page.close();
});
