// Links and embed snippets of a playground's state, and the notes a page
// shows about a link it was opened with.
//
//   linkNotes(hash)                       -> ['s: "0x10" is not a whole number ...; using 16', ...]
//   pageLink(pageUrl, hash)               -> 'https://site/convplay/index.html#f=5&k=2'
//   iframeSnippet(pageUrl, hash, {panels, locked})
//   elementSnippet(scriptUrl, hash, {panels, locked})
//
// A state's hash is state.js's linkOf(): its format version (`v=1`), then only
// what differs from its base; link-format.js keeps older links' meaning.
// An uploaded image (img=upload) or the webcam stays a word in the link, never
// the picture: a page opened on such a link says so (UPLOAD_NOTE) and shows
// the cat photo.
import { parseLink, rowOf, hashPairs } from '../common/state.js';
import { VERSION_KEY, linkVersion, migrateFields } from '../common/link-format.js';
import { ALIASES } from './options.js';
import { checkValue, quote, sameValue, shown } from '../common/values.js';

export const UPLOAD_NOTE =
  'This link was made with an uploaded image; showing the cat photo instead.';
export const WEBCAM_NOTE = 'This link was made with the webcam; showing the cat photo instead.';
export const LINK_IMAGE_NOTE =
  'An uploaded image (or the webcam) is never put in a link: whoever opens it sees the cat photo instead.';

/**
 * What the page has to tell about a link before it opens it: every field
 * whose value had to be clamped or replaced (the field, the value given, the
 * value used), unknown fields, an uploaded image or the webcam.
 */
export function linkNotes(hash) {
  const notes = [];
  const used = parseLink(hash);
  const pairs = hashPairs(hash);
  if (pairs.length > 200)
    return [`The link has ${pairs.length} fields; only the known ones are read.`];
  for (const [key, raw] of pairs)
    if (raw === null)
      notes.push(`${quote(key)}: the value could not be decoded; using the default`);
  // the fields as today's format reads them (an older link's migrated)
  const fields = new Map(pairs.filter(([, raw]) => raw !== null));
  const { version, note } = linkVersion(fields.get(VERSION_KEY));
  if (note) notes.push(note);
  if (fields.size) migrateFields(fields, version);
  for (const [key, raw] of fields) {
    const row = rowOf(key);
    if (!row) {
      notes.push(`${quote(key)} is not a field of this page; ignored`);
      continue;
    }
    const strict = checkValue(row, raw, key);
    if (strict.note || !sameValue(strict.value, used[key])) {
      const why = strict.why ?? 'is not valid here';
      notes.push(`${key}: ${quote(raw)} ${why}; using ${shown(row, used[key])}`);
    }
  }
  if (used.img === 'upload') notes.push(UPLOAD_NOTE);
  if (used.img === 'webcam') notes.push(WEBCAM_NOTE);
  return notes;
}

/** The hash of a link: the state's, with an uploaded image or the webcam kept as a word only. */
export function linkHash(hash) {
  return String(hash ?? '').replace(/^#/, '');
}

/** The page URL without query and hash. */
export function pageBase(pageUrl) {
  const u = new URL(pageUrl);
  u.search = '';
  u.hash = '';
  return u.href;
}

export function pageLink(pageUrl, hash) {
  const h = linkHash(hash);
  return pageBase(pageUrl) + (h ? `#${h}` : '');
}

const escapeAttr = (s) =>
  String(s)
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');

export function iframeSnippet(pageUrl, hash, { panels = [], locked = [] } = {}) {
  const q = new URLSearchParams({ embed: '1' });
  if (panels.length) q.set('panels', panels.join(','));
  if (locked.length) q.set('locked', locked.join(','));
  const h = linkHash(hash);
  const src = `${pageBase(pageUrl)}?${q.toString().replace(/%2C/g, ',')}${h ? `#${h}` : ''}`;
  // sized by attributes, not a style attribute (a strict CSP's style-src refuses those)
  return (
    `<iframe src="${escapeAttr(src)}" title="convplay: a convolution layer" loading="lazy" ` +
    // the webcam and own classes need these in a cross-origin frame
    'allow="camera; clipboard-write; fullscreen" allowfullscreen ' +
    'width="100%" height="900" frameborder="0"></iframe>'
  );
}

/** The <conv-playground> of a state: one attribute per field of the hash (friendly names). */
export function elementSnippet(scriptUrl, hash, { panels = [], locked = [] } = {}) {
  const attrs = [];
  for (const [key, value] of hashPairs(linkHash(hash))) {
    if (!rowOf(key) || value === null) continue;
    if (key === 'img' && (value === 'upload' || value === 'webcam')) continue;
    attrs.push(`${ALIASES[key] ?? key}="${escapeAttr(value)}"`);
  }
  if (panels.length) attrs.push(`panels="${escapeAttr(panels.join(','))}"`);
  if (locked.length)
    attrs.push(`locked="${escapeAttr(locked.map((n) => ALIASES[n] ?? n).join(','))}"`);
  return (
    `<script type="module" src="${escapeAttr(scriptUrl)}"></script>\n` +
    `<conv-playground${attrs.map((a) => `\n  ${a}`).join('')}></conv-playground>`
  );
}

/** The state (hash) a <conv-playground>'s attribute patch stands for (element.js: its initial state). */
export function patchHash(patch) {
  const parts = [];
  for (const [name, v] of Object.entries(patch)) {
    const row = rowOf(name);
    if (!row) continue;
    let text;
    if (row.type === 'bool') text = v ? '1' : '0';
    else if (Array.isArray(v)) text = v.join(',');
    else text = String(v);
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(text).replace(/%2C/g, ',')}`);
  }
  return parts.join('&');
}
