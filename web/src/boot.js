// The full page's first module (main.js imports it before anything else; web/vite.config.js
// makes it a chunk of its own, so it runs before the playground's code is even evaluated):
// it starts the playground's worker, which fetches and compiles the .wasm meanwhile.
import { spawnWorker } from './page/spawn-worker.js';

performance.mark('convplay:start');

// Only on the full page (index.html, whose <main id="playground"> main.js mounts into): the
// playground's chunks import this chunk wherever they are bundled (the demo of two playgrounds
// too), and such a page starts its own workers.
const fullPage = Boolean(document.getElementById('playground'));

/** The worker main.js hands to its playground (mountPlayground's options.worker), or null. */
export const earlyWorker = fullPage ? spawnWorker() : null;
