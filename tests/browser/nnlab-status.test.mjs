// The network lab says what it did, headless Chromium: a value typed into one
// of its fields that had to be clamped or replaced gets a notice naming the
// field, the value typed, the rule and the value used (and the field shows the
// value used); the comparison with and without batch norm ends with a status
// that says it is done.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitUntil, openSuite, closeSuite, visibleBanners } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

/** Types text into the lab's field and leaves it, then reads the notice, the field and the state. */
async function typeInto(page, selector, text, row) {
  await page.fill(selector, text);
  await page.locator(selector).dispatchEvent('change');
  return page.evaluate(
    ([sel, name]) => ({
      notice: document.querySelector('#nnlab [data-part="nn-field-notice"]').textContent,
      field: document.querySelector(sel).value,
      state: name ? window.convplay.state[name] : undefined,
    }),
    [selector, row],
  );
}

test('a clamped or refused lab field says so: the field, the value typed, the rule, the value used', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await page.locator('#nnlab').scrollIntoViewIfNeeded();

  let r = await typeInto(page, '#nn-epochs', '30', 'nnep');
  assert.equal(r.state, 20);
  assert.equal(r.field, '20');
  assert.equal(r.notice, 'epochs: "30" is above 20; using 20');

  r = await typeInto(page, '#nn-batch', '-5', 'nnbs');
  assert.equal(r.state, 1);
  assert.equal(r.notice, 'batch size: "-5" is below 1; using 1');
  await waitUntil(
    page,
    'the network built with batches of 1 image',
    () => / steps of 1 image\.$/.test(document.querySelector('#nnlab .cp-nn-status').textContent),
    null,
    90000,
  );

  // 1e309 is no double: the number field holds no number
  r = await typeInto(page, '#nn-lr', '1e309', 'nnlr');
  assert.equal(r.state, 0.05);
  assert.equal(r.field, '0.05');
  assert.match(
    r.notice,
    /^learning rate: (what was typed|"1e309") is not (a number|a finite number).*; using 0\.05$/,
  );

  // the same value again: nothing changes in the state, the field still shows the value used
  r = await typeInto(page, '#nn-epochs', '25', 'nnep');
  assert.equal(r.field, '20');
  assert.equal(r.notice, 'epochs: "25" is above 20; using 20');

  // a value taken as typed clears the notice
  r = await typeInto(page, '#nn-epochs', '3', 'nnep');
  assert.equal(r.state, 3);
  assert.equal(r.notice, '');

  r = await typeInto(page, '#nn-k1', '1.5', 'nnk1');
  assert.equal(r.notice, 'conv 1 filters K: "1.5" is not a whole number from 1 to 32; using 2');

  // the test image of the look-inside view: 0 to 1,999
  await page.fill('#nn-test', '-1');
  await page.locator('#nn-test').dispatchEvent('change');
  const shown = await page.evaluate(() => ({
    notice: document.querySelector('#nnlab [data-part="nn-input-notice"]').textContent,
    field: document.querySelector('#nn-test').value,
  }));
  assert.equal(shown.notice, 'test image #: "-1" is below 0; using 0');
  assert.equal(shown.field, '0');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the comparison with and without batch norm ends with a status that says so', async () => {
  // one epoch of batches of 256: 40 steps a network
  const { page, errors } = await openPage(browser, `${server.url}#nnep=1&nnbs=256`);
  await page.locator('#nnlab').scrollIntoViewIfNeeded();
  await page.click('#nnlab [data-part="nn-compare"]');
  await waitUntil(
    page,
    'the comparison to finish',
    () => document.getElementById('nnlab').dataset.state === 'done',
    null,
    180000,
  );
  const status = await page.textContent('#nnlab .cp-nn-status');
  assert.match(
    status,
    /^Comparison done: both networks trained 40 steps; test accuracy \d+\.\d% without batch norm, \d+\.\d% with it\.$/,
  );
  // its numbers are the last test points of the curves
  const text = await page.textContent('#nnlab .cp-nn-compare-text');
  const pcts = (s) => [...s.matchAll(/(\d+\.\d)%/g)].map((m) => m[1]);
  assert.deepEqual(pcts(status), pcts(text));
  assert.deepEqual(errors, []);
  await page.close();
});

/** The lab's error and status as shown, once the error is there. */
async function labError(page, what) {
  await waitUntil(
    page,
    what,
    () => {
      const e = document.querySelector('#nnlab [data-part="nn-error"]');
      return e && !e.hidden && e.textContent !== '';
    },
    null,
    90000,
  );
  return page.evaluate(() => ({
    error: document.querySelector('#nnlab [data-part="nn-error"]').textContent,
    status: document.querySelector('#nnlab .cp-nn-status').textContent,
    state: document.querySelector('#nnlab').dataset.state,
  }));
}

test('a link with an impossible lab architecture shows its message at once, the one a change to it shows', async () => {
  // conv 1 (3 x 3, no padding) and its pooling leave 13 x 13 maps: conv 2's 26 x 26 kernel cannot fit
  const fresh = await openPage(browser, `${server.url}#nnf2=26`);
  const shown = await labError(
    fresh.page,
    'the lab says the link is impossible, no button pressed',
  );
  assert.match(
    shown.error,
    /^layer 5 \(conv 16@26x26 .*\) on a 13x13x8 input: kernel 26 is larger than padded height 13\b/,
  );
  assert.equal(shown.status, 'No network: see the message below.');
  assert.equal(shown.state, 'error');
  // the soak tells the lab's error from the other panels' by its id
  assert.equal((await visibleBanners(fresh.page))['nn-error'], shown.error);
  assert.deepEqual(fresh.errors, []);
  await fresh.page.close();

  // the same value typed into the live page: the same message
  const { page, errors } = await openPage(browser, server.url);
  await page.locator('#nnlab').scrollIntoViewIfNeeded();
  await page.fill('#nn-f2', '26');
  await page.locator('#nn-f2').dispatchEvent('change');
  assert.deepEqual(await labError(page, 'the rebuilt lab says it is impossible'), shown);
  assert.deepEqual(errors, []);
  await page.close();
});
