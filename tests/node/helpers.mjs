// Shared by the Node tests of the WASM module: where the built files are,
// loading the module, the golden files of the native core, comparisons.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.resolve(
  process.env.CONVPLAY_DIST ?? path.join(ROOT, 'build/wasm-release/dist'),
);
export const GOLDEN = path.resolve(process.env.CONVPLAY_GOLDEN ?? path.join(ROOT, 'build/golden'));

// Emscripten's ES-module glue reads the CommonJS globals `require` and
// `__dirname` under Node (see wasm/js/convplay.mjs).
globalThis.require ??= createRequire(path.join(DIST, 'convplay_core.mjs'));
globalThis.__dirname ??= DIST;

export const wasmBytes = () => readFileSync(path.join(DIST, 'convplay_core.wasm'));
/** The network lab's own .wasm (convplay_nn.mjs loads convplay_lab.mjs). */
export const labWasmBytes = () => readFileSync(path.join(DIST, 'convplay_lab.wasm'));

/** The module of dist/convplay.mjs, with the .wasm bytes passed in. */
export async function loadConvplay() {
  const { default: createConvplay } = await import(path.join(DIST, 'convplay.mjs'));
  return createConvplay({ wasmBinary: wasmBytes() });
}

let golden;
/** build/golden/golden.json, written by the native convplay_golden. */
export function loadGolden() {
  golden ??= JSON.parse(readFileSync(path.join(GOLDEN, 'golden.json'), 'utf8'));
  return golden;
}

/**
 * Asserts |actual - expected| <= atol + rtol * |expected| element-wise and
 * reports the largest difference on failure (llm.c's check_tensor).
 */
export function assertClose(actual, expected, { rtol = 1e-5, atol = 1e-5, what = 'values' } = {}) {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: length ${actual.length}, expected ${expected.length}`);
  }
  let worst = -1,
    worstDiff = 0;
  for (let i = 0; i < expected.length; ++i) {
    const diff = Math.abs(actual[i] - expected[i]);
    if (!(diff <= atol + rtol * Math.abs(expected[i])) && (worst < 0 || !(diff <= worstDiff))) {
      worst = i;
      worstDiff = diff;
    }
  }
  if (worst >= 0) {
    throw new Error(
      `${what}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} ` +
        `(difference ${worstDiff}, rtol ${rtol}, atol ${atol})`,
    );
  }
}

/** Asserts `f` throws an Error named ConvplayError with exactly `message`. */
export function assertConvplayError(assert, f, message) {
  assert.throws(f, (e) => {
    assert.ok(e instanceof Error, 'an Error');
    assert.equal(e.name, 'ConvplayError');
    if (message !== undefined) assert.equal(e.message, message);
    return true;
  });
}
