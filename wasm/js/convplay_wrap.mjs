// convplay — the friendly JavaScript API (convplay.d.ts) over the raw
// `_`-prefixed Embind functions of wasm/bindings.cpp.
//
// Shared by both outputs: convplay.mjs imports it, and the single-file build
// inlines it with the `export` keywords removed (wasm/make_single_post.cmake),
// so this file must not import anything and must export only with `export `
// at the start of a line.
//
// What it does: checks every argument's type, the names of option keys and
// the lengths of data against their shapes before anything is converted (so
// Embind never has to throw a JavaScript exception through WASM frames, and
// a huge array is refused before it is copied), copies array-likes into
// typed arrays of the right element type, and turns the raw functions'
// {error} results into thrown ConvplayErrors. Every rule on values (sizes,
// strides, padding, image limits) is the core's, with its message, and the
// operation's check (conv2dGeometry) runs before the generic tensor one.

/** Every failure of the API: the core's message, or an argument check's. */
class ConvplayError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ConvplayError';
  }
}

function fail(message) {
  throw new ConvplayError(message);
}

/** A raw binding's result: {error: message} becomes a thrown ConvplayError. */
function ok(result) {
  if (result.error !== undefined) fail(result.error);
  return result;
}

function describe(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) {
    const head = v.slice(0, 8).map(describe).join(', ');
    return `[${head}${v.length > 8 ? ', ...' : ''}]`;
  }
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
  if (typeof v !== 'object' || Array.isArray(v))
    fail(`${name} must be an object, got ${describe(v)}`);
  return v;
}

/** [N, C, H, W] as four int32 integers. */
function shape4(name, s) {
  if (s === null || typeof s !== 'object' || s.length !== 4) {
    fail(`${name} must be [N, C, H, W], got ${describe(s)}`);
  }
  return [
    int32(`${name}[0]`, s[0]),
    int32(`${name}[1]`, s[1]),
    int32(`${name}[2]`, s[2]),
    int32(`${name}[3]`, s[3]),
  ];
}

function isArrayLike(a) {
  return (
    a !== null &&
    typeof a === 'object' &&
    typeof a.length === 'number' &&
    Number.isSafeInteger(a.length) &&
    a.length >= 0
  );
}

const TYPED_ARRAYS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
];

/**
 * The typed array itself when it has the right type, else a converted copy.
 * `length`, when given, is checked before anything is converted (a shape's
 * element count); `limit` bounds any length. A plain array must hold numbers.
 */
function typed(Type, name, a, length, limit) {
  if (a instanceof ArrayBuffer) {
    if (a.byteLength % Type.BYTES_PER_ELEMENT !== 0) {
      fail(
        `${name} is an ArrayBuffer of ${a.byteLength} bytes, not a whole number of ` +
          `${Type.BYTES_PER_ELEMENT}-byte ${Type.name} values`,
      );
    }
    a = new Type(a);
  }
  if (!isArrayLike(a))
    fail(`${name} must be a ${Type.name} or an array of numbers, got ${describe(a)}`);
  if (length !== undefined && a.length !== length) {
    fail(`${name} has ${a.length} values, its shape needs ${length}`);
  }
  if (limit !== undefined && a.length > limit) {
    fail(`${name} has ${a.length} values, more than the limit of ${limit}`);
  }
  if (a instanceof Type) return a;
  if (!TYPED_ARRAYS.some((T) => a instanceof T)) {
    for (let i = 0; i < a.length; ++i) {
      if (typeof a[i] !== 'number') fail(`${name}[${i}] is ${describe(a[i])}, not a number`);
    }
  }
  return Type.from(a);
}

/** Options: every key must be known; the values are type-checked, the core supplies defaults. */
const HINTS = {
  stride: 'use strideH and strideW',
  padding: 'use padH and padW (padMode for the kind)',
  pad: 'use padH and padW (padMode for the kind)',
  dilation: 'use dilationH and dilationW',
  padding_mode: 'use padMode',
  paddingMode: 'use padMode',
  pad_mode: 'use padMode',
  running_mean: 'use runningMean',
  running_var: 'use runningVar',
  max_side: 'use maxSide',
  max_pixels: 'use maxPixels',
  gray: 'use grey',
};

