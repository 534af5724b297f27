// Links that keep their meaning (web/src/common/link-format.js): links recorded
// from an earlier build open to the state they opened to then, links carry
// their format version, and the migrations of a changed default or a renamed
// field keep an older link's meaning.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { defaults, linkOf, parseHash, parseLink, serialize } from '../../web/src/common/state.js';
import {
  LINK_VERSION,
  MIGRATIONS,
  defaultWas,
  linkVersion,
  migrateFields,
  renamed,
} from '../../web/src/common/link-format.js';

const RECORDED = JSON.parse(fs.readFileSync(new URL('./links-recorded.json', import.meta.url)));

/**
 * The state a recorded link should open to today: every recorded field as
 * recorded; a field added since takes its default (what the page did before
 * the field existed).
 */
function expected(recorded, link = null) {
  const out = { ...defaults(), ...recorded };
  for (const f of RECORDED.fixed) if (f.link === link) out[f.field] = f.now;
  return out;
}

test('every link recorded from an earlier build opens to the state it opened to then', () => {
  assert.ok(RECORDED.links.length >= 8);
  for (const f of RECORDED.fixed) {
    const rec = RECORDED.links.find((l) => l.link === f.link);
    assert.equal(rec?.state[f.field], f.was, `a fix names a recorded value: ${f.link} ${f.field}`);
  }
  for (const { what, link, state } of RECORDED.links) {
    assert.deepEqual(parseLink(link), expected(state, link), `${what}: #${link}`);
    assert.deepEqual(parseLink(`#${link}`), expected(state, link), `${what}: with '#'`);
    assert.deepEqual(parseLink(`v=1&${link}`), expected(state, link), `${what}: as v=1`);
  }
});

test("today's links carry the format version and read back to the same state", () => {
  assert.equal(linkOf(defaults()), `v=${LINK_VERSION}`);
  for (const { state } of RECORDED.links) {
    const link = linkOf(expected(state));
    assert.match(link, new RegExp(`^v=${LINK_VERSION}&`));
    assert.deepEqual(parseLink(link), expected(state));
    assert.deepEqual(parseHash(link), expected(state), 'parseHash reads the version too');
  }
  assert.deepEqual(parseLink(''), defaults(), "an empty hash is today's defaults");
});

test('a migration table row per version after the first, in order', () => {
  assert.equal(MIGRATIONS.length, LINK_VERSION - 1);
  MIGRATIONS.forEach((row, i) => {
    assert.equal(row.version, i + 2);
    assert.equal(typeof row.change, 'string');
    assert.equal(typeof row.migrate, 'function');
  });
});

test('a changed default keeps the meaning of older links that left the field out', () => {
  // version 2 of a made-up future: K's default went from 4 to 8, 'sn' was renamed 'snorm'
  const table = [
    { version: 2, change: 'K defaults to 8', migrate: defaultWas('k', 4) },
    { version: 3, change: 'sn is called snorm', migrate: renamed('sn', 'snorm') },
  ];
  const fieldsOf = (text) => new Map(new URLSearchParams(text));
  assert.deepEqual(
    [...migrateFields(fieldsOf('f=5'), 1, table)],
    [
      ['f', '5'],
      ['k', '4'],
    ],
  );
  assert.deepEqual(
    [...migrateFields(fieldsOf('v=1&f=5&k=2'), 1, table)],
    [
      ['f', '5'],
      ['k', '2'],
    ],
  );
  assert.deepEqual(
    [...migrateFields(fieldsOf('f=5&sn=1'), 2, table)],
    [
      ['f', '5'],
      ['snorm', '1'],
    ],
  );
  assert.deepEqual([...migrateFields(fieldsOf('v=3&f=5'), 3, table)], [['f', '5']]);
  // a lecture step that sets the field keeps its own set-up
  assert.deepEqual([...migrateFields(fieldsOf('lstep=alexnet'), 1, table)], [['lstep', 'alexnet']]);
});

test('a bad or newer version is read as today with a note naming the value and the rule', () => {
  assert.deepEqual(linkVersion(undefined), { version: 1 });
  assert.deepEqual(linkVersion('1'), { version: 1 });
  for (const bad of ['0', '-1', 'abc', '1.5', '0x1', '']) {
    const r = linkVersion(bad);
    assert.equal(r.version, LINK_VERSION);
    assert.match(
      r.note,
      new RegExp(
        `^v: ${JSON.stringify(bad).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a link format version`,
      ),
    );
  }
  const newer = linkVersion(String(LINK_VERSION + 1));
  assert.match(newer.note, /is a newer link format than this page reads/);
  // the state of such a link is still read, field by field
  assert.equal(parseLink(`v=${LINK_VERSION + 1}&f=5`).f, 5);
  assert.equal(serialize(parseLink('v=abc&k=2')), 'k=2');
});

test('the configuration file carries the same format version and goes through the same table', async () => {
  const { configOf, readConfigObject, CONFIG_VERSION } =
    await import('../../web/src/common/transfer.js');
  assert.equal(CONFIG_VERSION, LINK_VERSION);
  for (const { what, state } of RECORDED.links) {
    const file = JSON.parse(JSON.stringify(configOf(expected(state))));
    assert.equal(file.version, LINK_VERSION);
    assert.deepEqual(readConfigObject(file), expected(state), what);
  }
  const read = (version) => () =>
    readConfigObject({ format: 'convplay-config', version, state: { f: 5 } });
  assert.equal(read(1)().f, 5);
  assert.throws(read(LINK_VERSION + 1), /^Error: version: "2" is newer than this page reads \(1\)/);
  for (const bad of [0, -1, 1.5, '1', null])
    assert.throws(
      read(bad),
      /^Error: version: .* is not a format version \(a whole number from 1 to 1\)/,
    );
});
