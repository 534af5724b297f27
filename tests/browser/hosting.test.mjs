// How a course site hosts the release (dist/), in headless Chromium: embed.js
// served from another origin than the course page, under exactly the
// Content-Security-Policy lines the README gives teachers; and, under its
// same-site lines, a course page's own script that imports mountPlayground
// from dist/embed.js.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, ROOT, shot } from './helpers.mjs';
import { needRelease, serveDist, watchPage } from './release-helpers.mjs';

const EXAMPLE_ORIGIN = 'https://convplay.example.org';

let browser;
before(async () => {
  needRelease('embed.js');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/**
 * The README's policies for embed.js: the code blocks of "For teachers" that
 * hold a script-src, on one line each ({sameOrigin, crossOrigin}; the cross-origin
 * one names the example origin).
 */
function readmePolicies() {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## For teachers'));
  const blocks = [...section.matchAll(/```\n([^`]*?)```/g)]
    .map((m) => m[1].replace(/\s+/g, ' ').trim())
    .filter((b) => b.includes('script-src'));
  const crossOrigin = blocks.find((b) => b.includes(EXAMPLE_ORIGIN));
  const sameOrigin = blocks.find((b) => !b.includes(EXAMPLE_ORIGIN));
  assert.ok(crossOrigin, 'the README gives no CSP lines for embed.js from another origin');
  assert.ok(sameOrigin, 'the README gives no CSP lines for embed.js on the same site');
  return { sameOrigin, crossOrigin };
}

/** Distinct colours (sampled) of each feature map drawn in root (a document or shadow root). */
function mapColours(page, selector) {
  return page.evaluate((sel) => {
    const host = document.querySelector(sel);
    const root = host.shadowRoot ?? host;
    return [...root.querySelectorAll('canvas.fmap')].map((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const seen = new Set();
      for (let i = 0; i < d.length; i += 4 * 7) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return seen.size;
    });
  }, selector);
}

async function assertMapsDrawn(page, selector, count) {
  const colours = await mapColours(page, selector);
  assert.equal(colours.length, count, `${colours.length} feature maps drawn, expected ${count}`);
  for (const n of colours) assert.ok(n > 20, `a feature map has only ${n} colours`);
}

test("embed.js from another origin, under the README's CSP lines: the element draws, no violation", async () => {
  const convplay = await serveDist({ headers: { 'Access-Control-Allow-Origin': '*' } });
  const origin = convplay.url.replace(/\/$/, '');
  const policy = `default-src 'self'; ${readmePolicies().crossOrigin.replaceAll(EXAMPLE_ORIGIN, origin)}`;
  const courseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'convplay-course-'));
  const course = await serveDist({
    dir: courseDir,
    host: 'localhost',
    csp: policy,
    extra: {
      '/lesson.html': `<!doctype html><html><head><meta charset="utf-8"><title>lesson</title>
<link rel="icon" href="data:,"><script type="module" src="${origin}/embed.js"></script></head>
<body><h1>A lesson</h1><conv-playground id="pg" kernel="5" panels="layer,volume"></conv-playground></body></html>`,
    },
  });
  try {
    assert.notEqual(new URL(course.url).origin, origin);
    const { page, violations, errors } = await watchPage(browser, `${course.url}lesson.html`);
    await page.waitForFunction(
      () => {
        const inst = document.getElementById('pg')?.playground;
        return Boolean(inst && inst.result && inst.idle);
      },
      null,
      { timeout: 60000 },
    );
    await assertMapsDrawn(page, '#pg', 4);
    assert.equal(await page.evaluate(() => document.getElementById('pg').state.f), 5);
    await shot(page, 'hosting-cross-origin');
    assert.deepEqual(violations, [], `CSP violations under "${policy}": ${violations.join('; ')}`);
    assert.deepEqual(errors, [], errors.join('\n'));
    await page.close();
  } finally {
    await course.close();
    await convplay.close();
    fs.rmSync(courseDir, { recursive: true, force: true });
  }
});

test("under the README's same-site CSP lines, a course page's own script mounts a playground with dist/embed.js's mountPlayground", async () => {
  const server = await serveDist({
    csp: `default-src 'self'; ${readmePolicies().sameOrigin}`,
    extra: {
      '/test/mount.html': `<!doctype html><html><head><meta charset="utf-8"><title>mount</title>
<link rel="icon" href="data:,"><script type="module" src="/test/mount.js"></script></head>
<body><div id="here"></div></body></html>`,
      '/test/mount.js': `import { mountPlayground } from '/embed.js';
const pg = mountPlayground(document.getElementById('here'), {
  initial: { f: 7, k: 3 }, panels: ['layer', 'volume'], hash: false,
});
window.pg = pg;
pg.ready.then(() => { window.mounted = true; }, (e) => { window.mounted = String(e); });`,
    },
  });
  try {
    const { page, violations, errors } = await watchPage(browser, `${server.url}test/mount.html`);
    await page.waitForFunction(() => window.mounted !== undefined && window.pg?.idle, null, {
      timeout: 60000,
    });
    assert.equal(await page.evaluate(() => window.mounted), true);
    assert.deepEqual(await page.evaluate(() => [window.pg.state.f, window.pg.state.k]), [7, 3]);
    await assertMapsDrawn(page, '#here', 3);
    assert.deepEqual(violations, [], violations.join('; '));
    assert.deepEqual(errors, [], errors.join('\n'));
    await page.close();
  } finally {
    await server.close();
  }
});