function pick(name, options, fields, extra = []) {
  const o = object(name, options);
  for (const key of Object.keys(o)) {
    if (!(key in fields) && !extra.includes(key)) {
      const accepted = [...Object.keys(fields), ...extra].join(', ');
      fail(
        `unknown option '${key}' in ${name}: ` +
          (Object.hasOwn(HINTS, key) ? HINTS[key] : `the accepted ones are ${accepted}`),
      );
    }
  }
  const out = {};
  for (const [key, check] of Object.entries(fields)) {
    if (o[key] !== undefined) out[key] = check(`${name}.${key}`, o[key]);
  }
  return out;
}

const CONV_PARAMS = {
  strideH: int32,
  strideW: int32,
  padH: int32,
  padW: int32,
  dilationH: int32,
  dilationW: int32,
  padMode: string,
  mode: string,
};
const BATCHNORM_PARAMS = { eps: number, momentum: number };
const BATCHNORM_EXTRA = ['training', 'runningMean', 'runningVar'];
const DECODE_OPTIONS = { grey: boolean, maxSide: int32, maxPixels: int64 };

/**
 * Every method: any exception that is not already a ConvplayError (a
 * RangeError from a typed array, an out-of-memory from the engine) becomes
 * one, named by its original kind.
 */
function guardAll(api) {
  const out = {};
  for (const [key, f] of Object.entries(api)) {
    out[key] =
      typeof f !== 'function'
        ? f
        : function guardedCall(...args) {
            try {
              return f.apply(this, args);
            } catch (e) {
              if (e instanceof ConvplayError) throw e;
              throw new ConvplayError(
                `${e && e.name ? e.name : 'Error'}: ${e && e.message ? e.message : e}`,
              );
            }
          };
  }
  return out;
}

/**
 * Builds the Convplay API (convplay.d.ts) over an instantiated Emscripten
 * module. `spawnCore`, when given, returns a fresh instance of the same module
 * (or null): decodeImage runs in such a second instance and drops it once a
 * decode has grown its memory past 64 MiB, so the memory a large image needs
 * goes back to the system instead of staying in `core` for good.
 */
