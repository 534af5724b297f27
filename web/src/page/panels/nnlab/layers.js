// The table of the network's layers: each one's output volume, parameters and
// gradient norm at the last step.
import { el } from '../../dom.js';

const head = () =>
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
  );

/** The row of layer l (its gradient norm: norm, or null before a step). */
function layerRow(l, norm) {
  const [d, h, w] = l.output;
  return el(
    'tr',
    {},
    el('td', { text: l.name }),
    el('td', { text: `${w} × ${h} × ${d}` }),
    el('td', { text: l.params ? l.params.toLocaleString('en') : '–' }),
    el('td', { text: norm === null || !l.params ? '–' : norm.toPrecision(3) }),
  );
}

/** The gradient norm cells of the rows already drawn for these layers, set in place. */
function setNorms(body, layers, norms) {
  layers.forEach((l, i) => {
    const cell = body.rows[i].cells[3];
    const text = norms === null || !l.params ? '–' : norms[i].toPrecision(3);
    if (cell.textContent !== text) cell.textContent = text;
  });
}

export function mountLayers(lab) {
  const body = el('tbody');
  let drawn = null; // the layers whose rows the table shows
  return {
    nodes: [el('table', { class: 'cp-nn-layers' }, head(), body)],
    /** The rows of lab.run's layers and their total (while they stay: their norms only). */
    draw() {
      const { run } = lab;
      if (drawn === run.layers) return setNorms(body, run.layers, run.norms);
      drawn = run.layers;
      const rows = run.layers.map((l, i) => layerRow(l, run.norms ? run.norms[i] : null));
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
      body.replaceChildren(...rows);
    },
    clear() {
      drawn = null;
      body.replaceChildren();
    },
  };
}
