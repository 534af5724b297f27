// dist/embed.js: defines <conv-playground> (element.js). A course page adds
//   <script type="module" src="https://its.site/convplay/embed.js"></script>
// and the element loads its worker, the .wasm and the sample photos relative
// to this script's own URL.
import { defineElement } from './element.js';

defineElement();
