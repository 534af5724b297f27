// A teacher's locked set-up in the release (dist/, served with the strict CSP
// header): Reset returns an embedded playground to its own attributes (or the
// iframe's link), and no control moves a locked value: Reset, the AlexNet
// exercise, lecture steps, filter presets, an imported network file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launchBrowser, makePng, shot } from './helpers.mjs';
import {
  STRICT_CSP,
  needRelease,
  serveDist,
  watchPage,
  embedPage,
  settled,
} from './release-helpers.mjs';

let browser, server;
const TEACHER_PNG = makePng(40, 30, (x, y) => [(x * 6) & 255, (y * 8) & 255, ((x + y) * 3) & 255]);
const page = embedPage;

before(async () => {
  needRelease('embed.js', 'index.html', 'examples/course-page.html');
  browser = await launchBrowser();
  server = await serveDist({
    csp: STRICT_CSP,
    extra: {
      '/test/all.html': page(
        `<conv-playground id="all" sample="checker" size="32" kernel="5" padding="0" filters="2"
          filter-kinds="box,sobelx" locked="kernel,filters,filter-kinds,sample,size"></conv-playground>`,
      ),
      '/test/image.html': page(
        `<conv-playground id="img" image="data:image/png;base64,${TEACHER_PNG.toString('base64')}"
          panels="image,layer,volume" locked="sample"></conv-playground>`,
      ),
      '/test/lab.html': page(
        `<conv-playground id="lab" panels="nnlab" nnk1="6" locked="nnk1"></conv-playground>`,
      ),
    },
  });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Clicks the element inside #id's shadow root that matches selector. */
const clickIn = (pg, id, selector) => pg.locator(`#${id}`).locator(selector).first().click();

const pick = (s, names) => Object.fromEntries(names.map((n) => [n, s[n]]));

const noticeOf = (pg, id) =>
  pg.evaluate((i) => {
    const n = document.getElementById(i).shadowRoot.querySelector('[data-part="lock-notice"]');
    return n && !n.hidden ? n.textContent : '';
  }, id);

test('course page: Reset returns the first playground to its attributes, and the answer check agrees', async () => {
  const {
    page: pg,
    violations,
    errors,
  } = await watchPage(browser, `${server.url}examples/course-page.html`);
  await pg.locator('#pg-padding').scrollIntoViewIfNeeded();
  await settled(pg, 'pg-padding');
  await pg.evaluate(() => {
    const input = document.getElementById('pg-padding').shadowRoot.querySelector('[data-part="p"]');
    input.value = '2';
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  assert.equal((await settled(pg, 'pg-padding')).p, 2);
  await clickIn(pg, 'pg-padding', '[data-part="reset"]');
  const s = await settled(pg, 'pg-padding');
  assert.deepEqual(pick(s, ['f', 'p', 'k', 'size', 'img', 'filters']), {
    f: 5,
    p: 0,
    k: 2,
    size: 32,
    img: 'checker',
    filters: ['box', 'sobelx'],
  });
  const dims = await pg
    .locator('#pg-padding')
    .locator('[data-part="output-volume"] .dims-out')
    .textContent();
  assert.equal(dims, '28 × 28 × 2');
  assert.equal(
    await pg.locator('#padding-answer').textContent(),
    'P = 0 gives 28 × 28; keep going.',
  );
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});

test('locked values stay whatever the control: the AlexNet exercise, lecture steps, Reset, filter presets', async () => {
  const { page: pg, violations, errors } = await watchPage(browser, `${server.url}test/all.html`);
  const LOCKED = ['f', 'fw', 'fsep', 'k', 'filters', 'img', 'size'];
  const start = pick(await settled(pg, 'all'), LOCKED);
  assert.deepEqual(start, {
    f: 5,
    fw: 3,
    fsep: false,
    k: 2,
    filters: ['box', 'sobelx'],
    img: 'checker',
    size: 32,
  });
  // the filters' presets and editors are locked too
  await pg.waitForFunction(
    () => document.getElementById('all').shadowRoot.querySelectorAll('select.preset').length === 2,
  );
  const presets = await pg.evaluate(() =>
    [
      ...document.getElementById('all').shadowRoot.querySelectorAll('select.preset, button.edit'),
    ].map((e) => e.disabled),
  );
  assert.deepEqual(presets, [true, true, true, true]);

  // the AlexNet exercise: its own 96 maps, the page's unlocked rows follow it, the locked stay
  await pg.locator('#all').locator('.cp-alex-go').scrollIntoViewIfNeeded();
  await clickIn(pg, 'all', '.cp-alex-go');
  await pg.waitForFunction(() => document.getElementById('all').state.s === 4, null, {
    timeout: 30000,
  });
  let s = await settled(pg, 'all');
  assert.deepEqual(pick(s, LOCKED), start, 'after the AlexNet exercise');
  assert.equal(s.p, 0);
  assert.match(
    await noticeOf(pg, 'all'),
    /^Locked by this page: .*the kernel size F \(5\).* stay as they are\./,
  );
  await shot(pg, 'locked-alexnet', { fullPage: false });

  // the lecture, step by step
  await clickIn(pg, 'all', '.cp-lec-start, .cp-start-lecture');
  for (let i = 0; i < 6; i++) {
    s = await settled(pg, 'all');
    assert.deepEqual(pick(s, LOCKED), start, `at lecture step ${s.lstep}`);
    await clickIn(pg, 'all', '.cp-lec-next');
  }
  assert.notEqual((await settled(pg, 'all')).lstep, '');

  // Reset: the element's own attributes
  await clickIn(pg, 'all', '[data-part="reset"]');
  s = await settled(pg, 'all');
  assert.deepEqual(pick(s, [...LOCKED, 'p', 's', 'lstep', 'alex']), {
    ...start,
    p: 0,
    s: 1,
    lstep: '',
    alex: false,
  });
  assert.equal(await noticeOf(pg, 'all'), '', 'a reset to the start refuses nothing');

  // code on the page goes through the same lock; the attributes themselves move it
  await pg.evaluate(() => document.getElementById('all').playground.update({ f: 7, p: 1 }));
  s = await settled(pg, 'all');
  assert.deepEqual([s.f, s.p], [5, 1]);
  await pg.evaluate(() => document.getElementById('all').setAttribute('kernel', '7'));
  await pg.waitForFunction(() => document.getElementById('all').state.f === 7, null, {
    timeout: 15000,
  });
  assert.equal((await settled(pg, 'all')).p, 1, "the student's padding stays");
  await clickIn(pg, 'all', '[data-part="reset"]');
  assert.deepEqual(pick(await settled(pg, 'all'), ['f', 'p']), { f: 7, p: 0 });
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});

test('an imported network file cannot move a locked row of the lab', async () => {
  const { page: pg, violations, errors } = await watchPage(browser, `${server.url}test/lab.html`);
  await pg.waitForFunction(() => document.getElementById('lab').playground?.result, null, {
    timeout: 30000,
  });
  const lab = pg.locator('#lab');
  await lab.locator('[data-part="nn-export"]').waitFor();
  await pg.waitForFunction(
    () =>
      document.getElementById('lab').shadowRoot.querySelector('[data-part="nnlab"]')?.dataset
        .state === 'idle',
    null,
    { timeout: 60000 },
  );
  await lab.locator('[data-part="nn-step"]').click();
  await pg.waitForFunction(
    () =>
      Number(
        document.getElementById('lab').shadowRoot.querySelector('[data-part="nnlab"]')?.dataset
          .step,
      ) >= 1,
    null,
    { timeout: 60000 },
  );
  const [download] = await Promise.all([
    pg.waitForEvent('download'),
    lab.locator('[data-part="nn-export"]').click(),
  ]);
  const file = JSON.parse(fs.readFileSync(await download.path()));
  assert.equal(file.state.nnk1, 6);
  file.state.nnk1 = 12;
  await lab.locator('[data-part="nn-import"]').setInputFiles({
    name: 'other.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(file)),
  });
  await pg.waitForFunction(
    () =>
      /this file needs other values than this page locks: nnk1 \(6\)/.test(
        document
          .getElementById('lab')
          .shadowRoot.querySelector('[data-part="nnlab"] .message.error')?.textContent ?? '',
      ),
    null,
    { timeout: 30000 },
  );
  assert.equal(await pg.evaluate(() => document.getElementById('lab').state.nnk1), 6);
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});

test('the iframe mode: Reset returns to the link it was given, locked values stay', async () => {
  const url = `${server.url}index.html?embed=1&panels=layer,volume,formula&locked=kernel,filters#f=5&k=2&p=0&img=checker&size=32`;
  const { page: pg, violations, errors } = await watchPage(browser, url);
  const idle = () =>
    pg.waitForFunction(() => window.convplay?.result && window.convplay.idle, null, {
      timeout: 30000,
    });
  await idle();
  await pg.evaluate(() => window.convplay.update({ p: 3, s: 2 }));
  await idle();
  await pg.click('[data-part="reset"]');
  await idle();
  const s = await pg.evaluate(() => window.convplay.state);
  assert.deepEqual(pick(s, ['f', 'k', 'p', 's', 'img', 'size']), {
    f: 5,
    k: 2,
    p: 0,
    s: 1,
    img: 'checker',
    size: 32,
  });
  // a lecture step's link followed in the frame keeps the locked values too
  await pg.evaluate(() => {
    location.hash = 'lstep=alexnet';
  });
  await pg.waitForFunction(() => window.convplay.state.lstep === 'alexnet', null, {
    timeout: 15000,
  });
  await idle();
  const after = await pg.evaluate(() => window.convplay.state);
  assert.deepEqual([after.f, after.k], [5, 2]);
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});

test("the element's own image (image=) opens though the sample is locked, and Reset returns to it", async () => {
  const { page: pg, violations, errors } = await watchPage(browser, `${server.url}test/image.html`);
  await pg.waitForFunction(() => document.getElementById('img').state?.img === 'upload', null, {
    timeout: 30000,
  });
  const dims = () =>
    pg.locator('#img').locator('[data-part="output-volume"] .dims-out').textContent();
  await settled(pg, 'img');
  const first = await dims();
  assert.equal(
    await pg.locator('#img').locator('[data-part="sample"]').isDisabled(),
    true,
    'the sample is locked',
  );
  await pg.evaluate(() => document.getElementById('img').playground.update({ p: 4, k: 3 }));
  assert.equal((await settled(pg, 'img')).p, 4);
  await clickIn(pg, 'img', '[data-part="reset"]');
  const s = await settled(pg, 'img');
  assert.deepEqual(pick(s, ['img', 'p', 'k']), { img: 'upload', p: 1, k: 4 });
  assert.equal(await dims(), first);
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});
