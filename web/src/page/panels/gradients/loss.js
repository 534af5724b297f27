// The loss shown: which output pixel the 'pixel' loss uses, L's value, and
// the formulas of L, dL/do and the convolution's backward pass (formulas.js).
import { fmt } from '../../render.js';
import { el } from '../../dom.js';
import { formulaLines, formulaNotes } from './formulas.js';

function pixelText(p) {
  return p.pinned
    ? `The chosen output pixel is the pinned one: map ${p.k + 1}, row ${p.y}, column ${p.x}. Click another pixel of a feature map (or press Enter on one) to choose it.`
    : `No pixel is pinned: using the centre of map 1 (row ${p.y}, column ${p.x}). Click a pixel of a feature map (or press Enter on one) to choose it.`;
}

export function mountLoss() {
  const pixelNote = el('p', { class: 'hint g-pixel-note', 'aria-live': 'polite' });
  const value = el('b', { class: 'g-loss-value', text: '–' });
  const line = el('p', { class: 'g-loss-line' }, 'L = ', value);
  const formulas = el('div', { class: 'g-formulas' });

  /** g: the gradients; s: the live state; fs: the state the formulas describe. */
  function update(g, s, fs) {
    value.textContent = fmt(g.loss, 6);
    value.dataset.value = String(g.loss);
    pixelNote.hidden = s.gl !== 'pixel';
    pixelNote.textContent = pixelText(g.pixel);
    formulas.replaceChildren(
      ...formulaLines(g, fs).map((t) => el('p', { class: 'cp-formula', text: t })),
      ...formulaNotes(g).map((t) => el('p', { class: 'hint g-note', text: t })),
    );
  }
  return { pixelNote, line, formulas, update };
}
