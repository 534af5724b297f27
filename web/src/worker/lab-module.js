// The network lab's own instance of the WASM module, its .wasm fetched from
// its own file (asset-urls.js), which the page's first view never loads. The single-file build puts
// release/lab-module.inline.js in its place (the bytes are in the bundle).
import { createNetworkLab } from 'convplay-wasm/convplay_nn.mjs';
import { LAB_WASM_URL } from './asset-urls.js';

/** Resolves the lab API of wasm/js/convplay_nn.mjs. */
export function loadNetworkLab() {
  return createNetworkLab({ wasmUrl: LAB_WASM_URL });
}
