// The line that tells the student a change kept the page's locked values
// (common/locks.js): "Locked by this page: the kernel size F (5) stays as it
// is." It sticks to the bottom of the screen while the playground is in view
// (so it is seen beside the button that was pressed, far down the page), is a
// status for screen readers, and leaves at the next change that moved nothing
// locked, or with its close button.
import { refusalText } from '../common/locks.js';

const SAME_ACTION_MS = 1000;

/** Shows store's refusals in element p; returns the function that stops. */
export function showRefusals(store, p) {
  if (!p) return () => {};
  const doc = p.ownerDocument;
  const text = doc.createElement('span');
  const close = doc.createElement('button');
  close.type = 'button';
  close.className = 'cp-lock-close';
  close.textContent = 'OK';
  close.setAttribute('aria-label', 'Close the notice about locked values');
  p.replaceChildren(text, ' ', close);
  const hide = () => {
    p.hidden = true;
  };
  close.addEventListener('click', hide);
  let refusedNow = false; // changes right after a refusal belong to the same action
  let quiet = 0;
  const offRefused = store.onRefused((list) => {
    refusedNow = true;
    text.textContent = refusalText(list, store.lockedValue);
    p.hidden = false;
    clearTimeout(quiet);
    quiet = setTimeout(() => {
      refusedNow = false;
    }, SAME_ACTION_MS);
  });
  const offChange = store.subscribe(() => {
    if (!refusedNow) hide();
  });
  return () => {
    clearTimeout(quiet);
    offRefused();
    offChange();
    close.removeEventListener('click', hide);
  };
}
