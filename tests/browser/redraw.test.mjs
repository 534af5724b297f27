// What one control step costs the page: it redraws what changed and nothing
// else. A drag writes the URL once, when it stops (a same-document navigation
// on every step is main-thread time between the input and its frame); a step
// that keeps the weights (padding, stride) leaves the filter bank's canvases
// alone; the padded input's overlay is drawn at the size it is shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSuite, closeSuite, openPage, waitIdle, waitUntil } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

/** Counts history.replaceState calls (window.__writes) and 2D drawing calls per canvas. */
function spy() {
  window.__writes = 0;
  const replace = history.replaceState.bind(history);
  history.replaceState = (...args) => {
    window.__writes += 1;
    return replace(...args);
  };
  window.__drawn = new Set();
  const proto = CanvasRenderingContext2D.prototype;
  for (const name of ['fillText', 'fillRect', 'putImageData', 'drawImage', 'clearRect']) {
    const real = proto[name];
    proto[name] = function (...args) {
      window.__drawn.add(this.canvas);
      return real.apply(this, args);
    };
  }
}

async function openSpied(hash = '') {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(spy);
  await page.goto(server.url + (hash ? `#${hash}` : ''));
  await waitUntil(
    page,
    'the first maps',
    () => Number(document.querySelector('.cp-playground')?.dataset.runs) >= 1,
  );
  await waitIdle(page);
  return { page, errors };
}

// the page's promise (common/store.js): the URL is written once the state has held
// for HASH_DELAY_MS, and at the latest HASH_MAX_DELAY_MS after the first change it lacks
const HASH_DELAY_MS = 250;
const HASH_MAX_DELAY_MS = 1000;

test('dragging F over 21 values writes the URL once, when the drag stops', async () => {
  const { page, errors } = await openSpied();
  await page.evaluate(() => (window.__writes = 0));
  // one value per frame, as a finger or a mouse drags the slider
  const times = await page.evaluate(async () => {
    const f = document.getElementById('f');
    const values = [];
    for (let v = 1; v <= 11; v++) values.push(v);
    for (let v = 10; v >= 1; v--) values.push(v);
    const at = [];
    for (const v of values) {
      await new Promise((r) => requestAnimationFrame(r));
      f.value = String(v);
      f.dispatchEvent(new Event('input', { bubbles: true }));
      at.push(performance.now());
    }
    return at;
  });
  await waitIdle(page);
  const { writes, hash, state } = await page.evaluate(() => ({
    writes: window.__writes,
    hash: location.hash,
    state: window.convplay.hash,
  }));
  // a loaded machine may hold a frame past HASH_DELAY_MS, or drag for longer than
  // HASH_MAX_DELAY_MS: each such pause, and each second, may write the URL once more
  const pauses = times.slice(1).filter((t, i) => t - times[i] >= HASH_DELAY_MS).length;
  const allowed = 1 + pauses + Math.floor((times.at(-1) - times[0]) / HASH_MAX_DELAY_MS);
  assert.ok(
    writes >= 1 && writes <= allowed,
    `the URL was written ${writes} times during one drag of ${Math.round(times.at(-1) - times[0])} ms with ${pauses} pause(s)`,
  );
  assert.equal(hash, `#${state}`, 'the URL holds the state the drag ended on');
  assert.deepEqual(errors, []);
  await page.close();
});

test("a padding or stride step leaves the filter bank's and the input channels' canvases alone", async () => {
  const { page, errors } = await openSpied();
  const drawnIn = (sel) =>
    page.evaluate((s) => {
      const box = document.querySelector(s);
      return [...window.__drawn].filter((c) => box.contains(c)).length;
    }, sel);
  const bankCanvases = () => drawnIn('#filter-bank');
  for (const [id, v] of [
    ['p', 2],
    ['s', 2],
    ['dil', 2],
  ]) {
    await page.evaluate(() => window.__drawn.clear());
    await stepTo(page, id, v);
    assert.equal(await bankCanvases(), 0, `${id} = ${v} redrew the filter bank's canvases`);
    assert.equal(await drawnIn('#input-volume .channels'), 0, `${id} = ${v} redrew the channels`);
  }
  // a new kernel size draws the bank again, with its new numbers
  await page.evaluate(() => window.__drawn.clear());
  await stepTo(page, 'f', 5);
  assert.ok((await bankCanvases()) >= 4, 'F = 5 draws every filter again');
  const label = await page.getAttribute('#filter-bank .wgrid', 'aria-label');
  assert.match(label, /5 × 5 weights: (-?[\d.e-]+, ){4}-?[\d.e-]+;/, label);
  assert.deepEqual(errors, []);
  await page.close();
});

