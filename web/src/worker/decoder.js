// A short-lived decoder (page/engine.js decodeApart): it loads a module
// instance of its own, decodes one file and is terminated by the page, so the
// WASM memory a large file needs (about 16 bytes a pixel: 1.3 GB for
// 8192 x 8192) is given back at once instead of staying with the playground's
// worker for good (WASM memory never shrinks).
//
// Request: {bytes: Uint8Array, maxSide, directPixels}. Reply {ok: true, result}
// with result {small: true, info, stats} when the file has at most directPixels
// pixels (the playground's worker decodes it itself, as it always did), else
// {image: [1, 3, h, w] at most maxSide on its longest side, info, stats}
// (info: the file's sizes and channels; stats: this instance's WASM memory);
// or {ok: false, error: {name, message}} for a file the module refuses.
import createConvplay from 'convplay-wasm/convplay.mjs';
import wasmUrl from 'convplay-wasm/convplay_core.wasm?url';
import { errorOf } from './pipeline.js';

self.onmessage = async ({ data }) => {
  try {
    const cp = await createConvplay({ wasmUrl: new URL(wasmUrl, self.location.href).href });
    const d = cp.decodeImage(data.bytes, { maxSide: data.maxSide });
    const info = {
      originalWidth: d.originalWidth,
      originalHeight: d.originalHeight,
      downscaled: d.downscaled,
      fileChannels: d.fileChannels,
    };
    const stats = { heapBytes: cp.memoryStats().heapBytes };
    if (d.originalWidth * d.originalHeight <= data.directPixels) {
      self.postMessage({ ok: true, result: { small: true, info, stats } });
      return;
    }
    const image = { shape: d.image.shape.slice(), data: d.image.data.slice() };
    self.postMessage({ ok: true, result: { image, info, stats } }, [image.data.buffer]);
  } catch (e) {
    self.postMessage({ ok: false, error: errorOf(e) });
  }
};
