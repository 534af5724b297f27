// The step-through's controls: Back / Play / Step, the position slider and
// the speed, the small input's side and values and the kernel, and the
// legend of the cells' colours.
import { el } from '../../dom.js';

export const SPEEDS = [
  { ms: 1500, label: 'slow' },
  { ms: 700, label: 'normal' },
  { ms: 250, label: 'fast' },
];

function buttons() {
  const btn = (cls, label, text, attrs = {}) =>
    el('button', { type: 'button', class: cls, ...attrs, 'aria-label': label }, text);
  return {
    back: btn('cp-step-back', 'Step back', '◀ Back'),
    play: btn('cp-step-play', 'Play', '▶ Play', { 'aria-pressed': 'false' }),
    fwd: btn('cp-step-fwd', 'Step forward', 'Step ▶'),
  };
}

function selects(id) {
  const select = (name, options) =>
    el(
      'select',
      { id: id(name), 'data-part': name },
      ...options.map(([value, text]) => el('option', { value, text })),
    );
  const speed = select(
    'cp-step-speed',
    SPEEDS.map((s, i) => [String(i), s.label]),
  );
  speed.value = '1';
  const sides = Array.from({ length: 9 }, (_, i) => [String(i + 3), `${i + 3} × ${i + 3}`]);
  return {
    speed,
    n: select('cp-step-n', sides),
    input: select('cp-step-in', [
      ['grid', 'small integers'],
      ['image', 'the image (grey)'],
    ]),
    kernel: select('cp-step-k', [
      ['ints', 'small integers'],
      ['layer', 'filter 1 of the layer'],
    ]),
  };
}

/** The legend of the cells' colours. */
export function legend() {
  const item = (cls, text) =>
    el('li', {}, el('span', { class: `cp-cell ${cls} cp-swatch`, 'aria-hidden': 'true' }), text);
  return el(
    'ul',
    { class: 'cp-step-legend', 'aria-label': 'Legend' },
    item('cp-in', ' input'),
    item('cp-pad', ' padding (added)'),
    item('cp-in cp-tap', ' under the window'),
    item('cp-out cp-done', ' output (computed)'),
    item('cp-out cp-todo', ' output (not yet)'),
  );
}

/** The controls' elements and their rows, in page order. */
export function mountControls(ctx) {
  const id = ctx.id;
  const b = buttons();
  const s = selects(id);
  const scrub = el('input', {
    id: id('cp-step-scrub'),
    'data-part': 'cp-step-scrub',
    type: 'range',
    min: 0,
    max: 0,
    step: 1,
    value: 0,
  });
  const pos = el('output', {
    id: id('cp-step-pos'),
    'data-part': 'cp-step-pos',
    for: id('cp-step-scrub'),
  });
  const labelled = (name, text, control) =>
    el('span', {}, el('label', { for: id(name) }, text), ' ', control);
  const rows = [
    el(
      'div',
      { class: 'cp-step-buttons', role: 'group', 'aria-label': 'Animation' },
      b.back,
      b.play,
      b.fwd,
    ),
    el(
      'div',
      { class: 'cp-step-scrubrow' },
      el('label', { for: id('cp-step-scrub') }, 'Position ', pos),
      scrub,
      el(
        'span',
        { class: 'cp-step-speed' },
        el('label', { for: id('cp-step-speed') }, 'Speed'),
        ' ',
        s.speed,
      ),
    ),
    el(
      'div',
      { class: 'cp-step-opts' },
      labelled('cp-step-n', 'Input', s.n),
      labelled('cp-step-in', 'Values', s.input),
      labelled('cp-step-k', 'Kernel', s.kernel),
    ),
  ];
  return { ...b, ...s, scrub, pos, rows };
}
