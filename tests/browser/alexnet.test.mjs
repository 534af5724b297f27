// The AlexNet exercise (web/src/page/panels/alexnet/), the "predict, then reveal"
// quiz (quiz.js) and the "show as code" panel (code.js).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  openSuite,
  closeSuite,
  openPage,
  setInput,
  outputDims,
  afterRecompute,
  waitIdle,
  visibleBanners,
  RESULTS,
  settledUrl,
} from './helpers.mjs';

let server, browser, cp;
before(async () => ({ server, browser, cp } = await openSuite({ module: true })));
after(() => closeSuite({ server, browser }));

const text = (page, sel) => page.locator(sel).first().textContent();

test('the AlexNet preset shows 55 x 55 x 96 and 34,848 + 96', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await page.waitForSelector('.cp-alex-go');
  await page.click('.cp-alex-go');
  await page.waitForSelector('#alexnet[data-dims="55x55x96"]', { timeout: 30000 });
  assert.equal(await text(page, '.cp-alex-dimsval'), '55 × 55 × 96');
  assert.equal(await text(page, '.cp-alex-paramsval'), '34,848 + 96');
  assert.match(await text(page, '.cp-alex-params'), /11\*11\*3\*96 \+ 96 = 34,848 \+ 96 = 34,944/);
  const formula = await text(page, '.cp-alex-formula');
  assert.ok(formula.includes('(227 - 11 + 2*0)/4 + 1 = 55'), formula);
  assert.equal(await page.locator('.cp-alex-maps canvas').count(), 96);
  // every map is 55 x 55 and drawn
  const sizes = await page.evaluate(() =>
    [...document.querySelectorAll('.cp-alex-maps canvas')].map((c) => `${c.width}x${c.height}`),
  );
  assert.ok(sizes.every((s) => s === '55x55'));
  // the slip: 224 gives 54.25, not a whole number (the module: 54, not exact)
  const slip = await text(page, '.cp-alex-slip');
  assert.ok(slip.includes('(224 - 11 + 2*0)/4 + 1 = 213/4 + 1 = 54.25'), slip);
  assert.ok(slip.includes('54, not exact'), slip);
  assert.ok(slip.includes('(227 - 11 + 2*0)/4 + 1 = 216/4 + 1 = 55'), slip);
  // the page's layer was set to the same numbers: the main view shows 16 of the maps
  await page.waitForFunction(
    () => document.querySelector('#output-volume .dims-out')?.textContent === '55 × 55 × 16',
  );
  assert.equal(await outputDims(page), '55 × 55 × 16');
  assert.match(await settledUrl(page), /alex=1/);
  await page.locator('#alexnet').screenshot({ path: path.join(RESULTS, 'alexnet.png') });
  assert.deepEqual(errors, []);
  // the link reproduces it
  const again = await openPage(browser, (await settledUrl(page)).replace(/^[^#]*/, server.url));
  await again.page.waitForSelector('#alexnet[data-dims="55x55x96"]', { timeout: 30000 });
  await again.page.close();
  await page.close();
});

test('with the AlexNet exercise open, later layer changes still compute (its image is a copy)', async () => {
  const { page, errors } = await openPage(browser, `${server.url}#lstep=alexnet`);
  await page.waitForSelector('#alexnet[data-dims="55x55x96"]', { timeout: 30000 });
  await waitIdle(page, 30000);
  for (const f of [5, 3]) {
    await afterRecompute(page, () => page.evaluate((v) => window.convplay.set('f', v), f));
    assert.deepEqual(await visibleBanners(page), {}, `after F = ${f}`);
  }
  assert.match(await outputDims(page), /^\d+ × \d+ × \d+$/);
  assert.deepEqual(errors, []);
  await page.close();
});

async function quizAnswers(page) {
  const d = await page.evaluate(() => ({ ...document.querySelector('#quiz').dataset }));
  const n = (k) => Number(d[k]);
  const g = cp.conv2dGeometry([1, n('d1'), n('h1'), n('w1')], [n('k'), n('d1'), n('f'), n('f')], {
    strideH: n('s'),
    strideW: n('s'),
    padH: n('p'),
    padW: n('p'),
  });
  return {
    w2: g.output[3],
    h2: g.output[2],
    d2: g.output[1],
    weights: g.weightCount,
    biases: g.biasCount,
  };
}

async function fillQuiz(page, v) {
  for (const [k, val] of Object.entries(v)) await page.fill(`#quiz-${k}`, String(val));
  await page.click('.cp-quiz-check');
}

const marks = (page) =>
  page.evaluate(() =>
    ['w2', 'h2', 'd2', 'params'].map((k) => document.getElementById(`quiz-${k}`).dataset.correct),
  );

test('the quiz marks a right answer right and a wrong one wrong', async () => {
  const { page, errors } = await openPage(browser, server.url);
  for (let round = 0; round < 3; round++) {
    if (round) await page.click('.cp-quiz-new');
    await page.waitForFunction(
      (r) => Number(document.querySelector('#quiz')?.dataset.qid) === r + 1,
      round,
    );
    const a = await quizAnswers(page);
    await fillQuiz(page, { w2: a.w2, h2: a.h2, d2: a.d2, params: a.weights + a.biases });
    assert.deepEqual(
      await marks(page),
      ['true', 'true', 'true', 'true'],
      `round ${round}: ${JSON.stringify(a)}`,
    );
    assert.match(await text(page, '.cp-quiz-verdict'), /4 of 4 right/);
    assert.match(await text(page, '.cp-quiz-mark'), /✓/);
    // "weights + biases" is read too
    await fillQuiz(page, { params: `${a.weights.toLocaleString('en-US')} + ${a.biases}` });
    assert.equal((await marks(page))[3], 'true');
    await fillQuiz(page, { w2: a.w2 + 1, h2: a.h2, d2: a.d2 + 2, params: a.weights });
    assert.deepEqual(await marks(page), ['false', 'true', 'false', 'false']);
    assert.match(await text(page, '.cp-quiz-verdict'), /1 of 4 right/);
    assert.equal(await page.getAttribute('#quiz-w2', 'aria-invalid'), 'true');
    // a wrong field does not give the solution away: the student may retry
    assert.equal(await page.locator('.cp-quiz-explain').isVisible(), false);
    assert.match(await text(page, '.cp-quiz-verdict'), /check again, or press Reveal/);
    await fillQuiz(page, { w2: a.w2, d2: a.d2, params: a.weights + a.biases });
    assert.deepEqual(await marks(page), ['true', 'true', 'true', 'true']);
    // then the explanation shows the formula with the numbers
    assert.equal(await page.locator('.cp-quiz-explain').isVisible(), true);
    const ex = await text(page, '.cp-quiz-explain');
    assert.ok(ex.includes(`D2 = K = ${a.d2}`), ex);
    assert.ok(ex.includes(`= ${(a.weights + a.biases).toLocaleString('en-US')}`), ex);
  }
  await page.click('.cp-quiz-new');
  await page.waitForFunction(() => Number(document.querySelector('#quiz')?.dataset.qid) === 4);
  assert.equal(await page.locator('.cp-quiz-explain').isVisible(), false);
  await page.click('.cp-quiz-reveal');
  assert.match(await text(page, '.cp-quiz-verdict'), /The answer: \d+ × \d+ × \d+/);
  assert.equal(await page.locator('.cp-quiz-explain').isVisible(), true);
  await page.locator('#quiz').screenshot({ path: path.join(RESULTS, 'alexnet-quiz.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the code panel prints the PyTorch and Keras lines of the layer', async () => {
  const { page, errors } = await openPage(browser, server.url, {
    hash: 'grey=1&k=8&f=5&p=2&pad=reflect&s=2',
  });
  await page.waitForSelector('#code-pytorch');
  const torch = await text(page, '#code-pytorch');
  assert.ok(
    torch.includes(
      "conv = torch.nn.Conv2d(in_channels=1, out_channels=8, kernel_size=(5, 5), stride=(2, 2), padding=(2, 2), dilation=(1, 1), padding_mode='reflect', bias=True)",
    ),
    torch,
  );
  const keras = await text(page, '#code-keras');
  assert.ok(keras.includes("tf.pad(x, [[0, 0], [2, 2], [2, 2], [0, 0]], mode='REFLECT')"), keras);
  assert.ok(
    keras.includes(
      "tf.keras.layers.Conv2D(filters=8, kernel_size=(5, 5), strides=(2, 2), padding='valid', dilation_rate=(1, 1), use_bias=True)",
    ),
    keras,
  );
  assert.match(keras, /no padding modes/);
  // a change of the layer changes the code
  await setInput(page, 'k', 6);
  await page.waitForFunction(() =>
    document.querySelector('#code-pytorch').textContent.includes('out_channels=6'),
  );
  // copy
  await page
    .context()
    .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await page.click('#code-panel .cp-copy >> nth=0');
  await page.waitForFunction(
    () => document.querySelector('#code-panel .cp-copied').textContent !== '',
  );
  // bounded: a clipboard read that waits on a permission never answers
  const copied = await page.evaluate(() =>
    Promise.race([
      navigator.clipboard.readText().catch(() => null),
      new Promise((resolve) => {
        setTimeout(() => resolve(null), 5000);
      }),
    ]),
  );
  if (copied !== null) assert.ok(copied.includes('out_channels=6'), copied);
  await page.locator('#code-panel').screenshot({ path: path.join(RESULTS, 'code-panel.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the code panel: defaults, circular, replicate and true convolution', async () => {
  const cases = [
    {
      hash: '',
      torch:
        "torch.nn.Conv2d(in_channels=3, out_channels=4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), dilation=(1, 1), padding_mode='zeros', bias=True)",
      keras: ["padding='same'"],
    },
    {
      hash: 'pad=circular&p=3&f=7&dil=2&k=2',
      torch:
        "torch.nn.Conv2d(in_channels=3, out_channels=2, kernel_size=(7, 7), stride=(1, 1), padding=(3, 3), dilation=(2, 2), padding_mode='circular', bias=True)",
      keras: [
        'def circular_pad(x, p)',
        'circular_pad(x, 3)',
        "padding='valid', dilation_rate=(2, 2)",
      ],
    },
    {
      hash: 'pad=replicate&p=2&mode=conv&fsep=1&fw=5&ssep=1&sw=3',
      torch:
        "kernel_size=(3, 5), stride=(1, 3), padding=(2, 2), dilation=(1, 1), padding_mode='replicate'",
      keras: ["mode='SYMMETRIC'", 'replicate_pad(x, 2)', 'tf.reverse(w, axis=[0, 1])'],
      torchMore: 'torch.flip(w, dims=[2, 3])',
    },
    {
      hash: 'p=2&s=2',
      torch: "padding=(2, 2), dilation=(1, 1), padding_mode='zeros'",
      keras: ['ZeroPadding2D(padding=((2, 2), (2, 2)))'],
    },
  ];
  const { page } = await openPage(browser, server.url);
  for (const c of cases) {
    await page.evaluate((h) => window.convplay.loadHash(h), c.hash);
    await page.waitForFunction(
      (t) => document.querySelector('#code-pytorch')?.textContent.includes(t),
      c.torch,
    );
    const torch = await text(page, '#code-pytorch');
    if (c.torchMore) assert.ok(torch.includes(c.torchMore), torch);
    const keras = await text(page, '#code-keras');
    for (const k of c.keras) assert.ok(keras.includes(k), `${c.hash}: ${k}\n${keras}`);
  }
  await page.close();
});

test('the keyboard reaches the AlexNet, quiz and code controls', async () => {
  const { page } = await openPage(browser, server.url);
  await page.waitForSelector('.cp-alex-go');
  const targets = new Set(['cp-alex-go', 'quiz-w2', 'cp-quiz-check', 'cp-copy']);
  const seen = new Set();
  for (let i = 0; i < 500 && seen.size < targets.size; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(
      () => document.activeElement?.id || document.activeElement?.className || '',
    );
    for (const t of targets) if (id.split(' ').includes(t)) seen.add(t);
  }
  assert.deepEqual([...seen].sort(), [...targets].sort());
  // Enter on the preset button runs it
  await page.focus('.cp-alex-go');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#alexnet[data-dims="55x55x96"]', { timeout: 30000 });
  await page.close();
});

test('the AlexNet exercise at phone width', async () => {
  const { page } = await openPage(browser, server.url, {
    hash: 'size=227&fit=square&f=11&p=0&s=4&k=16&filters=random&alex=1',
    viewport: { width: 390, height: 844 },
  });
  await page.waitForSelector('#alexnet[data-dims="55x55x96"]', { timeout: 30000 });
  for (const id of ['#alexnet', '#code-panel']) {
    const box = await page.evaluate((sel) => {
      const el = document.querySelector(sel);
      return {
        overflow: el.scrollWidth - el.clientWidth,
        right: el.getBoundingClientRect().right,
        vw: document.documentElement.clientWidth,
      };
    }, id);
    assert.ok(
      box.overflow <= 1 && box.right <= box.vw + 1,
      `${id} fits 390 px: ${JSON.stringify(box)}`,
    );
  }
  await page.locator('#alexnet').screenshot({ path: path.join(RESULTS, 'alexnet-phone.png') });
  await page.close();
});

test('the slip beside the exercise survives a worker that stops twice under its job', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  // the slip's first two 'sizes' jobs break the module (as the test hook 'abort' does)
  await page.addInitScript(() => {
    let broken = 0;
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function postMessage(msg, ...rest) {
      if (msg?.type === 'sizes' && broken < 2) {
        broken += 1;
        return post.call(this, { type: 'crash', how: 'abort', id: msg.id });
      }
      return post.call(this, msg, ...rest);
    };
  });
  await page.goto(server.url);
  await page.waitForFunction(
    () => document.querySelector('.cp-alex-slipbody')?.dataset.paper === '54',
    null,
    { timeout: 60000 },
  );
  assert.match(await text(page, '.cp-alex-slip224'), /= 54\.25$/);
  assert.deepEqual(errors, []);
  await page.close();
});
