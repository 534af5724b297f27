// Accessibility of the release (dist/): axe-core's WCAG 2.0 / 2.1 / 2.2 A and AA
// rules (tests/browser/axe.mjs, inside the shadow roots too) find no serious or
// critical violation on
//  - the full page at 1,400 and 390 px, light and dark;
//  - the full page after training the network lab and with the gradients shown
//    (and a few gradient steps taken), light and dark;
//  - the example course page (three <conv-playground> elements), 1,400 and 390 px,
//    light and dark.
// A failure prints each violation: rule, impact, target and axe's numbers
// (colours and contrast ratio, a target's size).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, waitForRuns, waitIdle, waitLabStep, waitUntil } from './helpers.mjs';
import { serveDist, needRelease } from './release-helpers.mjs';
import { runAxe, serious, describeViolations } from './axe.mjs';

let server, browser;
before(async () => {
  needRelease('index.html', 'embed.js', 'examples/course-page.html');
  server = await serveDist();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1400, height: 1000 };

/** Runs axe in page under each colour scheme; fails with every serious or critical violation. */
async function expectNoSerious(page, what, schemes = ['light', 'dark']) {
  const found = [];
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(100); // a style recalculation and a frame
    const bad = serious(await runAxe(page));
    if (bad.length) found.push(`${what}, ${scheme}:\n${describeViolations(bad)}`);
  }
  assert.equal(found.length, 0, `axe-core found:\n${found.join('\n')}`);
}

/** The full page of dist/, its first view drawn and the later panels mounted. */
async function openFull(viewport) {
  const page = await browser.newPage({ viewport });
  await page.goto(server.url);
  await waitForRuns(page, 1, 30000);
  await waitUntil(page, 'the network lab to mount', () => document.getElementById('nnlab'));
  await waitIdle(page);
  return page;
}

test('the full page at 1,400 px, fresh and after training the network lab with the gradients shown: no serious or critical axe violation', async () => {
  const page = await openFull(DESKTOP);
  await expectNoSerious(page, 'the full page at 1,400 px');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.locator('#nnlab').scrollIntoViewIfNeeded();
  await page.click('#nnlab [data-part="nn-train"]');
  await waitLabStep(page, 40, 180000);
  await page.click('#nnlab [data-part="nn-pause"]');
  await waitUntil(
    page,
    'the lab to pause with its confusion matrix drawn',
    () =>
      document.getElementById('nnlab').dataset.state === 'paused' &&
      document.querySelector('#nnlab .cp-nn-confusion td'),
    null,
    30000,
  );
  await page.locator('#gradients').scrollIntoViewIfNeeded();
  await page.check('#g-on');
  await page.waitForSelector('#gradients[data-state="ok"]', { timeout: 30000 });
  await page.click('#g-step5');
  await waitUntil(
    page,
    'five gradient steps',
    () => document.getElementById('gradients').dataset.steps === '5',
    null,
    60000,
  );
  await waitIdle(page);
  await expectNoSerious(page, 'the trained lab and the gradients at 1,400 px');
  await page.close();
});

test('the full page at 390 px: no serious or critical axe violation (light and dark)', async () => {
  const page = await openFull(PHONE);
  await expectNoSerious(page, 'the full page at 390 px');
  await page.close();
});

/** Waits until the course page's playground #id has drawn its latest change. */
function settled(page, id) {
  return waitUntil(
    page,
    `playground #${id} to draw`,
    (i) => {
      const p = document.getElementById(i)?.playground;
      return Boolean(p && p.result && p.idle);
    },
    id,
    60000,
  );
}

test('the example course page at 1,400 and 390 px: no serious or critical axe violation', async () => {
  const page = await browser.newPage({ viewport: DESKTOP });
  await page.goto(`${server.url}examples/course-page.html`);
  for (const id of ['pg-padding', 'pg-alexnet', 'pg-bnlab']) {
    await page.locator(`#${id}`).scrollIntoViewIfNeeded();
    await settled(page, id);
  }
  await expectNoSerious(page, 'the course page at 1,400 px');
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(300); // the playgrounds' container queries switch to one column
  await expectNoSerious(page, 'the course page at 390 px');
  await page.close();
});
