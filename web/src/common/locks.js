// Locked rows of a playground: the values a teacher fixed (the element's
// locked= attribute, the iframe mode's ?locked=, mountPlayground's
// options.locked). The store (state.js createStore) keeps them at their
// starting value whatever changes the state: a control, Reset, a preset, the
// AlexNet exercise, a lecture step, an imported file, code. Only a new
// starting state (store.restart: the element's attributes changed) moves them.
//
//   const lock = createLock(['f', 'k'], startState);
//   lock.has('fw')                       // true: locking F fixes the kernel's width too
//   lock.keep(next)                      // puts the locked values back into a whole state
//   lock.refuse(name, value)             // true when value would move a locked row
//   refusalText(refused, lock.value)      // the sentence the page shows

/** Rows that a locked row carries with it (the kernel's and the stride's other axis). */
const GROUPS = { f: ['fw', 'fsep'], s: ['sw', 'ssep'] };

/** How the page names a row in a notice (the others by their own name). */
const LABELS = {
  img: 'the image',
  size: 'the working size',
  fit: 'the shape',
  grey: 'grey',
  batch: 'the batch',
  f: 'the kernel size F',
  fw: 'the kernel width F2',
  fsep: 'the kernel shape',
  p: 'the padding P',
  pad: 'the padding mode',
  s: 'the stride S',
  sw: 'the stride along columns S2',
  ssep: 'the stride shape',
  dil: 'the dilation',
  k: 'the number of filters K',
  mode: 'the operation',
  filters: 'the filters',
  bias: 'the biases',
};

function same(a, b) {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

const copy = (v) => (Array.isArray(v) ? v.slice() : v);

/** The locked names with the rows they carry, as a Set. */
export function lockedRows(names) {
  const rows = new Set();
  for (const n of names ?? []) {
    rows.add(n);
    for (const m of GROUPS[n] ?? []) rows.add(m);
  }
  return rows;
}

/** The lock of rows `names` at the values of state `start`. */
export function createLock(names, start) {
  const rows = lockedRows(names);
  let pinned = {};
  const rebase = (s) => {
    pinned = {};
    for (const name of rows) if (name in s) pinned[name] = copy(s[name]);
  };
  rebase(start);
  return {
    rows,
    has: (name) => rows.has(name),
    /** Moves the locked values to those of a new starting state. */
    rebase,
    /** True when value would change the locked row name. */
    refuse: (name, value) => name in pinned && !same(value, pinned[name]),
    /** The locked values put back into state `next`; returns [{name, wanted, kept}]. */
    keep(next) {
      const refused = [];
      for (const [name, kept] of Object.entries(pinned)) {
        if (same(next[name], kept)) continue;
        refused.push({ name, wanted: next[name], kept: copy(kept) });
        next[name] = copy(kept);
      }
      return refused;
    },
    value: (name) => copy(pinned[name]),
  };
}

function shown(v) {
  if (Array.isArray(v)) return v.join(', ');
  if (v === true) return 'on';
  if (v === false) return 'off';
  return String(v);
}

/** The row a refusal is reported under: the kernel's and the stride's other axis under F and S. */
function mainRow(name) {
  return Object.keys(GROUPS).find((m) => GROUPS[m].includes(name)) ?? name;
}

/** "the kernel size F (5) and the number of filters K (2)": rows by their main row, once each. */
export function describeLocked(names, values) {
  const main = [...new Set(names.map(mainRow))];
  const parts = main.map((n) => `${LABELS[n] ?? n} (${shown(values(n))})`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0];
}

/**
 * "Locked by this page: the kernel size F (5) and the number of filters K (2)
 * stay as they are." values(name) gives a row's kept value.
 */
export function refusalText(refused, values) {
  const names = refused.map((r) => r.name);
  const many = new Set(names.map(mainRow)).size > 1;
  return `Locked by this page: ${describeLocked(names, values)} ${many ? 'stay as they are' : 'stays as it is'}.`;
}
