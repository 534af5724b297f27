// The full page's first module: it starts the playground's worker, which fetches and compiles
// the .wasm meanwhile. web/vite.config.js makes it a chunk of its own that the built
// index.html also loads as an async script of its own, so it runs as soon as that small file
// arrives: before the playground's chunks are downloaded and evaluated, while the main thread
// is still free to start the worker's thread (main.js imports it too: the dev server, and the
// worker it hands to the playground).
import { spawnWorker } from './page/spawn-worker.js';
import { holdEvents } from './page/held-events.js';

performance.mark('convplay:start');

// Only on the full page (index.html, whose <html data-convplay="page"> is parsed before any
// script runs, even this one when it runs before the body is parsed): the playground's chunks
// import this chunk wherever they are bundled (the demo of two playgrounds too), and such a
// page starts its own workers.
const fullPage = document.documentElement.dataset.convplay === 'page';

/**
 * The worker main.js hands to its playground (mountPlayground's options.worker), or null. What
 * it says before the playground's engine takes it is kept for the engine (held-events.js).
 */
export const earlyWorker = fullPage ? holdEvents(spawnWorker()) : null;
