// `npm run bench:nnlab [-- hash ...]`: the network lab's accuracy target in
// headless Chromium on the production build: "at least 85% test accuracy in
// the browser on the subset within 30 seconds of pressing Train".
//
// For each configuration (a link hash of the lab's rows, e.g. "nnbn=1&nnep=3";
// none given: the lab's defaults) it opens a fresh page, presses Train (the
// clock starts: loading the module and the 3.8 MB pack counts), prints every
// test point the page draws (accuracy on the first 500 test images) with the
// seconds since the press, pauses at 30 s and measures the accuracy on all
// 2,000 test images (while paused: not counted), then lets the run finish and
// measures again. While it trains, it counts the lab's updates (each step's
// answer drawn: data-step changes) and the long tasks (> 50 ms) on the main
// thread: the target is at least 16 updates a second and no long task.
// Last, one JSON line per configuration (RATE_ONLY=1: the updates only, for
// comparing builds; CONVPLAY_DIST=dir serves that build; VIEW=maps: the maps
// on screen rather than the lab's top). Timings are this machine's, under
// whatever else runs on it; nothing is asserted.
import { startServer, launchBrowser } from '../browser/helpers.mjs';

const TARGET_S = Number(process.env.TARGET_S || 30);
// RATE_ONLY=1: only the updates while training (no accuracy, the run not finished)
const RATE_ONLY = Boolean(process.env.RATE_ONLY);
// VIEW=maps: the look inside's maps on screen while it trains (default: the lab's top)
const VIEW = process.env.VIEW || 'lab';
const configs = process.argv.slice(2).length ? process.argv.slice(2) : [''];

const lab = (page) =>
  page.evaluate(() => {
    const d = document.getElementById('nnlab').dataset;
    const run = window.convplay.panel('nnlab').run;
    return {
      state: d.state,
      step: Number(d.step),
      total: run?.plan.totalSteps ?? 0,
      tests: run?.tests ?? [],
    };
  });

/** Records each lab update (a new data-step) and each long task, from now on, in the page. */
function watchUpdates() {
  window.__lab = { updates: [], longtasks: [] };
  new MutationObserver(() => window.__lab.updates.push(performance.now())).observe(
    document.getElementById('nnlab'),
    { attributes: true, attributeFilter: ['data-step'] },
  );
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      window.__lab.longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask' });
}

/** Updates a second between the first and the last update, the longest gap, the long tasks then. */
async function updateRate(page) {
  const { updates, longtasks } = await page.evaluate(() => window.__lab);
  if (updates.length < 2) return { updates: updates.length };
  const [t0, t1] = [updates[0], updates.at(-1)];
  const tasks = longtasks.filter((t) => t.start >= t0 && t.start <= t1);
  let gap = 0;
  for (let i = 1; i < updates.length; i++) gap = Math.max(gap, updates[i] - updates[i - 1]);
  return {
    updates: updates.length,
    per_s: Number(((1000 * (updates.length - 1)) / (t1 - t0)).toFixed(1)),
    longest_gap_ms: Math.round(gap),
    long_tasks: tasks.length,
    longest_task_ms: tasks.length ? Math.round(Math.max(...tasks.map((t) => t.duration))) : 0,
  };
}

async function measure(browser, url, hash) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(url + (hash ? `#${hash}` : ''));
  await page.waitForFunction(() => window.convplay?.idle, null, { timeout: 60000 });
  await page.locator('#nnlab').scrollIntoViewIfNeeded();
  await page.evaluate(watchUpdates);
  const t0 = Date.now();
  await page.click('#nnlab [data-part="nn-train"]');
  if (VIEW === 'maps') {
    // once the first step has drawn what is above them (a table, curves)
    await page.waitForFunction(() => Number(document.getElementById('nnlab').dataset.step) >= 1);
    await page.locator('#nnlab .cp-nn-maps').scrollIntoViewIfNeeded();
  }
  const secs = () => (Date.now() - t0) / 1000;
  let printed = 0;
  let first85 = null;
  const report = (s) => {
    for (; printed < s.tests.length; printed++) {
      const [step, acc] = s.tests[printed];
      if (first85 === null && acc >= 0.85) first85 = secs();
      console.log(
        `  ${secs().toFixed(1).padStart(6)} s  step ${String(step).padStart(5)} of ${s.total}  test accuracy (500 images) ${(100 * acc).toFixed(1)}%`,
      );
    }
  };
  let s = await lab(page);
  while (secs() < TARGET_S && s.state !== 'done' && s.state !== 'error') {
    await page.waitForTimeout(250);
    s = await lab(page);
    report(s);
  }
  const out = { impl: 'browser', config: hash || '(defaults)' };
  if (s.state === 'error') {
    out.error = await page.textContent('#nnlab .message.error');
    await page.close();
    return out;
  }
  const at = secs();
  if (s.state !== 'done') {
    await page.click('#nnlab [data-part="nn-pause"]');
    await page.waitForFunction(
      () => ['paused', 'done'].includes(document.getElementById('nnlab').dataset.state),
      null,
      { timeout: 60000 },
    );
  }
  s = await lab(page);
  out.while_training = await updateRate(page);
  const w = out.while_training;
  console.log(
    `  while training: ${w.updates} updates, ${w.per_s} a second (longest gap ${w.longest_gap_ms} ms); ${w.long_tasks} long task(s)${w.long_tasks ? `, longest ${w.longest_task_ms} ms` : ''}`,
  );
  if (RATE_ONLY) {
    await page.close();
    return out;
  }
  const e30 = await page.evaluate(() => window.convplay.panel('nnlab').evaluate(0));
  out.at_s = Number(at.toFixed(1));
  out.step_at = s.step;
  out.total_steps = s.total;
  out.test_accuracy_at = Number(e30.accuracy.toFixed(4));
  console.log(
    `  at ${at.toFixed(1)} s: step ${s.step} of ${s.total}; test accuracy on all 2,000 test images ${(100 * e30.accuracy).toFixed(2)}%`,
  );
  if (s.state !== 'done') {
    // the rest of the run (the clock goes on from the pause)
    const resumed = Date.now();
    const paused = resumed - t0 - at * 1000;
    await page.click('#nnlab [data-part="nn-train"]');
    while (s.state !== 'done' && s.state !== 'error') {
      await page.waitForTimeout(500);
      s = await lab(page);
      report(s);
    }
    out.done_s = Number((secs() - paused / 1000).toFixed(1));
  } else {
    out.done_s = out.at_s;
  }
  if (s.state === 'done') {
    const e = await page.evaluate(() => window.convplay.panel('nnlab').evaluate(0));
    out.final_test_accuracy = Number(e.accuracy.toFixed(4));
    console.log(
      `  done at ${out.done_s} s (pause excluded): test accuracy ${(100 * e.accuracy).toFixed(2)}%`,
    );
  }
  out.first_500_point_at_85_s = first85 === null ? null : Number(first85.toFixed(1));
  await page.close();
  return out;
}

const server = await startServer();
const browser = await launchBrowser();
const results = [];
try {
  for (const hash of configs) {
    console.log(`== network lab, ${hash || 'defaults'}: press Train, ${TARGET_S} s`);
    results.push(await measure(browser, server.url, hash));
  }
} finally {
  await browser.close();
  await server.close();
}
for (const r of results) console.log(JSON.stringify(r));
