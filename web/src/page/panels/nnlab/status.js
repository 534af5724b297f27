// The lab's buttons (Train, Pause, Step, Reset, Compare), its status line and
// its error line: which buttons work in which state of the lab.
import { el } from '../../dom.js';

const button = (part, text, attrs = {}) =>
  el('button', { type: 'button', 'data-part': part, ...attrs }, text);

export function mountStatus(lab, id) {
  const buttons = {
    train: button('nn-train', 'Train', { class: 'primary' }),
    pause: button('nn-pause', 'Pause', { disabled: true }),
    step: button('nn-step', 'Step'),
    reset: button('nn-reset', 'Reset'),
    compare: button('nn-compare', 'Compare with and without batch norm'),
  };
  const status = el('p', { class: 'cp-nn-status', role: 'status', 'aria-live': 'polite' });
  const error = el('p', {
    id: id('nn-error'),
    'data-part': 'nn-error',
    class: 'message error',
    role: 'alert',
    hidden: true,
  });

  /** The lab's state (root's data-state) and, when given, the status line's text. */
  function setState(s, text) {
    lab.root.dataset.state = s;
    if (text !== undefined) status.textContent = text;
    const working = s === 'training' || s === 'loading';
    buttons.train.disabled = working;
    buttons.pause.disabled = s !== 'training';
    buttons.step.disabled = working;
    buttons.compare.disabled = working;
  }

  /** Shows e's message in the error line (and stops the run), or hides the line (e null). */
  function showError(e) {
    lab.running = false;
    error.textContent = e ? e.message : '';
    error.hidden = !e;
    if (e) setState('error');
  }

  return {
    buttons,
    nodes: [el('div', { class: 'cp-nn-buttons' }, ...Object.values(buttons)), status, error],
    setState,
    showError,
    get text() {
      return status.textContent;
    },
    set text(t) {
      status.textContent = t;
    },
  };
}
