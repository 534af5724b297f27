// The network lab: train a small CNN (the "tiny" preset, batch norm on or off)
// on Fashion-MNIST in the worker and watch it learn: the loss and accuracy
// curves, the first layer's filters, the per-layer gradient norms, the output
// volume and parameters of every layer, and the confusion matrix; and look
// inside: one input (a test image, a drawing, an upload) through the network
// in inference mode, with every layer's feature maps and the class
// probabilities.
//
// Training runs in the worker (engine.nnlab, worker/jobs/nnlab.js) a few
// mini-batches per job, so the page redraws after each job (about 10 times a
// second) and stays responsive; Pause simply stops asking for more. The
// module and the 3.8 MB data pack are loaded the first time the lab is used.
// Every number drawn comes from the result it was computed with.
import {
  blendRgb,
  divergingRgb,
  drawDiverging,
  drawGrey,
  opaqueBackground,
  rangeOf,
  textOnRgb,
} from '../render.js';
import { el } from '../dom.js';
import { rowOf } from '../../common/state.js';
import { STEPS } from '../../common/lecture-steps.js';
import { describeLocked } from '../../common/locks.js';
import { zlibSync } from 'fflate';
import { configOf, readConfigObject, download } from '../../embed/transfer.js';
import { readField } from './nnlab-fields.js';
import { namesOf, syncOwn, ownProblem, ownSummary } from './nnlab-own.js';
import { notLearnt } from './nnlab-verdict.js';

const CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
const STEPS_PER_JOB = 5;
// while training runs, each job takes as many steps as fit in STEP_BUDGET_MS (and at most
// MAX_STEPS_PER_JOB): with the redraw after it, the page shows more than 10 updates a second
const STEP_BUDGET_MS = 40;
const MAX_STEPS_PER_JOB = 50;
const TEST_EVERY = 50; // steps between test points on the curve
const TEST_POINT_IMAGES = 500;
const MAX_WEIGHTS_BYTES = 32 * 1024 * 1024; // a weights file (conv 32@28x28 twice is ~10 MB)
const MAX_OWN_CLASSES = 4;
// the fewest steps a run on the student's own classes takes (a few dozen pictures in
// batches of 32 are one step an epoch: 2 epochs would be 2 steps, and nothing learnt)
const MIN_OWN_STEPS = 100;
// the lab's rows of the state table: what a weights file sets
const LAB_ROWS = [
  'nnk1',
  'nnf1',
  'nnp1',
  'nnk2',
  'nnf2',
  'nnp2',
  'nnbn',
  'nnlr',
  'nnbs',
  'nnep',
  'nnseed',
];
// the rows of the architecture (the layers' sizes)
const ARCH_ROWS = ['nnk1', 'nnf1', 'nnp1', 'nnk2', 'nnf2', 'nnp2'];
const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** An 8-bit grey PNG of w x h bytes (no alpha: the layer panel reads it as it is). */
function greyPng(pixels, w, h) {
  const raw = new Uint8Array(h * (w + 1));
  for (let y = 0; y < h; y++) raw.set(pixels.subarray(y * w, (y + 1) * w), y * (w + 1) + 1);
  const chunk = (type, data) => {
    const out = new Uint8Array(12 + data.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, data.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(data, 8);
    let c = 0xffffffff;
    for (let i = 4; i < 8 + data.length; i++) c = CRC[(c ^ out[i]) & 255] ^ (c >>> 8);
    v.setUint32(8 + data.length, (c ^ 0xffffffff) >>> 0);
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, w);
  new DataView(ihdr.buffer).setUint32(4, h);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8 bits, grey, deflate, no filter, no interlace
  const parts = [
    new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlibSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ];
  return new Blob(parts, { type: 'image/png' });
}

/** float32 values as the shortest decimals that read back as the same float32. */
const exact = (a) => Array.from(a, (v) => Number(Math.fround(v).toPrecision(9)));

function numberInput(id, label, value, attrs) {
  const input = el('input', { id, type: 'number', value, ...attrs });
  return { input, row: el('label', { for: id }, label, input) };
}

export function mount(ctx) {
  const { engine, id } = ctx;
  const root = ctx.slot('nnlab');
  ctx.addNav('nnlab', 'Network lab');
  root.classList.add('cp-nnlab');
  root.dataset.state = 'idle';
  root.dataset.step = '0';
  root.setAttribute('aria-labelledby', id('nnlab-h'));

  // Every control is a row of the state table (common/state.js), so the link
  // holds the lab's configuration; the limits are the table's.
  const field = (name, domId, label, attrs = {}, says = label) => {
    const row = rowOf(name);
    const f = numberInput(id(domId), label, ctx.state[name], {
      min: row.min,
      max: row.max,
      ...attrs,
    });
    f.name = name;
    f.says = says; // the field's name in a notice
    return f;
  };
  const conv = [1, 2].map((n) => ({
    k: field(`nnk${n}`, `nn-k${n}`, 'K', {}, `conv ${n} filters K`),
    f: field(`nnf${n}`, `nn-f${n}`, 'F', {}, `conv ${n} kernel F`),
    p: field(`nnp${n}`, `nn-p${n}`, 'P', {}, `conv ${n} padding P`),
  }));
  const bn = el('input', { id: id('nn-bn'), type: 'checkbox', checked: ctx.state.nnbn });
  const lr = field('nnlr', 'nn-lr', 'learning rate', { step: 0.01 });
  const batch = field('nnbs', 'nn-batch', 'batch size');
  const epochs = field('nnep', 'nn-epochs', 'epochs');
  const seed = field('nnseed', 'nn-seed', 'seed');
  const fields = [...conv.flatMap((c) => [c.k, c.f, c.p]), lr, batch, epochs, seed];
  // a value typed into a field that had to be clamped or replaced: which, and why
  const fieldNotice = el('p', {
    class: 'message notice cp-nn-field-notice',
    role: 'status',
    'aria-live': 'polite',
    'data-part': 'nn-field-notice',
  });

  const train = el(
    'button',
    { type: 'button', class: 'primary', 'data-part': 'nn-train' },
    'Train',
  );
  const pause = el('button', { type: 'button', 'data-part': 'nn-pause', disabled: true }, 'Pause');
  const step = el('button', { type: 'button', 'data-part': 'nn-step' }, 'Step');
  const reset = el('button', { type: 'button', 'data-part': 'nn-reset' }, 'Reset');
  const compare = el(
    'button',
    { type: 'button', 'data-part': 'nn-compare' },
    'Compare with and without batch norm',
  );
  const compareCanvas = el('canvas', {
    class: 'cp-nn-curves cp-nn-compare',
    width: 640,
    height: 220,
    role: 'img',
    'aria-label': 'Training loss and test accuracy without (grey) and with (green) batch norm',
  });
  const compareText = el('p', { class: 'cp-nn-compare-text', 'aria-live': 'polite' });
  const compareBox = el(
    'div',
    { class: 'cp-nn-comparebox', hidden: true },
    el('h3', { text: 'With and without batch norm, side by side' }),
    el('p', {
      text: 'The same network, seed, images and learning rate, trained twice: once without batch norm (grey) and once with it after each convolution (green). Watch how fast each loss falls in the first hundred steps, and at which step each test accuracy (the dots) reaches the other one.',
    }),
    compareCanvas,
    compareText,
  );
  // --- the data: Fashion-MNIST or the student's own classes ------------------------
  const dataFashion = el('input', {
    id: id('nn-data-fashion'),
    type: 'radio',
    name: id('nn-data'),
    value: 'fashion',
    checked: true,
  });
  const dataOwn = el('input', {
    id: id('nn-data-own'),
    type: 'radio',
    name: id('nn-data'),
    value: 'own',
    'data-part': 'nn-data-own',
  });
  const classRows = el('div', { class: 'cp-nn-classes' });
  const addClass = el('button', { type: 'button', 'data-part': 'nn-own-add' }, 'Add a class');
  const camera = el('button', { type: 'button', 'data-part': 'nn-own-camera' }, 'Start the webcam');
  const video = el('video', {
    class: 'cp-nn-video',
    autoplay: true,
    muted: true,
    playsinline: true,
    hidden: true,
    'aria-label': 'The webcam: a snapshot button under each class takes the current picture',
  });
  const ownText = el('p', { class: 'cp-nn-own-text', 'aria-live': 'polite' });
  // what the set still lacks before it can train (the module's rules)
  const ownNotice = el('p', {
    class: 'message notice cp-nn-own-notice',
    role: 'status',
    'data-part': 'nn-own-notice',
  });
  const ownBox = el(
    'div',
    { class: 'cp-nn-own', hidden: true },
    el('p', {
      text: 'Make 2 to 4 classes (for example "cup", "cat", "hand"), each with a name and 5 to 60 pictures: uploads or webcam snapshots. The module decodes each picture grey and downscales it to the 28 × 28 input; every fifth picture of a class is kept aside to test the network. Pictures of any size are fine: all are downscaled the same way. The page\'s link keeps your class names, not the pictures.',
    }),
    classRows,
    el('div', { class: 'cp-nn-buttons' }, addClass, camera),
    video,
    ownText,
    ownNotice,
  );
  const dataBox = el(
    'fieldset',
    { class: 'cp-nn-data' },
    el('legend', { text: 'train on' }),
    el('label', { for: dataFashion.id }, dataFashion, ' Fashion-MNIST (10 classes)'),
    el('label', { for: dataOwn.id }, dataOwn, ' your own classes (uploads or webcam)'),
  );

  // --- export and import of the trained weights -----------------------------------
  const exportBtn = el(
    'button',
    { type: 'button', 'data-part': 'nn-export' },
    'Export the trained weights (JSON)',
  );
  const importFile = el('input', {
    id: id('nn-import'),
    type: 'file',
    accept: 'application/json,.json',
    'data-part': 'nn-import',
  });
  const transferText = el('p', { class: 'cp-nn-transfer-text', 'aria-live': 'polite' });
  const transferBox = el(
    'div',
    { class: 'cp-nn-transfer' },
    exportBtn,
    el('label', { for: importFile.id }, 'import weights ', importFile),
    transferText,
  );

  const status = el('p', { class: 'cp-nn-status', role: 'status', 'aria-live': 'polite' });
  const error = el('p', {
    id: id('nn-error'),
    'data-part': 'nn-error',
    class: 'message error',
    role: 'alert',
    hidden: true,
  });

  const layerBody = el('tbody');
  const layerTable = el(
    'table',
    { class: 'cp-nn-layers' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { text: 'layer' }),
        el('th', { text: 'output W × H × D' }),
        el('th', { text: 'parameters' }),
        el('th', { text: '‖dL/dθ‖' }),
      ),
    ),
    layerBody,
  );
  const curves = el('canvas', {
    class: 'cp-nn-curves',
    width: 640,
    height: 220,
    role: 'img',
    'aria-label': 'Training loss (blue) and test accuracy (red) against the step',
  });
  const filters = el('canvas', {
    class: 'cp-nn-filters',
    width: 8,
    height: 8,
    role: 'img',
    'aria-label': "The first layer's filters",
  });
  const confusion = el('table', { class: 'cp-nn-confusion' });
  const NO_CONFUSION = 'The confusion matrix appears with the first test point.';
  const confusionCaption = el('figcaption', { text: NO_CONFUSION });

  // --- look inside: one input through the network -----------------------------------
  const testIndex = numberInput(id('nn-test'), 'test image #', 0, { min: 0, max: 1999 });
  const pad = el('canvas', {
    class: 'cp-nn-pad',
    width: 28,
    height: 28,
    'data-part': 'nn-pad',
    role: 'img',
    'aria-label': 'Draw an item here with the mouse or a finger (light on black, as Fashion-MNIST)',
  });
  const clearPad = el('button', { type: 'button', 'data-part': 'nn-clear' }, 'Clear');
  const upload = el('input', {
    id: id('nn-upload'),
    type: 'file',
    accept: 'image/*',
    'data-part': 'nn-upload',
  });
  const invert = el('input', { id: id('nn-invert'), type: 'checkbox', checked: true });
  const seen = el('canvas', {
    class: 'cp-nn-seen',
    width: 28,
    height: 28,
    role: 'img',
    'aria-label': 'The 28 × 28 grey input the network sees',
  });
  const inputText = el('p', { class: 'cp-nn-input-text', 'aria-live': 'polite' });
  const inputError = el('p', {
    class: 'message error cp-nn-input-error',
    role: 'alert',
    hidden: true,
  });
  const inputNotice = el('p', {
    class: 'message notice cp-nn-input-notice',
    role: 'status',
    'data-part': 'nn-input-notice',
  });
  const probs = el('ol', { class: 'cp-nn-probs', 'aria-label': 'Class probabilities' });
  const maps = el('div', { class: 'cp-nn-maps' });
  const mapNote = el('p', { class: 'cp-nn-map-note', 'aria-live': 'polite' });
  const inside = el(
    'section',
    { class: 'cp-nn-inside', 'aria-labelledby': id('nn-inside-h') },
    el('h3', { id: id('nn-inside-h'), text: 'Look inside: one image through the network' }),
    el(
      'div',
      { class: 'cp-nn-sources' },
      el('div', {}, testIndex.row),
      el(
        'div',
        { class: 'cp-nn-draw' },
        pad,
        el('span', {}, 'draw here (light on black) ', clearPad),
      ),
      el(
        'div',
        {},
        el('label', { for: upload.id }, 'upload an image ', upload),
        el(
          'label',
          { for: invert.id },
          invert,
          ' invert it (Fashion-MNIST items are light on black)',
        ),
      ),
    ),
    inputError,
    inputNotice,
    el(
      'div',
      { class: 'cp-nn-verdict' },
      el('figure', {}, seen, el('figcaption', { text: 'what the network sees (28 × 28 grey)' })),
      el('div', {}, inputText, probs),
    ),
    el('p', {
      text: 'Feature maps of every layer for this image (blue negative, red positive, white zero; each layer on its own scale), computed in inference mode: batch norm uses its running statistics. Click a map of the first convolution (or of its batch norm, ReLU or pooling) to open conv 1 in the layer panel with this image and these weights.',
    }),
    mapNote,
    maps,
  );

  root.replaceChildren(
    el('h2', { id: id('nnlab-h'), text: 'Network lab: train a small CNN on Fashion-MNIST' }),
    el('p', {
      text: 'The "tiny" network: conv - ReLU - max pool 2 - conv - ReLU - max pool 2 - fully connected 10, trained with mini-batch SGD (momentum 0.9, weight decay 5e-4, cosine learning rate) on 10,000 Fashion-MNIST images and tested on 2,000. Batch norm, when on, follows each convolution.',
    }),
    el(
      'div',
      { class: 'cp-nn-arch' },
      el(
        'fieldset',
        {},
        el('legend', { text: 'conv 1 (3 × 3 by default)' }),
        conv[0].k.row,
        conv[0].f.row,
        conv[0].p.row,
      ),
      el(
        'fieldset',
        {},
        el('legend', { text: 'conv 2' }),
        conv[1].k.row,
        conv[1].f.row,
        conv[1].p.row,
      ),
      el('label', { for: bn.id, class: 'cp-nn-bn' }, bn, ' batch norm after each convolution'),
    ),
    el('div', { class: 'cp-nn-hyper' }, lr.row, batch.row, epochs.row, seed.row),
    fieldNotice,
    dataBox,
    ownBox,
    el('div', { class: 'cp-nn-buttons' }, train, pause, step, reset, compare),
    status,
    error,
    transferBox,
    layerTable,
    el('h3', { text: 'Loss and accuracy' }),
    curves,
    el(
      'div',
      { class: 'cp-nn-bottom' },
      el(
        'figure',
        {},
        filters,
        el('figcaption', {
          text: "First layer's filters (blue negative, red positive); click one to open it in the layer panel",
        }),
      ),
      el('figure', {}, confusion, confusionCaption),
    ),
    inside,
  );
  root.append(compareBox);
  root.hidden = false;

  // --- the run ------------------------------------------------------------------
  let run = null; // {plan, layers, losses: [[step, loss]], tests: [[step, acc]], stats}
  let running = false;
  let destroyed = false;
  let busy = Promise.resolve();

  function spec(withBn = bn.checked, classes = classCount()) {
    const layers = [];
    for (const c of conv) {
      layers.push({
        type: 'conv',
        filters: Number(c.k.input.value),
        kernel: Number(c.f.input.value),
        stride: 1,
        pad: Number(c.p.input.value),
      });
      if (withBn) layers.push({ type: 'batchnorm' });
      layers.push({ type: 'relu' }, { type: 'maxpool', kernel: 2, stride: 2 });
    }
    layers.push({ type: 'fc', filters: classes });
    return { channels: 1, height: 28, width: 28, layers };
  }

  const config = () => ({
    learningRate: Number(lr.input.value),
    batchSize: Number(batch.input.value),
    epochs: Number(epochs.input.value),
    seed: Number(seed.input.value),
  });

  function setState(s, text) {
    root.dataset.state = s;
    if (text !== undefined) status.textContent = text;
    train.disabled = s === 'training' || s === 'loading';
    pause.disabled = s !== 'training';
    step.disabled = s === 'training' || s === 'loading';
    compare.disabled = s === 'training' || s === 'loading';
  }

  function showError(e) {
    running = false;
    error.textContent = e ? e.message : '';
    error.hidden = !e;
    if (e) setState('error');
  }

  // which data the next build trains on: 'fashion' or 'own'; imported: the class
  // names of an imported network whose own images are not here
  let mode = 'fashion';
  let imported = null;
  let stale = false; // the class set changed since the run was built
  const classCount = () =>
    mode === 'own' ? (imported?.length ?? Math.max(2, own.length)) : CLASSES.length;

  async function build() {
    const key = mode === 'own' ? 'own' : 'main';
    setState(
      'loading',
      key === 'own'
        ? 'Decoding your pictures and building the network…'
        : run
          ? 'Building the network…'
          : 'Loading the lab (the module and 3.8 MB of images)…',
    );
    showError(null);
    const problem = key === 'own' && !imported ? await ownProblem(engine, own) : null;
    if (problem) {
      // the set's notice says the same: a state a fresh load of the link shows too
      run = null;
      layerBody.replaceChildren();
      setState('error', `Not trained: ${problem}.`);
      return false;
    }
    stale = false;
    try {
      const job = { op: 'build', lab: key, spec: spec(), seed: config().seed, config: config() };
      if (key === 'own' && imported) job.noData = true;
      else if (key === 'own') {
        job.classes = own.map((c) => ({ name: c.name, images: c.images.map((i) => i.bytes) }));
        job.minSteps = MIN_OWN_STEPS;
      }
      const r = await engine.nnlab(job);
      run = {
        plan: r,
        lab: key,
        classes: r.own ? r.own.classes : (imported ?? CLASSES),
        layers: r.layers,
        losses: [],
        tests: [],
        norms: null,
        step: 0,
      };
      drawLayers();
      drawFilters(r.filters);
      drawCurves();
      confusion.replaceChildren();
      confusionCaption.textContent = NO_CONFUSION;
      root.dataset.step = '0';
      testIndex.input.max = String(Math.max(0, r.counts.test - 1));
      if (current.source === 'test' && current.index >= r.counts.test) {
        current = { source: 'test', index: 0 };
        testIndex.input.value = '0';
      }
      await refreshInput();
      const data = r.own
        ? `your ${r.own.classes.length} classes (${r.own.classes.map((c, i) => `${c}: ${r.own.perClass[i].train} to train, ${r.own.perClass[i].test} to test`).join('; ')}): `
        : '';
      setState(
        'idle',
        job.noData
          ? `An imported network for ${run.classes.join(', ')}; its images are not here, so it classifies drawings and uploads but cannot train or be tested.`
          : `${data}${r.counts.train} training and ${r.counts.test} test images; ${r.params.toLocaleString('en')} parameters; ${r.totalSteps} steps of ${config().batchSize} ${config().batchSize === 1 ? 'image' : 'images'}${raisedText(r)}.`,
      );
      return true;
    } catch (e) {
      run = null;
      layerBody.replaceChildren();
      status.textContent = 'No network: see the message below.';
      showError(e);
      return false;
    }
  }

  /**
   * A link whose architecture is impossible shows the message a rebuild after
   * a change shows, at once: the network is built in a module without the
   * images (nothing is trained, the pack is not loaded).
   */
  async function checkArchitecture() {
    if (run || (mode === 'own' && !imported && (await ownProblem(engine, own)))) return;
    // the page's own architecture fits: the module is loaded when the lab is used
    if (ARCH_ROWS.every((name) => ctx.state[name] === rowOf(name).default)) return;
    setState('loading'); // the status stays: the check takes a moment
    try {
      await engine.nnlab({ op: 'check', lab: 'check', spec: spec(), seed: config().seed });
      if (!run && !destroyed) setState('idle');
    } catch (e) {
      if (run || destroyed) return;
      status.textContent = 'No network: see the message below.';
      showError(e);
    }
  }

  /** Why a run on own classes takes more epochs than the field says ('' when it does not). */
  function raisedText(r) {
    if (!r.epochsRaised) return '';
    const { from, to } = r.epochsRaised;
    return ` (${to} epochs rather than ${from}: so few pictures take at least ${MIN_OWN_STEPS} steps to learn)`;
  }

  async function evaluate(limit) {
    const e = await engine.nnlab({ op: 'evaluate', lab: run.lab, limit });
    run.tests.push([run.step, e.accuracy]);
    return e;
  }

  async function advance(n, budgetMs = 0) {
    if (!run.plan.totalSteps)
      throw new Error(
        `this imported network's classes (${run.classes.join(', ')}) have no images here: add pictures to each class to train it`,
      );
    // one message per redraw: the steps, the test point when due, the shown input
    const ticket = ++asked;
    const input = current;
    const r = await engine.nnlab({
      op: 'steps',
      lab: run.lab,
      n,
      budgetMs,
      testEvery: TEST_EVERY,
      testLimit: TEST_POINT_IMAGES,
      input,
    });
    if (destroyed) return r;
    run.step = r.step;
    run.losses.push([r.step, r.loss]);
    run.norms = r.gradNorms;
    root.dataset.step = String(r.step);
    root.dataset.loss = String(r.loss);
    if (r.evaluation) {
      run.tests.push([run.step, r.evaluation.accuracy]);
      run.verdict = notLearnt(r.evaluation, run.classes);
      root.dataset.learnt = run.verdict ? 'no' : 'yes';
      drawConfusion(r.evaluation);
    }
    drawLayers();
    drawFilters(r.filters);
    drawCurves();
    showInput(ticket, input, r.step, r.classified, r.classifyError);
    const last = run.tests.at(-1);
    const verdict = last && run.verdict ? `; ${run.verdict}` : '';
    status.textContent = `step ${r.step} of ${run.plan.totalSteps} (epoch ${r.epoch + 1}), training loss ${r.loss.toFixed(3)}, learning rate ${r.learningRate.toFixed(4)}${last ? `, test accuracy ${(100 * last[1]).toFixed(1)}%` : ''}${verdict}`;
    return r;
  }

  async function loop() {
    while (running && !destroyed) {
      const r = await advance(MAX_STEPS_PER_JOB, STEP_BUDGET_MS);
      if (r.done) {
        running = false;
        setState('done', `${status.textContent}. Done.${run.verdict ? ` ${retryAdvice()}` : ''}`);
      }
    }
  }

  /** What to try when a finished run has not learnt. */
  const retryAdvice = () =>
    run.lab === 'own'
      ? 'Add more pictures to each class (or raise the epochs), then press Train again.'
      : 'Raise the epochs or the learning rate, then press Train again.';

  const serial = (fn) => {
    busy = busy.then(fn).catch((e) => showError(e));
    return busy;
  };

  ctx.listen(train, 'click', () =>
    serial(async () => {
      if ((!run || stale) && !(await build())) return;
      running = true;
      setState('training');
      await loop();
      if (!running && root.dataset.state === 'training')
        setState('paused', `${status.textContent} (paused)`);
    }),
  );
  ctx.listen(pause, 'click', () => {
    running = false;
  });
  ctx.listen(step, 'click', () =>
    serial(async () => {
      if ((!run || stale) && !(await build())) return;
      const r = await advance(1);
      setState(r.done ? 'done' : 'paused');
    }),
  );
  ctx.listen(reset, 'click', () => {
    running = false;
    serial(build);
  });
  // A control changes its row; a changed row (from a control, a link or a
  // lecture step) sets the controls and rebuilds the network.
  for (const f of fields) {
    ctx.listen(f.input, 'change', () => {
      const { value, note } = readField(f.input, rowOf(f.name), f.says);
      // a field that reads back the value already used (its text set after a notice) keeps the notice
      if (note || value !== ctx.state[f.name]) fieldNotice.textContent = note ?? '';
      ctx.set(f.name, value);
      f.input.value = String(ctx.state[f.name]); // also when the value used is the one before
    });
  }
  ctx.listen(bn, 'change', () => ctx.set('nnbn', bn.checked));
  ctx.subscribe((state, changed) => {
    const names = [...changed];
    if (names.includes('nncls') && syncOwn(own, state.nncls)) ownChanged();
    if (names.includes('nndata') && !quiet) setMode(state.nndata);
    if (names.some((name) => LAB_ROWS.includes(name))) {
      for (const f of fields) f.input.value = String(state[f.name]);
      bn.checked = state.nnbn;
      running = false;
      if (!quiet) serial(build);
    }
    // a lecture step that runs the comparison; leaving it pauses the comparison
    if (names.includes('lstep')) {
      if (STEPS.find((s) => s.id === state.lstep)?.run === 'compare') {
        lectureRun = true;
        serial(runComparison);
      } else if (lectureRun) {
        lectureRun = false;
        running = false;
      }
    }
  });

  // --- with and without batch norm ---------------------------------------------------
  let comparison = null; // {without, with}: {plan, losses, tests, step, done}

  async function compareStep(key, side) {
    const r = await engine.nnlab({ op: 'steps', lab: key, n: STEPS_PER_JOB });
    side.step = r.step;
    side.done = r.done;
    side.losses.push([r.step, r.loss]);
    if (r.step % TEST_EVERY < STEPS_PER_JOB || r.done) {
      const e = await engine.nnlab({
        op: 'evaluate',
        lab: key,
        limit: r.done ? 0 : TEST_POINT_IMAGES,
      });
      side.tests.push([r.step, e.accuracy]);
    }
  }

  async function runComparison() {
    running = false;
    compareBox.hidden = false;
    setState('loading', 'Building the two networks of the comparison…');
    showError(null);
    comparison = {};
    for (const [key, withBn] of [
      ['without', false],
      ['with', true],
    ]) {
      const r = await engine.nnlab({
        op: 'build',
        lab: key,
        spec: spec(withBn, CLASSES.length), // the comparison trains on Fashion-MNIST
        seed: config().seed,
        config: config(),
      });
      comparison[key] = { plan: r, losses: [], tests: [], step: 0, done: false };
    }
    running = true;
    setState('training', 'Training both networks, a few steps each in turn…');
    while (running && !destroyed && !(comparison.without.done && comparison.with.done)) {
      for (const key of ['without', 'with']) {
        if (!comparison[key].done) await compareStep(key, comparison[key]);
      }
      root.dataset.compareStep = String(Math.min(comparison.without.step, comparison.with.step));
      drawComparison();
    }
    const finished = comparison.without.done && comparison.with.done;
    running = false;
    setState(finished ? 'done' : 'paused', comparisonStatus(finished));
  }

  /** The status once the comparison stops: finished, or paused at a step. */
  function comparisonStatus(finished) {
    const c = comparison;
    const step = Math.min(c.without.step, c.with.step);
    const acc = (side) => {
      const t = side.tests.at(-1);
      return t ? `${(100 * t[1]).toFixed(1)}%` : 'not tested yet';
    };
    const both = `test accuracy ${acc(c.without)} without batch norm, ${acc(c.with)} with it`;
    return finished
      ? `Comparison done: both networks trained ${step} steps; ${both}.`
      : `Comparison paused at step ${step} (${both}); press "Compare with and without batch norm" to run it again.`;
  }

  function drawComparison() {
    const c = comparison;
    const pct = (side) => {
      const t = side.tests.at(-1);
      return t ? `${(100 * t[1]).toFixed(1)}% at step ${t[0]}` : '–';
    };
    plot(compareCanvas, c.without.plan.totalSteps, [
      { losses: c.without.losses, tests: c.without.tests, colour: '#777777' },
      { losses: c.with.losses, tests: c.with.tests, colour: '#1b7837' },
    ]);
    compareText.textContent = `Step ${Math.min(c.without.step, c.with.step)}: training loss ${c.without.losses.at(-1)?.[1].toFixed(3)} without batch norm, ${c.with.losses.at(-1)?.[1].toFixed(3)} with it; test accuracy ${pct(c.without)} without, ${pct(c.with)} with.`;
  }

  ctx.listen(compare, 'click', () => serial(runComparison));

  // --- drawing ----------------------------------------------------------------------
  function drawLayers() {
    const rows = run.layers.map((l, i) => {
      const [d, h, w] = l.output;
      const norm = run.norms ? run.norms[i] : null;
      return el(
        'tr',
        {},
        el('td', { text: l.name }),
        el('td', { text: `${w} × ${h} × ${d}` }),
        el('td', { text: l.params ? l.params.toLocaleString('en') : '–' }),
        el('td', { text: norm === null || !l.params ? '–' : norm.toPrecision(3) }),
      );
    });
    rows.push(
      el(
        'tr',
        { class: 'cp-nn-total' },
        el('td', { text: 'total' }),
        el('td'),
        el('td', { text: run.plan.params.toLocaleString('en') }),
        el('td'),
      ),
    );
    layerBody.replaceChildren(...rows);
  }

  function drawFilters(t) {
    if (!t) return;
    const [K, C, F] = t.shape;
    const scale = Math.max(4, Math.floor(48 / F));
    const cell = F * scale + 4;
    filters.width = K * cell;
    filters.height = C * cell;
    const g = filters.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, filters.width, filters.height);
    let range = 0;
    for (const v of t.data) range = Math.max(range, Math.abs(v));
    for (let k = 0; k < K; k++) {
      for (let c = 0; c < C; c++) {
        for (let a = 0; a < F; a++) {
          for (let b = 0; b < F; b++) {
            const [r, gg, bb] = divergingRgb(t.data[((k * C + c) * F + a) * F + b], range);
            g.fillStyle = `rgb(${r},${gg},${bb})`;
            g.fillRect(k * cell + 2 + b * scale, c * cell + 2 + a * scale, scale, scale);
          }
        }
      }
    }
    filters.dataset.drawn = String(K);
  }

  /** Loss lines (left axis) and test-accuracy dots and lines (0 to 100%) of each series. */
  function plot(canvas, total, series) {
    const g = canvas.getContext('2d');
    const W = canvas.width,
      H = canvas.height,
      pad = 30;
    g.clearRect(0, 0, W, H);
    g.strokeStyle = '#888';
    g.lineWidth = 1;
    g.strokeRect(pad, 8, W - 2 * pad, H - pad - 8);
    g.fillStyle = '#333';
    g.font = '11px sans-serif';
    g.fillText('step', W / 2, H - 4);
    g.fillText('loss (lines)', pad + 6, 22);
    g.fillText('test accuracy 0 to 100% (dots)', W - pad - 180, 22);
    let maxLoss = 2.5;
    for (const s of series) {
      for (const [, l] of s.losses) if (Number.isFinite(l)) maxLoss = Math.max(maxLoss, l);
    }
    const x = (step) => pad + ((W - 2 * pad) * step) / Math.max(1, total);
    const plotH = H - pad - 8;
    const line = (points, y, colour, width) => {
      if (!points.length) return;
      g.strokeStyle = colour;
      g.lineWidth = width;
      g.beginPath();
      points.forEach(([s, v], i) => (i ? g.lineTo(x(s), y(v)) : g.moveTo(x(s), y(v))));
      g.stroke();
    };
    let points = 0;
    for (const s of series) {
      line(s.losses, (l) => 8 + plotH * (1 - Math.min(l, maxLoss) / maxLoss), s.colour, 2);
      line(s.tests, (a) => 8 + plotH * (1 - a), s.testColour ?? s.colour, 1);
      g.fillStyle = s.testColour ?? s.colour;
      for (const [st, a] of s.tests) g.fillRect(x(st) - 3, 8 + plotH * (1 - a) - 3, 6, 6);
      points += s.losses.length + s.tests.length;
    }
    canvas.dataset.points = String(points);
  }

  function drawCurves() {
    plot(curves, run?.plan.totalSteps ?? 1, [
      {
        losses: run?.losses ?? [],
        tests: run?.tests ?? [],
        colour: '#2166ac',
        testColour: '#b2182b',
      },
    ]);
  }

  function drawConfusion(e) {
    const K = e.classes;
    const CLASSES = run.classes;
    let max = 1;
    for (const v of e.confusion) max = Math.max(max, v);
    const head = el(
      'tr',
      {},
      el('th', { text: 'true \\ predicted' }),
      ...CLASSES.slice(0, K).map((c) => el('th', { text: c })),
    );
    const rows = [];
    // opaque cells (blue over the panel's own background) with the text that reads on each
    const base = opaqueBackground(confusion);
    for (let i = 0; i < K; i++) {
      const cells = [];
      for (let j = 0; j < K; j++) {
        const v = e.confusion[i * K + j];
        const td = el('td', { text: String(v) });
        const rgb = blendRgb([33, 102, 172], base, v / max);
        td.style.background = `rgb(${rgb.join(', ')})`;
        td.style.color = textOnRgb(...rgb);
        cells.push(td);
      }
      rows.push(el('tr', {}, el('th', { text: CLASSES[i] }), ...cells));
    }
    confusion.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
    confusion.dataset.accuracy = String(e.accuracy);
    let n = 0;
    for (const v of e.confusion) n += v;
    confusionCaption.textContent = `Confusion matrix on ${n.toLocaleString('en')} test images at step ${run.step} (rows: true class, columns: predicted); accuracy ${(100 * e.accuracy).toFixed(1)}%`;
  }

  // --- look inside -------------------------------------------------------------------
  let current = { source: 'test', index: 0 }; // the input the views show
  let inspected = null; // the last classify result, with the input it was computed for
  let asked = 0; // the latest classify request; older answers are dropped

  async function refreshInput() {
    if (!run || destroyed) return;
    const ticket = ++asked;
    const step = run.step;
    const input = current;
    let r = null;
    let error = null;
    try {
      r = await engine.nnlab({ op: 'classify', lab: run.lab, input });
    } catch (e) {
      error = e.message;
    }
    showInput(ticket, input, step, r, error);
  }

  /** Draws the answer for input (computed at step), unless a newer request was made. */
  function showInput(ticket, input, step, r, error) {
    if (ticket !== asked || destroyed) return;
    if (r) {
      inputError.hidden = true;
      inspected = { ...r, step, classes: run.classes, name: input.name };
      drawInspected(inspected);
    } else {
      // the previous picture, prediction and maps belong to another input: gone
      inspected = null;
      const what =
        input.source === 'upload'
          ? `“${input.name}”`
          : input.source === 'test'
            ? `test image #${input.index}`
            : 'the drawing';
      inputError.textContent = `${what}: ${error}`;
      inputError.hidden = false;
      seen.getContext('2d').clearRect(0, 0, seen.width, seen.height);
      inputText.textContent = `No prediction: ${what} could not be fed to the network.`;
      probs.replaceChildren();
      maps.replaceChildren();
      delete root.dataset.predicted;
      root.dataset.inputSource = 'none';
      maps.dataset.layers = '0';
    }
  }

  function drawInspected(r) {
    const CLASSES = r.classes;
    drawGrey(
      seen,
      Float32Array.from(r.pixels, (v) => v / 255),
      28,
      28,
    );
    const top = r.probs[r.predicted];
    const what =
      r.input.source === 'test'
        ? `Test image #${r.input.index} (${CLASSES[r.label]})`
        : r.input.source === 'drawing'
          ? 'Your drawing'
          : `Your image${r.name ? ` “${r.name}”` : ''} (${r.file.width} × ${r.file.height}, downscaled to 28 × 28 grey${r.input.invert ? ', inverted' : ''})`;
    inputText.textContent = `${what}: the network (step ${r.step}) says ${CLASSES[r.predicted]}, ${(100 * top).toFixed(1)}%.`;
    probs.replaceChildren(
      ...Array.from(r.probs, (p, k) => {
        const bar = el('span', { class: 'cp-nn-bar' });
        bar.style.width = `${(100 * p).toFixed(1)}%`;
        return el(
          'li',
          {
            class: k === r.predicted ? 'cp-nn-top' : null,
            'data-class': k,
            'data-p': p,
          },
          el('span', { class: 'cp-nn-class', text: CLASSES[k] }),
          el('span', { class: 'cp-nn-barbox' }, bar),
          el('span', { class: 'cp-nn-pct', text: `${(100 * p).toFixed(1)}%` }),
        );
      }),
    );
    const pools = r.maps.findIndex((m) => m.type === 'maxpool' || m.type === 'avgpool');
    const firstBlock = pools < 0 ? 0 : pools;
    drawMaps(r.maps, firstBlock);
    root.dataset.predicted = String(r.predicted);
    root.dataset.inputSource = r.input.source;
    maps.dataset.layers = String(r.maps.length);
  }

  // The maps of every layer, kept and drawn again in place while the shapes
  // stay: new canvases at every redraw (about a hundred) made the garbage
  // collector stop the page for a third of a second now and then.
  function drawMaps(list, firstBlock) {
    while (maps.children.length > list.length) maps.lastChild.remove();
    list.forEach((m, i) => {
      const [D, H, W] = m.shape;
      // the first block (conv 1 to the first pooling) opens in the layer panel
      const first = m.layer <= firstBlock;
      const key = `${m.layer}|${m.name}|${D}|${H}|${W}|${first}`;
      let fig = maps.children[i];
      if (!fig || fig.dataset.key !== key) {
        const tiles = Array.from({ length: D }, (_, d) => {
          const c = el('canvas', {
            width: W,
            height: H,
            title: `${m.name}, map ${d + 1} of ${D}${first ? ': click to open conv 1 in the layer panel' : ''}`,
            'data-map': d,
            'data-layer': m.layer,
            'data-first': first ? '1' : '0',
            class: first ? 'cp-nn-openable' : null,
          });
          c.style.width = `${Math.max(W, H) === 1 ? 14 : Math.max(28, Math.round((56 * W) / 28))}px`;
          return c;
        });
        const made = el(
          'figure',
          { class: 'cp-nn-map', 'data-layer': m.layer, 'data-key': key },
          el('figcaption'),
          el('div', { class: 'cp-nn-tiles' }, ...tiles),
        );
        if (fig) fig.replaceWith(made);
        else maps.append(made);
        fig = made;
      }
      const { absMax } = rangeOf(m.data);
      const tiles = fig.lastChild.children;
      for (let d = 0; d < D; d++) {
        drawDiverging(tiles[d], m.data, H, W, { offset: d * H * W, range: absMax });
      }
      fig.firstChild.textContent = `${m.layer + 1}. ${m.name}: ${W} × ${H} × ${D}, values ${fmtRange(m.data)}`;
    });
  }

  function fmtRange(data) {
    const { min, max } = rangeOf(data);
    return `${min.toPrecision(3)} to ${max.toPrecision(3)}`;
  }

  ctx.listen(testIndex.input, 'change', () => {
    const max = Number(testIndex.input.max);
    const row = { name: 'test', type: 'int', min: 0, max, default: 0 };
    const { value, note } = readField(testIndex.input, row, 'test image #');
    inputNotice.textContent = note ?? '';
    testIndex.input.value = String(value);
    current = { source: 'test', index: value };
    refreshInput();
  });

  // The drawing pad: 28 x 28 grey values, light strokes on black as in
  // Fashion-MNIST, a soft round brush of radius 1.5 pixels.
  const drawing = new Uint8Array(28 * 28);
  let last = null;
  const drawPad = () =>
    drawGrey(
      pad,
      Float32Array.from(drawing, (v) => v / 255),
      28,
      28,
    );
  function dab(x, y) {
    for (let i = Math.max(0, Math.floor(y - 2)); i <= Math.min(27, Math.ceil(y + 2)); i++) {
      for (let j = Math.max(0, Math.floor(x - 2)); j <= Math.min(27, Math.ceil(x + 2)); j++) {
        const d = Math.hypot(i + 0.5 - y, j + 0.5 - x);
        const v = Math.round(255 * Math.max(0, Math.min(1, 2 - d)));
        if (v > drawing[i * 28 + j]) drawing[i * 28 + j] = v;
      }
    }
  }
  function padPoint(e) {
    const b = pad.getBoundingClientRect();
    return [(28 * (e.clientX - b.left)) / b.width, (28 * (e.clientY - b.top)) / b.height];
  }
  ctx.listen(pad, 'pointerdown', (e) => {
    pad.setPointerCapture?.(e.pointerId);
    last = padPoint(e);
    dab(...last);
    drawPad();
    e.preventDefault();
  });
  ctx.listen(pad, 'pointermove', (e) => {
    if (!last) return;
    const p = padPoint(e);
    const n = Math.max(1, Math.ceil(Math.hypot(p[0] - last[0], p[1] - last[1]) / 0.5));
    for (let t = 1; t <= n; t++) {
      dab(last[0] + ((p[0] - last[0]) * t) / n, last[1] + ((p[1] - last[1]) * t) / n);
    }
    last = p;
    drawPad();
  });
  const endStroke = () => {
    if (!last) return;
    last = null;
    current = { source: 'drawing', pixels: drawing.slice() };
    refreshInput();
  };
  ctx.listen(pad, 'pointerup', endStroke);
  ctx.listen(pad, 'pointercancel', endStroke);
  ctx.listen(clearPad, 'click', () => {
    drawing.fill(0);
    drawPad();
  });
  drawPad();

  let uploaded = null; // the file's bytes
  ctx.listen(upload, 'change', async () => {
    const f = upload.files?.[0];
    if (!f) return;
    uploaded = new Uint8Array(await f.arrayBuffer());
    current = {
      source: 'upload',
      file: uploaded,
      name: f.name,
      invert: invert.checked && run?.lab !== 'own',
    };
    refreshInput();
  });
  ctx.listen(invert, 'change', () => {
    if (current.source !== 'upload') return;
    current = { ...current, invert: invert.checked && run?.lab !== 'own' };
    refreshInput();
  });

  // --- the student's own classes ------------------------------------------------------
  // own: [{name, images: [{bytes, url, from}]}]; the module checks the set's rules
  // (2 to 4 classes, 5 to 60 pictures each, names) when the network is built.
  const own = [];
  const urls = new Set();
  let stream = null;

  function ownChanged() {
    imported = null;
    if (mode === 'own') {
      stale = true;
      running = false;
      ownText.textContent = `${ownSummary(own)} Press Train (or Step) to train on them.`;
    }
    drawOwn();
  }

  /** A class added, removed or renamed in the page: the link's names follow. */
  function ownEdited() {
    ctx.set('nncls', namesOf(own));
    ownChanged();
  }

  function drawOwn() {
    classRows.replaceChildren(
      ...own.map((c, ci) => {
        const name = el('input', {
          type: 'text',
          value: c.name,
          maxlength: 40,
          placeholder: ['cup', 'cat', 'hand', 'book'][ci],
          'aria-label': `name of class ${ci + 1}`,
          'data-part': 'nn-own-name',
        });
        name.addEventListener('change', () => {
          c.name = name.value;
          ownEdited();
        });
        const files = el('input', {
          type: 'file',
          accept: 'image/*',
          multiple: true,
          'aria-label': `pictures of class ${ci + 1}`,
          'data-part': 'nn-own-files',
        });
        files.addEventListener('change', async () => {
          const list = [...(files.files ?? [])];
          files.value = '';
          for (const f of list) {
            c.images.push({ bytes: new Uint8Array(await f.arrayBuffer()), from: f.name, blob: f });
          }
          ownChanged();
        });
        const snap = el(
          'button',
          { type: 'button', 'data-part': 'nn-own-snap', disabled: !stream },
          'Snapshot',
        );
        snap.addEventListener('click', () => snapshot(c));
        const clear = el('button', { type: 'button', 'data-part': 'nn-own-clear' }, 'Clear');
        clear.addEventListener('click', () => {
          c.images = [];
          ownChanged();
        });
        const remove = el(
          'button',
          { type: 'button', 'data-part': 'nn-own-remove', disabled: own.length <= 1 },
          'Remove',
        );
        remove.addEventListener('click', () => {
          own.splice(ci, 1);
          ownEdited();
        });
        const thumbs = el('div', { class: 'cp-nn-thumbs' });
        for (const im of c.images.slice(-12)) {
          if (!im.url) {
            im.url = URL.createObjectURL(im.blob);
            urls.add(im.url);
          }
          thumbs.append(el('img', { src: im.url, alt: im.from, width: 28, height: 28 }));
        }
        return el(
          'fieldset',
          { class: 'cp-nn-class', 'data-class': ci },
          el('legend', { text: `class ${ci + 1}` }),
          name,
          el('label', {}, 'pictures ', files),
          snap,
          clear,
          remove,
          el('span', {
            class: 'cp-nn-count',
            text: `${c.images.length} ${c.images.length === 1 ? 'picture' : 'pictures'}`,
          }),
          thumbs,
        );
      }),
    );
    addClass.disabled = own.length >= MAX_OWN_CLASSES;
    showOwnProblem();
  }

  // the module's answer for the set as it is now (a later edit's answer wins)
  let problemAsked = 0;
  async function showOwnProblem() {
    const mine = ++problemAsked;
    const problem = await ownProblem(engine, own).catch((e) => e.message);
    if (mine === problemAsked && !destroyed)
      ownNotice.textContent = problem ? `To train: ${problem}.` : '';
  }

  ctx.listen(addClass, 'click', () => {
    if (own.length < MAX_OWN_CLASSES) own.push({ name: '', images: [] });
    ownEdited();
  });

  function setMode(m) {
    if (m === mode) return;
    mode = m;
    imported = null;
    dataOwn.checked = m === 'own';
    dataFashion.checked = m !== 'own';
    ownBox.hidden = m !== 'own';
    compare.hidden = m === 'own'; // the comparison trains on Fashion-MNIST
    invert.disabled = m === 'own';
    running = false;
    if (m === 'own') {
      drawOwn();
      stale = true;
      status.textContent = 'Name your classes and add pictures, then press Train.';
    } else {
      serial(build);
    }
  }
  ctx.listen(dataOwn, 'change', () => ctx.set('nndata', 'own'));
  ctx.listen(dataFashion, 'change', () => ctx.set('nndata', 'fashion'));

  // The webcam: getUserMedia where the browser offers it (https or localhost).
  const stopCamera = () => {
    for (const t of stream?.getTracks() ?? []) t.stop();
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    camera.textContent = 'Start the webcam';
    drawOwn();
  };
  ctx.listen(camera, 'click', async () => {
    if (stream) {
      stopCamera();
      return;
    }
    if (!navigator.mediaDevices?.getUserMedia) {
      ownText.textContent =
        'This browser gives no camera access here (it needs https or localhost): upload pictures instead.';
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
    } catch (e) {
      ownText.textContent = `No webcam: ${e.message || e.name}. Upload pictures instead.`;
      return;
    }
    if (destroyed) {
      stopCamera();
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play().catch(() => {});
    camera.textContent = 'Stop the webcam';
    drawOwn();
  });

  /** The webcam's current picture (its centre square, at most 224 pixels) as a PNG of class c. */
  async function snapshot(c) {
    if (!stream || !video.videoWidth) {
      ownText.textContent = 'The webcam has no picture yet: wait a moment and try again.';
      return;
    }
    const side = Math.min(video.videoWidth, video.videoHeight);
    const out = Math.min(side, 224);
    const canvas = el('canvas', { width: out, height: out });
    canvas
      .getContext('2d')
      .drawImage(
        video,
        (video.videoWidth - side) / 2,
        (video.videoHeight - side) / 2,
        side,
        side,
        0,
        0,
        out,
        out,
      );
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) {
      ownText.textContent = 'The snapshot could not be encoded.';
      return;
    }
    c.images.push({ bytes: new Uint8Array(await blob.arrayBuffer()), from: 'snapshot', blob });
    ownChanged();
  }

  // --- export and import --------------------------------------------------------------
  // A weights file is the playground's configuration (embed/transfer.js, format
  // "convplay-config", version 1: the whole state, so the lab's architecture,
  // hyperparameters and seed) with one more field, network: {classes, step,
  // layers: [{layer, name, w: {shape, data}, b, gamma?, beta?, runningMean?,
  // runningVar?}]}; numbers are float32 written with 9 digits, so they read back
  // exactly.
  async function exportWeights() {
    if (!run) throw new Error('no network yet: press Train or Step first');
    const { parameters } = await engine.nnlab({ op: 'parameters', lab: run.lab });
    const file = configOf(ctx.state);
    file.network = {
      classes: run.classes.slice(),
      step: run.step,
      layers: parameters.map((p) => {
        const o = { layer: p.layer, name: p.name };
        if (p.w) o.w = { shape: p.w.shape, data: exact(p.w.data) };
        for (const k of ['b', 'gamma', 'beta', 'runningMean', 'runningVar'])
          if (p[k]) o[k] = exact(p[k]);
        return o;
      }),
    };
    const text = JSON.stringify(file);
    lastExport = text;
    download(
      new Blob([text], { type: 'application/json' }),
      `convplay-network-step${run.step}.json`,
      ctx.doc,
    );
    transferText.textContent = `Exported the weights at step ${run.step} (${(text.length / 1024).toFixed(0)} KB).`;
  }
  let lastExport = null;

  /** The network part of a weights file, checked for its shape; throws naming the field. */
  function readNetwork(data) {
    const n = data.network;
    if (!n || typeof n !== 'object' || Array.isArray(n))
      throw new Error(
        'network: missing: this configuration holds no trained weights (export them from the network lab)',
      );
    if (
      !Array.isArray(n.classes) ||
      n.classes.length < 2 ||
      n.classes.length > CLASSES.length ||
      !n.classes.every((c) => typeof c === 'string' && c.length >= 1 && c.length <= 40)
    )
      throw new Error(
        `network.classes: must be 2 to ${CLASSES.length} class names of 1 to 40 characters`,
      );
    if (!Array.isArray(n.layers)) throw new Error('network.layers: missing, or not an array');
    n.layers.forEach((l, i) => {
      if (!l || typeof l !== 'object' || Array.isArray(l))
        throw new Error(`network.layers[${i}]: not an object`);
      if (typeof l.name !== 'string') throw new Error(`network.layers[${i}].name: missing`);
      if (l.w !== undefined && (!l.w || typeof l.w !== 'object' || !Array.isArray(l.w.data)))
        throw new Error(`network.layers[${i}].w.data: missing, or not an array of numbers`);
    });
    return n;
  }

  /** Throws when patch would move a row the page locks (what asks for it: `who`). */
  function refuseLocked(patch, who) {
    const held = Object.keys(patch).filter(
      (n) => ctx.locked(n) && String(patch[n]) !== String(ctx.state[n]),
    );
    if (held.length)
      throw new Error(
        `${who} needs other values than this page locks: ${describeLocked(held, (n) => ctx.state[n])}`,
      );
  }

  async function importWeights(f) {
    if (f.size > MAX_WEIGHTS_BYTES)
      throw new Error(
        `“${f.name}” is ${(f.size / 1048576).toFixed(1)} MB; a weights file is at most ${MAX_WEIGHTS_BYTES / 1048576} MB`,
      );
    let data;
    try {
      data = JSON.parse(await f.text());
    } catch (e) {
      throw new Error(`“${f.name}” is not JSON (${e.message})`, { cause: e });
    }
    const state = readConfigObject(data);
    const net = readNetwork(data);
    refuseLocked(Object.fromEntries(LAB_ROWS.map((name) => [name, state[name]])), 'this file');
    const fashion =
      net.classes.length === CLASSES.length && net.classes.every((c, i) => c === CLASSES[i]);
    // the file's architecture, hyperparameters and seed, then its weights
    touched = true;
    quiet = true;
    try {
      ctx.update(Object.fromEntries(LAB_ROWS.map((name) => [name, state[name]])));
    } finally {
      quiet = false;
    }
    if (fashion) setModeQuiet('fashion');
    else {
      setModeQuiet('own');
      const same =
        own.length === net.classes.length && own.every((c, i) => c.name.trim() === net.classes[i]);
      imported = same ? null : net.classes.slice();
    }
    if (!(await build())) return false;
    const here = run.layers;
    for (const [i, l] of net.layers.entries()) {
      const mine = here[l.layer];
      if (!mine || mine.name !== l.name)
        throw new Error(
          `network.layers[${i}]: layer ${l.layer} is “${l.name}” in the file but “${mine?.name ?? 'nothing'}” in this network (the file's state and weights disagree)`,
        );
    }
    const r = await engine.nnlab({
      op: 'setParameters',
      lab: run.lab,
      parameters: net.layers.map((l) => ({ ...l, w: l.w?.data, name: undefined })),
    });
    drawFilters(r.filters);
    if (run.plan.totalSteps) drawConfusion(await evaluate(0));
    await refreshInput();
    transferText.textContent = `Imported “${f.name}”: ${net.classes.length} classes, trained for ${Number(net.step) || 0} steps.`;
    status.textContent = `Imported weights (${net.classes.join(', ')}); Train goes on training them from here.`;
    return true;
  }
  let quiet = false;
  let touched = false; // an import has changed the lab's configuration
  function setModeQuiet(m) {
    if (m === mode) return;
    mode = m;
    quiet = true;
    try {
      ctx.set('nndata', m);
    } finally {
      quiet = false;
    }
    dataOwn.checked = m === 'own';
    dataFashion.checked = m !== 'own';
    ownBox.hidden = m !== 'own';
    compare.hidden = m === 'own';
    invert.disabled = m === 'own';
    if (m === 'own') drawOwn();
  }

  ctx.listen(exportBtn, 'click', () =>
    serial(async () => {
      try {
        await exportWeights();
      } catch (e) {
        transferText.textContent = `Export failed: ${e.message}`;
      }
    }),
  );
  ctx.listen(importFile, 'change', () => {
    const f = importFile.files?.[0];
    importFile.value = '';
    if (!f) return;
    transferText.textContent = `Importing “${f.name}”…`;
    running = false;
    const before = Object.fromEntries(LAB_ROWS.map((name) => [name, ctx.state[name]]));
    const beforeMode = mode;
    touched = false;
    serial(() =>
      importWeights(f).catch((e) => {
        transferText.textContent = '';
        let again = '';
        if (touched) {
          // weights that did not fit the file's own architecture: the lab's
          // configuration comes back, freshly initialised
          again = ' The lab is back to its own configuration, with new weights from its seed.';
          const changed = LAB_ROWS.some((name) => ctx.state[name] !== before[name]);
          setModeQuiet(beforeMode);
          imported = null;
          if (changed) ctx.update(before);
          else serial(build);
        }
        const err = new Error(`The weights were not imported: ${e.message}${again}`);
        serial(() => showError(err));
      }),
    );
  });

  // --- open a first-layer filter or map in the layer panel --------------------------
  // The layer panel computes one convolution of a 1- or 3-channel image, so the
  // network's first convolution opens there exactly: the input the lab shows
  // (28 x 28 grey, as a PNG upload), its filters as custom weights and its
  // biases, F, P, stride 1; the clicked map's pixel is pinned in the inspector.
  // Deeper convolutions take the many maps of the layer before, which the layer
  // panel cannot take as its input.
  async function openInLayerPanel(k, y, x) {
    if (!run || !inspected) throw new Error('no network and input yet: press Step first');
    running = false;
    await busy;
    await refreshInput(); // the maps and the weights of the same moment
    const shown = inspected;
    const { parameters } = await engine.nnlab({ op: 'parameters', lab: run.lab });
    const first = parameters.find((p) => p.layer === 0);
    const [K, C, F] = first.w.shape;
    const open = Math.min(K, rowOf('k').max);
    const spec0 = run.plan.layers[0];
    const P = Number(conv[0].p.input.value);
    const patch = {
      size: 28,
      fit: 'keep',
      grey: C === 1,
      batch: 1,
      f: F,
      fw: F,
      fsep: false,
      p: P,
      pad: 'zero',
      s: 1,
      sw: 1,
      ssep: false,
      dil: 1,
      k: open,
      mode: 'xcorr',
      filters: Array(open).fill('custom'),
      bias: exact(first.b.slice(0, open)),
      at: `${Math.min(k, open - 1)}.${y}.${x}`,
    };
    for (let i = 0; i < open; i++)
      patch[`w${i}`] = exact(first.w.data.slice(i * C * F * F, (i + 1) * C * F * F));
    refuseLocked({ ...patch, img: 'upload' }, 'conv 1');
    const blob = greyPng(Uint8Array.from(shown.pixels), 28, 28);
    ctx.update(patch);
    await ctx.openFile?.(blob, `network lab input (step ${shown.step})`);
    root.dataset.opened = `${k}.${y}.${x}`;
    transferText.textContent = '';
    status.textContent =
      mapNote.textContent = `Opened conv 1 (${spec0.name}) in the layer panel: the same ${shown.input.source === 'test' ? `test image #${shown.input.index}` : 'input'} and the weights at step ${shown.step}${K > open ? ` (its first ${open} of ${K} filters: the layer panel shows at most ${open})` : ''}; map ${Math.min(k, open - 1) + 1}, pixel (${y}, ${x}) is pinned in the inspector.`;
    ctx.goTo('layer-panel', { focus: false });
  }
  const openFailed = (e) =>
    showError(new Error(`Could not open it in the layer panel: ${e.message}`));

  ctx.listen(filters, 'click', (e) => {
    const t = run?.layers?.[0];
    if (!t) return;
    const K = Number(filters.dataset.drawn);
    const b = filters.getBoundingClientRect();
    const k = Math.min(K - 1, Math.floor(((e.clientX - b.left) / b.width) * K));
    const [, H, W] = t.output;
    openInLayerPanel(k, Math.floor(H / 2), Math.floor(W / 2)).catch(openFailed);
  });
  ctx.listen(maps, 'click', (e) => {
    const tile = e.target.closest?.('canvas[data-map]');
    if (!tile) return;
    const layer = Number(tile.dataset.layer);
    const d = Number(tile.dataset.map);
    const b = tile.getBoundingClientRect();
    const y = Math.min(tile.height - 1, Math.floor(((e.clientY - b.top) / b.height) * tile.height));
    const x = Math.min(tile.width - 1, Math.floor(((e.clientX - b.left) / b.width) * tile.width));
    if (tile.dataset.first === '1') {
      const [, H] = run.layers[0].output;
      // a map of the first block: pool maps show conv pixels 2y, 2x
      const f = H / tile.height;
      openInLayerPanel(d, Math.floor(y * f), Math.floor(x * f)).catch(openFailed);
    } else {
      mapNote.textContent = `Map ${d + 1} of layer ${layer + 1} (${run.layers[layer].name}) is computed from the ${run.layers[layer - 1]?.output[0] ?? ''} maps of layer ${layer}; the layer panel convolves a 1- or 3-channel image, so only the first convolution's filters and maps (and the first block's batch norm, ReLU and pooling maps) open there.`;
    }
  });

  // a link that opens the lecture step
  // a link's own classes: their names, and the choice to train on them
  syncOwn(own, ctx.state.nncls);
  if (ctx.state.nndata === 'own') setMode('own');
  let lectureRun = STEPS.find((st) => st.id === ctx.state.lstep)?.run === 'compare';
  if (lectureRun) serial(runComparison);
  else serial(checkArchitecture);
  drawCurves();
  return {
    destroy() {
      destroyed = true;
      running = false;
      for (const t of stream?.getTracks() ?? []) t.stop();
      for (const u of urls) URL.revokeObjectURL(u);
    },
    api: {
      get run() {
        return run;
      },
      get inspected() {
        return inspected;
      },
      /** The last weights file exported (its JSON text), or null. */
      get lastExport() {
        return lastExport;
      },
      /** Inference mode on the first `limit` test images (0: all) of the current run. */
      evaluate: (limit = 0) => engine.nnlab({ op: 'evaluate', lab: run.lab, limit }),
    },
  };
}
