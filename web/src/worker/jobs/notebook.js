// The 'notebook' job (protocol.js NotebookJob): a Jupyter notebook of what
// this worker holds, built where the data lives. The builders
// (wasm/js/notebook.mjs, about 30 KB) are imported the first time a notebook
// is asked for, so a page that never exports one never loads them.
//
//   layer      the layer the page drew (layerKey): its batch exactly as the
//              core used it, the weights, the biases, the params and the output
//   gradients  that layer's gradients for the gradients job's fields
//   bnlab      the batch-norm lab's graph for its p (common/bnlab-math.js)
//   nnlab      the lab's trained network: its spec, parameters and running
//              statistics, test images and the probabilities the module gives them
import { buildWeights } from '../../common/filters.js';
import { plain } from '../resident.js';
import { computeGradients } from './gradients.js';
import { runLab } from './bnlab.js';
import { openedLab } from './nnlab.js';

let builders = null;
const loadBuilders = () => (builders ??= import('convplay-wasm/notebook.mjs'));

/** The most test images a network notebook checks (and the most it adds to train on). */
export const MAX_NOTEBOOK_IMAGES = 64;
const MAX_TRAIN_IMAGES = 256;

/** The layer kept under layerKey, its tensors copied into JS memory. */
function layerTensors(layer) {
  return {
    x: plain(layer.batch),
    w: plain(layer.weights),
    bias: Float32Array.from(layer.bias),
    params: layer.params,
    y: plain(layer.y),
  };
}

function layerSpec(layerAt, job) {
  return layerTensors(layerAt(job.layerKey));
}

function gradientsSpec(cp, layerAt, job) {
  const layer = layerAt(job.layerKey);
  const t = layerTensors(layer);
  const targetWeights =
    job.loss === 'target'
      ? buildWeights({ ...layer.state, filters: [job.target], bias: [] }).weights
      : null;
  const req = { loss: job.loss, pixel: job.pixel, bn: job.bn, targetWeights };
  const g = computeGradients(cp, { ...layer, batch: t.x, weights: t.w, y: t.y }, req);
  return {
    ...t,
    loss: job.loss,
    pixel: g.pixel ?? undefined,
    targetWeights: targetWeights ?? undefined,
    bn: job.bn ? { gamma: job.bn.gamma, beta: job.bn.beta, eps: g.eps } : null,
    page: {
      loss: g.loss,
      dx: { shape: g.dxShape, data: g.dx },
      dw: { shape: g.dwShape, data: g.dw },
      db: g.db,
      dgamma: g.dgamma ?? undefined,
      dbeta: g.dbeta ?? undefined,
    },
  };
}

async function bnlabSpec(cp, job) {
  const p = job.p;
  const r = await runLab({ call: async (method, ...args) => cp[method](...args) }, p);
  if (!r.ok) throw new Error(`the batch-norm lab cannot compute these numbers: ${r.error}`);
  const { f, g } = r;
  return {
    x: p.x,
    gamma: p.gamma,
    beta: p.beta,
    eps: p.eps,
    loss: p.loss,
    w: p.loss === 'lin' ? p.w : undefined,
    t: p.loss === 'tgt' ? p.t : undefined,
    page: { mu: f.mu, var: f.var, xhat: f.xhat, y: f.y, L: f.L, ...g },
  };
}

/** Test images from..from+n-1 of the lab as {pixels, labels, images}. */
function imagesOf(lab, from, n, per) {
  const pixels = new Uint8Array(n * per);
  const labels = [];
  const images = [];
  for (let i = 0; i < n; i++) {
    const im = lab.testImage(from + i);
    pixels.set(im.pixels, i * per);
    labels.push(im.label);
    images.push(im.pixels);
  }
  return { pixels, labels, images };
}

async function nnlabSpec(job) {
  const opened = await openedLab(job.lab ?? 'main');
  const { lab, spec } = opened;
  const available = opened.counts.test;
  if (!spec || !available)
    throw new Error('the lab has no trained network with test images yet: press Train or Step');
  const per = spec.channels * spec.height * spec.width;
  const n = Math.min(available, MAX_NOTEBOOK_IMAGES, Math.max(1, job.images ?? 24));
  const test = imagesOf(lab, 0, n, per);
  const probs = test.images.map((px) => Array.from(lab.classify(px).probs));
  const more = Math.min(available - n, MAX_TRAIN_IMAGES);
  const train = more > 0 ? imagesOf(lab, n, more, per) : undefined;
  return {
    network: spec,
    parameters: lab.parameters(),
    test: { pixels: test.pixels, labels: test.labels },
    // the lab keeps its training images in the module: these are test images the check does not use
    train: train && {
      pixels: train.pixels,
      labels: train.labels,
      what: 'other test images of the lab (the network never trained on them)',
    },
    probs,
    classes: job.classes,
  };
}

/**
 * The notebook of job (protocol.js NotebookJob). cp: the worker's module;
 * layerAt(key): the pipeline's layer under key (StaleLayer when it moved on).
 */
export async function notebookJob(cp, job, { layerAt }) {
  const nb = await loadBuilders();
  const meta = { title: job.title || undefined, link: job.link || undefined };
  let ipynb;
  switch (job.kind) {
    case 'layer':
      ipynb = nb.layerNotebook({ ...layerSpec(layerAt, job), ...meta });
      break;
    case 'gradients':
      ipynb = nb.gradientsNotebook({ ...gradientsSpec(cp, layerAt, job), ...meta });
      break;
    case 'bnlab':
      ipynb = nb.batchnormNotebook({ ...(await bnlabSpec(cp, job)), ...meta });
      break;
    case 'nnlab':
      ipynb = nb.networkNotebook({ ...(await nnlabSpec(job)), ...meta });
      break;
    default:
      throw new Error(`unknown notebook kind "${job.kind}": layer, gradients, bnlab, nnlab`);
  }
  return { ipynb, bytes: ipynb.length };
}