/** Steps control id to v (an input event) and waits until the page is idle. */
async function stepTo(page, id, v) {
  await page.evaluate(
    ([i, val]) => {
      const e = document.getElementById(i);
      e.value = String(val);
      e.dispatchEvent(new Event('input', { bubbles: true }));
    },
    [id, v],
  );
  await waitIdle(page);
}

/** The layouts that script forced (a read of layout or text drawn on a canvas) during fn. */
async function forcedLayouts(page, fn) {
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline.stack'],
  });
  await fn();
  const trace = JSON.parse((await browser.stopTracing()).toString());
  return (trace.traceEvents || trace)
    .filter((e) => e.name === 'Layout' && e.args?.beginData?.stackTrace?.length)
    .map((e) => e.args.beginData.stackTrace.map((f) => f.functionName || '?').join(' < '));
}

test("a kernel step sizes the bank's grids, then draws them: one forced layout, not one per grid", async () => {
  // text drawn on a canvas in the document first brings the page's style and layout up to
  // date: a bank of 12 grids, each resized before the next was drawn, cost 12 layouts a step
  const { page, errors } = await openSpied();
  for (const v of [4, 5, 3]) {
    const forced = await forcedLayouts(page, () => stepTo(page, 'f', v));
    assert.ok(
      forced.length <= 2,
      `F = ${v}: ${forced.length} forced layouts:\n${forced.join('\n')}`,
    );
    const label = await page.getAttribute('#filter-bank .wgrid', 'aria-label');
    assert.match(label, new RegExp(`${v} × ${v} weights: `), label);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('a step that moves no part of the overlay leaves its canvas alone; one that does draws it', async () => {
  const { page, errors } = await openSpied();
  const overlayDrawn = () =>
    page.evaluate(() => window.__drawn.has(document.querySelector('#input-volume canvas.overlay')));
  // nothing inspected: F, S and K change no line of the overlay (only the padding frame)
  for (const [id, v] of [
    ['f', 5],
    ['s', 2],
    ['k', 3],
  ]) {
    await page.evaluate(() => window.__drawn.clear());
    await stepTo(page, id, v);
    assert.equal(await overlayDrawn(), false, `${id} = ${v} drew the overlay again`);
  }
  // a new padding moves the frame; with a pinned pixel, a new kernel size moves its window
  await page.evaluate(() => window.__drawn.clear());
  await stepTo(page, 'p', 2);
  assert.equal(await overlayDrawn(), true, 'P = 2 did not draw the padding frame');
  await page.evaluate(() => window.convplay.set('at', '0.3.4'));
  await waitIdle(page);
  await page.evaluate(() => window.__drawn.clear());
  await stepTo(page, 'f', 3);
  assert.equal(await overlayDrawn(), true, "F = 3 did not draw the pinned pixel's window");
  assert.deepEqual(errors, []);
  await page.close();
});

/** Each bank grid's canvas bitmap size and the size of the box it shows (CSS px). */
const bankGrids = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('#filter-bank .wgrid')].map((g) => {
      const c = g.querySelector('canvas');
      const box = g.getBoundingClientRect();
      return { bitmap: [c.width, c.height], box: [box.width, box.height] };
    }),
  );

async function setF(page, v) {
  await page.evaluate((val) => {
    const e = document.getElementById('f');
    e.value = String(val);
    e.dispatchEvent(new Event('input', { bubbles: true }));
  }, v);
  await waitIdle(page);
}

test("a smaller kernel keeps the bank's canvases (no new bitmaps) and shows exactly its cells", async () => {
  const { page, errors } = await openSpied();
  const at3 = await bankGrids(page);
  await setF(page, 5);
  const at5 = await bankGrids(page);
  await setF(page, 3);
  const back = await bankGrids(page);
  assert.equal(back.length, at3.length);
  back.forEach((g, i) => {
    // the bitmap made for F = 5 is kept (a canvas resize costs a new backing store)...
    assert.deepEqual(g.bitmap, at5[i].bitmap, `grid ${i + 1}: the canvas was resized`);
    // ...and the grid shows the 3 x 3 cells' box, as when it was first drawn at F = 3
    assert.deepEqual(g.box, at3[i].box, `grid ${i + 1}: the box of F = 3`);
  });
  assert.ok(at5[0].box[0] > at3[0].box[0], 'F = 5 grids are wider');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a kernel step from numbers to one pixel per weight shows each grid square, inside its box', async () => {
  // F = 5 draws numbers (the canvas sized and offset for them), F = 6 and up one pixel per weight
  const { page, errors } = await openSpied();
  for (const v of [5, 7, 4, 11, 5]) {
    await setF(page, v);
    const grids = await page.evaluate(() =>
      [...document.querySelectorAll('#filter-bank .wgrid')].map((g) => {
        const c = g.querySelector('canvas').getBoundingClientRect();
        const b = g.getBoundingClientRect();
        return {
          canvas: [c.left, c.top, c.width, c.height],
          grid: [b.left, b.top, b.right, b.bottom],
        };
      }),
    );
    grids.forEach(({ canvas: [x, y, w, h], grid: [l, t, r, b] }, i) => {
      const at = `F = ${v}, grid ${i + 1}: a ${w} x ${h} canvas`;
      if (v > 5) assert.ok(Math.abs(w - h) <= 1, `${at} is not square`);
      assert.ok(x >= l && y >= t && x + w <= r + 0.5 && y + h <= b + 0.5, `${at} leaves its grid`);
    });
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('the padded input’s overlay is drawn at the size it is shown', async () => {
  for (const width of [1400, 390]) {
    const { page, errors } = await openPage(browser, server.url, {
      hash: 'p=2&at=0.5.7',
      viewport: { width, height: 900 },
    });
    await waitIdle(page);
    const o = await page.evaluate(() => {
      const c = document.querySelector('#input-volume canvas.overlay');
      const box = c.getBoundingClientRect();
      return { w: c.width, h: c.height, cssW: box.width, cssH: box.height, dpr: devicePixelRatio };
    });
    assert.ok(
      Math.abs(o.w - o.cssW * o.dpr) <= 1 && Math.abs(o.h - o.cssH * o.dpr) <= 1.5,
      `at ${width} px the overlay is ${o.w} x ${o.h} for ${o.cssW} x ${o.cssH} CSS px`,
    );
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('a step that keeps the padding gets no new padded input from the worker; a padding step does', async () => {
  const { page, errors } = await openSpied();
  const padded = () =>
    page.evaluate(() => {
      const p = window.convplay.result.pictures;
      const cv = document.querySelector('#input-volume canvas.padded');
      return { sent: Boolean(p?.padded), w: cv.width, h: cv.height };
    });
  const set = (id, v) => stepTo(page, id, v);
  const first = await padded();
  assert.equal(first.sent, true, 'the first result carries the padded input');
  for (const [id, v] of [
    ['f', 5],
    ['s', 2],
    ['k', 3],
  ]) {
    await set(id, v);
    const now = await padded();
    assert.equal(now.sent, false, `${id} = ${v}: the worker drew the padded input again`);
    assert.deepEqual([now.w, now.h], [first.w, first.h]);
  }
  await set('p', 3);
  const wider = await padded();
  assert.equal(wider.sent, true, 'a new padding draws the padded input');
  assert.deepEqual([wider.w, wider.h], [first.w + 4, first.h + 4]);
  assert.deepEqual(errors, []);
  await page.close();
});

/** Steps F to v; resolves when and in which order the frame and the panels' updates came. */
async function stepOrder(page, v) {
  await setF(page, v);
  return page.evaluate(() => {
    const last = (name) => performance.getEntriesByName(name).at(-1);
    const painted = last('convplay:redraw');
    const at = (id) => last(`convplay:update:${id}`).startTime;
    return {
      painted: painted.startTime + painted.duration,
      volume: at('volume'),
      gradients: at('gradients'),
      stepperF: window.convplay.panel('stepper').model?.fh,
      layerKey: window.convplay.result.key,
      gradKey: window.convplay.panel('gradients').result?.key,
      dwLabel: document.querySelector('#gradients .g-dwgrid')?.getAttribute('aria-label'),
    };
  });
}

test('the panels on screen are drawn before the frame, those off screen after it, all before idle', async () => {
  const { page, errors } = await openSpied('gon=1&gl=sq');
  await page.waitForSelector('#gradients[data-state="ok"]', { timeout: 30000 });
  // the top of the page: the volume is on screen, the gradients far below it
  let o = await stepOrder(page, 5);
  assert.ok(o.volume < o.painted, 'the volume is drawn before the frame that shows it');
  assert.ok(o.gradients >= o.painted, 'the gradients (off screen) are updated after that frame');
  assert.equal(o.gradKey, o.layerKey, 'idle: the gradients are those of the layer shown');
  assert.match(o.dwLabel, /5 × 5 gradients/);
  assert.equal(o.stepperF, 5, "idle: the step-through (off screen) has the layer's kernel");
  // scrolled to the gradients: now they come first, and the volume after the frame
  await page.locator('#gradients .g-dw').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 200));
  await page.waitForTimeout(300); // the visibility observer reports
  o = await stepOrder(page, 3);
  assert.ok(o.gradients < o.painted, 'the gradients (on screen) are updated before the frame');
  assert.ok(o.volume >= o.painted, 'the volume (off screen) is drawn after that frame');
  assert.equal(o.gradKey, o.layerKey);
  assert.match(o.dwLabel, /3 × 3 gradients/);
  assert.equal(o.stepperF, 3);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a padding step changes the numbers of the formula, not its elements', async () => {
  const { page, errors } = await openSpied();
  const mark = () =>
    page.evaluate(() => {
      for (const e of document.querySelectorAll('#formula *')) e.__kept = true;
    });
  const read = () =>
    page.evaluate(() => ({
      kept: [...document.querySelectorAll('#formula .formula-line, #formula .formula-numbers')].map(
        (e) => e.__kept === true,
      ),
      w: document.querySelector('#formula .formula-W').textContent,
    }));
  await mark();
  await page.evaluate(() => {
    const e = document.getElementById('p');
    e.value = '2';
    e.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await waitIdle(page);
  const after = await read();
  assert.match(after.w, /\+ 2·2\) \/ 1 \+ 1/, after.w);
  assert.ok(after.kept.length >= 6);
  assert.ok(after.kept.every(Boolean), `elements replaced: ${after.kept}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('padding steps with the volume off screen: once idle, the padded input is the current one', async () => {
  const { page, errors } = await openSpied('img=checker&size=32&k=2');
  await page.locator('#stepper').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 400));
  await page.waitForTimeout(300);
  // two steps in a row: the second may come while the first is drawn off screen
  await page.evaluate(() => {
    const e = document.getElementById('p');
    for (const v of ['3', '2']) {
      e.value = v;
      e.dispatchEvent(new Event('input', { bubbles: true }));
    }
  });
  await waitIdle(page);
  const shown = await page.evaluate(() => {
    const r = window.convplay.result;
    const cv = document.querySelector('#input-volume canvas.padded');
    return {
      p: r.layer.p,
      canvas: [cv.width, cv.height],
      want: [r.padMapW.length, r.padMapH.length],
    };
  });
  assert.equal(shown.p, 2);
  assert.deepEqual(shown.canvas, shown.want);
  assert.deepEqual(errors, []);
  await page.close();
});
