// The iframe mode on a learning platform (dist/index.html?embed=1 in a
// frame of a page of another origin): the Embed dialog's iframe snippet asks
// for camera, clipboard-write and fullscreen, and the frame posts its height
// to the host, whose listener (the README's, word for word) sizes it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from './helpers.mjs';
import { STRICT_CSP, needRelease, serveDist, watchPage } from './release-helpers.mjs';

// the README's listener ("Learning platforms"), with the origin of the test's server
const listener = (origin) => `// sizes every convplay iframe of this page to its content
const CONVPLAY = '${origin}'; // the origin convplay is served from
window.addEventListener('message', (e) => {
  if (e.origin !== CONVPLAY || e.data?.type !== 'convplay:height') return;
  const height = Number(e.data.height);
  if (!Number.isFinite(height) || height < 100 || height > 20000) return;
  for (const frame of document.querySelectorAll('iframe')) {
    if (frame.contentWindow === e.source) frame.height = String(Math.ceil(height));
  }
});
`;

let browser, convplay, host;
before(async () => {
  needRelease('index.html');
  browser = await launchBrowser();
  convplay = await serveDist({ csp: STRICT_CSP });
  const origin = new URL(convplay.url).origin;
  const src = `${convplay.url}index.html?embed=1&panels=layer,formula#f=5`;
  host = await serveDist({
    csp: STRICT_CSP.replace("default-src 'self'", `default-src 'self'; frame-src ${origin}`),
    extra: {
      '/host/listen.js': listener(origin),
      '/host/page.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>a course</title>
<link rel="icon" href="data:,"><script src="/host/listen.js"></script></head><body><h1>A course</h1>
<iframe id="f" src="${src}" title="convplay" width="100%" height="900" frameborder="0"
  allow="camera; clipboard-write; fullscreen" allowfullscreen></iframe><p>After.</p></body></html>`,
    },
  });
});
after(async () => {
  await browser?.close();
  await convplay?.close();
  await host?.close();
});

test('the Embed dialog’s iframe snippet allows camera, clipboard-write and fullscreen', async () => {
  const { page: pg } = await watchPage(browser, `${convplay.url}index.html`);
  await pg.locator('[data-part="embed"]').click();
  const snippet = await pg.locator('[data-part="iframe-snippet"]').inputValue();
  assert.match(snippet, /<iframe [^>]*allow="camera; clipboard-write; fullscreen"/);
  assert.match(snippet, / allowfullscreen /);
  await pg.close();
});

test('a frame of another origin posts its height; the README’s listener sizes the iframe to it', async () => {
  const { page: pg, violations } = await watchPage(browser, `${host.url}host/page.html`);
  const frame = pg.frameLocator('#f');
  // the first result is drawn (into the volume panel's maps, though that panel is hidden)
  await frame
    .locator('[data-part="output-volume"] canvas.fmap')
    .first()
    .waitFor({ state: 'attached', timeout: 60000 });
  // the frame's own height, and the iframe's height attribute once the last message arrived
  await pg.waitForFunction(() => document.getElementById('f').height !== '900', null, {
    timeout: 30000,
  });
  await pg.waitForTimeout(1500); // later panels settle; the last height wins
  const inner = await frame
    .locator('html')
    .evaluate((h) => Math.ceil(h.getBoundingClientRect().height));
  const outer = Number(await pg.evaluate(() => document.getElementById('f').height));
  assert.ok(Math.abs(outer - inner) <= 1, `iframe height ${outer}, its document ${inner}`);
  // the frame shows all of its document: no scroll inside it
  const scroll = await frame.locator('html').evaluate((h) => h.scrollHeight - h.clientHeight);
  assert.ok(scroll <= 1, `the frame still scrolls by ${scroll} px`);
  assert.deepEqual(violations, [], violations.join('\n'));
  await pg.close();
});
