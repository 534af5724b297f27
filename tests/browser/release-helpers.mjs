// Set-up of the tests of the release (dist/, written by `npm run build`):
//
//   import { RELEASE, serveDist, STRICT_CSP, watchPage } from './release-helpers.mjs';
//   const server = await serveDist({ csp: STRICT_CSP });   // dist/ on a free 127.0.0.1 port, every
//                                                          // response with that CSP header
//   const { page, violations, requests, errors } = await watchPage(browser, url);
//   ...
//   await server.close();
//
// RELEASE is dist/ (CONVPLAY_RELEASE=dir overrides it). scripts/test.sh builds
// it before the browser tests; a missing build fails with a message that says so.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers.mjs';

export const RELEASE = process.env.CONVPLAY_RELEASE
  ? path.resolve(process.env.CONVPLAY_RELEASE)
  : path.join(ROOT, 'dist');

/** The policy the issue asks the release to work under, sent as a header. */
export const STRICT_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self' blob: data:; worker-src 'self' blob:";

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

/** Throws a clear error when dist/ lacks a file the tests need. */
export function needRelease(...files) {
  for (const f of files) {
    if (!fs.existsSync(path.join(RELEASE, f))) {
      throw new Error(
        `${path.join(RELEASE, f)} is missing: run "npm run build" first (scripts/test.sh does)`,
      );
    }
  }
}

/**
 * Serves dir (default dist/) on a free port of 127.0.0.1 with a small Node
 * http server: GET only, files inside dir only, the CSP header on every response
 * when csp is given, and `headers` on every response (e.g. CORS); extra =
 * {'/path': body} adds files (a test's own pages and images); host is the name
 * in `url` (127.0.0.1 or localhost: two origins). Resolves {url, close(),
 * requests} (requests: every path asked for).
 */
export function serveDist({
  dir = RELEASE,
  csp = null,
  extra = {},
  headers: always = {},
  host = '127.0.0.1',
} = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    requests.push(url.pathname);
    const headers = {
      ...always,
      'Cache-Control': 'no-store',
      ...(csp ? { 'Content-Security-Policy': csp } : {}),
    };
    let rel;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      rel = '/';
    }
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(dir, path.normalize(rel));
    const isExtra = Object.hasOwn(extra, rel);
    if (
      req.method !== 'GET' ||
      !file.startsWith(dir + path.sep) ||
      (!isExtra && (!fs.existsSync(file) || !fs.statSync(file).isFile()))
    ) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    const body = isExtra ? extra[rel] : fs.readFileSync(file);
    res.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    });
    res.end(body);
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://${host}:${port}/`,
        requests,
        close: () =>
          new Promise((r) => {
            server.closeAllConnections?.();
            server.close(() => r());
          }),
      });
    });
  });
}

/**
 * Opens url in a new page that records, from the very start (an init script,
 * in every frame): securitypolicyviolation events (violations), every request
 * (requests: {url, frame}), console errors, page errors and failed requests
 * (errors). Does not wait for anything after the navigation.
 */
export async function watchPage(browser, url, { viewport = { width: 1400, height: 1000 } } = {}) {
  const page = await browser.newPage({ viewport });
  const violations = [];
  const requests = [];
  const errors = [];
  await page.exposeFunction('__cpViolation', (v) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener(
      'securitypolicyviolation',
      (e) => {
        window.__cpViolation(
          `${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`,
        );
      },
      true,
    );
  });
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (r) =>
    errors.push(`requestfailed: ${r.url().slice(0, 120)} ${r.failure()?.errorText}`),
  );
  await page.goto(url);
  return { page, violations, requests, errors };
}

/** A host page that loads the release's embed.js and holds body (elements of the test). */
export const embedPage = (
  body,
) => `<!doctype html><html><head><meta charset="utf-8"><title>test</title>
<link rel="icon" href="data:,"><script type="module" src="/embed.js"></script></head><body>${body}</body></html>`;

/**
 * Waits until <conv-playground id="id"> holds a worker (not asleep) and has drawn
 * its latest change; resolves its state.
 */
export async function settled(pg, id, timeout = 60000) {
  await pg.waitForFunction(
    (i) => {
      const inst = document.getElementById(i)?.playground;
      return Boolean(inst && inst.result && inst.idle && !inst.asleep);
    },
    id,
    { timeout },
  );
  return pg.evaluate((i) => document.getElementById(i).state, id);
}

/** The texts of element #id's notes (what it says about its attributes and its worker). */
export const notesOf = (pg, id) =>
  pg.evaluate((i) => {
    const n = document.getElementById(i).shadowRoot.querySelector('.cp-embed-notes');
    return n && !n.hidden ? [...n.querySelectorAll('p')].map((p) => p.textContent) : [];
  }, id);

/** Element #id's output size line ("254 × 168 × 4 ..."). */
export const dimsOf = (pg, id) =>
  pg.evaluate(
    (i) =>
      document.getElementById(i).shadowRoot.querySelector('[data-part="output-volume"] .dims-out')
        ?.textContent,
    id,
  );
