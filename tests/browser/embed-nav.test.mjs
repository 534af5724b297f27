// An embedded playground's navigation and layout follow its panels (the
// release's dist/embed.js, served with the strict CSP header): no link to a
// panel it does not show, no empty controls column, and no click inside it
// writes the host page's URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, shot } from './helpers.mjs';
import { STRICT_CSP, needRelease, serveDist, watchPage, embedPage } from './release-helpers.mjs';

let browser, server;
const page = embedPage;

before(async () => {
  needRelease('embed.js');
  browser = await launchBrowser();
  server = await serveDist({
    csp: STRICT_CSP,
    extra: {
      '/test/nav.html': page(
        `<conv-playground id="few" panels="layer,formula,volume"></conv-playground>
         <conv-playground id="bn" panels="bnlab"></conv-playground>`,
      ),
    },
  });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** The element's navigation: every link with its text, whether it shows, and whether its target does. */
function navOf(pg, id) {
  return pg.evaluate((i) => {
    const root = document.getElementById(i).shadowRoot;
    const nav = root.querySelector('[data-part="nav"]');
    const visible = (e) => Boolean(e) && e.getClientRects().length > 0;
    return {
      shown: visible(nav),
      links: [...nav.querySelectorAll('a')].map((a) => {
        const target = root.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
        return { text: a.textContent, shown: visible(a), target: visible(target) };
      }),
    };
  }, id);
}

async function ready(pg, id) {
  await pg.locator(`#${id}`).scrollIntoViewIfNeeded();
  await pg.waitForFunction(
    (i) => {
      const inst = document.getElementById(i)?.playground;
      return Boolean(inst?.result && inst.idle && inst.root.dataset.runs);
    },
    id,
    { timeout: 30000 },
  );
  // the optional panels mount after the first view and add their links
  await pg.waitForTimeout(300);
}

test('panels="layer,formula,volume": the nav lists those only, and its links leave the URL alone', async () => {
  const { page: pg, violations, errors } = await watchPage(browser, `${server.url}test/nav.html`);
  await ready(pg, 'few');
  const nav = await navOf(pg, 'few');
  assert.equal(nav.shown, true);
  const visible = nav.links.filter((l) => l.shown);
  assert.deepEqual(
    visible.map((l) => l.text),
    ['Layer', 'Volumes'],
  );
  for (const l of visible) assert.equal(l.target, true, `${l.text} leads to a hidden section`);
  const before = await pg.evaluate(() => location.href);
  // every link of the element, shown or not (a script, an old bookmark may click it)
  await pg.evaluate(() => {
    for (const a of document.getElementById('few').shadowRoot.querySelectorAll('a[href^="#"]'))
      a.click();
  });
  await pg.waitForTimeout(200);
  assert.equal(await pg.evaluate(() => location.href), before, 'the host page URL changed');
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(errors, [], errors.join('\n'));
  await pg.close();
});

test('panels="bnlab": no links that lead nowhere, no empty column; the lab takes the width', async () => {
  for (const width of [1400, 390]) {
    const { page: pg, errors } = await watchPage(browser, `${server.url}test/nav.html`, {
      viewport: { width, height: 900 },
    });
    await ready(pg, 'bn');
    const nav = await navOf(pg, 'bn');
    for (const l of nav.links.filter((x) => x.shown))
      assert.equal(l.target, true, `${width} px: "${l.text}" leads to a hidden section`);
    assert.ok(
      !nav.shown || nav.links.filter((x) => x.shown).length >= 2,
      `${width} px: a section list of one link`,
    );
    const box = await pg.evaluate(() => {
      const host = document.getElementById('bn');
      const root = host.shadowRoot;
      const lab = root.querySelector('section[data-part="bnlab"]').getBoundingClientRect();
      const bar = root.querySelector('[data-part="quickbar"]');
      return {
        host: host.getBoundingClientRect().width,
        left: lab.left - host.getBoundingClientRect().left,
        width: lab.width,
        bar: Boolean(bar && bar.getClientRects().length),
      };
    });
    assert.ok(box.left < 40, `${width} px: the lab starts ${box.left} px into the element`);
    assert.ok(box.width > box.host - 80, `${width} px: the lab is ${box.width} of ${box.host} px`);
    assert.equal(box.bar, false, `${width} px: the F/P/S/D/K bar shows without the maps`);
    await pg.locator('#bn').screenshot({ path: `/tmp/teacher-bn-${width}.png` });
    await shot(pg, `embed-bnlab-${width}`, { fullPage: false });
    assert.deepEqual(errors, [], errors.join('\n'));
    await pg.close();
  }
});
