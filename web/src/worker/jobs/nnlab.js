// The network lab's job in the worker (protocol.js NnlabJob): one NetworkLab
// of the module (wasm/js/convplay_nn.mjs) per worker, created with its data
// pack the first time the lab is used, so neither is loaded before the
// student opens the lab; its glue (lab-module.js, convplay_nn.mjs and the
// lab's Emscripten glue) is a chunk of its own, imported then too, so the
// worker's first load does not carry it. Each op returns only what the panel
// draws.
import { PACK_URL } from '../asset-urls.js';
import { decodeDataUrl } from '../../common/bytes.js';

// key -> Promise<{api, lab, counts}>: 'main', the two networks of the comparison,
// 'own' (the student's own classes: no Fashion-MNIST pack) and 'check' (an
// architecture built only to see whether it fits: no pack either)
const labs = new Map();

/**
 * The Fashion-MNIST pack's bytes: fetched from its file (asset-urls.js), or,
 * in the single-file page (where the build inlines it as a data: URL and the
 * worker may fetch nothing), decoded from the bundle.
 */
async function packBytes() {
  const url = PACK_URL;
  if (url.startsWith('data:')) return decodeDataUrl(url);
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(
      `the Fashion-MNIST pack could not be fetched (HTTP ${response.status}); build it with "bash scripts/build.sh wasm"`,
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}

async function openLab(key) {
  const { loadNetworkLab } = await import('../lab-module.js');
  const api = await loadNetworkLab();
  if (key === 'own' || key === 'check')
    return { api, lab: api.NetworkLab(), counts: { train: 0, test: 0 } };
  const lab = api.NetworkLab();
  const counts = lab.loadPack(await packBytes());
  return { api, lab, counts };
}

// the most epochs a run is raised to (the module's limit is 1,000)
const MAX_RAISED_EPOCHS = 1000;

/**
 * config with enough epochs for at least minSteps steps on `train` images (the
 * module's steps per epoch: ceil(train / batch)): {config, epochsRaised: {from,
 * to} or null}. A small set of the student's own is one step an epoch.
 */
function atLeastSteps(config, train, minSteps) {
  if (!minSteps || !train) return { config, epochsRaised: null };
  const perEpoch = Math.ceil(train / config.batchSize);
  const need = Math.min(MAX_RAISED_EPOCHS, Math.ceil(minSteps / perEpoch));
  if (need <= config.epochs) return { config, epochsRaised: null };
  return { config: { ...config, epochs: need }, epochsRaised: { from: config.epochs, to: need } };
}

/** width x height grey bytes as a PNG file's bytes (the module's encoder). */
function greyPng(cp, pixels, width, height) {
  const data = Float32Array.from(pixels, (v) => v / 255);
  return cp.encodePng({ shape: [1, 1, height, width], data });
}

/** The first conv layer's filters, [K, C, F, F], or null. */
function firstFilters(lab, layers) {
  const i = layers.findIndex((l) => l.type === 'conv');
  return i < 0 ? null : lab.weights(i);
}

/** A new network and training run (opened: the lab and its counts of images). */
function build(lab, opened, job) {
  const d = lab.setNetwork(job.spec, job.seed);
  opened.spec = job.spec; // the architecture a notebook rebuilds (jobs/notebook.js)
  let own = null;
  if (job.classes) {
    own = lab.setClasses(job.classes);
    opened.counts = { train: own.train, test: own.test };
  }
  // an imported network of classes whose images are not here: no training run
  const { config, epochsRaised } = atLeastSteps(job.config, opened.counts.train, job.minSteps);
  const plan = job.noData ? { stepsPerEpoch: 0, totalSteps: 0 } : lab.startTraining(config);
  return {
    ...d,
    ...plan,
    epochsRaised: job.noData ? null : epochsRaised,
    counts: opened.counts,
    own,
    filters: firstFilters(lab, d.layers),
  };
}

/**
 * The steps, then (so one message per redraw) the test point when one is due
 * and the shown input through the network.
 */
function steps(lab, job) {
  // n steps at most; with budgetMs, as many as fit in it (at least one), so
  // that the page redraws at a steady rate whatever the network's size
  const t0 = performance.now();
  let r = lab.steps(1);
  const first = r.step - 1;
  for (let done = 1; done < job.n && !r.done; done++) {
    if (job.budgetMs && performance.now() - t0 >= job.budgetMs) break;
    r = lab.steps(1);
  }
  const layers = lab.layers().layers;
  const out = {
    ...r,
    steps: r.step - first,
    filters: firstFilters(lab, layers),
    batchnorm: lab.batchnormStats(),
  };
  const every = job.testEvery;
  if (every && (Math.floor(first / every) !== Math.floor(r.step / every) || r.done)) {
    out.evaluation = lab.evaluate(r.done ? 0 : job.testLimit);
  }
  if (job.input) {
    try {
      out.classified = classify(lab, job.input);
    } catch (e) {
      out.classifyError = e.message;
    }
  }
  return out;
}

/**
 * The lab under key as it is now, {api, lab, counts, spec} (spec: the
 * architecture it was last built with); throws when no job opened it.
 */
export async function openedLab(key) {
  if (!labs.has(key)) throw new Error('the lab has no network yet: press Train or Step');
  return labs.get(key);
}

/**
 * A job of the lab; cp: the worker's module (convplay.mjs), for the ops that
 * need no network (png).
 */
export async function nnlab(job, cp) {
  if (job.op === 'png') return { png: greyPng(cp, job.pixels, job.width, job.height) };
  const key = job.lab ?? 'main';
  if (!labs.has(key)) labs.set(key, openLab(key));
  let opened;
  try {
    opened = await labs.get(key);
  } catch (e) {
    labs.delete(key); // the next job tries again
    throw e;
  }
  const { lab } = opened;
  switch (job.op) {
    case 'build':
      return build(lab, opened, job);
    case 'check': {
      // the module's checks of the architecture, nothing trained
      const d = lab.setNetwork(job.spec, job.seed);
      return { params: d.params, layers: d.layers };
    }
    case 'classSet':
      return { problem: opened.api.classSetProblem(job.classes) };
    case 'parameters':
      return { parameters: lab.parameters() };
    case 'setParameters': {
      const r = lab.setParameters(job.parameters);
      return { ...r, filters: firstFilters(lab, lab.layers().layers) };
    }
    case 'steps':
      return steps(lab, job);
    case 'evaluate':
      return lab.evaluate(job.limit);
    case 'classify':
      return classify(lab, job.input);
    default:
      throw new Error(`unknown network-lab op "${job.op}"`);
  }
}

/**
 * One input through the network in inference mode. input: {source: 'test', index},
 * {source: 'drawing', pixels} (H*W bytes, light on black) or {source: 'upload',
 * file (the file's bytes), invert}: the module decodes it grey and downscales it to
 * the network's input. -> {input, pixels, label?, probs, predicted, maps}
 */
function classify(lab, input) {
  let pixels;
  let label;
  let file = null;
  if (input.source === 'test') {
    const t = lab.testImage(input.index);
    pixels = t.pixels;
    label = t.label;
  } else if (input.source === 'drawing') {
    pixels = input.pixels;
  } else if (input.source === 'upload') {
    const r = lab.imageToInput(input.file);
    pixels = r.pixels;
    if (input.invert) for (let i = 0; i < pixels.length; i++) pixels[i] = 255 - pixels[i];
    file = { width: r.width, height: r.height };
  } else {
    throw new Error(`unknown input source "${input.source}" (test, drawing, upload)`);
  }
  return { input: { ...input, file: undefined }, file, pixels, label, ...lab.classify(pixels) };
}
