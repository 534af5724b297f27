// The panels' context (web/src/page/context.js, playground.d.ts PanelContext):
// every service a panel uses exists before the first panel mounts, so the
// order in which the panels of panels/index.js mount does not matter. The
// test mounts a playground from the page's sources (the dev server) in the
// declared order and in shuffled orders and compares what they show: the
// sections and the navigation in their order, the texts of the layer's panels,
// the feature maps' pixels, and what the services do (a hovered pixel in the
// inspector, a filter opened in the editor from the filter bank, a preset).
// It also checks that the context is frozen: a panel can add nothing to it,
// and reading a member it does not declare is an error that names it.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT, freePort, launchBrowser } from './helpers.mjs';

const VITE = path.join(ROOT, 'node_modules/vite/bin/vite.js');
const HASH = 'f=3&k=3&p=1&filters=sobelx,sobely,gauss';

/** The page's dev server (the sources as modules); resolves {url, close()}. */
async function startDevServer() {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [VITE, '--config', 'web/vite.config.js', '--port', String(port), '--strictPort'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite exited:\n${log}`);
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`vite did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, close: () => child.kill('SIGKILL') };
}

/**
 * In the page: mounts a playground with the panels in the order `order` (indices
 * into PANELS; null: as declared), waits until every panel is mounted and the
 * layer drawn, and returns what it shows.
 */
async function mountInOrder(page, order, hash) {
  return page.evaluate(
    async ({ order, hash }) => {
      const { PANELS } = await import('/src/page/panels/index.js');
      const { mountPlayground } = await import('/src/page/mount.js');
      const declared = [...PANELS];
      if (order) PANELS.splice(0, PANELS.length, ...order.map((i) => declared[i]));
      const host = document.createElement('div');
      document.body.replaceChildren(host);
      const errors = [];
      const logError = console.error;
      console.error = (...args) => {
        errors.push(args.map(String).join(' '));
        logError(...args);
      };
      let pg;
      try {
        pg = mountPlayground(host, { initial: hash, idPrefix: 'x-' });
        await pg.ready;
        const root = pg.root;
        const until = async (what, fn) => {
          const end = performance.now() + 30000;
          while (!fn()) {
            if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
            await new Promise((r) => setTimeout(r, 50));
          }
        };
        // every optional panel mounted (their nav links), the layer drawn
        await until('the panels', () => root.querySelector('a[data-section="nnlab"]'));
        await until('the layer', () => pg.idle);
        // a short FNV-1a hash of a long string (a map's pixels as a PNG data: URL)
        const digest = (str) => {
          let h = 2166136261;
          for (let i = 0; i < str.length; i++) h = Math.imul(h ^ str.charCodeAt(i), 16777619);
          return (h >>> 0).toString(16);
        };
        const text = (id) => root.querySelector(`#x-${id}`)?.innerText.replace(/\s+/g, ' ');
        const shown = {
          sections: [...root.querySelectorAll('.stage > section')].map((s) => s.id),
          nav: [...root.querySelectorAll('#x-nav a')].map((a) => a.getAttribute('href')),
          texts: ['image-panel', 'layer-panel', 'formula-panel', 'volume'].map(text),
          maps: [...root.querySelectorAll('canvas.fmap')].map((c) => digest(c.toDataURL())),
        };
        // the inspected pixel: reported on the map, shown by the inspector
        pg.setHover({ k: 1, y: 3, x: 4 });
        shown.inspector = root.querySelector('.inspect-where')?.textContent ?? null;
        // the filter bank's edit button opens the editor on that filter
        root.querySelectorAll('#x-filter-bank button.edit')[2].click();
        shown.editor = root.querySelector('#x-editor h3')?.textContent ?? null;
        // a preset chosen on a filter card changes the state
        const sel = root.querySelectorAll('#x-filter-bank select.preset')[0];
        sel.value = 'laplace';
        sel.dispatchEvent(new Event('change'));
        shown.filters = pg.state.filters.join(',');
        shown.errors = errors;
        return shown;
      } finally {
        console.error = logError;
        pg?.destroy();
        PANELS.splice(0, PANELS.length, ...declared);
      }
    },
    { order, hash },
  );
}

/** A page of the dev server's origin with nothing in it (the modules loaded once: warm). */
async function blankPage(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  // the first load of the page transforms every module (and may optimise dependencies,
  // reloading): done by the full page, once, before the test imports the modules itself
  await page.goto(url);
  await page.waitForFunction(() => window.convplay?.idle, null, { timeout: 120000 });
  await page.route(`${url}blank.html`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>t</title><body>' }),
  );
  await page.goto(`${url}blank.html`);
  return page;
}

/** A shuffled 0..n-1 from a seed (a small LCG: the same orders every run). */
function shuffled(n, seed) {
  const a = Array.from({ length: n }, (_, i) => i);
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

let server, browser;
before(async () => {
  server = await startDevServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  server?.close();
});

test('the panels show the same page whatever order they mount in', async () => {
  const page = await blankPage(browser, server.url);
  try {
    const n = await page.evaluate(
      async () => (await import('/src/page/panels/index.js')).PANELS.length,
    );
    const declared = await mountInOrder(page, null, HASH);
    assert.deepEqual(declared.errors, []);
    assert.equal(declared.inspector, 'map 2, row 3, column 4');
    assert.match(declared.editor, /^Filter 3: 3 × 3 × 3 weights/);
    assert.equal(declared.filters, 'laplace,sobely,gauss');
    assert.equal(declared.maps.length, 3);
    for (const seed of [1, 7, 2024]) {
      const order = shuffled(n, seed);
      const other = await mountInOrder(page, order, HASH);
      assert.deepEqual(other, declared, `mounted in the order ${order.join(' ')}`);
    }
  } finally {
    await page.close();
  }
});

test('the context is frozen and names a member it does not declare', async () => {
  const page = await blankPage(browser, server.url);
  try {
    const seen = await page.evaluate(async () => {
      const { PANELS } = await import('/src/page/panels/index.js');
      const { mountPlayground } = await import('/src/page/mount.js');
      let ctx = null;
      const spy = { id: 'spy', internal: true, mount: (c) => void (ctx = c) };
      PANELS.push(spy);
      let pg;
      try {
        pg = mountPlayground(document.body, { idPrefix: 'y-' });
        const out = { frozen: Object.isFrozen(ctx), services: [] };
        try {
          ctx.openFile = () => {};
          out.added = 'no error';
        } catch (e) {
          out.added = e.message;
        }
        try {
          out.read = String(ctx.sourceKey);
        } catch (e) {
          out.read = e.message;
        }
        for (const name of ['source', 'pixel', 'filters', 'alexnet']) {
          out.services.push([name, Object.isFrozen(ctx[name])]);
        }
        return out;
      } finally {
        pg?.destroy();
        PANELS.splice(PANELS.indexOf(spy), 1);
      }
    });
    assert.equal(seen.frozen, true);
    assert.match(seen.added, /ctx is frozen: a panel cannot add openFile/);
    assert.match(seen.read, /ctx\.sourceKey is not part of the playground's context/);
    assert.deepEqual(seen.services, [
      ['source', true],
      ['pixel', true],
      ['filters', true],
      ['alexnet', true],
    ]);
  } finally {
    await page.close();
  }
});
