// Soak: random valid and invalid changes, as fast as the page accepts them,
// then the page must be as good as new.
//
//   SOAK_CHANGES=300 SOAK_SEED=1234 node --test tests/browser/soak.mjs
//
// `npm test` runs 300 changes for each of three seeds (scripts/test.sh),
// `npm run soak` 2,000. The changes come from a seeded generator (seed 20261130
// unless SOAK_SEED says otherwise; 'random' draws one): the seed is printed, and
// SOAK_SEED=<seed> replays the run.
// SOAK_SNAPSHOT=file writes the page's heap snapshot at the end, and file.start
// at the start (open them in Chromium's DevTools, Memory tab, to see what holds
// the heap, or compare them: scripts/heap-diff.mjs).
// A change is one of: a state field set to a valid value or to an invalid one
// (out of range, NaN, a wrong type, markup), a hostile link, a filter preset
// or lecture step, a sample, an upload of a good or a bad file, a page control
// (slider, select, checkbox, button) operated as a user would, a hovered
// pixel. Every few changes the page must become idle again.
//
// At the end (the last change picks a sample, so the link says everything):
// no console error, no worker restart, no banner that a fresh load of the
// final link does not show, the picture equal to that fresh load's; then,
// back at the starting link: the page's JS heap and the worker's malloc bytes
// near where they started, the DOM node and event listener counts bounded
// (MAX_NODES, MAX_LISTENERS, after every batch too). The figures are printed.
// Not named *.test.mjs: scripts/test.sh runs it on its own, with its own timeout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  openSuite,
  closeSuite,
  openPage,
  waitIdle,
  waitForRuns,
  waitUntil,
  makePng,
  pictureDigest,
  visibleBanners,
} from './helpers.mjs';
import { PROPS, FILTER_PRESETS, SAMPLES } from '../../web/src/common/state.js';
import { STEPS } from '../../web/src/common/lecture-steps.js';
import { rng } from '../../web/src/common/rng.js';

const CHANGES = Number(process.env.SOAK_CHANGES || 300);
// a fixed seed by default (npm test replays the same changes); SOAK_SEED=random draws one
const SEED =
  process.env.SOAK_SEED === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.SOAK_SEED || 20261130);
const REPLAY = `SOAK_SEED=${SEED} SOAK_CHANGES=${CHANGES} node --test tests/browser/soak.mjs`;

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

/** The page's seeded generator (web/src/common/rng.js) with the soak's draws. */
function generator(seed) {
  const next = rng(seed).uniform;
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (list) => list[Math.floor(next() * list.length)];
  return { next, int, pick, chance: (p) => next() < p };
}

const HOSTILE = [
  NaN,
  Infinity,
  -Infinity,
  -1,
  1e9,
  1.5,
  '',
  'abc',
  '<img src=x onerror=alert(1)>',
  '"><script>alert(1)</script>',
  null,
  undefined,
  true,
  [],
  {},
  '1e400',
  '0x10',
  ' 7 ',
  'a'.repeat(500),
];

/** A valid value of a state row. */
function validValue(rnd, row) {
  switch (row.type) {
    case 'int': {
      // the expensive rows stay mostly small (a soak is many changes, not one slow one)
      if (row.name === 'size') return rnd.chance(0.8) ? rnd.int(3, 160) : rnd.int(row.min, row.max);
      return rnd.int(row.min, row.max);
    }
    case 'float': {
      const lo = Math.max(row.min, -100);
      const hi = Math.min(row.max, 100);
      return Math.round((lo + rnd.next() * (hi - lo)) * 1000) / 1000;
    }
    case 'bool':
      return rnd.chance(0.5);
    case 'enum':
      return rnd.pick(row.options.filter((o) => o !== 'webcam' && o !== 'upload'));
    case 'list':
      return Array.from({ length: rnd.int(1, 5) }, () => rnd.pick(row.options));
    case 'floats':
      return Array.from(
        { length: rnd.int(0, Math.min(6, row.maxLength)) },
        () => Math.round((rnd.next() * 20 - 10) * 100) / 100,
      );
    case 'names':
      // class names as a student types them: empty, short words, a comma, a percent sign
      return Array.from({ length: rnd.int(1, row.maxLength) }, () =>
        rnd.pick([
          '',
          'cup',
          'cat',
          'hand',
          'Cup',
          '12',
          'a,b',
          '50%',
          ' x ',
          'ünï',
          'a'.repeat(25),
        ]),
      );
    case 'string':
      if (row.name === 'lstep') return rnd.chance(0.3) ? '' : rnd.pick(STEPS).id;
      if (row.name === 'at') return `${rnd.int(0, 3)}.${rnd.int(0, 40)}.${rnd.int(0, 40)}`;
      if (row.name === 'bneps') return rnd.pick(['1e-5', '1e-3', '0.1', '1e-8']);
      return '';
    default:
      return row.default;
  }
}

