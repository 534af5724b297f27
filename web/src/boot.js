// The full page's first module (main.js imports it before anything else; web/vite.config.js
// makes it a chunk of its own, so it runs before the playground's code is even evaluated):
// it starts the playground's worker, which fetches and compiles the .wasm meanwhile.
import { spawnWorker } from './page/spawn-worker.js';

performance.mark('convplay:start');

/** The worker main.js hands to its playground (mountPlayground's options.worker). */
export const earlyWorker = spawnWorker();
