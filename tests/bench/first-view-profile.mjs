// `node tests/bench/first-view-profile.mjs [hash]`: where the first view's time goes, from
// navigation start to 'convplay:first-view' (the frame that paints the first result), on the
// production build (CONVPLAY_DIST=dir: an existing build; else a fresh one).
//
// Prints, for LOADS fresh loads (default 5, each in a new browser context), the median time of
// each milestone after navigation start: the HTML, each script/asset fetched (page and worker),
// the page's and the worker's performance marks and measures ('convplay:*'), first paint; then
// one traced load (a Chromium trace from before navigation) with the main thread's and the
// worker's self time per trace event between navigation start and the first view, largest
// first. The worker's entries are read from the worker (its own time origin, shifted to the
// page's). Nothing is asserted; the numbers are this machine's.
import { startServer, launchBrowser } from '../browser/helpers.mjs';
import { selfTimes, threadsNamed, printSelfTimes } from './trace.mjs';
import { firstViewOf } from './first-view-wait.mjs';

const [hash = ''] = process.argv.slice(2);
const LOADS = Number(process.env.LOADS || 5);
const TOP = Number(process.env.TOP || 22);

const short = (url) => url.replace(/^.*\//, '').replace(/[?#].*$/, '');

/** The page's milestones of one load: [{name, at (ms after navigation start)}]. */
async function pageMilestones(page) {
  return page.evaluate(() => {
    const out = [];
    const nav = performance.getEntriesByType('navigation')[0];
    out.push({ name: 'HTML received', at: nav.responseEnd });
    out.push({ name: 'DOM interactive', at: nav.domInteractive });
    for (const r of performance.getEntriesByType('resource'))
      out.push({ name: `fetched ${r.name}`, at: r.responseEnd, from: r.startTime });
    for (const p of performance.getEntriesByType('paint'))
      out.push({ name: p.name, at: p.startTime });
    for (const m of performance.getEntriesByType('mark'))
      if (m.name.startsWith('convplay:')) out.push({ name: m.name, at: m.startTime });
    for (const m of performance.getEntriesByType('measure'))
      if (m.name.startsWith('convplay:') && m.name !== 'convplay:first-view')
        out.push({ name: `${m.name} (measure)`, at: m.startTime + m.duration, from: m.startTime });
    return out;
  });
}

/** The worker's milestones, on the page's clock. */
async function workerMilestones(page, pageOrigin) {
  const out = [];
  for (const w of page.workers()) {
    const entries = await w
      .evaluate(() => ({
        origin: performance.timeOrigin,
        list: performance.getEntries().map((e) => ({
          type: e.entryType,
          name: e.name,
          start: e.startTime,
          end: e.entryType === 'resource' ? e.responseEnd : e.startTime + e.duration,
        })),
      }))
      .catch(() => null);
    if (!entries) continue;
    const shift = entries.origin - pageOrigin;
    out.push({ name: 'worker: time origin', at: shift });
    for (const e of entries.list) {
      const label = e.type === 'resource' ? `fetched ${e.name}` : e.name;
      out.push({ name: `worker: ${label}`, at: e.end + shift, from: e.start + shift });
    }
  }
  return out;
}

async function load(browser, url, traced) {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await ctx.newPage();
  if (traced)
    await browser.startTracing(page, {
      categories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'blink',
        'blink.user_timing',
        'loading',
        'v8',
        'v8.execute',
        'disabled-by-default-v8.compile',
        'toplevel',
      ],
    });
  await page.goto(url, { waitUntil: 'commit' });
  await firstViewOf(page);
  const trace = traced ? JSON.parse((await browser.stopTracing()).toString()) : null;
  const origin = await page.evaluate(() => performance.timeOrigin);
  const firstView = await page.evaluate(
    () => performance.getEntriesByName('convplay:first-view')[0].duration,
  );
  const milestones = [...(await pageMilestones(page)), ...(await workerMilestones(page, origin))];
  // the worker's own split of the first layer job (pipeline.js ms, pictures.js ms.draw)
  const split = await page.evaluate(() => globalThis.convplay.result?.ms ?? {});
  await ctx.close();
  return { firstView, milestones, trace, split };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

function printTimeline(loads) {
  const byName = new Map();
  for (const l of loads)
    for (const m of l.milestones) {
      const name = m.name.replace(/https?:\/\/[^ ]*/g, (u) => short(u));
      if (!byName.has(name)) byName.set(name, { at: [], from: [] });
      byName.get(name).at.push(m.at);
      if (m.from !== undefined) byName.get(name).from.push(m.from);
    }
  const rows = [...byName.entries()]
    .map(([name, v]) => ({ name, at: median(v.at), from: v.from.length ? median(v.from) : null }))
    .sort((a, b) => a.at - b.at);
  console.log(`timeline (median of ${loads.length} loads, ms after navigation start):`);
  for (const r of rows) {
    const span =
      r.from === null ? '' : `  (from ${r.from.toFixed(0)}: ${(r.at - r.from).toFixed(0)} ms)`;
    console.log(`  ${r.at.toFixed(0).padStart(6)}  ${r.name}${span}`);
  }
}

/**
 * The first view in the trace: its measure's begin and end (microseconds) and the renderer
 * thread that recorded it, or null.
 */
function traceWindow(events) {
  const fv = (ph) => events.find((e) => e.name === 'convplay:first-view' && e.ph === ph);
  const b = fv('b');
  const e = fv('e');
  return b && e ? { from: b.ts, to: e.ts, pid: b.pid, tid: b.tid } : null;
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const url = server.url + (hash ? `#${hash}` : '');
  const loads = [];
  for (let i = 0; i < LOADS; i++) loads.push(await load(browser, url, false));
  console.log(
    `first view (production build${hash ? `, #${hash}` : ''}): median ${median(loads.map((l) => l.firstView)).toFixed(0)} ms, all ${loads.map((l) => l.firstView.toFixed(0)).join(', ')} ms`,
  );
  printTimeline(loads);
  const parts = Object.keys(loads[0].split);
  console.log(
    `the first layer job in the worker (median ms): ${parts.map((k) => `${k} ${median(loads.map((l) => l.split[k] ?? NaN)).toFixed(1)}`).join(', ')}`,
  );

  const traced = await load(browser, url, true);
  const events = traced.trace.traceEvents || traced.trace;
  const win = traceWindow(events);
  console.log(`\ntraced load: first view ${traced.firstView.toFixed(0)} ms`);
  if (!win) throw new Error('the measure of the first view is not in the trace');
  const { from, to, pid, tid } = win;
  const report = (title, t) =>
    printSelfTimes(title, selfTimes(events, pid, t, from, to), { top: TOP });
  report('renderer main thread', tid);
  for (const w of threadsNamed(events, 'DedicatedWorker thread').filter((x) => x.pid === pid))
    report('worker (DedicatedWorker thread)', w.tid);
} finally {
  await browser.close();
  await server.close();
}
