// The worker budget of a page of many <conv-playground>s (web/src/embed/budget.js):
// at most max holders; waiting clients served by rank (in view 2, near 1,
// farther 0); a worker taken from a holder of lower rank only, the lowest
// first, and never from one that is busy.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createBudget } from '../../web/src/embed/budget.js';

/** A client as element.js is one: rank, grant(), yieldWorker(); it records what happened. */
function client(name, rank, log, { busy = false } = {}) {
  return {
    name,
    rank,
    busy,
    grant() {
      log.push(`grant ${name}`);
    },
    yieldWorker() {
      if (this.busy) return false;
      log.push(`yield ${name}`);
      return true;
    },
  };
}

/** Ends the budget's retry timer (the test process would wait for it). */
const stop = (budget) => clearTimeout(budget.timer);

test('at most max clients hold a worker; a release hands it to the next waiting one', () => {
  const log = [];
  const budget = createBudget(2);
  const [a, b, c] = ['a', 'b', 'c'].map((n) => client(n, 2, log));
  for (const x of [a, b, c]) budget.request(x);
  assert.deepEqual(log, ['grant a', 'grant b']);
  assert.equal(budget.live, 2);
  assert.equal(budget.waiting, 1);
  budget.release(a);
  assert.deepEqual(log, ['grant a', 'grant b', 'grant c']);
  assert.equal(budget.holds(c), true);
  assert.equal(budget.waiting, 0);
  stop(budget);
});

test('a client in view takes the worker of one only near the view; one near never takes it from one in view', () => {
  const log = [];
  const budget = createBudget(1);
  const near = client('near', 1, log);
  const seen = client('seen', 2, log);
  budget.request(near);
  budget.request(seen);
  assert.deepEqual(log, ['grant near', 'yield near', 'grant seen']);
  // the one near asks again: it waits (in view is worth more)
  budget.request(near);
  assert.deepEqual(log.slice(3), []);
  assert.equal(budget.waiting, 1);
  stop(budget);
});

test('the lowest rank gives its worker first; a busy holder is skipped', () => {
  const log = [];
  const budget = createBudget(3);
  const far = client('far', 0, log, { busy: true });
  const near = client('near', 1, log);
  const seen = client('seen', 2, log);
  for (const x of [seen, near, far]) budget.request(x);
  log.length = 0;
  budget.request(client('new', 2, log));
  assert.deepEqual(log, ['yield near', 'grant new'], 'the busy far one is skipped');
  far.busy = false;
  budget.request(client('newer', 1, log));
  assert.deepEqual(log.slice(2), ['yield far', 'grant newer']);
  stop(budget);
});

test('waiting clients are served by rank, the first asked among equals; a rank that rose counts', () => {
  const log = [];
  const budget = createBudget(1);
  const holder = client('holder', 2, log);
  budget.request(holder);
  const first = client('first', 1, log);
  const second = client('second', 1, log);
  const third = client('third', 1, log);
  for (const x of [first, second, third]) budget.request(x);
  third.rank = 2; // scrolled into view while it waited
  budget.release(holder);
  assert.deepEqual(log, ['grant holder', 'grant third']);
  budget.release(third);
  assert.deepEqual(log.slice(2), ['grant first']);
  stop(budget);
});
