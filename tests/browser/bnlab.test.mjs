// The batch-norm lab in the real page, headless Chromium.
//
// The lecture's case, worked by hand (README §1), x = [1, 3], gamma = 2,
// beta = 0.5, L = sum w_i y_i with w = dL/dy = [1, -2]:
//
//   eps = 0:
//     mu = (1 + 3)/2 = 2;  var = ((1-2)^2 + (3-2)^2)/2 = 1;  sqrt(var + eps) = 1
//     xhat = [-1, 1];  y = 2*xhat + 0.5 = [-1.5, 2.5];  L = -1.5 - 2*2.5 = -6.5
//     dL/dbeta   = 1 + (-2) = -1
//     dL/dgamma  = 1*(-1) + (-2)*1 = -3
//     dL/dxhat   = dL/dy * gamma = [2, -4]
//     dL/dvar    = (2*(1-2) + (-4)*(3-2)) * (-1/2) * 1^(-3/2) = (-6)(-1/2) = 3
//     dL/dmu     = (2 + (-4)) * (-1/1) + 3 * (1/2) * (-2*(1-2) - 2*(3-2)) = 2 + 0 = 2
//     dL/dx_1    = 2/1 + 3*2*(1-2)/2 + 2/2 = 2 - 3 + 1 = 0
//     dL/dx_2    = -4/1 + 3*2*(3-2)/2 + 2/2 = -4 + 3 + 1 = 0
//   (two points: xhat = -+1 whatever x is, so dL/dx = 0 exactly.)
//
//   eps = 1e-5 (the default): let r = 1/sqrt(1 + 1e-5) = 1 - 5e-6 + 3.75e-11 - ... = 0.9999950000375
//     xhat = [-r, r] -> -0.999995, 0.999995
//     y = [-2r + 0.5, 2r + 0.5] = [-1.499990000075, 2.499990000075] -> -1.49999, 2.49999
//     L = -6r - 0.5 = -6.499970000225 -> -6.49997
//     dL/dbeta = -1;  dL/dgamma = -r - 2r = -3r = -2.9999850001 -> -2.99999
//     dL/dxhat = [2, -4]
//     dL/dvar = (-6)(-1/2) r^3 = 3 r^3 = 3 (1 - 1.5e-5 + 1.875e-10) = 2.9999550006 -> 2.99996
//     dL/dmu = 2r + 3 r^3 * (1/2) * 0 = 1.999990000075 -> 1.99999
//     dL/dx_1 = 2r - 3r^3 + r = 3r (1 - r^2) = 3r * 1e-5/1.00001 = 2.99995500053e-5 -> 2.99996e-5
//     dL/dx_2 = -4r + 3r^3 + r = -dL/dx_1 -> -2.99996e-5
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openPage, RESULTS, settledUrl, openSuite, closeSuite } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

/** A screenshot of the lab's section alone: test-results/<name>.png. */
async function shotLab(page, name) {
  fs.mkdirSync(RESULTS, { recursive: true });
  await page.locator('#bnlab').screenshot({ path: path.join(RESULTS, `${name}.png`) });
}

const STEPS = ['dbeta', 'dgamma', 'dxhat', 'dvar', 'dmu', 'dx'];

/** Opens the page with a lab state in the hash; waits for the lab's first result. */
async function openLab(hash, opts = {}) {
  const { page, errors } = await openPage(browser, server.url, { hash, ...opts });
  await page.waitForSelector('#bnlab[data-state="ok"], #bnlab[data-state="error"]', {
    timeout: 20000,
  });
  return { page, errors };
}

/** Runs fn, then waits until the lab has computed once more. */
async function afterLab(page, fn) {
  const n = await page.evaluate(() =>
    Number(document.getElementById('bnlab').dataset.computed || 0),
  );
  await fn();
  await page.waitForFunction(
    (k) => Number(document.getElementById('bnlab').dataset.computed || 0) > k,
    n,
    { timeout: 20000 },
  );
}

