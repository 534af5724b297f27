// `node tests/bench/nnlab-profile.mjs [hash]`: where the main thread's time goes
// while the network lab trains. Opens the production build, presses Train,
// lets it run a few seconds, then records a Chromium trace for SECONDS (default
// 6) and prints: the renderer main thread's and the compositor's self time per
// trace event per lab update (a child's time is not counted in its parent),
// and each task longer than 50 ms with the events that filled it. Nothing is
// asserted; the numbers are this machine's, under whatever else runs on it.
// VIEW=maps scrolls the maps on screen (default: the lab's top);
// CONVPLAY_DIST=dir profiles that build.
import { startServer, launchBrowser } from '../browser/helpers.mjs';
import { selfTimes, threadsNamed, printSelfTimes } from './trace.mjs';

const [hash = ''] = process.argv.slice(2);
const SECONDS = Number(process.env.SECONDS || 6);
const LONG_US = 50000;
const VIEW = process.env.VIEW || 'lab'; // maps: the look inside's maps on screen

const step = (page) => page.evaluate(() => Number(document.getElementById('nnlab').dataset.step));

/** The main thread's outermost tasks: {start, dur, tdur} in trace microseconds. */
function topTasks(events, thread) {
  const tasks = events
    .filter(
      (e) =>
        e.pid === thread.pid &&
        e.tid === thread.tid &&
        e.ph === 'X' &&
        (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask'),
    )
    .map((e) => ({ start: e.ts, dur: e.dur || 0, tdur: e.tdur }))
    .sort((a, b) => a.start - b.start || b.dur - a.dur);
  const top = [];
  for (const t of tasks) {
    const outer = top.at(-1);
    if (!outer || t.start >= outer.start + outer.dur) top.push(t);
  }
  return top;
}

/** The main thread's tasks longer than 50 ms. */
const longTasks = (events, thread) => topTasks(events, thread).filter((t) => t.dur > LONG_US);

const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(server.url + (hash ? `#${hash}` : ''));
  await page.waitForFunction(() => window.convplay?.idle, null, { timeout: 60000 });
  await page.locator('#nnlab').scrollIntoViewIfNeeded();
  await page.click('#nnlab [data-part="nn-train"]');
  await page.waitForFunction(
    () => Number(document.getElementById('nnlab').dataset.step) >= 20,
    null,
    { timeout: 90000 },
  );
  if (VIEW === 'maps') await page.locator('#nnlab .cp-nn-maps').scrollIntoViewIfNeeded();
  await browser.startTracing(page, {
    categories: [
      'devtools.timeline',
      'disabled-by-default-devtools.timeline',
      'toplevel',
      'blink',
      'cc',
      'gpu',
      'v8.execute',
    ],
  });
  const first = await step(page);
  await page.evaluate(() => {
    window.__updates = 0;
    new MutationObserver(() => window.__updates++).observe(document.getElementById('nnlab'), {
      attributes: true,
      attributeFilter: ['data-step'],
    });
  });
  await page.waitForTimeout(SECONDS * 1000);
  const updates = await page.evaluate(() => window.__updates);
  const trace = JSON.parse((await browser.stopTracing()).toString());
  const last = await step(page);
  const events = trace.traceEvents || trace;
  console.log(
    `${SECONDS} s of training traced: steps ${first} to ${last}, ${updates} updates (${(updates / SECONDS).toFixed(1)} a second)`,
  );
  const main = threadsNamed(events, 'CrRendererMain')[0];
  const per = Math.max(1, updates);
  // thread time (tdur: CPU, not wall) of the main thread's outermost tasks: what the
  // page costs per update whatever else runs on the machine
  const tasks = topTasks(events, main);
  const cpu = tasks.reduce((sum, t) => sum + (t.tdur || 0), 0);
  const wall = tasks.reduce((sum, t) => sum + t.dur, 0);
  console.log(
    `main thread per update: ${(cpu / 1000 / per).toFixed(1)} ms CPU (${(wall / 1000 / per).toFixed(1)} ms wall) in tasks`,
  );
  printSelfTimes('renderer main thread, per update', selfTimes(events, main.pid, main.tid), {
    per,
  });
  const comp = threadsNamed(events, 'Compositor')[0];
  if (comp)
    printSelfTimes('compositor, per update', selfTimes(events, comp.pid, comp.tid), {
      per,
      top: 8,
    });
  const long = longTasks(events, main);
  console.log(`${long.length} task(s) over 50 ms on the main thread`);
  for (const t of long) {
    const self = selfTimes(events, main.pid, main.tid, t.start, t.start + t.dur);
    printSelfTimes(`  task of ${(t.dur / 1000).toFixed(0)} ms`, self, { top: 8 });
  }
} finally {
  await browser.close();
  await server.close();
}
