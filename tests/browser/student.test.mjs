// What a student found, each defect with a test that fails when it comes back:
// the stride note, the quiz (alexnet.test.mjs), the lab's mu -> xhat edges and
// its lecture preset, dL/db with batch norm, the lecture steps and the first
// screen, what was done to an upload (alpha, grey, crop), the inspector's
// numbering, pointer and zoom, clipped step-through cells, internal names in
// error messages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  openSuite,
  closeSuite,
  openPage,
  afterRecompute,
  waitIdle,
  waitUntil,
  makePng,
  ROOT,
} from './helpers.mjs';

let server, browser, cp;
before(async () => ({ server, browser, cp } = await openSuite({ module: true })));
after(() => closeSuite({ server, browser }));

/** Opens a file in the page as an upload (what the picker and a drop do). */
function upload(page, bytes, name) {
  return page.evaluate(
    ([b, n]) => window.convplay.openFile(new Blob([new Uint8Array(b)], { type: 'image/png' }), n),
    [[...bytes], name],
  );
}

test('the stride note counts the columns never read, between the windows and at the end', async () => {
  const { page, errors } = await openPage(browser, server.url, { hash: 'f=3&s=5&p=0' });
  // 256 wide: windows at 0, 5, ..., 250 (51 of them) read 3 columns each = 153;
  // 256 - 153 = 103 never read: the last 3 after the last window, 100 between
  const windows = Math.floor((256 - 3) / 5) + 1;
  const unread = 256 - windows * 3;
  const atEnd = (256 - 3) % 5;
  const note = await page.locator('.formula-W .formula-skipped').textContent();
  assert.equal(
    note.trim(),
    `${unread} of the 256 padded columns are never read: ${unread - atEnd} columns between the windows, and the last ${atEnd} columns after the last window.`,
  );
  // S = 1: every column is read, no note
  await afterRecompute(page, () => page.evaluate(() => window.convplay.set('s', 1)));
  assert.equal(await page.locator('.formula-W .formula-skipped').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the lab: the lecture preset uses eps = 0 (the lecture's numbers), and mu -> xhat edges avoid the var box", async () => {
  const { page, errors } = await openPage(browser, server.url, { hash: 'bnx=5,1,2&bneps=0.1' });
  await page.waitForSelector('#bnlab[data-state="ok"]', { timeout: 20000 });
  const n = await page.evaluate(() => Number(document.getElementById('bnlab').dataset.computed));
  await page.click('button[data-preset="lecture"]');
  await page.waitForFunction(
    (k) => Number(document.getElementById('bnlab').dataset.computed) > k,
    n,
    { timeout: 20000 },
  );
  assert.equal(await page.evaluate(() => window.convplay.state.bneps), '0');
  const dmu = await page.$eval('#bn-bwd tr[data-key="dmu"] .bn-an', (e) => e.textContent);
  assert.equal(dmu, '2');
  const dvar = await page.$eval('#bn-bwd tr[data-key="dvar"] .bn-an', (e) => e.textContent);
  assert.equal(dvar, '3');
  // the dL/dmu step: its highlighted mu -> xhat_i edges never pass under the var box
  await page.evaluate(() => window.convplay.update({ bnmode: 'step', bnstep: 5 }));
  await page.waitForSelector('.bn-graph path.bn-edge.is-active[data-from="mu"]');
  const inside = await page.evaluate(() => {
    const svg = document.querySelector('.bn-graph');
    const box = svg.querySelector('[data-node="var"] rect').getBBox();
    const t = svg.querySelector('[data-node="var"]').transform.baseVal.consolidate().matrix;
    const x0 = box.x + t.e;
    const y0 = box.y + t.f;
    const hits = [];
    for (const path of svg.querySelectorAll('path.bn-edge.is-active[data-from="mu"]')) {
      const len = path.getTotalLength();
      for (let i = 0; i <= 100; i++) {
        const p = path.getPointAtLength((i / 100) * len);
        if (p.x > x0 && p.x < x0 + box.width && p.y > y0 && p.y < y0 + box.height) {
          hits.push(`${path.dataset.to} at (${p.x.toFixed(0)}, ${p.y.toFixed(0)})`);
        }
      }
    }
    return hits;
  });
  assert.deepEqual(inside, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('with batch norm, dL/db is shown as 0 within its float32 round-off', async () => {
  const { page, errors } = await openPage(browser, server.url, {
    hash: 'img=circle&size=24&fit=square&gon=1&gbn=1&gl=sq&k=3&filters=sobelx,random,gauss',
  });
  await page.waitForSelector('#gradients[data-state="ok"]', { timeout: 20000 });
  const db = await page.$$eval('#gradients .g-db', (els) =>
    els.map((e) => ({ text: e.textContent, value: Number(e.dataset.value) })),
  );
  assert.equal(db.length, 3);
  for (const d of db) {
    assert.match(d.text, /^0 \(round-off: .+, within ±.+ of Σ\|dL\/dy\| = .+\)$/, d.text);
    assert.ok(Math.abs(d.value) < 1e-3, `dL/db = ${d.value}`);
  }
  // without batch norm the same numbers are plain numbers
  await page.evaluate(() => window.convplay.set('gbn', false));
  await page.waitForFunction(
    () => !/round-off/.test(document.querySelector('#gradients .g-db').textContent),
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test('the first screen says where to start; each lecture step brings its panel into view', async () => {
  const { page, errors } = await openPage(browser, server.url, {
    viewport: { width: 1400, height: 900 },
  });
  const start = page.locator('.cp-start');
  assert.ok(await start.isVisible());
  const box = await start.boundingBox();
  assert.ok(box.y < 200, `the start block is at y = ${box.y}`);
  assert.match(await start.textContent(), /lecture/i);
  await page.click('.cp-start-lecture');
  await page.waitForFunction(() => document.getElementById('lecture').dataset.step);
  const step = await page.evaluate(() => document.getElementById('lecture').dataset.step);
  assert.equal(step, 'bn-graph');
  // the batch-norm step: the lab comes into view
  await waitUntil(page, 'the lab to be scrolled into view', () => {
    const b = document.getElementById('bnlab').getBoundingClientRect();
    return b.top >= -1 && b.top < window.innerHeight / 2;
  });
  // a conv-layer step: the volumes come into view
  await page.evaluate(() => {
    const i = [...document.querySelectorAll('.cp-lec-list a')].findIndex(
      (a) => a.dataset.step === 'sobel',
    );
    document.querySelectorAll('.cp-lec-list a')[i].click();
  });
  await waitUntil(page, 'the volumes to be scrolled into view', () => {
    const b = document.getElementById('volume').getBoundingClientRect();
    return b.top >= -1 && b.top < window.innerHeight / 2;
  });
  assert.deepEqual(errors, []);
  await page.close();
});

test('an upload says what was done: alpha blended on white, grey made three channels, a square cropped', async () => {
  const { page, errors } = await openPage(browser, server.url);
  const notice = () => page.locator('[data-part="image-notice"]').textContent();
  const rgba = makePng(40, 30, (x) => [200, 30, 30, x < 20 ? 255 : 0], { channels: 4 });
  await afterRecompute(page, () => upload(page, rgba, 'alpha.png'));
  assert.match(await notice(), /alpha channel \(transparency\): it was blended on white/);
  // the transparent half is white
  const px = await page.evaluate(() => {
    const r = window.convplay.result.input;
    const [, , h, w] = r.shape;
    return [0, 1, 2].map((c) => r.data[c * h * w + 5 * w + 35]);
  });
  assert.deepEqual(px, [1, 1, 1]);
  const grey = makePng(40, 30, (x) => [x * 6], { channels: 1 });
  await afterRecompute(page, () => upload(page, grey, 'grey.png'));
  assert.match(await notice(), /file is grey: its one channel was copied into R, G and B/);
  // a photo made square: its centre, cropped (not stretched), then resized by the module
  await afterRecompute(page, () =>
    page.evaluate(() => window.convplay.update({ img: 'chelsea', fit: 'square', size: 64 })),
  );
  const shown = await page.evaluate(() => Array.from(window.convplay.result.input.data));
  const bytes = fs.readFileSync(path.join(ROOT, 'web/src/page/samples/chelsea.png'));
  const d = cp.decodeImage(bytes, { maxSide: 64 }).image;
  const [, c, h, w] = d.shape;
  const side = Math.min(h, w);
  assert.ok(
    (await notice()).includes(
      `centre ${side} × ${side} of the ${w} × ${h} picture (cropped, not stretched)`,
    ),
    await notice(),
  );
  const y0 = Math.floor((h - side) / 2);
  const x0 = Math.floor((w - side) / 2);
  const crop = new Float32Array(c * side * side);
  for (let k = 0; k < c; k++) {
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        crop[k * side * side + y * side + x] = d.data[k * h * w + (y0 + y) * w + x0 + x];
      }
    }
  }
  const want = cp.resizeImage({ shape: [1, c, side, side], data: crop }, 64, 64).data;
  assert.equal(shown.length, want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(shown[i] - want[i]));
  assert.ok(worst < 1e-6, `the square differs from the crop's resize by ${worst}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a corrupt file: the message a student reads names no internal function', async () => {
  const { page } = await openPage(browser, server.url);
  await upload(page, Buffer.from('not an image at all'), 'broken.png');
  const msg = await page.locator('[data-part="image-error"]').textContent();
  assert.match(msg, /Could not open “broken\.png”: .+\. The previous image is kept\./);
  assert.doesNotMatch(msg, /\b[a-z]+_[a-z_]+:|::/, msg);
  await page.close();
});

test('the inspector: one numbering, the hovered pixel is the one a click pins, every pixel reachable by zooming', async () => {
  const { page, errors } = await openPage(browser, server.url);
  const map = page.locator('canvas.fmap').first();
  // fit: 256 map pixels in fewer CSS pixels
  const fit = await map.boundingBox();
  assert.ok(fit.width < 256, `the map is ${fit.width} px wide`);
  // zoom 2: two screen pixels per map pixel
  await page.selectOption('[data-part="map-zoom"]', '2');
  await waitUntil(
    page,
    'the zoomed map',
    () => document.querySelector('canvas.fmap').getBoundingClientRect().width === 512,
  );
  await map.scrollIntoViewIfNeeded();
  // every map pixel x is under CSS pixel 2x + 1: hover it, then click there (the map's
  // own box scrolls sideways to the pixel, as a student would scroll it)
  for (const [x, y] of [
    [93, 40],
    [94, 41],
    [0, 0],
    [255, 169],
  ]) {
    await map.evaluate((cv, px) => {
      cv.closest('figure').scrollLeft = Math.max(0, px - 100);
    }, 2 * x);
    const b = await map.boundingBox();
    await page.mouse.move(b.x + 2 * x + 1, b.y + 2 * y + 1);
    const hover = await page.locator('.inspect-where').textContent();
    assert.equal(hover, `map 1, row ${y}, column ${x}`);
    await page.mouse.click(b.x + 2 * x + 1, b.y + 2 * y + 1);
    await waitUntil(
      page,
      `the pin at ${x}, ${y}`,
      (at) => location.hash.includes(`at=${at}`),
      `0.${y}.${x}`,
    );
    assert.equal(await page.locator('.inspect-where').textContent(), hover);
    assert.match(await page.locator('.inspect-head').textContent(), /^Pinned: .*counted from 0/);
    await page.evaluate(() => window.convplay.set('at', ''));
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('step-through cells show negative and decimal values whole (never clipped)', async () => {
  const { page, errors } = await openPage(browser, server.url, {
    hash: 'sin=image&sk=layer&f=3&filters=sobelx&sn=9',
  });
  await page.waitForSelector('#stepper .cp-ogrid');
  // show every output cell: the position slider to its end
  const total = await page.evaluate(() => Number(document.getElementById('stepper').dataset.total));
  await page.evaluate((t) => {
    const scrub = document.querySelector('#stepper [data-part="cp-step-scrub"]');
    scrub.value = String(t - 1);
    scrub.dispatchEvent(new Event('input', { bubbles: true }));
  }, total);
  await waitUntil(
    page,
    'every output cell to be shown',
    (t) => Number(document.getElementById('stepper').dataset.pos) === t - 1,
    total,
  );
  const cells = await page.$$eval(
    '#stepper .cp-ogrid .cp-cell, #stepper .cp-pgrid .cp-cell',
    (els) => els.map((e) => ({ text: e.textContent, clipped: e.scrollWidth > e.clientWidth })),
  );
  assert.ok(
    cells.some((c) => c.text.startsWith('-') && c.text.includes('.')),
    JSON.stringify(cells.slice(0, 10)),
  );
  assert.deepEqual(
    cells.filter((c) => c.clipped).map((c) => c.text),
    [],
  );
  await waitIdle(page);
  assert.deepEqual(errors, []);
  await page.close();
});
