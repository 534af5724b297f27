// convplay — the friendly JavaScript API (convplay.d.ts) over the raw
// `_`-prefixed Embind functions of wasm/bindings.cpp.
//
// Shared by both outputs: convplay.mjs imports it, and the single-file build
// inlines it with the `export` keywords removed (wasm/make_single_post.cmake),
// so this file must not import anything and must export only with `export `
// at the start of a line.
//
// What it does: type-checks every argument (so Embind never has to throw a
// JavaScript exception through WASM frames), copies array-likes into typed
// arrays of the right element type, and turns the raw functions' {error}
// results into thrown Errors. It checks types, never values: every rule
// (sizes, strides, padding, image limits) is the core's, with its message.

/** Throws the core's (or an argument check's) message as an Error named ConvplayError. */
function fail(message) {
  const e = new Error(message);
  e.name = 'ConvplayError';
  throw e;
}

/** A raw binding's result: {error: message} becomes a thrown Error. */
function ok(result) {
  if (result.error !== undefined) fail(result.error);
  return result;
}

function describe(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(describe).join(', ')}]`;
  if (v !== null && typeof v === 'object') return v.constructor ? v.constructor.name : 'object';
  return String(v);
}

/** An int32 integer (what the core's int parameters hold). */
function int32(name, v) {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
    fail(`${name} must be an integer, got ${describe(v)}`);
  }
  return v;
}

/** A safe integer (the core's int64 parameters). */
function int64(name, v) {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    fail(`${name} must be an integer, got ${describe(v)}`);
  }
  return v;
}

function number(name, v) {
  if (typeof v !== 'number') fail(`${name} must be a number, got ${describe(v)}`);
  return v;
}

function boolean(name, v) {
  if (typeof v !== 'boolean') fail(`${name} must be true or false, got ${describe(v)}`);
  return v;
}

function string(name, v) {
  if (typeof v !== 'string') fail(`${name} must be a string, got ${describe(v)}`);
  return v;
}

function object(name, v) {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object') fail(`${name} must be an object, got ${describe(v)}`);
  return v;
}

/** [N, C, H, W] as four int32 integers. */
function shape4(name, s) {
  if (s === null || typeof s !== 'object' || s.length !== 4) {
    fail(`${name} must be [N, C, H, W], got ${describe(s)}`);
  }
  return [int32(`${name}[0]`, s[0]), int32(`${name}[1]`, s[1]), int32(`${name}[2]`, s[2]),
          int32(`${name}[3]`, s[3])];
}

function isArrayLike(a) {
  return a !== null && typeof a === 'object' && typeof a.length === 'number' &&
         Number.isSafeInteger(a.length) && a.length >= 0;
}

/** The typed array itself when it has the right type, else a converted copy. */
function typed(Type, name, a) {
  if (a instanceof Type) return a;
  if (a instanceof ArrayBuffer) return new Type(a);
  if (!isArrayLike(a)) fail(`${name} must be a ${Type.name} or an array of numbers, got ${describe(a)}`);
  return Type.from(a);
}

function tensor(Type, name, t) {
  if (t === null || typeof t !== 'object') fail(`${name} must be {shape, data}, got ${describe(t)}`);
  return {shape: shape4(`${name}.shape`, t.shape), data: typed(Type, `${name}.data`, t.data)};
}

/** Copies only the fields that are set, type-checked; the core supplies the defaults. */
function pick(name, options, fields) {
  const o = object(name, options);
  const out = {};
  for (const [key, check] of Object.entries(fields)) {
    if (o[key] !== undefined) out[key] = check(`${name}.${key}`, o[key]);
  }
  return out;
}

const CONV_PARAMS = {
  strideH: int32, strideW: int32, padH: int32, padW: int32, dilationH: int32, dilationW: int32,
  padMode: string, mode: string,
};
const BATCHNORM_PARAMS = {eps: number, momentum: number};
const DECODE_OPTIONS = {grey: boolean, maxSide: int32, maxPixels: int64};

/** Builds the Convplay API (convplay.d.ts) over an instantiated Emscripten module. */
export function wrapCore(core) {
  const F32 = Float32Array, F64 = Float64Array;
  const convParams = (p) => pick('params', p, CONV_PARAMS);

  // conv2dForward / conv2dBackward for one element type T (Float32Array or
  // Float64Array) over the raw binding of that precision.
  const convForward = (T, raw) => (x, w, bias, params) => {
    x = tensor(T, 'x', x);
    w = tensor(T, 'w', w);
    const b = bias === null || bias === undefined ? null : typed(T, 'bias', bias);
    return ok(raw(x.shape, x.data, w.shape, w.data, b, convParams(params)));
  };
  const convBackward = (T, raw) => (dy, x, w, params) => {
    dy = tensor(T, 'dy', dy);
    x = tensor(T, 'x', x);
    w = tensor(T, 'w', w);
    const r = ok(raw(dy.shape, dy.data, x.shape, x.data, w.shape, w.data, convParams(params)));
    return {dx: r.dx, dw: r.dw, db: r.db};
  };

  const api = {
    convOutputSize(input, kernel, pad, dilation, stride, axis = 'width') {
      const r = ok(core._convOutputSize(int64('input', input), int64('kernel', kernel),
                                        int64('pad', pad), int64('dilation', dilation),
                                        int64('stride', stride), string('axis', axis)));
      return {size: r.size, exact: r.exact, remainder: r.remainder,
              effectiveKernel: r.effectiveKernel};
    },

    conv2dGeometry(inputShape, weightShape, params) {
      return ok(core._conv2dGeometry(shape4('inputShape', inputShape),
                                     shape4('weightShape', weightShape), convParams(params)));
    },

    conv2dForward: convForward(F32, core._conv2dForward),
    conv2dBackward: convBackward(F32, core._conv2dBackward),
    conv2dForward64: convForward(F64, core._conv2dForward64),
    conv2dBackward64: convBackward(F64, core._conv2dBackward64),

    /** dL/dx alone (dy, w, the input's [N, C, H, W]) -> {shape, data}. */
    conv2dBackwardData(dy, w, inputShape, params) {
      dy = tensor(F32, 'dy', dy);
      w = tensor(F32, 'w', w);
      return ok(core._conv2dBackwardData(dy.shape, dy.data, w.shape, w.data,
                                         shape4('inputShape', inputShape), convParams(params), ''));
    },

    /** dL/dw and dL/db alone (dy, x, the weights' [K, C, F1, F2]) -> {dw, db}. */
    conv2dBackwardFilter(dy, x, weightShape, params) {
      dy = tensor(F32, 'dy', dy);
      x = tensor(F32, 'x', x);
      const r = ok(core._conv2dBackwardFilter(dy.shape, dy.data, x.shape, x.data,
                                              shape4('weightShape', weightShape),
                                              convParams(params), ''));
      return {dw: r.dw, db: r.db};
    },

    /** Float32 training forward of a network layer: {y, mean, var, rstd, runningMean?, runningVar?}. */
    batchnormForward32(x, gamma, beta, options) {
      const o = object('options', options);
      x = tensor(F32, 'x', x);
      const rm = o.runningMean === undefined || o.runningMean === null
                     ? null : typed(F32, 'options.runningMean', o.runningMean);
      const rv = o.runningVar === undefined || o.runningVar === null
                     ? null : typed(F32, 'options.runningVar', o.runningVar);
      const r = ok(core._batchnormForward32(x.shape, x.data, typed(F32, 'gamma', gamma),
                                            typed(F32, 'beta', beta),
                                            pick('options', o, BATCHNORM_PARAMS), rm, rv, ''));
      const out = {y: r.y, mean: r.mean, var: r.var, rstd: r.rstd};
      if (r.runningMean !== undefined) out.runningMean = r.runningMean;
      if (r.runningVar !== undefined) out.runningVar = r.runningVar;
      return out;
    },

    /** Float32 backward of batchnormForward32: saved = {mean, rstd} -> {dx, dgamma, dbeta}. */
    batchnormBackward32(dy, x, gamma, saved) {
      dy = tensor(F32, 'dy', dy);
      x = tensor(F32, 'x', x);
      const s = object('saved', saved);
      const r = ok(core._batchnormBackward32(dy.shape, dy.data, x.shape, x.data,
                                             typed(F32, 'gamma', gamma),
                                             typed(F32, 'saved.mean', s.mean),
                                             typed(F32, 'saved.rstd', s.rstd), ''));
      return {dx: r.dx, dgamma: r.dgamma, dbeta: r.dbeta};
    },

    batchnormForward(x, gamma, beta, options) {
      const o = object('options', options);
      x = tensor(F64, 'x', x);
      gamma = typed(F64, 'gamma', gamma);
      beta = typed(F64, 'beta', beta);
      const params = pick('options', o, BATCHNORM_PARAMS);
      const training = o.training === undefined ? true : boolean('options.training', o.training);
      const rm = o.runningMean === undefined || o.runningMean === null ? null
                                                        : typed(F64, 'options.runningMean', o.runningMean);
      const rv = o.runningVar === undefined || o.runningVar === null ? null
                                                      : typed(F64, 'options.runningVar', o.runningVar);
      if (training) {
        const r = ok(core._batchnormForwardTrain(x.shape, x.data, gamma, beta, params, rm, rv));
        const out = {y: r.y, mean: r.mean, var: r.var, rstd: r.rstd, xhat: r.xhat};
        if (r.runningMean !== undefined) out.runningMean = r.runningMean;
        if (r.runningVar !== undefined) out.runningVar = r.runningVar;
        return out;
      }
      // Inference: the core normalises with the running statistics. xhat is
      // the same core call with gamma = 1, beta = 0; mean and var are the
      // statistics used, and rstd = 1 / sqrt(runningVar + eps).
      const rmv = rm ?? new F64(0), rvv = rv ?? new F64(0);
      const y = ok(core._batchnormForwardInfer(x.shape, x.data, gamma, beta, params, rmv, rvv));
      const c = gamma.length;
      const xhat = ok(core._batchnormForwardInfer(x.shape, x.data, new F64(c).fill(1), new F64(c),
                                                  params, rmv, rvv));
      const eps = params.eps === undefined ? 1e-5 : params.eps;  // the core's default
      return {y, mean: F64.from(rmv), var: F64.from(rvv),
              rstd: rvv.map((v) => 1 / Math.sqrt(v + eps)), xhat};
    },

    batchnormBackward(dy, x, gamma, saved) {
      dy = tensor(F64, 'dy', dy);
      x = tensor(F64, 'x', x);
      gamma = typed(F64, 'gamma', gamma);
      const s = object('saved', saved);
      const xhat = s.xhat === null || typeof s.xhat !== 'object'
                       ? fail(`saved.xhat must be {data}, got ${describe(s.xhat)}`)
                       : typed(F64, 'saved.xhat.data', s.xhat.data);
      const r = ok(core._batchnormBackward(dy.shape, dy.data, x.shape, x.data, gamma,
                                           typed(F64, 'saved.mean', s.mean),
                                           typed(F64, 'saved.var', s.var),
                                           typed(F64, 'saved.rstd', s.rstd), xhat));
      return {dx: r.dx, dxhat: r.dxhat, dgamma: r.dgamma, dbeta: r.dbeta, dvar: r.dvar, dmu: r.dmu};
    },

    decodeImage(bytes, options) {
      const r = ok(core._decodeImage(typed(Uint8Array, 'bytes', bytes),
                                     pick('options', options, DECODE_OPTIONS)));
      return {image: r.image, originalWidth: r.originalWidth, originalHeight: r.originalHeight,
              fileChannels: r.fileChannels, downscaled: r.downscaled};
    },

    encodePng(image) {
      image = tensor(F32, 'image', image);
      return ok(core._encodePng(image.shape, image.data)).png;
    },

    resizeImage(image, h, w) {
      image = tensor(F32, 'image', image);
      return ok(core._resizeImage(image.shape, image.data, int32('h', h), int32('w', w)));
    },

    padSourceIndex(i, n, mode) {
      // The core's pad_source_index does not check n (a kernel helper);
      // n < 1 would divide by zero (a WASM trap) for 'circular'.
      if (int32('n', n) < 1) fail(`padSourceIndex: size n ${n} must be at least 1`);
      return ok(core._padSourceIndex(int32('i', i), n, string('mode', mode))).index;
    },

    /** For tests: malloc's bytes in use, the WASM memory size, live Embind handles. */
    memoryStats() {
      return {usedBytes: core._heapUsed(), heapBytes: core._heapSize(),
              liveHandles: core.count_emval_handles()};
    },
  };
  return Object.freeze(api);
}
