// Reading a Chromium trace (browser.startTracing / stopTracing of playwright-core) for the
// page benchmarks: the threads of a renderer and each event's self time on one of them.

/**
 * Self time per event name on the thread tid of process pid (complete and begin/end events),
 * in microseconds, counting only what lies in [from, to] (trace timestamps; default: all).
 * A child's time is not counted in its parent.
 */
export function selfTimes(events, pid, tid, from = -Infinity, to = Infinity) {
  const mine = events
    .filter((e) => e.pid === pid && e.tid === tid && (e.ph === 'X' || e.ph === 'B' || e.ph === 'E'))
    .sort((a, b) => a.ts - b.ts);
  const spans = [];
  const open = [];
  for (const e of mine) {
    if (e.ph === 'X') spans.push({ name: e.name, start: e.ts, end: e.ts + (e.dur || 0) });
    else if (e.ph === 'B') open.push(e);
    else {
      const b = open.pop();
      if (b) spans.push({ name: b.name, start: b.ts, end: e.ts });
    }
  }
  const clipped = spans
    .map((s) => ({ ...s, start: Math.max(s.start, from), end: Math.min(s.end, to) }))
    .filter((s) => s.end > s.start);
  clipped.sort((a, b) => a.start - b.start || b.end - a.end);
  const self = new Map();
  const stack = [];
  for (const s of clipped) {
    while (stack.length && stack.at(-1).end <= s.start) stack.pop();
    const parent = stack.at(-1);
    const d = s.end - s.start;
    self.set(s.name, (self.get(s.name) || 0) + d);
    if (parent) self.set(parent.name, self.get(parent.name) - d);
    stack.push(s);
  }
  return self;
}

/** The threads named label ({pid, tid}), the one with the most events first. */
export function threadsNamed(events, label) {
  const counts = new Map();
  for (const e of events)
    counts.set(`${e.pid}:${e.tid}`, (counts.get(`${e.pid}:${e.tid}`) || 0) + 1);
  const count = (t) => counts.get(`${t.pid}:${t.tid}`) || 0;
  return events
    .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args.name === label)
    .sort((x, y) => count(y) - count(x));
}

/** Prints the largest self times of a thread (ms), with its total. */
export function printSelfTimes(title, self, { top = 18, per = 1 } = {}) {
  const rows = [...self.entries()].filter(([, t]) => t > 0).sort((x, y) => y[1] - x[1]);
  const total = rows.reduce((s, [, t]) => s + t, 0);
  console.log(`${title}: ${(total / 1000 / per).toFixed(1)} ms busy`);
  for (const [name, t] of rows.slice(0, top))
    console.log(`  ${(t / 1000 / per).toFixed(2).padStart(8)} ms  ${name}`);
}
