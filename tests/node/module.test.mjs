// The built files: they load (ES module with wasmBinary or wasmUrl, the
// single file through require() and as a classic script), the .wasm really
// contains WASM SIMD instructions, and the glue uses no eval.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import vm from 'node:vm';

import { DIST, loadConvplay, wasmBytes } from './helpers.mjs';

const API = [
  'convOutputSize',
  'conv2dGeometry',
  'conv2dForward',
  'conv2dBackward',
  'batchnormForward',
  'batchnormBackward',
  'decodeImage',
  'encodePng',
  'resizeImage',
  'padSourceIndex',
  'conv2dBackwardData',
  'conv2dBackwardFilter',
  'batchnormForward32',
  'batchnormBackward32',
];

// A small layer whose result is known by hand: all ones, 3x3, P = 1.
function checkWorks(cp) {
  for (const name of API) assert.equal(typeof cp[name], 'function', name);
  const y = cp.conv2dForward(
    { shape: [1, 1, 4, 4], data: new Float32Array(16).fill(1) },
    { shape: [1, 1, 3, 3], data: new Float32Array(9).fill(1) },
    null,
    { padH: 1, padW: 1 },
  );
  assert.deepEqual(Array.from(y.data), [4, 6, 6, 4, 6, 9, 9, 6, 6, 9, 9, 6, 4, 6, 6, 4]);
}

test('the dist files are all there', () => {
  for (const f of [
    'convplay_core.mjs',
    'convplay_core.wasm',
    'convplay_lab.mjs',
    'convplay_lab.wasm',
    'convplay_nn.mjs',
    'convplay.mjs',
    'convplay_wrap.mjs',
    'convplay.d.ts',
    'convplay.single.js',
  ]) {
    assert.ok(existsSync(path.join(DIST, f)), f);
  }
});

test('the ES module loads from wasmBinary', async () => {
  checkWorks(await loadConvplay());
});

test('the ES module loads from wasmModule: compiled, being compiled (compileWasm), or null (then wasmUrl)', async () => {
  const { default: createConvplay, compileWasm } = await import(path.join(DIST, 'convplay.mjs'));
  const url = `data:application/wasm;base64,${wasmBytes().toString('base64')}`;
  const bad = 'data:application/wasm;base64,AGFzbQ==';
  checkWorks(await createConvplay({ wasmModule: await WebAssembly.compile(wasmBytes()) }));
  const early = createConvplay({ wasmModule: compileWasm(url) });
  checkWorks(await early);
  // the decode runs in a second instance of the same compiled module
  const png = (await early).encodePng({
    shape: [1, 1, 2, 2],
    data: new Float32Array([0, 1, 1, 0]),
  });
  assert.deepEqual(
    Array.from((await early).decodeImage(png, { grey: true }).image.data),
    [0, 1, 1, 0],
  );
  checkWorks(await createConvplay({ wasmModule: Promise.resolve(null), wasmUrl: url }));
  await assert.rejects(
    createConvplay({ wasmModule: Promise.resolve(null) }),
    /resolved to nothing/,
  );
  await assert.rejects(createConvplay({ wasmModule: compileWasm(bad) }));
});

test('the ES module loads from wasmUrl (instantiateStreaming), and a bad URL rejects', async () => {
  const { default: createConvplay } = await import(path.join(DIST, 'convplay.mjs'));
  const url = `data:application/wasm;base64,${wasmBytes().toString('base64')}`;
  checkWorks(await createConvplay({ wasmUrl: url }));
  await assert.rejects(createConvplay({ wasmUrl: 'data:application/wasm;base64,AGFzbQ==' }));
});

test('the .wasm contains WASM SIMD instructions (wasm-objdump)', () => {
  const dis = execFileSync('wasm-objdump', ['-d', path.join(DIST, 'convplay_core.wasm')], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const simd = dis
    .split('\n')
    .filter((l) => /\b(v128|f32x4|i32x4|i8x16|i16x8|f64x2|i64x2)\./.test(l));
  const f32x4 = simd.filter((l) => /f32x4\.(mul|add)/.test(l));
  assert.ok(simd.length > 100, `${simd.length} SIMD instructions`);
  assert.ok(f32x4.length > 10, `${f32x4.length} f32x4.mul/add instructions`);
});

test('the glue uses no eval or new Function (strict Content-Security-Policy)', () => {
  for (const f of ['convplay_core.mjs', 'convplay.single.js']) {
    const js = readFileSync(path.join(DIST, f), 'utf8');
    assert.ok(!/\beval\(|new Function\b/.test(js), f);
  }
});

test('the single file loads through require() (CommonJS)', async () => {
  const require = createRequire(import.meta.url);
  const createConvplay = require(path.join(DIST, 'convplay.single.js'));
  assert.equal(typeof createConvplay, 'function');
  assert.equal(createConvplay.default, createConvplay);
  checkWorks(await createConvplay());
});

test('the single file works as a classic script with no Node globals (a file:// page)', async () => {
  // A bare context: no require, module, process or fetch; `window` makes the
  // glue take its browser path, and the inlined WASM needs no network.
  const context = vm.createContext({ console, atob, setTimeout, clearTimeout });
  context.window = context;
  context.self = context;
  vm.runInContext(readFileSync(path.join(DIST, 'convplay.single.js'), 'utf8'), context, {
    filename: 'convplay.single.js',
  });
  assert.equal(typeof context.createConvplay, 'function');
  checkWorks(await context.createConvplay());
});
