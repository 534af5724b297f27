// "Open as a notebook" for real: in headless Chromium, the release (dist/,
// served with the strict Content-Security-Policy) exports each kind of
// notebook from the page's buttons (a true-convolution, reflect-padded,
// strided, dilated layer given by the link; its gradients with batch norm;
// the batch-norm lab; the network lab after a short training of a network
// with batch norm), the element exports its layer and notebook="off" takes
// the buttons away, and the single file exports too. Every downloaded
// notebook is then executed headless (tests/notebooks/run.py: nbclient and
// PyTorch, in one Python process) and must pass its check cell; a copy of
// one with a single number changed must fail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, launchBrowser, waitForRuns, waitIdle, waitUntil, waitLabStep } from './helpers.mjs';
import {
  RELEASE,
  STRICT_CSP,
  needRelease,
  serveDist,
  watchPage,
  embedPage,
} from './release-helpers.mjs';

const RUN = path.join(ROOT, 'tests/notebooks/run.py');
const OUT = fs.mkdtempSync(path.join(os.tmpdir(), 'convplay-nbexport-'));
// the layer of the issue: true convolution, reflect padding, stride 2, dilation 2
// (a small working image keeps the notebooks small); target loss with batch norm
// over a batch of two images
const LAYER_HASH =
  'size=40&f=3&p=2&pad=reflect&s=2&dil=2&mode=conv&k=3&gon=1&gl=target&gbn=1&batch=2';
const saved = {}; // name -> file of every notebook downloaded

let browser, server;
before(async () => {
  needRelease('index.html', 'embed.js', 'convplay.html');
  browser = await launchBrowser();
  server = await serveDist({
    csp: STRICT_CSP,
    extra: {
      '/test/nb.html': embedPage(`
<conv-playground id="on" kernel="5" padding="2" padding-mode="circular" stride="2" size="32" panels="layer,volume,code"></conv-playground>
<conv-playground id="off" notebook="off" size="32" panels="layer,code,gradients,bnlab"></conv-playground>
<conv-playground id="odd" notebook="maybe" size="32" panels="layer,code"></conv-playground>`),
    },
  });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Clicks the button (a locator) and saves the file it downloads as OUT/name; resolves the file. */
async function download(page, button, name) {
  await button.scrollIntoViewIfNeeded();
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 60000 }),
    button.click(),
  ]);
  assert.match(file.suggestedFilename(), /^convplay-[a-z0-9.-]+\.ipynb$/);
  const to = path.join(OUT, name);
  await file.saveAs(to);
  const nb = JSON.parse(fs.readFileSync(to, 'utf8'));
  assert.equal(nb.nbformat, 4);
  saved[name] = to;
  return { to, suggested: file.suggestedFilename() };
}

/** Waits until section #id of the full page has data-state value. */
const waitState = (page, id, value, timeout = 30000) =>
  waitUntil(
    page,
    `#${id} to be ${value}`,
    ([i, v]) => document.getElementById(i)?.dataset.state === v,
    [id, value],
    timeout,
  );

test('the full page exports the layer, its gradients, the batch-norm lab and the trained network', async () => {
  const { page, violations, errors } = await watchPage(browser, `${server.url}#${LAYER_HASH}`);
  await waitForRuns(page, 1, 60000);
  await waitIdle(page);
  const layer = page.getByRole('button', { name: 'Open the layer as a notebook' });
  const { suggested } = await download(page, layer, 'layer.ipynb');
  assert.equal(suggested, 'convplay-layer-f3-p2-reflect-s2-d2-conv.ipynb');
  assert.match(await page.locator('.cp-notebook[data-notebook="layer"]').textContent(), /Saved/);

  await waitState(page, 'gradients', 'ok');
  const grads = page.getByRole('button', { name: 'Open these gradients as a notebook' });
  assert.equal(
    (await download(page, grads, 'gradients.ipynb')).suggested,
    'convplay-gradients-target-batchnorm.ipynb',
  );

  await waitState(page, 'bnlab', 'ok');
  await download(
    page,
    page.getByRole('button', { name: 'Open this graph as a notebook' }),
    'bnlab.ipynb',
  );

  // a network with batch norm (the lab's default), trained a little
  await page.locator('#nnlab').scrollIntoViewIfNeeded();
  const net = page.getByRole('button', { name: 'Open the trained network as a notebook' });
  await net.click();
  await waitUntil(page, 'the lab to say there is no trained network yet', () =>
    /no trained network yet/.test(
      document.querySelector('.cp-notebook[data-notebook="nnlab"]').textContent,
    ),
  );
  assert.equal(await page.evaluate(() => window.convplay.state.nnbn), true);
  await page.click('#nnlab [data-part="nn-train"]');
  await waitLabStep(page, 40, 120000);
  await page.click('#nnlab [data-part="nn-pause"]');
  await waitUntil(
    page,
    'the lab to pause',
    () => document.getElementById('nnlab').dataset.state !== 'training',
    null,
    30000,
  );
  const step = Number(await page.evaluate(() => document.getElementById('nnlab').dataset.step));
  assert.equal(
    (await download(page, net, 'network.ipynb')).suggested,
    `convplay-network-step${step}.ipynb`,
  );
  const text = fs.readFileSync(saved['network.ipynb'], 'utf8');
  assert.match(text, /nn\.BatchNorm2d/);
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(errors, [], errors.join('\n'));
  await page.close();
});

