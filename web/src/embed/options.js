// What a stranger may configure in an embedded playground, and how it is read:
// the <conv-playground> element's attributes (element.js) and the iframe
// mode's query (iframe.js) both come through here.
//
// ATTRIBUTES: one per row of the state table (common/state.js PROPS), named
// after the row, or by a friendlier name for the layer's hyperparameters
// (kernel for f, stride for s, padding for p, filters for K, ...). Besides
// them: panels, locked, preset, image, theme, notebook (ELEMENT_ATTRIBUTES).
//
//   const cfg = readConfig((name) => el.getAttribute(name), el.getAttributeNames());
//   cfg = { patch: {row: value}, panels: [ids] | null, locked: [rows], notebook: boolean,
//           image: {url, name} | null, notes: ['stride: "-1" is below 1; using 1', ...] }
import { PROPS, SAMPLES } from '../common/state.js';
import { STEPS, ALEX_PATCH } from '../common/lecture-steps.js';
import { PANEL_IDS } from '../page/panels/index.js';
import { checkValue, quote, MAX_RAW } from '../common/values.js';
import { ALIASES, ELEMENT_ATTRIBUTES, NOTEBOOK_VALUES, THEMES } from './attributes.js';

export { ALIASES };

// the sample attribute offers the built-in images only (an upload comes from image=)
const rowFor = (row) => (row.name === 'img' ? { ...row, options: SAMPLES } : row);

/** [{attr, row}]: the attribute of every state row. */
export const ATTRIBUTES = PROPS.map((row) => ({
  attr: ALIASES[row.name] ?? row.name,
  row: rowFor(row),
}));
const BY_ATTR = new Map(ATTRIBUTES.map((a) => [a.attr, a]));

export { ELEMENT_ATTRIBUTES };
export const OBSERVED = [...ATTRIBUTES.map((a) => a.attr), ...ELEMENT_ATTRIBUTES];

// HTML's own attributes and data-/aria- ones: not the playground's business
const GLOBAL_ATTRIBUTES = new Set([
  'id',
  'class',
  'style',
  'title',
  'lang',
  'dir',
  'hidden',
  'tabindex',
  'slot',
  'part',
  'role',
  'translate',
  'inert',
  'nonce',
  'autofocus',
  'accesskey',
  'draggable',
  'spellcheck',
]);

/** Panel names: the playground's ids and a few plural or longer spellings. */
const PANEL_ALIASES = {
  volumes: 'volume',
  'batch-norm': 'bnlab',
  batchnorm: 'bnlab',
  filters: 'editor',
  code: 'code',
};

/** Named set-ups: 'alexnet' (the AlexNet exercise) and every lecture step's id. */
export const PRESETS = [...new Set(['alexnet', ...STEPS.map((s) => s.id)])];

/** The row name an attribute or row name stands for (undefined when none). */
export function rowNameOf(name) {
  const n = String(name).toLowerCase();
  return BY_ATTR.get(n)?.row.name ?? (PROPS.some((r) => r.name === n) ? n : undefined);
}

/** A comma-separated list of names, each mapped by fn(name) -> value | undefined. */
function readNames(label, raw, fn, known) {
  const notes = [];
  const text = String(raw ?? '');
  if (text.length > MAX_RAW)
    return { values: null, notes: [`${label}: ${quote(text)} is too long; ignored`] };
  const values = [];
  for (const item of text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const v = fn(item);
    if (v === undefined) notes.push(`${label}: ${quote(item)} is not one of ${known}; ignored`);
    else if (!values.includes(v)) values.push(v);
  }
  return { values, notes };
}

export function readPanels(raw) {
  return readNames(
    'panels',
    raw,
    (x) => {
      const id = PANEL_ALIASES[x.toLowerCase()] ?? x.toLowerCase();
      return PANEL_IDS.includes(id) ? id : undefined;
    },
    PANEL_IDS.join(', '),
  );
}

export function readLocked(raw) {
  return readNames('locked', raw, rowNameOf, 'the attribute names');
}

