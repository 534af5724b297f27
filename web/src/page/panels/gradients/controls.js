// The gradients panel's controls: compute on/off, the loss and its target,
// the batch-norm layer and the batch, the learning rate and the step buttons.
// Each control changes one state row ('grad' rows, common/state.js); sync()
// puts the state back into them.
import { MAX_BATCH, batchImages, GRAD_TARGETS } from '../../../common/state.js';
import { PRESET_LABELS } from '../../../common/filters.js';
import { fmt } from '../../render.js';
import { el } from '../../dom.js';

const LOSSES = {
  sum: 'L = Σ o (the sum of all outputs)',
  sq: 'L = ½ ‖o‖² (half the sum of squares)',
  pixel: 'L = o[k](i, j) (one output pixel: the pinned one)',
  target: 'L = ½ ‖o − t‖² (distance to a target)',
};
const LR_MIN = -9,
  LR_MAX = 1; // the slider is log10(lr)

/** A select of [value, text] options. */
const select = (attrs, options) =>
  el('select', attrs, ...options.map(([v, t]) => el('option', { value: v, text: t })));

/** A row: a control and its label (label first unless the control is a checkbox). */
const row = (cls, control, label) =>
  el('div', { class: cls }, ...(control.type === 'checkbox' ? [control, label] : [label, control]));

function batchNoteText(s) {
  return s.batch > 1
    ? `The batch: image 1 = the page's image, then ${batchImages(s).join(', ')} (each resized to image 1's size). The loss is over all ${s.batch} images' outputs; with batch norm, μ and σ² are over the whole batch. The pictures show image 1.`
    : "Only the page's image (N = 1). Choose 2 to 4 to add other samples (resized to it): batch norm then averages over the batch too.";
}

function buildInputs(id) {
  const part = (name, attrs = {}) => ({ id: id(name), 'data-part': name, ...attrs });
  return {
    on: el('input', part('g-on', { type: 'checkbox' })),
    loss: select(part('g-loss'), Object.entries(LOSSES)),
    target: select(
      part('g-target'),
      GRAD_TARGETS.map((v) => [v, PRESET_LABELS[v]]),
    ),
    bn: el('input', part('g-bn', { type: 'checkbox' })),
    batch: select(
      part('g-batch', { 'aria-describedby': id('g-batch-note') }),
      Array.from({ length: MAX_BATCH }, (_, i) => [
        String(i + 1),
        i ? `${i + 1} images` : '1 image (this one)',
      ]),
    ),
    lr: el('input', part('g-lr', { type: 'range', min: LR_MIN, max: LR_MAX, step: '0.1' })),
    lrOut: el('output', part('g-lr-out', { for: id('g-lr') })),
    safe: el('button', part('g-safe', { type: 'button' }), 'use the safe step 1/T'),
    step: el(
      'button',
      part('g-step', { type: 'button', class: 'primary' }),
      'Take a gradient step',
    ),
    step5: el('button', part('g-step5', { type: 'button' }), '5 steps'),
  };
}

/**
 * history: the list of losses (inside the descent fieldset); onStep(n) takes
 * n steps. Returns the control rows in page order (top, bnRows, stepper) and
 * sync(ready, lr).
 */
export function mountControls(ctx, { history, onStep }) {
  const id = ctx.id;
  const c = buildInputs(id);
  const label = (name, text) => el('label', { for: id(name), text });
  const targetRow = row(
    'row g-target-row',
    c.target,
    label('g-target', "target t = the layer's output with every filter set to"),
  );
  const batchNote = el('p', {
    class: 'hint g-batch-note',
    id: id('g-batch-note'),
    'data-part': 'g-batch-note',
  });
  const top = [
    row('row', c.on, label('g-on', 'Compute the gradients (backward pass)')),
    row('row', c.loss, label('g-loss', 'What to differentiate')),
    targetRow,
  ];
  const bnRows = [
    row('row', c.bn, label('g-bn', 'Batch-norm layer after the convolution (o = BN(y))')),
    row('row g-batch-row', c.batch, label('g-batch', 'Batch: N images')),
    batchNote,
  ];
  const stepper = el(
    'fieldset',
    { class: 'g-stepper' },
    el('legend', { text: 'Gradient descent' }),
    el(
      'div',
      { class: 'row' },
      el('label', { for: id('g-lr') }, 'learning rate lr ', c.lrOut),
      c.lr,
      c.safe,
    ),
    el('div', { class: 'row' }, c.step, c.step5),
    el('p', {
      class: 'hint g-step-hint',
      text: 'A step applies W ← W − lr · dL/dW and b ← b − lr · dL/db (and γ, β with batch norm). The filters become "custom" with the new weights, so the link keeps them (to 6 decimals).',
    }),
    history,
  );

  c.on.addEventListener('change', () => ctx.set('gon', c.on.checked));
  c.loss.addEventListener('change', () => ctx.set('gl', c.loss.value));
  c.target.addEventListener('change', () => ctx.set('gt', c.target.value));
  c.bn.addEventListener('change', () => ctx.set('gbn', c.bn.checked));
  c.batch.addEventListener('change', () => ctx.set('batch', Number(c.batch.value)));
  c.lr.addEventListener('input', () => {
    ctx.set('glr', Number((10 ** Number(c.lr.value)).toPrecision(2)));
  });
  c.safe.addEventListener('click', () => ctx.set('glr', 0));
  c.step.addEventListener('click', () => onStep(1));
  c.step5.addEventListener('click', () => onStep(5));

  /** The state into the controls; ready: a step can be taken; l: the learning rate in use. */
  function sync(ready, l) {
    const s = ctx.state;
    c.on.checked = s.gon;
    c.loss.value = s.gl;
    c.target.value = s.gt;
    c.bn.checked = s.gbn;
    c.batch.value = String(s.batch);
    batchNote.textContent = batchNoteText(s);
    targetRow.hidden = s.gl !== 'target';
    if (ctx.root.getRootNode().activeElement !== c.lr)
      c.lr.value = String(l > 0 ? Math.max(LR_MIN, Math.min(LR_MAX, Math.log10(l))) : LR_MIN);
    c.lrOut.textContent = `${l > 0 ? fmt(l, 2) : '–'}${s.glr > 0 ? '' : ' (the safe step 1/T)'}`;
    c.lr.setAttribute('aria-valuetext', l > 0 ? `${fmt(l, 2)}` : 'not yet known');
    c.safe.disabled = s.glr === 0;
    c.step.disabled = !ready;
    c.step5.disabled = !ready;
    c.lr.disabled = !s.gon;
  }
  return { top, bnRows, stepper, sync };
}
