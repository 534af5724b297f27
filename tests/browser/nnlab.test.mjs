// The network lab in the real page, headless Chromium: it opens, trains in
// the worker with the loss going down, draws its curves and filters, pauses
// and resumes, and refuses an impossible architecture with the core's message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  openPage,
  waitForRuns,
  waitIdle,
  waitUntil,
  RESULTS,
  settledUrl,
  openSuite,
  closeSuite,
  waitLabStep,
  labState,
  pauseLab,
} from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

const lab = labState;

async function shotLab(page, name) {
  fs.mkdirSync(RESULTS, { recursive: true });
  await page.locator('#nnlab').screenshot({ path: path.join(RESULTS, `${name}.png`) });
}

test('the lab trains in the worker: the loss goes down, curves and filters are drawn, pause and resume', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await page.locator('#nnlab').scrollIntoViewIfNeeded();
  assert.equal((await lab(page)).state, 'idle');
  await page.click('#nnlab [data-part="nn-train"]');
  await waitLabStep(page, 60, 90000);
  const run = await page.evaluate(() => {
    const { losses, tests } = window.convplay.panel('nnlab').run;
    return { losses, tests };
  });
  const losses = run.losses.map(([, l]) => l);
  const head = losses.slice(0, 3).reduce((a, b) => a + b) / 3;
  const tail = losses.slice(-3).reduce((a, b) => a + b) / 3;
  assert.ok(tail < head, `the loss went from ${head} to ${tail}`);
  assert.ok(run.tests.length >= 1, 'a test point on the curve');
  const d = await lab(page);
  assert.equal(d.state, 'training');
  const drawn = await page.evaluate(() => ({
    points: Number(document.querySelector('#nnlab .cp-nn-curves').dataset.points),
    filters: Number(document.querySelector('#nnlab .cp-nn-filters').dataset.drawn),
    rows: document.querySelectorAll('#nnlab .cp-nn-layers tbody tr').length,
    output: document.querySelector('#nnlab .cp-nn-layers tbody tr td:nth-child(2)').textContent,
  }));
  assert.ok(drawn.points > 5);
  assert.equal(drawn.filters, 8);
  assert.equal(drawn.rows, 10); // 9 layers (batch norm by default) and the total
  assert.equal(drawn.output, '26 × 26 × 8');

  // pause: the step stops moving; train again: it moves on
  await pauseLab(page, 20000);
  const paused = Number((await lab(page)).step);
  await page.waitForTimeout(500);
  assert.equal(Number((await lab(page)).step), paused);
  await page.click('#nnlab [data-part="nn-train"]');
  await waitUntil(
    page,
    'training to resume',
    (k) => Number(document.getElementById('nnlab').dataset.step) > k + 10,
    paused,
    60000,
  );
  await page.click('#nnlab [data-part="nn-pause"]');
  await waitUntil(
    page,
    'the lab to pause again',
    () => document.getElementById('nnlab').dataset.state === 'paused',
    null,
    20000,
  );
  await shotLab(page, 'nnlab-1400');
  await page.setViewportSize({ width: 390, height: 900 });
  await shotLab(page, 'nnlab-390');
  assert.deepEqual(errors, []);
  await page.close();
});

// A string of the lab's API (wasm/js/convplay_nn.mjs) that minification keeps.
const LAB_API_MARK = 'this NetworkLab was deleted';

