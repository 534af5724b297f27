// The gradients panel (web/src/page/panels/gradients.js): the backward pass of the
// page's layer on the real image.
//  - one chosen output pixel lights up exactly its receptive field in dL/dX
//    (the set is derived here from the geometry, i*S - P + a*D, routed through
//    the module's padSourceIndex for non-zero padding), in the page's arrays
//    and in the saliency canvas's pixels; the values equal the module's
//    conv2dBackward (run here in Node on the page's image and weights);
//  - dL/dW and dL/db shown equal the module's conv2dBackward64;
//  - a few gradient steps lower the loss shown;
//  - with the batch-norm layer, mean / variance shown equal the maps' own, and
//    dL/dgamma, dL/dbeta, dL/dW agree with central finite differences done here;
//  - the batch-norm steps open lecture mode;
//  - screenshots of each part in test-results/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildWeights } from '../../web/src/common/filters.js';
import path from 'node:path';
import { openSuite, closeSuite, openPage, shot, ROOT, settledHash } from './helpers.mjs';

let server, browser, cp;
before(async () => ({ server, browser, cp } = await openSuite({ module: true })));
after(() => closeSuite({ server, browser }));

async function openGrad(hash, viewport) {
  const { page, errors } = await openPage(browser, server.url, { hash, viewport });
  await page.waitForSelector('#gradients[data-state="ok"]', { timeout: 20000 });
  return { page, errors };
}

/** The target weights of a 'target' loss, built from the layer's state as the worker builds them. */
function withTarget(r) {
  r.target = r.targetPreset
    ? buildWeights({ ...r.layerState, filters: [r.targetPreset], bias: [] }).weights
    : null;
  return r;
}

/** The page's image, weights, params and the gradients it shows (from app.panel('gradients')). */
async function readPage(page) {
  return withTarget(
    await page.evaluate(() => {
      const app = window.convplay;
      const grad = app.panel('gradients');
      const g = grad.last,
        req = grad.result,
        greq = grad.job;
      const cv = document.querySelector('#gradients .g-saliency');
      const px = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
      const lit = [];
      for (let i = 0; i < px.length / 4; i++) if (px[4 * i] !== px[4 * i + 2]) lit.push(i);
      return {
        x: {
          shape: req === app.result ? app.result.input.shape : null,
          data: Array.from(app.result.input.data),
        },
        w: { shape: req.weights.shape, data: Array.from(req.weights.data) },
        bias: Array.from(req.bias),
        params: req.params,
        targetPreset: greq.target,
        layerState: req.state,
        bn: greq.bn,
        dx: Array.from(g.dx),
        dw: Array.from(g.dw),
        db: Array.from(g.db),
        loss: g.loss,
        pixel: g.pixel,
        outShape: g.outShape,
        lit,
        canvas: [cv.width, cv.height],
        shownLoss: Number(document.querySelector('#gradients .g-loss-value').dataset.value),
        shownDw: [...document.querySelectorAll('#gradients .g-dwgrid .wcell')].map((c) =>
          Number(c.dataset.value),
        ),
        shownDb: [...document.querySelectorAll('#gradients .g-db')].map((c) =>
          Number(c.dataset.value),
        ),
      };
    }),
  );
}

const f32 = (t) => ({ shape: t.shape, data: Float32Array.from(t.data) });
const f64 = (t) => ({ shape: t.shape, data: Float64Array.from(t.data) });

function maxRelDiff(a, b) {
  const scale = Math.max(1e-12, ...b.map(Math.abs));
  let worst = 0,
    at = -1;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i] - b[i]) / scale;
    if (d > worst) {
      worst = d;
      at = i;
    }
  }
  return { worst, at };
}

// ---- receptive field --------------------------------------------------------------

const RF_BASE = 'img=checker&size=24&fit=square&gon=1&gl=pixel&filters=box&k=2';
const RF_CASES = [
  { name: 'zero_p1', hash: 'p=1&at=1.5.7', f: 3, s: 1, p: 1, d: 1, pad: 'zero' },
  { name: 'stride_2', hash: 'p=0&s=2&at=0.3.4', f: 3, s: 2, p: 0, d: 1, pad: 'zero' },
  { name: 'dil_2_corner_zero', hash: 'p=2&dil=2&at=0.0.0', f: 3, s: 1, p: 2, d: 2, pad: 'zero' },
  {
    name: 'replicate_f5_edge',
    hash: 'f=5&p=2&pad=replicate&at=0.0.23',
    f: 5,
    s: 1,
    p: 2,
    d: 1,
    pad: 'replicate',
  },
  {
    name: 'reflect_p2_dil2',
    hash: 'p=2&dil=2&pad=reflect&at=1.0.1',
    f: 3,
    s: 1,
    p: 2,
    d: 2,
    pad: 'reflect',
  },
  {
    name: 'circular_s2_corner',
    hash: 'p=1&s=2&pad=circular&at=0.0.0',
    f: 3,
    s: 2,
    p: 1,
    d: 1,
    pad: 'circular',
  },
  {
    name: 'conv_mode_stride3',
    hash: 'p=1&s=3&mode=conv&at=1.2.2',
    f: 3,
    s: 3,
    p: 1,
    d: 1,
    pad: 'zero',
  },
];

