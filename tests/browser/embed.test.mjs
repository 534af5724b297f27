// The ways to embed the release (dist/) in a course site, in headless Chromium,
// every page served with the strict Content-Security-Policy header:
// dist/examples/course-page.html (three <conv-playground> elements from
// dist/embed.js), hostile attributes, image=, lazy start, and the iframe mode
// of dist/index.html.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, makePng, shot } from './helpers.mjs';
import {
  STRICT_CSP,
  needRelease,
  serveDist,
  watchPage,
  embedPage,
  settled,
  notesOf,
} from './release-helpers.mjs';

let browser, server;
const TEACHER_PNG = makePng(40, 30, (x, y) => [(x * 6) & 255, (y * 8) & 255, ((x + y) * 3) & 255]);
const page = embedPage;

before(async () => {
  needRelease('embed.js', 'index.html', 'examples/course-page.html');
  browser = await launchBrowser();
  server = await serveDist({
    csp: STRICT_CSP,
    extra: {
      '/test/empty.html': page(''),
      '/test/teacher.png': TEACHER_PNG,
      '/test/image.html':
        page(`<conv-playground id="same" image="/test/teacher.png" panels="image,layer,volume"></conv-playground>
<conv-playground id="data" image="data:image/png;base64,${TEACHER_PNG.toString('base64')}" panels="image,volume"></conv-playground>`),
      '/test/lazy.css': '.spacer { height: 3000px; }',
      '/test/lazy.html':
        page(`<link rel="stylesheet" href="/test/lazy.css"><div class="spacer">spacer</div>
<conv-playground id="far" kernel="5" panels="layer,volume"></conv-playground>`),
    },
  });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Sections of the element's playground that are shown (data-part of each visible .panel). */
const shownPanels = (pg, id) =>
  pg.evaluate(
    (i) =>
      [...document.getElementById(i).shadowRoot.querySelectorAll('section.panel')]
        .filter((s) => !s.hidden && s.getClientRects().length)
        .map((s) => s.dataset.part),
    id,
  );

test('the course page: three playgrounds with their own configurations, independent, no CSP violation', async () => {
  const {
    page: pg,
    violations,
    errors,
  } = await watchPage(browser, `${server.url}examples/course-page.html`);
  const ids = ['pg-padding', 'pg-alexnet', 'pg-bnlab'];
  const states = {};
  for (const id of ids) {
    await pg.locator(`#${id}`).scrollIntoViewIfNeeded();
    states[id] = await settled(pg, id);
  }
  assert.deepEqual(
    [
      states['pg-padding'].f,
      states['pg-padding'].p,
      states['pg-padding'].k,
      states['pg-padding'].img,
    ],
    [5, 0, 2, 'checker'],
  );
  assert.deepEqual(
    [
      states['pg-alexnet'].f,
      states['pg-alexnet'].s,
      states['pg-alexnet'].size,
      states['pg-alexnet'].alex,
    ],
    [11, 4, 227, true],
  );
  assert.equal(states['pg-bnlab'].lstep, 'bn-m2');
  assert.deepEqual(states['pg-bnlab'].bnx, [1, 3]);
  // only the chosen panels
  const padPanels = await shownPanels(pg, 'pg-padding');
  assert.ok(padPanels.includes('layer-panel') && padPanels.includes('volume'), padPanels.join());
  assert.ok(
    !padPanels.includes('image-panel') && !padPanels.includes('inspect-panel'),
    padPanels.join(),
  );
  // locked controls are disabled, the others are not
  const disabled = await pg.evaluate(() => {
    const r = document.getElementById('pg-padding').shadowRoot;
    return {
      f: r.querySelector('[data-part="f"]').disabled,
      p: r.querySelector('[data-part="p"]').disabled,
    };
  });
  assert.deepEqual(disabled, { f: true, p: false });
  // the student moves P in the first playground: its state and the page's answer change, the others do not
  await pg.locator('#pg-padding').scrollIntoViewIfNeeded();
  await pg.evaluate(() => {
    const input = document.getElementById('pg-padding').shadowRoot.querySelector('[data-part="p"]');
    input.value = '2';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await pg.waitForFunction(
    () => document.getElementById('padding-answer').classList.contains('right'),
    null,
    { timeout: 15000 },
  );
  assert.match(
    await pg.locator('#padding-answer').textContent(),
    /P = 2 keeps the output at 32 × 32/,
  );
  assert.equal((await settled(pg, 'pg-padding')).p, 2);
  assert.deepEqual(
    await pg.evaluate(() => document.getElementById('pg-alexnet').state),
    states['pg-alexnet'],
  );
  assert.deepEqual(
    await pg.evaluate(() => document.getElementById('pg-bnlab').state),
    states['pg-bnlab'],
  );
  // an attribute changed by the course page's script updates that instance only
  // (even a locked field: locked is for the student's controls)
  await pg.evaluate(() => document.getElementById('pg-padding').setAttribute('filters', '3'));
  await pg.waitForFunction(() => document.getElementById('pg-padding').state.k === 3, null, {
    timeout: 15000,
  });
  assert.equal((await settled(pg, 'pg-padding')).k, 3);
  assert.deepEqual(
    await pg.evaluate(() => document.getElementById('pg-alexnet').state),
    states['pg-alexnet'],
  );
  // no playground shows an error
  const fatal = await pg.evaluate(() =>
    ['pg-padding', 'pg-alexnet', 'pg-bnlab'].map((id) => {
      const f = document.getElementById(id).shadowRoot.querySelector('[data-part="fatal"]');
      return f && !f.hidden ? `${id}: ${f.textContent}` : '';
    }),
  );
  assert.deepEqual(fatal, ['', '', '']);
  await shot(pg, 'course-page');
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});

test('the course page at 320 px: every playground fits the width', async () => {
  const { page: pg, violations } = await watchPage(
    browser,
    `${server.url}examples/course-page.html`,
    { viewport: { width: 320, height: 700 } },
  );
  await settled(pg, 'pg-padding');
  const widths = await pg.evaluate(() =>
    ['pg-padding', 'pg-alexnet', 'pg-bnlab'].map((id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      return Math.round(r.right);
    }),
  );
  for (const w of widths) assert.ok(w <= 320, `a playground ends at x = ${w} px, beyond 320`);
  const height = await pg.evaluate(
    () => document.getElementById('pg-padding').getBoundingClientRect().height,
  );
  assert.ok(height > 200, `the element is only ${height} px high: it does not size to its content`);
  await shot(pg, 'course-page-320', { fullPage: false });
  assert.deepEqual(violations, []);
  await pg.close();
});

const LONG = 'A'.repeat(10000);
const HOSTILE = {
  kernel: '<script>window.__pwned = 1</script>',
  stride: '1e309',
  padding: '-1',
  filters: 'NaN',
  dilation: '0x10',
  sample: 'javascript:window.__pwned=1',
  'padding-mode': '"><img src=x onerror="window.__pwned=1">',
  bias: LONG,
  'lecture-step': LONG,
  'filter-kinds': 'sobelx,<b>bold</b>',
  panels: 'layer,<img src=x onerror="window.__pwned=1">,volume',
  locked: 'javascript:alert(1),stride',
  image: 'javascript:window.__pwned=1',
  preset: '../../etc/passwd',
  strid: '2',
  'x-unknown': LONG,
};

test('hostile attributes: every value refused or clamped with a visible note, nothing injected', async () => {
  const { page: pg, violations, errors } = await watchPage(browser, `${server.url}test/empty.html`);
  await pg.waitForFunction(() => customElements.get('conv-playground'), null, { timeout: 15000 });
  await pg.evaluate((attrs) => {
    const e = document.createElement('conv-playground');
    e.id = 'bad';
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    document.body.append(e);
  }, HOSTILE);
  const s = await settled(pg, 'bad');
  assert.deepEqual(
    [s.f, s.s, s.p, s.k, s.dil, s.img, s.pad, s.lstep],
    [3, 1, 0, 4, 1, 'chelsea', 'zero', ''],
  );
  assert.deepEqual(s.bias, []);
  assert.deepEqual(s.filters, ['sobelx', 'sobely', 'gauss', 'sharpen']);
  const notes = (await notesOf(pg, 'bad')).join('\n');
  for (const name of [
    'kernel',
    'stride',
    'padding',
    'filters',
    'dilation',
    'sample',
    'padding-mode',
    'bias',
    'lecture-step',
    'filter-kinds',
    'panels',
    'locked',
    'image',
    'preset',
    '"strid"',
    '"x-unknown"',
  ]) {
    assert.ok(notes.includes(name), `no note names ${name}:\n${notes}`);
  }
  assert.match(notes, /stride: "1e309" is not a whole number/);
  assert.match(notes, /padding: "-1" is below 0; using 0/);
  assert.match(notes, /dilation: "0x10" is not a whole number/);
  assert.match(
    notes,
    /image: "javascript:window.__pwned=1" is refused: only a same-origin URL or a data: URL/,
  );
  assert.ok(!notes.includes(LONG.slice(0, 100)), 'a 10,000-character value is echoed whole');
  const injected = await pg.evaluate(() => {
    const r = document.getElementById('bad').shadowRoot;
    return {
      pwned: window.__pwned ?? null,
      scripts:
        document.querySelectorAll('script:not([src])').length + r.querySelectorAll('script').length,
      handlers: [...r.querySelectorAll('*')].filter((x) =>
        [...x.attributes].some((a) => /^on/i.test(a.name)),
      ).length,
      imgs: r.querySelectorAll('img').length,
      bold: [...r.querySelectorAll('b')].filter((b) => b.textContent === 'bold').length,
    };
  });
  assert.deepEqual(injected, { pwned: null, scripts: 0, handlers: 0, imgs: 0, bold: 0 });
  // the panels that were valid are the ones shown, stride stays locked
  const panels = await shownPanels(pg, 'bad');
  assert.ok(
    panels.includes('layer-panel') && panels.includes('volume') && !panels.includes('image-panel'),
    panels.join(),
  );
  assert.equal(
    await pg.evaluate(
      () => document.getElementById('bad').shadowRoot.querySelector('[data-part="s"]').disabled,
    ),
    true,
  );
  // hostile values set after load are refused the same way
  await pg.evaluate(() => {
    const e = document.getElementById('bad');
    e.setAttribute('kernel', '1e309');
    e.setAttribute('padding', '99');
  });
  await pg.waitForFunction(() => document.getElementById('bad').state.p === 16, null, {
    timeout: 15000,
  });
  assert.equal((await settled(pg, 'bad')).f, 3);
  assert.match((await notesOf(pg, 'bad')).join('\n'), /padding: "99" is above 16; using 16/);
  await shot(pg, 'hostile-attributes', { fullPage: false });
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});

test('image=: a same-origin URL and a data: URL open as the image; another origin is refused', async () => {
  const { page: pg, violations, errors } = await watchPage(browser, `${server.url}test/image.html`);
  await pg.waitForFunction(
    () => ['same', 'data'].every((id) => document.getElementById(id).state?.img === 'upload'),
    null,
    { timeout: 30000 },
  );
  for (const id of ['same', 'data']) {
    await settled(pg, id);
    const shape = await pg.evaluate(
      (i) => document.getElementById(i).playground.result.input.shape,
      id,
    );
    assert.deepEqual(shape.slice(2), [30, 40], `${id}: the input is ${shape}`);
  }
  await pg.evaluate((png) => {
    const e = document.createElement('conv-playground');
    e.id = 'foreign';
    e.setAttribute('image', 'https://example.com/dog.jpg');
    e.setAttribute('panels', 'volume');
    document.body.prepend(e);
    const f = document.createElement('conv-playground');
    f.id = 'html';
    f.setAttribute('image', `data:text/html;base64,${btoa('<script>window.__pwned=1</script>')}`);
    f.setAttribute('panels', 'volume');
    document.body.prepend(f);
  });
  for (const id of ['foreign', 'html']) {
    const s = await settled(pg, id);
    assert.equal(s.img, 'chelsea');
    assert.match((await notesOf(pg, id)).join('\n'), /image: ".*is refused/);
  }
  assert.equal(await pg.evaluate(() => window.__pwned ?? null), null);
  assert.ok(!violations.length, violations.join('\n'));
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});

test('an element out of view starts nothing; it starts when scrolled into view, and waits again when out of it', async () => {
  const { page: pg, violations } = await watchPage(browser, `${server.url}test/lazy.html`);
  await pg.waitForFunction(() => customElements.get('conv-playground'), null, { timeout: 15000 });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await pg.evaluate(() => document.getElementById('far').playground), null);
  await pg.locator('#far').scrollIntoViewIfNeeded();
  assert.equal((await settled(pg, 'far')).f, 5);
  const runs = () =>
    pg.evaluate(() => Number(document.getElementById('far').playground.root.dataset.runs));
  const before = await runs();
  await pg.evaluate(() => window.scrollTo(0, 0));
  await new Promise((r) => setTimeout(r, 300));
  await pg.evaluate(() => document.getElementById('far').setAttribute('kernel', '7'));
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(await runs(), before, 'an element out of view computed');
  assert.equal(await pg.evaluate(() => document.getElementById('far').state.f), 5);
  await pg.locator('#far').scrollIntoViewIfNeeded();
  await pg.waitForFunction(() => document.getElementById('far').state.f === 7, null, {
    timeout: 15000,
  });
  await pg.waitForFunction(
    (n) => Number(document.getElementById('far').playground.root.dataset.runs) > n,
    before,
    { timeout: 15000 },
  );
  assert.deepEqual(violations, [], violations.join('\n'));
  await pg.close();
});

test('the iframe mode: only its panels, no site header, locked controls disabled, a link to the full page; no CSP violation', async () => {
  const url = `${server.url}index.html?embed=1&panels=layer,volume,formula&locked=stride,kernel#f=5&s=2&k=3`;
  const { page: pg, violations, errors } = await watchPage(browser, url);
  await pg.waitForFunction(() => window.convplay?.result && window.convplay.idle, null, {
    timeout: 30000,
  });
  const look = await pg.evaluate(() => ({
    header: document.querySelector('header.site')?.hidden ?? true,
    panels: [...document.querySelectorAll('section.panel')]
      .filter((s) => !s.hidden && s.getClientRects().length)
      .map((s) => s.dataset.part),
    f: document.querySelector('[data-part="f"]').disabled,
    s: document.querySelector('[data-part="s"]').disabled,
    p: document.querySelector('[data-part="p"]').disabled,
    link: document.querySelector('[data-part="open-full"]')?.href,
    state: [window.convplay.state.f, window.convplay.state.s, window.convplay.state.k],
  }));
  assert.equal(look.header, true);
  assert.deepEqual(look.panels.sort(), ['formula-panel', 'layer-panel', 'volume']);
  assert.deepEqual([look.f, look.s, look.p], [true, true, false]);
  assert.deepEqual(look.state, [5, 2, 3]);
  assert.ok(
    look.link &&
      !look.link.includes('embed=1') &&
      /#.*f=5/.test(look.link) &&
      /s=2/.test(look.link),
    look.link,
  );
  await shot(pg, 'iframe-mode', { fullPage: false });
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});

test('the iframe mode and the page with a hostile URL: values clamped or replaced, each named in a notice', async () => {
  const long = 'B'.repeat(10000);
  const hash = `s=0x10&k=1e309&p=-1&f=NaN&img=javascript:alert(1)&bias=${long}&lstep=<script>&zz=1`;
  const url = `${server.url}index.html?embed=1&panels=<script>alert(1)</script>,volume&locked=1e309#${hash}`;
  const { page: pg, violations, errors } = await watchPage(browser, url);
  await pg.waitForFunction(() => window.convplay?.result && window.convplay.idle, null, {
    timeout: 30000,
  });
  const s = await pg.evaluate(() => window.convplay.state);
  assert.ok(
    s.s >= 1 && s.s <= 16 && s.k >= 1 && s.k <= 16 && s.p === 0 && s.f === 3 && s.img === 'chelsea',
    JSON.stringify(s).slice(0, 200),
  );
  const notes = await pg.evaluate(
    () => document.querySelector('[data-part="link-notes"]')?.textContent ?? '',
  );
  for (const name of [
    's:',
    'k:',
    'p:',
    'f:',
    'img:',
    'bias:',
    'lstep:',
    '"zz"',
    'panels:',
    'locked:',
  ]) {
    assert.ok(notes.includes(name), `no notice names ${name}: ${notes}`);
  }
  assert.match(notes, /p: "-1" is below 0; using 0/);
  assert.ok(!notes.includes(long.slice(0, 100)));
  assert.equal(await pg.evaluate(() => document.querySelectorAll('script:not([src])').length), 0);
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});
