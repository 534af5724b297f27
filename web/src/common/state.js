// The state table of a playground (TensorFlow Playground's src/state.ts).
//
// PROPS is the one table of rows {name, type, default, min, max, options,
// maxLength, kind}: the layer's rows, the view's, and those of every panel
// (gradients, step-through, AlexNet, lecture, batch-norm lab, network lab). That table
// alone drives reading a hash (parseHash: every value validated and clamped,
// unknown keys ignored, never a throw), writing it back (serialize) and the
// ranges of the controls (rowOf(name).min / .max).
//
// kind says what a change of the row recomputes:
//   'layer'  (default) the forward pass of the layer (and whatever follows it);
//   'grad'   the backward pass only (the layer's output is kept in the worker);
//   'view'   nothing in the worker: the panels that show it redraw.
//
// createStore(options) makes the live state of one playground instance:
//   const store = createStore({ hash: true });       // reads and writes location.hash
//   const store = createStore({ initial: 'f=5&k=2' }); // or an object; no hash access
//   store.state                 the state (read it; change it only through set/update)
//   store.set(name, v), store.update({...}), store.loadHash(h), store.reset()
//   store.subscribe(fn)         fn(state, changedNames) after every change; returns unsubscribe
//   createStore({ initial, locked: ['f'] })   locked rows keep their starting value
//                               (locks.js); store.onRefused(fn) hears every refusal
//   store.restart(h, rows?)     a new starting state (all of it, or only rows)
//   store.destroy()             stops listening to hashchange
// Types: 'int' (clamped to [min, max]), 'float' (clamped), 'bool' (1/0,
// true/false), 'enum' (one of options), 'list' (comma-separated values each
// one of options, at most maxLength), 'floats' (comma-separated numbers,
// each clamped to [min, max], at most maxLength; empty = none), 'string'
// (at most maxLength characters, [A-Za-z0-9_.-] only), 'names' (1 to maxLength
// free-text names of at most itemLength characters each, comma-separated in a
// link with a name's own ',' and '%' written %2C and %25).
import { stepPatch } from './lecture-steps.js';
import { MAX_M, STEPS as BN_STEPS } from './bnlab-math.js';
import { VERSION_KEY, linkVersion, migrateFields, versionedHash } from './link-format.js';
import { createLock } from './locks.js';

export const MAX_FILTERS = 16;
export const FILTER_PRESETS = [
  'identity',
  'box',
  'gauss',
  'sharpen',
  'sobelx',
  'sobely',
  'laplace',
  'emboss',
  'random',
  'custom',
];
export const SAMPLES = ['chelsea', 'coffee', 'astronaut', 'stripes', 'checker', 'circle'];
export const PAD_MODES = ['zero', 'replicate', 'reflect', 'circular'];
export const MAX_BATCH = 4;
export const GRAD_LOSSES = ['sum', 'sq', 'pixel', 'target'];
export const GRAD_TARGETS = [
  'sobelx',
  'sobely',
  'gauss',
  'box',
  'sharpen',
  'laplace',
  'emboss',
  'identity',
];
export const PHOTO_SAMPLES = ['chelsea', 'coffee', 'astronaut'];
export const SYNTHETIC_SAMPLES = ['stripes', 'checker', 'circle'];

