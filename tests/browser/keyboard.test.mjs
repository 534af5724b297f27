// The page with a keyboard and a screen reader, on the release (dist/):
//  - Tab alone, from the top of the page, reaches every control that is shown
//    and enabled (links, buttons, inputs, selects, focusable maps and regions;
//    one stop per radio group);
//  - each kind can be operated from the keyboard: every slider with the arrow
//    keys, every select with the arrow keys, every check box with Space, a radio
//    group with the arrows, buttons with Enter and Space, a feature map with the
//    arrows and Enter (it pins the pixel);
//  - a polite live region says what changed: the new output size, and the
//    impossible layer's message (the same words as on screen), in the full page
//    and in a <conv-playground> that shows no formula panel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, waitForRuns, waitIdle, waitUntil, outputDims } from './helpers.mjs';
import { serveDist, needRelease } from './release-helpers.mjs';

let server, browser;
before(async () => {
  needRelease('index.html', 'embed.js');
  server = await serveDist({
    extra: {
      '/test/no-formula.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>
<script type="module" src="/embed.js"></script></head><body><main>
<conv-playground id="pg" panels="layer,volume" sample="checker" size="32"></conv-playground></main></body></html>`,
    },
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function openFull() {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(server.url);
  await waitForRuns(page, 1, 30000);
  await waitUntil(page, 'the network lab to mount', () => document.getElementById('nnlab'));
  await waitIdle(page);
  return page;
}

/**
 * Marks every control a keyboard user should reach (shown, enabled, in the tab
 * order; the first radio of each group stands for the group) with data-kb and
 * returns their descriptions, in document order.
 */
function markControls(page) {
  return page.evaluate(() => {
    const sel = 'a[href], button, input, select, textarea, [tabindex]';
    const radios = new Set();
    const out = [];
    for (const e of document.querySelectorAll(sel)) {
      if (e.tabIndex < 0 || e.disabled || e.closest('[inert]')) continue;
      if (!e.checkVisibility({ visibilityProperty: true })) continue;
      // the inside of a closed <details> is not shown (its summary is)
      const closed = e.closest('details:not([open])');
      if (closed && !closed.querySelector(':scope > summary').contains(e)) continue;
      if (e.type === 'radio') {
        if (radios.has(e.name)) continue;
        radios.add(e.name);
      }
      e.dataset.kb = String(out.length);
      const label = e.labels?.[0]?.textContent || e.getAttribute('aria-label') || e.textContent;
      out.push(
        `${e.tagName.toLowerCase()}${e.type ? `[${e.type}]` : ''}#${e.id} "${(label || '').trim().slice(0, 40)}"`,
      );
    }
    return out;
  });
}

/** The data-kb of the focused control (a radio stands for its group's first radio). */
function focusedMark(page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    if (a?.type === 'radio') a = document.querySelector(`input[name="${a.name}"][data-kb]`);
    return a?.dataset?.kb ?? null;
  });
}

test('Tab alone reaches every control of the full page', async () => {
  const page = await openFull();
  const controls = await markControls(page);
  assert.ok(controls.length > 60, `only ${controls.length} controls found`);
  await page.evaluate(() => document.activeElement?.blur());
  // round the page once: until the focus comes back to the first control it reached
  const reached = new Set();
  let first = null;
  for (let i = 0; i < 3 * controls.length; i++) {
    await page.keyboard.press('Tab');
    const k = await focusedMark(page);
    if (k === null) continue;
    if (k === first) break;
    first ??= k;
    reached.add(Number(k));
  }
  const missed = controls.filter((_, i) => !reached.has(i));
  assert.deepEqual(missed, [], `Tab never reached:\n${missed.join('\n')}`);
  await page.close();
});

/** Focuses the control with data-kb k; false when it is no longer shown or enabled. */
function focusMark(page, k) {
  return page.evaluate((i) => {
    const e = document.querySelector(`[data-kb="${i}"]`);
    if (!e || e.disabled || !e.getClientRects().length) return false;
    e.focus();
    return document.activeElement === e;
  }, k);
}

/** The value of the focused control (checked state for check boxes and radios). */
function focusedValue(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (e.type === 'checkbox') return String(e.checked);
    if (e.type === 'radio') return document.querySelector(`input[name="${e.name}"]:checked`)?.id;
    return e.value;
  });
}

/** Presses key (then back, if the first changed nothing: a slider at its end). */
async function operate(page, k, key, back) {
  if (!(await focusMark(page, k))) return null;
  const before = await focusedValue(page);
  await page.keyboard.press(key);
  let now = await focusedValue(page);
  if (now === before && back) {
    await page.keyboard.press(back);
    now = await focusedValue(page);
  }
  return { before, now };
}