/** {key: {text, value}} of a table's value column. */
async function readForward(page) {
  return page.$$eval('#bn-fwd tbody tr', (rows) =>
    Object.fromEntries(
      rows.map((r) => {
        const td = r.querySelector('.bn-val');
        return [r.dataset.key, { text: td.textContent, value: Number(td.dataset.value) }];
      }),
    ),
  );
}
async function readBackward(page) {
  return page.$$eval('#bn-bwd tbody tr', (rows) =>
    Object.fromEntries(
      rows.map((r) => {
        const an = r.querySelector('.bn-an'),
          fd = r.querySelector('.bn-fd'),
          ag = r.querySelector('.bn-agree');
        return [
          r.dataset.key,
          {
            step: r.dataset.step,
            revealed: r.classList.contains('is-revealed'),
            current: r.classList.contains('is-current'),
            text: an.textContent,
            value: an.dataset.value === undefined ? null : Number(an.dataset.value),
            fdText: fd.firstChild ? fd.firstChild.textContent : '',
            fd: fd.dataset.value === undefined ? null : Number(fd.dataset.value),
            err: Number(fd.dataset.err),
            digits: Number(fd.dataset.digits),
            agree: ag.dataset.agree,
          },
        ];
      }),
    ),
  );
}

/** The FD column agrees with the module's value to the digits it shows. */
function assertFdAgrees(b) {
  for (const [key, r] of Object.entries(b)) {
    assert.equal(r.agree, 'true', `${key}: marked as agreeing`);
    if (r.digits > 0) {
      const unit = 10 ** (Math.floor(Math.log10(Math.abs(r.fd))) - r.digits + 1);
      assert.ok(
        Math.abs(r.value - r.fd) <= unit,
        `${key}: module ${r.value} vs FD ${r.fd} (${r.digits} digits, unit ${unit})`,
      );
      // the text shown is the FD rounded to those digits
      assert.ok(
        Math.abs(Number(r.fdText) - r.fd) <= unit / 2 + 1e-15 * Math.abs(r.fd),
        `${key}: FD text ${r.fdText} vs ${r.fd}`,
      );
    } else {
      assert.ok(
        Math.abs(r.value) <= r.err * 1.01 + 1e-12,
        `${key}: both ~0 (${r.value}, ± ${r.err})`,
      );
    }
  }
}

/** Errors of the page, less the one a dev server causes: the loader aborts a streaming compile for its fallback. */
function realErrors(errors) {
  return errors.filter((e) => !/^requestfailed: .*\.wasm.* net::ERR_ABORTED/.test(e));
}

async function assertNoNaN(page) {
  const text = await page.locator('#bnlab').innerText();
  assert.doesNotMatch(text, /NaN|undefined|Infinity/, 'no NaN / undefined / Infinity on screen');
}

test('lecture m = 2, eps = 0: every number equals the hand-worked example; FD agrees', async () => {
  const { page, errors } = await openLab(
    'bnx=1,3&bngamma=2&bnbeta=0.5&bneps=0&bnloss=lin&bnw=1,-2',
  );
  const f = await readForward(page);
  const expectF = {
    mu: 2,
    var: 1,
    xhat0: -1,
    xhat1: 1,
    y0: -1.5,
    y1: 2.5,
    L: -6.5,
    dy0: 1,
    dy1: -2,
  };
  for (const [k, v] of Object.entries(expectF)) {
    assert.ok(Math.abs(f[k].value - v) <= 1e-14, `${k} = ${f[k].value}, expected ${v}`);
    assert.equal(f[k].text, String(v), `${k} shown as ${v}`);
  }
  const b = await readBackward(page);
  const expectB = { dbeta: -1, dgamma: -3, dxhat0: 2, dxhat1: -4, dvar: 3, dmu: 2, dx0: 0, dx1: 0 };
  for (const [k, v] of Object.entries(expectB)) {
    assert.ok(Math.abs(b[k].value - v) <= 1e-14, `${k} = ${b[k].value}, expected ${v}`);
    assert.equal(b[k].text, String(v), `${k} shown as ${v}`);
  }
  assertFdAgrees(b);
  // the substituted formulas carry the numbers
  const sub = await page.$eval('#bn-bwd tr[data-key="dvar"] .bn-sub', (e) => e.textContent);
  assert.equal(sub, '∂L/∂var = [2·(1 − 2) + (-4)·(3 − 2)]·(−1/2)·(1 + 0)^(−3/2)');
  // the m = 2 insight is on screen, and the graph shows the numbers on its nodes
  assert.match(await page.locator('[data-note="m2"]').innerText(), /∂L\/∂x ≈ 0 for any ∂L\/∂y/);
  assert.match(
    await page.locator('.bn-graph [data-node="var"]').textContent(),
    /var = 1∂L\/∂var = 3FD 3 ✓/,
  );
  await assertNoNaN(page);
  await shotLab(page, 'bnlab-lecture-eps0');
  assert.deepEqual(realErrors(errors), []);
  await page.close();
});

