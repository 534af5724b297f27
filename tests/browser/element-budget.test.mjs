// <conv-playground> and the page's worker budget (dist/embed.js, strict CSP):
// - an element that comes near the view while every worker is held by
//   elements in view waits, says so in its note, and computes once one of
//   them is scrolled away and gives its worker back;
// - after the element gave its worker back (asleep) or was taken down and
//   built again (parked), the student's state is back and Reset returns to
//   the attribute values of now (also one changed while it was away);
// - a taken-down playground leaves nothing behind: its DOM, its canvases and
//   their pixels are freed (a garbage collection forced through CDP), also
//   when the element was removed from the page and put back, and a course
//   page's own mountPlayground() in its own shadow root after destroy().
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from './helpers.mjs';
import {
  STRICT_CSP,
  needRelease,
  serveDist,
  watchPage,
  dimsOf,
  settled,
  notesOf,
} from './release-helpers.mjs';

let browser, server;
const page = (body, head = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>test</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/test/budget.css">
<script type="module" src="/embed.js"></script>${head}</head><body>${body}</body></html>`;

// #a and #b are 400 px tall with 750 px between them: at the top of a
// 1000 px view both are near it (the element starts 200 px ahead); scrolled
// down by 1500 px, #a is more than a screen away and #b still near
const CSS = `
body { margin: 0; }
#a, #b { display: block; height: 400px; overflow: hidden; }
.gap { height: 750px; }
.tail { height: 9000px; }
`;
// a module after embed.js: the page allows one worker, then puts its elements in (so
// that no element can ask for a worker before the limit is set, however busy the machine)
const ONE_WORKER = `customElements.get('conv-playground').maxWorkers = 1;
document.body.prepend(document.getElementById('elements').content.cloneNode(true));
`;

// a course page's own shadow root with a playground that it builds and takes down itself
const OWN_ROOT = `import { mountPlayground } from '/embed.js';
const shadow = document.getElementById('host').attachShadow({ mode: 'open' });
window.roots = [];
window.build = () => {
  const pg = mountPlayground(shadow, { initial: { f: 5 } });
  window.roots.push({
    root: new WeakRef(pg.root),
    canvases: [...pg.root.querySelectorAll('canvas')].map((c) => new WeakRef(c)),
  });
  window.pg = pg;
};
window.build();
`;

before(async () => {
  needRelease('embed.js');
  browser = await launchBrowser();
  server = await serveDist({
    csp: STRICT_CSP,
    extra: {
      '/test/budget.css': CSS,
      '/test/one-worker.js': ONE_WORKER,
      '/test/wait.html': page(
        `<template id="elements"><conv-playground id="a" kernel="5" panels="layer,volume"></conv-playground>
<div class="gap"></div>
<conv-playground id="b" kernel="7" panels="layer,volume"></conv-playground>
<div class="tail"></div></template>`,
        '<script type="module" src="/test/one-worker.js"></script>',
      ),
      '/test/own-root.js': OWN_ROOT,
      '/test/own-root.html': page(
        '<div id="host"></div>',
        '<script type="module" src="/test/own-root.js"></script>',
      ),
      '/test/reset.html': page(
        `<conv-playground id="r" kernel="5" padding="2" panels="layer,volume"></conv-playground>
<div class="tail"></div>`,
      ),
    },
  });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Moves the layer panel's slider part of element #id to value, as a student would. */
function slide(pg, id, part, value) {
  return pg.evaluate(
    ([i, name, v]) => {
      const input = document
        .getElementById(i)
        .shadowRoot.querySelector(`input[data-part="${name}"]`);
      input.value = String(v);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    [id, part, value],
  );
}

const scrollTo = (pg, y) => pg.evaluate((top) => window.scrollTo(0, top), y);

test('an element near the view with every worker taken waits, says so, and starts once one is given back', async () => {
  const { page: pg, errors, violations } = await watchPage(browser, `${server.url}test/wait.html`);
  await settled(pg, 'a');
  // both near the view, one worker: #a, in view, holds it; #b, below the view, waits
  // without a worker (it may have started, and given its worker to #a), and says why
  // (#b gives its worker up only once idle: seconds on a loaded machine)
  await pg.waitForFunction(() => document.getElementById('b').waiting === true, null, {
    timeout: 60000,
  });
  assert.equal(
    await pg.evaluate(() => {
      const inst = document.getElementById('b').playground;
      return !inst || inst.asleep;
    }),
    true,
  );
  const waiting = await notesOf(pg, 'b');
  assert.equal(waiting.length, 1, JSON.stringify(waiting));
  assert.match(waiting[0], /^Waiting for a free worker: 1 playground on this page is computing;/);
  assert.match(waiting[0], /scroll/);
  assert.equal(pg.workers().length, 1);
  assert.deepEqual(await notesOf(pg, 'a'), []);
  // #a scrolled more than a screen away gives its worker to #b
  await scrollTo(pg, 1500);
  assert.equal((await settled(pg, 'b')).f, 7);
  assert.deepEqual(await notesOf(pg, 'b'), []);
  assert.equal(await pg.evaluate(() => document.getElementById('a').playground.asleep), true);
  assert.equal(await pg.evaluate(() => customElements.get('conv-playground').liveWorkers), 1);
  assert.ok(pg.workers().length <= 1, `${pg.workers().length} workers`);
  // the photo 256 x 170, F = 7, P = 1 (the default): 252 x 166
  assert.match(await dimsOf(pg, 'b'), /^252 × 166 × /);
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});

test('Reset after the worker was given back, and after the element was built again, returns to the attributes of now', async () => {
  const { page: pg, errors } = await watchPage(browser, `${server.url}test/reset.html`);
  await settled(pg, 'r');
  const el = pg.locator('#r');
  const reset = () => el.locator('button[data-part="reset"]').click();
  // the student's changes, scrolled 1.5 screens away while they are computed: asleep once
  // they are drawn (the worker given back, the views kept), then back
  await slide(pg, 'r', 'f', 9);
  await slide(pg, 'r', 's', 2);
  await scrollTo(pg, 2500);
  await pg.waitForFunction(() => document.getElementById('r').playground?.asleep === true);
  const sleeper = await pg.evaluateHandle(() => document.getElementById('r').playground);
  await scrollTo(pg, 0);
  let state = await settled(pg, 'r');
  assert.equal(
    await pg.evaluate((s) => s === document.getElementById('r').playground, sleeper),
    true,
  );
  await sleeper.dispose();
  assert.deepEqual([state.f, state.s, state.p], [9, 2, 2]);
  await reset();
  await pg.waitForFunction(() => document.getElementById('r').state.s === 1);
  state = await settled(pg, 'r');
  assert.deepEqual([state.f, state.s, state.p], [5, 1, 2]);
  // the student's change again, far away at once: taken down once drawn, then built again
  const awayAndBack = async (whileAway = async () => {}) => {
    await slide(pg, 'r', 's', 3);
    await scrollTo(pg, 8000);
    await pg.waitForFunction(() => document.getElementById('r').playground === null);
    await whileAway();
    await scrollTo(pg, 0);
    return settled(pg, 'r');
  };
  state = await awayAndBack();
  assert.deepEqual([state.f, state.s, state.p], [5, 3, 2], "the student's stride is back");
  await reset();
  await pg.waitForFunction(() => document.getElementById('r').state.s === 1);
  state = await settled(pg, 'r');
  assert.deepEqual([state.f, state.s, state.p], [5, 1, 2]);
  // kernel= changes while it is away
  state = await awayAndBack(() =>
    pg.evaluate(() => {
      document.getElementById('r').kernel = 7;
    }),
  );
  // built again: the student's stride, the new kernel=, padding= as it was
  assert.deepEqual([state.f, state.s, state.p], [7, 3, 2]);
  await reset();
  await pg.waitForFunction(() => document.getElementById('r').state.s === 1);
  state = await settled(pg, 'r');
  assert.deepEqual([state.f, state.s, state.p], [7, 1, 2]);
  // the photo 256 x 170, F = 7, P = 2, S = 1: 254 x 168, as the attributes say
  assert.match(await dimsOf(pg, 'r'), /^254 × 168 × /);
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});

test('a playground taken down far from the view is freed: its DOM and canvases go', async () => {
  const { page: pg, errors } = await watchPage(browser, `${server.url}test/reset.html`);
  await settled(pg, 'r');
  const cdp = await pg.context().newCDPSession(pg);
  const collect = () => cdp.send('HeapProfiler.collectGarbage');
  const nodes = async () => (await cdp.send('Memory.getDOMCounters')).nodes;
  await collect();
  const start = await nodes();
  // weak references to the DOM of the element's instance of now
  const track = () =>
    pg.evaluate(() => {
      const root = document.getElementById('r').playground.root;
      (window.roots ??= []).push({
        root: new WeakRef(root),
        canvases: [...root.querySelectorAll('canvas')].map((c) => new WeakRef(c)),
      });
    });
  // three times: taken down far away, built again near the view
  for (let i = 0; i < 3; i++) {
    await track();
    await scrollTo(pg, 8000);
    await pg.waitForFunction(() => document.getElementById('r').playground === null);
    await scrollTo(pg, 0);
    await settled(pg, 'r');
  }
  // twice: removed from the page for a while, then put back (built again)
  for (let i = 0; i < 2; i++) {
    await track();
    await pg.evaluate(async () => {
      const el = document.getElementById('r');
      el.remove();
      await new Promise((r) => setTimeout(r, 300));
      document.body.prepend(el);
    });
    await settled(pg, 'r');
  }
  await pg.waitForTimeout(500);
  await collect();
  const kept = await pg.evaluate(() =>
    window.roots.map((r) => ({
      root: r.root.deref() !== undefined,
      canvases: r.canvases.filter((c) => c.deref() !== undefined).length,
    })),
  );
  const none = { root: false, canvases: 0 };
  assert.deepEqual(kept, Array(5).fill(none), 'taken-down playgrounds were kept in memory');
  // one playground's DOM, as at the start (not six)
  const end = await nodes();
  assert.ok(end < start * 1.5, `DOM nodes: ${start} at the start, ${end} after five returns`);
  await cdp.detach();
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});

test("a course page's own playground in its own shadow root: destroy() frees it and nothing of it runs on", async () => {
  const { page: pg, errors } = await watchPage(browser, `${server.url}test/own-root.html`);
  const ready = () =>
    pg.waitForFunction(() => Boolean(window.pg?.result && window.pg.idle), null, {
      timeout: 60000,
    });
  await ready();
  for (let i = 0; i < 3; i++) {
    await pg.evaluate(() => {
      window.pg.destroy();
      window.pg = null;
      window.build();
    });
    await ready();
  }
  // and one taken down as soon as its first view is drawn, the jobs of the panels below
  // still in the worker: they never answer it (no error, nothing of it runs on)
  await pg.evaluate(async () => {
    window.pg.destroy();
    window.build();
    const inst = window.pg;
    // the first view drawn: the panels below it ask the worker for theirs now
    while (!inst.result) await new Promise((r) => setTimeout(r, 0));
    inst.destroy();
    window.pg = null;
    // (Chromium's form-autofill observer may hold a playground taken down this early
    // for a while: only the four taken down once idle are weighed)
    window.roots.pop();
  });
  await pg.waitForTimeout(500);
  const cdp = await pg.context().newCDPSession(pg);
  await cdp.send('HeapProfiler.collectGarbage');
  const kept = await pg.evaluate(() =>
    window.roots.map((r) => ({
      root: r.root.deref() !== undefined,
      canvases: r.canvases.filter((c) => c.deref() !== undefined).length,
    })),
  );
  const none = { root: false, canvases: 0 };
  assert.deepEqual(kept, Array(4).fill(none), 'destroyed playgrounds were kept in memory');
  await cdp.detach();
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});
