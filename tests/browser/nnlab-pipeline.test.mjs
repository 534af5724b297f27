// The network lab while it trains: the worker takes the next steps while the
// page draws the last ones (panels/nnlab/trainer.js loop): each job of steps
// after the first is asked for before the answer just received is drawn, and a
// pause still draws the job that was under way, so the page shows the worker's
// last step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSuite, closeSuite, openPage, waitLabStep, pauseLab } from './helpers.mjs';

let server, browser;
before(async () => ({ server, browser } = await openSuite()));
after(() => closeSuite({ server, browser }));

/** Logs each 'steps' job: the step the lab shows when it is asked, and the last step answered. */
function spyOnSteps() {
  const engine = window.convplay.engine;
  const real = engine.nnlab.bind(engine);
  window.__steps = { asks: [], answered: 0 };
  engine.nnlab = (job) => {
    if (job.op !== 'steps') return real(job);
    const log = window.__steps;
    log.asks.push({
      shown: Number(document.getElementById('nnlab').dataset.step),
      answered: log.answered,
    });
    return real(job).then((r) => {
      log.answered = r.step;
      return r;
    });
  };
}

test('while the lab trains, the next steps are asked for before the last answer is drawn', async () => {
  const { page, errors } = await openPage(browser, server.url);
  await page.locator('#nnlab').scrollIntoViewIfNeeded();
  await page.evaluate(spyOnSteps);
  await page.click('#nnlab [data-part="nn-train"]');
  await waitLabStep(page, 60, 120000);
  await pauseLab(page, 60000);
  const log = await page.evaluate(() => window.__steps);
  const shown = Number(await page.evaluate(() => document.getElementById('nnlab').dataset.step));
  const later = log.asks.slice(1);
  assert.ok(later.length >= 2, `${log.asks.length} jobs of steps`);
  // asked for while the answer before it was not yet drawn: the page showed an older step
  for (const a of later)
    assert.ok(a.shown < a.answered, `asked at shown step ${a.shown} with ${a.answered} answered`);
  // paused: the job under way was drawn too
  assert.equal(shown, log.answered, 'the page shows the last step the worker answered');
  assert.deepEqual(errors, []);
  await page.close();
});
