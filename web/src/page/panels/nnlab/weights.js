// The weights file: export the trained network (weights-file.js has the
// format) and import one, which sets the lab's architecture, hyperparameters,
// seed and data from the file, builds that network and loads its weights. A
// file whose weights do not fit puts the lab back as it was, freshly
// initialised.
import { el } from '../../dom.js';
import { configOf, readConfigObject, download } from '../../../embed/transfer.js';
import { LAB_ROWS, MAX_WEIGHTS_BYTES } from './constants.js';
import { refuseLocked } from './store.js';
import { checkLayers, isFashion, networkOf, readNetwork } from './weights-file.js';

const labRows = (state) => Object.fromEntries(LAB_ROWS.map((name) => [name, state[name]]));

/** The JSON of a file f (at most MAX_WEIGHTS_BYTES); throws naming the file. */
async function readJson(f) {
  if (f.size > MAX_WEIGHTS_BYTES)
    throw new Error(
      `“${f.name}” is ${(f.size / 1048576).toFixed(1)} MB; a weights file is at most ${MAX_WEIGHTS_BYTES / 1048576} MB`,
    );
  try {
    return JSON.parse(await f.text());
  } catch (e) {
    throw new Error(`“${f.name}” is not JSON (${e.message})`, { cause: e });
  }
}

/** views: {trainer, data, filters, confusion, inside}. */
export function mountWeights(lab, views) {
  const { ctx, status } = lab;
  const { trainer, data, filters, confusion, inside } = views;
  const exportBtn = el(
    'button',
    { type: 'button', 'data-part': 'nn-export' },
    'Export the trained weights (JSON)',
  );
  const importFile = el('input', {
    id: ctx.id('nn-import'),
    type: 'file',
    accept: 'application/json,.json',
    'data-part': 'nn-import',
  });
  const text = el('p', { class: 'cp-nn-transfer-text', 'aria-live': 'polite' });
  let touched = false; // an import has changed the lab's configuration

  async function exportWeights() {
    const { run } = lab;
    if (!run) throw new Error('no network yet: press Train or Step first');
    const { parameters } = await lab.engine.nnlab({ op: 'parameters', lab: run.lab });
    const file = configOf(ctx.state);
    file.network = networkOf(run.classes, run.step, parameters);
    const json = JSON.stringify(file);
    lab.lastExport = json;
    download(
      new Blob([json], { type: 'application/json' }),
      `convplay-network-step${run.step}.json`,
      ctx.doc,
    );
    text.textContent = `Exported the weights at step ${run.step} (${(json.length / 1024).toFixed(0)} KB).`;
  }

  /** The file's architecture, hyperparameters, seed and data, without a rebuild per row. */
  function applyState(state, net) {
    touched = true;
    lab.quiet = true;
    try {
      ctx.update(labRows(state));
    } finally {
      lab.quiet = false;
    }
    if (isFashion(net.classes)) data.setModeQuiet('fashion');
    else {
      data.setModeQuiet('own');
      const { own } = lab;
      const same =
        own.length === net.classes.length && own.every((c, i) => c.name.trim() === net.classes[i]);
      lab.imported = same ? null : net.classes.slice();
    }
  }

  async function importWeights(f) {
    const json = await readJson(f);
    const state = readConfigObject(json);
    const net = readNetwork(json);
    refuseLocked(ctx, labRows(state), 'this file');
    applyState(state, net);
    if (!(await trainer.build())) return false;
    checkLayers(net, lab.run.layers);
    const r = await lab.engine.nnlab({
      op: 'setParameters',
      lab: lab.run.lab,
      parameters: net.layers.map((l) => ({ ...l, w: l.w?.data, name: undefined })),
    });
    filters.draw(r.filters);
    if (lab.run.plan.totalSteps) confusion.draw(await trainer.evaluate(0));
    await inside.refresh();
    text.textContent = `Imported “${f.name}”: ${net.classes.length} classes, trained for ${Number(net.step) || 0} steps.`;
    status.text = `Imported weights (${net.classes.join(', ')}); Train goes on training them from here.`;
    return true;
  }

  /** An import failed (e): the lab's configuration before it comes back, freshly initialised. */
  function importFailed(e, before, beforeMode) {
    text.textContent = '';
    let again = '';
    if (touched) {
      again = ' The lab is back to its own configuration, with new weights from its seed.';
      const changed = LAB_ROWS.some((name) => ctx.state[name] !== before[name]);
      data.setModeQuiet(beforeMode);
      lab.imported = null;
      if (changed) ctx.update(before);
      else lab.serial(trainer.build);
    }
    const err = new Error(`The weights were not imported: ${e.message}${again}`);
    lab.serial(() => status.showError(err));
  }

  ctx.listen(exportBtn, 'click', () =>
    lab.serial(() =>
      exportWeights().catch((e) => {
        text.textContent = `Export failed: ${e.message}`;
      }),
    ),
  );
  ctx.listen(importFile, 'change', () => {
    const f = importFile.files?.[0];
    importFile.value = '';
    if (!f) return;
    text.textContent = `Importing “${f.name}”…`;
    lab.running = false;
    const before = labRows(ctx.state);
    const beforeMode = lab.mode;
    touched = false;
    lab.serial(() => importWeights(f).catch((e) => importFailed(e, before, beforeMode)));
  });

  return {
    node: el(
      'div',
      { class: 'cp-nn-transfer' },
      exportBtn,
      el('label', { for: importFile.id }, 'import weights ', importFile),
      text,
    ),
    /** The line under the buttons (an export, an import, or nothing). */
    set text(t) {
      text.textContent = t;
    },
  };
}