/** The element #id's shadow root locator. */
const inside = (page, id, selector) => page.locator(`#${id}`).locator(selector);

test('the element offers the buttons; notebook="off" takes them away (and the iframe mode\'s); a wrong value is named', async () => {
  const { page, violations, errors } = await watchPage(browser, `${server.url}test/nb.html`);
  /** Scrolls to element id and waits for its panels below the layer (they mount after the first view). */
  const shown = async (id, last) => {
    await page.locator(`#${id}`).scrollIntoViewIfNeeded();
    await inside(page, id, last).waitFor({ state: 'attached', timeout: 60000 });
  };
  await shown('on', '.cp-codepanel');
  await download(page, inside(page, 'on', '[data-part="notebook-layer"]'), 'element-layer.ipynb');
  // notebook="off": the code panel, the gradients and the lab are there, not their buttons
  await shown('off', '.bnlab');
  assert.equal(await inside(page, 'off', '.cp-codepanel').count(), 1);
  assert.equal(await inside(page, 'off', '.cp-notebook').count(), 0);
  assert.equal(await inside(page, 'off', 'button:has-text("as a notebook")').count(), 0);
  assert.equal(await page.evaluate(() => document.getElementById('off').notebook), 'off');
  await shown('odd', '.cp-codepanel');
  assert.equal(await inside(page, 'odd', '.cp-notebook').count(), 1);
  const notes = await inside(page, 'odd', '.cp-embed-notes').textContent();
  assert.match(notes, /notebook: "maybe" is not one of on, off; using on/);
  // the attribute changed later: the buttons go
  await page.evaluate(() => document.getElementById('odd').setAttribute('notebook', 'off'));
  await page.waitForFunction(
    () => !document.getElementById('odd').shadowRoot.querySelector('.cp-notebook'),
    null,
    { timeout: 30000 },
  );
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(errors, [], errors.join('\n'));
  await page.close();
  // the iframe mode's notebook=off
  const frame = await watchPage(
    browser,
    `${server.url}index.html?embed=1&panels=layer,code&notebook=off#size=32`,
  );
  await frame.page.locator('.cp-codepanel').waitFor({ state: 'attached', timeout: 60000 });
  assert.equal(await frame.page.locator('.cp-notebook').count(), 0);
  assert.deepEqual(frame.errors, [], frame.errors.join('\n'));
  await frame.page.close();
});

test('the single file opened from file:// exports the layer', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convplay-nbsingle-'));
  try {
    fs.copyFileSync(path.join(RELEASE, 'convplay.html'), path.join(dir, 'convplay.html'));
    const url = `${pathToFileURL(path.join(dir, 'convplay.html')).href}#size=32&p=1&pad=replicate&k=2`;
    const { page, violations, errors } = await watchPage(browser, url);
    await waitForRuns(page, 1, 60000);
    await waitIdle(page);
    await download(
      page,
      page.getByRole('button', { name: 'Open the layer as a notebook' }),
      'single-layer.ipynb',
    );
    assert.deepEqual(violations, [], violations.join('\n'));
    assert.deepEqual(errors, [], errors.join('\n'));
    await page.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** The notebook at file with one float32 of the tensor assigned to `name` changed by `delta`. */
function tampered(file, name, delta) {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
  const re = new RegExp(`^${name} = tensor\\('([A-Za-z0-9+/=]+)'`);
  for (const cell of nb.cells) {
    const lines = Array.isArray(cell.source) ? cell.source : [cell.source];
    const i = lines.findIndex((l) => re.test(l));
    if (i < 0) continue;
    const b64 = re.exec(lines[i])[1];
    const f = new Float32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);
    f[Math.floor(f.length / 2)] += delta;
    lines[i] = lines[i].replace(b64, Buffer.from(f.buffer).toString('base64'));
    cell.source = lines;
    return JSON.stringify(nb);
  }
  throw new Error(`${file} has no line "${name} = tensor(...)"`);
}

test(
  'every exported notebook runs headless and passes its checks; one number changed fails',
  { timeout: 20 * 60000 },
  async () => {
    const names = Object.keys(saved);
    assert.deepEqual(names.sort(), [
      'bnlab.ipynb',
      'element-layer.ipynb',
      'gradients.ipynb',
      'layer.ipynb',
      'network.ipynb',
      'single-layer.ipynb',
    ]);
    const wrong = path.join(OUT, 'wrong-layer.ipynb');
    fs.writeFileSync(wrong, tampered(saved['layer.ipynb'], 'y_page', 0.01));
    const files = [...names.map((n) => saved[n]), wrong];
    const { ok, out } = await new Promise((resolve) =>
      execFile(
        '/usr/bin/python3',
        [RUN, path.join(OUT, 'executed'), ...files],
        { timeout: 18 * 60000, maxBuffer: 1 << 24 },
        (err, stdout, stderr) => resolve({ ok: !err, out: `${stdout}\n${stderr}` }),
      ),
    );
    assert.equal(ok, false, `the changed notebook should have failed:\n${out}`);
    for (const n of names)
      assert.match(out, new RegExp(`^${n.replace('.', '\\.')}: CHECK PASSED`, 'm'), out);
    assert.match(out, /^wrong-layer\.ipynb: FAILED/m, out);
    assert.match(out, /NumPy and the page differ/, out);
  },
);
