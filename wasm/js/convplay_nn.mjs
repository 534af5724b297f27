// convplay — the network lab's JavaScript API over the raw `_NetworkLab`
// class and `_packFashion` of wasm/bindings_nn.cpp.
//
//   import {createNetworkLab} from './convplay_nn.mjs';
//   const lab = await createNetworkLab({wasmBinary});   // convplay_lab.wasm's bytes, or {wasmUrl}
//   lab.setNetwork(tinyNetwork({batchnorm: true}), 1);
//   lab.loadPack(bytes);                  // fashion-mnist.pack.gz
//   lab.startTraining({epochs: 3, batchSize: 32, learningRate: 0.05});
//   while (!(r = lab.steps(50)).done) ...; lab.evaluate(0);
//   lab.delete();
//
// Like convplay_wrap.mjs it checks the types of every argument (so Embind
// never throws through WASM frames) and turns {error} results into thrown
// Errors named ConvplayError; every rule on values is the core's.
import createConvplayLab from './convplay_lab.mjs';
import { checkClassSet } from './class_rules.mjs';

function fail(message) {
  const e = new Error(message);
  e.name = 'ConvplayError';
  throw e;
}

function ok(result) {
  if (result.error !== undefined) fail(result.error);
  return result;
}

const show = (v) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

function int32(name, v) {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
    fail(`${name} must be an integer, got ${show(v)}`);
  }
  return v;
}

function number(name, v) {
  if (typeof v !== 'number') fail(`${name} must be a number, got ${show(v)}`);
  return v;
}

function string(name, v) {
  if (typeof v !== 'string') fail(`${name} must be a string, got ${show(v)}`);
  return v;
}

function object(name, v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    fail(`${name} must be an object, got ${show(v)}`);
  }
  return v;
}

/** Copies the listed fields that are set, type-checked; unknown fields are refused. */
function fields(name, v, spec) {
  object(name, v);
  const out = {};
  for (const key of Object.keys(v)) {
    if (!(key in spec))
      fail(`${name}: unknown field ${show(key)} (${Object.keys(spec).join(', ')})`);
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
  fail(`${name} must be a Uint8Array or an ArrayBuffer, got ${show(v)}`);
}

export { CLASS_RULES, checkClassSet } from './class_rules.mjs';

const PARAM_KEYS = ['w', 'b', 'gamma', 'beta', 'runningMean', 'runningVar'];

/** Float32Array of finite numbers (a typed array or a plain array, as JSON gives). */
function finiteFloats(name, v) {
  if (!(v instanceof Float32Array || v instanceof Float64Array || Array.isArray(v)))
    fail(`${name} must be an array of numbers`);
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'number' || !Number.isFinite(v[i]))
      fail(`${name}[${i}] is ${show(v[i])}, not a finite number`);
    if (Math.abs(v[i]) > 3.4e38) fail(`${name}[${i}] is ${v[i]}, beyond the float32 range`);
  }
  return Float32Array.from(v);
}

function parameterList(list) {
  if (!Array.isArray(list)) fail(`parameters must be an array of layers, got ${show(list)}`);
  return list.map((p, k) => {
    object(`parameters[${k}]`, p);
    const out = { layer: int32(`parameters[${k}].layer`, p.layer) };
    for (const key of PARAM_KEYS) {
      if (p[key] === undefined) continue;
      const v = key === 'w' && p.w && !Array.isArray(p.w) && 'data' in p.w ? p.w.data : p[key];
      out[key] = finiteFloats(`parameters[${k}].${key}`, v);
    }
    return out;
  });
}

/**
 * The "tiny" preset: conv 8@3x3 - [batch norm] - ReLU - max pool 2 - conv 16@3x3 -
 * [batch norm] - ReLU - max pool 2 - fully connected `classes`, on 28 x 28 grey images.
 */
export function tinyNetwork({ batchnorm = false, classes = 10 } = {}) {
  const layers = [];
  for (const filters of [8, 16]) {
    layers.push({ type: 'conv', filters, kernel: 3, stride: 1, pad: 0 });
    if (batchnorm) layers.push({ type: 'batchnorm' });
    layers.push({ type: 'relu' }, { type: 'maxpool', kernel: 2, stride: 2 });
  }
  layers.push({ type: 'fc', filters: classes });
  return { channels: 1, height: 28, width: 28, layers };
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
         * [{name, images: [file bytes]}] (checkClassSet's rules); each image is
         * decoded grey and downscaled to the network's input by the module;
         * every `testEvery`-th image of a class is kept for testing.
         * -> {train, test, classes: names, perClass: [{train, test}]}
         */
        setClasses(classes, { testEvery = 5 } = {}) {
          const set = checkClassSet(classes);
          int32('testEvery', testEvery);
          const train = { pixels: [], labels: [] };
          const test = { pixels: [], labels: [] };
          const perClass = [];
          set.forEach((c, label) => {
            const counts = { train: 0, test: 0 };
            c.images.forEach((file, i) => {
              const r = live().imageToInput(bytes(`class "${c.name}" image ${i + 1}`, file));
              if (r.error !== undefined) fail(`class "${c.name}", image ${i + 1}: ${r.error}`);
              const into = i % testEvery === testEvery - 1 ? test : train;
              into.pixels.push(r.pixels);
              into.labels.push(label);
              counts[into === test ? 'test' : 'train'] += 1;
            });
            perClass.push(counts);
          });
          const flat = (parts) => {
            const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
            let at = 0;
            for (const p of parts) {
              out.set(p, at);
              at += p.length;
            }
            return out;
          };
          const r = ok(
            live().setData(
              flat(train.pixels),
              Int32Array.from(train.labels),
              flat(test.pixels),
              Int32Array.from(test.labels),
              set.length,
            ),
          );
          return { ...r, classes: set.map((c) => c.name), perClass };
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