export const PROPS = [
  // the image
  { name: 'img', type: 'enum', default: 'chelsea', options: [...SAMPLES, 'upload', 'webcam'] },
  { name: 'size', type: 'int', default: 256, min: 3, max: 512 }, // working size (longest side)
  { name: 'fit', type: 'enum', default: 'keep', options: ['keep', 'square'] }, // keep aspect | size x size
  { name: 'grey', type: 'bool', default: false }, // D1 = 1 instead of 3
  { name: 'batch', type: 'int', default: 1, min: 1, max: MAX_BATCH }, // N images (image 1 = img; batchImages)
  // the layer
  { name: 'f', type: 'int', default: 3, min: 1, max: 11 }, // F (height; width too when square)
  { name: 'fw', type: 'int', default: 3, min: 1, max: 11 }, // F width when fsep
  { name: 'fsep', type: 'bool', default: false },
  { name: 'p', type: 'int', default: 1, min: 0, max: 16 }, // P, both axes
  { name: 'pad', type: 'enum', default: 'zero', options: PAD_MODES },
  { name: 's', type: 'int', default: 1, min: 1, max: 16 }, // S (rows; columns too unless ssep)
  { name: 'sw', type: 'int', default: 1, min: 1, max: 16 },
  { name: 'ssep', type: 'bool', default: false },
  { name: 'dil', type: 'int', default: 1, min: 1, max: 8 },
  { name: 'k', type: 'int', default: 4, min: 1, max: MAX_FILTERS }, // K = D2
  { name: 'mode', type: 'enum', default: 'xcorr', options: ['xcorr', 'conv'] },
  // the filters: preset of filter i = filters[i % length]; random filters use seed + i
  {
    name: 'filters',
    type: 'list',
    default: ['sobelx', 'sobely', 'gauss', 'sharpen'],
    options: FILTER_PRESETS,
    maxLength: MAX_FILTERS,
  },
  { name: 'bias', type: 'floats', default: [], min: -100, max: 100, maxLength: MAX_FILTERS },
  { name: 'seed', type: 'int', default: 1, min: 0, max: 999999 },
  // display
  { name: 'scale', type: 'enum', default: 'map', options: ['map', 'layer'], kind: 'view' }, // colour range per map | shared
  // the feature maps' size on screen: fit the column, or 1, 2, 4 screen pixels per map pixel
  { name: 'zoom', type: 'enum', default: 'fit', options: ['fit', '1', '2', '4'], kind: 'view' },
  { name: 'at', type: 'string', default: '', maxLength: 16, kind: 'view' }, // pinned output pixel "k.y.x"
  // step-through, AlexNet exercise, lecture mode (panels/stepper.js, alexnet.js, lecture.js)
  { name: 'sn', type: 'int', default: 7, min: 3, max: 11, kind: 'view' }, // step-through input side N
  { name: 'sin', type: 'enum', default: 'grid', options: ['grid', 'image'], kind: 'view' }, // its values: integers | the image
  { name: 'sk', type: 'enum', default: 'ints', options: ['ints', 'layer'], kind: 'view' }, // its kernel: integers | filter 1
  { name: 'alex', type: 'bool', default: false }, // the AlexNet exercise's 96 maps shown
  { name: 'lstep', type: 'string', default: '', maxLength: 16, kind: 'view' }, // lecture step id ('' = not in the lecture)
  // gradients (panels/gradients.js): compute, loss, target preset, learning rate (0 = the safe 1/T),
  // batch norm after the conv, its gamma / beta per map (missing = 1 / 0)
  { name: 'gon', type: 'bool', default: false, kind: 'grad' },
  { name: 'gl', type: 'enum', default: 'sum', options: GRAD_LOSSES, kind: 'grad' },
  { name: 'gt', type: 'enum', default: 'sobelx', options: GRAD_TARGETS, kind: 'grad' },
  { name: 'glr', type: 'float', default: 0, min: 0, max: 10, kind: 'view' },
  { name: 'gbn', type: 'bool', default: false, kind: 'grad' },
  {
    name: 'ggam',
    type: 'floats',
    default: [],
    min: -1000,
    max: 1000,
    maxLength: MAX_FILTERS,
    kind: 'grad',
  },
  {
    name: 'gbet',
    type: 'floats',
    default: [],
    min: -1000,
    max: 1000,
    maxLength: MAX_FILTERS,
    kind: 'grad',
  },
  // the batch-norm lab (panels/bnlab): it never changes the conv layer
  {
    name: 'bnx',
    type: 'floats',
    default: [1, 3],
    min: -1e12,
    max: 1e12,
    maxLength: MAX_M,
    kind: 'view',
  },
  { name: 'bngamma', type: 'float', default: 2, min: -1e6, max: 1e6, kind: 'view' },
  { name: 'bnbeta', type: 'float', default: 0.5, min: -1e6, max: 1e6, kind: 'view' },
  // a string: keeps 1e-8 exact in the URL
  { name: 'bneps', type: 'string', default: '1e-5', maxLength: 16, kind: 'view' },
  { name: 'bnloss', type: 'enum', default: 'lin', options: ['lin', 'sq', 'tgt'], kind: 'view' },
  {
    name: 'bnw',
    type: 'floats',
    default: [1, -2],
    min: -1e6,
    max: 1e6,
    maxLength: MAX_M,
    kind: 'view',
  },
  {
    name: 'bnt',
    type: 'floats',
    default: [0, 0],
    min: -1e6,
    max: 1e6,
    maxLength: MAX_M,
    kind: 'view',
  },
  { name: 'bnmode', type: 'enum', default: 'all', options: ['all', 'step'], kind: 'view' },
  { name: 'bnstep', type: 'int', default: 0, min: 0, max: BN_STEPS.length, kind: 'view' },
  // the network lab (panels/nnlab.js): K, F, P of its two convolutions, batch norm,
  // learning rate, batch size, epochs, seed; it never changes the conv layer
  { name: 'nnk1', type: 'int', default: 8, min: 1, max: 32, kind: 'view' },
  { name: 'nnf1', type: 'int', default: 3, min: 1, max: 28, kind: 'view' },
  { name: 'nnp1', type: 'int', default: 0, min: 0, max: 5, kind: 'view' },
  { name: 'nnk2', type: 'int', default: 16, min: 1, max: 32, kind: 'view' },
  { name: 'nnf2', type: 'int', default: 3, min: 1, max: 28, kind: 'view' },
  { name: 'nnp2', type: 'int', default: 0, min: 0, max: 5, kind: 'view' },
  { name: 'nnbn', type: 'bool', default: true, kind: 'view' },
  { name: 'nnlr', type: 'float', default: 0.05, min: 0.0001, max: 10, kind: 'view' },
  { name: 'nnbs', type: 'int', default: 32, min: 1, max: 512, kind: 'view' },
  { name: 'nnep', type: 'int', default: 2, min: 1, max: 20, kind: 'view' },
  { name: 'nnseed', type: 'int', default: 1, min: 0, max: 1000000, kind: 'view' },
  // what the lab trains on, and the names of the student's own classes (their
  // pictures stay in the page: a link cannot carry them)
  { name: 'nndata', type: 'enum', default: 'fashion', options: ['fashion', 'own'], kind: 'view' },
  { name: 'nncls', type: 'names', default: ['', ''], maxLength: 4, itemLength: 40, kind: 'view' },
];
// Custom weights of filter i (when its preset is 'custom'): w0 .. w15, F1*F2*D1 numbers, (c, row, col) order.
for (let i = 0; i < MAX_FILTERS; i++) {
  PROPS.push({
    name: `w${i}`,
    type: 'floats',
    default: [],
    min: -1000,
    max: 1000,
    maxLength: 11 * 11 * 3,
  });
}

