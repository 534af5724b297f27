// A playground's Web Worker: it loads the WASM module once, owns the
// pipeline (sources.js, pipeline.js) and runs every job of protocol.js
// (handlers.js) on its own copy of the data, so the page never freezes and
// never ships tensors.
import createConvplay from 'convplay-wasm/convplay.mjs';
import { WASM_URL } from './asset-urls.js';
import { errorOf } from './pipeline.js';
import { createHandlers } from './handlers.js';
import { answer } from './answer.js';

const cpPromise = createConvplay({ wasmUrl: WASM_URL });

const handlers = createHandlers();

self.onmessage = async (event) => {
  const { reply, transfer } = await answer(cpPromise, handlers, event.data);
  self.postMessage(reply, transfer);
};

// what the worker's own Content-Security-Policy refused while the module loaded
// (the page names the directive when the module cannot load)
const violations = [];
const onViolation = (e) =>
  violations.push({
    directive: e.effectiveDirective || e.violatedDirective,
    blocked: e.blockedURI,
  });
self.addEventListener('securitypolicyviolation', onViolation);

cpPromise.then(
  () => {
    self.removeEventListener('securitypolicyviolation', onViolation);
    self.postMessage({ ready: true });
  },
  // the violation's event comes in a task after the failure it caused
  (e) => setTimeout(() => self.postMessage({ ready: false, error: { ...errorOf(e), violations } })),
);
