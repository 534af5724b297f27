// Gradients on the real image: the backward pass of the page's layer.
//
// The learner picks what to differentiate (L = sum of the outputs, 1/2 |o|^2,
// one output pixel — the pinned one —, or 1/2 |o - t|^2 with t the output of a
// preset filter) and sees:
//   - the loss and the formula of dL/do;
//   - dL/dX per input channel and as a saliency picture over the greyed image
//     (with one pixel chosen, exactly its receptive field lights up);
//   - dL/dW beside every filter (F1 x F2 x D1), dL/db;
//   - a "take a gradient step" button: W <- W - lr dL/dW, b <- b - lr dL/db
//     (and gamma, beta with batch norm); the new weights become the filters'
//     custom weights (state w<k>, bias), so the URL still describes the page;
//   - an optional batch-norm layer after the convolution (per feature map over
//     its N*H2*W2 values: N = 1 for the page's image alone, or a small batch,
//     state row 'batch', "Batch: N images": the page's image and other
//     samples resized to it): its output maps, mean and variance, editable
//     gamma / beta, dL/dgamma, dL/dbeta, and the dL/dy it sends back into the
//     convolution. With N > 1 the loss is over the whole batch's output, and
//     the pictures (dL/dX, the maps) show image 1.
// Everything is computed in the worker (the 'gradients' job,
// worker/jobs/gradients.js) on the layer it already holds (result.key), by the
// module's conv2dBackward and batchnormForward / batchnormBackward.
//
// State rows (common/state.js, kind 'grad': they never re-run the forward
// pass): gon (compute), gl (loss), gt (target preset), glr (learning rate;
// 0 = the safe step 1/T), gbn (batch norm on), ggam / gbet (gamma / beta per
// map; missing = 1 / 0).
// The panel's api (instance.panel('gradients')): {last, result, job, history, compute(), step(n)}.
import { drawDiverging, makeLegend, fmt, rangeOf } from '../render.js';
import { presetOf, MAX_BATCH, batchImages, GRAD_TARGETS, changeKind } from '../../common/state.js';
import { PRESET_LABELS } from '../../common/filters.js';
import { parsePin } from '../services/pixel.js';
import { el } from '../dom.js';
import { createGrid, updateGrid } from '../grid.js';

const CHANNEL_NAMES = ['R', 'G', 'B'];
const TARGETS = GRAD_TARGETS;
const LOSSES = {
  sum: 'L = Σ o (the sum of all outputs)',
  sq: 'L = ½ ‖o‖² (half the sum of squares)',
  pixel: 'L = o[k](i, j) (one output pixel: the pinned one)',
  target: 'L = ½ ‖o − t‖² (distance to a target)',
};
const LR_MIN = -9,
  LR_MAX = 1; // the slider is log10(lr)

const BN_EPS = 1e-5;

/** Float32 round-off of a sum of m terms of total magnitude abs (the recursive-summation bound). */
export function roundOffBound(m, abs) {
  return (m + 1) * 2 ** -24 * abs;
}

/** The state's gamma / beta of map k. */
const gammaOf = (k, s) => s.ggam[k] ?? 1;
const betaOf = (k, s) => s.gbet[k] ?? 0;