test('every slider, select, check box and radio group of the full page works from the keyboard', async () => {
  const page = await openFull();
  const controls = await markControls(page);
  const kinds = await page.evaluate(() =>
    [...document.querySelectorAll('[data-kb]')].map((e) => [Number(e.dataset.kb), e.type]),
  );
  const keys = {
    range: ['ArrowRight', 'ArrowLeft'],
    'select-one': ['ArrowDown', 'ArrowUp'],
    checkbox: [' ', null],
    radio: ['ArrowRight', 'ArrowLeft'],
  };
  const stuck = [];
  let tried = 0;
  for (const [k, type] of kinds) {
    if (!keys[type]) continue;
    const r = await operate(page, k, ...keys[type]);
    if (r === null) continue; // hidden by an earlier change (e.g. another data set)
    tried += 1;
    if (r.now === r.before) stuck.push(`${controls[k]} stayed at ${r.before}`);
  }
  assert.ok(tried > 25, `only ${tried} controls operated`);
  assert.deepEqual(stuck, [], `the keys changed nothing on:\n${stuck.join('\n')}`);
  await waitIdle(page, 30000);
  await page.close();
});

test('buttons answer Enter and Space; a feature map moves with the arrows and pins with Enter', async () => {
  const page = await openFull();
  // the step-through: Enter on "Step forward" moves the window, Space on Play toggles it
  const status = () => page.locator('#stepper .cp-step-status').textContent();
  const before = await status();
  await page.focus('#stepper .cp-step-fwd');
  await page.keyboard.press('Enter');
  await waitUntil(
    page,
    'the step-through to step',
    (t) => document.querySelector('#stepper .cp-step-status').textContent !== t,
    before,
  );
  await page.focus('#stepper .cp-step-play');
  await page.keyboard.press(' ');
  assert.equal(await page.getAttribute('#stepper .cp-step-play', 'aria-pressed'), 'true');
  await page.keyboard.press(' ');
  assert.equal(await page.getAttribute('#stepper .cp-step-play', 'aria-pressed'), 'false');
  // a map: arrows move the inspected pixel, Enter pins it
  await page.focus('canvas.fmap');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await waitUntil(page, 'a pinned pixel', () =>
    /Pinned/.test(document.getElementById('inspect').textContent),
  );
  // Reset everything with Enter after a change made with the keyboard
  await page.focus('#f');
  await page.keyboard.press('ArrowRight');
  await waitUntil(page, 'F = 4', () => document.getElementById('f').value === '4');
  await page.focus('#reset');
  await page.keyboard.press('Enter');
  await waitUntil(page, 'F back to 3', () => document.getElementById('f').value === '3');
  await page.close();
});

/** The text of the polite live regions of root (a document or a shadow root) that a screen reader reads. */
function politeText(page, hostId = null) {
  return page.evaluate((id) => {
    const root = id ? document.getElementById(id).shadowRoot : document;
    return [...root.querySelectorAll('[aria-live="polite"]')]
      .filter((e) => !e.closest('[hidden], [aria-hidden="true"]'))
      .map((e) => e.textContent.trim())
      .filter(Boolean);
  }, hostId);
}

test('a polite live region says the new output size and an impossible layer’s message', async () => {
  const page = await openFull();
  await page.focus('#f');
  await page.keyboard.press('ArrowRight'); // F 3 -> 4
  await waitUntil(page, 'F = 4 drawn', () => {
    const d = document.querySelector('#output-volume .dims-out').textContent;
    return window.convplay.idle && window.convplay.result.layer.fh === 4 && d;
  });
  const dims = await outputDims(page);
  assert.ok(
    (await politeText(page)).some((t) => t === `Output ${dims}`),
    `no polite region says "Output ${dims}": ${JSON.stringify(await politeText(page))}`,
  );
  // an impossible layer: the working size down to 16, F up to 11, dilation 2
  await page.evaluate(() => window.convplay.update({ size: 16, p: 0, f: 11, dil: 2 }));
  await page.locator('#layer-error').waitFor({ state: 'visible' });
  await waitIdle(page);
  const message = (await page.locator('#layer-error').textContent()).trim();
  assert.match(message, /^Impossible layer: /);
  assert.ok(
    (await politeText(page)).includes(message),
    `no polite region says "${message}": ${JSON.stringify(await politeText(page))}`,
  );
  assert.equal(await page.getAttribute('#layer-error', 'role'), null, 'said once, not twice');
  await page.close();
});

test('a <conv-playground> without the formula panel also says the new output size', async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.goto(`${server.url}test/no-formula.html`);
  const settled = () =>
    waitUntil(page, 'the playground to draw', () => {
      const p = document.getElementById('pg')?.playground;
      return Boolean(p && p.result && p.idle);
    });
  await settled();
  await page.evaluate(() => document.getElementById('pg').setAttribute('kernel', '5'));
  await waitUntil(page, 'K = 5 drawn', () => {
    const p = document.getElementById('pg').playground;
    return p.idle && p.result.layer.fh === 5;
  });
  const dims = await page.evaluate(
    () => document.getElementById('pg').shadowRoot.querySelector('.dims-out').textContent,
  );
  assert.match(dims, /^\d+ × \d+ × \d+$/);
  assert.ok(
    (await politeText(page, 'pg')).includes(`Output ${dims}`),
    JSON.stringify(await politeText(page, 'pg')),
  );
  await page.close();
});
