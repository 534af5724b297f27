// One step of a page control for the page benchmarks (page.mjs, page-profile.mjs).

/**
 * One real input event on the control id (value v; a state field of that name
 * when the page has no such element), then waits until it is drawn and painted.
 * Resolves the step's 'convplay:redraw' duration (input to painted frame).
 */
export async function step(page, id, v, timeout = 60000) {
  const before = await page.evaluate(() => performance.getEntriesByName('convplay:redraw').length);
  await page.evaluate(
    ([i, val]) => {
      const el = document.getElementById(i);
      if (!el) return window.convplay.set(i, val);
      el.value = String(val);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    },
    [id, v],
  );
  await page.waitForFunction(
    (n) => performance.getEntriesByName('convplay:redraw').length > n && window.convplay.idle,
    before,
    { timeout, polling: 'raf' },
  );
  return page.evaluate(() => performance.getEntriesByName('convplay:redraw').at(-1).duration);
}
