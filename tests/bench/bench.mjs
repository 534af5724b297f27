// convplay — `npm run bench`: the layers of cases.json through the WASM module
// (in Node, the same API the page's worker uses) and through the native core
// built with -O3 (its peer, measured in the same run), as medians of 7 runs.
// Timings are noisy on shared machines: read the ratios, not the absolutes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConvplay } from '../node/helpers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { cases } = JSON.parse(readFileSync(path.join(ROOT, 'tests/bench/cases.json'), 'utf8'));

function random(n, seed) {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; ++i) {
    s = (s * 1664525 + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

const count = (shape) => shape.reduce((p, v) => p * v, 1);

async function wasmTimes() {
  const cp = await loadConvplay();
  const out = {};
  for (const c of cases) {
    const wShape = [c.w[0], c.x[1], c.w[2], c.w[3]];
    const x = { shape: c.x, data: random(count(c.x), 1) };
    const w = { shape: wShape, data: random(count(wShape), 2) };
    const bias = new Float32Array(c.w[0]).fill(0.1);
    const params = { strideH: c.stride, strideW: c.stride, padH: c.pad, padW: c.pad };
    const y = cp.conv2dForward(x, w, bias, params);
    const dy = { shape: y.shape, data: random(y.data.length, 3) };
    const ms = [];
    for (let run = 0; run < 7; ++run) {
      const t0 = performance.now();
      if (c.pass === 'backward') cp.conv2dBackward(dy, x, w, params);
      else cp.conv2dForward(x, w, bias, params);
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    out[c.name] = ms[3];
  }
  return out;
}

function nativeTimes() {
  const args = cases.flatMap((c) =>
    [c.name, ...c.x, c.w[0], c.w[2], c.stride, c.pad, c.pass].map(String),
  );
  const text = execFileSync(path.join(ROOT, 'build/native-release/convplay_bench'), args, {
    encoding: 'utf8',
  });
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((l) => {
        const [name, ms] = l.split(' ');
        return [name, Number(ms)];
      }),
  );
}

const wasm = await wasmTimes();
const native = nativeTimes();
console.log('case                  wasm ms   native ms   wasm/native');
for (const c of cases) {
  const r = wasm[c.name] / native[c.name];
  console.log(
    `${c.name.padEnd(20)} ${wasm[c.name].toFixed(1).padStart(8)} ${native[c.name].toFixed(1).padStart(11)} ${r.toFixed(2).padStart(13)}`,
  );
}
