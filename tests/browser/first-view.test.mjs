// The first view's order of work (the production build): the page starts its one worker
// before it mounts, from a script of its own that does not wait for the page's other code;
// the worker fetches the .wasm before the rest of itself (so both download and compile at
// once); the filter bank does not read the page's style once per grid; and the panels below
// the layer load their code only after the first view is painted, yet are all mounted and
// working once the page is idle (convplay.idle).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, waitIdle, waitForRuns } from './helpers.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

// the chunks of the panels below the layer (panels/index.js: optional, loaded by mount.js)
const BELOW = ['gradients', 'stepper', 'alexnet', 'code', 'lecture', 'bnlab', 'nnlab'];
const belowChunk = (name) => BELOW.find((id) => new RegExp(`/${id}-[\\w-]{8}\\.js$`).test(name));

/** The page's script requests: [{name, start}] (ms after navigation start). */
function pageScripts(page) {
  return page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((r) => r.name.endsWith('.js'))
      .map((r) => ({ name: r.name, start: r.startTime })),
  );
}

test('the worker starts fetching the .wasm before the rest of its own code', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await waitIdle(page);
  const workers = page.workers();
  assert.equal(workers.length, 1, 'the full page runs one worker (the one it started first)');
  const seen = await workers[0].evaluate(() => ({
    self: self.location.href.replace(/#.*$/, ''),
    started: performance.getEntriesByName('convplay:worker:started').length,
    requests: performance
      .getEntriesByType('resource')
      .map((r) => ({ name: r.name, start: r.startTime })),
  }));
  const wasm = seen.requests.find((r) => /convplay_core[\w-]*\.wasm$/.test(r.name));
  const scripts = seen.requests.filter((r) => r.name.endsWith('.js') && r.name !== seen.self);
  assert.ok(wasm, `the worker fetched the .wasm (its requests: ${JSON.stringify(seen.requests)})`);
  assert.ok(scripts.length >= 1, 'the worker loads the rest of its code as a file of its own');
  const first = Math.min(...scripts.map((r) => r.start));
  assert.ok(
    wasm.start <= first,
    `the .wasm is requested (at ${wasm.start.toFixed(1)} ms) before the worker's other code (at ${first.toFixed(1)} ms)`,
  );
  assert.equal(seen.started, 1, "the worker's first file ran");
  const spawned = await page.evaluate(() =>
    performance.getEntriesByName('convplay:worker-spawned').map((m) => m.startTime),
  );
  assert.equal(spawned.length, 1, 'one worker was started, before the playground mounted');
  assert.deepEqual(errors, []);
  await page.close();
});

test("the worker starts while the page's own code still downloads (boot.js is a script of its own)", async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // the playground's chunk arrives 1.5 s late: the worker must not wait for it
  await page.route(/\/assets\/mount-[\w-]+\.js$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await page.goto(server.url);
  await waitForRuns(page, 1, 60000);
  const seen = await page.evaluate(() => ({
    spawned: performance.getEntriesByName('convplay:worker-spawned')[0]?.startTime,
    mount: performance.getEntriesByType('resource').find((r) => /\/mount-[\w-]+\.js$/.test(r.name))
      ?.responseEnd,
    origin: performance.timeOrigin,
  }));
  const worker = await page.workers()[0].evaluate(() => ({
    origin: performance.timeOrigin,
    started: performance.getEntriesByName('convplay:worker:started')[0]?.startTime,
  }));
  const started = worker.origin + worker.started - seen.origin; // on the page's clock
  assert.ok(seen.mount > 1500, `the playground's chunk arrived late (${seen.mount} ms)`);
  assert.ok(
    seen.spawned < seen.mount,
    `the worker was started (${seen.spawned?.toFixed(0)} ms) before the playground's chunk arrived (${seen.mount.toFixed(0)} ms)`,
  );
  assert.ok(
    started < seen.mount,
    `the worker's first file ran (${started.toFixed(0)} ms) before the playground's chunk arrived (${seen.mount.toFixed(0)} ms)`,
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test("the filter bank's number grids read the page's style once, not once per grid", async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.addInitScript(() => {
    const read = window.getComputedStyle;
    window.__gridStyleReads = 0;
    window.getComputedStyle = function getComputedStyle(el, ...rest) {
      if (el instanceof HTMLCanvasElement && el.closest('.wgrid-numbers'))
        window.__gridStyleReads += 1;
      return read.call(this, el, ...rest);
    };
  });
  await page.goto(server.url);
  await waitForRuns(page, 1, 60000);
  const seen = await page.evaluate(() => ({
    grids: document.querySelectorAll('#filter-bank .wgrid-numbers canvas').length,
    reads: window.__gridStyleReads,
  }));
  assert.equal(seen.grids, 12, 'the defaults show K = 4 filters of D1 = 3 number grids');
  assert.equal(seen.reads, 1, `the grids' computed style was read ${seen.reads} times`);
  await page.close();
});

test('the first photo and the first layer go to the worker before the page hears back', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  // the module arrives 1.5 s late, so the photo's bytes are surely there before it is ready
  await page.route(/\.wasm$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  // what the page sends its worker and hears from it, in order
  await page.addInitScript(() => {
    const log = [];
    window.__workerLog = log;
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function postMessage(msg, ...rest) {
      log.push({ sent: msg?.type, id: msg?.id, at: performance.now() });
      return post.call(this, msg, ...rest);
    };
    window.Worker = class extends Worker {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (e) =>
          log.push({
            heard: e.data?.ready !== undefined ? 'ready' : e.data?.id,
            at: performance.now(),
          }),
        );
      }
    };
  });
  await page.goto(server.url);
  await waitForRuns(page, 1, 60000);
  const log = await page.evaluate(() => window.__workerLog);
  // when the photo's bytes arrived (a loaded machine may bring them after the module is ready)
  const photoAt = await page.evaluate(
    () =>
      performance.getEntriesByType('resource').find((r) => /\/chelsea-[\w-]+\.png$/.test(r.name))
        ?.responseEnd,
  );
  const at = (pred, what) => {
    const i = log.findIndex(pred);
    assert.ok(i >= 0, `${what} (the log: ${JSON.stringify(log)})`);
    return i;
  };
  const source = at((e) => e.sent === 'source', 'the photo was sent');
  const ready = at((e) => e.heard === 'ready', 'the worker said it is ready');
  const layer = at((e) => e.sent === 'layer', 'the layer was asked for');
  const answered = at((e) => e.heard === log[source].id, "the photo's job was answered");
  assert.ok(photoAt > 0, 'the photo was fetched');
  assert.ok(log[ready].at > 1500, `the module was held back (ready at ${log[ready].at} ms)`);
  // sent as soon as its bytes are here: before the page hears that the module is ready
  assert.ok(
    source < ready,
    `the photo (fetched at ${photoAt.toFixed(0)} ms) is sent before the module is ready: ${JSON.stringify(log)}`,
  );
  assert.ok(
    layer < answered,
    `the layer is asked for before the photo's answer arrives: ${JSON.stringify(log)}`,
  );
  await page.close();
});

