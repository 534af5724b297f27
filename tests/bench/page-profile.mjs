// `node tests/bench/page-profile.mjs [hash] [control]`: where the time of a
// control step goes. Opens the production build (hash: the state, default the
// page's defaults), records a Chromium trace (the renderer's main thread)
// while the control (default F) is stepped ROUNDS times, and prints the main
// thread's time per trace event (self time: a child's time is not counted in
// its parent), largest first: scripts, style, layout, paint, canvas commits,
// image decoding... A state row without a control (seed) is set through
// window.convplay.set. Nothing is asserted; the numbers are this machine's.
import { startServer, launchBrowser } from '../browser/helpers.mjs';
import { step } from './page-step.mjs';
import { selfTimes } from './trace.mjs';

const [hash = '', control = 'f'] = process.argv.slice(2);
const ROUNDS = Number(process.env.ROUNDS || 8);
const TOP = Number(process.env.TOP || 18);

/** The values the control steps between: its value now and one more (or one less). */
async function valuesOf(page, id) {
  return page.evaluate((i) => {
    const el = document.getElementById(i);
    if (!el) return [100, 101]; // a state row without a control (seed): set through the API
    const v = Number(el.value);
    return v + 1 <= Number(el.max) ? [v, v + 1] : [v, v - 1];
  }, id);
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  // NO_OFFSCREEN=1: a page without OffscreenCanvas (the worker's pictures come as pixels)
  if (process.env.NO_OFFSCREEN)
    await page.addInitScript(() => {
      delete globalThis.OffscreenCanvas;
    });
  await page.goto(server.url + (hash ? `#${hash}` : ''));
  await page.waitForFunction(
    () =>
      Number(document.querySelector('.cp-playground')?.dataset.runs) >= 1 && window.convplay.idle,
    null,
    { timeout: 60000 },
  );
  await page.waitForTimeout(1500);
  const [a, b] = await valuesOf(page, control);
  await step(page, control, b);
  await step(page, control, a);
  await browser.startTracing(page, {
    categories: [
      'devtools.timeline',
      'disabled-by-default-devtools.timeline',
      'blink',
      'cc',
      'gpu',
      'v8.execute',
    ],
  });
  const t0 = Date.now();
  for (let i = 0; i < ROUNDS; i++) await step(page, control, i % 2 ? a : b);
  const wall = Date.now() - t0;
  const trace = JSON.parse((await browser.stopTracing()).toString());
  const events = trace.traceEvents || trace;
  // the renderer's main thread: the thread named CrRendererMain with the most events
  const names = events.filter((e) => e.ph === 'M' && e.name === 'thread_name');
  const counts = new Map();
  for (const e of events)
    counts.set(`${e.pid}:${e.tid}`, (counts.get(`${e.pid}:${e.tid}`) || 0) + 1);
  const threads = (label) =>
    names
      .filter((n) => n.args.name === label)
      .sort(
        (x, y) => (counts.get(`${y.pid}:${y.tid}`) || 0) - (counts.get(`${x.pid}:${x.tid}`) || 0),
      );
  const report = (title, thread) => {
    if (!thread) return;
    const self = selfTimes(events, thread.pid, thread.tid);
    const rows = [...self.entries()].filter(([, t]) => t > 0).sort((x, y) => y[1] - x[1]);
    const total = rows.reduce((s, [, t]) => s + t, 0);
    console.log(`${title}: ${(total / 1000 / ROUNDS).toFixed(1)} ms busy per step`);
    for (const [name, t] of rows.slice(0, TOP))
      console.log(`  ${(t / 1000 / ROUNDS).toFixed(2).padStart(8)} ms  ${name}`);
  };
  console.log(
    `control ${control.toUpperCase()} ${a} <-> ${b}, ${ROUNDS} steps, ${(wall / ROUNDS).toFixed(0)} ms wall per step (with the bench's waits)` +
      `${hash ? `, #${hash}` : ''}`,
  );
  report('renderer main thread', threads('CrRendererMain')[0]);
  report('compositor', threads('Compositor')[0]);
  report('worker (DedicatedWorker thread)', threads('DedicatedWorker thread')[0]);
  const redraws = await page.evaluate(() =>
    performance
      .getEntriesByName('convplay:redraw')
      .slice(-8)
      .map((e) => e.duration.toFixed(0)),
  );
  console.log(`last redraws (input -> painted): ${redraws.join(', ')} ms`);
  const updates = await page.evaluate((rounds) => {
    const out = {};
    for (const e of performance.getEntriesByType('measure'))
      if (e.name.startsWith('convplay:update:')) (out[e.name.slice(16)] ||= []).push(e.duration);
    return Object.entries(out).map(([k, v]) => [
      k,
      (v.slice(-rounds).reduce((s, x) => s + x, 0) / Math.min(v.length, rounds)).toFixed(1),
    ]);
  }, ROUNDS);
  console.log(
    `each view's synchronous update (mean ms): ${updates.map((u) => u.join(' ')).join(', ')}`,
  );
} finally {
  await browser.close();
  await server.close();
}
