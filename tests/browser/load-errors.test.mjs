// When the playground cannot load on a teacher's page, it says what the page
// or its server must allow (the release's dist/embed.js): a policy without
// 'wasm-unsafe-eval', a policy that blocks the worker, and embed.js from
// another site whose server sends no CORS headers for its files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './helpers.mjs';
import { RELEASE, needRelease, serveDist, watchPage } from './release-helpers.mjs';

let browser;
before(async () => {
  needRelease('embed.js');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const element = '<conv-playground id="pg" panels="layer,volume"></conv-playground>';
const page = (src) => `<!doctype html><html><head><meta charset="utf-8"><title>test</title>
<link rel="icon" href="data:,"><script type="module" src="${src}"></script></head><body>${element}</body></html>`;

/** The element's fatal message, once it shows one. */
async function fatalOf(pg) {
  await pg.waitForFunction(
    () => {
      const f = document.getElementById('pg')?.shadowRoot?.querySelector('[data-part="fatal"]');
      return f && !f.hidden && f.textContent;
    },
    null,
    { timeout: 30000 },
  );
  return pg.evaluate(
    () => document.getElementById('pg').shadowRoot.querySelector('[data-part="fatal"]').textContent,
  );
}

async function fatalUnder(csp) {
  const server = await serveDist({ csp, extra: { '/test/pg.html': page('/embed.js') } });
  try {
    const { page: pg } = await watchPage(browser, `${server.url}test/pg.html`);
    const text = await fatalOf(pg);
    await pg.close();
    return text;
  } finally {
    await server.close();
  }
}

test("a policy without 'wasm-unsafe-eval': the message names script-src and what it must allow", async () => {
  const text = await fatalUnder(
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; worker-src 'self' blob:",
  );
  assert.match(text, /Content-Security-Policy/);
  assert.match(text, /script-src directive must allow 'wasm-unsafe-eval'/);
  assert.match(text, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(text, /build\.sh/);
});

test('a policy that blocks the worker: the message names worker-src', async () => {
  const text = await fatalUnder(
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; worker-src 'none'",
  );
  assert.match(text, /Content-Security-Policy blocked its worker/);
  assert.match(
    text,
    /worker-src directive must allow 'self', for example: worker-src 'self' blob:/,
  );
  assert.doesNotMatch(text, /build\.sh/);
});

test('embed.js from another site without CORS headers for its files: the message says so', async () => {
  // the site that hosts convplay: CORS for embed.js only (or the element would not even load)
  const files = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.join(RELEASE, path.normalize(rel));
    if (!file.startsWith(RELEASE + path.sep) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const type = file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream';
    const cors = rel === '/embed.js' ? { 'Access-Control-Allow-Origin': '*' } : {};
    res.writeHead(200, { 'Content-Type': type, ...cors }).end(fs.readFileSync(file));
  });
  await new Promise((r) => files.listen(0, '127.0.0.1', r));
  const other = `http://localhost:${files.address().port}`;
  const course = await serveDist({ extra: { '/test/pg.html': page(`${other}/embed.js`) } });
  try {
    const { page: pg } = await watchPage(browser, `${course.url}test/pg.html`);
    const text = await fatalOf(pg);
    assert.match(text, new RegExp(`its files come from ${other}, another site than this page`));
    assert.match(text, /must send CORS headers \(Access-Control-Allow-Origin/);
    assert.doesNotMatch(text, /build\.sh/);
    await pg.close();
  } finally {
    await course.close();
    files.closeAllConnections?.();
    await new Promise((r) => files.close(r));
  }
});