test('the first view loads none of the lab: its code, .wasm and pack come when it is near', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const responses = []; // {url, body: Promise<Buffer>}, the worker's requests included
  page.on('response', (r) => {
    if (r.request().method() !== 'GET' || !r.ok()) return;
    responses.push({ url: r.url(), body: r.body().catch(() => Buffer.alloc(0)) });
  });
  const files = (list) => Promise.all(list.map(async (f) => ({ url: f.url, body: await f.body })));
  const labFiles = (list) =>
    list.filter((f) => /convplay_lab|fashion-mnist/.test(f.url) || f.body.includes(LAB_API_MARK));
  await page.goto(server.url);
  await waitForRuns(page, 1);
  await waitIdle(page);
  const firstCount = responses.length;
  const first = await files(responses.slice(0, firstCount));
  const bytes = first
    .filter((f) => /\.(js|wasm|html)(\?|$)|\/$/.test(f.url))
    .reduce((sum, f) => sum + gzipSync(f.body, { level: 9 }).length, 0);
  console.log(`first view: ${bytes} bytes gzip -9 of HTML, scripts and .wasm`);
  assert.deepEqual(
    labFiles(first).map((f) => f.url),
    [],
    'files of the network lab loaded with the first view',
  );

  // scrolled to, the lab shows its untrained network; Train trains it
  await page.locator('#nnlab').scrollIntoViewIfNeeded();
  await page.click('#nnlab [data-part="nn-train"]');
  await waitLabStep(page, 1, 90000);
  const later = labFiles(await files(responses.slice(firstCount)));
  const names = later.map((f) => new URL(f.url).pathname);
  assert.ok(
    names.some((u) => /convplay_lab/.test(u)),
    `the lab's .wasm: ${names}`,
  );
  assert.ok(
    names.some((u) => /fashion-mnist/.test(u)),
    `the lab's pack: ${names}`,
  );
  assert.ok(
    later.some((f) => f.body.includes(LAB_API_MARK)),
    `the lab's code: ${names}`,
  );
  await page.close();
});

