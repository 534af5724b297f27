// `npm run bench:page`: the page's responsiveness in headless Chromium, on
// the production build (vite build + vite preview). Prints:
//   - per control (F, P, S, D, K one step at the defaults): p50 / p95 of
//     'convplay:redraw' (from the input event to the painted frame that shows it) over
//     ROUNDS steps after the control's first step, which is printed apart (and both with it);
//   - long tasks (PerformanceObserver 'longtask', > 50 ms) while dragging F
//     from 1 to 11 and back at the defaults, one step per frame;
//   - a 512 x 512 image with K = 16, F = 11: long tasks while the worker
//     computes, and 'convplay:draw' (from the worker's reply to the painted frame),
//     with the maps drawn by the worker as ImageBitmaps, then as RGBA pixels (a
//     page without OffscreenCanvas), with the worker's drawing time;
//   - 'convplay:first-view' of the production build (median of 5 fresh loads; ONLY=first:
//     that alone; FIRST_VIEW_VS=dir: alternating with the build in dir, both printed).
// Timings are this machine's; nothing is asserted (the tests never time anything).
import { startServer, launchBrowser } from '../browser/helpers.mjs';
import { step } from './page-step.mjs';
import { firstViewOf } from './first-view-wait.mjs';

const ROUNDS = Number(process.env.ROUNDS || 12);

function pct(values, p) {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : 'n/a');

async function open(browser, url, hash = '', { noOffscreen = false } = {}) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  if (noOffscreen)
    await page.addInitScript(() => {
      delete globalThis.OffscreenCanvas;
    });
  await page.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        window.__longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(url + (hash ? `#${hash}` : ''));
  await page.waitForFunction(
    () =>
      Number(document.querySelector('.cp-playground')?.dataset.runs) >= 1 && window.convplay.idle,
    null,
    { timeout: 30000 },
  );
  // the panels below the layer settle (AlexNet quiz, lab, step-through)
  await page.waitForTimeout(1500);
  return page;
}

const idle = (page) =>
  page.waitForFunction(() => window.convplay.idle, null, { timeout: 30000, polling: 'raf' });

/** 512 x 512, K = 16, F = 11: five seeds, reply -> painted and the long tasks. */
async function bigCase(browser, url, noOffscreen) {
  const big = await open(browser, url, 'img=checker&size=512&k=16&f=11&filters=random', {
    noOffscreen,
  });
  const bigTimes = [];
  const bigTasks = [];
  const forward = [];
  const drawing = [];
  let kind = 'none';
  for (let i = 0; i < 5; i++) {
    await big.evaluate(() => {
      window.__longtasks.length = 0;
    });
    const t0 = await big.evaluate((seed) => {
      const t = performance.now();
      window.convplay.set('seed', 100 + seed);
      return t;
    }, i);
    await idle(big);
    await big.waitForTimeout(200);
    const r = await big.evaluate(
      (t) => ({
        draw: performance.getEntriesByName('convplay:draw').at(-1).duration,
        tasks: window.__longtasks.filter((x) => x.start >= t),
        forward: window.convplay.result.ms.forward,
        workerDraw: window.convplay.result.ms.draw ?? NaN,
        kind: window.convplay.result.pictures?.kind ?? 'none',
      }),
      t0,
    );
    bigTimes.push(r.draw);
    bigTasks.push(...r.tasks);
    forward.push(r.forward);
    drawing.push(r.workerDraw);
    kind = r.kind;
  }
  console.log(
    `  512 x 512, K = 16, F = 11 (worker pictures: ${kind}): worker forward p50 ${ms(pct(forward, 50))}, drawing p50 ${ms(pct(drawing, 50))};` +
      ` reply -> painted p50 ${ms(pct(bigTimes, 50))} max ${ms(Math.max(...bigTimes))}; ${bigTasks.length} long task(s)` +
      `${bigTasks.length ? `, longest ${ms(Math.max(...bigTasks.map((t) => t.duration)))}` : ''}`,
  );
  await big.close();
}

/** One fresh load of url (a new browser context): 'convplay:first-view'. */
async function firstView(browser, url) {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const p = await ctx.newPage();
  await p.goto(url, { waitUntil: 'commit' });
  const ms = await firstViewOf(p);
  await ctx.close();
  return ms;
}

