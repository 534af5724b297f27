// Small DOM builders shared by the page's modules.

/**
 * el('div', {class: 'a', text: 'b', 'aria-label': 'c'}, ...children): attributes
 * with null/undefined/false left out and true written as '', then the children
 * (nodes or strings; null and undefined skipped).
 */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (v !== undefined && v !== null && v !== false)
      e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/** textEl('span', 'cls', 'text'): an element with a class and a text. */
export function textEl(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Resolves in a new task: pending input events and a frame may come first. */
export function nextTask() {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(null);
  });
}

/** Sets el's text when it differs (the same text again would still cost a layout). */
export function setText(e, text) {
  if (e.textContent !== text) e.textContent = text;
}
