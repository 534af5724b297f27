// Memory that comes back: a 50-megapixel image decoded through the API
// leaves the module's own WebAssembly memory small (decodeImage runs in a
// second instance that is dropped after a large image), and the process's
// memory returns near where it was once that instance is collected.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import zlib from 'node:zlib';

import { loadConvplay } from './helpers.mjs';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const MB = 1024 * 1024;

// A w x h 8-bit grey PNG of a horizontal gradient (CRCs zero: stb_image does
// not check them).
function greyPng(w, h) {
  const row = Buffer.alloc(1 + w);
  for (let x = 0; x < w; ++x) row[1 + x] = ((x * 255) / (w - 1)) | 0;
  const raw = Buffer.alloc(row.length * h);
  for (let y = 0; y < h; ++y) row.copy(raw, y * row.length);
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // depth 8, colour type 0 (grey)
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', zlib.deflateSync(raw, { level: 1 })),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

test('after a 50-megapixel image the module memory stays under 300 MB and the process gives it back', async () => {
  const cp = await loadConvplay();
  const png = greyPng(8192, 6144); // 50.3 megapixels
  cp.decodeImage(greyPng(64, 48)); // the second instance exists before the baseline
  gc();
  const before = process.memoryUsage().rss;
  const d = cp.decodeImage(png, { maxSide: 1024 });
  assert.deepEqual(d.image.shape, [1, 3, 768, 1024]);
  assert.equal(d.originalWidth, 8192);
  assert.ok(d.downscaled);
  // The gradient survives: left edge dark, right edge light.
  assert.ok(d.image.data[0] < 0.05 && d.image.data[1023] > 0.95);
  const heap = cp.memoryStats().heapBytes;
  console.log(`module memory after the decode: ${(heap / MB).toFixed(1)} MB`);
  assert.ok(heap < 300 * MB, `module memory ${heap / MB} MB`);
  for (let i = 0; i < 5; ++i) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  const after = process.memoryUsage().rss;
  console.log(
    `process rss: ${(before / MB).toFixed(0)} MB before, ${(after / MB).toFixed(0)} MB after`,
  );
  assert.ok(after - before < 300 * MB, `rss grew by ${(after - before) / MB} MB`);
  // Decoding goes on working, in a fresh second instance.
  assert.deepEqual(cp.decodeImage(greyPng(30, 20)).image.shape, [1, 3, 20, 30]);
});
