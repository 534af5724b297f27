// The properties of <conv-playground> that mirror its attributes
// (attributes.js: kernel-width -> kernelWidth), defined on the class:
//
//   el.kernel = 5;          // sets kernel="5": the playground follows (clamped with a note if out of range)
//   el.kernel               // the value shown now (the student's, once they moved the slider)
//   el.filterKinds = ['box', 'sobelx'];  el.kernelSeparate = true;  el.kernel = null  (the default)
//   el.panels = 'layer,volume';  el.theme = 'dark';
//
// A state property reads the live state once the playground exists, before
// that the attribute's value as the element reads it (or the row's default).
import { STATE_ATTRIBUTES, ELEMENT_ATTRIBUTES, THEMES, propOf } from './attributes.js';
import { checkValue } from '../common/values.js';

/** The attribute text of a property value (null removes the attribute). */
export function attributeText(row, value) {
  if (value === null || value === undefined) return null;
  if (row?.type === 'bool' && typeof value === 'boolean') return value ? '1' : '0';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

function copy(v) {
  return Array.isArray(v) ? v.slice() : v;
}

/** Sets attr to text (removes it for null); the element applies it even when it is unchanged. */
function reflect(el, attr, text) {
  const same = el.getAttribute(attr) === text;
  if (text === null) el.removeAttribute(attr);
  else el.setAttribute(attr, text);
  if (same) el.attributeChangedCallback(attr, undefined, text); // e.g. back to the attribute's value
}

function defineStateProperty(cls, { attr, prop, row }) {
  Object.defineProperty(cls.prototype, prop, {
    configurable: true,
    enumerable: true,
    get() {
      const live = this.state; // the instance's, or the one a parked element keeps
      if (live) return copy(live[row.name]);
      const raw = this.getAttribute(attr);
      return raw === null ? copy(row.default) : checkValue(row, raw, attr).value;
    },
    set(value) {
      reflect(this, attr, attributeText(row, value));
    },
  });
}

function defineElementProperty(cls, attr) {
  Object.defineProperty(cls.prototype, propOf(attr), {
    configurable: true,
    enumerable: true,
    get() {
      const raw = this.getAttribute(attr);
      if (attr === 'theme') return THEMES.includes(raw) ? raw : 'auto';
      if (attr === 'notebook') return raw?.trim().toLowerCase() === 'off' ? 'off' : 'on';
      return raw;
    },
    set(value) {
      reflect(this, attr, attributeText(null, value));
    },
  });
}

/** Defines every mirrored property on cls (once). */
export function defineProperties(cls) {
  for (const a of STATE_ATTRIBUTES) defineStateProperty(cls, a);
  for (const attr of ELEMENT_ATTRIBUTES) defineElementProperty(cls, attr);
}

/** Every mirrored property's name. */
export const PROPERTY_NAMES = [
  ...STATE_ATTRIBUTES.map((a) => a.prop),
  ...ELEMENT_ATTRIBUTES.map((a) => propOf(a)),
];

/**
 * A property set on the element before it was upgraded (an instance of
 * HTMLElement then) shadows the class's: it is taken away and set again.
 */
export function upgradeProperties(el) {
  for (const name of PROPERTY_NAMES) {
    if (!Object.hasOwn(el, name)) continue;
    const value = el[name];
    delete el[name];
    el[name] = value;
  }
}

/** A state (row names) with the attribute names as keys. */
export function byAttribute(state) {
  const out = {};
  for (const { attr, row } of STATE_ATTRIBUTES) out[attr] = copy(state[row.name]);
  return out;
}

/** Row names -> attribute names. */
export const attributeNames = (names) =>
  names.map((n) => STATE_ATTRIBUTES.find((a) => a.row.name === n)?.attr ?? n);
