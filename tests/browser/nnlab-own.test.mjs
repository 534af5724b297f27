// The network lab on the student's own classes, headless Chromium: classes
// named by the student, pictures uploaded (of several sizes) or taken with the
// webcam (Chromium's fake camera), downscaled by the module in the worker and
// trained like Fashion-MNIST (a train/test split, curves, a confusion matrix and
// probabilities with the student's names); a bad class set gets a message
// naming the value and the rule.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  launchBrowser,
  openPage,
  waitUntil,
  RESULTS,
  openSuite,
  closeSuite,
  waitLabStep,
  settledHash,
  visibleBanners,
} from './helpers.mjs';
import { labPictures } from './lab-pictures.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

const cls = (page, i) => page.locator('#nnlab .cp-nn-class').nth(i);

async function nameClass(page, i, name) {
  await cls(page, i).locator('[data-part="nn-own-name"]').fill(name);
  await cls(page, i).locator('[data-part="nn-own-name"]').dispatchEvent('change');
}

async function upload(page, i, files, total = files.length) {
  await cls(page, i).locator('[data-part="nn-own-files"]').setInputFiles(files);
  await waitUntil(
    page,
    `the pictures of class ${i + 1}`,
    ([k, n]) =>
      document.querySelectorAll('#nnlab .cp-nn-class')[k]?.querySelector('.cp-nn-count')
        ?.textContent === `${n} pictures`,
    [i, total],
    30000,
  );
}

/**
 * Presses Train and waits for a refusal whose message matches want: a rule of the
 * set in the status ("Not trained: ...") and in the set's notice, the module's
 * refusal of a picture in the error banner.
 */
async function refuses(page, want) {
  await page.click('#nnlab [data-part="nn-train"]');
  await waitUntil(
    page,
    `the lab to refuse the class set with ${want}`,
    (source) => {
      const text = (sel) => document.querySelector(`#nnlab ${sel}`).textContent;
      const rule = new RegExp(source);
      return (
        document.getElementById('nnlab').dataset.state === 'error' &&
        ((rule.test(text('.cp-nn-status')) && rule.test(text('.cp-nn-own-notice'))) ||
          rule.test(text('.message.error')))
      );
    },
    want.source,
    60000,
  ).catch(async (e) => {
    const now = await page.evaluate(() => ({
      state: document.getElementById('nnlab').dataset.state,
      error: document.querySelector('#nnlab .message.error').textContent,
      status: document.querySelector('#nnlab .cp-nn-status').textContent,
    }));
    throw new Error(`${e.message}\nthe lab: ${JSON.stringify(now)}`);
  });
}

