// The worker's reply to one job message (protocol.js): {id, ok: true,
// result} with the typed arrays to transfer, or {id, ok: false, error}.
//
//   const { reply, transfer } = await answer(cp, handlers, msg);   // cp: the module or its promise
//   self.postMessage(reply, transfer);
import { errorOf } from './pipeline.js';
import { handlerOf } from './handlers.js';
import { bitmapsOf } from './draw/pictures.js';

function collectTransfers(value, out = [], seen = new Set()) {
  if (!value || typeof value !== 'object') return out;
  if (seen.has(value)) return out;
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    const buf = value.buffer;
    if (!(buf instanceof ArrayBuffer)) return out; // e.g. a SharedArrayBuffer
    if (value.byteOffset === 0 && value.byteLength === buf.byteLength && !out.includes(buf))
      out.push(buf);
    return out;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTransfers(v, out, seen);
    return out;
  }
  for (const k of Object.keys(value)) collectTransfers(value[k], out, seen);
  return out;
}

/** Copies every typed array that shares its buffer (e.g. a view of WASM memory). */
function detachViews(value, seen = new Set()) {
  if (!value || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    if (value.byteOffset !== 0 || value.byteLength !== value.buffer.byteLength)
      return value.slice();
    return value;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = detachViews(value[i], seen);
    return value;
  }
  for (const k of Object.keys(value)) value[k] = detachViews(value[k], seen);
  return value;
}

/**
 * True when an error means the module itself is broken (an Emscripten abort,
 * a WebAssembly trap, memory that could not grow): the page then replaces
 * this worker (the reply's error.fatal).
 */
function isFatal(e) {
  if (e instanceof WebAssembly.RuntimeError) return true;
  const m = e instanceof Error ? e.message : String(e);
  return /^Aborted\(|out of memory|bad_alloc|Cannot enlarge memory/i.test(m);
}

// the first job of each type is measured in the worker's timeline (the first view's profile)
const measured = new Set();

/** The reply to msg: the handler's result, or its error (fatal when the module broke). */
export async function answer(module, handlers, msg) {
  try {
    const cp = await module;
    const begun = performance.now();
    const result = detachViews(await handlerOf(handlers, msg.type)(cp, msg));
    if (!measured.has(msg.type)) {
      measured.add(msg.type);
      performance.measure(`convplay:worker:${msg.type}`, { start: begun });
    }
    return {
      reply: { id: msg.id, ok: true, result },
      transfer: [...collectTransfers(result), ...bitmapsOf(result)],
    };
  } catch (e) {
    const error = errorOf(e);
    if (isFatal(e)) error.fatal = true;
    return { reply: { id: msg.id, ok: false, error }, transfer: [] };
  }
}