test('an impossible architecture is refused with the layer and the rule', async () => {
  const { page, errors } = await openPage(browser, `${server.url}#nnbn=0`);
  await page.fill('#nnlab #nn-f2', '14');
  await page.dispatchEvent('#nnlab #nn-f2', 'change');
  await waitUntil(
    page,
    'the lab to refuse',
    () => document.getElementById('nnlab').dataset.state === 'error',
    null,
    60000,
  );
  const message = await page.textContent('#nnlab .message.error');
  assert.match(
    message,
    /layer 4 \(conv 16@14x14 stride 1 pad 0\) on a 13x13x8 input: kernel 14 is larger than padded height 13 \+ 2\*0 = 13/,
  );
  // a possible one builds again
  await page.fill('#nnlab #nn-f2', '3');
  await page.dispatchEvent('#nnlab #nn-f2', 'change');
  await waitUntil(
    page,
    'the lab to build',
    () => document.getElementById('nnlab').dataset.state === 'idle',
    null,
    60000,
  );
  assert.equal(await page.isHidden('#nnlab .message.error'), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('with and without batch norm, side by side: both networks train and are drawn together', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await page.click('#nnlab [data-part="nn-compare"]');
  await waitUntil(
    page,
    'both networks of the comparison to reach step 55',
    () => Number(document.getElementById('nnlab').dataset.compareStep || 0) >= 55,
    null,
    120000,
  );
  await page.click('#nnlab [data-part="nn-pause"]');
  await waitUntil(
    page,
    'the comparison to pause',
    () => document.getElementById('nnlab').dataset.state === 'paused',
    null,
    20000,
  );
  const points = await page.evaluate(() =>
    Number(document.querySelector('#nnlab .cp-nn-compare').dataset.points),
  );
  // 11 or more loss points and one test point per network
  assert.ok(points >= 24, `${points} points`);
  const text = await page.textContent('#nnlab .cp-nn-compare-text');
  assert.match(
    text,
    /without batch norm, [0-9.]+ with it; test accuracy [0-9.]+% at step \d+ without/,
  );
  await page.locator('#nnlab .cp-nn-comparebox').screenshot({
    path: path.join(RESULTS, 'nnlab-compare.png'),
  });
  assert.deepEqual(errors, []);
  await page.close();
});

const inspected = (page) =>
  page.evaluate(() => {
    const r = window.convplay.panel('nnlab').inspected;
    return (
      r && {
        ...r,
        pixels: [...r.pixels],
        probs: [...r.probs],
        maps: r.maps.map((m) => ({ ...m, data: [...m.data] })),
      }
    );
  });

/** The panel's latest answer once it is for `source` (and, for a test image, `index`). */
async function answer(page, source, index) {
  await waitUntil(
    page,
    `the lab to classify the ${source} input`,
    ([s, i]) => {
      const r = window.convplay.panel('nnlab').inspected;
      return r && r.input.source === s && (i === undefined || r.input.index === i);
    },
    [source, index],
    60000,
  );
  return inspected(page);
}

function checkSoftmax(r) {
  const logits = r.maps.at(-1).data;
  const m = Math.max(...logits);
  const z = logits.reduce((a, v) => a + Math.exp(v - m), 0);
  logits.forEach((v, k) => {
    assert.ok(
      Math.abs(Math.exp(v - m) / z - r.probs[k]) < 1e-5,
      `class ${k}: softmax of the logits`,
    );
  });
  assert.equal(r.predicted, r.probs.indexOf(Math.max(...r.probs)));
}

test('feature maps of every layer and the class probabilities for a chosen test image', async () => {
  const { page, errors } = await openPage(browser, `${server.url}#nnbn=0`);
  await page.locator('#nnlab').scrollIntoViewIfNeeded();
  for (let i = 0; i < 3; i++) await page.click('#nnlab [data-part="nn-step"]');
  await waitLabStep(page, 3, 60000);
  let r = await answer(page, 'test', 0);
  assert.equal(r.label, 9, 'Fashion-MNIST test image 0 is an ankle boot');
  assert.deepEqual(
    r.maps.map((m) => m.shape),
    [
      [8, 26, 26],
      [8, 26, 26],
      [8, 13, 13],
      [16, 11, 11],
      [16, 11, 11],
      [16, 5, 5],
      [10, 1, 1],
    ],
  );
  // the maps are the network's: ReLU of the conv map, the 2 x 2 max of the ReLU map
  const [conv, relu, pool] = r.maps;
  conv.data.forEach((v, i) => assert.equal(relu.data[i], Math.max(0, v)));
  for (let d = 0; d < 8; d++) {
    for (let y = 0; y < 13; y++) {
      for (let x = 0; x < 13; x++) {
        const at = (yy, xx) => relu.data[(d * 26 + yy) * 26 + xx];
        const m = Math.max(
          at(2 * y, 2 * x),
          at(2 * y, 2 * x + 1),
          at(2 * y + 1, 2 * x),
          at(2 * y + 1, 2 * x + 1),
        );
        assert.equal(pool.data[(d * 13 + y) * 13 + x], m);
      }
    }
  }
  checkSoftmax(r);
  const shown = await page.evaluate(() => ({
    tiles: document.querySelectorAll('#nnlab .cp-nn-maps canvas').length,
    top: document.querySelector('#nnlab .cp-nn-probs .cp-nn-top').dataset.class,
    bars: document.querySelectorAll('#nnlab .cp-nn-probs li').length,
    text: document.querySelector('#nnlab .cp-nn-input-text').textContent,
  }));
  assert.equal(shown.tiles, 8 + 8 + 8 + 16 + 16 + 16 + 10);
  assert.equal(Number(shown.top), r.predicted);
  assert.equal(shown.bars, 10);
  assert.match(shown.text, /^Test image #0 \(Ankle boot\): the network \(step 3\) says /);

  // another test image: another label, other pixels, other maps
  const first = r;
  await page.fill('#nnlab #nn-test', '1');
  await page.dispatchEvent('#nnlab #nn-test', 'change');
  r = await answer(page, 'test', 1);
  assert.equal(r.label, 2, 'Fashion-MNIST test image 1 is a pullover');
  assert.notDeepEqual(r.pixels, first.pixels);
  assert.notDeepEqual(r.maps[0].data, first.maps[0].data);
  checkSoftmax(r);

  // a test image that does not exist: the field takes the last one and says so
  await page.fill('#nnlab #nn-test', '5000');
  await page.dispatchEvent('#nnlab #nn-test', 'change');
  assert.equal(
    await page.textContent('#nnlab [data-part="nn-input-notice"]'),
    'test image #: "5000" is above 1999; using 1999',
  );
  assert.equal(await page.inputValue('#nnlab #nn-test'), '1999');
  await answer(page, 'test', 1999);
  assert.equal(await page.isHidden('#nnlab .cp-nn-input-error'), true);
  await page
    .locator('#nnlab .cp-nn-inside')
    .screenshot({ path: path.join(RESULTS, 'nnlab-inside.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('classifies a drawing made with the mouse and an uploaded image downscaled by the module', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await page.locator('#nnlab .cp-nn-inside').scrollIntoViewIfNeeded();
  await page.click('#nnlab [data-part="nn-step"]');
  await answer(page, 'test', 0);

  // a vertical stroke down the middle of the pad (in view: Step scrolled the page up)
  await page.locator('#nnlab [data-part="nn-pad"]').scrollIntoViewIfNeeded();
  const box = await page.locator('#nnlab [data-part="nn-pad"]').boundingBox();
  const cx = box.x + box.width / 2;
  await page.mouse.move(cx, box.y + box.height * 0.2);
  await page.mouse.down();
  for (let t = 1; t <= 10; t++) await page.mouse.move(cx, box.y + box.height * (0.2 + 0.06 * t));
  await page.mouse.up();
  let r = await answer(page, 'drawing');
  const px = (y, x) => r.pixels[y * 28 + x];
  assert.equal(r.pixels.length, 784);
  assert.equal(px(14, 14), 255, 'the stroke is light');
  assert.equal(px(14, 3), 0, 'away from it the pad is black');
  assert.equal(px(2, 14), 0, 'above where it started too');
  checkSoftmax(r);

  // an upload: decoded grey and downscaled to 28 x 28 in the module, inverted by default
  const file = path.join(
    path.dirname(new URL(import.meta.url).pathname),
    '../../web/src/page/samples/coffee.png',
  );
  await page.setInputFiles('#nnlab [data-part="nn-upload"]', file);
  r = await answer(page, 'upload');
  assert.deepEqual(r.file, { width: 256, height: 171 });
  assert.equal(r.input.invert, true);
  assert.equal(r.pixels.length, 784);
  assert.ok(new Set(r.pixels).size > 20, 'a real picture, many grey levels');
  checkSoftmax(r);
  assert.match(
    await page.textContent('#nnlab .cp-nn-input-text'),
    /^Your image “coffee.png” \(256 × 171, downscaled to 28 × 28 grey, inverted\): the network \(step 1\) says /,
  );
  const inverted = r.pixels;
  await page.uncheck('#nnlab #nn-invert');
  await waitUntil(
    page,
    'the upload without inversion',
    () => window.convplay.panel('nnlab').inspected.input.invert === false,
    null,
    30000,
  );
  r = await inspected(page);
  r.pixels.forEach((v, i) => assert.equal(v, 255 - inverted[i]));

  // a file that is not an image: the module's message
  await page.setInputFiles('#nnlab [data-part="nn-upload"]', {
    name: 'notes.png',
    mimeType: 'image/png',
    buffer: Buffer.from('these are not pixels'),
  });
  await waitUntil(
    page,
    'the lab to refuse the file',
    () => !document.querySelector('#nnlab .cp-nn-input-error').hidden,
    null,
    30000,
  );
  assert.match(
    await page.textContent('#nnlab .cp-nn-input-error'),
    /cannot read the image header \(Image not of any known type, or corrupt\); PNG, JPEG, BMP, GIF and TGA are supported/,
  );
  await page.setViewportSize({ width: 390, height: 900 });
  await page
    .locator('#nnlab .cp-nn-inside')
    .screenshot({ path: path.join(RESULTS, 'nnlab-inside-390.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the link holds the lab: architecture, hyperparameters and seed', async () => {
  const hash = 'nnk1=4&nnf1=5&nnp1=1&nnk2=6&nnbn=1&nnlr=0.02&nnbs=16&nnep=2&nnseed=7';
  let { page, errors } = await openPage(browser, `${server.url}#${hash}`);
  // the panels below the first view mount in their own tasks after it
  const values = async () => {
    await page.waitForSelector('#nnlab #nn-k1', { timeout: 30000 });
    return page.evaluate(() =>
      Object.fromEntries(
        [...document.querySelectorAll('#nnlab .cp-nn-arch input, #nnlab .cp-nn-hyper input')].map(
          (i) => [i.id.replace(/^.*nn-/, ''), i.type === 'checkbox' ? i.checked : i.value],
        ),
      ),
    );
  };
  const want = {
    k1: '4',
    f1: '5',
    p1: '1',
    k2: '6',
    f2: '3',
    p2: '0',
    bn: true,
    lr: '0.02',
    batch: '16',
    epochs: '2',
    seed: '7',
  };
  assert.deepEqual(await values(), want);
  await page.click('#nnlab [data-part="nn-step"]');
  await waitLabStep(page, 1, 60000);
  const layers = await page.evaluate(() =>
    [...document.querySelectorAll('#nnlab .cp-nn-layers tbody tr')].map((tr) =>
      [...tr.children].slice(0, 2).map((td) => td.textContent),
    ),
  );
  // 28 + 2 - 5 + 1 = 26; batch norm after each convolution; 13 - 3 + 1 = 11
  assert.deepEqual(layers.slice(0, 6), [
    ['conv 4@5x5 stride 1 pad 1', '26 × 26 × 4'],
    ['batch norm', '26 × 26 × 4'],
    ['ReLU', '26 × 26 × 4'],
    ['max pool 2x2 stride 2', '13 × 13 × 4'],
    ['conv 6@3x3 stride 1 pad 0', '11 × 11 × 6'],
    ['batch norm', '11 × 11 × 6'],
  ]);
  const plan = await page.evaluate(() => window.convplay.panel('nnlab').run.plan);
  assert.equal(plan.totalSteps, 2 * plan.stepsPerEpoch);
  assert.equal(plan.stepsPerEpoch, Math.ceil(plan.counts.train / 16));
  assert.match(await page.textContent('#nnlab .cp-nn-status'), /^step 1 of \d+ /);

  // a control writes its field into the link
  await page.fill('#nnlab #nn-k2', '12');
  await page.dispatchEvent('#nnlab #nn-k2', 'change');
  await page.waitForFunction(() => location.hash.includes('nnk2=12'));
  const link = await page.evaluate(() => location.href);
  assert.deepEqual(errors, []);
  await page.close();

  // the link reopens the same configuration
  ({ page, errors } = await openPage(browser, link));
  assert.deepEqual(await values(), { ...want, k2: '12' });
  assert.deepEqual(errors, []);
  await page.close();

  // a hostile link: clamped to the table's limits or the defaults, never a throw
  ({ page, errors } = await openPage(
    browser,
    `${server.url}#nnk1=9999&nnlr=abc&nnbs=-3&nnbn=maybe`,
  ));
  const v = await values();
  assert.equal(v.k1, '32');
  assert.equal(v.lr, '0.05');
  assert.equal(v.batch, '1');
  assert.equal(v.bn, true); // the default
  assert.deepEqual(errors, []);
  await page.close();
});

test('the lecture step runs the comparison with and without batch norm', async () => {
  const { page, errors } = await openPage(browser, `${server.url}#lstep=nn-bn`);
  // the step's title and text are in its bar, stuck to the bottom of the screen
  const lecture = await page.textContent('[data-part="lecture-dock"]');
  assert.match(lecture, /Batch norm at work: the same CNN trained with and without it/);
  assert.match(lecture, /Look at which training loss falls faster in the first hundred steps/);
  await waitUntil(
    page,
    'the lecture step to train both networks to step 10',
    () => Number(document.getElementById('nnlab')?.dataset.compareStep || 0) >= 10,
    null,
    120000,
  );
  assert.equal(await page.isVisible('#nnlab .cp-nn-comparebox'), true);
  const c = await page.evaluate(() => {
    const d = document.getElementById('nnlab').dataset;
    return {
      state: d.state,
      points: Number(document.querySelector('#nnlab .cp-nn-compare').dataset.points),
    };
  });
  assert.equal(c.state, 'training');
  assert.ok(c.points >= 4, `${c.points} points`);
  await page.locator('#lecture').screenshot({ path: path.join(RESULTS, 'nnlab-lecture-step.png') });
  // the next step of the lecture leaves the comparison paused
  await page.click('[data-part="lecture-dock"] .cp-lec-next');
  await waitUntil(
    page,
    'the comparison to pause when the lecture moves on',
    () => document.getElementById('nnlab').dataset.state === 'paused',
    null,
    30000,
  );
  assert.match(await settledUrl(page), /lstep=sobel/);
  assert.deepEqual(errors, []);
  await page.close();
});
