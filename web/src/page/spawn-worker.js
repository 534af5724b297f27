// Starts a playground's worker (worker/worker.js, bundled by Vite as its own
// file next to the script that imports this module).
//
// From the script's own origin the worker starts directly. When the script
// was loaded from another origin (a course page that includes embed.js from
// the site that hosts convplay), a worker cannot start from that URL: it starts
// from a one-line blob: module that imports the real worker (which needs CORS
// on the host, as the .wasm and the photos do). The single-file build replaces
// this module with release/spawn-worker.inline.js.
//
// The worker gets the URLs of the .wasm files and of the network lab's pack in its
// own URL's fragment (worker/asset-urls.js), resolved here: a site that
// bundles this script again copies the files these URLs name.
import workerUrl from '../worker/worker.js?worker&url';
import wasmUrl from 'convplay-wasm/convplay_core.wasm?url';
import labWasmUrl from 'convplay-wasm/convplay_lab.wasm?url';
import packUrl from 'convplay-wasm/fashion-mnist.pack.gz?url';

function assetFragment() {
  const urls = {
    wasm: new URL(wasmUrl, import.meta.url).href,
    lab: new URL(labWasmUrl, import.meta.url).href,
    pack: new URL(packUrl, import.meta.url).href,
  };
  return `#${new URLSearchParams(urls)}`;
}

export function spawnWorker() {
  performance.mark('convplay:worker-spawned');
  const url = new URL(workerUrl, import.meta.url);
  if (url.origin === location.origin || url.protocol === 'blob:' || url.protocol === 'data:') {
    if (url.protocol !== 'data:') url.hash = assetFragment();
    return new Worker(url, { type: 'module' });
  }
  const shim = new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' });
  return new Worker(URL.createObjectURL(shim) + assetFragment(), { type: 'module' });
}