test('the panels below the layer load after the first view, and are mounted and working once idle', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await waitIdle(page, 60000);
  const firstView = await page.evaluate(
    () => performance.getEntriesByName('convplay:first-view')[0].startTime,
  );
  const loaded = (await pageScripts(page)).filter((r) => belowChunk(r.name));
  assert.deepEqual(
    [...new Set(loaded.map((r) => belowChunk(r.name)))].sort(),
    [...BELOW].sort(),
    'each panel below the layer has its own chunk, loaded',
  );
  for (const r of loaded)
    assert.ok(
      r.start >= firstView,
      `${r.name} was requested at ${r.start.toFixed(0)} ms, after the first view (${firstView.toFixed(0)} ms)`,
    );
  // every one is mounted: its section, its link in the navigation, its API
  const mounted = await page.evaluate((ids) => {
    const sections = ids.map((id) => (id === 'code' ? 'code-panel' : id));
    return {
      sections: sections.filter((id) => document.getElementById(id)?.children.length > 0),
      apis: ['gradients', 'stepper', 'alexnet', 'lecture', 'bnlab', 'nnlab'].filter((id) =>
        Boolean(window.convplay.panel(id)),
      ),
      nav: [...document.querySelectorAll('.cp-nav a')].map((a) => a.getAttribute('href')),
    };
  }, BELOW);
  assert.deepEqual(mounted.sections, [
    'gradients',
    'stepper',
    'alexnet',
    'code-panel',
    'lecture',
    'bnlab',
    'nnlab',
  ]);
  assert.deepEqual(mounted.apis, ['gradients', 'stepper', 'alexnet', 'lecture', 'bnlab', 'nnlab']);
  for (const id of ['#gradients', '#stepper', '#bnlab', '#nnlab'])
    assert.ok(mounted.nav.includes(id), `the navigation links ${id} (it has ${mounted.nav})`);
  // and working: the gradients (a panel loaded late, a job the worker loads on first use)
  await page.evaluate(() => window.convplay.set('gon', true));
  await waitIdle(page, 60000);
  const last = await page.evaluate(() => window.convplay.panel('gradients').last);
  assert.ok(last && last.layerKey, 'the gradients are computed for the layer shown');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the iframe mode with the layer alone never loads the panels below it', async () => {
  const { page, errors } = await openPage(browser, `${server.url}?embed=1&panels=layer,volume`);
  await waitIdle(page, 60000);
  const loaded = (await pageScripts(page)).filter((r) => belowChunk(r.name));
  assert.deepEqual(
    loaded.map((r) => r.name),
    [],
    'no chunk of a panel that is not shown is loaded',
  );
  assert.equal(await page.locator('#nnlab').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a page that mounts its own playgrounds (demo/two.html) runs one worker for each, no other', async () => {
  const { page, errors } = await openPage(browser, `${server.url}demo/two.html`, {
    waitForMaps: false,
  });
  await page.waitForFunction(
    () =>
      document.querySelectorAll('.cp-playground[data-runs="1"]').length +
        (document.querySelector('#b')?.shadowRoot?.querySelectorAll('.cp-playground[data-runs="1"]')
          .length ?? 0) >=
      2,
    null,
    { timeout: 60000 },
  );
  assert.equal(page.workers().length, 2);
  assert.deepEqual(errors, []);
  await page.close();
});