const BY_NAME = new Map(PROPS.map((r) => [r.name, r]));

/** The row of a field (undefined for an unknown name). */
export function rowOf(name) {
  return BY_NAME.get(name);
}

/** What a set of changed fields recomputes: 'layer', 'grad' or 'view' (the most of them). */
export function changeKind(changed) {
  let kind = 'view';
  for (const name of changed) {
    const k = BY_NAME.get(name)?.kind ?? 'layer';
    if (k === 'layer') return 'layer';
    if (k === 'grad') kind = 'grad';
  }
  return kind;
}

/** True when every changed field only changes the display (kind 'view'). */
export function displayOnly(changed) {
  return changeKind(changed) === 'view';
}

function clone(v) {
  return Array.isArray(v) ? v.slice() : v;
}

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

/**
 * x as a link holds it: 6 decimals (from 1e9 on every digit a double has left,
 * kept exact), never -0. A float row's value is stored so: the state holds
 * nothing its link cannot say, and a fresh load of the link draws the same.
 */
function linkFloat(x) {
  return Math.abs(x) >= 1e9 ? x : Math.round(x * 1e6) / 1e6 + 0;
}

/** One raw value (string from the hash, or any JS value from code) -> a valid value of the row. */
/** A decimal number written in a link or a field ("0x10", "1_000", "Infinity" are not), else NaN. */
function decimal(raw) {
  if (typeof raw === 'number') return raw;
  const text = String(raw).trim();
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN;
}

