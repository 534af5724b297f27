// The one state object of the page (TensorFlow Playground's src/state.ts).
//
// PROPS is a table of rows {name, type, default, min, max, options, maxLength,
// display} (display: true marks a row that never changes the forward pass, a
// view setting or another panel's own data: main.js does not recompute for it);
// that table alone drives reading the URL hash (parseHash: every value is
// validated and clamped, unknown keys are ignored, it never throws) and
// writing it back (serialize). Other modules may append rows with addProps()
// before the page starts (or at any time: a new row reads its value from the
// current hash).
//
// Each handler changes one field with set(name, value) (or several with
// update({...})); the state is re-validated, written to the hash, and the
// subscribers are called (main.js recomputes). Derived values (output sizes,
// parameter counts) are computed from the state (through the module), never
// stored here.
//
// Types: 'int' (clamped to [min, max]), 'float' (clamped), 'bool' (1/0,
// true/false), 'enum' (one of options), 'list' (comma-separated values each
// one of options, at most maxLength), 'floats' (comma-separated numbers,
// each clamped to [min, max], at most maxLength; empty = none), 'string'
// (at most maxLength characters, [A-Za-z0-9_.-] only).

export const MAX_FILTERS = 16;
export const FILTER_PRESETS = [
  'identity', 'box', 'gauss', 'sharpen', 'sobelx', 'sobely', 'laplace', 'emboss', 'random', 'custom',
];
export const SAMPLES = ['chelsea', 'coffee', 'astronaut', 'stripes', 'checker', 'circle'];
export const PAD_MODES = ['zero', 'replicate', 'reflect', 'circular'];
export const MAX_BATCH = 4;
export const PHOTO_SAMPLES = ['chelsea', 'coffee', 'astronaut'];
export const SYNTHETIC_SAMPLES = ['stripes', 'checker', 'circle'];

export const PROPS = [
  // the image
  { name: 'img', type: 'enum', default: 'chelsea', options: [...SAMPLES, 'upload', 'webcam'] },
  { name: 'size', type: 'int', default: 256, min: 3, max: 512 },       // working size (longest side)
  { name: 'fit', type: 'enum', default: 'keep', options: ['keep', 'square'] }, // keep aspect | size x size
  { name: 'grey', type: 'bool', default: false },                       // D1 = 1 instead of 3
  { name: 'batch', type: 'int', default: 1, min: 1, max: MAX_BATCH },   // N images (image 1 = img; batchImages)
  // the layer
  { name: 'f', type: 'int', default: 3, min: 1, max: 11 },              // F (height; width too when square)
  { name: 'fw', type: 'int', default: 3, min: 1, max: 11 },             // F width when fsep
  { name: 'fsep', type: 'bool', default: false },
  { name: 'p', type: 'int', default: 1, min: 0, max: 16 },              // P, both axes
  { name: 'pad', type: 'enum', default: 'zero', options: PAD_MODES },
  { name: 's', type: 'int', default: 1, min: 1, max: 16 },              // S (rows; columns too unless ssep)
  { name: 'sw', type: 'int', default: 1, min: 1, max: 16 },
  { name: 'ssep', type: 'bool', default: false },
  { name: 'dil', type: 'int', default: 1, min: 1, max: 8 },
  { name: 'k', type: 'int', default: 4, min: 1, max: MAX_FILTERS },     // K = D2
  { name: 'mode', type: 'enum', default: 'xcorr', options: ['xcorr', 'conv'] },
  // the filters: preset of filter i = filters[i % length]; random filters use seed + i
  { name: 'filters', type: 'list', default: ['sobelx', 'sobely', 'gauss', 'sharpen'],
    options: FILTER_PRESETS, maxLength: MAX_FILTERS },
  { name: 'bias', type: 'floats', default: [], min: -100, max: 100, maxLength: MAX_FILTERS },
  { name: 'seed', type: 'int', default: 1, min: 0, max: 999999 },
  // display
  { name: 'scale', type: 'enum', default: 'map', options: ['map', 'layer'], display: true }, // colour range per map | shared
  { name: 'at', type: 'string', default: '', maxLength: 16, display: true },  // pinned output pixel "k.y.x"
  // step-through, AlexNet exercise, lecture mode (panels/stepper.js, alexnet.js, lecture.js)
  { name: 'sn', type: 'int', default: 7, min: 3, max: 11, display: true },  // step-through input side N
  { name: 'sin', type: 'enum', default: 'grid', options: ['grid', 'image'], display: true }, // its values: integers | the image
  { name: 'sk', type: 'enum', default: 'ints', options: ['ints', 'layer'], display: true },  // its kernel: integers | filter 1
  { name: 'alex', type: 'bool', default: false },                       // the AlexNet exercise's 96 maps shown
  { name: 'lstep', type: 'string', default: '', maxLength: 16, display: true }, // lecture step id ('' = not in the lecture)
];
// Custom weights of filter i (when its preset is 'custom'): w0 .. w15, F1*F2*D1 numbers, (c, row, col) order.
for (let i = 0; i < MAX_FILTERS; i++) {
  PROPS.push({ name: `w${i}`, type: 'floats', default: [], min: -1000, max: 1000, maxLength: 11 * 11 * 3 });
}

