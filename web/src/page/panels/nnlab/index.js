// The network lab: train a small CNN (the "tiny" preset, batch norm on or off)
// on Fashion-MNIST or the student's own classes in the worker and watch it
// learn: the loss and accuracy curves, the first layer's filters, the
// per-layer gradient norms, the output volume and parameters of every layer,
// and the confusion matrix; and look inside: one input (a test image, a
// drawing, an upload) through the network in inference mode, with every
// layer's feature maps and the class probabilities. Every number drawn comes
// from the result it was computed with.
//
// This file mounts the views (one module each) on one shared state
// (store.js) and makes the lab follow the state's rows (a control, a link, a
// lecture step): the fields (controls.js), the buttons and status (status.js),
// the training loop's client (trainer.js), the comparison (compare.js), the
// data and own classes (data.js, own.js, camera.js), the weights file
// (weights.js), the layer table, curves, filters, confusion matrix and the
// look inside (layers.js, curves.js, filters.js, confusion.js, inside.js).
import { el } from '../../dom.js';
import { watchOnScreen } from '../../onscreen.js';
import { STEPS } from '../../../common/lecture-steps.js';
import { LAB_ROWS } from './constants.js';
import { createLab } from './store.js';
import { mountControls } from './controls.js';
import { mountLayers } from './layers.js';
import { mountFilters } from './filters.js';
import { mountCurves } from './curves.js';
import { mountConfusion } from './confusion.js';
import { mountInside } from './inside.js';
import { mountTrainer } from './trainer.js';
import { mountCompare } from './compare.js';
import { mountData } from './data.js';
import { mountWeights } from './weights.js';
import { makeOpener } from './open-layer.js';
import { syncOwn } from './own-set.js';
import { mountNotebook } from './notebook.js';

const INTRO =
  'The "tiny" network: conv - ReLU - max pool 2 - conv - ReLU - max pool 2 - fully connected 10, trained with mini-batch SGD (momentum 0.9, weight decay 5e-4, cosine learning rate) on 10,000 Fashion-MNIST images and tested on 2,000. Batch norm, when on, follows each convolution.';

/** True when the lecture step `id` runs the batch-norm comparison. */
const comparing = (id) => STEPS.find((s) => s.id === id)?.run === 'compare';

/** Every view of the lab, wired to the ones it redraws. */
function mountViews(lab) {
  // a click on a filter or a first-block map opens conv 1 in the layer panel
  let open = null;
  const onOpen = (k, y, x) => open(k, y, x);
  const controls = mountControls(lab);
  const layers = mountLayers(lab);
  const filters = mountFilters(lab, onOpen);
  const curves = mountCurves(lab);
  const confusion = mountConfusion(lab);
  const inside = mountInside(lab, onOpen);
  const trainer = mountTrainer(lab, { controls, layers, filters, curves, confusion, inside });
  const compare = mountCompare(lab, controls);
  const data = mountData(lab, { trainer, inside });
  const weights = mountWeights(lab, { trainer, data, filters, confusion, inside });
  open = makeOpener(lab, { controls, inside, weights });
  const notebook = mountNotebook(lab);
  const all = { controls, layers, filters, curves, confusion, inside, trainer, compare, data };
  return { ...all, weights, notebook };
}

/** The lab's section, top to bottom. */
function layout(lab, v) {
  return [
    el('h2', {
      id: lab.ctx.id('nnlab-h'),
      text: 'Network lab: train a small CNN on Fashion-MNIST',
    }),
    el('p', { text: INTRO }),
    ...v.controls.nodes,
    ...v.data.nodes,
    ...lab.status.nodes,
    v.weights.node,
    ...(v.notebook ? [v.notebook] : []),
    ...v.layers.nodes,
    ...v.curves.nodes,
    el('div', { class: 'cp-nn-bottom' }, v.filters.node, v.confusion.node),
    v.inside.node,
    v.compare.node,
  ];
}

/**
 * A changed row (from a control, a link, a lecture step or an import) sets
 * the controls and rebuilds the network; a lecture step may run the comparison.
 */
function follow(lab, v, state, changed) {
  const names = [...changed];
  if (names.includes('nncls') && syncOwn(lab.own, state.nncls)) v.data.ownChanged();
  if (names.includes('nndata') && !lab.quiet) v.data.setMode(state.nndata);
  if (names.some((name) => LAB_ROWS.includes(name))) {
    v.controls.show(state);
    lab.running = false;
    if (!lab.quiet) lab.serial(v.trainer.build);
  }
  // a lecture step that runs the comparison; leaving it pauses the comparison
  if (names.includes('lstep')) {
    if (comparing(state.lstep)) {
      lab.lectureRun = true;
      lab.serial(v.compare.run);
    } else if (lab.lectureRun) {
      lab.lectureRun = false;
      lab.running = false;
    }
  }
}

/**
 * The untrained network is built and shown once the lab comes within a screen
 * of the viewport, so the student finds its layers and maps there at once; the
 * module and the pack are not loaded for a page whose lab is never scrolled to.
 */
function previewWhenNear(lab, views) {
  let asked = false;
  const near = (on) => {
    if (!on || asked) return;
    asked = true;
    lab.serial(views.trainer.preview);
  };
  watchOnScreen(lab.ctx, [lab.root], near, { margin: '100% 0px' });
}

export function mount(ctx) {
  const root = ctx.slot('nnlab');
  ctx.addNav('nnlab', 'Network lab');
  root.classList.add('cp-nnlab');
  root.dataset.state = 'idle';
  root.dataset.step = '0';
  root.setAttribute('aria-labelledby', ctx.id('nnlab-h'));
  const lab = createLab(ctx, root);
  const views = mountViews(lab);
  root.replaceChildren(...layout(lab, views));
  root.hidden = false;
  ctx.subscribe((state, changed) => follow(lab, views, state, changed));

  // a link's own classes (their names, and the choice to train on them), a
  // link that opens the lecture step of the comparison
  syncOwn(lab.own, ctx.state.nncls);
  if (ctx.state.nndata === 'own') views.data.setMode('own');
  lab.lectureRun = comparing(ctx.state.lstep);
  lab.serial(lab.lectureRun ? views.compare.run : views.trainer.check);
  previewWhenNear(lab, views);
  views.curves.draw();
  return {
    destroy() {
      lab.destroyed = true;
      lab.running = false;
      views.data.destroy();
    },
    api: {
      get run() {
        return lab.run;
      },
      get inspected() {
        return lab.inspected;
      },
      /** The last weights file exported (its JSON text), or null. */
      get lastExport() {
        return lab.lastExport;
      },
      /** Inference mode on the first `limit` test images (0: all) of the current run. */
      evaluate: (limit = 0) => lab.engine.nnlab({ op: 'evaluate', lab: lab.run.lab, limit }),
    },
  };
}
