// Shared set-up of the browser tests (node:test + playwright-core, headless Chromium).
//
//   import { startServer, launchBrowser, openPage, shot } from './helpers.mjs';
//   const server = await startServer();          // the built page, served on a free 127.0.0.1 port
//   const browser = await launchBrowser();       // headless /usr/bin/chromium, fresh profile
//   const { page, errors } = await openPage(browser, server.url);   // waits for the first feature maps
//   ...
//   await shot(page, 'name');                    // test-results/name.png
//   await browser.close(); await server.close();
//
// startServer() builds the page with `vite build` into a temporary folder (its
// own, so parallel test runs in one checkout never race on dist/; about a
// second) and serves it with `vite preview` on a free 127.0.0.1 port; close()
// stops it and removes the folder. CONVPLAY_DIST=dir serves an existing build.
// CONVPLAY_URL=http://... skips both and tests a page that is already served
// (e.g. `npm start`'s dev server).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import zlib from 'node:zlib';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS = path.join(ROOT, 'test-results');
const VITE = path.join(ROOT, 'node_modules/vite/bin/vite.js');
const CONFIG = path.join(ROOT, 'web/vite.config.js');

/**
 * Builds the page with vite into a fresh temporary folder (about a second) and
 * returns the folder. Each test process builds its own copy, so test runs of
 * several people in one checkout never serve a dist/ that another is rewriting.
 */
export function buildPage() {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'convplay-site-'));
  execFileSync(
    process.execPath,
    [VITE, 'build', '--config', CONFIG, '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 120000, killSignal: 'SIGKILL' },
  );
  return outDir;
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Serves the built page (dist: a build to serve instead); resolves {url, close()}. */
export async function startServer({ dist = process.env.CONVPLAY_DIST } = {}) {
  if (process.env.CONVPLAY_URL && !arguments[0]?.dist)
    return { url: process.env.CONVPLAY_URL, close: async () => {} };
  const outDir = dist ? path.resolve(dist) : buildPage();
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      VITE,
      'preview',
      '--config',
      CONFIG,
      '--outDir',
      outDir,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout.on('data', (d) => {
    log += d;
  });
  child.stderr.on('data', (d) => {
    log += d;
  });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 90000; // a loaded machine starts it slowly
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite preview exited:\n${log}`);
    try {
      const res = await fetch(url);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`vite preview did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    outDir,
    // bounded: SIGTERM, then SIGKILL after 5 s if vite preview has not exited
    close: () =>
      new Promise((resolve) => {
        let killer = null;
        const done = () => {
          clearTimeout(killer);
          if (!dist) fs.rmSync(outDir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) {
          done();
          return;
        }
        child.once('exit', done);
        child.kill();
        killer = setTimeout(() => {
          child.kill('SIGKILL');
        }, 5000);
      }),
  };
}

/** Headless Chromium (playwright-core launch(): a fresh temporary profile each time). */
export function launchBrowser(options = {}) {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    ...options,
  });
}

/**
 * Opens url (hash optional) in a new page and waits until the first feature
 * maps are drawn. Resolves {page, errors}: errors collects console errors,
 * page errors and failed requests from the start.
 */
export async function openPage(
  browser,
  url,
  {
    hash = '',
    waitForMaps = true,
    viewport = { width: 1400, height: 1000 },
    colorScheme = 'light',
  } = {},
) {
  const page = await browser.newPage({ viewport, colorScheme });
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) =>
    errors.push(`requestfailed: ${req.url()} ${req.failure()?.errorText}`),
  );
  await page.goto(url + (hash ? `#${hash.replace(/^#/, '')}` : ''));
  if (waitForMaps) await waitForRuns(page, 1);
  return { page, errors };
}

// Every wait of the tests is bounded: page.evaluate has no timeout of its own,
// so never poll inside the page (a requestAnimationFrame loop that waits for a
// condition hangs the whole suite when the condition never comes). Wait with
// waitUntil() (page.waitForFunction with a timeout), whose error names what
// was awaited and what the page showed at that moment.

/**
 * A page of the build at url with OffscreenCanvas removed before any script runs (the worker's
 * pictures come as pixels); errors collects its page errors and console errors.
 */
export async function openWithoutOffscreen(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.addInitScript(() => {
    delete globalThis.OffscreenCanvas;
  });
  await page.goto(url);
  return { page, errors };
}

