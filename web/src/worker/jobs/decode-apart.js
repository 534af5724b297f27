// The 'decodeApart' job: run by a short-lived copy of the playground's worker
// (page/engine.js decodeApart), which the page terminates right after, so the
// WASM memory a large file needs (about 16 bytes a pixel: 1.3 GB for
// 8192 x 8192) is given back at once instead of staying with the playground's
// worker for good (WASM memory never shrinks).
//
// Job: {bytes: Uint8Array, maxSide, directPixels}. Result {small: true, info,
// stats} when the file has at most directPixels pixels (the playground's
// worker decodes it itself), else {image: [1, 3, h, w] at most maxSide on its
// longest side, info, stats} (info: the file's sizes and channels; stats: this
// instance's WASM memory). A file the module refuses rejects with its message.
export function decodeApart(cp, job) {
  const d = cp.decodeImage(job.bytes, { maxSide: job.maxSide });
  const info = {
    originalWidth: d.originalWidth,
    originalHeight: d.originalHeight,
    downscaled: d.downscaled,
    fileChannels: d.fileChannels,
  };
  const stats = { heapBytes: cp.memoryStats().heapBytes };
  if (d.originalWidth * d.originalHeight <= job.directPixels) return { small: true, info, stats };
  return { image: { shape: d.image.shape.slice(), data: d.image.data.slice() }, info, stats };
}