/** A file for an upload: a good PNG or one of the kinds of bad file. */
function uploadOf(rnd) {
  const kind = rnd.pick(['png', 'png', 'png', 'random', 'truncated', 'header', 'empty', 'pnm']);
  if (kind === 'png') {
    const w = rnd.int(1, 320);
    const h = rnd.int(1, 320);
    const a = rnd.int(1, 16);
    const b = rnd.int(0, 255);
    return {
      good: true,
      name: `photo-${w}x${h}.png`,
      bytes: makePng(w, h, (x, y) => [(x * a) & 255, (y * a + b) & 255, ((x ^ y) + b) & 255]),
    };
  }
  if (kind === 'random') {
    return {
      good: false,
      name: 'noise.jpg',
      bytes: Buffer.from(Array.from({ length: rnd.int(1, 3000) }, () => rnd.int(0, 255))),
    };
  }
  if (kind === 'truncated') {
    const png = makePng(rnd.int(20, 200), rnd.int(20, 200), (x, y) => [x & 255, y & 255, 0]);
    return { good: false, name: 'cut.png', bytes: png.subarray(0, rnd.int(8, png.length - 20)) };
  }
  if (kind === 'header') {
    // headers that claim huge or impossible sizes
    const headers = [
      Buffer.concat([Buffer.from('GIF89a'), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xf7, 0, 0])]),
      Buffer.from(
        'BM\x00\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00\xff\xff\xff\x7f\xff\xff\xff\x7f\x01\x00\x18\x00',
        'latin1',
      ),
      Buffer.from(
        '\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x7f\xff\xff\xff\x7f\xff\xff\xff\x08\x02\x00\x00\x00',
        'latin1',
      ),
    ];
    return { good: false, name: 'header.gif', bytes: rnd.pick(headers) };
  }
  if (kind === 'pnm')
    return { good: false, name: 'x.ppm', bytes: Buffer.from('P6 200 200 65535 ') };
  return { good: false, name: 'empty.png', bytes: Buffer.alloc(0) };
}

/** The next change (plain data: it crosses into the page). */
function changeOf(rnd, counts) {
  const r = rnd.next();
  let c;
  if (r < 0.35) {
    const row = rnd.pick(PROPS);
    c = { kind: 'set', name: row.name, value: validValue(rnd, row) };
  } else if (r < 0.47) {
    const row = rnd.pick(PROPS);
    c = { kind: 'set', name: row.name, value: rnd.pick(HOSTILE), invalid: true };
  } else if (r < 0.52) {
    // a hostile or random link
    const parts = Array.from({ length: rnd.int(0, 6) }, () => {
      const row = rnd.pick(PROPS);
      const v = rnd.chance(0.5) ? validValue(rnd, row) : rnd.pick(HOSTILE);
      return `${rnd.chance(0.9) ? row.name : 'zz'}=${encodeURIComponent(String(v))}`;
    });
    c = { kind: 'hash', hash: parts.join('&') };
  } else if (r < 0.58) {
    c = {
      kind: 'set',
      name: 'filters',
      value: Array.from({ length: rnd.int(1, 16) }, () => rnd.pick(FILTER_PRESETS)),
    };
  } else if (r < 0.66) {
    c = { kind: 'set', name: 'img', value: rnd.pick(SAMPLES) };
  } else if (r < 0.72) {
    const u = uploadOf(rnd);
    c = { kind: 'upload', good: u.good, name: u.name, base64: u.bytes.toString('base64') };
  } else if (r < 0.93) {
    c = { kind: 'control', r: rnd.next(), v: rnd.next(), hostile: rnd.chance(0.2) };
  } else {
    c = { kind: 'hover', hover: { k: rnd.int(0, 3), y: rnd.int(-2, 60), x: rnd.int(-2, 60) } };
  }
  const name = c.kind === 'upload' ? (c.good ? 'upload good' : 'upload bad') : c.kind;
  counts[name] = (counts[name] || 0) + 1;
  return c;
}