test('lecture m = 2 with the default eps = 1e-5: the hand-worked digits', async () => {
  const { page, errors } = await openLab(''); // the defaults are the lecture's case
  const f = await readForward(page);
  const b = await readBackward(page);
  const shown = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.text]));
  assert.deepEqual(shown(f), {
    mu: '2',
    var: '1',
    xhat0: '-0.999995',
    xhat1: '0.999995',
    y0: '-1.49999',
    y1: '2.49999',
    L: '-6.49997',
    dy0: '1',
    dy1: '-2',
  });
  assert.deepEqual(shown(b), {
    dbeta: '-1',
    dgamma: '-2.99999',
    dxhat0: '2',
    dxhat1: '-4',
    dvar: '2.99996',
    dmu: '1.99999',
    dx0: '2.99996e-5',
    dx1: '-2.99996e-5',
  });
  const r = 1 / Math.sqrt(1 + 1e-5);
  const dx1 = 3 * r * (1e-5 / (1 + 1e-5)); // 3r(1 - r^2), without the cancellation
  assert.ok(
    Math.abs(b.dx0.value - dx1) / dx1 < 1e-9,
    `dL/dx1 = 3r(1 - r^2) = ${dx1}: ${b.dx0.value}`,
  );
  assert.ok(Math.abs(b.dvar.value - 3 * r ** 3) < 1e-14);
  assertFdAgrees(b);
  for (const k of ['dbeta', 'dgamma', 'dxhat0', 'dxhat1', 'dvar', 'dmu'])
    assert.equal(b[k].digits, 6, `${k}: FD to all 6 digits`);
  assert.ok(
    b.dx0.digits >= 3,
    `dL/dx1 ~ 3e-5 next to L ~ 6.5: FD still resolves ${b.dx0.digits} digits`,
  );
  await shotLab(page, 'bnlab-lecture');
  assert.deepEqual(realErrors(errors), []);
  await page.close();
});

test('step through backward reveals the six gradients in the lecture order, by buttons and keys', async () => {
  const { page, errors } = await openLab(
    'bnx=0.5,-1,2,3.5,0&bngamma=1.5&bnbeta=-0.25&bnloss=tgt&bnt=1,0,-1,2,0.5',
  );
  const m = 5;
  await page.check('#bn-stepmode');
  await page.waitForFunction(() => document.getElementById('bnlab').dataset.step === '0');
  let b = await readBackward(page);
  assert.ok(
    Object.values(b).every((r) => !r.revealed && r.text === '?'),
    'step 0: nothing revealed',
  );
  assert.equal(await page.locator('.bn-edge.is-active').count(), 0);
  const edgesPerStep = { dbeta: m, dgamma: m, dxhat: m, dvar: m, dmu: m + 1, dx: 3 * m };
  for (let k = 1; k <= STEPS.length; k++) {
    if (k % 2) await page.click('#bn-next');
    else {
      await page.focus('#bn-next');
      await page.keyboard.press('ArrowRight');
    }
    await page.waitForFunction(
      (s) => document.getElementById('bnlab').dataset.step === String(s),
      k,
    );
    const key = STEPS[k - 1];
    assert.equal(await page.$eval('#bnlab', (e) => e.dataset.current), key);
    b = await readBackward(page);
    const revealedSteps = [
      ...new Set(
        Object.values(b)
          .filter((r) => r.revealed)
          .map((r) => r.step),
      ),
    ];
    assert.deepEqual(revealedSteps, STEPS.slice(0, k), `step ${k}: revealed in order`);
    assert.ok(
      Object.values(b)
        .filter((r) => r.current)
        .every((r) => r.step === key),
    );
    // the edges this gradient sums over are highlighted, and only those
    assert.equal(
      await page.locator('.bn-edge.is-active').count(),
      edgesPerStep[key],
      `${key}: highlighted edges`,
    );
    assert.match(await page.locator('#bn-step-status').innerText(), new RegExp(`Step ${k} of 6`));
    if (key === 'dvar') {
      const to = await page.$$eval('.bn-edge.is-active', (es) =>
        es.map((e) => `${e.dataset.from}>${e.dataset.to}`),
      );
      assert.deepEqual(to.sort(), Array.from({ length: m }, (_, i) => `var>xhat${i}`).sort());
      await shotLab(page, 'bnlab-step-var');
    }
  }
  assertFdAgrees(b);
  assert.equal(await page.isDisabled('#bn-next'), true, 'Next disabled after the last step');
  await page.click('#bn-prev');
  await page.waitForFunction(() => document.getElementById('bnlab').dataset.step === '5');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.getElementById('bnlab').dataset.step === '0');
  await page.click('#bn-next');
  await page.click('#bn-reset');
  await page.waitForFunction(() => document.getElementById('bnlab').dataset.step === '0');
  assert.match(await settledUrl(page), /bnmode=step/, 'the mode is in the URL');
  assert.deepEqual(realErrors(errors), []);
  await page.close();
});

