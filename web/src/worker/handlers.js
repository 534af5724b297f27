// The worker's handler of each job of protocol.js JOBS: createHandlers()
// gives one worker's set, over its own sources and pipeline.
//
//   const handlers = createHandlers();
//   const result = await handlerOf(handlers, msg.type)(cp, msg);   // unknownJob for a stranger
import { jobSpec } from './protocol.js';
import { buildWeights } from '../common/filters.js';
import { LARGEST_SIDE } from '../common/state.js';
import { Sources, LARGE_FILE_PIXELS } from './sources.js';
import { Pipeline } from './pipeline.js';
import { Held, plain, isResident } from './resident.js';
import { withPictures } from './draw/pictures.js';
import { withGradientPictures } from './draw/gradients.js';

/** The handler of a job type; throws protocol.js unknownJob for a type it does not list. */
export function handlerOf(handlers, type) {
  jobSpec(type);
  const handler = handlers[type];
  if (!handler) throw new Error(`the worker has no handler for job "${type}"`);
  return handler;
}

/** 'source': a file is decoded at once, so a corrupt one is refused before it replaces anything. */
function sourceJob(sources, cp, job) {
  const src = job.source;
  if (src.kind === 'bytes') {
    const maxSide = job.maxSide || LARGEST_SIDE;
    const d = cp.decodeImage(src.bytes, { maxSide });
    const info = {
      originalWidth: d.originalWidth,
      originalHeight: d.originalHeight,
      downscaled: d.downscaled,
      fileChannels: d.fileChannels,
    };
    const out = { width: d.image.shape[3], height: d.image.shape[2], ...info };
    if (d.originalWidth * d.originalHeight > LARGE_FILE_PIXELS) {
      // a large file is kept as this picture (another working size resizes it: decoding
      // the file again would take seconds), and so is the page's copy (out.decoded)
      sources.set(job.key, { kind: 'decoded', image: d.image, info });
      const image = { shape: d.image.shape.slice(), data: d.image.data.slice() };
      return { ...out, decoded: { image, info } };
    }
    // a small one as its bytes, with this decode
    sources.set(job.key, { ...src, decoded: { maxSide, d } });
    return out;
  }
  if (src.kind === 'decoded') {
    sources.set(job.key, src);
    const [, , h, w] = src.image.shape;
    return { width: w, height: h, ...src.info };
  }
  if (src.kind !== 'synthetic' && src.kind !== 'rgba')
    throw new Error(`unknown source kind "${src.kind}"`);
  sources.set(job.key, src);
  return { ok: true };
}

/** 'crash' (tests only, engine.testCrash): each way a worker dies in real life. */
function crashJob(job) {
  if (job.how === 'exit') self.close();
  else if (job.how === 'throw')
    setTimeout(() => {
      throw new Error('a test threw outside any job');
    });
  else if (job.how === 'abort') throw new WebAssembly.RuntimeError('unreachable (a test)');
  else if (job.how === 'hang') for (;;);
  else throw new Error(`unknown crash "${job.how}"`);
  return new Promise(() => {}); // never answers
}

/** The layer kept by the pipeline with its tensors in JS memory (the gradients read them). */
function plainLayer(layer) {
  return { ...layer, batch: plain(layer.batch), weights: plain(layer.weights), y: plain(layer.y) };
}

/** One worker's handlers, one per type of protocol.js JOBS. */
export function createHandlers() {
  const held = new Held();
  const sources = new Sources(held);
  const pipeline = new Pipeline(sources, held);
  /** The worker's current working image (of the last layer) in JS memory, or null. */
  const currentImage = () => plain(pipeline.last?.image ?? sources.working?.image ?? null);
  return {
    source: (cp, job) => sourceJob(sources, cp, job),
    layer: async (cp, job) => {
      const result = await pipeline.layer(cp, job);
      const image = pipeline.last?.image;
      // the pictures are drawn from a view of the resident input (no copy; nothing grows meanwhile)
      return withPictures(
        result,
        job,
        isResident(image) ? { shape: image.shape, data: image.view() } : image,
      );
    },
    // the panels' own jobs load their module on first use (worker/jobs/, chunks of their
    // own): what they read of the pipeline is read first, before anything else can run
    async gradients(cp, job) {
      const layer = pipeline.layerAt(job.layerKey);
      const targetWeights =
        job.loss === 'target'
          ? buildWeights({ ...layer.state, filters: [job.target], bias: [] }).weights
          : null;
      const kept = plainLayer(layer);
      const { computeGradients } = await import('./jobs/gradients.js');
      const g = computeGradients(cp, kept, { ...job, targetWeights });
      return { layerKey: job.layerKey, ...withGradientPictures(g, job, kept.batch) };
    },
    async stepper(cp, job) {
      const image = job.state.sin === 'image' ? currentImage() : null;
      const { stepperModel } = await import('./jobs/stepper.js');
      return stepperModel(cp, job.state, image);
    },
    // on the image of the layer the page drew (job.layerKey), else the current one
    async alexnet(cp, job) {
      const image = job.layerKey ? plain(pipeline.imageAt(job.layerKey)) : currentImage();
      const { alexnet } = await import('./jobs/alexnet.js');
      return alexnet(cp, image, job.seed);
    },
    async bnlab(cp, job) {
      const { runLab } = await import('./jobs/bnlab.js');
      return runLab({ call: async (method, ...args) => cp[method](...args) }, job.p);
    },
    geometry: (cp, job) => cp.conv2dGeometry(job.input, job.weight, job.params),
    sizes: (cp, job) => job.axes.map((a) => cp.convOutputSize(...a)),
    stats: (cp) => ({ ...cp.memoryStats(), sources: sources.map.size, held: held.size }),
    crash: (cp, job) => crashJob(job),
    async nnlab(cp, job) {
      const { nnlab } = await import('./jobs/nnlab.js');
      return nnlab(job, cp);
    },
    async notebook(cp, job) {
      const { notebookJob } = await import('./jobs/notebook.js');
      return notebookJob(cp, job, { layerAt: (key) => pipeline.layerAt(key) });
    },
  };
}