/** Applies changes in the page, each as soon as the page took the one before. */
function applyInPage(page, changes) {
  return page.evaluate(async (list) => {
    const pg = window.convplay;
    const root = pg.root;
    const tick = () => new Promise((r) => setTimeout(r, 0));
    for (const c of list) {
      if (c.kind === 'set') pg.set(c.name, c.value);
      else if (c.kind === 'hash') pg.loadHash(c.hash);
      else if (c.kind === 'hover') pg.setHover(c.hover);
      else if (c.kind === 'upload') {
        const bytes = Uint8Array.from(atob(c.base64), (ch) => ch.charCodeAt(0));
        await pg.openFile(new Blob([bytes]), c.name);
      } else if (c.kind === 'control') {
        // a control a user could operate now (the webcam asks for a camera: left out)
        const controls = [
          ...root.querySelectorAll('input:not([type=file]), select, textarea, button'),
        ].filter((el) => !el.disabled && el.getClientRects().length && el.id !== 'webcam');
        if (!controls.length) continue;
        const el = controls[Math.floor(c.r * controls.length)];
        if (el.tagName === 'BUTTON') el.click();
        else if (el.tagName === 'SELECT') {
          const options = [...el.options].filter((o) => !o.disabled);
          if (options.length) el.value = options[Math.floor(c.v * options.length)].value;
        } else if (el.type === 'checkbox' || el.type === 'radio') el.click();
        else if (c.hostile)
          el.value = ['-1', '1e9', 'abc', '', 'NaN', '<b>x</b>'][Math.floor(c.v * 6)];
        else if (el.type === 'range' || el.type === 'number') {
          const lo = Number(el.min || 0);
          const hi = Number(el.max || 100);
          el.value = String(Math.round(lo + c.v * (hi - lo)));
        } else el.value = String(Math.round(c.v * 20));
        if (el.tagName !== 'BUTTON' && el.type !== 'checkbox' && el.type !== 'radio') {
          el.dispatchEvent(new Event('input', { bubbles: true }));
          el.dispatchEvent(new Event('change', { bubbles: true }));
        }
      }
      await tick();
    }
  }, changes);
}

/** The figures compared before and after: JS heap (after a GC), worker memory, DOM nodes. */
/** Writes the page's heap snapshot to file (open it in Chromium's DevTools, Memory tab). */
async function snapshot(cdp, file) {
  const chunks = [];
  const take = ({ chunk }) => chunks.push(chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', take);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', take);
  fs.writeFileSync(file, chunks.join(''));
}

async function measure(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = await cdp.send('Runtime.getHeapUsage');
  if (process.env.SOAK_DEBUG) console.log(JSON.stringify(usage));
  const { jsEventListeners } = await cdp.send('Memory.getDOMCounters');
  const worker = await page.evaluate(() => window.convplay.engine.stats());
  if (process.env.SOAK_DEBUG) console.log(`worker: ${JSON.stringify(worker)}`);
  const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
  if (process.env.SOAK_DEBUG) {
    console.log(
      await page.evaluate(() =>
        JSON.stringify(
          [...document.querySelectorAll('[data-part], section')].map((el) => [
            el.id || el.className,
            el.getElementsByTagName('*').length,
          ]),
        ),
      ),
    );
  }
  // the V8 heap and the typed arrays' backing stores outside it (the results' planes)
  const heap = usage.usedSize + (usage.backingStorageSize ?? 0);
  return {
    heap,
    malloc: worker.usedBytes,
    wasm: worker.heapBytes,
    nodes,
    listeners: jsEventListeners,
  };
}

