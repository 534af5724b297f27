// The confusion matrix of the last test point: rows the true class, columns
// the predicted one, each cell blue in proportion to its count.
import { el } from '../../dom.js';
import { blendRgb, opaqueBackground, textOnRgb } from '../../render.js';

const NO_CONFUSION = 'The confusion matrix appears with the first test point.';

/** The table's rows: one per true class (e: an evaluation, names: the class names). */
function rows(table, e, names) {
  const K = e.classes;
  let max = 1;
  for (const v of e.confusion) max = Math.max(max, v);
  // opaque cells (blue over the panel's own background) with the text that reads on each
  const base = opaqueBackground(table);
  const out = [];
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
    out.push(el('tr', {}, el('th', { text: names[i] }), ...cells));
  }
  return out;
}

export function mountConfusion(lab) {
  const table = el('table', { class: 'cp-nn-confusion' });
  const caption = el('figcaption', { text: NO_CONFUSION });
  return {
    node: el('figure', {}, table, caption),
    /** Draws evaluation e ({classes, confusion, accuracy}) of lab.run at its step. */
    draw(e) {
      const names = lab.run.classes;
      const head = el(
        'tr',
        {},
        el('th', { text: 'true \\ predicted' }),
        ...names.slice(0, e.classes).map((c) => el('th', { text: c })),
      );
      table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows(table, e, names)));
      table.dataset.accuracy = String(e.accuracy);
      let n = 0;
      for (const v of e.confusion) n += v;
      caption.textContent = `Confusion matrix on ${n.toLocaleString('en')} test images at step ${lab.run.step} (rows: true class, columns: predicted); accuracy ${(100 * e.accuracy).toFixed(1)}%`;
    },
    clear() {
      table.replaceChildren();
      caption.textContent = NO_CONFUSION;
    },
  };
}
