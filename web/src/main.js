// The full page: one playground that owns the page's URL hash. In the iframe
// mode (?embed=1&panels=...&locked=...) it shows only those panels; the
// sharing tools (links, Embed, Export, Import) come from embed/fullpage.js.
// Its worker was started by boot.js, first thing.
import { earlyWorker } from './boot.js';
import { mountPlayground } from './page/mount.js';
import { pageOptions, decoratePage } from './embed/fullpage.js';

const options = pageOptions(location); // read before the playground rewrites the hash
const playground = mountPlayground(document.getElementById('playground'), {
  hash: true,
  idPrefix: '',
  ...options.mount,
  worker: earlyWorker,
});
decoratePage(playground, options);
window.convplay = playground; // for the console and the tests