/** What the page's pipeline shows now (for the message of a wait that timed out). */
export async function pageStatus(page) {
  const look = page.evaluate(() =>
    JSON.stringify({
      runs: document.querySelector('.cp-playground').dataset.runs,
      idle: window.convplay?.idle,
      busy: window.convplay?.engine?.busy,
      dims: document.querySelector('#output-volume .dims-out')?.textContent,
      hash: location.hash.slice(0, 160),
    }),
  );
  const timer = new Promise((resolve) => {
    setTimeout(() => resolve('(the page did not answer within 2 s)'), 2000).unref();
  });
  return Promise.race([look, timer]).catch(
    (e) => `(the page could not be read: ${e.message.split('\n')[0]})`,
  );
}

/**
 * Waits (at most timeout ms, polling every animation frame) until fn(arg) is
 * truthy in the page; resolves its value. On timeout, throws an error that
 * names what (what was awaited) and the pipeline's state.
 */
export async function waitUntil(page, what, fn, arg, timeout = 15000) {
  try {
    const handle = await page.waitForFunction(fn, arg, { timeout });
    return await handle.jsonValue();
  } catch (e) {
    throw new Error(
      `waited ${timeout} ms for ${what}; the page: ${await pageStatus(page)}\n${e.message.split('\n')[0]}`,
      { cause: e },
    );
  }
}

/** The network lab's state: its element's data-* fields (state, step, loss, ...). */
export function labState(page) {
  return page.evaluate(() => ({ ...document.getElementById('nnlab').dataset }));
}

/** Waits until the network lab has taken at least `step` training steps. */
export function waitLabStep(page, step, timeout = 60000) {
  return waitUntil(
    page,
    `the lab to reach step ${step}`,
    (n) => Number(document.getElementById('nnlab').dataset.step) >= n,
    step,
    timeout,
  );
}

/** Presses the network lab's Pause and waits until it is paused. */
export async function pauseLab(page, timeout = 30000) {
  await page.click('#nnlab [data-part="nn-pause"]');
  await waitUntil(
    page,
    'the lab to pause',
    () => document.getElementById('nnlab').dataset.state === 'paused',
    null,
    timeout,
  );
}

/** Waits until the page has finished at least n computations (html[data-runs]). */
export async function waitForRuns(page, n, timeout = 60000) {
  await waitUntil(
    page,
    `computation number ${n} to be drawn (.cp-playground[data-runs] >= ${n})`,
    (k) => Number(document.querySelector('.cp-playground').dataset.runs || 0) >= k,
    n,
    timeout,
  );
}

/** Waits until the page has drawn the result of its latest change (nothing queued or running). */
export async function waitIdle(page, timeout = 15000) {
  await waitUntil(
    page,
    'the page to be idle (its latest change computed and drawn)',
    () => Boolean(window.convplay && window.convplay.idle),
    null,
    timeout,
  );
}

/**
 * Runs fn (which changes something the forward pass depends on), then waits
 * for the next computation to be drawn. fn must really change the layer or
 * the image: a value equal to the current one, or a display-only field,
 * starts no computation, and the wait fails after its timeout.
 */
export async function afterRecompute(page, fn) {
  const before = await page.evaluate(() =>
    Number(document.querySelector('.cp-playground').dataset.runs || 0),
  );
  await fn();
  await waitForRuns(page, before + 1);
  // a burst of changes may queue one more run: wait until the last one is drawn
  await waitIdle(page);
}

/**
 * Sets a range (or any) input by id and fires 'input' and 'change', as a user's
 * drag would, then waits for the computation. Setting the value it has already
 * changes nothing and waits for nothing.
 */
export async function setInput(page, id, value) {
  if ((await page.locator(`#${id}`).inputValue()) === String(value)) return;
  await afterRecompute(page, () =>
    page.evaluate(
      ([i, v]) => {
        const el = document.getElementById(i);
        el.value = String(v);
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      },
      [id, value],
    ),
  );
}

/** The text of the output dimensions "W2 × H2 × D2". */
export function outputDims(page) {
  return page.locator('#output-volume .dims-out').textContent();
}

/** A screenshot in test-results/<name>.png (full page unless {fullPage: false}). */
export async function shot(page, name, options = {}) {
  fs.mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, ...options });
  return file;
}

// ---- test images ----------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * A PNG of w x h whose pixel (x, y) is pixel(x, y) -> [r, g, b] (0..255), or with
 * channels 1 [grey], 2 [grey, alpha], 4 [r, g, b, alpha].
 */