test('the student names 3 classes, uploads their pictures and trains on them; bad sets are refused', async () => {
  // batch norm on (the default): without it, 100 steps at learning rate 0.05 on these 24
  // pictures end with every picture in one class (and the status says it has not learnt)
  const { page, errors } = await openPage(browser, `${server.url}#nnep=20&nnbs=16`);
  await page.locator('#nnlab').scrollIntoViewIfNeeded();
  await page.check('#nnlab [data-part="nn-data-own"]');
  assert.equal(await page.locator('#nnlab .cp-nn-class').count(), 2);

  // no names yet
  await refuses(page, /class 1 has no name: give each class a name/);
  await nameClass(page, 0, 'stripes');
  await nameClass(page, 1, 'bars');
  await upload(page, 0, labPictures('stripes', 10, 1));
  await upload(page, 1, labPictures('bars', 3, 2));
  await refuses(
    page,
    /class "bars" has 3 images; each class needs at least 5 \(some to train on, one to test\)/,
  );
  // one class only
  await cls(page, 1).locator('[data-part="nn-own-remove"]').click();
  await refuses(page, /1 class: the lab trains on 2 to 4 classes/);
  // two classes of one name
  await page.click('#nnlab [data-part="nn-own-add"]');
  await nameClass(page, 1, 'Stripes');
  await upload(page, 1, labPictures('bars', 10, 3));
  await refuses(page, /two classes are named "Stripes": each name once/);
  // a corrupt picture among them
  await nameClass(page, 1, 'bars');
  await upload(
    page,
    1,
    [{ name: 'torn.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all') }],
    11,
  );
  await refuses(
    page,
    /class "bars", image 11: .*cannot read the image header \(Image not of any known type, or corrupt\)/,
  );
  await cls(page, 1).locator('[data-part="nn-own-clear"]').click();
  await upload(page, 1, labPictures('bars', 10, 4));
  // at most 4 classes: the fifth cannot be added
  await page.click('#nnlab [data-part="nn-own-add"]');
  await page.click('#nnlab [data-part="nn-own-add"]');
  assert.equal(await page.locator('#nnlab .cp-nn-class').count(), 4);
  assert.equal(await page.isDisabled('#nnlab [data-part="nn-own-add"]'), true);
  await cls(page, 3).locator('[data-part="nn-own-remove"]').click();
  await nameClass(page, 2, 'disk');
  await upload(page, 2, labPictures('disk', 10, 5));

  // train: 24 images to train on, 6 to test, batches of 16: 20 epochs would be 40 steps,
  // raised to the lab's least for own classes, 100 steps (50 epochs)
  await page.click('#nnlab [data-part="nn-train"]');
  await waitUntil(
    page,
    'training on the own classes to finish',
    () => document.getElementById('nnlab').dataset.state === 'done',
    null,
    120000,
  );
  const run = await page.evaluate(() => {
    const r = window.convplay.panel('nnlab').run;
    return { classes: r.classes, plan: r.plan, losses: r.losses, tests: r.tests };
  });
  assert.deepEqual(run.classes, ['stripes', 'bars', 'disk']);
  assert.deepEqual(run.plan.counts, { train: 24, test: 6 });
  assert.equal(run.plan.totalSteps, 100);
  assert.deepEqual(run.plan.epochsRaised, { from: 20, to: 50 });
  const losses = run.losses.map(([, l]) => l);
  assert.ok(losses.at(-1) < losses[0], `the loss went from ${losses[0]} to ${losses.at(-1)}`);
  const shown = await page.evaluate(() => ({
    head: [...document.querySelectorAll('#nnlab .cp-nn-confusion thead th')].map(
      (th) => th.textContent,
    ),
    rows: [...document.querySelectorAll('#nnlab .cp-nn-confusion tbody tr')].map((tr) =>
      [...tr.children].map((td) => td.textContent),
    ),
    caption: document.querySelector('#nnlab .cp-nn-bottom figure:last-child figcaption')
      .textContent,
    accuracy: Number(document.querySelector('#nnlab .cp-nn-confusion').dataset.accuracy),
    probs: [...document.querySelectorAll('#nnlab .cp-nn-probs .cp-nn-prob-name')].map(
      (s) => s.textContent,
    ),
    text: document.querySelector('#nnlab .cp-nn-input-text').textContent,
    status: document.querySelector('#nnlab .cp-nn-status').textContent,
  }));
  assert.deepEqual(shown.head, ['true \\ predicted', 'stripes', 'bars', 'disk']);
  assert.deepEqual(
    shown.rows.map((r) => r[0]),
    ['stripes', 'bars', 'disk'],
  );
  const total = shown.rows.flatMap((r) => r.slice(1).map(Number)).reduce((a, b) => a + b);
  assert.equal(total, 6, 'the 6 pictures kept aside');
  assert.match(shown.caption, /^Confusion matrix on 6 test images at step 100/);
  assert.deepEqual(shown.probs, ['stripes', 'bars', 'disk']);
  assert.match(
    shown.text,
    /^Test image #0 \(stripes\): the network \(step 100\) says (stripes|bars|disk), /,
  );
  // three patterns this different are learnt: at least 5 of the 6 test pictures
  assert.ok(shown.accuracy >= 5 / 6, `test accuracy ${shown.accuracy}`);

  // a new picture of a disk, uploaded: classified with the student's names, not inverted
  await page.setInputFiles('#nnlab [data-part="nn-upload"]', labPictures('disk', 1, 99));
  await waitUntil(
    page,
    'the upload classified',
    () => window.convplay.panel('nnlab').inspected?.input.source === 'upload',
    null,
    30000,
  );
  const up = await page.evaluate(() => window.convplay.panel('nnlab').inspected);
  assert.equal(up.input.invert, false);
  assert.equal(up.probs.length, 3);
  fs.mkdirSync(RESULTS, { recursive: true });
  await page.locator('#nnlab').screenshot({ path: path.join(RESULTS, 'nnlab-own-1400.png') });
  await page.setViewportSize({ width: 390, height: 900 });
  await page.locator('#nnlab').screenshot({ path: path.join(RESULTS, 'nnlab-own-390.png') });

  // the trained network of the own classes, exported, then imported into a fresh
  // page that has none of its pictures: it classifies with the names, cannot train
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('#nnlab [data-part="nn-export"]'),
  ]);
  const exported = fs.readFileSync(await download.path());
  assert.deepEqual(JSON.parse(exported).network.classes, ['stripes', 'bars', 'disk']);

  // back to Fashion-MNIST: 10 classes again
  await page.check('#nnlab #nn-data-fashion');
  await waitUntil(
    page,
    'the Fashion-MNIST network',
    () =>
      document.getElementById('nnlab').dataset.state === 'idle' &&
      window.convplay.panel('nnlab').run?.classes.length === 10,
    null,
    60000,
  );
  assert.deepEqual(errors, []);
  await page.close();

  const fresh = await openPage(browser, server.url);
  const p2 = fresh.page;
  await p2.locator('#nnlab').scrollIntoViewIfNeeded();
  await p2.setInputFiles('#nnlab [data-part="nn-import"]', {
    name: 'own.json',
    mimeType: 'application/json',
    buffer: exported,
  });
  await waitUntil(
    p2,
    'the import of the own-class network',
    () =>
      /^Imported “own\.json”: 3 classes, trained for 100 steps/.test(
        document.querySelector('#nnlab .cp-nn-transfer-text').textContent,
      ),
    null,
    60000,
  );
  assert.equal(await p2.isChecked('#nnlab [data-part="nn-data-own"]'), true);
  await p2.setInputFiles('#nnlab [data-part="nn-upload"]', labPictures('disk', 1, 99));
  await waitUntil(
    p2,
    'the upload classified by the imported network',
    () => window.convplay.panel('nnlab').inspected?.input.source === 'upload',
    null,
    30000,
  );
  const again = await p2.evaluate(() => window.convplay.panel('nnlab').inspected);
  assert.deepEqual(again.probs, up.probs, 'the same probabilities as in the page that trained it');
  assert.deepEqual(again.classes, ['stripes', 'bars', 'disk']);
  await p2.click('#nnlab [data-part="nn-step"]');
  await waitUntil(
    p2,
    'Step to be refused',
    () =>
      /this imported network's classes \(stripes, bars, disk\) have no images here/.test(
        document.querySelector('#nnlab .message.error').textContent,
      ),
    null,
    30000,
  );
  assert.deepEqual(fresh.errors, []);
  await p2.close();
});

