// The format version of links and configuration files, and the table of
// migrations that keeps an old link's meaning.
//
// A link holds only the fields that differ from the defaults (state.js
// serialize), so a changed default would change what every old link shows.
// Links therefore carry `v=<version>` (LINK_VERSION) and configuration files
// their `version`; a link without `v` is read as version 1, the format of the
// first release. Reading an older link runs every migration of a newer
// version, oldest first, on its fields (still the raw text of the link), then
// parses it as today's.
//
// A new field needs no new version as long as its default does what the page
// did before the field existed (old links leave it out). When a change would
// alter what an existing link shows (a default, a field's name or meaning, a
// lecture step's set-up), raise LINK_VERSION and add one row to MIGRATIONS:
//   { version: 2, change: 'the network lab trains with batch norm by default',
//     migrate: defaultWas('nnbn', '0') }
// tests/node/links.test.mjs opens links recorded from earlier builds
// (tests/node/links-recorded.json) and fails until the table says what changed.
import { stepPatch } from './lecture-steps.js';

/** The format today's links and configuration files are written in. */
export const LINK_VERSION = 1;

/** The field of a link that holds its format version. */
export const VERSION_KEY = 'v';

/**
 * One row per format version after the first, oldest first: {version, change,
 * migrate(fields)}. migrate turns a link of version - 1 into one of version by
 * changing `fields` (a Map of field name -> raw text) in place.
 */
export const MIGRATIONS = [];

/**
 * A migration for a changed default: a link of the older version that left
 * `field` out meant `value` (unless the link's lecture step sets the field:
 * then the step's set-up stands).
 */
export function defaultWas(field, value) {
  return (fields) => {
    if (fields.has(field)) return;
    const patch = stepPatch(fields.get('lstep'));
    if (patch && field in patch) return;
    fields.set(field, String(value));
  };
}

/** A migration for a renamed field: the older version's `from` is today's `to`. */
export function renamed(from, to) {
  return (fields) => {
    if (!fields.has(from)) return;
    if (!fields.has(to)) fields.set(to, fields.get(from));
    fields.delete(from);
  };
}

/**
 * The version a link's `v` field names: {version, note?}. Missing: 1 (the
 * links of the first release carry none). Not a whole number from 1 to
 * LINK_VERSION: read as LINK_VERSION, with a note naming the value and the rule.
 */
export function linkVersion(raw) {
  if (raw === undefined) return { version: 1 };
  const text = String(raw);
  const n = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (n >= 1 && n <= LINK_VERSION) return { version: n };
  const shown = JSON.stringify(text.slice(0, 40));
  const why =
    n > LINK_VERSION
      ? `is a newer link format than this page reads (${LINK_VERSION}): it was made by a later convplay`
      : `is not a link format version (a whole number from 1 to ${LINK_VERSION})`;
  return {
    version: LINK_VERSION,
    note: `${VERSION_KEY}: ${shown} ${why}; reading it as ${LINK_VERSION}`,
  };
}

/**
 * Brings the fields of a link of `version` to today's format, in place (the
 * version field itself is removed). table: MIGRATIONS (tests pass their own).
 */
export function migrateFields(fields, version, table = MIGRATIONS) {
  fields.delete(VERSION_KEY);
  for (const row of table) if (row.version > version) row.migrate(fields);
  return fields;
}

/** The hash of a link in today's format: `v=<LINK_VERSION>`, then the state's fields. */
export function versionedHash(fieldsText) {
  const text = String(fieldsText ?? '').replace(/^#/, '');
  return `${VERSION_KEY}=${LINK_VERSION}${text ? `&${text}` : ''}`;
}
