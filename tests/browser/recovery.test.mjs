// A worker that dies in each way it can (killed through the engine's test
// hook) is replaced: the page says so in one line, the picture and the
// worker's layer come back, later changes work and the line goes away.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  openSuite,
  closeSuite,
  openPage,
  waitIdle,
  waitUntil,
  afterRecompute,
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

// How a worker dies, and whether it is found out by itself ('self') or only
// when the next job gets no answer ('silent': terminated or closed, which no
// event reports).
const DEATHS = [
  ['throw', 'self', /failed/],
  ['abort', 'self', /RuntimeError/],
  ['hang', 'self', /did not answer/],
  ['terminate', 'silent', /did not answer/],
  ['exit', 'silent', /did not answer/],
];

for (const [how, found, reason] of DEATHS) {
  test(`a worker that dies (${how}) is replaced with the last state; the page says so and goes on`, async () => {
    const { page, errors } = await openPage(browser, server.url, { hash: 'k=2&p=2&pad=reflect' });
    await page.evaluate(() => {
      window.convplay.engine.jobTimeout = 2500;
    });
    const shown = await pictureDigest(page);
    const key = await page.evaluate(() => window.convplay.result.key);
    await page.evaluate((h) => window.convplay.engine.testCrash(h), how);
    if (found === 'silent') {
      // nothing tells the page; the next change gets no answer, then a new worker computes it
      await page.evaluate(() => window.convplay.set('k', 3));
    }
    await waitUntil(
      page,
      'the worker to be replaced',
      () => document.querySelector('.cp-playground').dataset.worker === 'recovered',
      null,
      20000,
    );
    const line = await page.locator('#worker-notice').textContent();
    assert.match(line, /^The computation stopped \(.+\) and was restarted with your last picture/);
    assert.match(line, reason);
    assert.equal(await page.locator('#worker-notice').evaluate((el) => el.hidden), false);
    await waitIdle(page);
    if (found === 'self') {
      // the picture stayed, and the new worker holds the layer it shows (same key)
      assert.equal(await pictureDigest(page), shown);
      const g = await page.evaluate(
        (layerKey) =>
          window.convplay.engine
            .gradients({
              layerKey,
              loss: 'sum',
              pixel: { k: 0, y: 0, x: 0 },
              target: null,
              bn: null,
            })
            .then((r) => r && r.layerKey),
        key,
      );
      assert.equal(g, key);
    } else {
      assert.equal(await page.evaluate(() => window.convplay.result.state.k), 3);
    }
    // later changes work, the line goes away, and the picture is what a fresh load shows
    await change(page, { k: 4, dil: 2 });
    assert.equal(await page.locator('#worker-notice').evaluate((el) => el.hidden), true);
    assert.deepEqual(await visibleBanners(page), {});
    const hash = await page.evaluate(() => window.convplay.hash);
    const fresh = await openPage(browser, server.url, { hash });
    assert.equal(await pictureDigest(page), await pictureDigest(fresh.page));
    assert.equal(
      await page.evaluate(() => Number(document.querySelector('.cp-playground').dataset.restarts)),
      1,
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(fresh.errors, []);
    await fresh.page.close();
    await page.close();
  });
}

test('a change that kills the worker twice is skipped with a line; the page keeps its picture', async () => {
  const { page, errors } = await openPage(browser, server.url);
  const shown = await pictureDigest(page);
  // a layer job that breaks the module each time it is sent (as the test hook's 'abort' does)
  await page.evaluate(() => {
    const e = window.convplay.engine;
    const send = e.send.bind(e);
    e.send = (id, p) => {
      if (p.type !== 'layer' || p.job.state.k !== 5) return send(id, p);
      p.sent = e.generation;
      e.worker.postMessage({ type: 'crash', how: 'abort', id });
      e.armWatchdog();
    };
  });
  await page.evaluate(() => window.convplay.set('k', 5));
  await waitUntil(
    page,
    'the skipped change to be reported',
    () => /skipped/.test(document.getElementById('worker-notice').textContent),
    null,
    20000,
  );
  assert.equal(await pictureDigest(page), shown);
  assert.deepEqual(await visibleBanners(page).then(Object.keys), ['worker-notice']);
  await change(page, { k: 6 });
  assert.equal(await page.evaluate(() => window.convplay.result.output.shape[1]), 6);
  assert.deepEqual(await visibleBanners(page), {});
  assert.deepEqual(errors, []);
  await page.close();
});
