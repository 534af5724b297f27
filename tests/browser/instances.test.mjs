// mountPlayground as a component: two instances on one page (web/demo/two.html:
// A in the document, B in a shadow root) work independently: their own state,
// worker, ids and drawings; neither touches the URL; B's locked control is
// disabled; destroying A leaves B working.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSuite, closeSuite, waitUntil, shot, makePng, settledHash } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

async function open(viewport = { width: 1400, height: 1000 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`${server.url}demo/two.html`);
  for (const name of ['a', 'b']) {
    await waitUntil(
      page,
      `instance ${name} to draw its first result`,
      (n) =>
        Number(
          (n === 'a'
            ? document.querySelector('#a .cp-playground')
            : document.getElementById('b').shadowRoot?.querySelector('.cp-playground')
          )?.dataset.runs,
        ) >= 1,
      name,
    );
    // the panels below the layer mount after the first view: every panel is there once idle
    await waitUntil(
      page,
      `instance ${name} to be idle`,
      (n) => window.playgrounds?.[n]?.idle,
      name,
    );
  }
  return { page, errors };
}

/** Reads instance name's output dims, runs and a few attributes. */
function look(page, name) {
  return page.evaluate((n) => {
    const root =
      n === 'a'
        ? document.querySelector('#a .cp-playground')
        : document.getElementById('b').shadowRoot?.querySelector('.cp-playground');
    const pg = window.playgrounds[n];
    return {
      dims: root.querySelector('[data-part="output-volume"] .dims-out')?.textContent,
      runs: Number(root.dataset.runs),
      k: pg.state.k,
      f: pg.state.f,
      maps: root.querySelectorAll('canvas.fmap').length,
      kDisabled: root.querySelector('input[data-part="k"]').disabled,
      fDisabled: root.querySelector('input[data-part="f"]').disabled,
      sections: [...root.querySelectorAll('section[data-part]')]
        .filter((s) => !s.hidden)
        .map((s) => s.dataset.part),
    };
  }, name);
}

