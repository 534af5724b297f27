// Export and import of a playground.
//
//   configOf(state)            -> {format: 'convplay-config', version: 1, state, image?}
//                                 (version: link-format.js's; an older file is migrated)
//   readConfigText(text)       -> the complete state it holds; throws an Error whose
//                                 message names the first bad field ('state.s: "0" is below 1')
//   readConfigObject(data)     -> the same for a file already parsed (the network lab's
//                                 weights file is a configuration with a `network` field)
//   mapsPng(canvases)          -> Promise<Blob>: every feature map side by side, one PNG
//   mapsZip(canvases, extra)   -> Promise<Blob>: one PNG per map + the JSON files, a zip (fflate)
//   download(blob, name, doc)  -> saves the blob (an <a download> with a blob: URL)
//
// The configuration is the whole state, every field (so importing it restores
// exactly what was exported, whatever the defaults become). An uploaded image
// is not in it (image: 'upload' says so): the page shows the cat photo.
import { zipSync } from 'fflate';
import { PROPS, rowOf, defaults } from './state.js';
import { LINK_VERSION, migrateFields } from './link-format.js';
import { checkValue, quote } from './values.js';

export const CONFIG_FORMAT = 'convplay-config';
/** The file's format version: the links' (link-format.js); older files are migrated. */
export const CONFIG_VERSION = LINK_VERSION;
export const MAX_CONFIG_BYTES = 2 * 1024 * 1024;

export function configOf(state) {
  const s = {};
  for (const row of PROPS)
    s[row.name] = Array.isArray(state[row.name]) ? state[row.name].slice() : state[row.name];
  const out = { format: CONFIG_FORMAT, version: CONFIG_VERSION, state: s };
  if (s.img === 'upload' || s.img === 'webcam') {
    out.image = `the ${s.img === 'upload' ? 'uploaded image' : 'webcam picture'} is not saved in the file; the cat photo is shown instead`;
  }
  return out;
}

/** The state of a configuration file's text; throws naming the first bad field. */
export function readConfigText(text) {
  if (text.length > MAX_CONFIG_BYTES)
    throw new Error(
      `the file is ${text.length} bytes, more than a configuration (${MAX_CONFIG_BYTES})`,
    );
  let data;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`the file is not JSON (${e.message})`, { cause: e });
  }
  return readConfigObject(data);
}

/** The state of a parsed configuration file; throws naming the first bad field. */
export function readConfigObject(data) {
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new Error('the file is not a convplay configuration: it holds no JSON object');
  if (data.format !== CONFIG_FORMAT)
    throw new Error(`format: ${quote(data.format ?? '(missing)')} is not "${CONFIG_FORMAT}"`);
  if (Number.isInteger(data.version) && data.version > CONFIG_VERSION)
    throw new Error(
      `version: ${quote(data.version)} is newer than this page reads (${CONFIG_VERSION}): the file was written by a later convplay`,
    );
  if (!Number.isInteger(data.version) || data.version < 1)
    throw new Error(
      `version: ${quote(data.version ?? '(missing)')} is not a format version (a whole number from 1 to ${CONFIG_VERSION})`,
    );
  if (!data.state || typeof data.state !== 'object' || Array.isArray(data.state))
    throw new Error('state: missing, or not an object of fields');
  const state = defaults();
  const fields = migrateFields(new Map(Object.entries(data.state)), data.version);
  for (const [key, value] of fields) {
    const row = rowOf(key);
    if (!row) throw new Error(`state.${quote(key).slice(1, -1)}: not a field of convplay`);
    const r = checkValue(row, value, `state.${key}`);
    if (r.note) throw new Error(r.note.replace(/; using .*$/, ''));
    state[key] = r.value;
  }
  return state;
}

function canvasBlob(canvas) {
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error('the map could not be encoded as PNG'))),
      'image/png',
    );
  });
}

/** One PNG with every map in a row (4 px apart), at their drawn size. */
export function mapsPng(canvases, doc = document) {
  if (!canvases.length) return Promise.reject(new Error('no feature maps to export'));
  const gap = 4;
  const w = canvases.reduce((a, c) => a + c.width, 0) + gap * (canvases.length - 1);
  const h = Math.max(...canvases.map((c) => c.height));
  const out = doc.createElement('canvas');
  out.width = w;
  out.height = h;
  const g = out.getContext('2d');
  let x = 0;
  for (const c of canvases) {
    g.drawImage(c, x, 0);
    x += c.width + gap;
  }
  return canvasBlob(out);
}

/** A zip: map-1.png .. map-K.png and the given {name: text} files. */
export async function mapsZip(canvases, files = {}) {
  const entries = {};
  let i = 0;
  for (const c of canvases) {
    i += 1;
    entries[`map-${i}.png`] = [
      new Uint8Array(await (await canvasBlob(c)).arrayBuffer()),
      { level: 0 },
    ];
  }
  const enc = new TextEncoder();
  for (const [name, text] of Object.entries(files)) entries[name] = enc.encode(text);
  return new Blob([zipSync(entries, { level: 6 })], { type: 'application/zip' });
}

export function download(blob, name, doc = document) {
  const url = URL.createObjectURL(blob);
  const a = doc.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  doc.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
