// Look inside: one input (a test image, a drawing, an upload) through the
// network in inference mode (answer.js draws what it says). lab.current is
// the input shown; an answer to an older request than the latest (lab.asked)
// is dropped.
import { el } from '../../dom.js';
import { numberInput, readField } from './fields.js';
import { mountAnswer } from './answer.js';
import { mountPad } from './pad.js';
import { paced } from './paced.js';
import { INSIDE_PAINT_MS } from './constants.js';

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

/** The sources' listeners: each choice of input is handed to choose(input). */
function listenSources(lab, { testIndex, upload, invert }, notice, choose) {
  const { ctx } = lab;
  ctx.listen(testIndex.input, 'change', () => {
    const max = Number(testIndex.input.max);
    const row = { name: 'test', type: 'int', min: 0, max, default: 0 };
    const { value, note } = readField(testIndex.input, row, 'test image #');
    notice.textContent = note ?? '';
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
}

/** The sources' box: the test image's number, the drawing pad, the upload. */
function sourcesBox({ testIndex, upload, invert }, padNode) {
  return el(
    'div',
    { class: 'cp-nn-sources' },
    el('div', {}, testIndex.row),
    padNode,
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
  );
}

/** onOpen(k, y, x): a first-block map was clicked. */
export function mountInside(lab, onOpen) {
  const { ctx } = lab;
  const { testIndex, upload, invert } = sources(ctx);
  const notice = el('p', {
    class: 'message notice cp-nn-input-notice',
    role: 'status',
    'data-part': 'nn-input-notice',
  });
  const answer = mountAnswer(lab, onOpen);
  const pad = mountPad(lab, (pixels) => choose({ source: 'drawing', pixels }));

  // while training, the answer is drawn a few times a second (the curves at every update)
  const pace = paced(INSIDE_PAINT_MS, (ticket, input, step, r, error) => {
    if (ticket !== lab.asked || lab.destroyed || !lab.run) return;
    answer.draw(input, step, r, error);
  });
  /**
   * Draws the answer for input (computed at step), unless a newer request was
   * made or the run it was asked of is gone (a rebuild that failed meanwhile);
   * live (a step of a training run going on): paced.
   */
  function show(ticket, input, step, r, error, live = false) {
    if (live) pace.live(ticket, input, step, r, error);
    else pace.now(ticket, input, step, r, error);
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

  listenSources(lab, { testIndex, upload, invert }, notice, choose);
  const node = el(
    'section',
    { class: 'cp-nn-inside', 'aria-labelledby': ctx.id('nn-inside-h') },
    el('h3', { id: ctx.id('nn-inside-h'), text: 'Look inside: one image through the network' }),
    sourcesBox({ testIndex, upload, invert }, pad.node),
    answer.error,
    notice,
    ...answer.nodes,
  );

  return {
    node,
    refresh,
    show,
    /** The map note (what a click on a map did). */
    set note(text) {
      answer.note = text;
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
