// Links that keep their meaning, on the release's full page (dist/index.html,
// strict CSP): every link recorded from an earlier build (tests/node/
// links-recorded.json) opens to the state it opened to then, with no notice;
// the page's own links carry the format version; a link of an unknown version
// says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, ROOT, settledHash } from './helpers.mjs';
import { STRICT_CSP, needRelease, serveDist, watchPage } from './release-helpers.mjs';

const RECORDED = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'tests/node/links-recorded.json'), 'utf8'),
);

let browser, server;
before(async () => {
  needRelease('index.html');
  browser = await launchBrowser();
  server = await serveDist({ csp: STRICT_CSP });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function settled(pg) {
  await pg.waitForFunction(() => window.convplay?.result && window.convplay.idle, null, {
    timeout: 60000,
  });
  return pg.evaluate(() => JSON.parse(JSON.stringify(window.convplay.state)));
}

const notesOf = (pg) =>
  pg.evaluate(() =>
    [...document.querySelectorAll('[data-part="link-notes"] p')].map((p) => p.textContent),
  );

test('every recorded link opens in the page as it did when it was made, with no notice', async () => {
  const pg = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  for (const { what, link, state } of RECORDED.links) {
    await pg.goto(`${server.url}index.html#${link}`);
    // every recorded field as recorded (a field added since takes its default: node/links.test.mjs)
    const now = await settled(pg);
    const recorded = Object.fromEntries(Object.keys(state).map((k) => [k, now[k]]));
    const want = { ...state };
    for (const f of RECORDED.fixed) if (f.link === link) want[f.field] = f.now;
    assert.deepEqual(recorded, want, `${what}: #${link}`);
    assert.deepEqual(await notesOf(pg), [], what);
  }
  await pg.close();
});

test("the page's URL and its Copy link carry the format version; a fresh load reads them back", async () => {
  const { page: pg, errors } = await watchPage(browser, `${server.url}index.html`);
  await settled(pg);
  await pg.evaluate(() => window.convplay.update({ f: 5, k: 2 }));
  const state = await settled(pg);
  const hash = await settledHash(pg);
  assert.match(hash, /^#v=1&/);
  await pg.click('[data-part="copy-link"]');
  const link = await pg.inputValue('[data-part="link-field"]');
  assert.match(link, /#v=1&/);
  const fresh = await watchPage(browser, link);
  assert.deepEqual(await settled(fresh.page), state);
  assert.deepEqual(await notesOf(fresh.page), []);
  assert.deepEqual([...errors, ...fresh.errors], []);
  await fresh.page.close();
  await pg.close();
});

test('a link of a later or unknown format version is read field by field, with a notice naming the value', async () => {
  const { page: pg, errors } = await watchPage(browser, `${server.url}index.html#v=7&f=5`);
  const s = await settled(pg);
  assert.equal(s.f, 5);
  const notes = await notesOf(pg);
  assert.equal(notes.length, 1, notes.join('\n'));
  assert.match(notes[0], /^v: "7" is a newer link format than this page reads \(1\)/);
  assert.deepEqual(errors, []);
  await pg.close();
});
