// The page's module stays light: its .wasm under 130 KB gzip (what a phone
// downloads before the first view), and what only `npm run bench` calls (the
// forward with a named kernel, the multiply-add peak loop) is in the bench
// build (wasm/bindings_bench.cpp), not in it.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

import { DIST, wasmBytes } from './helpers.mjs';

const LIMIT = 130 * 1000; // bytes of gzip -9

test(`the page's .wasm is at most ${LIMIT} bytes gzipped`, () => {
  const bytes = wasmBytes();
  const gz = gzipSync(bytes, { level: 9 }).length;
  assert.ok(
    gz <= LIMIT,
    `convplay_core.wasm is ${bytes.length} bytes, ${gz} gzipped: more than the limit of ${LIMIT}`,
  );
});

test("the page's module has no bench-only bindings", async () => {
  const { default: createCore } = await import(path.join(DIST, 'convplay_core.mjs'));
  const core = await createCore({ wasmBinary: wasmBytes() });
  assert.equal(typeof core._conv2dForward, 'function'); // a binding it has
  for (const name of ['_simdMulAddPeak', '_conv2dForwardWith']) {
    assert.equal(core[name], undefined, `${name} is in the page's module`);
  }
});
