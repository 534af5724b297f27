// What "Run the AlexNet exercise on this image" changed in the page's own layer, said
// in one line under the exercise's buttons, with the way back: "Back to your layer"
// puts every value the exercise changed back as it was (the 96 maps stay shown).
import { el } from '../../dom.js';

// the state rows the exercise sets, as the page's controls name them
const LABELS = {
  size: 'working size',
  fit: 'shape',
  grey: 'grey image',
  f: 'F',
  fsep: 'separate kernel height and width',
  p: 'P',
  pad: 'padding mode',
  s: 'S',
  ssep: 'separate strides',
  dil: 'dilation D',
  k: 'K',
  filters: 'filters',
  mode: 'operation',
  batch: 'batch N',
  sn: "the step-through's input N",
};

const show = (v) =>
  Array.isArray(v) ? v.join(', ') || 'presets' : typeof v === 'boolean' ? (v ? 'on' : 'off') : v;

/** "F 3 → 11, S 1 → 4, ..." for the rows of `changed` (their values before and now). */
export function describeChanges(before, now, changed) {
  return [...changed]
    .filter((name) => LABELS[name])
    .map((name) => `${LABELS[name]} ${show(before[name])} → ${show(now[name])}`)
    .join(', ');
}

/** Mounts the line into box; remember(before, changed) after the exercise set the layer. */
export function mountUndo(ctx, box) {
  let saved = null; // the rows the exercise changed, as they were before it
  const text = el('span', { class: 'cp-alex-changes' });
  const back = el('button', { type: 'button', class: 'cp-alex-back' }, 'Back to your layer');
  const line = el('p', { class: 'cp-alex-changed', role: 'status' }, text, ' ', back);
  line.hidden = true;
  box.append(line);

  back.addEventListener('click', () => {
    if (!saved) return;
    const patch = saved;
    saved = null;
    line.hidden = true;
    ctx.update(patch);
  });

  return {
    remember(before, changed) {
      const rows = [...changed].filter((name) => LABELS[name]);
      if (!rows.length) return;
      saved = Object.fromEntries(rows.map((name) => [name, before[name]]));
      text.textContent = `The exercise set the page's layer to AlexNet's first layer: ${describeChanges(before, ctx.state, rows)}. The page's layer holds at most 16 filters, so it shows 16 maps of its own; all 96 are below.`;
      line.hidden = false;
    },
  };
}