export function coerce(row, raw) {
  try {
    if (raw === undefined || raw === null) return clone(row.default);
    if (
      (row.type === 'int' || row.type === 'float') &&
      typeof raw !== 'number' &&
      String(raw).trim() === ''
    )
      return row.default;
    switch (row.type) {
      case 'int': {
        const x = decimal(raw);
        if (!Number.isFinite(x)) return row.default;
        return clampNum(row, Math.round(x));
      }
      case 'float': {
        const x = decimal(raw);
        if (!Number.isFinite(x)) return row.default;
        return linkFloat(clampNum(row, x));
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
        const items =
          Array.isArray(raw) || ArrayBuffer.isView(raw) ? Array.from(raw) : String(raw).split(',');
        if (items.length > (row.maxLength ?? 1024)) return clone(row.default);
        const out = [];
        for (const it of items) {
          const x = decimal(it);
          out.push(Number.isFinite(x) ? linkFloat(clampNum(row, x)) : 0);
        }
        return out;
      }
      case 'string': {
        const v = String(raw).slice(0, row.maxLength ?? 64);
        return /^[A-Za-z0-9_.-]*$/.test(v) ? v : row.default;
      }
      case 'names':
        return coerceNames(row, raw);
      default:
        return clone(row.default);
    }
  } catch {
    return clone(row.default);
  }
}

// A name in a link: its own ',' and '%' escaped, so that ',' separates the names.
const escapeName = (n) => n.replace(/[%,]/g, (c) => (c === '%' ? '%25' : '%2C'));
const unescapeName = (n) => n.replace(/%(25|2C)/gi, (m, c) => (c === '25' ? '%' : ','));

/** Names (an array, or a link's comma-separated text): control characters dropped, each cut to itemLength. */
function coerceNames(row, raw) {
  const items = Array.isArray(raw) ? raw.map(String) : String(raw).split(',').map(unescapeName);
  if (items.length < 1 || items.length > (row.maxLength ?? 64)) return clone(row.default);
  // eslint-disable-next-line no-control-regex
  return items.map((n) => n.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, row.itemLength ?? 64));
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
      try {
        key = decodeURIComponent(rawKey);
        val = decodeURIComponent(rawVal.replace(/\+/g, ' '));
      } catch {
        continue;
      }
      map.set(key, val);
    }
  } catch {
    /* an unreadable hash is an empty one */
  }
  return map;
}

// The base under the hash: the values that fields absent from the hash take
// instead of their defaults. A lecture step sets up the playground, so
// `#lstep=sobel` alone is that step (lecture-steps.js); serialize() writes only
// what differs from the same base, so the two stay inverses.
function base(s) {
  let patch = {};
  try {
    patch = stepPatch(s.lstep) || {};
  } catch {
    /* a broken base is no base */
  }
  const b = {};
  for (const row of PROPS)
    b[row.name] = row.name in patch ? coerce(row, patch[row.name]) : clone(row.default);
  return b;
}

/**
 * A hash in today's format (or one with a `v` field: migrated from that
 * version) -> a complete, valid state object. Never throws.
 */
export function parseHash(hash) {
  const given = readHash(hash);
  if (given.has(VERSION_KEY)) migrateFields(given, linkVersion(given.get(VERSION_KEY)).version);
  return stateOf(given);
}

/**
 * A link's hash (the page's URL) -> a complete, valid state object, as it was
 * when the link was made: a link without `v` is version 1 (link-format.js). An
 * empty hash is today's defaults. Never throws.
 */
export function parseLink(hash) {
  const given = readHash(hash);
  if (given.size) migrateFields(given, linkVersion(given.get(VERSION_KEY)).version);
  return stateOf(given);
}

/** The fields of a hash (today's format) -> a complete, valid state object. */
function stateOf(given) {
  const s = {};
  for (const row of PROPS) {
    s[row.name] = given.has(row.name) ? coerce(row, given.get(row.name)) : clone(row.default);
  }
  const b = base(s);
  for (const row of PROPS) if (!given.has(row.name)) s[row.name] = b[row.name];
  return s;
}

function fmtFloat(x) {
  return String(linkFloat(x));
}

function serializeValue(row, v) {
  switch (row.type) {
    case 'bool':
      return v ? '1' : '0';
    case 'list':
      return v.join(',');
    case 'names':
      return v.map(escapeName).join(',');
    case 'floats':
      return v.map(fmtFloat).join(',');
    case 'float':
      return fmtFloat(v);
    default:
      return String(v);
  }
}

