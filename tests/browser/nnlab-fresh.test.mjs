// The network lab before Train or Step: a student who scrolls to it finds the
// untrained network at once (its random initial weights, as the core makes
// them from the seed): every layer in the table with its output volume and
// parameters, and the look inside drawn for the shown test image (its maps
// painted once they are scrolled to). A Step then
// shows the same layers and maps, with the step's gradient norms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSuite, closeSuite, openPage, waitUntil, waitLabStep, labState } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

/** The layer table's rows as text, and per map canvas whether it shows anything. */
function shown() {
  const root = document.getElementById('nnlab');
  const rows = [...root.querySelectorAll('.cp-nn-layers tbody tr')].map((tr) =>
    [...tr.cells].map((td) => td.textContent),
  );
  // any canvas (2D or bitmap) copied onto a 2D one: a canvas never drawn is transparent
  const drawn = [...root.querySelectorAll('.cp-nn-maps canvas')].map((c) => {
    const copy = document.createElement('canvas');
    copy.width = c.width;
    copy.height = c.height;
    const g = copy.getContext('2d');
    g.drawImage(c, 0, 0);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    return px.some((v, i) => i % 4 === 3 && v > 0);
  });
  const text = root.querySelector('.cp-nn-input-text').textContent;
  const probs = root.querySelectorAll('.cp-nn-probs li').length;
  return { rows, drawn, text, probs, layers: Number(root.dataset.layers || 0) };
}

test('before Train or Step the lab shows the untrained network: its layers and its maps', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await page.locator('#nnlab').scrollIntoViewIfNeeded();
  await waitUntil(
    page,
    'the untrained network to be shown (layer table and maps) without Train or Step',
    () => {
      const root = document.getElementById('nnlab');
      return (
        root.querySelectorAll('.cp-nn-layers tbody tr').length > 0 &&
        Number(root.querySelector('.cp-nn-maps').dataset.layers || 0) > 0
      );
    },
    null,
    90000,
  );
  // the maps are painted when they come near the screen
  await page.locator('#nnlab .cp-nn-maps').scrollIntoViewIfNeeded();
  await waitUntil(
    page,
    'the maps to be painted',
    () => document.querySelector('#nnlab .cp-nn-maps figcaption')?.textContent.includes('values'),
    null,
    30000,
  );
  const state = await labState(page);
  assert.equal(state.step, '0', 'no step was taken');
  assert.equal(state.state, 'idle');
  const before = await page.evaluate(shown);
  // 9 layers (batch norm by default) and the total
  assert.equal(before.rows.length, 10, JSON.stringify(before.rows));
  assert.deepEqual(before.rows[0].slice(0, 2), ['conv 8@3x3 stride 1 pad 0', '26 × 26 × 8']);
  const params = before.rows.slice(0, -1).map((r) => Number(r[2].replace(/,/g, '')) || 0);
  const total = Number(before.rows.at(-1)[2].replace(/,/g, ''));
  assert.ok(total > 0 && params.reduce((a, b) => a + b) === total, `${params} sum to ${total}`);
  for (const r of before.rows.slice(0, -1)) assert.equal(r[3], '–', 'no gradient norm yet');
  assert.ok(before.drawn.length > 0, 'map canvases');
  assert.deepEqual(
    before.drawn.map((d, i) => (d ? -1 : i)).filter((i) => i >= 0),
    [],
    'map canvases left blank',
  );
  assert.match(before.text, /^Test image #0 \(.+\): the network \(step 0\) says /);
  assert.equal(before.probs, 10);

  // a Step shows the same layers and as many maps, now with gradient norms
  await page.click('#nnlab [data-part="nn-step"]');
  await waitLabStep(page, 1, 60000);
  const after = await page.evaluate(shown);
  assert.deepEqual(
    after.rows.map((r) => r.slice(0, 3)),
    before.rows.map((r) => r.slice(0, 3)),
  );
  assert.equal(after.drawn.length, before.drawn.length);
  assert.match(after.rows[0][3], /^\d/);
  assert.deepEqual(errors, []);
  await page.close();
});