/** The input pixels output pixel (i, j) reads: (i*S - P + a*D, j*S - P + b*D), routed by the padding. */
function expectedField(c, n, i, j) {
  const src = (q) => {
    if (c.pad === 'zero') return q >= 0 && q < n ? q : -1;
    return cp.padSourceIndex(q, n, c.pad);
  };
  const set = new Set();
  for (let a = 0; a < c.f; a++) {
    for (let b = 0; b < c.f; b++) {
      const u = src(i * c.s - c.p + a * c.d),
        v = src(j * c.s - c.p + b * c.d);
      if (u >= 0 && v >= 0) set.add(u * n + v);
    }
  }
  return [...set].sort((p, q) => p - q);
}

for (const c of RF_CASES) {
  test(`one output pixel lights up exactly its receptive field: ${c.name}`, async () => {
    const { page, errors } = await openGrad(`${RF_BASE}&${c.hash}`);
    const r = await readPage(page);
    const [, d1, h1, w1] = r.x.shape;
    assert.equal(h1, 24);
    assert.equal(w1, 24);
    const want = expectedField(c, 24, r.pixel.y, r.pixel.x);
    assert.ok(
      r.pixel.k === Number(c.hash.match(/at=(\d+)/)[1]),
      'the pinned pixel is the chosen one',
    );
    // the page's dL/dX: non-zero exactly on the field (every channel)
    const nonzero = [];
    for (let i = 0; i < h1 * w1; i++) {
      let m = 0;
      for (let ch = 0; ch < d1; ch++) m = Math.max(m, Math.abs(r.dx[ch * h1 * w1 + i]));
      if (m > 0) nonzero.push(i);
    }
    assert.deepEqual(
      nonzero,
      want,
      `${c.name}: dL/dX non-zero pixels vs the geometry's receptive field`,
    );
    // the saliency picture: the same pixels are lit
    assert.deepEqual(r.canvas, [24, 24]);
    assert.deepEqual(r.lit, want, `${c.name}: lit pixels of the saliency canvas`);
    // the values: the module's conv2dBackward on the same image and weights
    const [, K, H2, W2] = r.outShape;
    const dy = new Float32Array(K * H2 * W2);
    dy[r.pixel.k * H2 * W2 + r.pixel.y * W2 + r.pixel.x] = 1;
    const back = cp.conv2dBackward(
      { shape: [1, K, H2, W2], data: dy },
      f32(r.x),
      f32(r.w),
      r.params,
    );
    const { worst, at } = maxRelDiff(r.dx, Array.from(back.dx.data));
    assert.ok(worst < 1e-6, `${c.name}: dL/dX differs from the module's by ${worst} at ${at}`);
    assert.deepEqual(errors, []);
    if (c.name === 'reflect_p2_dil2') {
      await (
        await page.$('#gradients .g-dx')
      ).screenshot({ path: path.join(ROOT, 'test-results/gradients-dx-reflect.png') });
    }
    await page.close();
  });
}

test('changing the stride moves and spreads the lit field (pixel (2, 2), S = 1 then S = 2)', async () => {
  const { page } = await openGrad(`${RF_BASE}&p=1&at=0.2.2`);
  const a = await readPage(page);
  await page.evaluate(() => window.convplay.set('s', 2));
  await page.waitForFunction(
    () =>
      window.convplay.panel('gradients').last &&
      window.convplay.panel('gradients').result === window.convplay.result &&
      window.convplay.state.s === 2 &&
      window.convplay.result.params.strideH === 2 && // the new layer's result, not the old one's
      document.querySelector('#gradients').dataset.state === 'ok',
  );
  const b = await readPage(page);
  assert.deepEqual(a.lit, expectedField({ f: 3, s: 1, p: 1, d: 1, pad: 'zero' }, 24, 2, 2));
  assert.deepEqual(b.lit, expectedField({ f: 3, s: 2, p: 1, d: 1, pad: 'zero' }, 24, 2, 2));
  assert.notDeepEqual(a.lit, b.lit);
  await page.close();
});

