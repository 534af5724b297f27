// "Open as a notebook" (ctx.notebook): the button a panel puts beside what it
// shows. A press asks the worker for the notebook (the 'notebook' job,
// worker/jobs/notebook.js: built where the data is, from the numbers the
// page drew) and saves its JSON text as a .ipynb file (a blob: download:
// nothing leaves the machine). An instance mounted with notebook: false (the
// element's notebook="off") offers none: button() then returns null.
//
//   const node = ctx.notebook.button({
//     kind: 'layer', label: 'Open the layer as a notebook',
//     hint: 'A Jupyter notebook that recomputes ...',
//     job: () => ({ layerKey: ctx.result.key }),   // throws, saying why, when there is nothing yet
//     file: () => 'convplay-layer.ipynb',
//   });
import { el } from '../dom.js';
import { download } from '../../common/transfer.js';

const SIZE_UNITS = [
  [1048576, 'MB'],
  [1024, 'KB'],
];

function sizeText(n) {
  for (const [unit, name] of SIZE_UNITS)
    if (n >= unit) return `${(n / unit).toFixed(unit > 1024 ? 1 : 0)} ${name}`;
  return `${n} bytes`;
}

/** The reason a notebook could not be made, in the page's words. */
function failureText(e) {
  if (e && e.name === 'StaleLayer') return 'the layer changed meanwhile; press the button again.';
  return e && e.message ? e.message : String(e);
}

/**
 * The notebook service of one instance. engine: its engine; doc: its
 * document; id(name): its prefixed ids; enabled: false when the instance
 * offers no notebooks; link(): the page's link put in the notebook ('' for none).
 */
export function createNotebooks({ engine, doc, id, enabled = true, link = () => '' }) {
  let busy = 0; // notebooks being built (the tests wait for 0)

  async function save(spec, status, button) {
    button.disabled = true;
    busy += 1;
    status.textContent = 'Building the notebook…';
    try {
      const fields = spec.job();
      const name = spec.file();
      const r = await engine.notebook({ kind: spec.kind, link: link(), ...fields });
      download(new Blob([r.ipynb], { type: 'application/x-ipynb+json' }), name, doc);
      status.textContent = `Saved ${name} (${sizeText(r.bytes)}): open it in Jupyter, or in Colab with File > Upload notebook.`;
    } catch (e) {
      status.textContent = `No notebook: ${failureText(e)}`;
    } finally {
      busy -= 1;
      button.disabled = false;
    }
  }

  /** The button, its line and its status for a panel (spec: see above), or null when off. */
  function button(spec) {
    if (!enabled) return null;
    const part = `notebook-${spec.kind}`;
    const hintId = id(`${part}-hint`);
    const btn = el(
      'button',
      { type: 'button', class: 'cp-nb-button', 'data-part': part, 'aria-describedby': hintId },
      spec.label,
    );
    const hint = el('span', { class: 'hint cp-nb-hint', id: hintId, text: spec.hint });
    const status = el('span', { class: 'cp-nb-status', role: 'status', 'aria-live': 'polite' });
    btn.addEventListener('click', () => save(spec, status, btn));
    return el('div', { class: 'cp-notebook', 'data-notebook': spec.kind }, btn, hint, status);
  }

  return Object.freeze({
    enabled,
    button,
    /** How many notebooks are being built now. */
    get busy() {
      return busy;
    },
  });
}
