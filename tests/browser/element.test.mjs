// <conv-playground> as its ecosystem expects (dist/embed.js, strict CSP):
// properties that mirror the attributes (also set before the element was
// defined), the ready promise and the load / error / convplay-change /
// change events, state kept when the element is moved or put back, and
// theming (theme=, --convplay-* properties, ::part()).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser } from './helpers.mjs';
import {
  STRICT_CSP,
  needRelease,
  serveDist,
  watchPage,
  dimsOf,
  settled,
  notesOf,
} from './release-helpers.mjs';

let browser, server;
const page = (body, head = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>test</title><link rel="icon" href="data:,">${head}
<script type="module" src="/embed.js"></script></head><body>${body}</body></html>`;

// a classic script runs before the module that defines the element
const EARLY_JS = `
window.events = [];
const early = document.getElementById('early');
early.kernel = 7;                 // before the element is defined: an own property
early.filterKinds = ['box', 'sobelx'];
for (const type of ['load', 'error', 'convplay-change', 'change']) {
  early.addEventListener(type, (e) => window.events.push({ type, detail: e.detail ?? null }));
}
`;
const THEME_CSS = `
conv-playground { display: block; margin: 1rem 0; }
#accented { --convplay-accent: rgb(123, 50, 148); }
#accented::part(panel) { outline: 3px solid rgb(1, 2, 3); }
`;

before(async () => {
  needRelease('embed.js');
  browser = await launchBrowser();
  server = await serveDist({
    csp: STRICT_CSP,
    extra: {
      '/test/early.js': EARLY_JS,
      '/test/props.html': page(
        '<conv-playground id="early" padding="1" panels="layer,volume"></conv-playground>' +
          '<script src="/test/early.js"></script>',
      ),
      '/test/missing.html': page(
        '<conv-playground id="broken" image="/test/none.png" panels="image,volume"></conv-playground>',
      ),
      '/test/move.html': page(
        '<div id="one"><conv-playground id="mover" kernel="3" panels="layer,volume"></conv-playground></div><div id="two"></div>',
      ),
      '/test/theme.css': THEME_CSS,
      '/test/theme.html': page(
        `<conv-playground id="auto" panels="layer,formula"></conv-playground>
<conv-playground id="light" theme="light" panels="layer,formula"></conv-playground>
<conv-playground id="dark" theme="dark" panels="layer,formula"></conv-playground>
<conv-playground id="accented" theme="light" panels="layer,formula"></conv-playground>`,
        '<link rel="stylesheet" href="/test/theme.css">',
      ),
    },
  });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('properties mirror the attributes, also when set before the element was defined', async () => {
  const { page: pg, violations, errors } = await watchPage(browser, `${server.url}test/props.html`);
  const s = await settled(pg, 'early');
  assert.equal(s.f, 7, 'kernel set before the upgrade');
  assert.deepEqual(s.filters, ['box', 'sobelx']);
  const first = await pg.evaluate(() => {
    const el = document.getElementById('early');
    return {
      attr: el.getAttribute('kernel'),
      kinds: el.getAttribute('filter-kinds'),
      own: Object.hasOwn(el, 'kernel'),
      kernel: el.kernel,
      padding: el.padding,
      theme: el.theme,
    };
  });
  assert.deepEqual(first, {
    attr: '7',
    kinds: 'box,sobelx',
    own: false,
    kernel: 7,
    padding: 1,
    theme: 'auto',
  });
  // el.kernel = 5: the attribute, the state and the drawing follow
  await pg.evaluate(() => {
    document.getElementById('early').kernel = 5;
  });
  await pg.waitForFunction(() => document.getElementById('early').state.f === 5);
  assert.equal((await settled(pg, 'early')).f, 5);
  assert.equal(
    await pg.evaluate(() => document.getElementById('early').getAttribute('kernel')),
    '5',
  );
  // 256 x 170 photo, F = 5, P = 1: 254 x 168
  assert.match(await dimsOf(pg, 'early'), /^254 × 168 × /);
  // booleans and lists
  const more = await pg.evaluate(() => {
    const el = document.getElementById('early');
    el.kernelSeparate = true;
    el.kernelWidth = 3;
    el.paddingMode = 'reflect';
    return [
      el.getAttribute('kernel-separate'),
      el.getAttribute('kernel-width'),
      el.getAttribute('padding-mode'),
    ];
  });
  assert.deepEqual(more, ['1', '3', 'reflect']);
  await pg.waitForFunction(() => {
    const st = document.getElementById('early').state;
    return st.fsep === true && st.fw === 3 && st.pad === 'reflect';
  });
  // a value out of range: clamped, with the note naming it; the property reads what is used
  await pg.evaluate(() => {
    document.getElementById('early').kernel = 99;
  });
  await pg.waitForFunction(() => document.getElementById('early').kernel === 11);
  assert.ok(
    (await notesOf(pg, 'early')).some((n) => n.startsWith('kernel: "99" is above 11; using 11')),
    (await notesOf(pg, 'early')).join('\n'),
  );
  // the student moves the slider; setting the attribute's own value again applies it
  await pg.evaluate(() => {
    const el = document.getElementById('early');
    el.kernel = 5;
  });
  await pg.waitForFunction(() => document.getElementById('early').state.f === 5);
  await pg.evaluate(() => {
    const f = document.getElementById('early').shadowRoot.querySelector('input[data-part="f"]');
    f.value = '9';
    f.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await pg.waitForFunction(() => document.getElementById('early').kernel === 9);
  await pg.evaluate(() => {
    document.getElementById('early').kernel = 5;
  });
  await pg.waitForFunction(() => document.getElementById('early').state.f === 5);
  // null: the attribute goes, the default (3) comes back
  await pg.evaluate(() => {
    document.getElementById('early').kernel = null;
  });
  await pg.waitForFunction(() => document.getElementById('early').state.f === 3);
  assert.equal(
    await pg.evaluate(() => document.getElementById('early').hasAttribute('kernel')),
    false,
  );
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});

test('ready, load, convplay-change (attribute names) and change (short names)', async () => {
  const { page: pg } = await watchPage(browser, `${server.url}test/props.html`);
  const same = await pg.evaluate(async () => {
    const el = document.getElementById('early');
    return (await el.ready) === el;
  });
  assert.equal(same, true);
  await settled(pg, 'early');
  await pg.evaluate(() => {
    window.events.length = 0;
    document.getElementById('early').padding = 2;
  });
  await pg.waitForFunction(() => window.events.some((e) => e.type === 'convplay-change'));
  const events = await pg.evaluate(() => window.events);
  const prefixed = events.find((e) => e.type === 'convplay-change');
  const plain = events.find((e) => e.type === 'change');
  assert.deepEqual(prefixed.detail.changed, ['padding']);
  assert.equal(prefixed.detail.state.padding, 2);
  assert.equal(prefixed.detail.state.kernel, 7);
  assert.equal(prefixed.detail.state['padding-mode'], 'zero');
  assert.equal(prefixed.detail.state.p, undefined, 'short names in convplay-change');
  assert.deepEqual(plain.detail.changed, ['p']);
  assert.equal(plain.detail.state.p, 2);
  await pg.close();
  // load fired once, for the first view
  const { page: pg2 } = await watchPage(browser, `${server.url}test/props.html`);
  await settled(pg2, 'early');
  await pg2.waitForFunction(() => window.events.some((e) => e.type === 'load'));
  const loads = await pg2.evaluate(() => window.events.filter((e) => e.type === 'load').length);
  assert.equal(loads, 1);
  await pg2.close();
});

test('error: an image= that cannot be loaded fires error with the message; the note says it', async () => {
  const pg = await browser.newPage();
  // error does not bubble: caught on its way down, from before the page's first script
  await pg.addInitScript(() => {
    window.errorDetails = [];
    document.addEventListener(
      'error',
      (e) => {
        if (e.target.id === 'broken') window.errorDetails.push(e.detail);
      },
      true,
    );
  });
  await pg.goto(`${server.url}test/missing.html`);
  await pg.waitForFunction(() => window.errorDetails.length > 0, null, { timeout: 30000 });
  const [detail] = await pg.evaluate(() => window.errorDetails);
  assert.equal(detail.attribute, 'image');
  assert.match(detail.message, /^image: could not load none\.png: HTTP 404/);
  assert.ok((await notesOf(pg, 'broken')).includes(detail.message));
  await pg.close();
});

test('moved in the DOM, the element keeps its instance and the student’s state; put back later, its state', async () => {
  const { page: pg, errors } = await watchPage(browser, `${server.url}test/move.html`);
  await settled(pg, 'mover');
  await pg.evaluate(() => {
    const f = document.getElementById('mover').shadowRoot.querySelector('input[data-part="f"]');
    f.value = '9';
    f.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await pg.waitForFunction(() => document.getElementById('mover').state.f === 9);
  await settled(pg, 'mover');
  const moved = await pg.evaluate(async () => {
    const el = document.getElementById('mover');
    const before = el.playground;
    document.getElementById('two').append(el);
    await new Promise((r) => setTimeout(r, 300));
    return { same: el.playground === before, f: el.state.f, parent: el.parentElement.id };
  });
  assert.deepEqual(moved, { same: true, f: 9, parent: 'two' });
  // the photo 256 x 170, F = 9, P = 1 (the default): 250 x 164
  assert.match(await dimsOf(pg, 'mover'), /^250 × 164 × /);
  // still alive: a change is computed and drawn
  await pg.evaluate(() => {
    document.getElementById('mover').padding = 2;
  });
  await pg.waitForFunction(() => document.getElementById('mover').state.p === 2);
  assert.equal((await settled(pg, 'mover')).f, 9);
  assert.match(await dimsOf(pg, 'mover'), /^252 × 166 × /);
  // removed for a while, then put back: a new instance with the state it had
  await pg.evaluate(async () => {
    const el = document.getElementById('mover');
    el.remove();
    await new Promise((r) => setTimeout(r, 300));
    window.gone = el.playground;
    document.getElementById('one').append(el);
  });
  assert.equal(await pg.evaluate(() => window.gone), null);
  const back = await settled(pg, 'mover');
  assert.equal(back.f, 9);
  assert.equal(back.p, 2);
  assert.match(await dimsOf(pg, 'mover'), /^252 × 166 × /);
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});

/** The computed colours of an element's host and of its first panel. */
const colours = (pg, id) =>
  pg.evaluate((i) => {
    const el = document.getElementById(i);
    const panel = el.shadowRoot.querySelector('section.panel:not([hidden])');
    const button = el.shadowRoot.querySelector('button.primary, .cp-start-lecture');
    return {
      bg: getComputedStyle(el).backgroundColor,
      fg: getComputedStyle(panel).color,
      accent: getComputedStyle(el).getPropertyValue('--accent').trim(),
      outline: getComputedStyle(panel).outlineColor,
      parts: panel.getAttribute('part'),
      button: button ? getComputedStyle(button).backgroundColor : null,
    };
  }, id);

test('theme= overrides the system setting; --convplay-* and ::part() style it from the page', async () => {
  for (const scheme of ['dark', 'light']) {
    const { page: pg, violations } = await watchPage(browser, `${server.url}test/theme.html`);
    await pg.emulateMedia({ colorScheme: scheme });
    for (const id of ['auto', 'light', 'dark', 'accented']) {
      await pg.locator(`#${id}`).scrollIntoViewIfNeeded();
      await settled(pg, id);
    }
    const c = {};
    for (const id of ['auto', 'light', 'dark', 'accented']) c[id] = await colours(pg, id);
    const LIGHT_BG = 'rgb(250, 250, 250)';
    const DARK_BG = 'rgb(21, 22, 26)';
    assert.equal(c.auto.bg, scheme === 'dark' ? DARK_BG : LIGHT_BG, `auto under ${scheme}`);
    assert.equal(c.light.bg, LIGHT_BG, `theme=light under ${scheme}`);
    assert.equal(c.dark.bg, DARK_BG, `theme=dark under ${scheme}`);
    assert.equal(c.light.fg, 'rgb(27, 27, 31)');
    assert.equal(c.dark.fg, 'rgb(230, 230, 234)');
    // the page's --convplay-accent and ::part(panel)
    assert.equal(c.accented.accent, 'rgb(123, 50, 148)');
    assert.equal(c.light.accent, '#2166ac');
    assert.equal(c.accented.outline, 'rgb(1, 2, 3)');
    assert.notEqual(c.light.outline, 'rgb(1, 2, 3)');
    assert.match(c.accented.parts, /^panel /);
    assert.deepEqual(violations, [], violations.join('\n'));
    await pg.close();
  }
});