/**
 * 'convplay:first-view' of the production build, median of FIRST_LOADS (5) fresh loads; with
 * FIRST_VIEW_VS=dir (another build, e.g. of main), loads of both alternate (A, B, A, B...) and
 * both medians are printed.
 */
async function firstViews(browser, server) {
  const n = Number(process.env.FIRST_LOADS || 5);
  const other = process.env.FIRST_VIEW_VS
    ? await startServer({ dist: process.env.FIRST_VIEW_VS })
    : null;
  const runs = [{ name: 'this build', url: server.url, ms: [] }];
  if (other) runs.push({ name: process.env.FIRST_VIEW_VS, url: other.url, ms: [] });
  try {
    for (let i = 0; i < n; i++) for (const r of runs) r.ms.push(await firstView(browser, r.url));
  } finally {
    await other?.close();
  }
  for (const r of runs)
    console.log(
      `  first view (${r.name}): median ${ms(pct(r.ms, 50))}, all ${r.ms.map((x) => x.toFixed(0)).join(', ')} ms`,
    );
}

const server = await startServer();
const browser = await launchBrowser();
try {
  // ONLY=first: the first view alone
  if (process.env.ONLY === 'first') await firstViews(browser, server);
  else await allParts(browser, server);
} finally {
  await browser.close();
  await server.close();
}

/** Every part of the bench: the controls, the drag, the 512 case, the first view. */
async function allParts(browser, server) {
  console.log(
    `convplay page bench (production build, headless Chromium, ${ROUNDS} steps per control)`,
  );
  // 1. one step of each control at the defaults
  const page = await open(browser, server.url);
  const controls = [
    ['f', 3, 4],
    ['p', 1, 2],
    ['s', 1, 2],
    ['dil', 1, 2],
    ['k', 4, 5],
  ];
  for (const [id, a, b] of controls) {
    // the control's first step (its first use: code and canvases not yet warm) is printed
    // apart, then ROUNDS steps; p95 of 12 steps is their largest
    const first = await step(page, id, b, 30000);
    const times = [];
    for (let i = 0; i < ROUNDS; i++) times.push(await step(page, id, i % 2 ? b : a, 30000));
    if (ROUNDS % 2 === 0) await step(page, id, a, 30000).catch(() => {});
    const all = [first, ...times];
    console.log(
      `  ${id.toUpperCase().padEnd(3)} one step:  p50 ${ms(pct(times, 50))}  p95 ${ms(pct(times, 95))}  max ${ms(Math.max(...times))}` +
        `  (first step ${ms(first)}; with it p50 ${ms(pct(all, 50))} p95 ${ms(pct(all, 95))})`,
    );
  }

  // 2. dragging F from 1 to 11 and back, one value per frame
  await page.evaluate(() => {
    window.__longtasks.length = 0;
  });
  const drag = await page.evaluate(async () => {
    const el = document.getElementById('f');
    const values = [];
    for (let v = 1; v <= 11; v++) values.push(v);
    for (let v = 10; v >= 1; v--) values.push(v);
    const t0 = performance.now();
    const gaps = [];
    let last = t0;
    for (const v of values) {
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      el.value = String(v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }
    return { t0, gaps };
  });
  await idle(page);
  await page.waitForTimeout(300);
  const dragTasks = await page.evaluate(
    (t0) => window.__longtasks.filter((t) => t.start >= t0),
    drag.t0,
  );
  console.log(
    `  drag F 1..11..1 (21 input events, one per frame): ${dragTasks.length} long task(s) > 50 ms` +
      `${dragTasks.length ? `, longest ${ms(Math.max(...dragTasks.map((t) => t.duration)))}` : ''};` +
      ` longest frame gap while dragging ${ms(Math.max(...drag.gaps))}`,
  );
  await page.close();

  // 3. 512 x 512, K = 16, F = 11 (the worker's pictures as bitmaps, then as pixels)
  for (const noOffscreen of [false, true]) await bigCase(browser, server.url, noOffscreen);

  // 4. first view of the production build, fresh pages
  await firstViews(browser, server);
}
