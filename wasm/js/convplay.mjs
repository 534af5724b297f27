// convplay — the module for pages and bundlers: `import createConvplay from
// './convplay.mjs'` (see convplay.d.ts). Loads convplay_core.mjs + .wasm.
//
// Where the .wasm comes from, in order:
//   options.wasmModule  the compiled module, or a promise of it (e.g. compileWasm(url)
//                       started before this file was even loaded; one that resolves
//                       null falls back to wasmUrl)
//   options.wasmBinary  the bytes (Node, or a copy fetched earlier)
//   options.wasmUrl     fetched and compiled as it downloads (compileWasm: falls back
//                       to compiling the bytes when the server does not send
//                       application/wasm)
//   otherwise           convplay_core.wasm next to convplay_core.mjs
// With the first three, decodeImage runs in a second instance of the compiled
// module, dropped after a large image (see spawner); otherwise in the one instance.
// Under Node, Emscripten's ES-module glue expects the CommonJS globals
// `require` and `__dirname` (define them first, e.g. with createRequire), or
// use convplay.single.js through require().
import createConvplayCore from './convplay_core.mjs';
import { wrapCore } from './convplay_wrap.mjs';

/**
 * The .wasm at url, fetched and compiled as it downloads (WebAssembly.compileStreaming; from
 * the bytes when the server does not send application/wasm). Resolves a WebAssembly.Module
 * for createConvplay's options.wasmModule.
 */
export async function compileWasm(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`convplay: fetching ${url} failed (HTTP ${response.status})`);
  if (typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(response.clone());
    } catch (e) {
      // Most often a wrong MIME type; compiling from the bytes still works.
    }
  }
  return WebAssembly.compile(await response.arrayBuffer());
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

/**
 * A promise of the compiled module of options, or null (the bytes of wasmBinary, or the
 * glue's own file): wasmModule (a promise that resolves null falls back to wasmUrl), else
 * wasmUrl unless wasmBinary is given.
 */
function moduleSource(options) {
  const { wasmModule, wasmBinary, wasmUrl } = options;
  if (wasmModule) {
    return Promise.resolve(wasmModule).then((m) => {
      if (m) return m;
      if (wasmUrl) return compileWasm(wasmUrl);
      throw new Error('convplay: options.wasmModule resolved to nothing, and no wasmUrl is given');
    });
  }
  return wasmBinary || !wasmUrl ? null : compileWasm(wasmUrl);
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
    const wasmModule = moduleSource(options);
    if (wasmModule) {
      moduleArg.instantiateWasm = (imports, receiveInstance) => {
        Promise.resolve(wasmModule)
          .then(async (module) => ({
            module,
            instance: await WebAssembly.instantiate(module, imports),
          }))
          .then((r) => receive(r, receiveInstance), reject);
        return {}; // exports arrive asynchronously, through receiveInstance
      };
    } else if (options.wasmBinary) {
      moduleArg.instantiateWasm = (imports, receiveInstance) => {
        WebAssembly.instantiate(options.wasmBinary, imports).then(
          (r) => receive(r, receiveInstance),
          reject,
        );
        return {}; // exports arrive asynchronously, through receiveInstance
      };
    }
    createConvplayCore(moduleArg).then(
      (core) => resolve(wrapCore(core, compiled ? spawner(compiled) : null)),
      reject,
    );
  });
}

export { createConvplay };
