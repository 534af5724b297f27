// The network lab's own classes as the page keeps them: own is
// [{name, images: [{bytes, url, from, blob}]}]. The names are a row of the
// state (nncls: the link holds them); the pictures stay in the page.
export const namesOf = (own) => own.map((c) => c.name);

/** Makes own hold one class per name (keeping the pictures of the classes kept); true if it changed. */
export function syncOwn(own, names) {
  let changed = own.length !== names.length;
  own.splice(names.length);
  names.forEach((name, i) => {
    if (!own[i]) own[i] = { name, images: [] };
    else if (own[i].name !== name) {
      own[i].name = name;
      changed = true;
    }
  });
  return changed;
}

/**
 * The first rule of the class set that own breaks, or null: the module's
 * rules and message (the lab's worker job, asked with the pictures' sizes).
 */
export async function ownProblem(engine, own) {
  const classes = own.map((c) => ({
    name: c.name,
    images: c.images.map((i) => i.bytes.byteLength),
  }));
  return (await engine.nnlab({ op: 'classSet', lab: 'own', classes })).problem;
}

/** One line on the set: classes, pictures, and what the link keeps of it. */
export function ownSummary(own) {
  const total = own.reduce((n, c) => n + c.images.length, 0);
  const classes = `${own.length} ${own.length === 1 ? 'class' : 'classes'}`;
  const pictures = `${total} ${total === 1 ? 'picture' : 'pictures'}`;
  const kept = total
    ? ' The pictures stay in this page: its link keeps the class names only, so whoever opens the link adds pictures again.'
    : '';
  return `${classes}, ${pictures}.${kept}`;
}
