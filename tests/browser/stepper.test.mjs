// The step-through mode (web/src/panels/stepper.js): the displayed sum of the
// products equals the module's output value (checked independently here with
// the module in Node on the numbers the page shows), the buttons move the
// window by the stride, and the keyboard reaches the controls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openSuite, closeSuite, openPage, RESULTS } from './helpers.mjs';

let server, browser, cp;
before(async () => ({ server, browser, cp } = await openSuite({ module: true })));
after(() => closeSuite({ server, browser }));

async function openStepper(hash, viewport) {
  const { page, errors } = await openPage(browser, server.url, { hash, viewport });
  await page.waitForSelector('#stepper[data-total]', { timeout: 15000 });
  await page.waitForFunction(() => Number(document.querySelector('#stepper').dataset.total) > 0);
  return { page, errors };
}

/** What the stepper shows: the input (unpadded), the kernel as it slides, the layer. */
async function readStepper(page) {
  return page.evaluate(() => {
    const root = document.querySelector('#stepper');
    const n = Number(root.dataset.n);
    const cells = [...root.querySelectorAll('.cp-fig-in .cp-grid > .cp-cell')];
    const np = Math.round(Math.sqrt(cells.length));
    const p = (np - n) / 2;
    const x = [];
    for (let r = p; r < p + n; r++) {
      for (let c = p; c < p + n; c++) x.push(Number(cells[r * np + c].firstChild.textContent));
    }
    const k = [...root.querySelectorAll('.cp-kgrid .cp-cell')].map((e) => Number(e.textContent));
    return { n, p, x, k, total: Number(root.dataset.total), w2: Number(root.dataset.w2) };
  });
}

async function goTo(page, pos) {
  await page.evaluate((v) => {
    const s = document.getElementById('cp-step-scrub');
    s.value = String(v);
    s.dispatchEvent(new Event('input', { bubbles: true }));
  }, pos);
  await page.waitForFunction(
    (v) => document.querySelector('#stepper').dataset.pos === String(v),
    pos,
  );
  return page.evaluate(() => ({
    sum: Number(document.querySelector('.cp-step-sum').dataset.value),
    sumText: document.querySelector('.cp-step-sum').textContent,
    module: Number(document.querySelector('.cp-step-module').dataset.value),
    ...document.querySelector('#stepper').dataset,
  }));
}

const CASES = [
  { name: 'zero_pad1', hash: '', params: { padH: 1, padW: 1 }, fh: 3 },
  { name: 'stride_2', hash: 's=2&p=0', params: { strideH: 2, strideW: 2 }, fh: 3 },
  {
    name: 'reflect_pad2_dil2',
    hash: 'pad=reflect&p=2&dil=2',
    params: { padH: 2, padW: 2, dilationH: 2, dilationW: 2, padMode: 'reflect' },
    fh: 3,
  },
  {
    name: 'circular_f5',
    hash: 'pad=circular&p=2&f=5&sn=8',
    params: { padH: 2, padW: 2, padMode: 'circular' },
    fh: 5,
  },
  {
    name: 'replicate_conv',
    hash: 'pad=replicate&mode=conv',
    params: { padH: 1, padW: 1, padMode: 'replicate', mode: 'convolution' },
    fh: 3,
    conv: true,
  },
];

