// The npm package: `npm pack` of the repository (dist/ as `npm run build` left
// it: scripts/test.sh builds it first), installed into a fresh temporary folder
// outside the repository (npm install of the .tgz, offline: the package has no
// dependencies), then used the three ways a course site uses it: Node's
// require('convplay'), a plain HTML page that loads the element from
// node_modules, and a minimal Vite site that imports 'convplay/embed' (built
// with vite build, the repository's own Vite as the site's tool, and served as
// static files). Both pages must draw feature maps in Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, ROOT, shot } from '../browser/helpers.mjs';
import { needRelease, serveDist, watchPage } from '../browser/release-helpers.mjs';

const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const VITE = path.join(ROOT, 'node_modules/vite/bin/vite.js');
let tmp, site, tarball, installed, browser;

/** The environment of a command run outside the repository: no NODE_PATH into Debian's modules. */
function outsideEnv() {
  const env = { ...process.env };
  delete env.NODE_PATH;
  return env;
}

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, {
    cwd,
    env: outsideEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

before(async () => {
  needRelease('embed.js', 'convplay.html', 'module/convplay.mjs', 'module/convplay.d.ts');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convplay-package-'));
  // dist/ is built already: no prepack build here
  const packed = JSON.parse(
    run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT),
  );
  tarball = path.join(tmp, packed[0].filename);
  site = path.join(tmp, 'site');
  fs.mkdirSync(site);
  fs.writeFileSync(
    path.join(site, 'package.json'),
    JSON.stringify({ name: 'course-site', private: true, type: 'module' }),
  );
  run(
    'npm',
    ['install', tarball, '--offline', '--no-audit', '--no-fund', '--loglevel=error'],
    site,
  );
  installed = path.join(site, 'node_modules/convplay');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Waits until the element #id has drawn; resolves the distinct colours of each feature map. */
async function drawnMaps(page, id) {
  await page.waitForFunction(
    (i) => {
      const inst = document.getElementById(i)?.playground;
      return Boolean(inst && inst.result && inst.idle);
    },
    id,
    { timeout: 90000 },
  );
  return page.evaluate(
    (i) =>
      [...document.getElementById(i).shadowRoot.querySelectorAll('canvas.fmap')].map((c) => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        for (let j = 0; j < d.length; j += 4 * 7)
          seen.add((d[j] << 16) | (d[j + 1] << 8) | d[j + 2]);
        return seen.size;
      }),
    id,
  );
}

test('the installed package: no private flag, exports, types, engines, licence and notices', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  assert.equal(pkg.private, undefined);
  assert.equal(pkg.version, PKG.version);
  assert.equal(pkg.license, 'MIT');
  assert.match(pkg.engines?.node ?? '', />=\s*20\.19/);
  assert.deepEqual(pkg.dependencies ?? {}, {}, 'a course site installs nothing else');
  for (const [name, target] of [
    ['./embed', pkg.exports['./embed'].default],
    ['./embed (types)', pkg.exports['./embed'].types],
    ['.', pkg.exports['.'].import],
    ['. (require)', pkg.exports['.'].require],
    ['. (types)', pkg.exports['.'].types],
    ['./convplay.html', pkg.exports['./convplay.html']],
    ['types', pkg.types],
  ]) {
    assert.ok(target && fs.existsSync(path.join(installed, target)), `${name} -> ${target}`);
  }
  assert.match(fs.readFileSync(path.join(installed, 'LICENSE'), 'utf8'), /^MIT License/);
  assert.match(
    fs.readFileSync(path.join(installed, 'THIRD-PARTY-NOTICES.md'), 'utf8'),
    /Fashion-MNIST/,
  );
  assert.ok(fs.existsSync(path.join(installed, 'dist/index.html')));
  assert.ok(!fs.existsSync(path.join(installed, 'core')), 'the sources stay out of the package');
});