test('webcam snapshots make a class (Chromium fake camera)', async () => {
  const cam = await launchBrowser({
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
    ],
  });
  try {
    const { page, errors } = await openPage(cam, server.url);
    await page.locator('#nnlab').scrollIntoViewIfNeeded();
    await page.check('#nnlab [data-part="nn-data-own"]');
    await page.click('#nnlab [data-part="nn-own-camera"]');
    await waitUntil(
      page,
      'the webcam picture',
      () => document.querySelector('#nnlab .cp-nn-video').videoWidth > 0,
      null,
      30000,
    );
    await nameClass(page, 0, 'camera');
    for (let i = 0; i < 5; i++) {
      await cls(page, 0).locator('[data-part="nn-own-snap"]').click();
      await waitUntil(
        page,
        `snapshot ${i + 1}`,
        (n) =>
          document.querySelector('#nnlab .cp-nn-class .cp-nn-count').textContent ===
          `${n} ${n === 1 ? 'picture' : 'pictures'}`,
        i + 1,
        30000,
      );
      await page.waitForTimeout(150); // the fake camera's picture moves
    }
    assert.equal(await cls(page, 0).locator('.cp-nn-thumbs img').count(), 5);
    await nameClass(page, 1, 'stripes');
    await upload(page, 1, labPictures('stripes', 5, 7));
    await page.click('#nnlab [data-part="nn-step"]');
    await waitLabStep(page, 1, 60000);
    const run = await page.evaluate(() => window.convplay.panel('nnlab').run);
    assert.deepEqual(run.classes, ['camera', 'stripes']);
    assert.deepEqual(run.plan.counts, { train: 8, test: 2 });
    await page.click('#nnlab [data-part="nn-own-camera"]');
    assert.equal(await page.isHidden('#nnlab .cp-nn-video'), true);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await cam.close();
  }
});

/** Trains the own classes with Train and waits for the end of the run; -> the run and the lab's status. */
async function trainToEnd(page) {
  await page.click('#nnlab [data-part="nn-train"]');
  await waitUntil(
    page,
    'training on the own classes to finish',
    () => document.getElementById('nnlab').dataset.state === 'done',
    null,
    180000,
  );
  return page.evaluate(() => {
    const r = window.convplay.panel('nnlab').run;
    return {
      plan: r.plan,
      tests: r.tests,
      learnt: document.getElementById('nnlab').dataset.learnt,
      accuracy: Number(document.querySelector('#nnlab .cp-nn-confusion').dataset.accuracy),
      status: document.querySelector('#nnlab .cp-nn-status').textContent,
    };
  });
}

