// dist/embed.js: the <conv-playground> element (web/src/embed/index.js) as one
// ES module; its worker, the .wasm and the sample photos are files in
// dist/assets/ that it loads relative to its own URL. `npm run build`
// (scripts/build.sh release) runs it after the full page, into the same dist/.
//
//   npx vite build --config web/vite/embed.config.js
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vite';
import base from '../vite.config.js';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(webDir, '..');

const config = mergeConfig(base, {
  publicDir: false,
  // The element's worker stays one file, the network lab's glue inside it: a
  // site that bundles embed.js again copies the files embed.js names (the
  // worker, the .wasm, the pack), not the chunks a worker would import.
  worker: { rolldownOptions: { output: { codeSplitting: false } } },
  build: {
    outDir: path.join(repoRoot, 'dist'),
    emptyOutDir: false, // beside the full page
    copyPublicDir: false,
  },
});

// one entry, the element (not the base's pages); one script: embed.js (its
// worker is a file of its own)
config.build.rollupOptions = {
  input: { embed: path.join(webDir, 'src/embed/index.js') },
  preserveEntrySignatures: 'allow-extension',
  output: {
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: 'assets/embed-[name]-[hash].js',
    codeSplitting: false,
  },
};

export default config;
