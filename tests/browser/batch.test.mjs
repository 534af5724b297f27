// A small batch (state row 'batch', "Batch: N images" in the gradients panel):
// the page's image and other samples resized by the module to its size,
// stacked into one [N, C, H, W] tensor in the worker.
//  - with batch = 3 and the batch-norm layer on, the mean / variance shown
//    are the batch's (computed here over all 3 images' outputs with the
//    module's conv2dForward64) and differ from image 1's alone; the loss and
//    dL/dgamma, dL/dbeta (central finite differences here) are the batch's;
//    the hooks (app.panel('gradients').last) carry the batch shape;
//  - the batch images are the module's resizeImage of the decoded samples at
//    image 1's exact H x W (grey when the page is grey);
//  - the control is a labelled <select>, usable from the keyboard; back to
//    N = 1 the statistics are image 1's own again (unchanged behaviour);
//  - a screenshot of the panel with batch = 3 and batch norm on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildWeights } from '../../web/src/common/filters.js';
import fs from 'node:fs';
import path from 'node:path';
import { openSuite, closeSuite, openPage, ROOT, settledHash } from './helpers.mjs';

let server, browser, cp;
before(async () => ({ server, browser, cp } = await openSuite({ module: true })));
after(() => closeSuite({ server, browser }));

const f64 = (t) => ({ shape: t.shape, data: Float64Array.from(t.data) });

/** Waits for the gradients of a batch of n, computed for the page's current result. */
function waitGrad(page, n) {
  return page.waitForFunction(
    (k) => {
      const app = window.convplay;
      const g = app.panel('gradients')?.last;
      return (
        g &&
        g.outShape[0] === k &&
        app.panel('gradients').result === app.result &&
        app.result.batch?.n === k &&
        document.querySelector('#gradients').dataset.state === 'ok' &&
        document.querySelector('#gradients .g-bn').dataset.n === String(k)
      );
    },
    n,
    { timeout: 30000 },
  );
}

/** The target weights of a 'target' loss, built from the layer's state as the worker builds them. */
function withTarget(r) {
  r.target = r.targetPreset
    ? buildWeights({ ...r.layerState, filters: [r.targetPreset], bias: [] }).weights
    : null;
  return r;
}

async function readPage(page) {
  return withTarget(
    await page.evaluate(() => {
      const app = window.convplay;
      const grad = app.panel('gradients');
      const g = grad.last,
        req = grad.result,
        greq = grad.job;
      const b = app.result.batch;
      return {
        batch: b.input ? { shape: b.input.shape, data: Array.from(b.input.data) } : null,
        names: b.names,
        n: b.n,
        x0: { shape: app.result.input.shape, data: Array.from(app.result.input.data) },
        w: { shape: req.weights.shape, data: Array.from(req.weights.data) },
        bias: Array.from(req.bias),
        params: req.params,
        targetPreset: greq.target,
        layerState: req.state,
        bn: greq.bn,
        outShape: g.outShape,
        dxShape: g.dxShape,
        loss: g.loss,
        mean: Array.from(g.mean ?? []),
        var: Array.from(g.var ?? []),
        shown: [...document.querySelectorAll('#gradients .g-bn-table tbody tr')].map((tr) => ({
          mean: Number(tr.querySelector('.g-mean').dataset.value),
          var: Number(tr.querySelector('.g-var').dataset.value),
          dgamma: Number(tr.querySelector('.g-dgamma').dataset.value),
          dbeta: Number(tr.querySelector('.g-dbeta').dataset.value),
        })),
        shownLoss: Number(document.querySelector('#gradients .g-loss-value').dataset.value),
        bnText: document.querySelector('#gradients .g-bn-formulas').textContent,
        bnHint: document.querySelector('#gradients .g-bn-hint').textContent,
        inDims: document.querySelector('#input-volume .dims').textContent,
        outDims: document.querySelector('#output-volume .dims').textContent,
        thumbs: document.querySelectorAll('#input-volume .batch-thumb').length,
        stripHidden: document.querySelector('#input-volume .batch-strip').hidden,
      };
    }),
  );
}

/** Per-channel mean and (biased) variance of y [N, K, H, W] over N*H*W, in double. */
function stats(y) {
  const [N, K, H, W] = y.shape;
  const plane = H * W,
    m = N * plane;
  const mean = [],
    vr = [];
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let n = 0; n < N; n++)
      for (let i = 0; i < plane; i++) s += y.data[(n * K + k) * plane + i];
    const mu = s / m;
    let v = 0;
    for (let n = 0; n < N; n++)
      for (let i = 0; i < plane; i++) v += (y.data[(n * K + k) * plane + i] - mu) ** 2;
    mean.push(mu);
    vr.push(v / m);
  }
  return { mean, var: vr };
}