test('two playgrounds on one page: own state, own worker, own ids, no URL hash', async () => {
  const { page, errors } = await open();
  const a = await look(page, 'a');
  const b = await look(page, 'b');
  // A: the photo with F = 5, P = 1, K = 2: (256 - 5 + 2) + 1 = 254, (170 - 5 + 2) + 1 = 168
  assert.equal(a.dims, '254 × 168 × 2');
  assert.equal(a.maps, 2);
  // B: the circle at 64 x 64, K = 3 (locked)
  assert.equal(b.dims, '64 × 64 × 3');
  assert.equal(b.maps, 3);
  assert.equal(b.kDisabled, true);
  assert.equal(b.fDisabled, false);
  assert.equal(a.kDisabled, false);
  // the panels asked for: A has no step-through or lab, B has both
  assert.ok(!a.sections.includes('stepper') && !a.sections.includes('bnlab'), a.sections.join());
  assert.ok(b.sections.includes('stepper') && b.sections.includes('bnlab'), b.sections.join());
  // no id is used twice in the document, nor inside B's shadow root
  const dup = await page.evaluate(() => {
    const count = (nodes) => {
      const seen = new Map();
      for (const e of nodes) seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
      return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    };
    return {
      doc: count(document.querySelectorAll('[id]')),
      shadow: count(document.getElementById('b').shadowRoot.querySelectorAll('[id]')),
    };
  });
  assert.deepEqual(dup, { doc: [], shadow: [] });
  // every label of A names a control of A
  const orphans = await page.evaluate(() =>
    [...document.querySelectorAll('#a label[for]')]
      .filter((l) => !document.getElementById(l.htmlFor))
      .map((l) => l.htmlFor),
  );
  assert.deepEqual(orphans, []);

  // move A's F slider: only A recomputes and changes
  await page.evaluate(() => {
    const f = document.querySelector('#a input[data-part="f"]');
    f.value = '7';
    f.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await waitUntil(
    page,
    "A's new output (252 × 166 × 2)",
    () =>
      document.querySelector('#a [data-part="output-volume"] .dims-out')?.textContent ===
      '252 × 166 × 2',
  );
  const b2 = await look(page, 'b');
  assert.equal(b2.runs, b.runs, 'B recomputed when A changed');
  assert.equal(b2.dims, '64 × 64 × 3');
  assert.equal(b2.f, 3);
  // change B through its own slider (inside the shadow root): A stays
  const aRuns = (await look(page, 'a')).runs;
  await page.locator('#b input[data-part="p"]').evaluate((p) => {
    p.value = '0';
    p.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await waitUntil(
    page,
    "B's new output (62 × 62 × 3)",
    () =>
      document.getElementById('b').shadowRoot.querySelector('[data-part="output-volume"] .dims-out')
        ?.textContent === '62 × 62 × 3',
  );
  assert.equal((await look(page, 'a')).runs, aRuns, 'A recomputed when B changed');
  assert.equal((await look(page, 'a')).f, 7);
  // neither wrote the URL; both called their own onStateChange
  assert.equal(await settledHash(page), '');
  const changes = await page.evaluate(() => window.playgrounds.changes);
  assert.ok(changes.a >= 1 && changes.b >= 1, JSON.stringify(changes));
  // the styles reach inside the shadow root (adopted there): B's panels are laid out as A's
  const styled = await page.evaluate(() => {
    const sr = document.getElementById('b').shadowRoot;
    const panel = sr.querySelector('section.panel');
    return { sheets: sr.adoptedStyleSheets.length, radius: getComputedStyle(panel).borderRadius };
  });
  assert.equal(styled.sheets, 1);
  assert.notEqual(styled.radius, '0px');
  await shot(page, 'two-instances', { fullPage: false });
  assert.deepEqual(errors, []);
  await page.close();
});

test('destroying one instance removes it and leaves the other working', async () => {
  const { page, errors } = await open();
  await page.evaluate(() => window.playgrounds.a.destroy());
  assert.equal(await page.locator('#a .cp-playground').count(), 0);
  assert.equal(await page.evaluate(() => document.adoptedStyleSheets.length), 0);
  const before = (await look(page, 'b')).runs;
  await page.evaluate(() => window.playgrounds.b.update({ f: 5 }));
  await waitUntil(
    page,
    'B to recompute after A was destroyed',
    (n) =>
      Number(document.getElementById('b').shadowRoot.querySelector('.cp-playground').dataset.runs) >
      n,
    before,
  );
  assert.equal((await look(page, 'b')).dims, '62 × 62 × 3');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a restarted worker gets the images again: an upload survives a restart', async () => {
  const { page, errors } = await open();
  const png = makePng(30, 20, (x, y) => [x * 8, y * 12, 100]);
  await page.evaluate(
    (b) => window.playgrounds.b.openFile(new Blob([new Uint8Array(b)]), 'small.png'),
    [...png],
  );
  const dims = () =>
    page.evaluate(
      () =>
        document
          .getElementById('b')
          .shadowRoot.querySelector('[data-part="output-volume"] .dims-out')?.textContent,
    );
  await waitUntil(
    page,
    "B's upload to be drawn",
    () => window.playgrounds.b.state.img === 'upload',
  );
  await page.waitForFunction(() => window.playgrounds.b.idle);
  // 30 x 20 at P = 1, F = 3: 30 x 20 x 3
  assert.equal(await dims(), '30 × 20 × 3');
  await page.evaluate(() => window.playgrounds.b.restartWorker());
  await page.evaluate(() => window.playgrounds.b.update({ f: 5 }));
  await waitUntil(page, "B's layer on the upload after the restart", () => {
    const d = document
      .getElementById('b')
      .shadowRoot.querySelector('[data-part="output-volume"] .dims-out')?.textContent;
    return d === '28 × 18 × 3' && window.playgrounds.b.idle;
  });
  assert.deepEqual(errors, []);
  await page.close();
});
