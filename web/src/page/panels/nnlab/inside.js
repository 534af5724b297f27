// Look inside: one input (a test image, a drawing, an upload) through the
// network in inference mode: what the network sees, the class probabilities
// and every layer's feature maps. lab.current is the input shown; an answer
// to an older request than the latest (lab.asked) is dropped.
import { el } from '../../dom.js';
import { drawGrey } from '../../render.js';
import { numberInput, readField } from './fields.js';
import { mountMaps } from './maps.js';
import { mountPad } from './pad.js';

const MAPS_TEXT =
  'Feature maps of every layer for this image (blue negative, red positive, white zero; each layer on its own scale), computed in inference mode: batch norm uses its running statistics. Click a map of the first convolution (or of its batch norm, ReLU or pooling) to open conv 1 in the layer panel with this image and these weights.';

/** How the text names input (of a failed request). */
const nameOf = (input) =>
  input.source === 'upload'
    ? `“${input.name}”`
    : input.source === 'test'
      ? `test image #${input.index}`
      : 'the drawing';

/** What the input of classify result r is, in words. */
function describe(r) {
  if (r.input.source === 'test') return `Test image #${r.input.index} (${r.classes[r.label]})`;
  if (r.input.source === 'drawing') return 'Your drawing';
  return `Your image${r.name ? ` “${r.name}”` : ''} (${r.file.width} × ${r.file.height}, downscaled to 28 × 28 grey${r.input.invert ? ', inverted' : ''})`;
}

/** One bar of the class probabilities: class k of r at probability p. */
function probItem(r, p, k) {
  const bar = el('span', { class: 'cp-nn-bar' });
  bar.style.width = `${(100 * p).toFixed(1)}%`;
  return el(
    'li',
    { class: k === r.predicted ? 'cp-nn-top' : null, 'data-class': k, 'data-p': p },
    el('span', { class: 'cp-nn-class', text: r.classes[k] }),
    el('span', { class: 'cp-nn-barbox' }, bar),
    el('span', { class: 'cp-nn-pct', text: `${(100 * p).toFixed(1)}%` }),
  );
}

/** The input fields: the test image's number, the upload and its inversion. */
function sources(ctx) {
  const testIndex = numberInput(ctx.id('nn-test'), 'test image #', 0, { min: 0, max: 1999 });
  const upload = el('input', {
    id: ctx.id('nn-upload'),
    type: 'file',
    accept: 'image/*',
    'data-part': 'nn-upload',
  });
  const invert = el('input', { id: ctx.id('nn-invert'), type: 'checkbox', checked: true });
  return { testIndex, upload, invert };
}

/** The views of one answer: the picture seen, its text, the probabilities, the error. */
function verdictViews() {
  return {
    seen: el('canvas', {
      class: 'cp-nn-seen',
      width: 28,
      height: 28,
      role: 'img',
      'aria-label': 'The 28 × 28 grey input the network sees',
    }),
    text: el('p', { class: 'cp-nn-input-text', 'aria-live': 'polite' }),
    error: el('p', { class: 'message error cp-nn-input-error', role: 'alert', hidden: true }),
    notice: el('p', {
      class: 'message notice cp-nn-input-notice',
      role: 'status',
      'data-part': 'nn-input-notice',
    }),
    probs: el('ol', { class: 'cp-nn-probs', 'aria-label': 'Class probabilities' }),
  };
}

