// Values from strangers (a custom element's attributes, a link's query or
// hash, an imported file), checked against a row of the state table
// (common/state.js PROPS: {name, type, min, max, options, maxLength}).
//
//   const { value, note } = checkValue(row, raw, label);
//
// value is always valid for the row; note (and why) are null when raw was
// taken as given, else why says what is wrong ('is below 1') and note is a sentence that names the field, the value given (clipped,
// never echoed whole) and the value used: 'stride: "-1" is below 1; using 1'.
// Stricter than the hash parser on purpose: only plain decimal numbers
// ("0x10", "1e309", "NaN", "" are refused, not read), every list item known,
// nothing longer than MAX_RAW characters. Notes are plain text: callers put
// them in textContent, never in markup.

export const MAX_RAW = 4096;

const INT_RE = /^[+-]?\d{1,15}$/;
const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$/;

/** raw as a short quoted string for a message (at most 40 characters of it). */
export function quote(raw) {
  const s = String(raw);
  const short = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return JSON.stringify(short) + (s.length > 40 ? ` (${s.length} characters)` : '');
}

/** A value of row as a reader would write it ('on', '1,2', '(none)'). */
export function shown(row, v) {
  if (row.type === 'names') return v.map((n) => JSON.stringify(n)).join(', ');
  if (Array.isArray(v)) return v.length ? v.join(',') : '(none)';
  if (row.type === 'bool') return v ? 'on' : 'off';
  if (v === '') return '(none)';
  return String(v);
}

function clone(v) {
  return Array.isArray(v) ? v.slice() : v;
}

function range(row) {
  if (row.min !== undefined && row.max !== undefined) return `from ${row.min} to ${row.max}`;
  if (row.min !== undefined) return `of at least ${row.min}`;
  if (row.max !== undefined) return `of at most ${row.max}`;
  return '';
}

function num(row, text, re, what) {
  const t = text.trim();
  if (!re.test(t)) return { bad: `is not ${what}${range(row) ? ` ${range(row)}` : ''}` };
  const x = Number(t);
  if (!Number.isFinite(x)) return { bad: `is not a finite number ${range(row)}`.trim() };
  if (row.min !== undefined && x < row.min) return { clamped: row.min, bad: `is below ${row.min}` };
  if (row.max !== undefined && x > row.max) return { clamped: row.max, bad: `is above ${row.max}` };
  return { value: x };
}

/**
 * Checks one raw value (a string, or a JSON value from an imported file) for
 * row; label is the name the stranger used (an attribute name, a JSON key).
 */
export function checkValue(row, raw, label = row.name) {
  const fallback = clone(row.default);
  const refuse = (why, used = fallback) => ({
    value: clone(used),
    why,
    note: `${label}: ${quote(raw)} ${why}; using ${shown(row, used)}`,
  });
  if (raw === undefined || raw === null) return { value: fallback, note: null };
  if (typeof raw === 'object' && !Array.isArray(raw)) return refuse('is not a value');
  const arrayGiven = Array.isArray(raw);
  const text = arrayGiven ? raw.map(String).join(',') : String(raw);
  if (text.length > MAX_RAW) return refuse(`is too long (at most ${MAX_RAW} characters)`);
  switch (row.type) {
    case 'int': {
      if (typeof raw === 'number' && !Number.isInteger(raw)) return refuse('is not a whole number');
      const r = num(row, String(raw), INT_RE, 'a whole number');
      if (r.value !== undefined) return { value: r.value, note: null };
      return refuse(r.bad, r.clamped ?? fallback);
    }
    case 'float': {
      const r = num(row, String(raw), FLOAT_RE, 'a number');
      if (r.value !== undefined) return { value: r.value, note: null };
      return refuse(r.bad, r.clamped ?? fallback);
    }
    case 'bool': {
      if (raw === true || raw === false) return { value: raw, note: null };
      const t = String(raw).trim().toLowerCase();
      if (t === '' || t === 'true' || t === '1' || t === 'on' || t === 'yes')
        return { value: true, note: null };
      if (t === 'false' || t === '0' || t === 'off' || t === 'no')
        return { value: false, note: null };
      return refuse('is not on/off (true, false, 1 or 0)');
    }
    case 'enum': {
      if (row.options.includes(text)) return { value: text, note: null };
      return refuse(`is not one of ${row.options.join(', ')}`);
    }
    case 'list': {
      const items = arrayGiven ? raw.map(String) : text.split(',').map((x) => x.trim());
      const max = row.maxLength ?? 64;
      if (items.length > max) return refuse(`has more than ${max} items`);
      const bad = items.find((x) => !row.options.includes(x));
      if (bad !== undefined)
        return refuse(`has ${quote(bad)}, which is not one of ${row.options.join(', ')}`);
      return { value: items, note: null };
    }
    case 'floats': {
      if (text.trim() === '') return { value: [], note: null };
      const items = arrayGiven ? raw : text.split(',');
      const max = row.maxLength ?? 1024;
      if (items.length > max) return refuse(`has more than ${max} numbers`);
      const out = [];
      for (const it of items) {
        if (typeof it === 'number' && !Number.isFinite(it))
          return refuse(`has ${it}, which is not a finite number`);
        const r = num(row, String(it), FLOAT_RE, 'a number');
        if (r.value === undefined) return refuse(`has ${quote(it)}, which ${r.bad}`);
        out.push(r.value);
      }
      return { value: out, note: null };
    }
    case 'string': {
      const max = row.maxLength ?? 64;
      if (text.length > max) return refuse(`is longer than ${max} characters`);
      if (!/^[A-Za-z0-9_.-]*$/.test(text))
        return refuse('may hold only letters, digits, _ . and -');
      return { value: text, note: null };
    }
    case 'names': {
      const unescape = (n) => n.replace(/%(25|2C)/gi, (m, c) => (c === '25' ? '%' : ','));
      const items = arrayGiven ? raw.map(String) : text.split(',').map(unescape);
      const max = row.maxLength ?? 64;
      if (items.length > max) return refuse(`has more than ${max} names`);
      const long = items.find((x) => x.length > (row.itemLength ?? 64));
      if (long !== undefined)
        return refuse(`has ${quote(long)}, longer than ${row.itemLength ?? 64} characters`);
      // eslint-disable-next-line no-control-regex
      if (items.some((x) => /[\u0000-\u001f\u007f]/.test(x)))
        return refuse('has a control character in a name');
      return { value: items, note: null };
    }
    default:
      return refuse('has a type this page does not know');
  }
}

/** True when two values of a row are equal (lists element by element). */
export function sameValue(a, b) {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
