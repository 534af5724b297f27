// The messages between a playground (page/engine.js) and its worker
// (worker/worker.js): one typed message per job, declared here once.
//
// Every request is {id, type, ...fields of its job}; every reply is
// {id, ok: true, result} or {id, ok: false, error: {name, message}}. Once the
// WASM module is loaded the worker posts {ready: true} (or {ready: false, error}).
//
// The page sends state snapshots and keys, never tensors (except an image's
// file bytes, once). The worker keeps the sources, and, as resident tensors
// in the module's memory (worker/resident.js), the working image, the batch,
// the weights and the layer's last forward output under the layer key; it
// runs every job on its own copy, and replies with what is drawn: display
// planes and numbers. Typed arrays in a reply are transferred.
//
// A failed job's error is {name, message}, plus key for a 'MissingSource'
// (the worker dropped that source: the page sends it again and repeats the
// job) and fatal: true when the module itself broke (an abort, a WebAssembly
// trap, out of memory: the page replaces the worker).
//
// The worker can be replaced at any time (page/engine.js: after a death, or
// engine.restart()): the page keeps what it sent for every source and sends
// the current one again, then the last layer job answered, then the pending
// jobs.

/**
 * The jobs, declared once: both sides import this table. The engine has one
 * method per job (`method`, default the type's name) and sends it through
 * its lane; the worker has one handler per type (worker/handlers.js). A type
 * missing here is refused on both sides (unknownJob).
 *   lane 'latest'  at most one in flight and only the newest waiting: a job
 *                  replaced before it was sent resolves null (a slider drag
 *                  computes the last position, never a queue);
 *   lane 'queue'   every job is sent, in order, and answered.
 *   keepsWork      the worker then holds what a new worker could not be sent
 *                  again (a network lab's run): the engine never suspends it.
 *   result         the reply's typedef below.
 * @type {Readonly<Record<string, {lane: 'latest' | 'queue', result: string,
 *   method?: string, keepsWork?: boolean, testOnly?: boolean}>>}
 */
export const JOBS = Object.freeze({
  source: { lane: 'queue', result: 'SourceInfo', method: 'setSource' },
  layer: { lane: 'latest', result: 'LayerResult' },
  gradients: { lane: 'latest', result: 'GradientsResult' },
  stepper: { lane: 'latest', result: 'StepperResult' },
  alexnet: { lane: 'latest', result: 'AlexnetResult' },
  bnlab: { lane: 'latest', result: 'BnlabResult' },
  geometry: { lane: 'queue', result: 'ConvGeometry' },
  sizes: { lane: 'queue', result: 'AxisSize[]' },
  stats: { lane: 'queue', result: 'WorkerStats' },
  crash: { lane: 'queue', result: 'never', method: 'testCrash', testOnly: true },
  nnlab: { lane: 'queue', result: 'NnlabResult', keepsWork: true },
  notebook: { lane: 'queue', result: 'NotebookResult' },
});

/** The table's row of a job type; throws unknownJob for any other. */
export function jobSpec(type) {
  if (typeof type === 'string' && Object.hasOwn(JOBS, type)) return JOBS[type];
  throw unknownJob(type);
}

/** The error for a job type the table does not list (name 'UnknownJob'). */
export function unknownJob(type) {
  const err = new Error(
    `unknown job ${JSON.stringify(String(type))}: the jobs are ${Object.keys(JOBS).join(', ')} (worker/protocol.js)`,
  );
  err.name = 'UnknownJob';
  return err;
}

/**
 * @typedef {[number, number, number, number]} Shape4
 * @typedef {{shape: Shape4, data: Float32Array}} Tensor32
 * @typedef {{size: number, exact: boolean, remainder: number, effectiveKernel: number}} AxisSize
 * @typedef {{input: Shape4, weight: Shape4, output: Shape4, h: AxisSize, w: AxisSize,
 *            weightCount: number, biasCount: number}} ConvGeometry
 * @typedef {Record<string, unknown>} StateSnapshot  a plain copy of the state (common/state.js)
 */

/**
 * 'source': remember an image under key. A file is decoded once at once, so a
 * corrupt file is refused here and the previous source stays.
 * @typedef {object} SourceJob
 * @property {'source'} type
 * @property {string} key
 * @property {{kind: 'bytes', bytes: Uint8Array} | {kind: 'synthetic', name: string}
 *   | {kind: 'rgba', width: number, height: number, rgba: Uint8Array}
 *   | {kind: 'decoded', image: Tensor32, info: object}} source  'decoded': a picture at
 *   most LARGEST_SIDE (512, common/state.js) on its longest side (kept so for a file of more than 2048 x 2048 pixels); info {originalWidth, originalHeight, downscaled, fileChannels}
 * @property {number} [maxSide]  decode at most this long a side (default LARGEST_SIDE)
 *
 * @typedef {object} SourceInfo
 * @property {number} [width] @property {number} [height]
 * @property {number} [originalWidth] @property {number} [originalHeight]
 * @property {boolean} [downscaled] @property {number} [fileChannels]
 * @property {{image: Tensor32, info: object}} [decoded]  a file of more than 2048 x 2048
 *   pixels: the picture the worker keeps of it (the page keeps it to send again)
 */

