// Node module hooks (module.register) that import web/src's worker and
// engine as Vite's build does: 'convplay-wasm/X' is the module's build
// output (build/wasm-release/dist/X, or CONVPLAY_DIST), and an import with
// '?url' in its query ('?url', '?worker&url') is a module whose default export
// is the file's name.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.resolve(process.env.CONVPLAY_DIST ?? path.join(ROOT, 'build/wasm-release/dist'));

export async function resolve(specifier, context, next) {
  const [bare, query] = specifier.split('?');
  if (query !== undefined && query.split('&').includes('url')) {
    const source = `export default ${JSON.stringify(path.basename(bare))};`;
    return { url: `data:text/javascript,${encodeURIComponent(source)}`, shortCircuit: true };
  }
  if (bare.startsWith('convplay-wasm/')) {
    const file = path.join(DIST, bare.slice('convplay-wasm/'.length));
    return { url: pathToFileURL(file).href, shortCircuit: true };
  }
  return next(specifier, context);
}
