// `npm run release` (after `npm run build`): writes convplay-<version>.zip, the
// release a teacher downloads: dist/, LICENSE, THIRD-PARTY-NOTICES.md and
// TEACHERS.md (docs/TEACHERS.md with the version filled in), all in one folder
// convplay-<version>/. Files that are compressed already (photos, the
// Fashion-MNIST pack, the .wasm in the single file's base64 excepted) are
// stored, the rest deflated (fflate).
//
//   node scripts/release.mjs [--out DIR]     (default: the repository's root)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STORED = /\.(png|jpe?g|gz|zip)$/i;

function filesUnder(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out.sort();
}

function entry(bytes, name) {
  return [bytes, { level: STORED.test(name) ? 0 : 9 }];
}

export function releaseZip({ outDir = ROOT } = {}) {
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const dist = path.join(ROOT, 'dist');
  if (!fs.existsSync(path.join(dist, 'embed.js')))
    throw new Error(`${dist}/embed.js is missing: run "npm run build" first`);
  const top = `convplay-${version}`;
  const entries = {};
  for (const f of filesUnder(dist))
    entries[`${top}/dist/${f}`] = entry(fs.readFileSync(path.join(dist, f)), f);
  for (const f of ['LICENSE', 'THIRD-PARTY-NOTICES.md'])
    entries[`${top}/${f}`] = entry(fs.readFileSync(path.join(ROOT, f)), f);
  const teachers = fs
    .readFileSync(path.join(ROOT, 'docs/TEACHERS.md'), 'utf8')
    .replaceAll('{{version}}', version);
  entries[`${top}/TEACHERS.md`] = entry(new TextEncoder().encode(teachers), 'TEACHERS.md');
  const file = path.join(outDir, `${top}.zip`);
  fs.writeFileSync(file, zipSync(entries));
  return { file, version, count: Object.keys(entries).length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const outDir = i > 0 ? path.resolve(process.argv[i + 1]) : ROOT;
  const { file, count } = releaseZip({ outDir });
  console.log(
    `release: ${path.relative(process.cwd(), file) || file}: ${count} files, ${fs.statSync(file).size} bytes`,
  );
}
