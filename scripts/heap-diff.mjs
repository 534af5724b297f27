// Compares two V8 heap snapshots (Chromium's .heapsnapshot JSON): the self
// size and count of each kind of object in both, largest growth first.
//
//   node scripts/heap-diff.mjs before.heapsnapshot after.heapsnapshot [rows]
//
// A kind is the node's type and, for objects, closures, native and code
// nodes, its name (the constructor's or the function's); strings and numbers
// are one kind each. The soak writes both files (SOAK_SNAPSHOT in
// tests/browser/soak.mjs).
import fs from 'node:fs';

const NAMED = new Set(['object', 'closure', 'native', 'code', 'hidden', 'array', 'synthetic']);

/** Map kind -> {size, count} of the snapshot in file. */
function kinds(file) {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8'));
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const at = (f) => fields.indexOf(f);
  const [iType, iName, iSize] = [at('type'), at('name'), at('self_size')];
  const { nodes, strings } = snap;
  const out = new Map();
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + iType]];
    const name = NAMED.has(type) ? String(strings[nodes[i + iName]]).slice(0, 80) : '';
    const kind = name ? `${type} ${name}` : type;
    const k = out.get(kind) ?? { size: 0, count: 0 };
    k.size += nodes[i + iSize];
    k.count += 1;
    out.set(kind, k);
  }
  return out;
}

const [a, b, rows = 30] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: node scripts/heap-diff.mjs before.heapsnapshot after.heapsnapshot [rows]');
  process.exit(2);
}
const before = kinds(a);
const after = kinds(b);
const none = { size: 0, count: 0 };
const diff = [...new Set([...before.keys(), ...after.keys()])].map((kind) => {
  const x = before.get(kind) ?? none;
  const y = after.get(kind) ?? none;
  return { kind, size: y.size - x.size, count: y.count - x.count, after: y.size };
});
diff.sort((p, q) => q.size - p.size);
const total = (m) => [...m.values()].reduce((s, k) => s + k.size, 0);
const kb = (x) => `${(x / 1024).toFixed(1)} kB`;
console.log(`total: ${kb(total(before))} -> ${kb(total(after))}`);
for (const d of diff.slice(0, Number(rows)))
  console.log(`${kb(d.size).padStart(12)} ${String(d.count).padStart(7)}  ${d.kind}`);
