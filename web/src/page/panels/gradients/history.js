// The loss before the first gradient step and after each step (shown from the first step on).
import { fmt } from '../../render.js';
import { el } from '../../dom.js';

function itemText(history, i) {
  const v = history[i];
  if (i === 0) return `before: L = ${fmt(v, 6)}`;
  const prev = history[i - 1];
  const trend = v < prev ? ' ↓' : v > prev ? ' ↑ (lr too large?)' : '';
  return `after step ${i}: L = ${fmt(v, 6)}${trend}`;
}

export function mountHistory() {
  const list = el('ol', { class: 'g-history', 'aria-label': 'the loss after each step' });
  /** history: the losses, before the first step then after each. */
  function update(history) {
    list.replaceChildren(
      ...history.map((v, i) =>
        el('li', { class: 'g-hist', 'data-value': String(v) }, itemText(history, i)),
      ),
    );
    list.hidden = history.length < 2;
  }
  return { list, update };
}