for (const c of CASES) {
  test(`stepper ${c.name}: the displayed sum equals the module's output value`, async () => {
    const { page, errors } = await openStepper(c.hash);
    const s = await readStepper(page);
    // the kernel shown is the one that slides: for true convolution, rotate it back
    const w = c.conv ? s.k.slice().reverse() : s.k;
    const y = cp.conv2dForward(
      { shape: [1, 1, s.n, s.n], data: Float32Array.from(s.x) },
      { shape: [1, 1, c.fh, c.fh], data: Float32Array.from(w) },
      null,
      c.params,
    );
    assert.equal(y.data.length, s.total, 'output size');
    const positions = [0, 1, s.w2, Math.floor(s.total / 2), s.total - 1];
    for (const pos of positions) {
      const r = await goTo(page, pos);
      assert.ok(
        Math.abs(r.sum - y.data[pos]) < 1e-4,
        `${c.name} pos ${pos}: shown sum ${r.sum} vs module ${y.data[pos]}`,
      );
      assert.ok(
        Math.abs(r.module - y.data[pos]) < 1e-4,
        `${c.name} pos ${pos}: shown module value ${r.module} vs ${y.data[pos]}`,
      );
      assert.equal(Number(r.sumText), Math.round(y.data[pos]), 'integers in, integers out');
    }
    await page
      .locator('#stepper')
      .screenshot({ path: path.join(RESULTS, `stepper-${c.name}.png`) });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('stepper: step forward and back move the window by the stride', async () => {
  const { page } = await openStepper('s=2&p=0');
  const at = () =>
    page.evaluate(() => {
      const d = document.querySelector('#stepper').dataset;
      return { pos: Number(d.pos), row0: Number(d.row0), col0: Number(d.col0), w2: Number(d.w2) };
    });
  const a = await at();
  assert.deepEqual([a.pos, a.row0, a.col0, a.w2], [0, 0, 0, 3]); // 7x7, F=3, S=2 -> 3x3
  await page.click('.cp-step-fwd');
  assert.deepEqual(await at(), { pos: 1, row0: 0, col0: 2, w2: 3 });
  await page.click('.cp-step-fwd');
  assert.deepEqual(await at(), { pos: 2, row0: 0, col0: 4, w2: 3 });
  await page.click('.cp-step-fwd'); // next row: down by the stride
  assert.deepEqual(await at(), { pos: 3, row0: 2, col0: 0, w2: 3 });
  await page.click('.cp-step-back');
  assert.deepEqual(await at(), { pos: 2, row0: 0, col0: 4, w2: 3 });
  // the padding (none here) and the taps: 9 cells under the window
  assert.equal(await page.locator('.cp-fig-in .cp-tap').count(), 9);
  assert.equal(await page.locator('.cp-fig-in .cp-pad').count(), 0);
  // output cells filled up to the current one
  assert.equal(await page.locator('.cp-ogrid .cp-done').count(), 3);
  await page.close();
});

test('stepper: padding cells are told apart and play animates', async () => {
  const { page } = await openStepper('p=2');
  assert.equal(await page.locator('.cp-fig-in .cp-pad').count(), 11 * 11 - 7 * 7);
  assert.equal(await page.locator('.cp-step-legend li').count(), 5);
  await page.selectOption('#cp-step-speed', '2');
  await page.click('.cp-step-play');
  assert.equal(await page.getAttribute('.cp-step-play', 'aria-pressed'), 'true');
  await page.waitForFunction(() => Number(document.querySelector('#stepper').dataset.pos) >= 3);
  await page.click('.cp-step-play');
  assert.equal(await page.getAttribute('.cp-step-play', 'aria-pressed'), 'false');
  await page.close();
});

test('stepper: playback pauses while the playground is off screen', async () => {
  const { page } = await openStepper('p=1');
  await page.click('.cp-step-play');
  assert.equal(await page.getAttribute('.cp-step-play', 'aria-pressed'), 'true');
  // the whole playground leaves the screen (as an embedded one does when the course page scrolls)
  await page.evaluate(() => {
    document.querySelector('.cp-playground').style.transform = 'translateY(200000px)';
  });
  await page.waitForFunction(
    () => document.querySelector('.cp-playground').dataset.inView === 'false',
  );
  assert.equal(await page.getAttribute('.cp-step-play', 'aria-pressed'), 'false');
  const pos = await page.evaluate(() => document.querySelector('#stepper').dataset.pos);
  await page.waitForTimeout(600);
  assert.equal(await page.evaluate(() => document.querySelector('#stepper').dataset.pos), pos);
  await page.evaluate(() => {
    document.querySelector('.cp-playground').style.transform = '';
  });
  await page.waitForFunction(
    () => document.querySelector('.cp-playground').dataset.inView === 'true',
  );
  await page.close();
});

test('stepper: the keyboard reaches the controls', async () => {
  const { page } = await openStepper('');
  await page.focus('#cp-step-scrub'); // start near, then Tab backwards and forwards through the stepper
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'cp-step-fwd');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.querySelector('#stepper').dataset.pos), '1');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'cp-step-scrub');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.querySelector('#stepper').dataset.pos), '2');
  // from the top of the page, Tab alone gets to the play button
  await page.evaluate(() => {
    document.activeElement.blur();
    window.scrollTo(0, 0);
  });
  let reached = false;
  for (let i = 0; i < 400 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.classList.contains('cp-step-play'));
  }
  assert.ok(reached, 'Tab reaches the play button');
  await page.close();
});

test('stepper at phone width', async () => {
  const { page } = await openStepper('p=1&s=2', { width: 390, height: 844 });
  const box = await page.evaluate(() => {
    const el = document.querySelector('#stepper');
    const r = el.getBoundingClientRect();
    return {
      overflow: el.scrollWidth - el.clientWidth,
      right: r.right,
      vw: document.documentElement.clientWidth,
    };
  });
  assert.ok(
    box.overflow <= 1 && box.right <= box.vw + 1,
    `the stepper fits 390 px (${JSON.stringify(box)})`,
  );
  await page.click('.cp-step-fwd');
  await page.locator('#stepper').screenshot({ path: path.join(RESULTS, 'stepper-phone.png') });
  await page.close();
});