// ---- dL/dW ------------------------------------------------------------------------

for (const c of [
  {
    name: 'sq_stride2',
    hash: 'img=circle&size=32&fit=square&gon=1&gl=sq&k=3&filters=sobelx,gauss,random&p=1&s=2&bias=0.1,-0.2,0.3',
  },
  {
    name: 'target_reflect_dil2',
    hash: 'img=circle&size=28&fit=square&gon=1&gl=target&gt=sobely&k=2&filters=box,random&p=2&dil=2&pad=reflect',
  },
  {
    name: 'sum_conv_grey',
    hash: 'img=checker&size=20&fit=square&grey=1&gon=1&gl=sum&k=2&filters=sharpen,laplace&f=5&p=2&mode=conv',
  },
]) {
  test(`dL/dW and dL/db shown equal the module's conv2dBackward64: ${c.name}`, async () => {
    const { page, errors } = await openGrad(c.hash);
    const r = await readPage(page);
    const y = cp.conv2dForward64(f64(r.x), f64(r.w), Float64Array.from(r.bias), r.params);
    let dy,
      loss = 0;
    const kind = new URLSearchParams(c.hash).get('gl');
    if (kind === 'sq') {
      dy = y.data;
      for (const v of y.data) loss += 0.5 * v * v;
    } else if (kind === 'sum') {
      dy = new Float64Array(y.data.length).fill(1);
      for (const v of y.data) loss += v;
    } else {
      const t = cp.conv2dForward64(f64(r.x), f64(r.target), null, r.params).data;
      dy = y.data.map((v, i) => v - t[i]);
      for (const d of dy) loss += 0.5 * d * d;
    }
    const back = cp.conv2dBackward64({ shape: y.shape, data: dy }, f64(r.x), f64(r.w), r.params);
    const want = Array.from(back.dw.data);
    const dw = maxRelDiff(r.dw, want);
    assert.ok(dw.worst < 2e-5, `${c.name}: dL/dW (page arrays) differs by ${dw.worst} at ${dw.at}`);
    assert.equal(r.shownDw.length, want.length, 'one shown cell per weight');
    const shown = maxRelDiff(r.shownDw, want);
    assert.ok(
      shown.worst < 2e-5,
      `${c.name}: dL/dW (shown cells) differs by ${shown.worst} at ${shown.at}`,
    );
    const db = maxRelDiff(r.shownDb, Array.from(back.db));
    assert.ok(db.worst < 2e-5, `${c.name}: dL/db differs by ${db.worst}`);
    assert.ok(
      Math.abs(r.shownLoss - loss) <= 1e-5 * Math.max(1, Math.abs(loss)),
      `${c.name}: loss ${r.shownLoss} vs ${loss}`,
    );
    assert.deepEqual(errors, []);
    if (c.name === 'sq_stride2')
      await (
        await page.$('#gradients .g-dw')
      ).screenshot({ path: path.join(ROOT, 'test-results/gradients-dw.png') });
    await page.close();
  });
}

// ---- gradient steps ---------------------------------------------------------------

