// The lab's element builder: ids (and for / aria-describedby) carry the
// instance's prefix, so several playgrounds on one page never clash.

/** An element builder whose ids (and for / aria-describedby) carry the instance's prefix p. */
export function builder(p) {
  return function h(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === false || v === null || v === undefined) continue;
      if (k === 'class') e.className = v;
      else if (k === 'id') {
        e.id = p + v;
        e.dataset.part = v;
      } else if (k === 'for' || k === 'aria-describedby')
        e.setAttribute(
          k,
          String(v)
            .split(' ')
            .map((x) => p + x)
            .join(' '),
        );
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
    return e;
  };
}

export function listText(arr) {
  return arr.map((v) => String(v)).join(', ');
}
