// The live state of one playground instance (createStore): its fields, its
// locks, its listeners and, for the full page, the URL hash it follows.
import { PROPS, rowOf } from './state-table.js';
import {
  coerce,
  parseHash,
  parseLink,
  serialize,
  linkOf,
  same,
  isAnchorHash,
} from './state-link.js';
import { createLock } from './locks.js';

/** The URL is written once the state has not changed for this long (ms)... */
export const HASH_DELAY_MS = 250;
/** ...or at the latest this long after the first change it does not show yet (ms). */
export const HASH_MAX_DELAY_MS = 1000;

/** The starting state: the URL's link, or options.initial (a hash or a {field: value} object). */
function initialState(initial, useHash) {
  if (useHash) return parseLink(location.hash);
  if (!initial || typeof initial !== 'object') return parseHash(String(initial ?? ''));
  const state = parseHash('');
  for (const [k, v] of Object.entries(initial)) {
    const row = rowOf(k);
    if (row) state[k] = coerce(row, v);
  }
  return state;
}

/**
 * The URL hash of the full page, following the state: written once the state
 * has held for HASH_DELAY_MS (at the latest HASH_MAX_DELAY_MS after the first
 * change not yet written). A same-document navigation costs the main thread
 * several milliseconds and the browser also reloads the favicon: that stays
 * off the path from an input to its frame, a drag writes the URL once, when
 * it stops, and never reaches the browser's navigation throttle. Read back on
 * hashchange (onLink(hash)); an in-page anchor's hash is replaced by the
 * state's again.
 */
function followHash(currentLink, onLink) {
  let writing = false;
  let pendingWrite = 0;
  let firstPending = 0; // when the oldest change not yet in the URL was made
  function write() {
    const url = `${location.pathname}${location.search}#${currentLink()}`;
    writing = true;
    try {
      history.replaceState(history.state, '', url);
    } catch {
      /* e.g. file:// in some browsers */
    }
    writing = false;
  }
  function flush() {
    clearTimeout(pendingWrite);
    pendingWrite = 0;
    firstPending = 0;
    write();
  }
  const onPageHide = () => pendingWrite && flush();
  const onHashChange = () => {
    if (writing) return;
    // an in-page link: the browser has scrolled to it; the URL goes back to the state
    if (isAnchorHash(location.hash)) flush();
    else onLink(location.hash);
  };
  window.addEventListener('pagehide', onPageHide);
  window.addEventListener('hashchange', onHashChange);
  return {
    schedule() {
      const now = performance.now();
      if (!pendingWrite) firstPending = now;
      clearTimeout(pendingWrite);
      const wait = Math.min(HASH_DELAY_MS, firstPending + HASH_MAX_DELAY_MS - now);
      pendingWrite = setTimeout(flush, Math.max(0, wait));
    },
    flush: () => pendingWrite && flush(),
    get pending() {
      return pendingWrite !== 0;
    },
    destroy() {
      clearTimeout(pendingWrite);
      window.removeEventListener('hashchange', onHashChange);
      window.removeEventListener('pagehide', onPageHide);
    },
  };
}

/** Calls every listener of a set with args; one that throws does not stop the others. */
function callAll(set, ...args) {
  for (const fn of [...set]) {
    try {
      fn(...args);
    } catch (e) {
      console.error(e);
    }
  }
}

/**
 * The live state of one playground. options.initial: a hash string or a
 * {field: value} object (over the defaults); options.hash: true to start from
 * location.hash, write every change back to it (history.replaceState) and
 * follow hashchange (only the full page does; an embedded instance never
 * touches the URL). options.locked: rows that keep their starting value
 * whatever changes the state (locks.js). options.resetTo: what reset() goes
 * back to, 'start' (the starting state) or 'defaults'; by default an
 * instance that owns the URL resets to the defaults, any other to its start.
 */
export function createStore({ initial = '', hash = false, locked = [], resetTo } = {}) {
  const useHash = hash && typeof location !== 'undefined' && typeof history !== 'undefined';
  const state = initialState(initial, useHash);
  const lock = createLock(locked, state);
  let startHash = (resetTo ?? (useHash ? 'defaults' : 'start')) === 'start' ? serialize(state) : '';
  const listeners = new Set();
  const refusals = new Set();
  const url = useHash
    ? followHash(
        () => linkOf(state),
        (h) => loadHash(h, { link: true }),
      )
    : null;

  function notify(changed) {
    if (!changed.size) return;
    callAll(listeners, state, changed);
    url?.schedule();
  }

  function refused(list) {
    if (!list.length) return;
    url?.schedule(); // a link that asked for other values shows the kept ones
    callAll(refusals, list);
  }

  /** Sets the fields of patch (values already valid); returns the names that changed. */
  function apply(patch) {
    const changed = new Set();
    for (const [name, v] of Object.entries(patch)) {
      if (!same(v, state[name])) {
        state[name] = v;
        changed.add(name);
      }
    }
    notify(changed);
    return changed;
  }

  function update(patch) {
    const next = {};
    const refusedRows = [];
    for (const [name, raw] of Object.entries(patch)) {
      const row = rowOf(name);
      if (!row) continue;
      const v = coerce(row, raw);
      if (lock.refuse(name, v)) refusedRows.push({ name, wanted: v, kept: lock.value(name) });
      else next[name] = v;
    }
    const changed = apply(next);
    refused(refusedRows);
    return changed;
  }

  /** Loads a hash (today's format unless it has `v`); link: true reads it as a link (parseLink). */
  function loadHash(h, { link = false } = {}) {
    const next = link ? parseLink(h) : parseHash(h);
    const refusedRows = lock.keep(next);
    const changed = apply(next);
    refused(refusedRows);
    return changed;
  }

  /** The fields of patch join the starting state (and the state now), locked or not. */
  function extendStart(patch) {
    const start = parseHash(startHash);
    for (const [name, raw] of Object.entries(patch)) {
      const row = rowOf(name);
      if (row) start[name] = coerce(row, raw);
    }
    return restart(serialize(start), Object.keys(patch));
  }

  /**
   * A new starting state (hash h): the locked rows take its values and
   * reset() returns to it. rows: only these fields change now (the others
   * keep what the student made of them); default: the whole state.
   */
  function restart(h, rows = null) {
    startHash = String(h ?? '').replace(/^#/, '');
    const start = parseHash(startHash);
    lock.rebase(start);
    const names = rows ? rows.filter((n) => rowOf(n) !== undefined) : PROPS.map((r) => r.name);
    return apply(Object.fromEntries(names.map((n) => [n, start[n]])));
  }

  return {
    state,
    usesHash: useHash,
    update,
    set: (name, value) => update({ [name]: value }),
    loadHash,
    reset: () => loadHash(startHash),
    restart,
    extendStart,
    /** True for a row that keeps its starting value (locked, or carried by a locked row). */
    isLocked: (name) => lock.has(name),
    /** fn([{name, wanted, kept}]) whenever a change would have moved a locked row. */
    onRefused(fn) {
      refusals.add(fn);
      return () => refusals.delete(fn);
    },
    /** The value a locked row keeps. */
    lockedValue: (name) => lock.value(name),
    /** The state's link hash (`v=1&...`): what the URL holds and a fresh load reads back. */
    serialize: () => linkOf(state),
    /** Writes a pending change to the URL now. */
    flushHash: () => url?.flush(),
    /** True while a change waits to be written to the URL. */
    get hashPending() {
      return Boolean(url?.pending);
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    destroy() {
      listeners.clear();
      refusals.clear();
      url?.destroy();
    },
  };
}
