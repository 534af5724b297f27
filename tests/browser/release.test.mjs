// The release (`npm run build` -> dist/) in headless Chromium: the single-file
// page opened from file:// on its own, and the full page served with the strict
// Content-Security-Policy as a header.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser, waitForRuns, waitIdle, shot } from './helpers.mjs';
import { RELEASE, STRICT_CSP, needRelease, serveDist, watchPage } from './release-helpers.mjs';

let browser;
before(async () => {
  needRelease('index.html', 'convplay.html');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Distinct colours (sampled) of each drawn feature map of the page. */
function mapColours(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('#output-volume canvas.fmap')].map((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const seen = new Set();
      for (let i = 0; i < d.length; i += 4 * 7) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return seen.size;
    }),
  );
}

async function assertMapsDrawn(page, count) {
  const colours = await mapColours(page);
  assert.equal(colours.length, count, `${colours.length} feature maps drawn, expected ${count}`);
  for (const n of colours) assert.ok(n > 20, `a feature map has only ${n} colours`);
}

test('the single file, alone in a folder and opened from file://, draws feature maps and requests nothing', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convplay-single-'));
  try {
    fs.copyFileSync(path.join(RELEASE, 'convplay.html'), path.join(dir, 'convplay.html'));
    const url = pathToFileURL(path.join(dir, 'convplay.html')).href;
    const { page, violations, requests, errors } = await watchPage(browser, url);
    await waitForRuns(page, 1, 30000);
    await waitIdle(page);
    await assertMapsDrawn(page, 4);
    assert.equal(await page.locator('#output-volume .dims-out').textContent(), '256 × 170 × 4');
    // another inlined photo, then the panels that load after the first view
    await page.selectOption('#sample', 'coffee');
    await waitForRuns(page, 2, 30000);
    await waitIdle(page);
    await assertMapsDrawn(page, 4);
    await shot(page, 'single-file', { fullPage: false });
    const outside = requests.filter(
      (u) => u !== url && !u.startsWith('data:') && !u.startsWith('blob:'),
    );
    assert.deepEqual(outside, [], `the single file requested ${outside.join(', ')}`);
    assert.deepEqual(violations, [], `CSP violations: ${violations.join('; ')}`);
    assert.deepEqual(errors, [], errors.join('\n'));
    await page.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the full page served with the strict CSP header: no violation, maps drawn, only its own files requested', async () => {
  const server = await serveDist({ csp: STRICT_CSP });
  try {
    const { page, violations, requests, errors } = await watchPage(
      browser,
      `${server.url}index.html`,
    );
    await waitForRuns(page, 1, 30000);
    await waitIdle(page);
    await assertMapsDrawn(page, 4);
    await page.selectOption('#sample', 'astronaut');
    await waitForRuns(page, 2, 30000);
    await waitIdle(page);
    // the panels that load after the first view have mounted and styled themselves
    await page.waitForFunction(
      () => document.querySelectorAll('section.plugin:not([hidden])').length >= 3,
      null,
      { timeout: 15000 },
    );
    const foreign = requests.filter(
      (u) => !u.startsWith(server.url) && !u.startsWith('data:') && !u.startsWith('blob:'),
    );
    assert.deepEqual(foreign, [], `requests outside the site: ${foreign.join(', ')}`);
    assert.deepEqual(violations, [], `CSP violations: ${violations.join('; ')}`);
    assert.deepEqual(errors, [], errors.join('\n'));
    await page.close();
  } finally {
    await server.close();
  }
});