test('a few gradient steps lower the loss shown, and the learned weights go into the link', async () => {
  const { page, errors } = await openGrad(
    'img=chelsea&size=48&gon=1&gl=target&gt=sobelx&k=2&filters=box,random',
  );
  const losses = [
    await page.evaluate(() => Number(document.querySelector('#gradients').dataset.loss)),
  ];
  for (let i = 1; i <= 4; i++) {
    if (i === 2) {
      await page.focus('#g-step');
      await page.keyboard.press('Enter');
    } // keyboard too
    else await page.click('#g-step');
    await page.waitForFunction(
      (n) => document.querySelector('#gradients').dataset.steps === String(n),
      i,
      { timeout: 15000 },
    );
    losses.push(
      await page.evaluate(() => Number(document.querySelector('#gradients').dataset.loss)),
    );
  }
  for (let i = 1; i < losses.length; i++)
    assert.ok(
      losses[i] < losses[i - 1],
      `step ${i}: loss ${losses[i]} not below ${losses[i - 1]} (${losses.join(', ')})`,
    );
  const hist = await page.$$eval('#gradients .g-history li', (li) =>
    li.map((e) => Number(e.dataset.value)),
  );
  assert.deepEqual(hist, losses, 'the history lists the loss after each step');
  const hash = await settledHash(page);
  assert.match(hash, /filters=custom,custom/);
  assert.match(hash, /w0=/);
  // "5 steps" keeps going down
  await page.click('#g-step5');
  await page.waitForFunction(
    () => document.querySelector('#gradients').dataset.steps === '9',
    null,
    { timeout: 30000 },
  );
  const after5 = await page.evaluate(() =>
    Number(document.querySelector('#gradients').dataset.loss),
  );
  assert.ok(after5 < losses.at(-1));
  await (
    await page.$('#gradients')
  ).screenshot({ path: path.join(ROOT, 'test-results/gradients-steps.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

// ---- batch norm -------------------------------------------------------------------

/** The layer + batch norm + loss, in double, by hand (no module code path but the conv). */
function bnLoss(x, w, bias, params, gamma, beta, eps, target) {
  const y = cp.conv2dForward64(x, w, Float64Array.from(bias), params);
  const [, K, H2, W2] = y.shape;
  const m = H2 * W2;
  let L = 0;
  for (let k = 0; k < K; k++) {
    let mu = 0;
    for (let i = 0; i < m; i++) mu += y.data[k * m + i];
    mu /= m;
    let v = 0;
    for (let i = 0; i < m; i++) v += (y.data[k * m + i] - mu) ** 2;
    v /= m;
    for (let i = 0; i < m; i++) {
      const o = (gamma[k] * (y.data[k * m + i] - mu)) / Math.sqrt(v + eps) + beta[k];
      L += 0.5 * (o - target[k * m + i]) ** 2;
    }
  }
  return L;
}

test('batch norm after the convolution: mean / variance shown, and its gradients agree with finite differences', async () => {
  const { page, errors } = await openGrad(
    'img=circle&size=20&fit=square&gon=1&gbn=1&gl=target&gt=sobely&k=2&filters=sobelx,random&ggam=1.5,0.7&gbet=0.2,-0.1&bias=0.3,0',
  );
  await page.waitForSelector('#gradients .g-bn-table tbody tr');
  const r = await readPage(page);
  const shown = await page.evaluate(() =>
    [...document.querySelectorAll('#gradients .g-bn-table tbody tr')].map((tr) => ({
      mean: Number(tr.querySelector('.g-mean').dataset.value),
      var: Number(tr.querySelector('.g-var').dataset.value),
      dgamma: Number(tr.querySelector('.g-dgamma').dataset.value),
      dbeta: Number(tr.querySelector('.g-dbeta').dataset.value),
      gamma: Number(tr.querySelector('.g-gamma').value),
      beta: Number(tr.querySelector('.g-beta').value),
    })),
  );
  assert.equal(shown.length, 2);
  assert.deepEqual(
    shown.map((s) => s.gamma),
    [1.5, 0.7],
  );
  assert.deepEqual(
    shown.map((s) => s.beta),
    [0.2, -0.1],
  );
  const x = f64(r.x),
    w = f64(r.w);
  const y = cp.conv2dForward64(x, w, Float64Array.from(r.bias), r.params);
  const [, K, H2, W2] = y.shape;
  const m = H2 * W2;
  for (let k = 0; k < K; k++) {
    const vals = Array.from(y.data.subarray(k * m, (k + 1) * m));
    const mu = vals.reduce((a, b) => a + b, 0) / m;
    const v = vals.reduce((a, b) => a + (b - mu) ** 2, 0) / m;
    assert.ok(
      Math.abs(shown[k].mean - mu) < 1e-5 * Math.max(1, Math.abs(mu)),
      `map ${k + 1}: mean ${shown[k].mean} vs ${mu}`,
    );
    assert.ok(
      Math.abs(shown[k].var - v) < 1e-4 * Math.max(1e-3, v),
      `map ${k + 1}: variance ${shown[k].var} vs ${v}`,
    );
  }
  const t = cp.conv2dForward64(x, f64(r.target), null, r.params).data;
  const gamma = [1.5, 0.7],
    beta = [0.2, -0.1],
    eps = r.bn.eps;
  const L = (gm, bt, ww = w) => bnLoss(x, ww, r.bias, r.params, gm, bt, eps, t);
  assert.ok(
    Math.abs(r.shownLoss - L(gamma, beta)) < 1e-4 * Math.max(1, r.shownLoss),
    'the loss through batch norm',
  );
  const h = 1e-5;
  const near = (a, b, what) =>
    assert.ok(
      Math.abs(a - b) <= 1e-3 * Math.max(1e-3, Math.abs(b)),
      `${what}: shown ${a}, finite difference ${b}`,
    );
  for (const k of [0, 1]) {
    const gp = gamma.slice(),
      gm = gamma.slice();
    gp[k] += h;
    gm[k] -= h;
    near(shown[k].dgamma, (L(gp, beta) - L(gm, beta)) / (2 * h), `dL/dgamma[${k}]`);
    const bp = beta.slice(),
      bm = beta.slice();
    bp[k] += h;
    bm[k] -= h;
    near(shown[k].dbeta, (L(gamma, bp) - L(gamma, bm)) / (2 * h), `dL/dbeta[${k}]`);
  }
  // dL/dW through batch norm: the largest entry of each filter, by central differences
  // (float32 on the page: agreement to 1e-3 of the largest gradient)
  const scale = Math.max(...r.dw.map(Math.abs));
  const per = r.w.data.length / K;
  for (let k = 0; k < K; k++) {
    let j = k * per;
    for (let i = k * per; i < (k + 1) * per; i++) if (Math.abs(r.dw[i]) > Math.abs(r.dw[j])) j = i;
    const wp = f64(r.w),
      wm = f64(r.w);
    wp.data[j] += h;
    wm.data[j] -= h;
    const fd = (L(gamma, beta, wp) - L(gamma, beta, wm)) / (2 * h);
    assert.ok(
      Math.abs(r.dw[j] - fd) <= 1e-3 * scale,
      `dL/dW[${j}]: shown ${r.dw[j]}, finite difference ${fd} (largest |dL/dW| ${scale})`,
    );
  }
  // dL/db is zero with batch norm
  for (const v of r.shownDb)
    assert.ok(Math.abs(v) < 1e-3, `dL/db = ${v} should be ~0 with batch norm`);
  await (
    await page.$('#gradients .g-bn')
  ).screenshot({ path: path.join(ROOT, 'test-results/gradients-bn.png') });
  // editing gamma recomputes
  await page.fill('#gradients tr[data-k="0"] .g-gamma', '2');
  await page.press('#gradients tr[data-k="0"] .g-gamma', 'Enter');
  await page.waitForFunction(
    () =>
      window.convplay.state.ggam[0] === 2 &&
      window.convplay.panel('gradients').job.bn.gamma[0] === 2 &&
      document.querySelector('#gradients').dataset.state === 'ok',
  );
  assert.deepEqual(errors, []);
  await page.close();
});

// ---- lecture, layout --------------------------------------------------------------

test('the batch-norm steps open lecture mode and show the lab', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await page.waitForSelector('#lecture .cp-lec-list a[data-step]', {
    timeout: 15000,
    state: 'attached',
  });
  await page.waitForFunction(
    () => document.querySelector('#lecture .cp-lec-list a[data-step]').dataset.step === 'bn-graph',
    null,
    { timeout: 15000 },
  );
  const ids = await page.$$eval('#lecture .cp-lec-list a[data-step]', (a) =>
    a.slice(0, 4).map((e) => e.dataset.step),
  );
  assert.deepEqual(ids.slice(0, 3), ['bn-graph', 'bn-backward', 'bn-m2']);
  await page.click('#lecture .cp-lec-start');
  await page.waitForFunction(() => document.querySelector('#lecture').dataset.step === 'bn-graph');
  await page.click('[data-part="lecture-dock"] .cp-lec-next');
  await page.waitForFunction(
    () => window.convplay.state.lstep === 'bn-backward' && window.convplay.state.bnmode === 'step',
  );
  assert.equal(await page.isVisible('#bnlab'), true);
  // the step's "See …" link (in the step's bar) names the lab, and following it keeps the step (the hash is the state)
  const look = page.locator('[data-part="lecture-dock"] .cp-lec-look');
  assert.equal(await look.textContent(), 'See the batch-norm lab');
  await look.click();
  await page.waitForFunction(() => document.activeElement?.id === 'bnlab', null, {
    timeout: 15000,
  });
  assert.equal(await page.evaluate(() => window.convplay.state.lstep), 'bn-backward');
  await shot(page, 'gradients-lecture-step', { fullPage: false });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the panel at phone width: no horizontal overflow of the page', async () => {
  const { page, errors } = await openGrad('size=64&gon=1&gl=pixel&at=0.20.30&gbn=1', {
    width: 390,
    height: 900,
  });
  await page.waitForSelector('#gradients .g-bn-table tbody tr');
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
  await (
    await page.$('#gradients')
  ).screenshot({ path: path.join(ROOT, 'test-results/gradients-phone.png') });
  assert.deepEqual(errors, []);
  await page.close();
});
