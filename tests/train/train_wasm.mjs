// convplay — `npm run train -- --wasm`: the same training as the native
// program, through the WASM module in Node, on the page's data pack (the
// Fashion-MNIST subset the build packs). Progress on stdout; the last line is
//   {"impl":"wasm","epochs":..,"test_accuracy":..,"images_per_s":..,"seconds":..}
// Options: --epochs N  --batch N  --lr X  --bn | --no-bn (default: batch norm)  --seed N
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.resolve(process.env.CONVPLAY_DIST ?? path.join(ROOT, 'build/wasm-release/dist'));

function parseArgs(argv) {
  const o = { epochs: 3, batch: 32, lr: 0.05, bn: true, seed: 1 };
  const names = { '--epochs': 'epochs', '--batch': 'batch', '--lr': 'lr', '--seed': 'seed' };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--bn' || a === '--no-bn') {
      o.bn = a === '--bn';
    } else if (a in names && i + 1 < argv.length) {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v)) throw new Error(`${a} needs a number, got ${argv[i]}`);
      o[names[a]] = v;
    } else {
      throw new Error(`unknown option or missing value: ${a}`);
    }
  }
  return o;
}

/** Loads the module and the pack; returns {api, lab, counts}. */
export async function openLab() {
  globalThis.require ??= createRequire(path.join(DIST, 'convplay_core.mjs'));
  globalThis.__dirname ??= DIST;
  const { createNetworkLab } = await import(path.join(DIST, 'convplay_nn.mjs'));
  const api = await createNetworkLab({
    wasmBinary: readFileSync(path.join(DIST, 'convplay_lab.wasm')),
  });
  const lab = api.NetworkLab();
  const counts = lab.loadPack(readFileSync(path.join(DIST, 'fashion-mnist.pack.gz')));
  return { api, lab, counts };
}

/**
 * Trains; returns {seconds, cpuSeconds (of the training steps only: wall clock and this
 * process's CPU time, which a shared machine disturbs less), epochs (evaluation per epoch)}.
 */
export async function train(lab, tinyNetwork, o, log = () => {}) {
  lab.setNetwork(tinyNetwork({ batchnorm: o.bn }), o.seed);
  const plan = lab.startTraining({
    epochs: o.epochs,
    batchSize: o.batch,
    learningRate: o.lr,
    seed: o.seed,
  });
  let trainMs = 0,
    cpuUs = 0;
  const epochs = [];
  for (let epoch = 0; epoch < o.epochs; ++epoch) {
    for (let done = 0; done < plan.stepsPerEpoch;) {
      const n = Math.min(100, plan.stepsPerEpoch - done);
      const t0 = performance.now(),
        c0 = process.cpuUsage();
      const r = lab.steps(n);
      trainMs += performance.now() - t0;
      const c = process.cpuUsage(c0);
      cpuUs += c.user + c.system;
      done += r.steps;
      log(`  step ${r.step}  loss ${r.loss.toFixed(4)}  lr ${r.learningRate.toFixed(4)}`);
    }
    const e = lab.evaluate(0);
    epochs.push(e);
    log(
      `epoch ${epoch + 1}: test loss ${e.loss.toFixed(4)}, test accuracy ${(100 * e.accuracy).toFixed(2)}%`,
    );
  }
  return { seconds: trainMs / 1000, cpuSeconds: cpuUs / 1e6, epochs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const o = parseArgs(process.argv.slice(2));
    const start = performance.now();
    const { api, lab, counts } = await openLab();
    console.log(
      `tiny network${o.bn ? ' with batch norm' : ''} in WASM; ${counts.train} training and ` +
        `${counts.test} test images (the page's pack)`,
    );
    const r = await train(lab, api.tinyNetwork, o, (line) => console.log(line));
    lab.delete();
    const last = r.epochs[r.epochs.length - 1];
    console.log(
      JSON.stringify({
        impl: 'wasm',
        epochs: o.epochs,
        test_accuracy: Number(last.accuracy.toFixed(4)),
        images_per_s: Math.round((counts.train * o.epochs) / r.seconds),
        images_per_cpu_s: Math.round((counts.train * o.epochs) / r.cpuSeconds),
        seconds: Number(((performance.now() - start) / 1000).toFixed(1)),
        batchnorm: o.bn,
        train_images: counts.train,
        test_images: counts.test,
      }),
    );
  } catch (e) {
    console.error(`train: ${e.message}`);
    process.exit(1);
  }
}