// The DOM's bound: views keep what they last drew (a hidden gradients panel keeps its
// grids: up to 16 x 3 x 11 x 11 weight cells), so the count varies with the
// state, but never grows with use beyond the largest state's.
const MAX_NODES = 25000;
// Event listeners the same way: panels add controls as they are first shown (about
// 125 at the start, 250 to 300 once every panel has been used, near 600 with the
// filter editor open on an 11 x 11 x 3 filter), counted after a garbage collection.
const MAX_LISTENERS = 1000;

const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;

test(`soak: ${CHANGES} random changes (seed ${SEED}), then the page is as good as new`, async () => {
  console.log(`soak: seed ${SEED}, ${CHANGES} changes; replay: ${REPLAY}`);
  const rnd = generator(SEED);
  const startHash = '';
  const { page, errors } = await openPage(browser, server.url, { hash: startHash });
  await page.evaluate(() => {
    window.convplay.engine.jobTimeout = 120000; // a busy machine is not a dead worker
  });
  const cdp = await page.context().newCDPSession(page);
  // warm up: every sample once, then back to the start (their bytes are kept for good)
  for (const img of SAMPLES) await page.evaluate((v) => window.convplay.set('img', v), img);
  await page.evaluate((h) => window.convplay.loadHash(h), startHash);
  await waitIdle(page, 60000);
  const start = await measure(page, cdp);
  if (process.env.SOAK_SNAPSHOT) await snapshot(cdp, `${process.env.SOAK_SNAPSHOT}.start`);

  const counts = {};
  const t0 = Date.now();
  let done = 0;
  let maxNodes = start.nodes;
  let maxListeners = start.listeners;
  while (done < CHANGES) {
    const n = Math.min(CHANGES - done, rnd.int(1, 30));
    const batch = Array.from({ length: n }, () => changeOf(rnd, counts));
    await applyInPage(page, batch);
    if (Math.floor((done + n) / 250) > Math.floor(done / 250))
      console.log(`soak: ${done + n} changes after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    done += n;
    try {
      await waitIdle(page, 90000);
    } catch (e) {
      const last = JSON.stringify(batch).slice(0, 2000);
      throw new Error(
        `after change ${done} the page never became idle (${REPLAY}): ${e.message}; ` +
          `the last batch: ${last}`,
        { cause: e },
      );
    }
    assert.deepEqual(errors, [], `console errors by change ${done} (${REPLAY})`);
    const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    maxNodes = Math.max(maxNodes, nodes);
    let { jsEventListeners } = await cdp.send('Memory.getDOMCounters');
    if (jsEventListeners > MAX_LISTENERS) {
      // the counter includes the listeners of removed nodes not yet collected (a filter
      // editor rebuilt at 11 x 11 x 3 leaves 364): only the live ones count
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      ({ jsEventListeners } = await cdp.send('Memory.getDOMCounters'));
    }
    maxListeners = Math.max(maxListeners, jsEventListeners);
    assert.ok(
      jsEventListeners <= MAX_LISTENERS,
      `${jsEventListeners} event listeners after change ${done} (${REPLAY})`,
    );
    assert.ok(nodes <= MAX_NODES, `${nodes} DOM nodes after change ${done} (${REPLAY})`);
  }
  // the last change picks a sample and ends the hover (the pointer leaves): the final link
  // then says everything the page shows
  await page.evaluate((v) => {
    window.convplay.setHover(null);
    window.convplay.set('img', v);
  }, rnd.pick(SAMPLES));
  await waitIdle(page, 90000);
  // the network lab builds in its own queue (the page's idle is the layer's): wait for it
  const labSettled = () =>
    !['loading', 'training'].includes(
      document.querySelector('[data-part=nnlab]')?.dataset.state ?? '',
    );
  await waitUntil(page, 'the network lab to settle', labSettled, null, 90000);
  const seconds = (Date.now() - t0) / 1000;

  const hash = await page.evaluate(() => window.convplay.hash);
  const restarts = await page.evaluate(() => window.convplay.root.dataset.restarts ?? '0');
  // the fresh load's first picture may take long on a busy machine: waited as long as the rest
  const fresh = await openPage(browser, server.url, { hash, waitForMaps: false });
  await waitForRuns(fresh.page, 1, 90000);
  await waitIdle(fresh.page, 90000);
  await waitUntil(fresh.page, 'the network lab to settle', labSettled, null, 90000);
  // the panels below the layer ask for their own jobs once the first view is drawn
  await waitIdle(page, 90000);
  await waitIdle(fresh.page, 90000);
  const banners = await visibleBanners(page);
  const freshBanners = await visibleBanners(fresh.page);
  const picture = await pictureDigest(page);
  const freshPicture = await pictureDigest(fresh.page);
  await fresh.page.close();

  // back at the starting link, the figures again
  await page.evaluate((h) => window.convplay.loadHash(h), startHash);
  await waitIdle(page, 90000);
  const end = await measure(page, cdp);
  if (process.env.SOAK_SNAPSHOT) await snapshot(cdp, process.env.SOAK_SNAPSHOT);
  console.log(
    `soak: ${CHANGES} changes in ${seconds.toFixed(1)} s (${JSON.stringify(counts)}); ` +
      `JS heap ${mb(start.heap)} -> ${mb(end.heap)}, worker malloc ${start.malloc} -> ${end.malloc} bytes, ` +
      `worker WASM memory ${mb(start.wasm)} -> ${mb(end.wasm)}, DOM nodes ${start.nodes} -> ${end.nodes} (at most ${maxNodes}), ` +
      `event listeners ${start.listeners} -> ${end.listeners} (at most ${maxListeners}); ` +
      `final link #${hash}`,
  );

  assert.deepEqual(errors, [], `console errors (${REPLAY})`);
  assert.deepEqual(fresh.errors, [], `console errors of the fresh load (${REPLAY})`);
  assert.equal(restarts, '0', `the worker died during the soak (${REPLAY})`);
  assert.deepEqual(banners, freshBanners, `banners a fresh load does not show (${REPLAY})`);
  assert.equal(
    picture,
    freshPicture,
    `the picture differs from a fresh load of #${hash} (${REPLAY})`,
  );
  // What the page may keep at the end beyond the start: the one upload it still offers
  // (its bytes), the drawing pool's few ImageData (render.js: one per size, at most four),
  // the performance measures of the last redraws (runner.js) and compiled code. A result kept by a view that no longer shows it (a hidden panel's last
  // result: megabytes at the larger sizes) does not fit.
  assert.ok(
    end.heap < start.heap * 1.25 + 4 * 1048576,
    `the JS heap grew from ${mb(start.heap)} to ${mb(end.heap)} (${REPLAY})`,
  );
  // The module keeps nothing between calls but the packed weights of the last forward
  // and backward-data calls (conv2d_igemm.cpp). Back at the start, the forward pack is
  // the start layer's again; the backward one is at most the largest weights the page
  // allows (16 x 3 x 11 x 11 floats: a copy and its pack, about 54 kB).
  assert.ok(
    end.malloc <= start.malloc + 65536,
    `the worker's malloc bytes grew from ${start.malloc} to ${end.malloc} (${REPLAY})`,
  );
  assert.ok(
    end.listeners <= MAX_LISTENERS,
    `${end.listeners} event listeners at the end (${REPLAY})`,
  );
  assert.ok(end.nodes <= MAX_NODES, `${end.nodes} DOM nodes at the end (${REPLAY})`);
  await page.close();
});
