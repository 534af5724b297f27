// Checks the element's manifest (dist/custom-elements.json, written by
// @custom-elements-manifest/analyzer in scripts/build.sh release): the
// <conv-playground> declaration lists every attribute the element observes
// with its property, the documented members, events, parts and CSS
// properties. Exits 1 with the first thing missing.
//
//   node scripts/check-manifest.mjs dist/custom-elements.json
import fs from 'node:fs';
import { STATE_ATTRIBUTES, ELEMENT_ATTRIBUTES, propOf } from '../web/src/embed/attributes.js';

const file = process.argv[2] ?? 'dist/custom-elements.json';
const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
const decl = manifest.modules
  .flatMap((m) => m.declarations ?? [])
  .find((d) => d.tagName === 'conv-playground');
const missing = [];
const need = (what, list, name) => {
  if (!(list ?? []).some((x) => x.name === name)) missing.push(`${what} ${name}`);
};
if (!decl) missing.push('the conv-playground declaration');
else {
  const attrs = [...STATE_ATTRIBUTES.map((a) => a.attr), ...ELEMENT_ATTRIBUTES];
  for (const attr of attrs) {
    need('attribute', decl.attributes, attr);
    need('property', decl.members, propOf(attr));
  }
  for (const m of ['ready', 'state', 'playground', 'maxWorkers']) need('member', decl.members, m);
  for (const e of ['convplay-change', 'change', 'load', 'error']) need('event', decl.events, e);
  for (const p of ['playground', 'panel', 'notes']) need('part', decl.cssParts, p);
  need('CSS property', decl.cssProperties, '--convplay-accent');
}
if (missing.length) {
  console.error(`${file}: missing ${missing.join(', ')}`);
  process.exit(1);
}
console.log(
  `${file}: conv-playground with ${decl.attributes.length} attributes, ${decl.events.length} events`,
);
