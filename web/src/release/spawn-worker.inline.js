// The single-file page's worker: bundled into the page as a string and started
// from a blob: URL (Vite's ?worker&inline), as a classic worker
// (single-file.config.js: Chromium refuses a module worker from a blob: URL in
// a page opened from file://).
import InlineWorker from '../worker/worker.js?worker&inline';

export function spawnWorker() {
  return new InlineWorker();
}