test('m = 1: variance 0, xhat 0, dL/dx = 0, explained; no NaN', async () => {
  const { page, errors } = await openLab('bnx=2&bnw=1&bnt=0');
  assert.equal(await page.$eval('#bnlab', (e) => e.dataset.state), 'ok');
  const f = await readForward(page);
  assert.equal(f.var.text, '0');
  assert.equal(f.xhat0.text, '0');
  assert.equal(f.y0.text, '0.5');
  const b = await readBackward(page);
  assert.equal(b.dx0.text, '0');
  assertFdAgrees(b);
  assert.match(await page.locator('[data-note="m1"]').innerText(), /m = 1.*var = 0.*∂L\/∂x₁ = 0/s);
  await assertNoNaN(page);
  await shotLab(page, 'bnlab-m1');
  assert.deepEqual(realErrors(errors), []);
  await page.close();
});

test('eps = 0 with equal inputs: the core refuses, its message is shown, no NaN', async () => {
  const { page, errors } = await openLab('bnx=2,2&bneps=0');
  assert.equal(await page.$eval('#bnlab', (e) => e.dataset.state), 'error');
  const msg = await page.locator('#bnlab .bn-error').innerText();
  assert.match(msg, /The module refused/);
  assert.match(msg, /var \+ eps = 0 \+ 0 = 0, but it must be > 0/);
  assert.match(await page.locator('[data-note="eps0"]').innerText(), /0\/0.*ε > 0/s);
  await assertNoNaN(page);
  await shotLab(page, 'bnlab-eps0-equal');
  // one more character of eps and it computes again
  await afterLab(page, () => page.fill('#bn-eps', '1e-5'));
  assert.equal(await page.$eval('#bnlab', (e) => e.dataset.state), 'ok');
  assert.equal(await page.locator('#bnlab .bn-error').count(), 0);
  assert.match(await page.locator('[data-note="equal"]').innerText(), /var = 0/);
  await assertNoNaN(page);
  assert.deepEqual(realErrors(errors), []);
  await page.close();
});

