// Puts freshly built nodes into a box by changing only what differs from what
// it shows: a node of the same kind (the same tag and class, or text) is kept
// and its text or children patched, anything else is replaced. A view that
// rebuilds a few lines of text per result (the formula) then costs the layout
// of the numbers that changed, not of the whole box.

/** True when node a can show b by patching (the same tag and attributes, or both text). */
function sameKind(a, b) {
  if (a.nodeType !== b.nodeType) return false;
  if (a.nodeType === Node.TEXT_NODE) return true;
  if (a.tagName !== b.tagName || a.attributes.length !== b.attributes.length) return false;
  for (const { name, value } of b.attributes) if (a.getAttribute(name) !== value) return false;
  return true;
}

/** Makes parent's children show nodes (built, not yet in the document). */
export function patchChildren(parent, nodes) {
  const old = parent.childNodes;
  nodes.forEach((n, i) => {
    const o = old[i];
    if (!o) parent.append(n);
    else if (!sameKind(o, n)) o.replaceWith(n);
    else if (o.nodeType === Node.TEXT_NODE) {
      if (o.data !== n.data) o.data = n.data;
    } else patchChildren(o, [...n.childNodes]);
  });
  while (old.length > nodes.length) parent.lastChild.remove();
}
