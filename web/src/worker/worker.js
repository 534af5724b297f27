// A playground's Web Worker, its first file: it starts fetching and compiling the .wasm
// (its URL is in the worker's own URL, page/spawn-worker.js) before the rest of the worker
// (serve.js, the module's glue) is even fetched, so both download and compile at once; the
// messages that come meanwhile wait for serve.js. It imports nothing statically: a file the
// other chunks of the worker share must never be this one (web/vite.config.js).
performance.mark('convplay:worker:started');

// what the worker's own Content-Security-Policy refuses until the module is loaded
// (the page names the directive when the module cannot load)
const violations = [];
const onViolation = (e) =>
  violations.push({
    directive: e.effectiveDirective || e.violatedDirective,
    blocked: e.blockedURI,
  });
self.addEventListener('securitypolicyviolation', onViolation);
const watch = {
  violations,
  stop: () => self.removeEventListener('securitypolicyviolation', onViolation),
};

// the compiled .wasm, or null: anything unusual (no URL given, a wrong MIME type, a refusal)
// is left to the module's own loading, which says what went wrong
const wasmUrl = new URLSearchParams(self.location.hash.slice(1)).get('wasm');
const early =
  wasmUrl && typeof WebAssembly.compileStreaming === 'function'
    ? WebAssembly.compileStreaming(fetch(wasmUrl, { credentials: 'same-origin' })).catch(() => null)
    : null;

const serving = import('./serve.js').then(
  ({ serve }) => serve(early, watch),
  (e) => {
    // the rest of the worker could not be loaded: the page says the module failed to load
    self.postMessage({ ready: false, error: { name: e.name, message: e.message, violations } });
    return () => {};
  },
);
self.onmessage = (event) => {
  serving.then((onJob) => onJob(event.data));
};
