// The names of <conv-playground>'s attributes and properties: one attribute
// per row of the state table (common/state.js PROPS), named after the row or
// by a friendlier name (ALIASES), and the element's own (ELEMENT_ATTRIBUTES).
// Every attribute has a property of the camel-cased name (kernel-width ->
// kernelWidth). Imports nothing but the state table, so the manifest's
// generator (custom-elements-manifest.config.mjs) reads it in Node.
import { PROPS } from '../common/state.js';

/** Friendly attribute names of some rows; every other row is its own name. */
export const ALIASES = {
  img: 'sample',
  f: 'kernel',
  fw: 'kernel-width',
  fsep: 'kernel-separate',
  p: 'padding',
  pad: 'padding-mode',
  s: 'stride',
  sw: 'stride-cols',
  ssep: 'stride-separate',
  dil: 'dilation',
  k: 'filters',
  filters: 'filter-kinds',
  mode: 'operation',
  lstep: 'lecture-step',
};

/** The element's attributes that are not state rows. */
export const ELEMENT_ATTRIBUTES = ['panels', 'locked', 'preset', 'image', 'theme', 'notebook'];

/** theme=: 'auto' follows the reader's system setting (prefers-color-scheme). */
export const THEMES = ['auto', 'light', 'dark'];

/** notebook=: 'on' (the default) offers the "Open as a notebook" buttons, 'off' removes them. */
export const NOTEBOOK_VALUES = ['on', 'off'];

/** The attribute name of a state row. */
export const attrOf = (rowName) => ALIASES[rowName] ?? rowName;

/** The property of an attribute: kernel-width -> kernelWidth. */
export const propOf = (attr) => attr.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

/** [{attr, prop, row}] for every state row, in the table's order. */
export const STATE_ATTRIBUTES = PROPS.map((row) => {
  const attr = attrOf(row.name);
  return { attr, prop: propOf(attr), row };
});
