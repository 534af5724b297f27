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

export function mountLayers(lab) {
  const body = el('tbody');
  return {
    nodes: [el('table', { class: 'cp-nn-layers' }, head(), body)],
    /** The rows of lab.run's layers and their total. */
    draw() {
      const { run } = lab;
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
    clear: () => body.replaceChildren(),
  };
}
