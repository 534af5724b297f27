// The network lab's own instance of the WASM module, its .wasm fetched from
// the file next to the worker. The single-file build puts
// release/lab-module.inline.js in its place (the bytes are in the bundle).
import { createNetworkLab } from 'convplay-wasm/convplay_nn.mjs';
import wasmUrl from 'convplay-wasm/convplay_core.wasm?url';

/** Resolves the lab API of wasm/js/convplay_nn.mjs. */
export function loadNetworkLab() {
  return createNetworkLab({ wasmUrl: new URL(wasmUrl, self.location.href).href });
}
