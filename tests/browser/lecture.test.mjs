// Lecture mode (web/src/page/panels/lecture.js): every step shows the sizes it
// states (on the page's own output dimensions, computed by the module), each
// step has its own link, previous/next work, and the keyboard reaches them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openPage, RESULTS, settledUrl, settledHash, openSuite, closeSuite } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

// The lecture's steps and the sizes they state (W x H x D), in order.
const EXPECTED = [
  ['sobel', '128 × 128 × 1', '128 × 128 × 1'],
  ['flip', '128 × 128 × 1', '128 × 128 × 1'],
  ['rgb', '128 × 128 × 3', '128 × 128 × 1'],
  ['kfilters', '128 × 128 × 3', '128 × 128 × 4'],
  ['nopad', '7 × 7 × 1', '3 × 3 × 1'],
  ['pad', '7 × 7 × 1', '7 × 7 × 1'],
  ['stride', '7 × 7 × 1', '3 × 3 × 1'],
  ['alexnet', '227 × 227 × 3', '55 × 55 × 96'],
];

const lectureData = (page) =>
  page.evaluate(() => ({ ...document.querySelector('#lecture').dataset }));

async function waitForStep(page, id) {
  await page.waitForFunction(
    (s) => {
      const d = document.querySelector('#lecture')?.dataset;
      return d && d.step === s && d.match === 'yes';
    },
    id,
    { timeout: 30000 },
  );
}

/** Goes to step id through its link in the (collapsed) steps list: other modules add steps before 'sobel'. */
async function goToStep(page, id) {
  await page.evaluate(
    (s) => document.querySelector(`.cp-lec-list a[data-step="${s}"]`).click(),
    id,
  );
  await waitForStep(page, id);
}

/** The id of the i-th step in the list. */
const stepAt = (page, i) =>
  page.evaluate((k) => document.querySelectorAll('.cp-lec-list a[data-step]')[k].dataset.step, i);

test('each lecture step shows the sizes it states', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await page.waitForSelector('.cp-lec-start');
  await page.click('.cp-lec-start');
  const steps = await page.evaluate(() =>
    [...document.querySelectorAll('.cp-lec-list a')].map((a) => a.dataset.step),
  );
  // the convolution steps, in the lecture's order (another module may add steps at the front)
  const conv = steps.slice(steps.indexOf('sobel'));
  assert.deepEqual(
    conv,
    EXPECTED.map((e) => e[0]),
  );
  if (steps[0] !== 'sobel')
    await page.evaluate(() => document.querySelector('.cp-lec-list a[data-step="sobel"]').click());
  for (const [i, [id, input, output]] of EXPECTED.entries()) {
    if (i > 0) await page.click('.cp-lec-next');
    await waitForStep(page, id);
    const d = await lectureData(page);
    assert.equal(d.expect, `${input} -> ${output}`, `${id}: stated sizes`);
    assert.equal(d.shown, d.expect, `${id}: the page shows what the step states`);
    // the step's text states them, and the page's own panels show them
    const sizes = await page.locator('.cp-lec-sizes').textContent();
    assert.ok(sizes.includes(input) && sizes.includes(output), sizes);
    await page.waitForFunction(
      ([a, b]) =>
        document.querySelector('.dims-in')?.textContent === a &&
        (b === null || document.querySelector('#output-volume .dims-out')?.textContent === b),
      [input, id === 'alexnet' ? null : output],
    );
    if (id === 'alexnet') {
      await page.waitForSelector('#alexnet[data-dims="55x55x96"]');
      assert.equal(await page.locator('.cp-alex-dimsval').textContent(), output);
      assert.equal(await page.locator('#output-volume .dims-out').textContent(), '55 × 55 × 16');
    }
    if (['nopad', 'pad', 'stride'].includes(id)) {
      // the step-through shows the same 7 x 7 example
      const st = await page.evaluate(() => ({ ...document.querySelector('#stepper').dataset }));
      assert.equal(`${st.w2} × ${st.h2} × 1`, output, `${id}: the step-through`);
    }
    assert.match(await settledUrl(page), new RegExp(`lstep=${id}(&|$)`));
    if (['sobel', 'flip', 'nopad', 'alexnet'].includes(id)) {
      await page.locator('#lecture').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(RESULTS, `lecture-${id}.png`) });
    }
  }
  assert.equal(await page.locator('.cp-lec-next').isDisabled(), true, 'the last step has no next');
  await page.click('.cp-lec-prev');
  await waitForStep(page, 'stride');
  // Back in the browser returns to the previous step too
  await page.goBack();
  await waitForStep(page, 'alexnet');
  assert.deepEqual(errors, []);
  await page.close();
});

