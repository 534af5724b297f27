// convplay — the network lab's JavaScript API over the raw `_NetworkLab`
// class, `_tinyNetwork`, `_classSetProblem` and `_packFashion` of
// wasm/bindings_nn.cpp.
//
//   import {createNetworkLab} from './convplay_nn.mjs';
//   const api = await createNetworkLab({wasmBinary});   // convplay_lab.wasm's bytes, or {wasmUrl}
//   const lab = api.NetworkLab();
//   lab.setNetwork(api.tinyNetwork({batchnorm: true}), 1);
//   lab.loadPack(bytes);                  // fashion-mnist.pack.gz
//   lab.startTraining({epochs: 3, batchSize: 32, learningRate: 0.05});
//   while (!(r = lab.steps(50)).done) ...; lab.evaluate(0);
//   lab.delete();
//
// Like convplay_wrap.mjs (whose argument checks it shares) it checks the
// types of every argument (so Embind never throws through WASM frames),
// converts, and turns {error} results into thrown ConvplayErrors. Every rule
// on values is the core's (network_lab.h): this file only converts.
import createConvplayLab from './convplay_lab.mjs';
import { describe, fail, int32, number, ok, string } from './convplay_wrap.mjs';

function object(name, v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    fail(`${name} must be an object, got ${describe(v)}`);
  }
  return v;
}

/** Copies the listed fields that are set, type-checked; unknown fields are refused. */
function fields(name, v, spec) {
  object(name, v);
  const out = {};
  for (const key of Object.keys(v)) {
    if (!(key in spec))
      fail(`${name}: unknown field ${describe(key)} (${Object.keys(spec).join(', ')})`);
    if (v[key] !== undefined) out[key] = spec[key](`${name}.${key}`, v[key]);
  }
  return out;
}

const LAYER_FIELDS = { type: string, filters: int32, kernel: int32, stride: int32, pad: int32 };
const CONFIG_FIELDS = {
  batchSize: int32,
  epochs: int32,
  learningRate: number,
  optimizer: string, // 'sgd' (with momentum, the default) or 'adam' (beta1, beta2)
  momentum: number,
  beta1: number,
  beta2: number,
  weightDecay: number,
  schedule: string,
  seed: int32,
};

function networkSpec(spec) {
  object('spec', spec);
  const out = fields(
    'spec',
    { ...spec, layers: undefined },
    { channels: int32, height: int32, width: int32, layers: () => undefined },
  );
  if (!Array.isArray(spec.layers)) fail('spec.layers must be an array of layers');
  out.layers = spec.layers.map((l, i) => fields(`spec.layers[${i}]`, l, LAYER_FIELDS));
  return out;
}

function bytes(name, v) {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return fail(`${name} must be a Uint8Array or an ArrayBuffer, got ${describe(v)}`);
}

const PARAM_KEYS = ['w', 'b', 'gamma', 'beta', 'runningMean', 'runningVar'];

/** Float64Array of the numbers (a typed array or a plain array, as JSON gives). */
function numbers(name, v) {
  if (!(v instanceof Float32Array || v instanceof Float64Array || Array.isArray(v)))
    fail(`${name} must be an array of numbers`);
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'number') fail(`${name}[${i}] is ${describe(v[i])}, not a finite number`);
  }
  return Float64Array.from(v);
}

function parameterList(list) {
  if (!Array.isArray(list)) fail(`parameters must be an array of layers, got ${describe(list)}`);
  return list.map((p, k) => {
    object(`parameters[${k}]`, p);
    const out = { layer: int32(`parameters[${k}].layer`, p.layer) };
    for (const key of PARAM_KEYS) {
      if (p[key] === undefined) continue;
      const v = key === 'w' && p.w && !Array.isArray(p.w) && 'data' in p.w ? p.w.data : p[key];
      out[key] = numbers(`parameters[${k}].${key}`, v);
    }
    return out;
  });
}

/**
 * The student's classes, [{name, images}], as the core's rules see them:
 * [{name, sizes}] (each image's byte count). An image is its file's bytes
 * (Uint8Array or ArrayBuffer) or, to ask about a set without its files, its
 * byte count.
 */
function classSummaries(classes) {
  if (!Array.isArray(classes)) fail(`classes must be an array, got ${describe(classes)}`);
  return classes.map((c, i) => {
    object(`classes[${i}]`, c);
    const name = c.name === undefined ? '' : string(`classes[${i}].name`, c.name);
    const label = `class ${describe(name.trim())}`;
    if (!Array.isArray(c.images)) fail(`${label}: images must be an array of files`);
    const sizes = c.images.map((f, k) =>
      typeof f === 'number' && Number.isSafeInteger(f) && f >= 0
        ? f
        : bytes(`${label} image ${k + 1}`, f).length,
    );
    return { name, sizes };
  });
}

