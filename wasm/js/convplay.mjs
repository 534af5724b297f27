// convplay — the module for pages and bundlers: `import createConvplay from
// './convplay.mjs'` (see convplay.d.ts). Loads convplay_core.mjs + .wasm.
//
// Where the .wasm comes from, in order:
//   options.wasmBinary  the bytes (Node, or a copy fetched earlier)
//   options.wasmUrl     fetched and compiled with WebAssembly.instantiateStreaming
//                       (falls back to instantiate() when the server does not
//                       send application/wasm)
//   otherwise           convplay_core.wasm next to convplay_core.mjs
// With the first two, decodeImage runs in a second instance of the compiled
// module, dropped after a large image (see spawner); otherwise in the one instance.
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

/**
 * A fresh instance of the compiled module, made synchronously (the module is
 * compiled already; Emscripten runs its start-up as soon as the instance is
 * received), or null. decodeImage runs in one and drops it after a large image:
 * a 50-megapixel photo needs about a gigabyte while it is decoded, and a
 * WebAssembly memory never shrinks, so that memory must not belong to the
 * long-lived instance.
 */
function spawner(compiled) {
  return () => {
    const moduleArg = {
      instantiateWasm(imports, receiveInstance) {
        receiveInstance(new WebAssembly.Instance(compiled, imports), compiled);
        return {};
      },
    };
    createConvplayCore(moduleArg).catch(() => {});
    return typeof moduleArg._decodeImage === 'function' ? moduleArg : null;
  };
}

/** Loads the module; resolves to the API of convplay.d.ts. */
export default function createConvplay(options = {}) {
  return new Promise((resolve, reject) => {
    const moduleArg = {};
    let compiled = null; // the WebAssembly.Module, kept for decodeImage's fresh instances
    const receive = (r, receiveInstance) => {
      compiled = r.module;
      receiveInstance(r.instance, r.module);
    };
    if (options.wasmBinary) {
      moduleArg.instantiateWasm = (imports, receiveInstance) => {
        WebAssembly.instantiate(options.wasmBinary, imports).then(
          (r) => receive(r, receiveInstance),
          reject,
        );
        return {}; // exports arrive asynchronously, through receiveInstance
      };
    } else if (options.wasmUrl) {
      moduleArg.instantiateWasm = (imports, receiveInstance) => {
        instantiateFrom(options.wasmUrl, imports).then((r) => receive(r, receiveInstance), reject);
        return {};
      };
    }
    createConvplayCore(moduleArg).then(
      (core) => resolve(wrapCore(core, compiled ? spawner(compiled) : null)),
      reject,
    );
  });
}

export { createConvplay };
