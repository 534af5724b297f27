// dist/embed.js: defines <conv-playground> (element.js). A course page adds
//   <script type="module" src="https://its.site/convplay/embed.js"></script>
// and the element loads its worker, the .wasm and the sample photos relative
// to this script's own URL. A course page's own script can also mount a
// playground into any element without the custom element:
//   import { mountPlayground } from 'https://its.site/convplay/embed.js';
import { defineElement } from './element.js';

export { mountPlayground } from '../page/mount.js';

defineElement();
