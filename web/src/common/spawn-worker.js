// Starts a playground's worker (worker/worker.js, bundled by Vite as its own
// file next to the script that imports this module).
//
// From the script's own origin the worker starts directly. When the script
// was loaded from another origin (a course page that includes embed.js from
// the site that hosts convplay), a worker cannot start from that URL: it starts
// from a one-line blob: module that imports the real worker (which needs CORS
// on the host, as the .wasm and the photos do). The single-file build replaces
// this module with release/spawn-worker.inline.js.
import workerUrl from '../worker/worker.js?worker&url';

export function spawnWorker() {
  const url = new URL(workerUrl, import.meta.url);
  if (url.origin === location.origin || url.protocol === 'blob:' || url.protocol === 'data:') {
    return new Worker(url, { type: 'module' });
  }
  const shim = new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' });
  return new Worker(URL.createObjectURL(shim), { type: 'module' });
}