test("Node: require('convplay') computes a convolution with the module's API", () => {
  const script = `
    const createConvplay = require('convplay');
    createConvplay().then((cp) => {
      const x = { shape: [1, 1, 5, 5], data: new Float32Array(25).fill(1) };
      const w = { shape: [1, 1, 3, 3], data: new Float32Array(9).fill(1) };
      const y = cp.conv2dForward(x, w, null, {});
      console.log(JSON.stringify({ shape: y.shape, first: y.data[0], resolved: require.resolve('convplay') }));
    });`;
  const out = JSON.parse(run(process.execPath, ['--input-type=commonjs', '-e', script], site));
  assert.deepEqual(out.shape, [1, 1, 3, 3]);
  assert.equal(out.first, 9);
  assert.ok(out.resolved.startsWith(installed), out.resolved);
});

test("Node: import('convplay/network-lab') builds the tiny network with the lab's API", () => {
  const script = `
    import { readFileSync } from 'node:fs';
    import { createRequire } from 'node:module';
    import path from 'node:path';
    import { fileURLToPath } from 'node:url';
    const file = fileURLToPath(import.meta.resolve('convplay/network-lab'));
    globalThis.require = createRequire(file); // Emscripten's ES module in Node
    globalThis.__dirname = path.dirname(file);
    const { createNetworkLab } = await import('convplay/network-lab');
    const wasmBinary = readFileSync(path.join(path.dirname(file), 'convplay_lab.wasm'));
    const api = await createNetworkLab({ wasmBinary });
    const lab = api.NetworkLab();
    const d = lab.setNetwork(api.tinyNetwork({ classes: 3 }), 1);
    console.log(JSON.stringify({ params: d.params, file }));
    lab.delete();`;
  const out = JSON.parse(run(process.execPath, ['--input-type=module', '-e', script], site));
  assert.equal(out.params, 72 + 8 + 1152 + 16 + 400 * 3 + 3);
  assert.ok(out.file.startsWith(installed), out.file);
});

test('a plain HTML page that loads the element from node_modules draws feature maps', async () => {
  fs.writeFileSync(
    path.join(site, 'plain.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>plain</title><link rel="icon" href="data:,">
<script type="module" src="./node_modules/convplay/dist/embed.js"></script></head>
<body><conv-playground id="pg" kernel="5" filters="3" panels="layer,volume"></conv-playground></body></html>`,
  );
  const server = await serveDist({ dir: site });
  try {
    const { page, errors } = await watchPage(browser, `${server.url}plain.html`);
    const colours = await drawnMaps(page, 'pg');
    assert.equal(colours.length, 3);
    for (const n of colours) assert.ok(n > 20, `a feature map has only ${n} colours`);
    assert.equal(
      await page.evaluate(() => customElements.get('conv-playground').version),
      PKG.version,
    );
    await shot(page, 'package-plain');
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await server.close();
  }
});

test("a Vite site that imports 'convplay/embed', built and served statically, draws feature maps", async () => {
  const src = path.join(site, 'vite-site');
  fs.mkdirSync(src);
  fs.writeFileSync(
    path.join(src, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>vite site</title><link rel="icon" href="data:,">
<script type="module" src="./main.js"></script></head>
<body><conv-playground id="pg" kernel="7" filters="2" panels="layer,volume"></conv-playground></body></html>`,
  );
  fs.writeFileSync(path.join(src, 'main.js'), "import 'convplay/embed';\n");
  const out = path.join(site, 'vite-dist');
  run(process.execPath, [VITE, 'build', src, '--outDir', out, '--logLevel', 'warn'], site);
  const built = fs.readdirSync(path.join(out, 'assets'));
  assert.ok(
    built.some((f) => f.endsWith('.wasm')),
    `the site's build copied the .wasm: ${built.join(', ')}`,
  );
  const server = await serveDist({ dir: out });
  try {
    const { page, errors } = await watchPage(browser, `${server.url}index.html`);
    const colours = await drawnMaps(page, 'pg');
    assert.equal(colours.length, 2);
    for (const n of colours) assert.ok(n > 20, `a feature map has only ${n} colours`);
    await shot(page, 'package-vite');
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    await server.close();
  }
});
