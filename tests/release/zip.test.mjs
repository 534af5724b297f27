// The release zip (`npm run release` -> scripts/release.mjs, run here on the
// dist/ that scripts/test.sh built): its name and folder carry the version,
// it holds every file of dist/, the MIT licence, the third-party notices
// naming every redistributed work with its licence, and TEACHERS.md; the
// page's About line and the element in it say the same version.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { ROOT } from '../browser/helpers.mjs';
import { needRelease, RELEASE } from '../browser/release-helpers.mjs';
import { releaseZip } from '../../scripts/release.mjs';

const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const TOP = `convplay-${version}`;
let tmp, zip, files;

before(() => {
  needRelease('embed.js', 'index.html', 'convplay.html');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convplay-zip-'));
  zip = releaseZip({ outDir: tmp });
  files = unzipSync(fs.readFileSync(zip.file));
});
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const text = (name) => {
  assert.ok(files[name], `${name} is in the zip`);
  return strFromU8(files[name]);
};

function distFiles(dir, rel = '') {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? distFiles(dir, r) : [r];
  });
}

test('the zip is named for the version and holds everything in one folder of that name', () => {
  assert.equal(path.basename(zip.file), `${TOP}.zip`);
  for (const name of Object.keys(files)) assert.ok(name.startsWith(`${TOP}/`), name);
  for (const f of distFiles(RELEASE)) {
    assert.ok(files[`${TOP}/dist/${f}`], `dist/${f} is in the zip`);
    assert.deepEqual(
      Buffer.from(files[`${TOP}/dist/${f}`]),
      fs.readFileSync(path.join(RELEASE, f)),
      `dist/${f} unchanged`,
    );
  }
});

test('LICENSE is the MIT licence, the package says MIT', () => {
  assert.match(text(`${TOP}/LICENSE`), /^MIT License\n\nCopyright \(c\) \d{4} /);
  assert.match(text(`${TOP}/LICENSE`), /THE SOFTWARE IS PROVIDED "AS IS"/);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.license, 'MIT');
});

test('the notices name every redistributed work with its licence', () => {
  const notices = text(`${TOP}/THIRD-PARTY-NOTICES.md`);
  const rows = notices.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'));
  const rowOf = (what) => rows.find((r) => r.includes(what)) ?? '';
  for (const [work, licence] of [
    ['Fashion-MNIST', /\| MIT \|$/],
    ['stb_image', /public domain/],
    ['ColorBrewer RdBu', /Apache License 2\.0/],
    ['Chelsea', /CC0/],
    ['Coffee', /CC0/],
    ['Astronaut', /public domain/],
    ['fflate', /\| MIT \|$/],
    ['Emscripten', /MIT/],
    ['musl', /MIT/],
    ['libc++', /Apache License 2\.0 with LLVM Exceptions/],
  ]) {
    assert.match(rowOf(work), licence, `${work}: ${rowOf(work) || 'no row'}`);
  }
  // every photo and data file that dist/ ships is named in a row
  const assets = Object.keys(files).filter((n) => /\/assets\/[^/]+\.(png|jpe?g|gz)$/.test(n));
  assert.ok(assets.length >= 4, assets.join());
  for (const a of assets) {
    const stem = path.basename(a).split(/[-.]/)[0];
    assert.ok(
      rows.some((r) => r.toLowerCase().includes(stem.toLowerCase())),
      `${a}: no row names "${stem}"`,
    );
  }
});

test('TEACHERS.md, the About line and the element say the version', () => {
  const teachers = text(`${TOP}/TEACHERS.md`);
  assert.match(teachers, new RegExp(`^# convplay ${version.replace(/\./g, '\\.')}: for teachers`));
  assert.doesNotMatch(teachers, /\{\{/);
  assert.match(teachers, /<conv-playground /);
  assert.match(
    text(`${TOP}/dist/index.html`),
    new RegExp(`convplay ${version.replace(/\./g, '\\.')} · MIT`),
  );
  // the element's static version (the package test reads it in Chromium)
  const literal = new RegExp(`[\`"']${version.replace(/\./g, '\\.')}[\`"']`);
  assert.match(text(`${TOP}/dist/embed.js`), literal, 'embed.js holds its version');
});