export function mountInside(lab, onOpen) {
  const { ctx, root } = lab;
  const { testIndex, upload, invert } = sources(ctx);
  const v = verdictViews();
  const maps = mountMaps(lab, onOpen);
  const pad = mountPad(lab, (pixels) => choose({ source: 'drawing', pixels }));

  /** Draws classify result r (computed at its step), the input's picture and maps. */
  function drawInspected(r) {
    drawGrey(
      v.seen,
      Float32Array.from(r.pixels, (p) => p / 255),
      28,
      28,
    );
    const top = r.probs[r.predicted];
    v.text.textContent = `${describe(r)}: the network (step ${r.step}) says ${r.classes[r.predicted]}, ${(100 * top).toFixed(1)}%.`;
    v.probs.replaceChildren(...Array.from(r.probs, (p, k) => probItem(r, p, k)));
    maps.draw(r.maps);
    root.dataset.predicted = String(r.predicted);
    root.dataset.inputSource = r.input.source;
  }

  /** The input could not be fed: the previous picture, prediction and maps are gone. */
  function drawFailed(input, error) {
    lab.inspected = null;
    const what = nameOf(input);
    v.error.textContent = `${what}: ${error}`;
    v.error.hidden = false;
    v.seen.getContext('2d').clearRect(0, 0, v.seen.width, v.seen.height);
    v.text.textContent = `No prediction: ${what} could not be fed to the network.`;
    v.probs.replaceChildren();
    maps.clear();
    delete root.dataset.predicted;
    root.dataset.inputSource = 'none';
  }

  /** Draws the answer for input (computed at step), unless a newer request was made. */
  function show(ticket, input, step, r, error) {
    if (ticket !== lab.asked || lab.destroyed) return;
    if (!r) return drawFailed(input, error);
    v.error.hidden = true;
    lab.inspected = { ...r, step, classes: lab.run.classes, name: input.name };
    drawInspected(lab.inspected);
  }

  /** Asks the worker for the current input through the network and draws it. */
  async function refresh() {
    if (!lab.run || lab.destroyed) return;
    const ticket = ++lab.asked;
    const { step } = lab.run;
    const input = lab.current;
    let r = null;
    let error = null;
    try {
      r = await lab.engine.nnlab({ op: 'classify', lab: lab.run.lab, input });
    } catch (e) {
      error = e.message;
    }
    show(ticket, input, step, r, error);
  }

  function choose(input) {
    lab.current = input;
    refresh();
  }

  ctx.listen(testIndex.input, 'change', () => {
    const max = Number(testIndex.input.max);
    const row = { name: 'test', type: 'int', min: 0, max, default: 0 };
    const { value, note } = readField(testIndex.input, row, 'test image #');
    v.notice.textContent = note ?? '';
    testIndex.input.value = String(value);
    choose({ source: 'test', index: value });
  });
  ctx.listen(upload, 'change', async () => {
    const f = upload.files?.[0];
    if (!f) return;
    const file = new Uint8Array(await f.arrayBuffer());
    choose({
      source: 'upload',
      file,
      name: f.name,
      invert: invert.checked && lab.run?.lab !== 'own',
    });
  });
  ctx.listen(invert, 'change', () => {
    if (lab.current.source !== 'upload') return;
    choose({ ...lab.current, invert: invert.checked && lab.run?.lab !== 'own' });
  });

  const node = el(
    'section',
    { class: 'cp-nn-inside', 'aria-labelledby': ctx.id('nn-inside-h') },
    el('h3', { id: ctx.id('nn-inside-h'), text: 'Look inside: one image through the network' }),
    el(
      'div',
      { class: 'cp-nn-sources' },
      el('div', {}, testIndex.row),
      pad.node,
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
    v.error,
    v.notice,
    el(
      'div',
      { class: 'cp-nn-verdict' },
      el('figure', {}, v.seen, el('figcaption', { text: 'what the network sees (28 × 28 grey)' })),
      el('div', {}, v.text, v.probs),
    ),
    el('p', { text: MAPS_TEXT }),
    maps.note,
    maps.maps,
  );

  return {
    node,
    refresh,
    show,
    /** The map note (what a click on a map did). */
    set note(text) {
      maps.note.textContent = text;
    },
    /** A new run of `count` test images: the test image's number stays among them. */
    setTestCount(count) {
      testIndex.input.max = String(Math.max(0, count - 1));
      if (lab.current.source === 'test' && lab.current.index >= count) {
        lab.current = { source: 'test', index: 0 };
        testIndex.input.value = '0';
      }
    },
    /** Own classes are not inverted (their pictures are taken as they are). */
    setMode(m) {
      invert.disabled = m === 'own';
    },
  };
}
