// The network lab's trained weights in the real page, headless Chromium:
// exported as JSON (the playground's configuration format with a `network`
// field), imported back after a reset with the same predictions, and refused
// with a clear message when the file does not fit; a first-layer map opened
// in the layer panel computes the lab's own map; a failed upload leaves no
// stale prediction on screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  openPage,
  waitUntil,
  RESULTS,
  openSuite,
  closeSuite,
  waitLabStep,
  labState,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

const lab = labState;

const inspected = (page) => page.evaluate(() => window.convplay.panel('nnlab').inspected);

async function steps(page, n) {
  const start = Number((await lab(page)).step);
  for (let i = 0; i < n; i++) await page.click('#nnlab [data-part="nn-step"]');
  await waitUntil(
    page,
    `${n} steps`,
    (k) =>
      Number(document.getElementById('nnlab').dataset.step) >= k &&
      window.convplay.panel('nnlab').inspected?.step >= k,
    start + n,
    90000,
  );
}

async function importText(page, text, name = 'weights.json') {
  await page.setInputFiles('#nnlab [data-part="nn-import"]', {
    name,
    mimeType: 'application/json',
    buffer: Buffer.from(text),
  });
}

/** Waits until the lab refuses a file with a message matching want, then until it is ready. */
async function refuses(page, want) {
  await waitUntil(
    page,
    `the lab to refuse the file with ${want}`,
    (source) => {
      const e = document.querySelector('#nnlab .message.error');
      return (
        !e.hidden && new RegExp(`The weights were not imported: .*${source}`).test(e.textContent)
      );
    },
    want.source,
    60000,
  );
  await waitUntil(
    page,
    'the lab to settle',
    () => ['idle', 'error'].includes(document.getElementById('nnlab').dataset.state),
    null,
    60000,
  );
}

