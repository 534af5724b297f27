// Vite configuration for the convplay page (web/).
//
//   npm start                                   -> builds the wasm module, then `vite --config web/vite.config.js`
//   npx vite build --config web/vite.config.js  -> plain static files in dist/ (any host can serve them)
//
// The page imports the WASM module as 'convplay-wasm/convplay.mjs' (and its
// .wasm as 'convplay-wasm/convplay_core.wasm?url'); the alias points at the
// module's build output. CONVPLAY_WASM_DIR overrides it (e.g. to try the page
// against another build of the module).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { devEmbed } from './vite/dev-embed.js';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(webDir, '..');

// The version the page and the element show (web/src/common/version.js, the
// About line of index.html as %VITE_CONVPLAY_VERSION%): package.json's.
const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
process.env.VITE_CONVPLAY_VERSION = pkg.version;
const wasmDir = process.env.CONVPLAY_WASM_DIR
  ? path.resolve(process.env.CONVPLAY_WASM_DIR)
  : path.resolve(repoRoot, 'build/wasm-release/dist');

// What the worker imports only when it is used (the panels' jobs, worker/jobs/; the network
// lab's glue; the notebook builders): chunks of their own.
const isLazyInWorker = (id) =>
  /(convplay_nn|convplay_lab|notebook)\.mjs$|lab-module(\.inline)?\.js$|\/worker\/jobs\//.test(id);

// The page's Content-Security-Policy (index.html) allows no inline styles. The
// dev server injects CSS imported from JS as <style> elements (for hot reload),
// so in dev only, style-src also allows inline styles. The built page keeps
// the strict policy (its CSS is in files).
const devCsp = {
  name: 'convplay-dev-csp',
  apply: 'serve',
  transformIndexHtml(html) {
    return html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
  },
};

// The built index.html loads the page's first chunk (boot.js, which starts the worker) as an
// async module script of its own, ahead of the page's script: it runs as soon as it arrives,
// not once every chunk of the page is downloaded and the document parsed. (The module map runs
// it once: the page's chunk imports the same file.) Only index.html: the demo of two
// playgrounds starts its own workers. web/vite/single-file.config.js leaves it out (everything
// is inline there).
export const earlyBoot = {
  name: 'convplay-early-boot',
  apply: 'build',
  transformIndexHtml: {
    order: 'post',
    handler(html, { path: page, bundle }) {
      if (page !== '/index.html' || !bundle) return html;
      const boot = Object.values(bundle).find((c) => c.type === 'chunk' && c.name === 'boot');
      if (!boot) throw new Error('convplay-early-boot: no chunk named boot in the bundle');
      const tag = `<script type="module" async crossorigin src="./${boot.fileName}"></script>`;
      const at = html.indexOf('<script');
      if (at < 0) throw new Error('convplay-early-boot: index.html has no script');
      return `${html.slice(0, at)}${tag}\n  ${html.slice(at)}`;
    },
  },
};

export default defineConfig({
  plugins: [devCsp, devEmbed(), earlyBoot],
  root: webDir,
  base: './', // relative URLs: dist/ works from any sub-path
  publicDir: path.resolve(webDir, 'public'),
  resolve: {
    alias: { 'convplay-wasm': wasmDir },
  },
  build: {
    outDir: path.resolve(repoRoot, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0, // never inline the .wasm (or anything) as a data: URL
    rollupOptions: {
      // the page, and the demo of two playgrounds on one page (the tests use it)
      input: {
        main: path.resolve(webDir, 'index.html'),
        two: path.resolve(webDir, 'demo/two.html'),
      },
      // the page's first module (boot.js: it starts the worker) is a chunk of its own, which
      // the page's chunk imports first: it runs before the playground's chunks are evaluated
      output: {
        codeSplitting: {
          groups: [
            {
              name: 'boot',
              test: (id) => /\/src\/(boot|page\/spawn-worker|page\/held-events)\.js$/.test(id),
            },
          ],
        },
      },
    },
  },
  worker: {
    format: 'es',
    // The worker's first load leaves out what it imports only when used (the
    // network lab's glue, the notebook builders). Everything else of the worker
    // goes into a chunk of its own (worker-common), which all of them import:
    // the worker runs from a URL with a fragment (page/spawn-worker.js), so a
    // chunk importing the worker's entry file would start a second worker.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              name: 'worker-common',
              test: (id) => !isLazyInWorker(id) && !id.endsWith('/worker/worker.js'),
            },
          ],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    strictPort: false,
    open: false,
    fs: { allow: [repoRoot] },
  },
  preview: { host: '127.0.0.1' },
  logLevel: 'info', // prints "Local: http://127.0.0.1:PORT/"
  clearScreen: false,
});
