// The weights file: export the trained network (weights-file.js has the
// format) and import one, which sets the lab's architecture, hyperparameters,
// seed and data from the file, builds that network and loads its weights. A
// file whose weights do not fit puts the lab back as it was, freshly
// initialised.
import { el } from '../../dom.js';
import { configOf, readConfigObject, download } from '../../../common/transfer.js';
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

/** Downloads the trained network as a weights file; -> what the transfer line says. */
async function exportWeights(lab) {
  const { ctx, run } = lab;
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
  return `Exported the weights at step ${run.step} (${(json.length / 1024).toFixed(0)} KB).`;
}

/** The file's architecture, hyperparameters, seed and data, without a rebuild per row. */
function applyState(lab, data, state, net) {
  const { ctx } = lab;
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

/**
 * Imports file f (views: the weights view's); attempt.touched: the lab's
 * configuration was changed. -> what the transfer line says, or null when the
 * file's network could not be built.
 */
async function importWeights(lab, views, f, attempt) {
  const { ctx, status } = lab;
  const { trainer, data, filters, confusion, inside } = views;
  const json = await readJson(f);
  const state = readConfigObject(json);
  const net = readNetwork(json);
  refuseLocked(ctx, labRows(state), 'this file');
  attempt.touched = true;
  applyState(lab, data, state, net);
  if (!(await trainer.build())) return null;
  checkLayers(net, lab.run.layers);
  const r = await lab.engine.nnlab({
    op: 'setParameters',
    lab: lab.run.lab,
    parameters: net.layers.map((l) => ({ ...l, w: l.w?.data, name: undefined })),
  });
  lab.run.trained = true;
  filters.draw(r.filters);
  if (lab.run.plan.totalSteps) confusion.draw(await trainer.evaluate(0));
  await inside.refresh();
  status.text = `Imported weights (${net.classes.join(', ')}); Train goes on training them from here.`;
  return `Imported “${f.name}”: ${net.classes.length} classes, trained for ${Number(net.step) || 0} steps.`;
}

/** views: {trainer, data, filters, confusion, inside}. */
export function mountWeights(lab, views) {
  const { ctx, status } = lab;
  const { trainer, data } = views;
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

  /**
   * An import failed (e): the lab's configuration before it (before: its rows,
   * beforeMode: its data) comes back, freshly initialised, if the attempt changed it.
   */
  function importFailed(e, attempt, before, beforeMode) {
    text.textContent = '';
    let again = '';
    if (attempt.touched) {
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
      exportWeights(lab).then(
        (said) => (text.textContent = said),
        (e) => (text.textContent = `Export failed: ${e.message}`),
      ),
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
    const attempt = { touched: false }; // touched: the import has changed the lab's configuration
    lab.serial(() =>
      importWeights(lab, views, f, attempt).then(
        (said) => {
          if (said) text.textContent = said;
        },
        (e) => importFailed(e, attempt, before, beforeMode),
      ),
    );
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
