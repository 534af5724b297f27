// `npm run bench:many`: a course page with ten <conv-playground>s
// (tests/browser/many-page.mjs) in headless Chromium, scrolled to the end and
// back to the top, each element waited for until it has drawn. Prints, per
// build measured in the same run (a fresh browser each):
//   - first view: from the navigation to the first element's first drawn result
//     ('convplay:first-view');
//   - live workers (the browser's count) and the memory of the page's renderer
//     process (it holds the page and its workers; the renderer with the most
//     memory, Chromium's own UI renderer left out): its RSS and its private
//     memory (RssAnon, what Chrome's task manager calls the memory footprint
//     on Linux), from /proc, the most seen during the scroll and at the end;
//     and the RSS summed over every renderer process (a spare one and the UI's
//     included: about 235 MB for a blank page);
//   - the page's JS heap (CDP Runtime.getHeapUsage) and every live worker's
//     WebAssembly memory (the instance's engine.stats().heapBytes) at the end.
//
//   node tests/bench/many.mjs [DIST ...]   (default dist/; e.g. an older build's dist/ first)
// Nothing is asserted (tests/browser/many.test.mjs checks the 3-worker rule).
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, ROOT } from '../browser/helpers.mjs';
import { serveDist } from '../browser/release-helpers.mjs';
import { manyPage, MANY_IDS } from '../browser/many-page.mjs';

const MB = 1048576;
const mb = (b) => (b / MB).toFixed(0);

const kB = (status, key) =>
  Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;

/** {rss, anon} of the page's renderer and sum (every renderer's RSS), in bytes. */
async function rendererMemory(browser) {
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  await cdp.detach();
  const out = { rss: 0, anon: 0, sum: 0 };
  for (const p of processInfo.filter((x) => x.type === 'renderer')) {
    try {
      const status = fs.readFileSync(`/proc/${p.id}/status`, 'utf8');
      const ui = fs.readFileSync(`/proc/${p.id}/cmdline`, 'utf8').includes('top-chrome-webui');
      const rss = kB(status, 'VmRSS');
      out.sum += rss;
      if (!ui && rss > out.rss) Object.assign(out, { rss, anon: kB(status, 'RssAnon') });
    } catch {
      /* the process ended */
    }
  }
  return out;
}

const most = (a, b) => ({
  rss: Math.max(a.rss, b.rss),
  anon: Math.max(a.anon, b.anon),
  sum: Math.max(a.sum, b.sum),
});

async function settled(page, id) {
  await page.waitForFunction(
    (i) => {
      const inst = document.getElementById(i)?.playground;
      return Boolean(inst && inst.result && inst.idle && !inst.asleep);
    },
    id,
    { timeout: 120000 },
  );
}

/** Every live worker's WASM memory (bytes): the instances that are not asleep. */
function workerMemory(page) {
  return page.evaluate(async (ids) => {
    const out = [];
    for (const id of ids) {
      const inst = document.getElementById(id).playground;
      if (!inst || inst.asleep) continue;
      out.push((await inst.engine.stats()).heapBytes);
    }
    return out;
  }, MANY_IDS);
}

async function measure(dir) {
  const server = await serveDist({ dir, extra: { '/many.html': manyPage() } });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${server.url}many.html`);
  await settled(page, MANY_IDS[0]);
  const firstView = await page.evaluate(
    () => performance.getEntriesByName('convplay:first-view')[0]?.duration ?? NaN,
  );
  let mostWorkers = 0;
  let peak = { rss: 0, anon: 0, sum: 0 };
  for (const id of [...MANY_IDS, ...MANY_IDS.slice().reverse()]) {
    await page.locator(`#${id}`).scrollIntoViewIfNeeded();
    await settled(page, id);
    await page.waitForTimeout(300);
    mostWorkers = Math.max(mostWorkers, page.workers().length);
    peak = most(peak, await rendererMemory(browser));
  }
  await page.waitForTimeout(2000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const wasm = await workerMemory(page);
  const out = {
    dist: path.relative(ROOT, dir) || dir,
    firstView,
    mostWorkers,
    endWorkers: page.workers().length,
    peak,
    end: await rendererMemory(browser),
    jsHeap: usedSize,
    wasm,
  };
  await browser.close();
  await server.close();
  return out;
}

const dirs = process.argv.slice(2).map((d) => path.resolve(d));
if (!dirs.length) dirs.push(path.join(ROOT, 'dist'));
console.log(
  'ten <conv-playground>s, scrolled to the end and back (headless Chromium, 1400 x 1000)',
);
for (const dir of dirs) {
  const r = await measure(dir);
  const total = r.wasm.reduce((a, b) => a + b, 0);
  console.log(
    `${r.dist}: first view ${r.firstView.toFixed(0)} ms; workers: ${r.mostWorkers} at most, ` +
      `${r.endWorkers} at the end; the page's renderer: RSS ${mb(r.peak.rss)} MB at most, ` +
      `${mb(r.end.rss)} MB at the end, private ${mb(r.peak.anon)} MB at most, ${mb(r.end.anon)} ` +
      `MB at the end; every renderer's RSS summed ${mb(r.peak.sum)} MB at most; ` +
      `JS heap ${mb(r.jsHeap)} MB; WASM memory of the live workers ` +
      `${r.wasm.map(mb).join(' + ') || 0} = ${mb(total)} MB`,
  );
}
