// The WASM module with its .wasm inlined, for the single-file page. Its worker
// starts from a blob: URL (file://, an LMS): it can fetch nothing, so the bytes
// come from a data: URL in the bundle and are handed to Emscripten as
// wasmBinary (no fetch, no streaming compile); locateFile keeps the glue from
// resolving "convplay_core.wasm" against the worker's blob: URL (which throws).
// web/vite/single-file.config.js puts this module in place of
// 'convplay-wasm/convplay.mjs'; the options of createConvplay are ignored.
import createConvplayCore from 'convplay-wasm/convplay_core.mjs';
import { wrapCore } from 'convplay-wasm/convplay_wrap.mjs';
import wasmDataUrl from 'convplay-wasm/convplay_core.wasm?url&inline';
import { decodeDataUrl } from '../common/bytes.js';

export default async function createConvplay() {
  const core = await createConvplayCore({
    wasmBinary: decodeDataUrl(wasmDataUrl),
    locateFile: (p) => p,
  });
  return wrapCore(core);
}

export { createConvplay };
