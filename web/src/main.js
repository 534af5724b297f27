// The full page: one playground that owns the page's URL hash. In the iframe
// mode (?embed=1&panels=...&locked=...) it shows only those panels; the
// sharing tools (links, Embed, Export, Import) come from embed/fullpage.js.
//
// The worker starts first thing (it fetches and compiles the .wasm while the rest of the
// page's script downloads, is parsed and mounts); the playground takes it as its first.
import { spawnWorker } from './page/spawn-worker.js';

performance.mark('convplay:start');
const worker = spawnWorker();
const [{ mountPlayground }, { pageOptions, decoratePage }] = await Promise.all([
  import('./page/mount.js'),
  import('./embed/fullpage.js'),
]);
const options = pageOptions(location); // read before the playground rewrites the hash
const playground = mountPlayground(document.getElementById('playground'), {
  hash: true,
  idPrefix: '',
  ...options.mount,
  worker,
});
decoratePage(playground, options);
window.convplay = playground; // for the console and the tests