/** The lab API over a loaded core module (Emscripten's Module object). */
export function wrapNetworkLab(core) {
  return {
    /** A new lab (one network, its data, its trainer); call .delete() when done. */
    NetworkLab() {
      const raw = new core._NetworkLab();
      let deleted = false;
      const live = () => {
        if (deleted) fail('this NetworkLab was deleted');
        return raw;
      };
      return {
        setNetwork: (spec, seed = 1) =>
          ok(live().setNetwork(networkSpec(spec), int32('seed', seed))),
        loadPack: (data) => ok(live().loadPack(bytes('data', data))),
        startTraining: (config = {}) =>
          ok(live().startTraining(fields('config', config, CONFIG_FIELDS))),
        steps: (n = 1) => ok(live().steps(int32('n', n))),
        evaluate: (limit = 0) => ok(live().evaluate(int32('limit', limit))),
        batchnormStats: () => ok(live().batchnormStats()).layers,
        layers: () => ok(live().layers()),
        weights: (layer) => ok(live().weights(int32('layer', layer))),
        testImage: (index) => ok(live().testImage(int32('index', index))),
        classify: (pixels) => ok(live().classify(bytes('pixels', pixels))),
        imageToInput: (file) => ok(live().imageToInput(bytes('file', file))),
        /**
         * The student's own classes as the training and test sets: classes is
         * [{name, images: [file bytes]}] (the core's rules: classSetProblem);
         * each image is decoded grey and downscaled to the network's input by
         * the module, one at a time; every `testEvery`-th image of a class is
         * kept for testing. -> {train, test, classes: names, perClass: [{train, test}]}
         */
        setClasses(classes, { testEvery = 5 } = {}) {
          const summaries = classSummaries(classes);
          ok(live().beginClasses(summaries, int32('testEvery', testEvery)));
          summaries.forEach(({ name }, label) =>
            classes[label].images.forEach((file, k) => {
              const what = `class ${describe(name.trim())} image ${k + 1}`;
              ok(live().addClassImage(label, bytes(what, file)));
            }),
          );
          return ok(live().endClasses());
        },
        /** Every layer with parameters: [{layer, name, w: {shape, data}, b, gamma?, beta?, runningMean?, runningVar?}]. */
        parameters: () => ok({ list: live().parameters() }).list,
        /** The inverse of parameters(); refuses a wrong layer, size or a value that is not finite. */
        setParameters: (list) => ok(live().setParameters(parameterList(list))),
        delete() {
          if (!deleted) raw.delete();
          deleted = true;
        },
      };
    },
    /**
     * The "tiny" preset's spec, the core's tiny_network(): conv 8@3x3 - [batch
     * norm] - ReLU - max pool 2 - conv 16@3x3 - [batch norm] - ReLU - max pool 2 -
     * fully connected `classes`, on 28 x 28 grey images.
     */
    tinyNetwork({ batchnorm = false, classes = 10 } = {}) {
      if (typeof batchnorm !== 'boolean')
        fail(`batchnorm must be true or false, got ${describe(batchnorm)}`);
      return ok(core._tinyNetwork(batchnorm, int32('classes', classes))).spec;
    },
    /**
     * The first rule of the lab's class set that `classes` breaks (2 to 4
     * classes, each named once, 5 to 60 images of at most 8 MB), as setClasses
     * would refuse it, or null. An image may be given as its byte count.
     */
    classSetProblem: (classes) => ok(core._classSetProblem(classSummaries(classes))).problem,
    /** Four idx files (gzipped or not) -> a pack of the first images, quantised to `bits`. */
    packFashion(files, { trainCount = 0, testCount = 0, bits = 8 } = {}) {
      object('files', files);
      return ok(
        core._packFashion(
          bytes('trainImages', files.trainImages),
          bytes('trainLabels', files.trainLabels),
          bytes('testImages', files.testImages),
          bytes('testLabels', files.testLabels),
          int32('trainCount', trainCount),
          int32('testCount', testCount),
          int32('bits', bits),
        ),
      ).pack;
    },
  };
}

/** Loads the module (options: {wasmBinary} or nothing) and returns the lab API. */
export async function createNetworkLab(options = {}) {
  const moduleArg = {};
  if (options.wasmBinary) {
    moduleArg.wasmBinary = options.wasmBinary;
    // nothing is fetched: the glue must not resolve the .wasm's name against the
    // script's URL (a worker's blob: URL is no base: that throws)
    moduleArg.locateFile = (file) => file;
  }
  if (options.wasmUrl) {
    moduleArg.locateFile = (file) => (file.endsWith('.wasm') ? options.wasmUrl : file);
  }
  return wrapNetworkLab(await createConvplayLab(moduleArg));
}

export default createNetworkLab;
