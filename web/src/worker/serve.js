// The worker's body (worker.js loads it after starting the .wasm's compilation): it loads
// the WASM module once, owns the pipeline (sources.js, pipeline.js) and runs every job of
// protocol.js (handlers.js) on its own copy of the data, so the page never freezes and never
// ships tensors.
//
//   const onJob = serve(early, watch);   // then onJob(message.data) for every message
//
// early: a promise of the compiled .wasm (null: the module compiles WASM_URL itself);
// watch: {violations, stop()}, what the worker's Content-Security-Policy refused so far
// (kept filling until stop(), called once the module is loaded).
import createConvplay from 'convplay-wasm/convplay.mjs';
import { WASM_URL } from './asset-urls.js';
import { errorOf } from './pipeline.js';
import { createHandlers } from './handlers.js';
import { answer } from './answer.js';

export function serve(early, { violations, stop }) {
  performance.mark('convplay:worker:evaluated');
  const cpPromise = createConvplay({ wasmUrl: WASM_URL, wasmModule: early });
  const handlers = createHandlers();
  cpPromise.then(
    () => {
      stop();
      performance.mark('convplay:worker:module-ready');
      self.postMessage({ ready: true });
    },
    // the violation's event comes in a task after the failure it caused
    (e) =>
      setTimeout(() => self.postMessage({ ready: false, error: { ...errorOf(e), violations } })),
  );
  return async (data) => {
    const { reply, transfer } = await answer(cpPromise, handlers, data);
    self.postMessage(reply, transfer);
  };
}
