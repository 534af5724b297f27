// Waiting for the first view in a page benchmark without disturbing it.

/**
 * Resolves the duration of 'convplay:first-view' (navigation start to the frame that paints the
 * first result) once the page marks it, at most timeout ms. The wait runs in the page as one
 * promise: Playwright's waitForFunction would inject its script (hundreds of ms of the main
 * thread) in the middle of the load it measures.
 */
export function firstViewOf(page, timeout = 30000) {
  return page.evaluate(
    (ms) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no first view within ${ms} ms`)), ms);
        const look = () => {
          const e = performance.getEntriesByName('convplay:first-view')[0];
          if (!e) return false;
          clearTimeout(timer);
          resolve(e.duration);
          return true;
        };
        if (!look()) new PerformanceObserver(look).observe({ type: 'mark' });
      }),
    timeout,
  );
}