test('two classes of 10 pictures learn with the default settings; a model no better than guessing says so', async () => {
  const { page, errors } = await openPage(browser, server.url); // epochs 2, batches of 32
  await page.locator('#nnlab').scrollIntoViewIfNeeded();
  await page.check('#nnlab [data-part="nn-data-own"]');
  await nameClass(page, 0, 'stripes');
  await nameClass(page, 1, 'disk');
  const stripes = labPictures('stripes', 10, 11);
  await upload(page, 0, stripes);
  await upload(page, 1, labPictures('disk', 10, 12));
  // 16 pictures to train on are one batch: 2 epochs would be 2 steps
  const run = await trainToEnd(page);
  assert.deepEqual(run.plan.counts, { train: 16, test: 4 });
  assert.equal(run.plan.totalSteps, 100);
  assert.deepEqual(run.plan.epochsRaised, { from: 2, to: 100 });
  assert.equal(run.accuracy, 1, `test accuracy ${run.accuracy} (${run.status})`);
  assert.equal(run.learnt, 'yes');
  assert.doesNotMatch(run.status, /not learnt/);

  // two classes of the same pictures cannot be told apart: the status says it has not learnt
  await cls(page, 1).locator('[data-part="nn-own-clear"]').click();
  await upload(page, 1, stripes);
  const same = await trainToEnd(page);
  assert.equal(same.learnt, 'no');
  assert.ok(same.accuracy <= 0.5, `test accuracy ${same.accuracy}`);
  assert.match(
    same.status,
    /not learnt yet: (every test image is put in "(stripes|disk)"|50\.0% right is no better than guessing among 2 classes \(50\.0%\)).*\. Done\. Add more pictures to each class \(or raise the epochs\), then press Train again\.$/,
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test('the link keeps the choice of own classes and their names, says it keeps no pictures, and a fresh load of it agrees', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await page.locator('#nnlab').scrollIntoViewIfNeeded();
  await page.check('#nnlab [data-part="nn-data-own"]');
  await nameClass(page, 0, '12');
  await nameClass(page, 1, 'a,b 50%');
  await page.click('#nnlab [data-part="nn-own-add"]');
  await upload(page, 0, labPictures('disk', 6, 21));
  await refuses(page, /class "a,b 50%" has 0 images; each class needs at least 5/);
  const ownText = await page.textContent('#nnlab .cp-nn-own-text');
  assert.match(
    ownText,
    /^3 classes, 6 pictures\. The pictures stay in this page: its link keeps the class names only/,
  );

  const hash = await settledHash(page);
  assert.match(hash, /nndata=own/);
  const seen = async (p) => ({
    own: await p.isChecked('#nnlab [data-part="nn-data-own"]'),
    names: await p.$$eval('#nnlab [data-part="nn-own-name"]', (els) => els.map((e) => e.value)),
    notice: await p.textContent('#nnlab .cp-nn-own-notice'),
    banners: await visibleBanners(p),
    state: await p.evaluate(() => [window.convplay.state.nndata, window.convplay.state.nncls]),
  });
  const live = await seen(page);
  assert.deepEqual(live.names, ['12', 'a,b 50%', '']);
  assert.equal(
    live.notice,
    'To train: class "a,b 50%" has 0 images; each class needs at least 5 (some to train on, one to test).',
  );

  const fresh = await openPage(browser, server.url, { hash });
  await fresh.page.locator('#nnlab').scrollIntoViewIfNeeded();
  // the notice is the worker's answer on the class set: the lab asks it once it has mounted
  await waitUntil(
    fresh.page,
    "the fresh page's notice on its class set",
    () => document.querySelector('#nnlab .cp-nn-own-notice')?.textContent !== '',
  );
  // the same choice, names, banners; its pictures did not travel: class "12" has none there
  const { notice, ...rest } = await seen(fresh.page);
  const { notice: liveNotice, ...liveRest } = live;
  assert.deepEqual(rest, liveRest);
  assert.notEqual(notice, liveNotice);
  assert.equal(
    notice,
    'To train: class "12" has 0 images; each class needs at least 5 (some to train on, one to test).',
  );
  // Fashion-MNIST again, in the page and in its link; the names stay for the next time
  await fresh.page.check('#nnlab #nn-data-fashion');
  const back = await settledHash(fresh.page);
  assert.doesNotMatch(back, /nndata/);
  assert.match(back, /nncls=12,a%252Cb%2050%2525,/);
  assert.deepEqual(errors, []);
  assert.deepEqual(fresh.errors, []);
  await fresh.page.close();
  await page.close();
});