test('each lecture step has its own link', async () => {
  const { page } = await openPage(browser, server.url);
  await page.waitForSelector('.cp-lec-list a', { state: 'attached' });
  const links = await page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('.cp-lec-list a')].map((a) => [
        a.dataset.step,
        a.getAttribute('href'),
      ]),
    ),
  );
  await page.close();
  for (const [id, input, output] of [EXPECTED[1], EXPECTED[6]]) {
    const { page: p, errors } = await openPage(browser, server.url, { hash: links[id] });
    await waitForStep(p, id);
    assert.equal((await lectureData(p)).shown, `${input} -> ${output}`);
    assert.equal(
      await p.locator('#lecture').evaluate((el) => el.parentElement.firstElementChild === el),
      true,
      'the lecture sits at the top of the page while active',
    );
    assert.deepEqual(errors, []);
    await p.close();
  }
});

test('a changed layer is flagged and "Reset this step" brings the step back', async () => {
  const { page } = await openPage(browser, server.url);
  await page.waitForSelector('.cp-lec-start');
  await page.click('.cp-lec-start');
  await goToStep(page, 'sobel');
  await page.evaluate(() => window.convplay.set('p', 0));
  await page.waitForFunction(() => document.querySelector('#lecture').dataset.match === 'no');
  assert.match(await page.locator('.cp-lec-shown').textContent(), /126 × 126 × 1/);
  await page.click('.cp-lec-reset');
  await waitForStep(page, 'sobel');
  await page.click('.cp-lec-leave');
  await page.waitForFunction(() => document.querySelector('#lecture').dataset.step === '');
  assert.doesNotMatch(await settledUrl(page), /lstep=/);
  await page.close();
});

test('the keyboard runs the lecture', async () => {
  const { page } = await openPage(browser, server.url);
  await page.waitForSelector('.cp-lec-start');
  let reached = false;
  for (let i = 0; i < 500 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.classList.contains('cp-lec-start'));
  }
  assert.ok(reached, 'Tab reaches "Start the lecture"');
  await page.keyboard.press('Enter');
  const first = await stepAt(page, 0),
    second = await stepAt(page, 1);
  await page.waitForFunction((s) => document.querySelector('#lecture').dataset.step === s, first);
  // focus moves to the step's title; Tab goes on to the step's buttons
  assert.equal(await page.evaluate(() => document.activeElement.id), 'lecture-step-title');
  let next = false;
  for (let i = 0; i < 20 && !next; i++) {
    await page.keyboard.press('Tab');
    next = await page.evaluate(() => document.activeElement?.classList.contains('cp-lec-next'));
  }
  assert.ok(next, 'Tab reaches "Next"');
  await page.keyboard.press('Enter');
  await page.waitForFunction((s) => document.querySelector('#lecture').dataset.step === s, second);
  await page.close();
});

test('lecture mode at phone width', async () => {
  const { page } = await openPage(browser, server.url, { viewport: { width: 390, height: 844 } });
  await page.waitForSelector('.cp-lec-start');
  await page.click('.cp-lec-start');
  await goToStep(page, 'sobel');
  for (let i = 0; i < 4; i++) await page.click('.cp-lec-next');
  await waitForStep(page, 'nopad');
  const box = await page.evaluate(() => {
    const el = document.querySelector('#lecture');
    return {
      overflow: el.scrollWidth - el.clientWidth,
      right: el.getBoundingClientRect().right,
      vw: document.documentElement.clientWidth,
    };
  });
  assert.ok(box.overflow <= 1 && box.right <= box.vw + 1, JSON.stringify(box));
  await page.locator('#lecture').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(RESULTS, 'lecture-phone.png') });
  await page.close();
});

test('a hand-written short link (#lstep=id) opens the step as prepared, and links stay short', async () => {
  for (const [id, input, output] of [
    ['nopad', '7 × 7 × 1', '3 × 3 × 1'],
    ['stride', '7 × 7 × 1', '3 × 3 × 1'],
  ]) {
    const { page, errors } = await openPage(browser, server.url, { hash: `lstep=${id}` });
    await waitForStep(page, id);
    const d = await lectureData(page);
    assert.equal(d.shown, `${input} -> ${output}`, `${id}: the page shows the step's sizes`);
    // the step's own link is its format version and its id: the step's set-up is the base of the hash
    assert.equal(await page.locator('.cp-lec-link').getAttribute('href'), `#v=1&lstep=${id}`);
    // a change on top of the step is kept in the link, relative to the step
    await page.evaluate(() => window.convplay.set('k', 2));
    await page.waitForFunction(() => location.hash.includes('k=2'), null, { timeout: 10000 });
    assert.match(await settledHash(page), new RegExp(`^#(.*&)?lstep=${id}(&.*)?$`));
    assert.deepEqual(errors, []);
    await page.close();
  }
});
