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
export * from './state-table.js';
export {
  coerce,
  hashPairs,
  parseHash,
  parseLink,
  linkOf,
  serialize,
  isAnchorHash,
} from './state-link.js';
export { createStore, HASH_DELAY_MS } from './store.js';
import { MAX_BATCH, PHOTO_SAMPLES, SYNTHETIC_SAMPLES } from './state-table.js';

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
