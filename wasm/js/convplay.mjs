// convplay — the module for pages and bundlers: `import createConvplay from
// './convplay.mjs'` (see convplay.d.ts). Loads convplay_core.mjs + .wasm.
//
// Where the .wasm comes from, in order:
//   options.wasmBinary  the bytes (Node, or a copy fetched earlier)
//   options.wasmUrl     fetched and compiled with WebAssembly.instantiateStreaming
//                       (falls back to instantiate() when the server does not
//                       send application/wasm)
//   otherwise           convplay_core.wasm next to convplay_core.mjs
// Under Node, Emscripten's ES-module glue expects the CommonJS globals
// `require` and `__dirname` (define them first, e.g. with createRequire), or
// use convplay.single.js through require().
import createConvplayCore from './convplay_core.mjs';
import { wrapCore } from './convplay_wrap.mjs';

async function instantiateFrom(url, imports) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`convplay: fetching ${url} failed (HTTP ${response.status})`);
  if (typeof WebAssembly.instantiateStreaming === 'function') {
    try {
      return await WebAssembly.instantiateStreaming(response.clone(), imports);
    } catch (e) {
      // Most often a wrong MIME type; compiling from the bytes still works.
    }
  }
  return WebAssembly.instantiate(await response.arrayBuffer(), imports);
}

/** Loads the module; resolves to the API of convplay.d.ts. */
export default function createConvplay(options = {}) {
  return new Promise((resolve, reject) => {
    const moduleArg = {};
    if (options.wasmBinary) {
      moduleArg.wasmBinary = options.wasmBinary;
    } else if (options.wasmUrl) {
      moduleArg.instantiateWasm = (imports, receiveInstance) => {
        instantiateFrom(options.wasmUrl, imports).then(
          (r) => receiveInstance(r.instance, r.module),
          reject,
        );
        return {}; // exports arrive asynchronously, through receiveInstance
      };
    }
    createConvplayCore(moduleArg).then((core) => resolve(wrapCore(core)), reject);
  });
}

export { createConvplay };
