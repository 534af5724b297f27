// A drawing paced while the lab trains: live(...args) draws the latest
// arguments at most once every `ms` (in a task of its own, the last ones
// always drawn), now(...args) draws at once and drops what waited.

/** draw(...args) paced to once every ms while live; {live, now, cancel}. */
export function paced(ms, draw) {
  let last = -Infinity;
  let timer = null;
  let waiting = null;
  const run = (args) => {
    last = performance.now();
    draw(...args);
  };
  function cancel() {
    clearTimeout(timer);
    timer = null;
    waiting = null;
  }
  function flush() {
    const args = waiting;
    timer = null;
    waiting = null;
    if (args) run(args);
  }
  return {
    live(...args) {
      waiting = args;
      if (!timer) timer = setTimeout(flush, Math.max(0, last + ms - performance.now()));
    },
    now(...args) {
      cancel();
      run(args);
    },
    cancel,
  };
}
