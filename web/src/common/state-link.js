// A state's link: reading a hash into a complete, valid state (every value
// coerced to its row, an older format migrated, a lecture step's base under
// the fields it does not give) and writing one back. Never throws.
import { stepPatch } from './lecture-steps.js';
import { VERSION_KEY, linkVersion, migrateFields, versionedHash } from './link-format.js';
import { PROPS, clone } from './state-table.js';

function clampNum(row, x) {
  if (row.min !== undefined && x < row.min) x = row.min;
  if (row.max !== undefined && x > row.max) x = row.max;
  return x;
}

/**
 * x as a link holds it: 6 decimals (from 1e9 on every digit a double has left,
 * kept exact), never -0. A float row's value is stored so: the state holds
 * nothing its link cannot say, and a fresh load of the link draws the same.
 */
function linkFloat(x) {
  return Math.abs(x) >= 1e9 ? x : Math.round(x * 1e6) / 1e6 + 0;
}

/** A decimal number written in a link or a field ("0x10", "1_000", "Infinity" are not), else NaN. */
function decimal(raw) {
  if (typeof raw === 'number') return raw;
  const text = String(raw).trim();
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN;
}

/** One raw value (string from the hash, or any JS value from code) -> a valid value of the row. */
export function coerce(row, raw) {
  try {
    if (raw === undefined || raw === null) return clone(row.default);
    if (
      (row.type === 'int' || row.type === 'float') &&
      typeof raw !== 'number' &&
      String(raw).trim() === ''
    )
      return row.default;
    switch (row.type) {
      case 'int': {
        const x = decimal(raw);
        if (!Number.isFinite(x)) return row.default;
        return clampNum(row, Math.round(x));
      }
      case 'float': {
        const x = decimal(raw);
        if (!Number.isFinite(x)) return row.default;
        return linkFloat(clampNum(row, x));
      }
      case 'bool':
        if (typeof raw === 'boolean') return raw;
        if (raw === 1 || raw === '1' || raw === 'true') return true;
        if (raw === 0 || raw === '0' || raw === 'false') return false;
        return row.default;
      case 'enum': {
        const v = String(raw);
        return row.options.includes(v) ? v : row.default;
      }
      case 'list': {
        const items = Array.isArray(raw) ? raw.map(String) : String(raw).split(',');
        const ok = items.filter((v) => row.options.includes(v)).slice(0, row.maxLength ?? 64);
        return ok.length ? ok : clone(row.default);
      }
      case 'floats': {
        if (raw === '') return [];
        const items =
          Array.isArray(raw) || ArrayBuffer.isView(raw) ? Array.from(raw) : String(raw).split(',');
        if (items.length > (row.maxLength ?? 1024)) return clone(row.default);
        const out = [];
        for (const it of items) {
          const x = decimal(it);
          out.push(Number.isFinite(x) ? linkFloat(clampNum(row, x)) : 0);
        }
        return out;
      }
      case 'string': {
        const v = String(raw).slice(0, row.maxLength ?? 64);
        return /^[A-Za-z0-9_.-]*$/.test(v) ? v : row.default;
      }
      case 'names':
        return coerceNames(row, raw);
      default:
        return clone(row.default);
    }
  } catch {
    return clone(row.default);
  }
}

// A name in a link: its own ',' and '%' escaped, so that ',' separates the names.
const escapeName = (n) => n.replace(/[%,]/g, (c) => (c === '%' ? '%25' : '%2C'));
const unescapeName = (n) => n.replace(/%(25|2C)/gi, (m, c) => (c === '25' ? '%' : ','));

/** Names (an array, or a link's comma-separated text): control characters dropped, each cut to itemLength. */
function coerceNames(row, raw) {
  const items = Array.isArray(raw) ? raw.map(String) : String(raw).split(',').map(unescapeName);
  if (items.length < 1 || items.length > (row.maxLength ?? 64)) return clone(row.default);
  // eslint-disable-next-line no-control-regex
  return items.map((n) => n.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, row.itemLength ?? 64));
}