export function mount(ctx) {
  const app = ctx;
  const id = ctx.id;
  const root = ctx.slot('gradients');
  root.classList.add('cp-grad');
  root.setAttribute('aria-labelledby', id('grad-h'));
  root.dataset.state = 'off';
  ctx.addNav('gradients', 'Gradients');
  const focused = () => ctx.root.getRootNode().activeElement;

  // ---- controls ---------------------------------------------------------------------
  const on = el('input', { type: 'checkbox', id: id('g-on'), 'data-part': 'g-on' });
  const loss = el(
    'select',
    { id: id('g-loss'), 'data-part': 'g-loss' },
    ...Object.entries(LOSSES).map(([v, t]) => el('option', { value: v, text: t })),
  );
  const target = el(
    'select',
    { id: id('g-target'), 'data-part': 'g-target' },
    ...TARGETS.map((v) => el('option', { value: v, text: PRESET_LABELS[v] })),
  );
  const targetRow = el(
    'div',
    { class: 'row g-target-row' },
    el('label', {
      for: id('g-target'),
      text: "target t = the layer's output with every filter set to",
    }),
    target,
  );
  const pixelNote = el('p', { class: 'hint g-pixel-note', 'aria-live': 'polite' });
  const bn = el('input', { type: 'checkbox', id: id('g-bn'), 'data-part': 'g-bn' });
  const batch = el(
    'select',
    { id: id('g-batch'), 'data-part': 'g-batch', 'aria-describedby': id('g-batch-note') },
    ...Array.from({ length: MAX_BATCH }, (_, i) =>
      el('option', { value: String(i + 1), text: i ? `${i + 1} images` : '1 image (this one)' }),
    ),
  );
  const batchNote = el('p', {
    class: 'hint g-batch-note',
    id: id('g-batch-note'),
    'data-part': 'g-batch-note',
  });
  const lr = el('input', {
    type: 'range',
    id: id('g-lr'),
    'data-part': 'g-lr',
    min: LR_MIN,
    max: LR_MAX,
    step: '0.1',
  });
  const lrOut = el('output', { id: id('g-lr-out'), 'data-part': 'g-lr-out', for: id('g-lr') });
  const safeBtn = el(
    'button',
    { type: 'button', id: id('g-safe'), 'data-part': 'g-safe' },
    'use the safe step 1/T',
  );
  const stepBtn = el(
    'button',
    { type: 'button', id: id('g-step'), 'data-part': 'g-step', class: 'primary' },
    'Take a gradient step',
  );
  const step5Btn = el(
    'button',
    { type: 'button', id: id('g-step5'), 'data-part': 'g-step5' },
    '5 steps',
  );
  const historyList = el('ol', { class: 'g-history', 'aria-label': 'the loss after each step' });
  const status = el('p', { class: 'g-status', role: 'status', 'aria-live': 'polite' });

  const lossValue = el('b', { class: 'g-loss-value', text: '–' });
  const formulas = el('div', { class: 'g-formulas' });
  const bodyEl = el('div', { class: 'g-body' });

  root.replaceChildren(
    el('h2', {
      id: id('grad-h'),
      'data-part': 'grad-h',
      text: 'Gradients: the backward pass on the image',
    }),
    el('p', {
      class: 'hint',
      text: "Back-propagation through the layer above: choose a loss L of its output o, and see how L changes with every input pixel (dL/dX) and every weight (dL/dW, dL/db). Computed by the module's conv2dBackward (and batchnormBackward).",
    }),
    el(
      'div',
      { class: 'row' },
      on,
      el('label', { for: id('g-on'), text: 'Compute the gradients (backward pass)' }),
    ),
    el(
      'div',
      { class: 'row' },
      el('label', { for: id('g-loss'), text: 'What to differentiate' }),
      loss,
    ),
    targetRow,
    pixelNote,
    el(
      'div',
      { class: 'row' },
      bn,
      el('label', { for: id('g-bn'), text: 'Batch-norm layer after the convolution (o = BN(y))' }),
    ),
    el(
      'div',
      { class: 'row g-batch-row' },
      el('label', { for: id('g-batch'), text: 'Batch: N images' }),
      batch,
    ),
    batchNote,
    el('p', { class: 'g-loss-line' }, 'L = ', lossValue),
    formulas,
    el(
      'fieldset',
      { class: 'g-stepper' },
      el('legend', { text: 'Gradient descent' }),
      el(
        'div',
        { class: 'row' },
        el('label', { for: id('g-lr') }, 'learning rate lr ', lrOut),
        lr,
        safeBtn,
      ),
      el('div', { class: 'row' }, stepBtn, step5Btn),
      el('p', {
        class: 'hint g-step-hint',
        text: 'A step applies W ← W − lr · dL/dW and b ← b − lr · dL/db (and γ, β with batch norm). The filters become "custom" with the new weights, so the link keeps them (to 6 decimals).',
      }),
      historyList,
    ),
    status,
    bodyEl,
  );

  // ---- the result views -------------------------------------------------------------
  const salCanvas = el('canvas', { class: 'g-saliency', role: 'img' });
  const salCaption = el('figcaption', { class: 'g-sal-caption' });
  const dxMaps = el('div', { class: 'maps g-dx-maps' });
  const zoomCanvas = el('canvas', { class: 'g-zoom', role: 'img' });
  const zoomCaption = el('figcaption', { class: 'g-sal-caption' });
  const zoomFig = el('figure', { class: 'g-sal-fig g-zoom-fig' }, zoomCanvas, zoomCaption);
  const dxTitle = el('h3', {
    id: id('g-dx-h'),
    'data-part': 'g-dx-h',
    text: 'dL/dX: which input pixels the loss depends on',
  });
  const dxSection = el(
    'section',
    { class: 'g-sec g-dx', 'aria-labelledby': id('g-dx-h') },
    dxTitle,
    el(
      'div',
      { class: 'g-dx-row' },
      el(
        'div',
        { class: 'g-sal-col' },
        el('figure', { class: 'g-sal-fig' }, salCanvas, salCaption),
        zoomFig,
      ),
      dxMaps,
    ),
  );

  const wLegend = makeLegend();
  const dwLegend = makeLegend();
  const filterList = el('div', { class: 'g-filters' });
  const dwSection = el(
    'section',
    { class: 'g-sec g-dw', 'aria-labelledby': id('g-dw-h') },
    el('h3', {
      id: id('g-dw-h'),
      'data-part': 'g-dw-h',
      text: 'dL/dW and dL/db beside every filter',
    }),
    el(
      'div',
      { class: 'g-legends' },
      el('div', {}, el('span', { class: 'g-legend-title', text: 'weights W' }), wLegend),
      el('div', {}, el('span', { class: 'g-legend-title', text: 'gradients dL/dW' }), dwLegend),
    ),
    filterList,
  );

  const bnTable = el('table', { class: 'g-bn-table' });
  const bnOutMaps = el('div', { class: 'maps g-bn-out' });
  const bnDyMaps = el('div', { class: 'maps g-bn-dy' });
  const bnFormulas = el('div', { class: 'g-formulas g-bn-formulas' });
  const bnHint = el('p', { class: 'hint g-bn-hint' });
  const bnOutTitle = el('h4', { text: 'Its output maps o = γ · x̂ + β' });
  const bnDyTitle = el('h4', {
    text: "dL/dy flowing back into the convolution (batch norm's dL/dx)",
  });
  const bnSection = el(
    'section',
    { class: 'g-sec g-bn', 'aria-labelledby': id('g-bn-h') },
    el('h3', {
      id: id('g-bn-h'),
      'data-part': 'g-bn-h',
      text: 'The batch-norm layer after the convolution',
    }),
    bnHint,
    bnFormulas,
    el('div', { class: 'g-table-wrap' }, bnTable),
    bnOutTitle,
    bnOutMaps,
    bnDyTitle,
    bnDyMaps,
  );
  bodyEl.append(dxSection, dwSection, bnSection);

  // ---- state -> controls --------------------------------------------------------------
  let last = null; // the last gradient result
  let lastResult = null; // the layer result it was computed for
  let lastKey = null; // its key
  let lastJob = null; // the job sent to the worker (loss, pixel, target, bn)
  let seq = 0;
  let pendingSteps = 0; // steps taken whose result has not arrived yet
  let history = []; // losses: before the first step, then after each step
  const waiters = [];

  const currentLr = () => {
    const s = app.state;
    if (s.glr > 0) return s.glr;
    return last?.safeLr ?? 0;
  };

  function syncControls() {
    const s = app.state;
    on.checked = s.gon;
    loss.value = s.gl;
    target.value = s.gt;
    bn.checked = s.gbn;
    batch.value = String(s.batch);
    const others = batchImages(s);
    batchNote.textContent =
      s.batch > 1
        ? `The batch: image 1 = the page's image, then ${others.join(', ')} (each resized to image 1's size). The loss is over all ${s.batch} images' outputs; with batch norm, μ and σ² are over the whole batch. The pictures show image 1.`
        : "Only the page's image (N = 1). Choose 2 to 4 to add other samples (resized to it): batch norm then averages over the batch too.";
    targetRow.hidden = s.gl !== 'target';
    const l = currentLr();
    if (focused() !== lr)
      lr.value = String(l > 0 ? Math.max(LR_MIN, Math.min(LR_MAX, Math.log10(l))) : LR_MIN);
    lrOut.textContent = `${l > 0 ? fmt(l, 2) : '–'}${s.glr > 0 ? '' : ' (the safe step 1/T)'}`;
    lr.setAttribute('aria-valuetext', l > 0 ? `${fmt(l, 2)}` : 'not yet known');
    safeBtn.disabled = s.glr === 0;
    const ready = Boolean(s.gon && last && ctx.result && lastKey === ctx.result.key);
    stepBtn.disabled = !ready;
    step5Btn.disabled = !ready;
    lr.disabled = !s.gon;
    bodyEl.hidden = !s.gon || !last;
    bnSection.hidden = !s.gbn;
    root.classList.toggle('g-off', !s.gon);
  }

  on.addEventListener('change', () => app.set('gon', on.checked));
  loss.addEventListener('change', () => app.set('gl', loss.value));
  target.addEventListener('change', () => app.set('gt', target.value));
  bn.addEventListener('change', () => app.set('gbn', bn.checked));
  batch.addEventListener('change', () => app.set('batch', Number(batch.value)));
  lr.addEventListener('input', () => {
    app.set('glr', Number((10 ** Number(lr.value)).toPrecision(2)));
  });
  safeBtn.addEventListener('click', () => app.set('glr', 0));
  stepBtn.addEventListener('click', () => {
    step(1);
  });
  step5Btn.addEventListener('click', () => {
    step(5);
  });

  // ---- computing ---------------------------------------------------------------------
  function pixelOf(s, r) {
    const pin = parsePin(s.at);
    const [, K, H2, W2] = r.output.shape;
    if (pin && pin.k < K && pin.y < H2 && pin.x < W2) return { ...pin, pinned: true };
    return { k: 0, y: Math.floor(H2 / 2), x: Math.floor(W2 / 2), pinned: false };
  }

  async function compute() {
    const s = app.state;
    const r = ctx.result;
    syncControls();
    if (!s.gon) {
      // off: nothing shows the last gradients, and the next tick computes them afresh
      // (kept, they would hold a layer's planes and their gradients for the session)
      seq += 1;
      last = lastResult = lastKey = lastJob = null;
      history = [];
      pendingSteps = 0;
      while (waiters.length) waiters.shift()(null); // a step under way ends
      root.dataset.state = 'off';
      status.textContent = 'Tick "Compute the gradients" to run the backward pass.';
      return null;
    }
    if (!r || r.error || !r.output) {
      root.dataset.state = 'error';
      status.textContent = 'The layer cannot be computed, so neither can its gradients.';
      return null;
    }
    const K = r.weights.shape[0];
    const pixel = pixelOf(s, r);
    const greq = {
      layerKey: r.key,
      loss: s.gl,
      pixel,
      target: s.gl === 'target' ? s.gt : null,
      bn: s.gbn
        ? {
            gamma: Array.from({ length: K }, (_, k) => gammaOf(k, s)),
            beta: Array.from({ length: K }, (_, k) => betaOf(k, s)),
            eps: BN_EPS,
          }
        : null,
    };
    const my = ++seq;
    root.dataset.state = 'computing';
    let g;
    try {
      g = await app.engine.gradients(greq);
    } catch (e) {
      if (my !== seq || e.name === 'StaleLayer') return null;
      root.dataset.state = 'error';
      status.textContent = `The backward pass failed: ${e.message}`;
      return null;
    }
    if (!g || my !== seq) return null; // a newer computation was started
    g.pixel = pixel;
    g.loss_kind = s.gl;
    g.bnOn = Boolean(greq.bn);
    g.gamma = greq.bn?.gamma ?? null;
    g.beta = greq.bn?.beta ?? null;
    const scale = greq.bn ? Math.max(...g.gamma.map((v, k) => Math.abs(v) * g.rstd[k])) : 1;
    g.safeLr = 1 / (g.T * Math.max(1e-12, scale * scale));
    last = g;
    lastResult = r;
    lastKey = r.key;
    lastJob = greq;
    if (pendingSteps > 0) {
      pendingSteps -= 1;
      history.push(g.loss);
    } else history = [g.loss];
    draw(g, r);
    root.dataset.state = 'ok';
    root.dataset.loss = String(g.loss);
    root.dataset.count = String(Number(root.dataset.count || 0) + 1);
    root.dataset.steps = String(history.length - 1);
    while (waiters.length) waiters.shift()(g);
    return g;
  }

  function nextResult() {
    return new Promise((resolve) => waiters.push(resolve));
  }

  /** n gradient steps, each on the freshly computed gradients; resolves the last result. */
  async function step(n = 1) {
    for (let i = 0; i < n; i++) {
      const g = last,
        req = lastResult;
      const s = app.state;
      if (!s.gon || !g || !ctx.result || lastKey !== ctx.result.key) return null;
      const lrv = currentLr();
      if (!(lrv > 0)) return null;
      const [K, d1, fh, fw] = req.weights.shape;
      const per = d1 * fh * fw;
      const list = Array.from({ length: Math.max(s.k, s.filters.length) }, (_, k) =>
        presetOf(k, s),
      );
      const patch = {};
      for (let k = 0; k < K; k++) {
        list[k] = 'custom';
        const w = new Array(per);
        for (let j = 0; j < per; j++)
          w[j] = req.weights.data[k * per + j] - lrv * g.dw[k * per + j];
        patch[`w${k}`] = w;
      }
      patch.filters = list;
      patch.bias = Array.from({ length: K }, (_, k) => req.bias[k] - lrv * g.db[k]);
      if (g.bnOn) {
        patch.ggam = g.gamma.map((v, k) => v - lrv * g.dgamma[k]);
        patch.gbet = g.beta.map((v, k) => v - lrv * g.dbeta[k]);
      }
      pendingSteps += 1;
      const next = nextResult();
      const changed = app.update(patch);
      if (!changed.size) {
        pendingSteps -= 1;
        return g;
      } // nothing moved (a zero gradient)
      await next;
    }
    return last;
  }

  // ---- drawing ------------------------------------------------------------------------
  function drawFormulas(g, s) {
    const kind = g.loss_kind;
    const o = g.bnOn ? 'o = BN(y)' : 'o = y';
    const p = g.pixel;
    const lines = [];
    const N = g.outShape[0];
    const sub = N > 1 ? 'n,k,i,j' : 'k,i,j';
    const dL = {
      sum: [`L = Σ_{${sub}} o[k](i, j)`, 'dL/do[k](i, j) = 1 for every output'],
      sq: [`L = ½ Σ_{${sub}} o[k](i, j)²`, 'dL/do[k](i, j) = o[k](i, j)'],
      pixel: [
        `L = o[${p.k + 1}](${p.y}, ${p.x})${N > 1 ? ' of image 1' : ''}`,
        `dL/do = 1 at map ${p.k + 1}, row ${p.y}, column ${p.x}${N > 1 ? ' of image 1' : ''}; 0 everywhere else`,
      ],
      target: [
        `L = ½ Σ_{${sub}} (o[k](i, j) − t[k](i, j))²,  t = X ∗ ${PRESET_LABELS[s.gt]}`,
        'dL/do[k](i, j) = o[k](i, j) − t[k](i, j)',
      ],
    }[kind];
    lines.push(`${o}:  ${dL[0]}`, dL[1]);
    if (N > 1)
      lines.push(
        `n runs over the batch's N = ${N} images (each image's output maps o[k] are summed); dL/dW and dL/db add up every image's contributions.`,
      );
    if (g.bnOn)
      lines.push("dL/dy = batch norm's backward dL/dx (below), then through the convolution:");
    const flip = s.mode === 'conv';
    const wIdx = flip ? 'W(k, c, F1−1−a, F2−1−b)' : 'W(k, c, a, b)';
    lines.push(
      `y[k](i, j) = b_k + Σ_{c,a,b} Xpad(c, i·S + a·D, j·S + b·D) · ${wIdx}${flip ? '   (true convolution: the kernel flipped)' : ''}`,
      `dL/d${wIdx} = Σ_{${N > 1 ? 'n,' : ''}i,j} dL/dy[k](i, j) · Xpad(c, i·S + a·D, j·S + b·D)`,
      `dL/db_k = Σ_{${N > 1 ? 'n,' : ''}i,j} dL/dy[k](i, j)`,
      `dL/dX(c, u, v) = Σ dL/dy[k](i, j) · ${wIdx}  over every (k, i, j, a, b) whose padded pixel (i·S + a·D, j·S + b·D) reads X(c, u, v): u = i·S − P + a·D inside the image${s.pad === 'zero' ? ' (taps on the zero padding send nothing back)' : `, or the ${s.pad} padding's source pixel (its gradient is routed back there)`}`,
    );
    formulas.replaceChildren(...lines.map((t) => el('p', { class: 'cp-formula', text: t })));
    const notes = [];
    if (g.bnOn && kind === 'sum')
      notes.push(
        'With batch norm, Σ o = Σ (γ x̂ + β) = m β per map whatever W is (Σ x̂ = 0): dL/dy and dL/dW are zero.',
      );
    if (g.bnOn && kind === 'pixel')
      notes.push(
        `With batch norm, one output pixel depends on every pixel of its map (through μ and σ²)${N > 1 ? ', in every image of the batch' : ''}: dL/dy is no longer one spike, so the whole image lights up.`,
      );
    if (g.bnOn)
      notes.push(
        'dL/db is zero with batch norm: adding b to a whole map moves its mean by b and x̂ not at all.',
      );
    for (const t of notes) formulas.append(el('p', { class: 'hint g-note', text: t }));
  }

  function drawSaliency(g, r) {
    const [, d1, h1, w1] = r.input.shape;
    if (salCanvas.width !== w1) salCanvas.width = w1;
    if (salCanvas.height !== h1) salCanvas.height = h1;
    const ctx = salCanvas.getContext('2d');
    const img = ctx.createImageData(w1, h1);
    const px = img.data;
    const hw = h1 * w1;
    const m = rangeOf(g.saliency).max;
    const lit = [230, 85, 13];
    let count = 0;
    for (let i = 0; i < hw; i++) {
      let lum = 0;
      for (let c = 0; c < d1; c++) lum += r.input.data[c * hw + i];
      const grey = 70 + 110 * (lum / d1); // the greyed image: low contrast
      const v = g.saliency[i];
      const a = m > 0 ? Math.sqrt(v / m) : 0; // tint ~ sqrt(|dL/dX| / max): small ones stay visible
      if (m > 0 && v > 1e-7 * m) count++;
      px[4 * i] = grey * (1 - a) + lit[0] * a;
      px[4 * i + 1] = grey * (1 - a) + lit[1] * a;
      px[4 * i + 2] = grey * (1 - a) + lit[2] * a;
      px[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    drawZoom(g, r, px, m);
    salCanvas.dataset.lit = String(count);
    salCanvas.setAttribute(
      'aria-label',
      `saliency: max over the channels of |dL/dX| over the greyed image, ${w1} × ${h1}; ${count} pixel(s) with a non-zero gradient`,
    );
    salCaption.textContent = `|dL/dX| (max over the ${d1} channel${d1 > 1 ? 's' : ''}) over the greyed image: ${count.toLocaleString('en')} of ${hw.toLocaleString('en')} pixels have a non-zero gradient (largest ${fmt(m)}).`;
  }

  /**
   * A zoom on the lit pixels (when they are a small part of the image), with a
   * margin that may reach outside the image (dark checker): there the padding
   * lies, so zero padding shows a cut-off receptive field and reflect/replicate/
   * circular padding show where its gradient was routed back.
   */
  function drawZoom(g, r, px, m) {
    const [, , h1, w1] = r.input.shape;
    let y0 = h1,
      y1 = -1,
      x0 = w1,
      x1 = -1;
    for (let y = 0; y < h1; y++) {
      for (let x = 0; x < w1; x++) {
        if (g.saliency[y * w1 + x] > 1e-7 * m && m > 0) {
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
        }
      }
    }
    const bh = y1 - y0 + 1,
      bw = x1 - x0 + 1;
    if (y1 < 0 || bh * bw * 4 > h1 * w1) {
      zoomFig.hidden = true;
      return;
    }
    zoomFig.hidden = false;
    const margin = Math.max(3, Math.ceil(0.5 * Math.max(bh, bw)), r.layer.p);
    const zy0 = y0 - margin,
      zx0 = x0 - margin,
      zh = bh + 2 * margin,
      zw = bw + 2 * margin;
    const k = Math.max(1, Math.min(24, Math.floor(288 / Math.max(zw, zh))));
    zoomCanvas.width = zw * k;
    zoomCanvas.height = zh * k;
    const ctx = zoomCanvas.getContext('2d');
    for (let y = 0; y < zh; y++) {
      for (let x = 0; x < zw; x++) {
        const iy = zy0 + y,
          ix = zx0 + x;
        if (iy < 0 || ix < 0 || iy >= h1 || ix >= w1) {
          const v = (x + y) % 2 ? 40 : 62;
          ctx.fillStyle = `rgb(${v}, ${v}, ${v + 10})`;
        } else {
          const i = 4 * (iy * w1 + ix);
          ctx.fillStyle = `rgb(${px[i]}, ${px[i + 1]}, ${px[i + 2]})`;
        }
        ctx.fillRect(x * k, y * k, k, k);
      }
    }
    // the kernel's taps (one output pixel, no batch norm): at i·S − P + a·D, j·S − P + b·D
    if (g.loss_kind === 'pixel' && !g.bnOn && k >= 6) {
      const { fh, fw, sh, sw, p: P, dil } = r.layer;
      ctx.lineWidth = Math.max(1, k / 8);
      for (let a = 0; a < fh; a++) {
        for (let b = 0; b < fw; b++) {
          const ty = g.pixel.y * sh - P + a * dil - zy0,
            tx = g.pixel.x * sw - P + b * dil - zx0;
          const inside = ty + zy0 >= 0 && tx + zx0 >= 0 && ty + zy0 < h1 && tx + zx0 < w1;
          ctx.strokeStyle = inside ? '#000' : '#ffdd00';
          ctx.beginPath();
          ctx.arc((tx + 0.5) * k, (ty + 0.5) * k, k * 0.28, 0, 2 * Math.PI);
          ctx.stroke();
        }
      }
    }
    const outside = zy0 < 0 || zx0 < 0 || zy0 + zh > h1 || zx0 + zw > w1;
    zoomCanvas.setAttribute(
      'aria-label',
      `zoom on the pixels with a non-zero gradient: rows ${y0} to ${y1}, columns ${x0} to ${x1}`,
    );
    const taps = g.loss_kind === 'pixel' && !g.bnOn && k >= 6;
    zoomCaption.textContent = `Zoom: rows ${y0}–${y1}, columns ${x0}–${x1} of the image (${bw} × ${bh})${outside ? '; dark checker = outside the image (the padding)' : ''}.${taps ? " Circles: the kernel's taps (yellow on the padding: their gradient goes to the pixel the padding copies, or nowhere for zero padding)." : ''}`;
  }

  function mapFigure(container, i, cls) {
    let fig = container.children[i];
    if (!fig) {
      fig = el('figure', { class: `map ${cls}` }, el('canvas', { role: 'img' }), el('figcaption'));
      fig.legend = makeLegend();
      fig.append(fig.legend);
      container.append(fig);
    }
    return fig;
  }

  function drawMaps(container, data, n, h, w, names, label, cls, range) {
    while (container.children.length > n) container.lastChild.remove();
    for (let i = 0; i < n; i++) {
      const fig = mapFigure(container, i, cls);
      const cv = fig.querySelector('canvas');
      const res = drawDiverging(cv, data, h, w, { offset: i * h * w, range });
      fig.legend.update(res);
      fig.querySelector('figcaption').textContent = names[i];
      cv.setAttribute(
        'aria-label',
        `${label} ${names[i]}, ${w} × ${h}, from ${fmt(res.min)} to ${fmt(res.max)}`,
      );
    }
  }

  /**
   * dL/db_k as shown: with batch norm it is exactly 0 (Σ x̂ = 0 per map); the
   * float32 sum the core computes lands within its round-off bound of 0, and is
   * shown as such.
   */
  function dbText(g, k) {
    const v = g.db[k];
    if (!g.bnOn || !g.dyConv) return fmt(v, 4);
    const [N, K, h2, w2] = g.outShape;
    const plane = h2 * w2;
    let abs = 0;
    for (let n = 0; n < N; n++) {
      const o = (n * K + k) * plane;
      for (let i = 0; i < plane; i++) abs += Math.abs(g.dyConv[o + i]);
    }
    const bound = roundOffBound(N * plane, abs);
    if (Math.abs(v) <= bound)
      return `0 (round-off: ${fmt(v, 2)}, within ±${fmt(bound, 2)} of Σ|dL/dy| = ${fmt(abs, 3)})`;
    return fmt(v, 4);
  }

  function drawFilters(g, req, s) {
    const [K, d1, fh, fw] = req.weights.shape;
    const per = d1 * fh * fw;
    const wr = rangeOf(req.weights.data);
    const gr = rangeOf(g.dw);
    wLegend.update({ min: wr.min, max: wr.max, range: wr.absMax || 1 });
    dwLegend.update({ min: gr.min, max: gr.max, range: gr.absMax || 1 });
    const cards = [];
    for (let k = 0; k < K; k++) {
      const side = (title, data, range, what, cls) => {
        const grids = el('div', { class: 'grids' });
        for (let c = 0; c < d1; c++) {
          const name = d1 === 1 ? 'grey' : CHANNEL_NAMES[c];
          grids.append(
            el(
              'div',
              { class: 'grid-wrap' },
              updateGrid(createGrid(cls), data, k * per + c * fh * fw, fh, fw, range || 1, {
                label: `filter ${k + 1}, channel ${name}: ${what}`,
                numbers: fw <= 3 && fh <= 3,
                titleDigits: 1e12,
              }),
              el('span', { class: 'grid-label', text: name }),
            ),
          );
        }
        return el(
          'div',
          { class: 'g-side' },
          el('span', { class: 'g-side-title', text: title }),
          grids,
        );
      };
      cards.push(
        el(
          'div',
          { class: 'filter g-filter', 'data-k': String(k) },
          el(
            'div',
            { class: 'filter-head' },
            el('span', {
              class: 'filter-name',
              text: `filter ${k + 1} · ${PRESET_LABELS[presetOf(k, s)]}`,
            }),
          ),
          el(
            'div',
            { class: 'g-pair' },
            side('W', req.weights.data, wr.absMax, `${fh} × ${fw} weights`, 'g-w'),
            side('dL/dW', g.dw, gr.absMax, `${fh} × ${fw} gradients dL/dW`, 'g-dwgrid'),
          ),
          el(
            'p',
            { class: 'bias g-bias' },
            `b = ${fmt(req.bias[k], 4)},  dL/db = `,
            el('b', { class: 'g-db', 'data-value': String(g.db[k]), text: dbText(g, k) }),
          ),
        ),
      );
    }
    filterList.replaceChildren(...cards);
  }

  function drawBn(g, s) {
    const [N, K, h2, w2] = g.outShape;
    const m = N * h2 * w2;
    bnHint.textContent =
      N > 1
        ? `Per feature map, over its H2 · W2 pixels in all N = ${N} images of the batch: m = N · H2 · W2, and μ, σ² are the batch's. The maps below show image 1 of ${N}. Edit γ and β in the table.`
        : 'Per feature map, over its H2 · W2 pixels (one image: the batch is N = 1 and m = H2 · W2; choose "Batch: N images" above for more). Edit γ and β in the table.';
    bnSection.dataset.n = String(N);
    bnSection.dataset.m = String(m);
    bnFormulas.replaceChildren(
      ...[
        N > 1
          ? `m = N · H2 · W2 = ${N} · ${h2} · ${w2} = ${m} values per map (over the batch)`
          : `m = H2 · W2 = ${h2} · ${w2} = ${m} values per map`,
        'μ = (1/m) Σ_i y_i,   σ² = (1/m) Σ_i (y_i − μ)²,   x̂_i = (y_i − μ) / √(σ² + ε),   o_i = γ · x̂_i + β   (ε = 1e-5)',
        'dL/dβ = Σ_i dL/do_i,   dL/dγ = Σ_i dL/do_i · x̂_i,   dL/dx̂_i = dL/do_i · γ',
        'dL/dσ² = Σ_i dL/dx̂_i · (y_i − μ) · (−½)(σ² + ε)^(−3/2),   dL/dμ = Σ_i dL/dx̂_i · (−1/√(σ² + ε)) + dL/dσ² · (1/m) Σ_i −2(y_i − μ)',
        'dL/dy_i = dL/dx̂_i / √(σ² + ε) + dL/dσ² · 2(y_i − μ)/m + dL/dμ / m',
      ].map((t) => el('p', { class: 'cp-formula', text: t })),
    );
    const head = el(
      'tr',
      {},
      ...['map', 'mean μ', 'variance σ²', 'γ', 'β', 'dL/dγ', 'dL/dβ'].map((t) =>
        el('th', { scope: 'col', text: t }),
      ),
    );
    const rows = [];
    for (let k = 0; k < K; k++) {
      const num = (cls, v) =>
        el('td', { class: `num ${cls}`, 'data-value': String(v), text: fmt(v, 5) });
      const input = (name, v, what) => {
        const inp = el('input', {
          type: 'number',
          step: '0.1',
          class: `g-${name}`,
          value: String(Math.round(v * 1e6) / 1e6),
          'aria-label': `${what} of map ${k + 1}`,
        });
        inp.addEventListener('change', () => {
          const x = Number(inp.value);
          if (!Number.isFinite(x)) return;
          const key = name === 'gamma' ? 'ggam' : 'gbet';
          const arr = Array.from({ length: K }, (_, j) =>
            key === 'ggam' ? gammaOf(j, app.state) : betaOf(j, app.state),
          );
          arr[k] = x;
          app.set(key, arr);
        });
        return el('td', {}, inp);
      };
      rows.push(
        el(
          'tr',
          { 'data-k': String(k) },
          el('th', { scope: 'row', text: String(k + 1) }),
          num('g-mean', g.mean[k]),
          num('g-var', g.var[k]),
          input('gamma', gammaOf(k, s), 'γ'),
          input('beta', betaOf(k, s), 'β'),
          num('g-dgamma', g.dgamma[k]),
          num('g-dbeta', g.dbeta[k]),
        ),
      );
    }
    bnTable.replaceChildren(
      el('caption', {
        class: 'visually-hidden',
        text: 'Batch norm per feature map: statistics, parameters and their gradients',
      }),
      el('thead', {}, head),
      el('tbody', {}, ...rows),
    );
    const names = Array.from({ length: K }, (_, k) => `map ${k + 1}`);
    const of = N > 1 ? ` (image 1 of the batch of ${N})` : '';
    bnOutTitle.textContent = `Its output maps o = γ · x̂ + β${of}`;
    bnDyTitle.textContent = `dL/dy flowing back into the convolution (batch norm's dL/dx)${of}`;
    drawMaps(bnOutMaps, g.bnOut, K, h2, w2, names, 'batch-norm output', 'g-bnout');
    drawMaps(
      bnDyMaps,
      g.dyConv,
      K,
      h2,
      w2,
      names,
      'dL/dy of the convolution,',
      'g-bndy',
      rangeOf(g.dyConv).absMax,
    );
  }

  function draw(g, r) {
    const s = app.state;
    const req = r;
    syncControls();
    lossValue.textContent = fmt(g.loss, 6);
    lossValue.dataset.value = String(g.loss);
    const p = g.pixel;
    pixelNote.hidden = s.gl !== 'pixel';
    pixelNote.textContent = p.pinned
      ? `The chosen output pixel is the pinned one: map ${p.k + 1}, row ${p.y}, column ${p.x}. Click another pixel of a feature map (or press Enter on one) to choose it.`
      : `No pixel is pinned: using the centre of map 1 (row ${p.y}, column ${p.x}). Click a pixel of a feature map (or press Enter on one) to choose it.`;
    drawFormulas(g, { ...r.state, gt: lastJob?.target ?? s.gt });
    drawSaliency(g, r);
    const [nb, d1, h1, w1] = g.dxShape;
    dxTitle.textContent = `dL/dX: which input pixels the loss depends on${nb > 1 ? ` (image 1 of the batch of ${nb})` : ''}`;
    const chNames = Array.from({ length: d1 }, (_, c) =>
      d1 === 1 ? 'grey' : `channel ${CHANNEL_NAMES[c]}`,
    );
    drawMaps(
      dxMaps,
      g.dx,
      d1,
      h1,
      w1,
      chNames.map((n) => `dL/dX ${n}`),
      'gradient',
      'g-dxmap',
      rangeOf(g.dx).absMax,
    );
    drawFilters(g, req, r.state);
    if (g.bnOn) drawBn(g, s);
    historyList.replaceChildren(
      ...history.map((v, i) =>
        el(
          'li',
          { class: 'g-hist', 'data-value': String(v) },
          i === 0
            ? `before: L = ${fmt(v, 6)}`
            : `after step ${i}: L = ${fmt(v, 6)}${v < history[i - 1] ? ' ↓' : v > history[i - 1] ? ' ↑ (lr too large?)' : ''}`,
        ),
      ),
    );
    historyList.hidden = history.length < 2;
    const lrv = currentLr();
    status.textContent = `Backward pass: ${fmt(g.ms, 3)} ms in the worker. Safe step 1/T = ${fmt(g.safeLr, 3)}${g.bnOn ? ' (scaled by (γ·rstd)², a guide with batch norm)' : ''}; lr = ${fmt(lrv, 3)}.`;
  }

  // ---- wiring -----------------------------------------------------------------------
  ctx.subscribe((s, changed) => {
    // a 'layer' change re-runs the forward pass, and update() computes then;
    // the 'grad' rows (and the pinned pixel for the pixel loss) compute here
    const kind = changeKind(changed);
    if (kind === 'grad' || (kind === 'view' && changed.has('at') && s.gon && s.gl === 'pixel'))
      compute();
    if (changed.has('glr')) syncControls();
  });
  syncControls();
  compute();

  const api = {
    get last() {
      return last;
    },
    get result() {
      return lastResult;
    },
    get job() {
      return lastJob;
    },
    get history() {
      return history.slice();
    },
    compute,
    step,
  };
  return { update: () => compute(), api };
}