/**
 * True when every changed field only changes the display (its row has
 * display: true), so the layer's forward pass need not run again.
 */
export function displayOnly(changed) {
  return [...changed].every((name) => PROPS.find((r) => r.name === name)?.display === true);
}

/** Append rows (from another module). A row whose name exists already replaces it. */
export function addProps(...rows) {
  for (const row of rows) {
    const i = PROPS.findIndex((r) => r.name === row.name);
    if (i >= 0) PROPS[i] = row; else PROPS.push(row);
    if (!(row.name in state)) state[row.name] = coerce(row, readHash(location.hash).get(row.name));
  }
}

function clone(v) { return Array.isArray(v) ? v.slice() : v; }

export function defaults() {
  const s = {};
  for (const row of PROPS) s[row.name] = clone(row.default);
  return s;
}

function clampNum(row, x) {
  if (row.min !== undefined && x < row.min) x = row.min;
  if (row.max !== undefined && x > row.max) x = row.max;
  return x;
}

/** One raw value (string from the hash, or any JS value from code) -> a valid value of the row. */
export function coerce(row, raw) {
  try {
    if (raw === undefined || raw === null) return clone(row.default);
    if ((row.type === 'int' || row.type === 'float') && typeof raw !== 'number' && String(raw).trim() === '') return row.default;
    switch (row.type) {
      case 'int': {
        const x = typeof raw === 'number' ? raw : Number(String(raw).trim());
        if (!Number.isFinite(x)) return row.default;
        return clampNum(row, Math.round(x));
      }
      case 'float': {
        const x = typeof raw === 'number' ? raw : Number(String(raw).trim());
        if (!Number.isFinite(x)) return row.default;
        return clampNum(row, x);
      }
      case 'bool':
        if (typeof raw === 'boolean') return raw;
        if (raw === 1 || raw === '1' || raw === 'true') return true;
        if (raw === 0 || raw === '0' || raw === 'false') return false;
        return row.default;
      case 'enum': {
        const v = String(raw);
        return row.options.includes(v) ? v : row.default;
      }
      case 'list': {
        const items = Array.isArray(raw) ? raw.map(String) : String(raw).split(',');
        const ok = items.filter((v) => row.options.includes(v)).slice(0, row.maxLength ?? 64);
        return ok.length ? ok : clone(row.default);
      }
      case 'floats': {
        if (raw === '') return [];
        const items = Array.isArray(raw) || ArrayBuffer.isView(raw) ? Array.from(raw) : String(raw).split(',');
        if (items.length > (row.maxLength ?? 1024)) return clone(row.default);
        const out = [];
        for (const it of items) {
          const x = typeof it === 'number' ? it : Number(String(it).trim());
          out.push(Number.isFinite(x) ? clampNum(row, x) : 0);
        }
        return out;
      }
      case 'string': {
        const v = String(raw).slice(0, row.maxLength ?? 64);
        return /^[A-Za-z0-9_.-]*$/.test(v) ? v : row.default;
      }
      default:
        return clone(row.default);
    }
  } catch {
    return clone(row.default);
  }
}