test('a huge mean: still accurate, explained; editing the batch recomputes and goes to the URL', async () => {
  const { page, errors } = await openLab('');
  await afterLab(page, () => page.click('button[data-preset="huge"]'));
  assert.match(await page.locator('[data-note="hugemean"]').innerText(), /two-pass variance/);
  const f = await readForward(page);
  // x = 1e6 + [0.1, 0.2, 0.4]: var = ((-1/30)... ) computed from the deviations [-2/15, -1/30, 1/6]
  const dev = [0.1 - 0.7 / 3, 0.2 - 0.7 / 3, 0.4 - 0.7 / 3];
  const v = dev.reduce((a, d) => a + d * d, 0) / 3;
  assert.ok(Math.abs(f.var.value - v) / v < 1e-8, `var ${f.var.value} vs ${v}`);
  assertFdAgrees(await readBackward(page));
  await assertNoNaN(page);
  await shotLab(page, 'bnlab-huge-mean');

  await afterLab(page, () => page.fill('#bn-x', '1, 2, 4, 8'));
  assert.equal(await page.locator('#bn-fwd tr[data-key^="xhat"]').count(), 4);
  assert.match(await settledUrl(page), /bnx=1,2,4,8/);
  assert.equal(
    await page.inputValue('#bn-w'),
    '1, -2, 1, 0',
    'the upstream gradient list follows m',
  );
  await afterLab(page, () => page.selectOption('#bn-loss', 'tgt'));
  assert.equal(await page.isHidden('#bn-w'), true);
  assert.equal(await page.isVisible('#bn-t'), true);
  assertFdAgrees(await readBackward(page));
  // a bad entry is flagged and changes nothing
  await page.fill('#bn-x', '1, two');
  assert.match(await page.locator('#bn-x-err').innerText(), /not a number/);
  assert.match(await settledUrl(page), /bnx=1,2,4,8/);
  assert.deepEqual(realErrors(errors), []);
  await page.close();
});

test('dark colour scheme and a narrow window: the lab stays readable', async () => {
  const { page, errors } = await openLab('bnmode=step&bnstep=5', {
    colorScheme: 'dark',
    viewport: { width: 900, height: 900 },
  });
  assert.equal(await page.$eval('#bnlab', (e) => e.dataset.current), 'dmu');
  await shotLab(page, 'bnlab-dark-narrow');
  assert.deepEqual(realErrors(errors), []);
  await page.close();
});

test('editing the lab never recomputes the convolution layer (its rows are display-only)', async () => {
  const { page, errors } = await openLab('');
  await page.waitForFunction(() => window.convplay.idle, null, { timeout: 15000 });
  const runs = await page.evaluate(() => document.querySelector('.cp-playground').dataset.runs);
  for (const patch of [
    { bngamma: 3 },
    { bnx: [1, 3, 7] },
    { bnloss: 'sq' },
    { bnmode: 'step', bnstep: 2 },
    { bnstep: 3 },
  ]) {
    // a change that started a computation of the layer would make the page busy at once
    // (recompute() counts it synchronously); the lab itself recomputes its data changes
    const isData = !('bnmode' in patch) && !('bnstep' in patch);
    const change = () =>
      page.evaluate((p) => {
        window.convplay.update(p);
        return document.querySelector('.cp-playground').dataset.idle === 'true';
      }, patch);
    let idleAfter;
    if (isData)
      await afterLab(page, async () => {
        idleAfter = await change();
      });
    else idleAfter = await change();
    assert.equal(idleAfter, true, `${JSON.stringify(patch)} started a computation of the layer`);
  }
  await page.waitForSelector('#bnlab[data-state="ok"]', { timeout: 20000 });
  assert.equal(
    await page.evaluate(() => document.querySelector('.cp-playground').dataset.runs),
    runs,
    'html[data-runs] after editing the lab',
  );
  assert.deepEqual(realErrors(errors), []);
  await page.close();
});

test('at a phone width (390 px) the lab fits: its tables and graph scroll in their own boxes', async () => {
  for (const hash of ['', 'bnmode=step&bnstep=4&bnx=1.25,-3.5,1000,7,2,0.001,8,9&bnloss=tgt']) {
    const { page, errors } = await openLab(hash, { viewport: { width: 390, height: 844 } });
    await page.locator('#bnlab').scrollIntoViewIfNeeded();
    const r = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      lab:
        document.getElementById('bnlab').getBoundingClientRect().right -
        document.documentElement.clientWidth,
    }));
    assert.ok(r.page <= 1, `${hash}: the page is ${r.page} px wider than the phone`);
    assert.ok(r.lab <= 1, `${hash}: the lab sticks out ${r.lab} px`);
    if (!hash) await shotLab(page, 'bnlab-phone');
    assert.deepEqual(realErrors(errors), []);
    await page.close();
  }
});
