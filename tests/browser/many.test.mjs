// A page of ten <conv-playground>s (many-page.mjs), scrolled to the end and
// back to the top: only the elements near the view compute, at most 3
// workers live at any time, every element draws when it is reached, the
// far ones are taken down without moving the page, and the first one comes
// back with the student's state and computes again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from './helpers.mjs';
import { STRICT_CSP, needRelease, serveDist, watchPage, settled } from './release-helpers.mjs';
import { manyPage, MANY_IDS } from './many-page.mjs';

let browser, server;
before(async () => {
  needRelease('embed.js');
  browser = await launchBrowser();
  server = await serveDist({ csp: STRICT_CSP, extra: { '/test/many.html': manyPage() } });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Live workers: the browser's count and the element's own. */
async function workers(pg) {
  return {
    browser: pg.workers().length,
    element: await pg.evaluate(() => customElements.get('conv-playground').liveWorkers),
  };
}

test('ten playgrounds: at most 3 workers while scrolling through and back; state restored', async () => {
  const { page: pg, errors, violations } = await watchPage(browser, `${server.url}test/many.html`);
  // load does not bubble: counted on its way down
  await pg.evaluate(() => {
    window.loads = {};
    document.addEventListener(
      'load',
      (e) => {
        if (e.target.localName === 'conv-playground')
          window.loads[e.target.id] = (window.loads[e.target.id] ?? 0) + 1;
      },
      true,
    );
  });
  await settled(pg, 'pg0');
  await pg.evaluate(() => {
    const f = document.getElementById('pg0').shadowRoot.querySelector('input[data-part="f"]');
    f.value = '9';
    f.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await pg.waitForFunction(() => document.getElementById('pg0').state.f === 9);
  await settled(pg, 'pg0');
  const most = { browser: 0, element: 0 };
  const note = async () => {
    const w = await workers(pg);
    most.browser = Math.max(most.browser, w.browser);
    most.element = Math.max(most.element, w.element);
  };
  for (const id of MANY_IDS) {
    await pg.locator(`#${id}`).scrollIntoViewIfNeeded();
    await settled(pg, id);
    await note();
  }
  assert.ok(most.browser <= 3, `${most.browser} workers were alive at once on the way down`);
  // at the end: the first elements were taken down, each keeping the height it had
  const parked = await pg.evaluate((ids) => {
    const out = {};
    for (const i of ids) {
      const el = document.getElementById(i);
      if (!el.playground) out[i] = Math.round(el.getBoundingClientRect().height);
    }
    return out;
  }, MANY_IDS);
  assert.ok(Object.keys(parked).length >= 5, JSON.stringify(parked));
  for (const [id, h] of Object.entries(parked)) assert.ok(h > 300, `${id} collapsed to ${h} px`);
  for (const id of MANY_IDS.slice().reverse()) {
    await pg.locator(`#${id}`).scrollIntoViewIfNeeded();
    await settled(pg, id);
    await note();
  }
  await note();
  assert.ok(most.browser <= 3, `${most.browser} workers were alive at once`);
  assert.ok(most.element <= 3, `the element counted ${most.element}`);
  // every element drew; the ones far away hold no worker (taken down, or asleep)
  const loads = await pg.evaluate(() => window.loads);
  assert.deepEqual(Object.keys(loads).sort(), MANY_IDS.slice().sort());
  const idle = await pg.evaluate(
    (ids) =>
      ids.filter((i) => {
        const inst = document.getElementById(i).playground;
        return !inst || inst.asleep;
      }).length,
    MANY_IDS,
  );
  assert.ok(idle >= 7, `${idle} elements gave their worker back`);
  // a taken-down element still answers for its state
  assert.equal(await pg.evaluate(() => document.getElementById('pg9').filters), 16);
  // the first element kept the student's F = 9 through its sleep, and computes again
  assert.equal(await pg.evaluate(() => document.getElementById('pg0').state.f), 9);
  await pg.evaluate(() => {
    document.getElementById('pg0').padding = 4;
  });
  await pg.waitForFunction(() => document.getElementById('pg0').state.p === 4);
  await settled(pg, 'pg0');
  // the photo 256 x 170, F = 9, P = 4: 256 x 170
  const dims = await pg.evaluate(
    () =>
      document
        .getElementById('pg0')
        .shadowRoot.querySelector('[data-part="output-volume"] .dims-out').textContent,
  );
  assert.match(dims, /^256 × 170 × /);
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});
