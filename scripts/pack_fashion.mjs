// The build's data step (wasm/CMakeLists.txt runs it after the module is
// linked): reads Debian's Fashion-MNIST idx files through the module's idx
// reader (magic numbers, counts and sizes checked), keeps the first 10,000
// training and 2,000 test images with 6-bit grey levels, and writes one
// gzipped pack for the network lab (about 3.8 MB):
//   node scripts/pack_fashion.mjs DIST [DATA_DIR]
import {readFileSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {gzipSync} from 'node:zlib';

const [dist, dataDir = '/usr/share/datasets/fashion-mnist'] = process.argv.slice(2);
if (!dist) {
  console.error('usage: node scripts/pack_fashion.mjs DIST [DATA_DIR]');
  process.exit(2);
}
// Emscripten's ES-module glue reads the CommonJS globals under Node.
globalThis.require ??= createRequire(path.join(path.resolve(dist), 'convplay_lab.mjs'));
globalThis.__dirname ??= path.resolve(dist);
const {createNetworkLab} = await import(path.join(path.resolve(dist), 'convplay_nn.mjs'));
const api = await createNetworkLab({wasmBinary: readFileSync(path.join(dist, 'convplay_lab.wasm'))});

const file = (name) => readFileSync(path.join(dataDir, `${name}.gz`));
const pack = api.packFashion({
  trainImages: file('train-images-idx3-ubyte'),
  trainLabels: file('train-labels-idx1-ubyte'),
  testImages: file('t10k-images-idx3-ubyte'),
  testLabels: file('t10k-labels-idx1-ubyte'),
}, {trainCount: 10000, testCount: 2000, bits: 6});
const gz = gzipSync(pack, {level: 9});
const out = path.join(dist, 'fashion-mnist.pack.gz');
writeFileSync(out, gz);
console.log(`pack_fashion: ${out}: ${(gz.length / 1e6).toFixed(2)} MB (${pack.length} bytes unpacked)`);
