// The lecture's flow: after every step's scroll to its panel, the step (its title and
// text) and Previous / Next are on screen beside the panel, at 1,400 and 390 px; the
// AlexNet step runs on the step's image after a walk through the steps before it; and
// "Run the AlexNet exercise" says what it changed in the page's layer, keeps the
// panels consistent and offers the way back. Screenshots in test-results/flow-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  openSuite,
  closeSuite,
  openPage,
  waitUntil,
  waitIdle,
  canvasDigest,
  outputDims,
  shot,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

// the panel each step brings into view (lecture-steps.js: focus)
const FOCUS = {
  'bn-graph': 'bnlab',
  'bn-backward': 'bnlab',
  'bn-m2': 'bnlab',
  'nn-bn': 'nnlab',
  sobel: 'volume',
  flip: 'volume',
  rgb: 'volume',
  kfilters: 'volume',
  nopad: 'stepper',
  pad: 'stepper',
  stride: 'stepper',
  alexnet: 'alexnet',
};

/**
 * Waits until the step's panel is in view (at least 150 px of it above the lecture's bar,
 * when there is one) and the page has not scrolled for 10 frames: the step's scroll ended.
 */
function scrollSettled(page, focus) {
  return waitUntil(
    page,
    `the scroll to #${focus} to end`,
    (id) => {
      const w = window;
      const same = w.__flowY === window.scrollY;
      w.__flowY = window.scrollY;
      w.__flowN = same ? (w.__flowN || 0) + 1 : 0;
      const b = document.getElementById(id).getBoundingClientRect();
      const dock = document.querySelector('[data-part="lecture-dock"]');
      const floor = dock && !dock.hidden ? dock.getBoundingClientRect().top : window.innerHeight;
      return w.__flowN >= 10 && Math.min(b.bottom, floor) - Math.max(b.top, 0) >= 150;
    },
    focus,
    15000,
  );
}

/** For each selector: is it on screen (inside the viewport) and not covered by anything? */
function onScreen(page, selectors) {
  return page.evaluate((sels) => {
    const out = {};
    for (const sel of sels) {
      const e = document.querySelector(sel);
      const b = e?.getBoundingClientRect();
      if (!b || !b.width) {
        out[sel] = { ok: false, why: 'not shown' };
        continue;
      }
      const inside = b.top >= 0 && b.bottom <= window.innerHeight && b.left >= 0;
      const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
      const free = Boolean(hit && (hit === e || e.contains(hit)));
      out[sel] = { ok: inside && free, top: Math.round(b.top), bottom: Math.round(b.bottom), free };
    }
    return out;
  }, selectors);
}

/** The part of the step's panel on screen above the lecture's bar, in px. */
function panelShown(page, focus) {
  return page.evaluate((id) => {
    const b = document.getElementById(id).getBoundingClientRect();
    const dock = document.querySelector('[data-part="lecture-dock"]');
    const floor = dock && !dock.hidden ? dock.getBoundingClientRect().top : window.innerHeight;
    return Math.round(Math.min(b.bottom, floor) - Math.max(b.top, 0));
  }, focus);
}

async function walk(page, width) {
  await page.waitForSelector('.cp-lec-start');
  await page.click('.cp-lec-start');
  const steps = await page.evaluate(() =>
    [...document.querySelectorAll('.cp-lec-list a[data-step]')].map((a) => a.dataset.step),
  );
  assert.deepEqual(steps, Object.keys(FOCUS), 'the lecture steps');
  for (const [i, id] of steps.entries()) {
    await waitUntil(
      page,
      `step ${id}`,
      (s) => document.getElementById('lecture').dataset.step === s,
      id,
    );
    await scrollSettled(page, FOCUS[id]);
    const last = i === steps.length - 1;
    const button = last ? '.cp-lec-prev' : '.cp-lec-next';
    const seen = await onScreen(page, [button, '.cp-lec-title', '.cp-lec-counter']);
    for (const [sel, v] of Object.entries(seen)) {
      assert.ok(v.ok, `${width} px, step ${i + 1} (${id}): ${sel} ${JSON.stringify(v)}`);
    }
    assert.equal(
      await page.locator('.cp-lec-counter').textContent(),
      `Step ${i + 1} of ${steps.length}`,
    );
    // the step's text is there to read (it scrolls inside the bar when long)
    const text = await page.locator('.cp-lec-body').textContent();
    assert.ok(text.length > 50 && (await page.locator('.cp-lec-body').isVisible()), id);
    // and the panel the step is about is in view above the bar
    const shown = await panelShown(page, FOCUS[id]);
    assert.ok(shown >= 150, `${width} px, step ${id}: ${shown} px of #${FOCUS[id]} on screen`);
    if (['bn-graph', 'nn-bn', 'sobel', 'nopad', 'alexnet'].includes(id)) {
      await shot(page, `flow-${width}-${i + 1}-${id}`, { fullPage: false });
    }
    if (last) break;
    // a student's click where the button is on screen (no scrolling to it)
    const b = await page.locator(button).boundingBox();
    await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
  }
}