function same(a, b) {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/** State -> the link of it (without '#'): `v=<format version>&` and serialize(s). */
export function linkOf(s) {
  return versionedHash(serialize(s));
}

/** State -> URL hash (without '#'): only the values that differ from the base (the defaults, or a lecture step's set-up). */
export function serialize(s) {
  const parts = [];
  const b = base(s);
  for (const row of PROPS) {
    const v = s[row.name];
    if (v === undefined || same(v, b[row.name])) continue;
    parts.push(
      `${encodeURIComponent(row.name)}=${encodeURIComponent(serializeValue(row, v)).replace(/%2C/g, ',')}`,
    );
  }
  return parts.join('&');
}

// ---- the live state of one instance ---------------------------------------

/**
 * True for a hash that names a place on the page ("#layer-panel": no key=value
 * pair) rather than a state. Such a hash (a followed in-page link) never
 * replaces the state: every state hash has an '=' (the defaults are '').
 */
export function isAnchorHash(hash) {
  const text = String(hash ?? '').replace(/^#/, '');
  return text !== '' && !text.includes('=');
}

/**
 * The live state of one playground. options.initial: a hash string or a
 * {field: value} object (over the defaults); options.hash: true to start from
 * location.hash, write every change back to it (history.replaceState) and
 * follow hashchange (only the full page does; an embedded instance never
 * touches the URL). options.locked: rows that keep their starting value
 * whatever changes the state (locks.js). options.resetTo: what reset() goes
 * back to, 'start' (the starting state) or 'defaults'; by default an
 * instance that owns the URL resets to the defaults, any other to its start.
 */
/** The longest the URL lags behind the state (ms). */
export const HASH_DELAY_MS = 120;

export function createStore({ initial = '', hash = false, locked = [], resetTo } = {}) {
  const useHash = hash && typeof location !== 'undefined' && typeof history !== 'undefined';
  let state;
  if (useHash) state = parseLink(location.hash);
  else if (initial && typeof initial === 'object') {
    state = parseHash('');
    for (const [k, v] of Object.entries(initial)) {
      const row = BY_NAME.get(k);
      if (row) state[k] = coerce(row, v);
    }
  } else state = parseHash(String(initial ?? ''));
  const lock = createLock(locked, state);
  let startHash = (resetTo ?? (useHash ? 'defaults' : 'start')) === 'start' ? serialize(state) : '';
  const listeners = new Set();
  const refusals = new Set();
  let writing = false;
  let pendingWrite = 0;

  function writeHash() {
    if (!useHash) return;
    const url = `${location.pathname}${location.search}#${linkOf(state)}`;
    writing = true;
    try {
      history.replaceState(history.state, '', url);
    } catch {
      /* e.g. file:// in some browsers */
    }
    writing = false;
  }

  function flushHash() {
    clearTimeout(pendingWrite);
    pendingWrite = 0;
    writeHash();
  }

  // The URL follows the state at most every HASH_DELAY_MS: a same-document
  // navigation costs the main thread several milliseconds (the browser also
  // reloads the favicon), which stays off the path from an input to its frame,
  // and a drag never reaches the browser's navigation throttle.
  function scheduleHash() {
    if (useHash && !pendingWrite) pendingWrite = setTimeout(flushHash, HASH_DELAY_MS);
  }
  const onPageHide = () => pendingWrite && flushHash();
  if (useHash) window.addEventListener('pagehide', onPageHide);

  function notify(changed) {
    if (!changed.size) return;
    for (const fn of [...listeners]) {
      try {
        fn(state, changed);
      } catch (e) {
        console.error(e);
      }
    }
    scheduleHash();
  }

  function refused(list) {
    if (!list.length) return;
    scheduleHash(); // a link that asked for other values shows the kept ones
    for (const fn of [...refusals]) {
      try {
        fn(list);
      } catch (e) {
        console.error(e);
      }
    }
  }

  /** Sets the fields of patch (values already valid); returns the names that changed. */
  function apply(patch) {
    const changed = new Set();
    for (const [name, v] of Object.entries(patch)) {
      if (!same(v, state[name])) {
        state[name] = v;
        changed.add(name);
      }
    }
    notify(changed);
    return changed;
  }

  function update(patch) {
    const next = {};
    const refusedRows = [];
    for (const [name, raw] of Object.entries(patch)) {
      const row = BY_NAME.get(name);
      if (!row) continue;
      const v = coerce(row, raw);
      if (lock.refuse(name, v)) refusedRows.push({ name, wanted: v, kept: lock.value(name) });
      else next[name] = v;
    }
    const changed = apply(next);
    refused(refusedRows);
    return changed;
  }

  /** Loads a hash (today's format unless it has `v`); link: true reads it as a link (parseLink). */
  function loadHash(h, { link = false } = {}) {
    const next = link ? parseLink(h) : parseHash(h);
    const refusedRows = lock.keep(next);
    const changed = apply(next);
    refused(refusedRows);
    return changed;
  }

  /**
   * A new starting state (hash h): the locked rows take its values and
   * reset() returns to it. rows: only these fields change now (the others
   * keep what the student made of them); default: the whole state.
   */
  function restart(h, rows = null) {
    startHash = String(h ?? '').replace(/^#/, '');
    const start = parseHash(startHash);
    lock.rebase(start);
    const names = rows ? rows.filter((n) => BY_NAME.has(n)) : PROPS.map((r) => r.name);
    return apply(Object.fromEntries(names.map((n) => [n, start[n]])));
  }

  const onHashChange = () => {
    if (writing) return;
    // an in-page link: the browser has scrolled to it; the URL goes back to the state
    if (isAnchorHash(location.hash)) {
      flushHash();
      return;
    }
    loadHash(location.hash, { link: true });
  };
  if (useHash) window.addEventListener('hashchange', onHashChange);

  return {
    state,
    usesHash: useHash,
    update,
    set: (name, value) => update({ [name]: value }),
    loadHash,
    reset: () => loadHash(startHash),
    restart,
    /** True for a row that keeps its starting value (locked, or carried by a locked row). */
    isLocked: (name) => lock.has(name),
    /** fn([{name, wanted, kept}]) whenever a change would have moved a locked row. */
    onRefused(fn) {
      refusals.add(fn);
      return () => refusals.delete(fn);
    },
    /** The value a locked row keeps. */
    lockedValue: (name) => lock.value(name),
    /** The state's link hash (`v=1&...`): what the URL holds and a fresh load reads back. */
    serialize: () => linkOf(state),
    /** Writes a pending change to the URL now. */
    flushHash: () => pendingWrite && flushHash(),
    /** True while a change waits to be written to the URL. */
    get hashPending() {
      return pendingWrite !== 0;
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    destroy() {
      listeners.clear();
      refusals.clear();
      clearTimeout(pendingWrite);
      if (useHash) window.removeEventListener('hashchange', onHashChange);
      if (useHash) window.removeEventListener('pagehide', onPageHide);
    },
  };
}

// ---- small helpers on the state (derived, not stored) ---------------------

/** Kernel height and width. */
export function kernelHW(s) {
  return { fh: s.f, fw: s.fsep ? s.fw : s.f };
}
/** Stride along rows (H) and columns (W). */
export function strideHW(s) {
  return { sh: s.s, sw: s.ssep ? s.sw : s.s };
}
/** Input depth D1. */
export function depth(s) {
  return s.grey ? 1 : 3;
}
/** The module's ConvParams for the state. */
export function convParams(s) {
  const { sh, sw } = strideHW(s);
  return {
    strideH: sh,
    strideW: sw,
    padH: s.p,
    padW: s.p,
    dilationH: s.dil,
    dilationW: s.dil,
    padMode: s.pad,
    mode: s.mode === 'conv' ? 'convolution' : 'cross-correlation',
  };
}
/** Preset name of filter i. */
export function presetOf(i, s) {
  return s.filters[i % s.filters.length];
}
/** Bias of filter i. */
export function biasOf(i, s) {
  return s.bias[i] ?? 0;
}
/**
 * The sample names of images 2 .. N of the batch (image 1 is the state's own
 * image): the sample photos other than image 1, then the synthetic samples
 * (other than image 1), cycled when more are needed.
 */
export function batchImages(s) {
  const n = Math.max(1, Math.min(MAX_BATCH, s.batch | 0 || 1));
  const pool = [...PHOTO_SAMPLES, ...SYNTHETIC_SAMPLES].filter((name) => name !== s.img);
  return Array.from({ length: n - 1 }, (_, i) => pool[i % pool.length]);
}
/** A plain copy of the state (for a worker message, a test, a lecture step). */
export function snapshot(s) {
  return JSON.parse(JSON.stringify(s));
}
