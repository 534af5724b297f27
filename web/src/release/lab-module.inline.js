// The network lab's module in the single-file page: its worker starts from a
// blob: URL and may fetch nothing (file://, a learning-management system, a
// policy without data: in connect-src), so the lab gets its own .wasm's bytes
// from the bundle (an inlined data: URL, as release/convplay.inline.js does
// for the worker's module). Put in place of worker/lab-module.js by
// web/vite/single-file.config.js.
import { createNetworkLab } from 'convplay-wasm/convplay_nn.mjs';
import wasmDataUrl from 'convplay-wasm/convplay_lab.wasm?url&inline';
import { decodeDataUrl } from '../common/bytes.js';

/** Resolves the lab API of wasm/js/convplay_nn.mjs. */
export function loadNetworkLab() {
  return createNetworkLab({ wasmBinary: decodeDataUrl(wasmDataUrl) });
}
