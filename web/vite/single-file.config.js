// The single-file page, dist/convplay.html: `npm run build` (scripts/build.sh
// release) builds it into build/single/ and copies it next to the full page.
//
//   npx vite build --config web/vite/single-file.config.js
//
// Everything is inlined, so the file works from file:// and uploaded into a
// learning-management system: vite-plugin-singlefile puts the JavaScript and
// CSS into the HTML; the worker is bundled inline (Vite's ?worker&inline: a
// blob: URL worker, release/spawn-worker.inline.js); the worker and its
// network lab get their .wasm bytes from data: URLs (release/convplay.inline.js,
// release/lab-module.inline.js), the lab its Fashion-MNIST pack too (a data:
// URL decoded by worker/jobs/nnlab.js, never fetched); the sample photos become
// data: URLs (every asset but the .wasm is inlined); csp-hashes.js adds the inline scripts' and
// styles' hashes to the page's strict Content-Security-Policy.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';
import base from '../vite.config.js';
import { cspHashes } from './csp-hashes.js';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(webDir, '..');
const release = path.join(webDir, 'src/release');

// Module replacements of the single-file build (the first match wins: they
// come before the base config's 'convplay-wasm' alias).
const alias = [
  {
    find: /^(\.\.?\/)+(page\/)?spawn-worker\.js$/,
    replacement: path.join(release, 'spawn-worker.inline.js'),
  },
  { find: /^convplay-wasm\/convplay\.mjs$/, replacement: path.join(release, 'convplay.inline.js') },
  {
    find: /^(\.\.?\/)+lab-module\.js$/,
    replacement: path.join(release, 'lab-module.inline.js'),
  },
  {
    find: /^convplay-wasm\/convplay_(core|lab)\.wasm\?url$/,
    replacement: path.join(release, 'empty-url.js'),
  },
];

const config = mergeConfig(base, {
  resolve: { alias }, // mergeConfig puts these before the base's
  plugins: [
    viteSingleFile({ outputFileName: 'convplay.html', removeViteModuleLoader: true }),
    cspHashes({ favicon: path.join(webDir, 'public/favicon.svg') }),
    {
      // vite-plugin-singlefile inlines every asset; only what is imported
      // with ?inline should be (the .wasm once, the photos): the Emscripten
      // glue's own reference to the .wasm stays a file that the page never
      // requests (release/convplay.inline.js passes locateFile)
      name: 'convplay-inline-only-on-request',
      enforce: 'post',
      config: () => ({ build: { assetsInlineLimit: (file) => !file.endsWith('.wasm') } }),
    },
  ],
  publicDir: false, // nothing beside the one file
  // a classic worker: Chromium refuses a module worker from a blob: URL in a
  // page opened from file:// (an opaque origin); a classic one runs
  // (one file: the network lab's glue, a chunk of its own in the other builds, is inlined)
  worker: { format: 'iife', rolldownOptions: { output: { codeSplitting: false } } },
  build: {
    outDir: path.join(repoRoot, 'build/single'),
    emptyOutDir: true,
    rolldownOptions: { checks: { pluginTimings: false } }, // the worker's inlining is slow by nature
  },
});

// every script is inline: no separate boot script (web/vite.config.js earlyBoot)
config.plugins = config.plugins.filter((p) => p?.name !== 'convplay-early-boot');

// the full page only (the base also builds the demo of two playgrounds)
config.build.rollupOptions = {
  ...config.build.rollupOptions,
  input: path.join(webDir, 'index.html'),
};

export default config;
