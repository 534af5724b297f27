// The <conv-playground> manifest (dist/custom-elements.json), written by
// @custom-elements-manifest/analyzer during `npm run build`
// (scripts/build.sh release, then checked by scripts/check-manifest.mjs).
//
// The analyzer reads element.js (its JSDoc: events, parts, CSS properties,
// the static and instance members written out). The attributes and their
// mirrored properties are defined in a loop over the state table
// (properties.js), which the analyzer cannot follow; the plugin below adds
// them from the same list (attributes.js), with their type, default and range,
// and keeps the documented members only (methods marked @internal are left
// out by the analyzer, the fields the constructor sets have no JSDoc).
import {
  STATE_ATTRIBUTES,
  ELEMENT_ATTRIBUTES,
  NOTEBOOK_VALUES,
  THEMES,
  propOf,
} from './web/src/embed/attributes.js';

const ELEMENT_DOCS = {
  panels: ['string', 'Comma list of the panels shown (default: all).'],
  locked: ['string', 'Comma list of attribute names whose controls are disabled.'],
  preset: ['string', "A named set-up: 'alexnet' or a lecture step's id."],
  image: ['string', 'A same-origin URL or a data:image/...;base64, URL opened as an upload.'],
  theme: [THEMES.map((t) => `'${t}'`).join(' | '), 'auto follows the system; light or dark.'],
  notebook: [
    NOTEBOOK_VALUES.map((t) => `'${t}'`).join(' | '),
    'off removes the "Open as a notebook" buttons (default on).',
  ],
};

function typeOf(row) {
  switch (row.type) {
    case 'int':
    case 'float':
      return 'number';
    case 'bool':
      return 'boolean';
    case 'enum':
      return row.options.map((o) => `'${o}'`).join(' | ');
    case 'list':
      return 'string[]';
    case 'floats':
      return 'number[]';
    default:
      return 'string';
  }
}

function describe(row) {
  const range =
    row.min !== undefined && row.max !== undefined ? ` From ${row.min} to ${row.max}.` : '';
  return `The state field ${row.name}.${range}`;
}

function rows() {
  const state = STATE_ATTRIBUTES.map(({ attr, prop, row }) => ({
    attr,
    prop,
    type: typeOf(row),
    description: describe(row),
    default: JSON.stringify(row.default),
  }));
  const own = ELEMENT_ATTRIBUTES.map((attr) => ({
    attr,
    prop: propOf(attr),
    type: ELEMENT_DOCS[attr][0],
    description: ELEMENT_DOCS[attr][1],
    default: { theme: "'auto'", notebook: "'on'" }[attr],
  }));
  return [...state, ...own];
}

const stateAttributes = {
  name: 'convplay-state-attributes',
  packageLinkPhase({ customElementsManifest }) {
    for (const mod of customElementsManifest.modules) {
      // the element ships as dist/embed.js (one module, element.js bundled)
      if (mod.path === 'web/src/embed/element.js') mod.path = 'dist/embed.js';
      for (const decl of mod.declarations ?? []) {
        if (decl.tagName !== 'conv-playground') continue;
        decl.attributes = [...(decl.attributes ?? [])];
        // the public members are the documented ones (fields set in the constructor are not)
        decl.members = (decl.members ?? []).filter((m) => m.description || m.privacy === 'public');
        for (const r of rows()) {
          const type = { text: r.type };
          decl.attributes.push({
            name: r.attr,
            fieldName: r.prop,
            type,
            description: r.description,
            default: r.default,
          });
          decl.members.push({
            kind: 'field',
            name: r.prop,
            type,
            description: `${r.description} Mirrors the ${r.attr} attribute.`,
            default: r.default,
            attribute: r.attr,
            reflects: true,
          });
        }
      }
    }
  },
};

export default {
  globs: ['web/src/embed/element.js'],
  outdir: 'dist',
  packagejson: false,
  plugins: [stateAttributes],
};