export function makePng(w, h, pixel, { channels = 3 } = {}) {
  // PNG colour types: 0 grey, 4 grey + alpha, 2 RGB, 6 RGBA
  const type = { 1: 0, 2: 4, 3: 2, 4: 6 }[channels];
  const raw = Buffer.alloc(h * (1 + channels * w));
  for (let y = 0; y < h; y++) {
    raw[y * (1 + channels * w)] = 0; // filter: none
    for (let x = 0; x < w; x++) {
      const v = pixel(x, y);
      const o = y * (1 + channels * w) + 1 + channels * x;
      for (let c = 0; c < channels; c++) raw[o + c] = v[c];
    }
  }
  return pngOf(w, h, raw, { type });
}

/** An 8-bit RGB PNG of w x h (pixel (x, y) = [x, y, x ^ y] mod 256), compressed fast. */
export function bigPng(w, h) {
  const stride = 1 + 3 * w;
  const raw = Buffer.alloc(h * stride);
  for (let y = 0; y < h; y++) {
    const o = y * stride;
    for (let x = 0; x < w; x++) {
      raw[o + 1 + 3 * x] = x & 255;
      raw[o + 2 + 3 * x] = y & 255;
      raw[o + 3 + 3 * x] = (x ^ y) & 255;
    }
  }
  return pngOf(w, h, raw, { level: 1 });
}

/**
 * A PNG of w x h pixels from raw (h rows: filter byte 0, then the row's bytes) of
 * colour type `type` (2: RGB), deflated at zlib `level`.
 */
export function pngOf(w, h, raw, { type = 2, level = -1 } = {}) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = type;
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A short digest of what a canvas shows (to tell whether a map changed). */
export function canvasDigest(page, selector) {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 2166136261;
    for (let i = 0; i < d.length; i += 1) {
      h ^= d[i];
      h = Math.imul(h, 16777619) >>> 0;
    }
    return `${c.width}x${c.height}:${h}`;
  }, selector);
}

/**
 * The usual set-up of a test file: the served page, a browser and (module:
 * true) the WASM module itself, loaded in Node from the single-file build so a
 * test can compute what the page should show independently of the page.
 *   let server, browser, cp;
 *   before(async () => ({ server, browser, cp } = await openSuite({ module: true })));
 *   after(() => closeSuite({ server, browser }));
 */
export async function openSuite({ module = false } = {}) {
  const cp = module
    ? await createRequire(import.meta.url)(
        path.join(ROOT, 'build/wasm-release/dist/convplay.single.js'),
      )()
    : null;
  const server = await startServer();
  const browser = await launchBrowser();
  return { server, browser, cp };
}

export async function closeSuite({ server, browser }) {
  await browser?.close();
  await server?.close();
}

/**
 * A digest of the picture the page shows: the drawn result's input and maps
 * (the floats, bit for bit) and every canvas of the input and output volumes.
 * Two pages that show the same layer on the same image give the same digest.
 */
export function pictureDigest(page) {
  return page.evaluate(() => {
    let h = 2166136261;
    const mix = (bytes) => {
      for (let i = 0; i < bytes.length; i++) {
        h ^= bytes[i];
        h = Math.imul(h, 16777619) >>> 0;
      }
    };
    const r = window.convplay.result;
    if (!r) return 'no result';
    const f = (t) => (t ? new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) : []);
    mix(f(r.input));
    mix(f(r.output));
    const canvases = document.querySelectorAll('#input-volume canvas, #output-volume canvas');
    for (const c of canvases) {
      if (!c.width || !c.height) continue;
      mix(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
    }
    const [, , ih, iw] = r.input.shape;
    return `${iw}x${ih} ${r.output ? r.output.shape.join('x') : 'no output'} ${canvases.length} canvases ${h}`;
  });
}

/** The banners a user would read as "something is wrong now": {id: text} of the visible ones. */
export function visibleBanners(page) {
  return page.evaluate(() => {
    const out = {};
    for (const el of document.querySelectorAll('.cp-playground .message.error, #worker-notice')) {
      if (!el.hidden && el.textContent.trim() && el.getClientRects().length) {
        // by id (or part): two panels' banners of one class never overwrite each other
        const base = el.id || el.dataset.part || el.className;
        let key = base;
        for (let n = 2; key in out; n++) key = `${base} ${n}`;
        out[key] = el.textContent.trim();
      }
    }
    return out;
  });
}

/** The page's URL once the last state change is written to it (the page writes it once the state holds still, within a second). */
export async function settledUrl(page) {
  await page.waitForFunction(() => !window.convplay?.hashPending, null, { timeout: 10000 });
  return page.url();
}

/** location.hash once the last state change is written to it. */
export async function settledHash(page) {
  await page.waitForFunction(() => !window.convplay?.hashPending, null, { timeout: 10000 });
  return page.evaluate(() => location.hash);
}