test('export, reset, import: the same weights and the same predictions; bad files are refused', async () => {
  const { page, errors } = await openPage(browser, `${server.url}#nnbn=1&nnk1=6`);
  await page.locator('#nnlab').scrollIntoViewIfNeeded();
  await steps(page, 8);
  const trained = await inspected(page);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#nnlab [data-part="nn-export"]'),
  ]);
  assert.match(download.suggestedFilename(), /^convplay-network-step8\.json$/);
  const text = fs.readFileSync(await download.path(), 'utf8');
  const file = JSON.parse(text);
  assert.equal(file.format, 'convplay-config');
  assert.equal(file.version, 1);
  assert.equal(file.state.nnk1, 6);
  assert.equal(file.state.nnbn, true);
  assert.equal(file.network.step, 8);
  assert.equal(file.network.classes.length, 10);
  assert.deepEqual(
    file.network.layers.map((l) => [l.layer, l.name]),
    [
      [0, 'conv 6@3x3 stride 1 pad 0'],
      [1, 'batch norm'],
      [4, 'conv 16@3x3 stride 1 pad 0'],
      [5, 'batch norm'],
      [8, 'fully connected 10'],
    ],
  );
  assert.deepEqual(file.network.layers[0].w.shape, [6, 1, 3, 3]);
  assert.equal(file.network.layers[0].w.data.length, 54);
  assert.equal(file.network.layers[1].runningVar.length, 6);

  // Reset: new weights from the seed, other predictions
  await page.click('#nnlab [data-part="nn-reset"]');
  await waitUntil(
    page,
    'the reset',
    () =>
      document.getElementById('nnlab').dataset.state === 'idle' &&
      window.convplay.panel('nnlab').inspected?.step === 0,
    null,
    60000,
  );
  const fresh = await inspected(page);
  assert.notDeepEqual(fresh.probs, trained.probs);

  // a link that changed the architecture meanwhile: the file brings its own back
  await page.fill('#nnlab #nn-k1', '3');
  await page.dispatchEvent('#nnlab #nn-k1', 'change');
  await waitUntil(
    page,
    'the rebuild',
    () => document.querySelector('#nnlab .cp-nn-layers td').textContent.startsWith('conv 3@'),
    null,
    60000,
  );
  await importText(page, text, 'trained.json');
  await waitUntil(
    page,
    'the import',
    () =>
      /^Imported “trained\.json”/.test(
        document.querySelector('#nnlab .cp-nn-transfer-text').textContent,
      ),
    null,
    60000,
  );
  const back = await inspected(page);
  assert.deepEqual(back.probs, trained.probs, 'the same predictions as before the reset');
  assert.deepEqual(back.maps[0].data, trained.maps[0].data);
  await waitUntil(page, 'the link to hold nnk1=6', () => /nnk1=6/.test(location.hash), null, 10000);
  assert.equal(await page.inputValue('#nnlab #nn-k1'), '6');
  // the exported weights are exactly the imported ones
  const [d2] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#nnlab [data-part="nn-export"]'),
  ]);
  const again = JSON.parse(fs.readFileSync(await d2.path(), 'utf8'));
  assert.deepEqual(again.network.layers, file.network.layers);

  // files that do not fit, each with the value and the rule
  const bad = (edit) => {
    const f = JSON.parse(text);
    edit(f);
    return JSON.stringify(f);
  };
  const cases = [
    ['{"format": "convplay-config", ', /“weights\.json” is not JSON/],
    [
      bad((f) => (f.format = 'something-else')),
      /format: "something-else" is not "convplay-config"/,
    ],
    [bad((f) => delete f.network), /network: missing: this configuration holds no trained weights/],
    [bad((f) => (f.state.nnk1 = 999)), /state\.nnk1: "999" is above 32/],
    [
      bad((f) => f.network.layers[0].w.data.pop()),
      /layer 0 \(conv 6@3x3 stride 1 pad 0\): w has 53 values; this layer has 54/,
    ],
    [
      bad((f) => (f.network.layers[2].b[3] = null)),
      /parameters\[2\]\.b\[3\] is null, not a finite number/,
    ],
    [
      text.replace(/"runningMean":\[[^,\]]+/, '"runningMean":[1e999'),
      /parameters\[1\]\.runningMean\[0\] is Infinity, not a finite number/,
    ],
    [
      bad((f) => (f.state.nnk1 = 4)),
      /layer 0 is “conv 6@3x3 stride 1 pad 0” in the file but “conv 4@3x3 stride 1 pad 0” in this network/,
    ],
    [
      bad((f) => f.network.layers.pop()),
      /the file has parameters for 4 layers; this network has 5 layers with parameters/,
    ],
    [bad((f) => (f.network.layers = 'all of them')), /network\.layers: missing, or not an array/],
  ];
  for (const [content, want] of cases) {
    await importText(page, content);
    await refuses(page, want);
  }
  // after all of that, the lab is still its own (conv 6) and builds
  assert.equal(await page.inputValue('#nnlab #nn-k1'), '6');
  await steps(page, 1);
  await page.setViewportSize({ width: 390, height: 900 });
  fs.mkdirSync(RESULTS, { recursive: true });
  await page.locator('#nnlab').screenshot({ path: path.join(RESULTS, 'nnlab-weights-390.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a first-layer map opens in the layer panel: the same image, the same weights, the same map', async () => {
  const { page, errors } = await openPage(browser, `${server.url}#nnbn=1`);
  await page.locator('#nnlab .cp-nn-inside').scrollIntoViewIfNeeded();
  await steps(page, 5);
  await page.fill('#nnlab #nn-test', '3');
  await page.dispatchEvent('#nnlab #nn-test', 'change');
  await waitUntil(
    page,
    'test image 3',
    () => window.convplay.panel('nnlab').inspected?.input.index === 3,
    null,
    30000,
  );
  // map 3 of conv 1 (26 x 26), clicked at its middle
  const tile = page.locator('#nnlab .cp-nn-map[data-layer="0"] canvas').nth(2);
  await tile.click();
  await waitUntil(
    page,
    'the layer panel to show the lab input',
    () => {
      const r = window.convplay.result;
      return (
        document.getElementById('nnlab').dataset.opened &&
        r &&
        r.output.shape.join() === '1,8,26,26' &&
        window.convplay.state.img === 'upload' &&
        window.convplay.idle
      );
    },
    null,
    60000,
  );
  const got = await page.evaluate(() => {
    const lab = window.convplay.panel('nnlab').inspected;
    const r = window.convplay.result;
    let maxDiff = 0;
    let maxAbs = 0;
    for (let i = 0; i < lab.maps[0].data.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(lab.maps[0].data[i] - r.output.data[i]));
      maxAbs = Math.max(maxAbs, Math.abs(lab.maps[0].data[i]));
    }
    const s = window.convplay.state;
    return {
      maxDiff,
      maxAbs,
      opened: document.getElementById('nnlab').dataset.opened,
      state: { k: s.k, f: s.f, p: s.p, grey: s.grey, size: s.size, at: s.at, filters: s.filters },
      status: document.querySelector('#nnlab .cp-nn-status').textContent,
    };
  });
  assert.ok(got.maxAbs > 0.01, 'a map that is not all zero');
  assert.ok(got.maxDiff <= 1e-5 * Math.max(1, got.maxAbs), `largest difference ${got.maxDiff}`);
  assert.equal(got.state.k, 8);
  assert.equal(got.state.f, 3);
  assert.equal(got.state.p, 0);
  assert.equal(got.state.grey, true);
  assert.equal(got.state.size, 28);
  assert.deepEqual(got.state.filters, Array(8).fill('custom'));
  assert.match(got.opened, /^2\.1[23]\.1[23]$/);
  assert.equal(got.state.at, got.opened);
  assert.match(
    got.status,
    /^Opened conv 1 \(conv 8@3x3 stride 1 pad 0\) in the layer panel: the same test image #3 and the weights at step 5; map 3, pixel/,
  );

  // a filter of the first layer: the same, pinned at the map's centre
  const box = await page.locator('#nnlab .cp-nn-filters').boundingBox();
  await page
    .locator('#nnlab .cp-nn-filters')
    .click({ position: { x: box.width * (5.5 / 8), y: box.height / 2 } });
  await waitUntil(
    page,
    'filter 6 opened',
    () => document.getElementById('nnlab').dataset.opened === '5.13.13',
    null,
    60000,
  );
  // a deeper map says why it does not open
  await page.locator('#nnlab .cp-nn-map[data-layer="4"] canvas').first().click();
  assert.match(
    await page.textContent('#nnlab .cp-nn-map-note'),
    /^Map 1 of layer 5 \(conv 16@3x3 stride 1 pad 0\) is computed from the 8 maps of layer 4; the layer panel convolves a 1- or 3-channel image, so only the first convolution's filters and maps/,
  );
  await page.locator('#layer-panel').scrollIntoViewIfNeeded();
  fs.mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS, 'nnlab-open-in-layer.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a failed upload takes the previous prediction off the screen', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await page.locator('#nnlab .cp-nn-inside').scrollIntoViewIfNeeded();
  await steps(page, 1);
  const file = path.join(
    path.dirname(new URL(import.meta.url).pathname),
    '../../web/src/page/samples/coffee.png',
  );
  await page.setInputFiles('#nnlab [data-part="nn-upload"]', file);
  await waitUntil(
    page,
    'the upload classified',
    () => window.convplay.panel('nnlab').inspected?.input.source === 'upload',
    null,
    30000,
  );
  assert.ok(await page.locator('#nnlab .cp-nn-probs li').count());
  await page.setInputFiles('#nnlab [data-part="nn-upload"]', {
    name: 'broken.jpg',
    mimeType: 'image/jpeg',
    buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]),
  });
  await waitUntil(
    page,
    'the lab to refuse the file',
    () => !document.querySelector('#nnlab .cp-nn-input-error').hidden,
    null,
    30000,
  );
  const shown = await page.evaluate(() => ({
    error: document.querySelector('#nnlab .cp-nn-input-error').textContent,
    text: document.querySelector('#nnlab .cp-nn-input-text').textContent,
    probs: document.querySelectorAll('#nnlab .cp-nn-probs li').length,
    maps: document.querySelectorAll('#nnlab .cp-nn-maps canvas').length,
    predicted: document.getElementById('nnlab').dataset.predicted,
    inspected: window.convplay.panel('nnlab').inspected,
  }));
  assert.match(shown.error, /^“broken\.jpg”: /);
  assert.equal(shown.text, 'No prediction: “broken.jpg” could not be fed to the network.');
  assert.equal(shown.probs, 0);
  assert.equal(shown.maps, 0);
  assert.equal(shown.predicted, undefined);
  assert.equal(shown.inspected, null);
  // the next training step does not bring the old prediction back
  await page.click('#nnlab [data-part="nn-step"]');
  await waitLabStep(page, 2, 30000);
  await page.waitForTimeout(300);
  assert.equal(await page.locator('#nnlab .cp-nn-probs li').count(), 0);
  // a good file afterwards is classified again
  await page.setInputFiles('#nnlab [data-part="nn-upload"]', file);
  await waitUntil(
    page,
    'the good file classified',
    () => window.convplay.panel('nnlab').inspected?.name === 'coffee.png',
    null,
    30000,
  );
  assert.equal(await page.isHidden('#nnlab .cp-nn-input-error'), true);
  assert.deepEqual(errors, []);
  await page.close();
});
