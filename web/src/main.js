// The full page: one playground that owns the page's URL hash.
import { mountPlayground } from './page/mount.js';

performance.mark('convplay:start');
const playground = mountPlayground(document.getElementById('playground'), {
  hash: true,
  idPrefix: '',
});
window.convplay = playground; // for the console and the tests