/**
 * 'layer': the working image of `source` (decode, fit, grey), the batch, the
 * weights built from the state, the geometry and the forward pass. Kept by the
 * worker under `key` for the jobs that follow (gradients, step-through, AlexNet).
 * @typedef {object} LayerJob
 * @property {'layer'} type
 * @property {number} key     the page's request number
 * @property {string} source  the image key (a SourceJob's)
 * @property {StateSnapshot} state
 * @property {Array<{name: string, url: string | null}>} extras  images 2 .. N of the batch
 * @property {string} [have]  the key of the working image the page holds: not sent again
 * @property {'bitmap' | 'pixels'} [pictures]  draw the maps and the padded input in the
 *                                   worker (worker/draw/pictures.js) as ImageBitmaps or pixels
 * @property {string} [havePadded]   the paddedKey of the padded input the page shows: not drawn again
 *
 * @typedef {object} LayerResult
 * @property {number} key
 * @property {StateSnapshot} state   the state it was computed with
 * @property {object} params         the module's ConvParams it used
 * @property {{fh: number, fw: number, sh: number, sw: number, dil: number, p: number,
 *             pad: string, conv: boolean, k: number}} layer  the layer's numbers, as computed
 * @property {Tensor32} weights      [K, D1, F1, F2], built from the state
 * @property {Float32Array} bias     K values
 * @property {Tensor32 & {key: string}} input  image 1's working image [1, D1, H1, W1]
 *                                   (data null when it is the page's `have`)
 * @property {object} info           {originalWidth, originalHeight, downscaled, resized,
 *                                   fileChannels, alpha, greyFile, cropped}
 * @property {ConvGeometry | null} geometry
 * @property {Tensor32 | null} output image 1's maps [1, K, H2, W2]
 * @property {{name: string, message: string} | null} error  an impossible layer
 * @property {Int32Array | null} padMapH  padded row -> input row (-1: a zero), padSourceIndex
 * @property {Int32Array | null} padMapW
 * @property {{n: number, names: string[], inputShape: Shape4, outputShape: Shape4 | null,
 *             input: Tensor32 | null}} batch
 * @property {{prepare: number, geometry: number, forward: number, total: number}} ms
 * @property {{scale: 'map' | 'layer', kind: 'bitmap' | 'pixels', maps: object[],
 *             padded: object | null, paddedKey: string} | null} [pictures]  when asked: the
 *                                   pictures, drawn for `scale` (padded null: the page's `havePadded`)
 */

/**
 * 'gradients': the backward pass on layer `layerKey`'s batch and output
 * (worker/jobs/gradients.js). Refused when the worker holds another layer.
 * @typedef {object} GradientsJob
 * @property {'gradients'} type
 * @property {number} layerKey
 * @property {'sum' | 'sq' | 'pixel' | 'target'} loss
 * @property {{k: number, y: number, x: number}} pixel
 * @property {string | null} target  loss 'target': t = the layer with every filter this preset
 * @property {{gamma: number[], beta: number[], eps?: number} | null} bn  eps: the module's default unless given
 * @property {'bitmap' | 'pixels'} [pictures]  the maps drawn by the worker (worker/draw/gradients.js)
 *
 * @typedef {object} GradientsResult  (worker/jobs/gradients.js computeGradients)
 * @property {number} layerKey  @property {number} loss  @property {Float32Array} dout
 * @property {Float32Array} dx  @property {Float32Array} dw  and the batch norm's
 *   (bnOut, eps, mean, var, rstd, dgamma, dbeta: null without it)
 * @property {{kind: 'bitmap' | 'pixels', saliency: object, dx: object[], bnOut: object[] | null,
 *             bnDy: object[] | null}} [pictures]  when asked: image 1's maps, drawn
 */

/**
 * 'stepper': the step-through's small layer (worker/jobs/stepper.js): the
 * padded N x N grid, its kernel, the module's output and geometry.
 * @typedef {object} StepperJob
 * @property {'stepper'} type
 * @property {StateSnapshot} state
 *
 * @typedef {object} StepperResult  (worker/jobs/stepper.js stepperModel)
 * @property {number} n  @property {Float32Array} x  the padded grid
 * @property {Float32Array} w  @property {Float32Array} y  and the layer's numbers
 */

/**
 * 'alexnet': AlexNet's first layer on the worker's current working image
 * (resized to 227 x 227 x 3), 96 seeded random filters: the input drawn, the
 * 96 maps and the geometry.
 * @typedef {object} AlexnetJob
 * @property {'alexnet'} type
 * @property {number} seed
 * @property {number} [layerKey]  the layer job whose image to use (refused with StaleLayer
 *   when the worker holds a newer one); without it, the worker's current image
 *
 * @typedef {{input: Tensor32, output: Tensor32, geometry: ConvGeometry, ms: number}} AlexnetResult
 */