function readHash(hash) {
  const map = new Map();
  try {
    const text = String(hash ?? '').replace(/^#/, '');
    if (text.length > 100000) return map;
    for (const part of text.split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const rawKey = eq < 0 ? part : part.slice(0, eq);
      const rawVal = eq < 0 ? '' : part.slice(eq + 1);
      let key, val;
      try { key = decodeURIComponent(rawKey); val = decodeURIComponent(rawVal.replace(/\+/g, ' ')); } catch { continue; }
      map.set(key, val);
    }
  } catch { /* an unreadable hash is an empty one */ }
  return map;
}

// A base under the hash: fn(state) -> {field: value} gives the values that
// fields absent from the hash take instead of their defaults (a lecture step
// sets up the playground, so `#lstep=sobel` alone is that step). serialize()
// writes only what differs from the same base, so the two stay inverses.
let baseOf = () => ({});
export function setBase(fn) { baseOf = fn; }

function base(s) {
  let patch = {};
  try { patch = baseOf(s) || {}; } catch { /* a broken base is no base */ }
  const b = {};
  for (const row of PROPS) b[row.name] = row.name in patch ? coerce(row, patch[row.name]) : clone(row.default);
  return b;
}

/** URL hash -> a complete, valid state object. Never throws. */
export function parseHash(hash) {
  const given = readHash(hash);
  const s = {};
  for (const row of PROPS) {
    s[row.name] = given.has(row.name) ? coerce(row, given.get(row.name)) : clone(row.default);
  }
  const b = base(s);
  for (const row of PROPS) if (!given.has(row.name)) s[row.name] = b[row.name];
  return s;
}

function fmtFloat(x) { return String(Math.round(x * 1e6) / 1e6); }

function serializeValue(row, v) {
  switch (row.type) {
    case 'bool': return v ? '1' : '0';
    case 'list': return v.join(',');
    case 'floats': return v.map(fmtFloat).join(',');
    case 'float': return fmtFloat(v);
    default: return String(v);
  }
}

function same(a, b) {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/** State -> URL hash (without '#'): only the values that differ from the base (the defaults, or a lecture step's set-up). */
export function serialize(s) {
  const parts = [];
  const b = base(s);
  for (const row of PROPS) {
    const v = s[row.name];
    if (v === undefined || same(v, b[row.name])) continue;
    parts.push(`${encodeURIComponent(row.name)}=${encodeURIComponent(serializeValue(row, v)).replace(/%2C/g, ',')}`);
  }
  return parts.join('&');
}

// ---- the live state ------------------------------------------------------

/** The one state object. Read it freely; change it only through set()/update(). */
export const state = parseHash(typeof location !== 'undefined' ? location.hash : '');

const listeners = new Set();

/** fn(state, changedNames: Set) after every change. Returns an unsubscribe function. */
export function subscribe(fn) { listeners.add(fn); return () => listeners.delete(fn); }

let writingHash = false;
function writeHash() {
  if (typeof history === 'undefined') return;
  const text = serialize(state);
  const url = `${location.pathname}${location.search}${text ? `#${text}` : ''}`;
  writingHash = true;
  try { history.replaceState(null, '', url); } catch { /* e.g. file:// in some browsers */ }
  writingHash = false;
}

function notify(changed) {
  if (!changed.size) return;
  writeHash();
  for (const fn of listeners) {
    try { fn(state, changed); } catch (e) { console.error(e); }
  }
}

/** Change several fields at once (validated); one notification. */
export function update(patch) {
  const changed = new Set();
  for (const [name, raw] of Object.entries(patch)) {
    const row = PROPS.find((r) => r.name === name);
    if (!row) continue;
    const v = coerce(row, raw);
    if (!same(v, state[name])) { state[name] = v; changed.add(name); }
  }
  notify(changed);
  return changed;
}

/** Change one field (validated). */
export function set(name, value) { return update({ [name]: value }); }

/** Replace the whole state from a hash (e.g. a lecture step's link). */
export function loadHash(hash) {
  const next = parseHash(hash);
  const changed = new Set();
  for (const row of PROPS) {
    if (!same(next[row.name], state[row.name])) { state[row.name] = next[row.name]; changed.add(row.name); }
  }
  notify(changed);
  return changed;
}

/** Back to the defaults. */
export function reset() { return loadHash(''); }

/**
 * True for a hash that names a place on the page ("#layer-panel": no key=value
 * pair) rather than a state. Such a hash (a followed in-page link) never
 * replaces the state: every state hash has an '=' (the defaults are '').
 */
export function isAnchorHash(hash) {
  const text = String(hash ?? '').replace(/^#/, '');
  return text !== '' && !text.includes('=');
}

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => {
    if (writingHash) return;
    // an in-page link: the browser has scrolled to it; the URL goes back to the state
    if (isAnchorHash(location.hash)) { writeHash(); return; }
    loadHash(location.hash);
  });
}

// ---- small helpers on the state (derived, not stored) ---------------------

/** Kernel height and width. */
export function kernelHW(s = state) { return { fh: s.f, fw: s.fsep ? s.fw : s.f }; }
/** Stride along rows (H) and columns (W). */
export function strideHW(s = state) { return { sh: s.s, sw: s.ssep ? s.sw : s.s }; }
/** Input depth D1. */
export function depth(s = state) { return s.grey ? 1 : 3; }
/** The module's ConvParams for the state. */
export function convParams(s = state) {
  const { sh, sw } = strideHW(s);
  return {
    strideH: sh, strideW: sw, padH: s.p, padW: s.p, dilationH: s.dil, dilationW: s.dil,
    padMode: s.pad, mode: s.mode === 'conv' ? 'convolution' : 'cross-correlation',
  };
}
/** Preset name of filter i. */
export function presetOf(i, s = state) { return s.filters[i % s.filters.length]; }
/** Bias of filter i. */
export function biasOf(i, s = state) { return s.bias[i] ?? 0; }
/**
 * The sample names of images 2 .. N of the batch (image 1 is the state's own
 * image): the sample photos other than image 1, then the synthetic samples
 * (other than image 1), cycled when more are needed.
 */
export function batchImages(s = state) {
  const n = Math.max(1, Math.min(MAX_BATCH, s.batch | 0 || 1));
  const pool = [...PHOTO_SAMPLES, ...SYNTHETIC_SAMPLES].filter((name) => name !== s.img);
  return Array.from({ length: n - 1 }, (_, i) => pool[i % pool.length]);
}
/** A plain copy of the state (for a worker message, a test, a lecture step). */
export function snapshot(s = state) { return JSON.parse(JSON.stringify(s)); }
