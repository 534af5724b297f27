// Where the worker finds the .wasm, the network lab's own .wasm and its
// Fashion-MNIST pack.
// The script that starts the worker passes both URLs in the worker's own URL
// (`#wasm=...&pack=...`, page/spawn-worker.js), resolved where that script
// was loaded from: a site that bundles embed.js again (Vite, from the npm
// package) then copies them along with it. Without them (the single file, a
// worker started by hand) they are next to the worker's script.
import wasmUrl from 'convplay-wasm/convplay_core.wasm?url';
import labWasmUrl from 'convplay-wasm/convplay_lab.wasm?url';
import packUrl from 'convplay-wasm/fashion-mnist.pack.gz?url';

const given = new URLSearchParams(self.location.hash.slice(1));

/** The .wasm's URL. */
export const WASM_URL = given.get('wasm') || new URL(wasmUrl, self.location.href).href;

/** The network lab's .wasm's URL (fetched only when the lab opens). */
export const LAB_WASM_URL = given.get('lab') || new URL(labWasmUrl, self.location.href).href;

/** The Fashion-MNIST pack's URL. */
export const PACK_URL = given.get('pack') || new URL(packUrl, self.location.href).href;
