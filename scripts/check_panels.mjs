// Panels never import one another (what they share is declared in the panels'
// context, web/src/page/context.js). A module under web/src/page/panels/
// belongs to the panel its path names: panels/<panel>.js, panels/<panel>-<part>.js
// or panels/<panel>/...; it may import the modules of its own panel and
// anything outside panels/, never a module of another panel. panels/index.js
// (the static list) imports them all. `npm test` runs this (lint.sh).
//
//   node scripts/check_panels.mjs [dir]   (dir: default web/src/page/panels)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.resolve(root, process.argv[2] ?? 'web/src/page/panels');

/** Every .js file under d. */
function files(d) {
  return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) return files(p);
    return e.name.endsWith('.js') ? [p] : [];
  });
}

/** The panel a file under dir belongs to ('alexnet-undo.js' and 'alexnet/x.js': 'alexnet'). */
function panelOf(file) {
  const first = path.relative(dir, file).split(path.sep)[0];
  return first.replace(/\.js$/, '').split('-')[0];
}

/** The relative specifiers a module imports or re-exports (static and dynamic). */
function imports(text) {
  const re =
    /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]/g;
  return [...text.matchAll(re)].map((m) => m[1] ?? m[2]).filter((s) => s.startsWith('.'));
}

const bad = [];
for (const file of files(dir)) {
  if (file === path.join(dir, 'index.js')) continue;
  const own = panelOf(file);
  for (const spec of imports(fs.readFileSync(file, 'utf8'))) {
    const target = path.resolve(path.dirname(file), spec.replace(/\?.*$/, ''));
    if (!target.startsWith(dir + path.sep)) continue; // outside panels/
    const other = panelOf(target);
    if (other !== own) {
      bad.push(
        `${path.relative(root, file)} imports '${spec}': a module of panel '${own}' may not import panel '${other}' (share it through the context, page/context.js, or a module outside panels/)`,
      );
    }
  }
}
if (bad.length) {
  for (const line of bad) console.error(line);
  process.exit(1);
}
console.log('== lint: no panel imports another panel');
