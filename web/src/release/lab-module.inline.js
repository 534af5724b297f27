// The network lab's module in the single-file page: its worker starts from a
// blob: URL and may fetch nothing (file://, a learning-management system, a
// policy without data: in connect-src), so the lab gets the .wasm bytes the
// bundle already holds for the worker's own module (the same inlined data:
// URL as release/convplay.inline.js: one copy in the file). Put in place of
// worker/lab-module.js by web/vite/single-file.config.js.
import { createNetworkLab } from 'convplay-wasm/convplay_nn.mjs';
import wasmDataUrl from 'convplay-wasm/convplay_core.wasm?url&inline';
import { decodeDataUrl } from '../common/bytes.js';

/** Resolves the lab API of wasm/js/convplay_nn.mjs. */
export function loadNetworkLab() {
  return createNetworkLab({ wasmBinary: decodeDataUrl(wasmDataUrl) });
}