/** The state patch of a preset name, or a note. */
export function readPreset(raw) {
  const name = String(raw ?? '').trim();
  if (name === '') return { patch: {}, notes: [] };
  if (name === 'alexnet') return { patch: { ...ALEX_PATCH }, notes: [] };
  if (PRESETS.includes(name)) return { patch: { lstep: name }, notes: [] };
  return {
    patch: {},
    notes: [`preset: ${quote(name)} is not one of ${PRESETS.join(', ')}; ignored`],
  };
}

const IMAGE_DATA_RE = /^data:image\/(png|jpeg|gif|bmp);base64,[A-Za-z0-9+/=\s]+$/i;
export const MAX_IMAGE_URL = 16 * 1024 * 1024;

/**
 * image=: a data: URL of a PNG, JPEG, GIF or BMP, or a URL of the page's own
 * origin (http or https). Resolves against base; returns {url, name} or {note}.
 */
export function checkImageUrl(raw, base, origin) {
  const text = String(raw ?? '').trim();
  const refuse = (why) => ({ note: `image: ${quote(text)} is refused: ${why}` });
  if (text === '') return { url: null };
  if (text.length > MAX_IMAGE_URL) return refuse(`it is longer than ${MAX_IMAGE_URL} characters`);
  if (/^data:/i.test(text)) {
    return IMAGE_DATA_RE.test(text)
      ? { url: text, name: 'image' }
      : refuse('a data: URL must be a base64 PNG, JPEG, GIF or BMP (data:image/png;base64,...)');
  }
  let url;
  try {
    url = new URL(text, base);
  } catch {
    return refuse('it is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return refuse(`only a same-origin URL or a data: URL is allowed, not ${url.protocol}`);
  }
  if (url.origin !== origin)
    return refuse(`only a same-origin URL (${origin}) or a data: URL is allowed`);
  const last = url.pathname.split('/').pop() || 'image';
  return { url: url.href, name: last.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) };
}

/** notebook=: false for 'off'; anything but 'on' or 'off' gets a note (and keeps them on). */
export function readNotebook(raw, notes) {
  if (raw === null || raw === undefined) return true;
  const value = String(raw).trim().toLowerCase();
  if (NOTEBOOK_VALUES.includes(value)) return value === 'on';
  notes.push(`notebook: ${quote(raw)} is not one of ${NOTEBOOK_VALUES.join(', ')}; using on`);
  return true;
}

/**
 * Reads a whole configuration: get(name) returns an attribute's value (or
 * null), names lists the attributes present (for the unknown ones).
 */
export function readConfig(get, names = [], { base = 'http://invalid/', origin = 'null' } = {}) {
  const notes = [];
  const preset = readPreset(get('preset'));
  notes.push(...preset.notes);
  const patch = { ...preset.patch };
  for (const { attr, row } of ATTRIBUTES) {
    const raw = get(attr);
    if (raw === null || raw === undefined) continue;
    const { value, note } = checkValue(row, raw, attr);
    if (note) notes.push(note);
    patch[row.name] = value; // the value the note says is used
  }
  let panels = null;
  if (get('panels') !== null && get('panels') !== undefined) {
    const r = readPanels(get('panels'));
    notes.push(...r.notes);
    if (r.values && r.values.length) panels = r.values;
  }
  const locked = [];
  if (get('locked') !== null && get('locked') !== undefined) {
    const r = readLocked(get('locked'));
    notes.push(...r.notes);
    if (r.values) locked.push(...r.values);
  }
  let image = null;
  if (get('image') !== null && get('image') !== undefined) {
    const r = checkImageUrl(get('image'), base, origin);
    if (r.note) notes.push(r.note);
    else if (r.url) image = r;
  }
  const theme = get('theme');
  if (theme !== null && theme !== undefined && !THEMES.includes(theme)) {
    notes.push(`theme: ${quote(theme)} is not one of ${THEMES.join(', ')}; using auto`);
  }
  const notebook = readNotebook(get('notebook'), notes);
  for (const n of names) {
    const name = String(n).toLowerCase();
    if (BY_ATTR.has(name) || ELEMENT_ATTRIBUTES.includes(name) || GLOBAL_ATTRIBUTES.has(name))
      continue;
    if (name.startsWith('data-') || name.startsWith('aria-')) continue;
    notes.push(`${quote(name.slice(0, 60))} is not an attribute of conv-playground; ignored`);
  }
  return { patch, panels, locked, notebook, image, notes };
}
