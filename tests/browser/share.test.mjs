// Shared links, the Embed dialog, export and import on the full page of the
// release (dist/index.html, served with the strict CSP header).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { unzipSync } from 'fflate';
import { launchBrowser, shot } from './helpers.mjs';
import { STRICT_CSP, needRelease, serveDist, watchPage } from './release-helpers.mjs';

let browser, server;
const EXTRA = {}; // pages a test adds to the server while it runs
before(async () => {
  needRelease('index.html', 'embed.js');
  browser = await launchBrowser();
  server = await serveDist({ csp: STRICT_CSP, extra: EXTRA });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function settled(pg) {
  await pg.waitForFunction(() => window.convplay?.result && window.convplay.idle, null, {
    timeout: 30000,
  });
  return pg.evaluate(() => JSON.parse(JSON.stringify(window.convplay.state)));
}

// a state far from the defaults in every group of fields: layer, filters, view,
// step-through, gradients (with batch norm), batch-norm lab
const CHANGES = {
  size: 64,
  fit: 'square',
  grey: true,
  batch: 2,
  f: 5,
  fw: 3,
  fsep: true,
  p: 2,
  pad: 'reflect',
  s: 2,
  sw: 3,
  ssep: true,
  dil: 2,
  k: 6,
  mode: 'conv',
  filters: ['laplace', 'random', 'custom'],
  bias: [0.5, -1.25, 2],
  seed: 42,
  w2: Array.from({ length: 15 }, (_, i) => (i - 7) / 4),
  scale: 'layer',
  sn: 9,
  sin: 'image',
  sk: 'layer',
  gon: true,
  gl: 'target',
  gt: 'emboss',
  glr: 0.25,
  gbn: true,
  ggam: [1.5, 0.5],
  gbet: [0.25, -0.75],
  bnx: [1, 2, 4.5, -3],
  bngamma: 1.75,
  bnbeta: -0.5,
  bneps: '0.001',
  bnloss: 'sq',
  bnw: [1, -1, 0.5, 2],
  bnt: [0, 1, 0, -1],
  bnmode: 'step',
  bnstep: 3,
};

test('Copy link: the whole state round-trips exactly through the link', async () => {
  const { page: pg, violations, errors } = await watchPage(browser, `${server.url}index.html`);
  await pg
    .context()
    .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await settled(pg);
  await pg.evaluate((c) => window.convplay.update(c), CHANGES);
  const state = await settled(pg);
  for (const [k, v] of Object.entries(CHANGES))
    assert.deepEqual(state[k], v, `the page did not take ${k}`);
  await pg.click('[data-part="copy-link"]');
  const link = await pg.inputValue('[data-part="link-field"]');
  assert.match(await pg.locator('[data-part="link-dialog"]').textContent(), /never put in a link/);
  assert.equal(await pg.evaluate(() => navigator.clipboard.readText()), link);
  const other = await watchPage(browser, link);
  assert.deepEqual(await settled(other.page), state);
  assert.equal(
    await other.page.locator('[data-part="link-notes"]').count(),
    0,
    'a clean link got notices',
  );
  assert.deepEqual([...violations, ...other.violations], []);
  assert.deepEqual([...errors, ...other.errors], []);
  await other.page.close();
  await pg.close();
});

test('a link made with an uploaded image says so and shows the cat photo', async () => {
  const { page: pg, errors } = await watchPage(browser, `${server.url}index.html#img=upload&f=7`);
  const s = await settled(pg);
  assert.equal(s.f, 7);
  assert.equal(s.img, 'chelsea');
  assert.match(
    await pg.locator('[data-part="link-notes"]').textContent(),
    /This link was made with an uploaded image; showing the cat photo instead\./,
  );
  assert.deepEqual(errors, []);
  await pg.close();
});

test('the Embed dialog writes both snippets for the current state; the iframe snippet opens that state', async () => {
  const { page: pg } = await watchPage(browser, `${server.url}index.html`);
  await settled(pg);
  await pg.evaluate(() => window.convplay.update({ f: 7, s: 2, k: 5 }));
  const state = await settled(pg);
  await pg.click('[data-part="embed"]');
  const iframe = await pg.inputValue('[data-part="iframe-snippet"]');
  const element = await pg.inputValue('[data-part="element-snippet"]');
  assert.match(
    iframe,
    /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/index\.html\?embed=1&amp;panels=image,layer,formula,volume,inspect#[^"]*f=7/,
  );
  assert.match(
    element,
    /<script type="module" src="http:\/\/127\.0\.0\.1:\d+\/embed\.js"><\/script>/,
  );
  assert.match(element, /kernel="7"/);
  assert.match(element, /stride="2"/);
  assert.match(element, /filters="5"/);
  await shot(pg, 'embed-dialog', { fullPage: false });
  const src = iframe.match(/src="([^"]*)"/)[1].replace(/&amp;/g, '&');
  const other = await watchPage(browser, src);
  const s2 = await settled(other.page);
  assert.deepEqual([s2.f, s2.s, s2.k], [state.f, state.s, state.k]);
  await other.page.close();
  await pg.close();
});

test('export then import restores the same state; the maps as PNG and as a zip; a bad file names its first bad field', async () => {
  const { page: pg, violations, errors } = await watchPage(browser, `${server.url}index.html`);
  await settled(pg);
  await pg.evaluate((c) => window.convplay.update(c), {
    f: 5,
    k: 3,
    p: 0,
    pad: 'circular',
    bias: [1, -2, 0.5],
    bnx: [2, 4, 7],
  });
  const state = await settled(pg);

  await pg.click('[data-part="export"]');
  const [json] = await Promise.all([
    pg.waitForEvent('download'),
    pg.click('[data-part="export-json"]'),
  ]);
  const file = await json.path();
  const config = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(config.format, 'convplay-config');
  assert.equal(config.version, 1);

  const [png] = await Promise.all([
    pg.waitForEvent('download'),
    pg.click('[data-part="export-png"]'),
  ]);
  const pngBytes = fs.readFileSync(await png.path());
  assert.deepEqual([...pngBytes.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  assert.ok(pngBytes.readUInt32BE(16) > 3 * 250, 'the PNG is narrower than three maps');

  const [zip] = await Promise.all([
    pg.waitForEvent('download'),
    pg.click('[data-part="export-zip"]'),
  ]);
  const entries = unzipSync(new Uint8Array(fs.readFileSync(await zip.path())));
  assert.deepEqual(Object.keys(entries).sort(), [
    'convplay-config.json',
    'convplay-filters.json',
    'map-1.png',
    'map-2.png',
    'map-3.png',
  ]);
  assert.deepEqual(
    JSON.parse(new TextDecoder().decode(entries['convplay-config.json'])).state,
    config.state,
  );

  // back to the defaults, then import
  await pg.evaluate(() => window.convplay.reset());
  const reset = await settled(pg);
  assert.notEqual(reset.f, 5);
  await pg.setInputFiles('[data-part="import-file"]', file);
  await pg.waitForFunction(() => window.convplay.state.f === 5, null, { timeout: 15000 });
  assert.deepEqual(await settled(pg), state);

  // files the page did not write
  const bad = [
    [{ format: 'convplay-config', version: 1, state: { f: 5, s: 0 } }, /state\.s: "0" is below 1/],
    [
      { format: 'something-else', version: 1, state: {} },
      /format: "something-else" is not "convplay-config"/,
    ],
    [
      { format: 'convplay-config', version: 2, state: {} },
      /version: "2" is newer than this page reads \(1\)/,
    ],
    [
      { format: 'convplay-config', version: 1, state: { stride: 2 } },
      /state\.stride: not a field of convplay/,
    ],
    [
      { format: 'convplay-config', version: 1, state: { k: '<script>' } },
      /state\.k: "<script>" is not a whole number/,
    ],
  ];
  for (const [data, re] of bad) {
    await pg.setInputFiles('[data-part="import-file"]', {
      name: 'bad.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(data)),
    });
    await pg.waitForFunction(
      () =>
        /not imported/.test(document.querySelector('[data-part="transfer-status"]').textContent),
      null,
      { timeout: 5000 },
    );
    assert.match(await pg.locator('[data-part="transfer-status"]').textContent(), re);
    await pg.evaluate(() => {
      document.querySelector('[data-part="transfer-status"]').textContent = '';
    });
  }
  await pg.setInputFiles('[data-part="import-file"]', {
    name: 'x.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{not json'),
  });
  await pg.waitForFunction(
    () => /not JSON/.test(document.querySelector('[data-part="transfer-status"]').textContent),
    null,
    { timeout: 5000 },
  );
  assert.deepEqual(await settled(pg), state, 'a bad file changed the state');
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});

test("the Embed dialog's custom element, pasted into a page, restores every field of the state", async () => {
  const { page: pg } = await watchPage(browser, `${server.url}index.html`);
  await settled(pg);
  await pg.evaluate((c) => window.convplay.update(c), CHANGES);
  const state = await settled(pg);
  await pg.click('[data-part="embed"]');
  const snippet = await pg.inputValue('[data-part="element-snippet"]');
  await pg.close();
  // the snippet as a course page of the same site would paste it
  const body = snippet.replace(/<conv-playground/, '<conv-playground id="pasted"');
  EXTRA['/pasted.html'] =
    '<!doctype html><html><head><meta charset="utf-8"><title>pasted</title>' +
    `<link rel="icon" href="data:,"></head><body>${body}</body></html>`;
  const other = await watchPage(browser, `${server.url}pasted.html`);
  await other.page.waitForFunction(
    () => {
      const inst = document.getElementById('pasted')?.playground;
      return Boolean(inst && inst.result && inst.idle);
    },
    null,
    { timeout: 30000 },
  );
  assert.deepEqual(await other.page.evaluate(() => document.getElementById('pasted').state), state);
  const notes = await other.page.evaluate(
    () => document.getElementById('pasted').shadowRoot.querySelector('.cp-embed-notes').hidden,
  );
  assert.equal(notes, true, 'the pasted element shows notes');
  assert.deepEqual(other.violations, []);
  assert.deepEqual(other.errors, []);
  await other.page.close();
});
