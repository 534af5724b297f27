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
// Its argument checks (fail, ok, describe, int32, number, string) are
// exported for convplay_nn.mjs, so both APIs describe a value the same way.

/** Every failure of the API: the core's message, or an argument check's. */
class ConvplayError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ConvplayError';
  }
}

export function fail(message) {
  throw new ConvplayError(message);
}

/** A raw binding's result: {error: message} becomes a thrown ConvplayError. */
export function ok(result) {
  if (result.error !== undefined) fail(result.error);
  return result;
}

export function describe(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) {
    const head = v.slice(0, 8).map(describe).join(', ');
    return `[${head}${v.length > 8 ? ', ...' : ''}]`;
  }
  if (v !== null && typeof v === 'object') return v.constructor ? v.constructor.name : 'object';
  return String(v);
}

/** An int32 integer (what the core's int parameters hold). */
export function int32(name, v) {
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

export function number(name, v) {
  if (typeof v !== 'number') fail(`${name} must be a number, got ${describe(v)}`);
  return v;
}

function boolean(name, v) {
  if (typeof v !== 'boolean') fail(`${name} must be true or false, got ${describe(v)}`);
  return v;
}

export function string(name, v) {
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
 * A float32 tensor that stays in the module's memory between calls (see
 * convplay.d.ts): made by `tensor()`, accepted by every op in place of
 * {shape, data}, and written by the ops' `out` arguments. The module owns the
 * data; `dispose()` frees it. A FinalizationRegistry frees a tensor that was
 * garbage-collected without dispose() (a safety net, counted in
 * memoryStats().finalizedTensors: call dispose()).
 */
class ConvplayTensor {
  constructor(owner, id, shape) {
    this._owner = owner;
    this._id = id;
    this._reshape(shape);
  }

  /** The shape an op gave it (an op's `out` takes the result's shape). */
  _reshape(shape) {
    this.shape = Object.freeze(Array.from(shape));
    this.size = shape[0] * shape[1] * shape[2] * shape[3];
  }

  /** True after dispose(). */
  get disposed() {
    return this._id === 0;
  }

  /** The id the raw bindings take; throws once disposed. */
  _live(name) {
    if (this._id === 0) fail(`${name} is a disposed tensor`);
    return this._id;
  }

  /**
   * A Float32Array over the data in the module's memory: no copy, and valid
   * only until the next call into the module (which may grow the memory).
   */
  view() {
    return ok(this._owner.core._tensorView(this._live('tensor'))).view;
  }

  /**
   * A copy of the data: into `into` (a Float32Array of this.size values,
   * returned; nothing is allocated, so a loop that reads every step can keep
   * one array), or into a new Float32Array.
   */
  read(into) {
    const view = this.view();
    if (into === undefined || into === null) return view.slice();
    if (!(into instanceof Float32Array)) {
      fail(`read's argument must be a Float32Array of ${this.size} values, got ${describe(into)}`);
    }
    if (into.length !== this.size) {
      fail(`read's argument has ${into.length} values, the tensor has ${this.size}`);
    }
    into.set(view);
    return into;
  }

  /** Copies `data` (this.size numbers) in. */
  write(data) {
    const view = this.view();
    view.set(typed(Float32Array, 'data', data, view.length));
    return this;
  }

  /** Frees the data; the tensor cannot be used afterwards. A second call does nothing. */
  dispose() {
    if (this._id === 0) return;
    this._owner.release(this);
    this._id = 0;
  }
}

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

  // Resident tensors: the module frees what JavaScript disposes, or (the
  // safety net) what the garbage collector finds without dispose().
  let finalized = 0;
  const registry =
    typeof FinalizationRegistry === 'function'
      ? new FinalizationRegistry((id) => {
          finalized += 1;
          core._tensorDispose(id);
        })
      : null;
  const owner = {
    core,
    release(t) {
      if (registry) registry.unregister(t);
      core._tensorDispose(t._id);
    },
  };
  const adopt = (r) => {
    const t = new ConvplayTensor(owner, r.id, r.shape);
    if (registry) registry.register(t, r.id, t);
    return t;
  };
  const isResident = (t) => t instanceof ConvplayTensor;
  const resident = (name, t) => {
    if (t._owner !== owner) fail(`${name} is a tensor of another convplay module`);
    return t._live(name);
  };
  /** A float32 tensor argument as the raw bindings take it: [id, null] or [shape, data]. */
  const arg32 = (name, t) => {
    if (isResident(t)) return [resident(name, t), null];
    const c = tensor(F32, name, t);
    return [c.shape, c.data];
  };
  /** {shape, data} of any element type; a resident tensor is read (copied). */
  const plain = (T, name, t) =>
    isResident(t) ? { shape: t.shape.slice(), data: T.from(t.view()) } : tensor(T, name, t);
  /**
   * Where a result goes: `out` (a resident tensor, not one of the inputs), or
   * a new resident tensor when an input is resident, else a copy (0).
   */
  const outArg = (name, out, inputs) => {
    if (out === undefined || out === null) return inputs.some(isResident) ? -1 : 0;
    if (!isResident(out)) fail(`${name} must be a tensor made by tensor(), got ${describe(out)}`);
    if (inputs.includes(out)) fail(`${name} must not be one of the op's inputs`);
    return resident(name, out);
  };
  /** A raw result: {id, shape} -> the resident tensor (`out` itself when given), else as is. */
  const result = (r, out) => {
    if (r.id === undefined) return r;
    if (!(out instanceof ConvplayTensor)) return adopt(r);
    out._reshape(r.shape);
    return out;
  };
  /** Resident inputs must be alive before anything else is checked. */
  const live = (inputs) => {
    for (const [name, t] of Object.entries(inputs)) if (isResident(t)) resident(name, t);
  };
  const outsOf = (name, out) => {
    const o = object(name, out);
    for (const key of Object.keys(o)) {
      if (key !== 'dx' && key !== 'dw') fail(`unknown key '${key}' in ${name}: dx or dw`);
    }
    return o;
  };

  // conv2dForward / conv2dBackward for one element type T (Float32Array or
  // Float64Array) over the raw binding of that precision. The geometry is
  // checked first, from the shapes alone.
  const geometry = (xShape, wShape, params) => ok(core._conv2dGeometry(xShape, wShape, params));
  const convForward32 = (x, w, bias, params, out) => {
    live({ x, w });
    const p = convParams(params);
    geometry(shape4('x.shape', x?.shape), shape4('w.shape', w?.shape), p);
    const o = outArg('out', out, [x, w]);
    const xa = arg32('x', x),
      wa = arg32('w', w);
    let b = null;
    if (bias !== null && bias !== undefined) {
      b = vector(F32, 'bias', bias);
      if (b.length === 0)
        fail(`bias is empty: pass null for no bias, or ${w.shape[0]} values (one per filter)`);
    }
    return result(ok(core._conv2dForward(...xa, ...wa, b, p, o)), out);
  };
  const convBackward32 = (dy, x, w, params, out) => {
    live({ dy, x, w });
    const p = convParams(params);
    geometry(shape4('x.shape', x?.shape), shape4('w.shape', w?.shape), p);
    const outs = outsOf('out', out);
    const odx = outArg('out.dx', outs.dx, [dy, x, w]),
      odw = outArg('out.dw', outs.dw, [dy, x, w]);
    if (outs.dx !== undefined && outs.dx === outs.dw) fail('out.dx and out.dw must differ');
    const r = ok(
      core._conv2dBackward(...arg32('dy', dy), ...arg32('x', x), ...arg32('w', w), p, odx, odw),
    );
    return { dx: result(r.dx, outs.dx), dw: result(r.dw, outs.dw), db: r.db };
  };
  const convForward = (T, raw) => (x, w, bias, params) => {
    const p = convParams(params);
    geometry(shape4('x.shape', x?.shape), shape4('w.shape', w?.shape), p);
    x = plain(T, 'x', x);
    w = plain(T, 'w', w);
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
    dy = plain(T, 'dy', dy);
    x = plain(T, 'x', x);
    w = plain(T, 'w', w);
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

    /**
     * A float32 tensor that stays in the module's memory: `data` (its shape's
     * element count of numbers) copied in once, or zeros when omitted.
     */
    tensor(shape, data) {
      shape = shape4('shape', shape);
      const n = count(shape);
      const d =
        data === undefined || data === null || n === undefined ? null : typed(F32, 'data', data, n);
      return adopt(ok(core._tensorCreate(shape, n === undefined ? new F32(0) : d)));
    },

    conv2dForward: convForward32,
    conv2dBackward: convBackward32,
    conv2dForward64: convForward(F64, core._conv2dForward64),
    conv2dBackward64: convBackward(F64, core._conv2dBackward64),

    /** dL/dx alone (dy, w, the input's [N, C, H, W]) -> {shape, data}. */
    conv2dBackwardData(dy, w, inputShape, params, out) {
      const o = outArg('out', out, [dy, w]);
      const r = ok(
        core._conv2dBackwardData(
          ...arg32('dy', dy),
          ...arg32('w', w),
          shape4('inputShape', inputShape),
          convParams(params),
          '',
          o,
        ),
      );
      return result(r, out);
    },

    /** dL/dw and dL/db alone (dy, x, the weights' [K, C, F1, F2]) -> {dw, db}. */
    conv2dBackwardFilter(dy, x, weightShape, params, out) {
      const o = outArg('out', out, [dy, x]);
      const r = ok(
        core._conv2dBackwardFilter(
          ...arg32('dy', dy),
          ...arg32('x', x),
          shape4('weightShape', weightShape),
          convParams(params),
          '',
          o,
        ),
      );
      return { dw: result(r.dw, out), db: r.db };
    },

    /** Float32 training forward of a network layer: {y, mean, var, rstd, runningMean?, runningVar?}. */
    batchnormForward32(x, gamma, beta, options, out) {
      const o = object('options', options);
      const oy = outArg('out', out, [x]);
      const xa = arg32('x', x);
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
          ...xa,
          typed(F32, 'gamma', gamma),
          typed(F32, 'beta', beta),
          pick('options', o, BATCHNORM_PARAMS, ['runningMean', 'runningVar']),
          rm,
          rv,
          '',
          oy,
        ),
      );
      const res = { y: result(r.y, out), mean: r.mean, var: r.var, rstd: r.rstd };
      if (r.runningMean !== undefined) res.runningMean = r.runningMean;
      if (r.runningVar !== undefined) res.runningVar = r.runningVar;
      return res;
    },

    /** Float32 backward of batchnormForward32: saved = {mean, rstd} -> {dx, dgamma, dbeta}. */
    batchnormBackward32(dy, x, gamma, saved, out) {
      const s = object('saved', saved);
      const o = outArg('out', out, [dy, x]);
      const r = ok(
        core._batchnormBackward32(
          ...arg32('dy', dy),
          ...arg32('x', x),
          typed(F32, 'gamma', gamma),
          typed(F32, 'saved.mean', s.mean),
          typed(F32, 'saved.rstd', s.rstd),
          '',
          o,
        ),
      );
      return { dx: result(r.dx, out), dgamma: r.dgamma, dbeta: r.dbeta };
    },

    batchnormForward(x, gamma, beta, options) {
      const params = pick('options', options, BATCHNORM_PARAMS, BATCHNORM_EXTRA);
      const o = object('options', options);
      x = plain(F64, 'x', x);
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
      dy = plain(F64, 'dy', dy);
      x = plain(F64, 'x', x);
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
      return ok(core._encodePng(...arg32('image', image))).png;
    },

    resizeImage(image, h, w, out) {
      const o = outArg('out', out, [image]);
      const r = ok(core._resizeImage(...arg32('image', image), int32('h', h), int32('w', w), o));
      return result(r, out);
    },

    padSourceIndex(i, n, mode) {
      // The core's pad_source_index does not check n (a kernel helper);
      // n < 1 would divide by zero (a WASM trap) for 'circular'.
      if (int32('n', n) < 1) fail(`padSourceIndex: size n ${n} must be at least 1`);
      return ok(core._padSourceIndex(int32('i', i), n, string('mode', mode))).index;
    },

    /**
     * malloc's bytes in use, the WASM memory size, live Embind handles, and
     * the resident tensors: how many, their bytes, and how many the garbage
     * collector freed because dispose() was never called.
     */
    memoryStats() {
      const t = core._tensorStats();
      return {
        usedBytes: core._heapUsed(),
        heapBytes: core._heapSize(),
        liveHandles: core.count_emval_handles(),
        tensors: t.tensors,
        tensorBytes: t.tensorBytes,
        finalizedTensors: finalized,
      };
    },
  };
  const guarded = guardAll(api);
  guarded.defaults = defaults;
  guarded.ConvplayError = ConvplayError;
  guarded.ConvplayTensor = ConvplayTensor;
  return Object.freeze(guarded);
}