test('lecture at 1,400 px: after each step scrolls to its panel, the step and Next are on screen', async () => {
  const { page, errors } = await openPage(browser, server.url, {
    viewport: { width: 1400, height: 900 },
  });
  await walk(page, 1400);
  assert.deepEqual(errors, []);
  await page.close();
});

test('lecture at 390 px: after each step scrolls to its panel, the step and Next are on screen', async () => {
  const { page, errors } = await openPage(browser, server.url, {
    viewport: { width: 390, height: 844 },
  });
  await walk(page, 390);
  // the text folds away and comes back
  await page.click('.cp-lec-toggle');
  assert.equal(await page.locator('.cp-lec-body').isVisible(), false);
  await page.click('.cp-lec-toggle');
  assert.equal(await page.locator('.cp-lec-body').isVisible(), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the AlexNet step after a walk through the steps before it runs on its own image', async () => {
  // the step opened by its link: the exercise's input as it should be
  const direct = (await openPage(browser, server.url, { hash: 'lstep=alexnet' })).page;
  await direct.waitForSelector('#alexnet[data-dims="55x55x96"]', { timeout: 30000 });
  await waitIdle(direct);
  const want = await canvasDigest(direct, '.cp-alex-input');
  await direct.close();

  const { page, errors } = await openPage(browser, server.url);
  await page.click('.cp-lec-start');
  // walk from the first convolution step: sobel ... stride (a 7 x 7 circle), then AlexNet
  await page.evaluate(() => document.querySelector('.cp-lec-list a[data-step="sobel"]').click());
  for (const id of ['sobel', 'flip', 'rgb', 'kfilters', 'nopad', 'pad', 'stride', 'alexnet']) {
    await waitUntil(
      page,
      `step ${id}`,
      (s) => {
        const d = document.getElementById('lecture').dataset;
        return d.step === s && d.match === 'yes';
      },
      id,
      30000,
    );
    if (id !== 'alexnet') await page.locator('.cp-lec-next').click();
  }
  await waitIdle(page);
  assert.equal(await page.locator('#sample').inputValue(), 'chelsea');
  await waitUntil(
    page,
    "the exercise's input to be the step's image (the cat, as its link shows it)",
    ([sel, digest]) => {
      const c = document.querySelector(sel);
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let h = 2166136261;
      for (let i = 0; i < d.length; i++) {
        h ^= d[i];
        h = Math.imul(h, 16777619) >>> 0;
      }
      return `${c.width}x${c.height}:${h}` === digest;
    },
    ['.cp-alex-input', want],
    15000,
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test('"Run the AlexNet exercise" says what it changed, keeps the panels consistent, and goes back', async () => {
  const { page, errors } = await openPage(browser, server.url);
  const before = await page.evaluate(() => ({ ...window.convplay.state }));
  const dimsBefore = await outputDims(page);
  await page.waitForSelector('.cp-alex-go');
  await page.click('.cp-alex-go');
  await page.waitForSelector('#alexnet[data-dims="55x55x96"]', { timeout: 30000 });
  await waitIdle(page);
  // what it changed, said beside the button
  const said = page.locator('.cp-alex-changed');
  await said.waitFor({ state: 'visible' });
  const text = await said.textContent();
  for (const part of [
    `F ${before.f} → 11`,
    `S ${before.s} → 4`,
    `P ${before.p} → 0`,
    `K ${before.k} → 16`,
    `working size ${before.size} → 227`,
  ]) {
    assert.ok(text.includes(part), `"${part}" in: ${text}`);
  }
  // the panels agree: the step-through can show this layer, the output size speaks of 96
  await waitUntil(page, 'the step-through', () =>
    Number(document.getElementById('stepper').dataset.total),
  );
  assert.equal(await page.locator('#stepper .message.error').isVisible(), false);
  const formula = await page.locator('#formula').textContent();
  assert.match(formula, /K = 96/, formula);
  await page.locator('#alexnet').scrollIntoViewIfNeeded();
  await shot(page, 'flow-alexnet-changed', { fullPage: false });
  // the way back: the student's layer as it was
  await page.click('.cp-alex-back');
  await waitIdle(page);
  const after = await page.evaluate(() => ({ ...window.convplay.state }));
  for (const name of ['f', 's', 'p', 'k', 'size', 'fit', 'filters', 'sn', 'batch']) {
    assert.deepEqual(after[name], before[name], name);
  }
  assert.equal(await outputDims(page), dimsBefore);
  assert.equal(await said.isVisible(), false);
  assert.doesNotMatch(await page.locator('#formula').textContent(), /K = 96/);
  assert.deepEqual(errors, []);
  await page.close();
});