/**
 * The key=value pairs of a hash, in order, decoded ('+' is a space); a pair
 * that cannot be decoded is [its first 40 characters, null]. A hash longer
 * than 100,000 characters has none. Never throws.
 */
export function hashPairs(hash) {
  const out = [];
  const text = String(hash ?? '').replace(/^#/, '');
  if (text.length > 100000) return out;
  for (const part of text.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    try {
      out.push([
        decodeURIComponent(eq < 0 ? part : part.slice(0, eq)),
        decodeURIComponent((eq < 0 ? '' : part.slice(eq + 1)).replace(/\+/g, ' ')),
      ]);
    } catch {
      out.push([part.slice(0, 40), null]);
    }
  }
  return out;
}

/** The fields of a hash that could be decoded (the last of a repeated key wins). */
function readHash(hash) {
  return new Map(hashPairs(hash).filter(([, raw]) => raw !== null));
}

// The base under the hash: the values that fields absent from the hash take
// instead of their defaults. A lecture step sets up the playground, so
// `#lstep=sobel` alone is that step (lecture-steps.js); serialize() writes only
// what differs from the same base, so the two stay inverses.
function base(s) {
  let patch = {};
  try {
    patch = stepPatch(s.lstep) || {};
  } catch {
    /* a broken base is no base */
  }
  const b = {};
  for (const row of PROPS)
    b[row.name] = row.name in patch ? coerce(row, patch[row.name]) : clone(row.default);
  return b;
}

/**
 * A hash in today's format (or one with a `v` field: migrated from that
 * version) -> a complete, valid state object. Never throws.
 */
export function parseHash(hash) {
  const given = readHash(hash);
  if (given.has(VERSION_KEY)) migrateFields(given, linkVersion(given.get(VERSION_KEY)).version);
  return stateOf(given);
}

/**
 * A link's hash (the page's URL) -> a complete, valid state object, as it was
 * when the link was made: a link without `v` is version 1 (link-format.js). An
 * empty hash is today's defaults. Never throws.
 */
export function parseLink(hash) {
  const given = readHash(hash);
  if (given.size) migrateFields(given, linkVersion(given.get(VERSION_KEY)).version);
  return stateOf(given);
}

/** The fields of a hash (today's format) -> a complete, valid state object. */
function stateOf(given) {
  const s = {};
  for (const row of PROPS) {
    s[row.name] = given.has(row.name) ? coerce(row, given.get(row.name)) : clone(row.default);
  }
  const b = base(s);
  for (const row of PROPS) if (!given.has(row.name)) s[row.name] = b[row.name];
  return s;
}

function fmtFloat(x) {
  return String(linkFloat(x));
}

function serializeValue(row, v) {
  switch (row.type) {
    case 'bool':
      return v ? '1' : '0';
    case 'list':
      return v.join(',');
    case 'names':
      return v.map(escapeName).join(',');
    case 'floats':
      return v.map(fmtFloat).join(',');
    case 'float':
      return fmtFloat(v);
    default:
      return String(v);
  }
}

export function same(a, b) {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/** State -> the link of it (without '#'): `v=<format version>&` and serialize(s). */
export function linkOf(s) {
  return versionedHash(serialize(s));
}

/** State -> URL hash (without '#'): only the values that differ from the base (the defaults, or a lecture step's set-up). */
export function serialize(s) {
  const parts = [];
  const b = base(s);
  for (const row of PROPS) {
    const v = s[row.name];
    if (v === undefined || same(v, b[row.name])) continue;
    parts.push(
      `${encodeURIComponent(row.name)}=${encodeURIComponent(serializeValue(row, v)).replace(/%2C/g, ',')}`,
    );
  }
  return parts.join('&');
}

/**
 * True for a hash that names a place on the page ("#layer-panel": no key=value
 * pair) rather than a state. Such a hash (a followed in-page link) never
 * replaces the state: every state hash has an '=' (the defaults are '').
 */
export function isAnchorHash(hash) {
  const text = String(hash ?? '').replace(/^#/, '');
  return text !== '' && !text.includes('=');
}