export function wrapCore(core, spawnCore) {
  const F32 = Float32Array,
    F64 = Float64Array;
  const defaults = Object.freeze({ ...ok(core._defaults()) });
  const maxValues = defaults.maxTensorElements;
  const convParams = (p) => pick('params', p, CONV_PARAMS);

  /** A tensor's element count when its shape is valid, else undefined (the core names the rule). */
  const count = (shape) => {
    let n = 1;
    for (const d of shape) {
      if (d < 1) return undefined;
      n *= d;
    }
    return n <= maxValues ? n : undefined;
  };
  /** {shape, data}: data's length checked against the shape, then converted. */
  const tensor = (T, name, t) => {
    if (t === null || typeof t !== 'object')
      fail(`${name} must be {shape, data}, got ${describe(t)}`);
    const shape = shape4(`${name}.shape`, t.shape);
    const n = count(shape);
    // An invalid shape: nothing is converted and the core's message names it.
    const data = n === undefined ? new T(0) : typed(T, `${name}.data`, t.data, n);
    return { shape, data };
  };
  const vector = (T, name, a) => typed(T, name, a, undefined, maxValues);

  // conv2dForward / conv2dBackward for one element type T (Float32Array or
  // Float64Array) over the raw binding of that precision. The geometry is
  // checked first, from the shapes alone.
  const geometry = (xShape, wShape, params) => ok(core._conv2dGeometry(xShape, wShape, params));
  const convForward = (T, raw) => (x, w, bias, params) => {
    const p = convParams(params);
    geometry(shape4('x.shape', x?.shape), shape4('w.shape', w?.shape), p);
    x = tensor(T, 'x', x);
    w = tensor(T, 'w', w);
    let b = null;
    if (bias !== null && bias !== undefined) {
      b = vector(T, 'bias', bias);
      if (b.length === 0)
        fail(`bias is empty: pass null for no bias, or ${w.shape[0]} values (one per filter)`);
    }
    return ok(raw(x.shape, x.data, w.shape, w.data, b, p));
  };
  const convBackward = (T, raw) => (dy, x, w, params) => {
    const p = convParams(params);
    geometry(shape4('x.shape', x?.shape), shape4('w.shape', w?.shape), p);
    dy = tensor(T, 'dy', dy);
    x = tensor(T, 'x', x);
    w = tensor(T, 'w', w);
    const r = ok(raw(dy.shape, dy.data, x.shape, x.data, w.shape, w.data, p));
    return { dx: r.dx, dw: r.dw, db: r.db };
  };

  // decodeImage's instance: a second one, kept while its memory stays small
  // and dropped (for the garbage collector) after a decode that grew it.
  const KEEP_BYTES = 64 * 1024 * 1024;
  let spare = null;
  const decoder = () => {
    if (spare === null && spawnCore) {
      try {
        spare = spawnCore();
      } catch (e) {
        spare = null;
      }
    }
    return spare ?? core;
  };
  const releaseDecoder = () => {
    if (spare !== null && spare._heapSize() > KEEP_BYTES) spare = null;
  };

  const api = {
    convOutputSize(input, kernel, pad, dilation, stride, axis = 'width') {
      const r = ok(
        core._convOutputSize(
          int64('input', input),
          int64('kernel', kernel),
          int64('pad', pad),
          int64('dilation', dilation),
          int64('stride', stride),
          string('axis', axis),
        ),
      );
      return {
        size: r.size,
        exact: r.exact,
        remainder: r.remainder,
        effectiveKernel: r.effectiveKernel,
      };
    },

    conv2dGeometry(inputShape, weightShape, params) {
      return geometry(
        shape4('inputShape', inputShape),
        shape4('weightShape', weightShape),
        convParams(params),
      );
    },

    conv2dForward: convForward(F32, core._conv2dForward),
    conv2dBackward: convBackward(F32, core._conv2dBackward),
    conv2dForward64: convForward(F64, core._conv2dForward64),
    conv2dBackward64: convBackward(F64, core._conv2dBackward64),

    /** dL/dx alone (dy, w, the input's [N, C, H, W]) -> {shape, data}. */
    conv2dBackwardData(dy, w, inputShape, params) {
      dy = tensor(F32, 'dy', dy);
      w = tensor(F32, 'w', w);
      return ok(
        core._conv2dBackwardData(
          dy.shape,
          dy.data,
          w.shape,
          w.data,
          shape4('inputShape', inputShape),
          convParams(params),
          '',
        ),
      );
    },

    /** dL/dw and dL/db alone (dy, x, the weights' [K, C, F1, F2]) -> {dw, db}. */
    conv2dBackwardFilter(dy, x, weightShape, params) {
      dy = tensor(F32, 'dy', dy);
      x = tensor(F32, 'x', x);
      const r = ok(
        core._conv2dBackwardFilter(
          dy.shape,
          dy.data,
          x.shape,
          x.data,
          shape4('weightShape', weightShape),
          convParams(params),
          '',
        ),
      );
      return { dw: r.dw, db: r.db };
    },

    /** Float32 training forward of a network layer: {y, mean, var, rstd, runningMean?, runningVar?}. */
    batchnormForward32(x, gamma, beta, options) {
      const o = object('options', options);
      x = tensor(F32, 'x', x);
      const rm =
        o.runningMean === undefined || o.runningMean === null
          ? null
          : typed(F32, 'options.runningMean', o.runningMean);
      const rv =
        o.runningVar === undefined || o.runningVar === null
          ? null
          : typed(F32, 'options.runningVar', o.runningVar);
      const r = ok(
        core._batchnormForward32(
          x.shape,
          x.data,
          typed(F32, 'gamma', gamma),
          typed(F32, 'beta', beta),
          pick('options', o, BATCHNORM_PARAMS, ['runningMean', 'runningVar']),
          rm,
          rv,
          '',
        ),
      );
      const out = { y: r.y, mean: r.mean, var: r.var, rstd: r.rstd };
      if (r.runningMean !== undefined) out.runningMean = r.runningMean;
      if (r.runningVar !== undefined) out.runningVar = r.runningVar;
      return out;
    },

    /** Float32 backward of batchnormForward32: saved = {mean, rstd} -> {dx, dgamma, dbeta}. */
    batchnormBackward32(dy, x, gamma, saved) {
      dy = tensor(F32, 'dy', dy);
      x = tensor(F32, 'x', x);
      const s = object('saved', saved);
      const r = ok(
        core._batchnormBackward32(
          dy.shape,
          dy.data,
          x.shape,
          x.data,
          typed(F32, 'gamma', gamma),
          typed(F32, 'saved.mean', s.mean),
          typed(F32, 'saved.rstd', s.rstd),
          '',
        ),
      );
      return { dx: r.dx, dgamma: r.dgamma, dbeta: r.dbeta };
    },

    batchnormForward(x, gamma, beta, options) {
      const params = pick('options', options, BATCHNORM_PARAMS, BATCHNORM_EXTRA);
      const o = object('options', options);
      x = tensor(F64, 'x', x);
      gamma = vector(F64, 'gamma', gamma);
      beta = vector(F64, 'beta', beta);
      const training = o.training === undefined ? true : boolean('options.training', o.training);
      const rm =
        o.runningMean === undefined || o.runningMean === null
          ? null
          : vector(F64, 'options.runningMean', o.runningMean);
      const rv =
        o.runningVar === undefined || o.runningVar === null
          ? null
          : vector(F64, 'options.runningVar', o.runningVar);
      if (training) {
        const r = ok(core._batchnormForwardTrain(x.shape, x.data, gamma, beta, params, rm, rv));
        const out = { y: r.y, mean: r.mean, var: r.var, rstd: r.rstd, xhat: r.xhat };
        if (r.runningMean !== undefined) out.runningMean = r.runningMean;
        if (r.runningVar !== undefined) out.runningVar = r.runningVar;
        return out;
      }
      // Inference: the core normalises with the running statistics and
      // returns what it used.
      const r = ok(
        core._batchnormForwardInfer(
          x.shape,
          x.data,
          gamma,
          beta,
          params,
          rm ?? new F64(0),
          rv ?? new F64(0),
        ),
      );
      return { y: r.y, mean: r.mean, var: r.var, rstd: r.rstd, xhat: r.xhat };
    },

    batchnormBackward(dy, x, gamma, saved) {
      dy = tensor(F64, 'dy', dy);
      x = tensor(F64, 'x', x);
      gamma = vector(F64, 'gamma', gamma);
      const s = object('saved', saved);
      const xhat =
        s.xhat === null || typeof s.xhat !== 'object'
          ? fail(`saved.xhat must be {data}, got ${describe(s.xhat)}`)
          : typed(F64, 'saved.xhat.data', s.xhat.data, x.data.length);
      const r = ok(
        core._batchnormBackward(
          dy.shape,
          dy.data,
          x.shape,
          x.data,
          gamma,
          vector(F64, 'saved.mean', s.mean),
          vector(F64, 'saved.var', s.var),
          vector(F64, 'saved.rstd', s.rstd),
          xhat,
        ),
      );
      return {
        dx: r.dx,
        dxhat: r.dxhat,
        dgamma: r.dgamma,
        dbeta: r.dbeta,
        dvar: r.dvar,
        dmu: r.dmu,
      };
    },

    decodeImage(bytes, options) {
      const data = typed(Uint8Array, 'bytes', bytes);
      const opts = pick('options', options, DECODE_OPTIONS);
      let r;
      try {
        r = ok(decoder()._decodeImage(data, opts));
      } finally {
        releaseDecoder();
      }
      return {
        image: r.image,
        originalWidth: r.originalWidth,
        originalHeight: r.originalHeight,
        fileChannels: r.fileChannels,
        downscaled: r.downscaled,
      };
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
      return {
        usedBytes: core._heapUsed(),
        heapBytes: core._heapSize(),
        liveHandles: core.count_emval_handles(),
      };
    },
  };
  const guarded = guardAll(api);
  guarded.defaults = defaults;
  guarded.ConvplayError = ConvplayError;
  return Object.freeze(guarded);
}
