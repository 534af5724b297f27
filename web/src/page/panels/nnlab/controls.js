// The lab's architecture and training fields: K, F, P of its two
// convolutions, batch norm, learning rate, batch size, epochs and seed. Every
// field is a row of the state table (common/state.js), so the link holds the
// lab's configuration; the limits are the table's. A field changes its row;
// the lab follows the row (index.js), whoever changed it.
import { el } from '../../dom.js';
import { rowOf } from '../../../common/state.js';
import { numberInput, readField } from './fields.js';

/** The number field of state row `name`; says: its name in a notice. */
function field(ctx, name, domId, label, attrs = {}, says = label) {
  const row = rowOf(name);
  const f = numberInput(ctx.id(domId), label, ctx.state[name], {
    min: row.min,
    max: row.max,
    ...attrs,
  });
  return { ...f, name, says };
}

const convFields = (ctx, n) => ({
  k: field(ctx, `nnk${n}`, `nn-k${n}`, 'K', {}, `conv ${n} filters K`),
  f: field(ctx, `nnf${n}`, `nn-f${n}`, 'F', {}, `conv ${n} kernel F`),
  p: field(ctx, `nnp${n}`, `nn-p${n}`, 'P', {}, `conv ${n} padding P`),
});

export function mountControls(lab) {
  const { ctx } = lab;
  const conv = [convFields(ctx, 1), convFields(ctx, 2)];
  const bn = el('input', { id: ctx.id('nn-bn'), type: 'checkbox', checked: ctx.state.nnbn });
  const lr = field(ctx, 'nnlr', 'nn-lr', 'learning rate', { step: 0.01 });
  const batch = field(ctx, 'nnbs', 'nn-batch', 'batch size');
  const epochs = field(ctx, 'nnep', 'nn-epochs', 'epochs');
  const seed = field(ctx, 'nnseed', 'nn-seed', 'seed');
  const fields = [...conv.flatMap((c) => [c.k, c.f, c.p]), lr, batch, epochs, seed];
  // a value typed into a field that had to be clamped or replaced: which, and why
  const fieldNotice = el('p', {
    class: 'message notice cp-nn-field-notice',
    role: 'status',
    'aria-live': 'polite',
    'data-part': 'nn-field-notice',
  });
  const convBox = (c, legend) =>
    el('fieldset', {}, el('legend', { text: legend }), c.k.row, c.f.row, c.p.row);

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

  /** The network for the fields' values: batch norm after each convolution if withBn. */
  function spec(withBn = bn.checked, classes = lab.classCount()) {
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

  return {
    nodes: [
      el(
        'div',
        { class: 'cp-nn-arch' },
        convBox(conv[0], 'conv 1 (3 × 3 by default)'),
        convBox(conv[1], 'conv 2'),
        el('label', { for: bn.id, class: 'cp-nn-bn' }, bn, ' batch norm after each convolution'),
      ),
      el('div', { class: 'cp-nn-hyper' }, lr.row, batch.row, epochs.row, seed.row),
      fieldNotice,
    ],
    spec,
    /** The training run's settings. */
    config: () => ({
      learningRate: Number(lr.input.value),
      batchSize: Number(batch.input.value),
      epochs: Number(epochs.input.value),
      seed: Number(seed.input.value),
    }),
    /** The first convolution's padding P. */
    firstPad: () => Number(conv[0].p.input.value),
    /** The fields show the state's values. */
    show(state) {
      for (const f of fields) f.input.value = String(state[f.name]);
      bn.checked = state.nnbn;
    },
  };
}