/** conv + batch norm over the batch + 1/2 |o - t|^2, in double, by hand. */
function bnLoss(x, w, bias, params, gamma, beta, eps, t) {
  const y = cp.conv2dForward64(x, w, Float64Array.from(bias), params);
  const [N, K, H, W] = y.shape;
  const plane = H * W;
  const st = stats(y);
  let L = 0;
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < plane; i++) {
        const j = (n * K + k) * plane + i;
        const o = (gamma[k] * (y.data[j] - st.mean[k])) / Math.sqrt(st.var[k] + eps) + beta[k];
        L += 0.5 * (o - t[j]) ** 2;
      }
    }
  }
  return L;
}

const HASH =
  'img=circle&size=20&fit=square&gon=1&gbn=1&gl=target&gt=sobely&k=2&filters=sobelx,random&ggam=1.5,0.7&gbet=0.2,-0.1&bias=0.3,0';

test("batch = 3 with batch norm: the statistics, loss and dL/dgamma, dL/dbeta are the batch's", async () => {
  const { page, errors } = await openPage(browser, server.url, { hash: `${HASH}&batch=3` });
  await waitGrad(page, 3);
  const r = await readPage(page);
  assert.equal(r.n, 3);
  assert.deepEqual(
    r.names,
    ['chelsea', 'coffee'],
    'images 2 and 3: the first sample photos other than image 1',
  );
  assert.deepEqual(r.batch.shape, [3, 3, 20, 20]);
  const [, K, H2, W2] = r.outShape;
  assert.deepEqual(r.outShape, [3, 2, H2, W2], 'the hooks carry the batch shape');
  assert.deepEqual(r.dxShape, [3, 3, 20, 20]);
  // image 1 of the batch is the page's image
  assert.deepEqual(r.batch.data.slice(0, 3 * 400), r.x0.data);
  // the statistics shown: over all 3 images' outputs
  const x = f64(r.batch),
    w = f64(r.w);
  const y = cp.conv2dForward64(x, w, Float64Array.from(r.bias), r.params);
  const want = stats(y);
  const alone = stats(cp.conv2dForward64(f64(r.x0), w, Float64Array.from(r.bias), r.params));
  for (let k = 0; k < K; k++) {
    const mu = want.mean[k],
      v = want.var[k];
    assert.ok(
      Math.abs(r.shown[k].mean - mu) < 1e-5 * Math.max(1, Math.abs(mu)),
      `map ${k + 1}: mean ${r.shown[k].mean} vs the batch's ${mu}`,
    );
    assert.ok(
      Math.abs(r.shown[k].var - v) < 1e-4 * Math.max(1e-3, v),
      `map ${k + 1}: variance ${r.shown[k].var} vs the batch's ${v}`,
    );
    assert.ok(
      Math.abs(r.mean[k] - mu) < 1e-5 * Math.max(1, Math.abs(mu)),
      "the hook's mean is the batch's",
    );
    // ... and not image 1's alone
    const differs =
      Math.abs(r.shown[k].mean - alone.mean[k]) > 1e-3 * Math.max(1, Math.abs(alone.mean[k])) ||
      Math.abs(r.shown[k].var - alone.var[k]) > 1e-3 * Math.max(1e-3, alone.var[k]);
    assert.ok(
      differs,
      `map ${k + 1}: the batch's statistics (${r.shown[k].mean}, ${r.shown[k].var}) should differ from image 1's (${alone.mean[k]}, ${alone.var[k]})`,
    );
  }
  // the loss over the whole batch, and the gradients of gamma and beta by central differences
  const t = cp.conv2dForward64(x, f64(r.target), null, r.params).data;
  const gamma = [1.5, 0.7],
    beta = [0.2, -0.1],
    eps = r.bn.eps;
  const L = (gm, bt) => bnLoss(x, w, r.bias, r.params, gm, bt, eps, t);
  assert.ok(
    Math.abs(r.shownLoss - L(gamma, beta)) < 1e-4 * Math.max(1, r.shownLoss),
    `the loss ${r.shownLoss} vs the batch's ${L(gamma, beta)}`,
  );
  const h = 1e-5;
  const near = (a, b, what) =>
    assert.ok(
      Math.abs(a - b) <= 1e-3 * Math.max(1e-3, Math.abs(b)),
      `${what}: shown ${a}, finite difference ${b}`,
    );
  for (let k = 0; k < K; k++) {
    const gp = gamma.slice(),
      gm = gamma.slice();
    gp[k] += h;
    gm[k] -= h;
    near(r.shown[k].dgamma, (L(gp, beta) - L(gm, beta)) / (2 * h), `dL/dgamma[${k}]`);
    const bp = beta.slice(),
      bm = beta.slice();
    bp[k] += h;
    bm[k] -= h;
    near(r.shown[k].dbeta, (L(gamma, bp) - L(gamma, bm)) / (2 * h), `dL/dbeta[${k}]`);
  }
  // the text says so
  assert.match(r.bnText, new RegExp(`m = N · H2 · W2 = 3 · ${H2} · ${W2} = ${3 * H2 * W2}`));
  assert.match(r.bnHint, /N = 3/);
  assert.match(r.inDims, /batch N = 3: showing image 1 of 3/);
  assert.match(r.outDims, /batch N = 3: showing image 1 of 3/);
  assert.equal(r.thumbs, 3);
  assert.equal(r.stripHidden, false);
  await (
    await page.$('#gradients')
  ).screenshot({ path: path.join(ROOT, 'test-results/batch-gradients-bn.png') });
  await (
    await page.$('#input-volume')
  ).screenshot({ path: path.join(ROOT, 'test-results/batch-input.png') });

  // the control, from the keyboard: 3 -> 2 (ArrowUp on a focused <select> picks the previous option)
  const label = await page.locator('label[for="g-batch"]').textContent();
  assert.equal(label, 'Batch: N images');
  await page.focus('#g-batch');
  await page.keyboard.press('ArrowUp');
  await waitGrad(page, 2);
  assert.equal(await page.evaluate(() => window.convplay.state.batch), 2);
  assert.match(await settledHash(page), /batch=2/);

  // back to N = 1: image 1's own statistics, m = H2 · W2, no batch strip (unchanged behaviour)
  await page.selectOption('#g-batch', '1');
  await waitGrad(page, 1);
  const one = await readPage(page);
  assert.equal(one.batch, null);
  assert.deepEqual(one.outShape, [1, 2, H2, W2]);
  for (let k = 0; k < K; k++) {
    assert.ok(
      Math.abs(one.shown[k].mean - alone.mean[k]) < 1e-5 * Math.max(1, Math.abs(alone.mean[k])),
      `N = 1, map ${k + 1}: mean is image 1's`,
    );
    assert.ok(
      Math.abs(one.shown[k].var - alone.var[k]) < 1e-4 * Math.max(1e-3, alone.var[k]),
      `N = 1, map ${k + 1}: variance is image 1's`,
    );
  }
  assert.match(one.bnText, new RegExp(`m = H2 · W2 = ${H2} · ${W2} = ${H2 * W2} values per map`));
  assert.equal(one.stripHidden, true);
  assert.doesNotMatch(one.inDims, /batch/);
  assert.doesNotMatch(await settledHash(page), /batch=/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the batch images are the module's resize of the samples to image 1's exact size (colour and grey)", async () => {
  const dir = path.join(ROOT, 'web/src/page/samples');
  const decoded = (file) =>
    cp.decodeImage(new Uint8Array(fs.readFileSync(path.join(dir, file))), { maxSide: 512 }).image;
  // chelsea keeps its aspect ratio: H != W; batch 4 -> coffee, astronaut, then a synthetic sample
  const { page, errors } = await openPage(browser, server.url, {
    hash: 'img=chelsea&size=40&batch=4&k=2',
  });
  await page.waitForFunction(() => window.convplay.result?.batch?.n === 4, null, {
    timeout: 30000,
  });
  const r = await page.evaluate(() => {
    const b = window.convplay.result.batch;
    return {
      names: b.names,
      shape: b.input.shape,
      data: Array.from(b.input.data),
      x0: window.convplay.result.input.shape,
      out: window.convplay.result.output.shape,
      outB: b.outputShape,
    };
  });
  assert.deepEqual(r.names, ['coffee', 'astronaut', 'stripes']);
  const [, C, H, W] = r.x0;
  assert.notEqual(H, W);
  assert.deepEqual(r.shape, [4, C, H, W]);
  assert.deepEqual(r.out, [1, 2, r.outB[2], r.outB[3]], "the panels get image 1's maps");
  assert.equal(r.outB[0], 4, 'the forward pass ran on the batch');
  const per = C * H * W;
  const coffee = cp.resizeImage(decoded('coffee.png'), H, W).data;
  let worst = 0;
  for (let i = 0; i < per; i++) worst = Math.max(worst, Math.abs(r.data[per + i] - coffee[i]));
  assert.ok(worst < 1e-6, `image 2 differs from resizeImage(coffee) by ${worst}`);
  // grey: every batch image has one channel (the luminance of the same resize)
  await page.evaluate(() => window.convplay.set('grey', true));
  await page.waitForFunction(() => window.convplay.result?.batch?.input?.shape[1] === 1, null, {
    timeout: 30000,
  });
  const g = await page.evaluate(() => ({
    shape: window.convplay.result.batch.input.shape,
    data: Array.from(window.convplay.result.batch.input.data),
  }));
  assert.deepEqual(g.shape, [4, 1, H, W]);
  const plane = H * W;
  worst = 0;
  for (let i = 0; i < plane; i++) {
    const lum = 0.299 * coffee[i] + 0.587 * coffee[plane + i] + 0.114 * coffee[2 * plane + i];
    worst = Math.max(worst, Math.abs(g.data[plane + i] - lum));
  }
  assert.ok(worst < 1e-5, `grey image 2 differs from the luminance of the resize by ${worst}`);
  assert.deepEqual(errors, []);
  await page.close();
});