/**
 * 'bnlab': the batch-norm lab's forward, backward and finite differences
 * (worker/jobs/bnlab.js runLab) for the parameters p.
 * @typedef {object} BnlabJob
 * @property {'bnlab'} type
 * @property {object} p  paramsFromState(state)
 *
 * @typedef {object} BnlabResult  runLab's answer: {ok: true, ...} or {ok: false, error}
 */

/**
 * 'geometry': conv2dGeometry of a layer (the quiz). 'sizes': convOutputSize
 * of each [input, kernel, pad, dilation, stride] (the AlexNet slip).
 * @typedef {{type: 'geometry', input: Shape4, weight: Shape4, params: object}} GeometryJob
 * @typedef {{type: 'sizes', axes: Array<[number, number, number, number, number]>}} SizesJob
 */

/**
 * 'stats': the worker's memory: the module's memoryStats() (usedBytes by
 * malloc, heapBytes of WASM memory, liveHandles, the resident tensors alive
 * and their bytes), sources (how many it keeps) and held (the resident
 * tensors it keeps: working image, batch, weights, output). 'crash' (tests only,
 * engine.testCrash): dies as told, {how: 'exit' | 'throw' | 'abort' | 'hang'}.
 * @typedef {{type: 'stats'}} StatsJob
 * @typedef {{usedBytes: number, heapBytes: number, liveHandles: number, tensors: number,
 *   tensorBytes: number, finalizedTensors: number, sources: number, held: number}} WorkerStats
 * @typedef {{type: 'crash', how: 'exit' | 'throw' | 'abort' | 'hang'}} CrashJob
 */

/**
 * 'nnlab': the network lab (worker/jobs/nnlab.js). Its NetworkLab and the
 * Fashion-MNIST pack are loaded by the first such job ('own': no pack). Ops:
 *   build    {spec, seed, config, classes?, noData?, minSteps?}: a new network
 *            (He-initialised from seed) and a new training run; classes [{name,
 *            images: [file bytes]}] (lab 'own'): the student's classes, decoded and
 *            split by the module; noData: no training run (an imported network
 *            without its pictures); minSteps: config's epochs raised so the run
 *            takes at least that many steps -> {layers, params, stepsPerEpoch,
 *            totalSteps, epochsRaised: {from, to} | null, counts: {train, test},
 *            own: {classes, perClass} | null, filters: Tensor32 | null}
 *   steps    {n, budgetMs?, testEvery?, testLimit?, input?}: up to n mini-batches
 *            (fewer when budgetMs has run out, at least one) -> {steps, step, epoch, loss, accuracy, learningRate, gradNorms, done, filters,
 *            batchnorm, evaluation? (when a multiple of testEvery was passed or the
 *            run is done: evaluate's answer on testLimit images, all when done),
 *            classified? (input through the network: classify's answer) or
 *            classifyError? (its message)}
 *   evaluate {limit}: inference mode on the first `limit` test images (0: all)
 *            -> {loss, accuracy, classes, confusion}
 *   classify {input: {source: 'test', index} | {source: 'drawing', pixels} |
 *            {source: 'upload', file, invert}}: one image in inference mode ->
 *            {input, file, pixels, label?, probs, predicted, maps: [{layer, name,
 *            type, shape, data}]}
 *   check    {spec, seed} (lab 'check'): the network built in a lab without
 *            data, only to see whether the architecture fits (the module's
 *            message when not) -> {params, layers}
 *   classSet {classes: [{name, images: [byte counts]}]} (lab 'own'): the first
 *            rule of the module's class set that they break -> {problem: string | null}
 *   parameters {}: -> {parameters: [{layer, name, w?: Tensor32, b?, gamma?, beta?,
 *            runningMean?, runningVar?}]} (every layer with parameters)
 *   setParameters {parameters}: the inverse (checked by the module: every layer,
 *            every size, finite values) -> {layers, filters}
 *   png      {pixels, width, height} (no lab): grey bytes as a PNG file -> {png}
 * @typedef {object} NnlabJob
 * @property {'nnlab'} type
 * @property {'build' | 'check' | 'classSet' | 'steps' | 'evaluate' | 'classify' | 'parameters' | 'setParameters' | 'png'} op
 * @property {string} [lab]  which network: 'main' (default), 'own' (the student's classes),
 *   the comparison's 'without' / 'with', or 'check' (op check only)
 *
 * @typedef {object} NnlabResult  the op's answer, as listed above
 */

/**
 * 'notebook': a Jupyter notebook (wasm/js/notebook.mjs, imported by the worker
 * only when the first such job comes) of what the worker holds: the layer
 * (layerKey: the batch, weights, bias, params and output of the layer the page
 * drew), its gradients (the gradients job's fields), the batch-norm lab (its
 * p) or the network lab's trained network (lab: 'main' | 'own', classes: its
 * class names, images: how many test images to check, at most 64).
 * @typedef {object} NotebookJob
 * @property {'notebook'} type
 * @property {'layer' | 'gradients' | 'bnlab' | 'nnlab'} kind
 * @property {number} [layerKey]  kinds layer and gradients
 * @property {string} [title]  @property {string} [link]  the notebook's heading and the page's link
 *
 * @typedef {{ipynb: string, bytes: number}} NotebookResult  the notebook's JSON text and its length
 */
