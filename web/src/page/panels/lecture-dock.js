// The lecture's step bar: while a step is open, its number, title and text, and
// Previous / Next, stick to the bottom of the screen over whatever panel the step
// scrolled to (at every width), so the lecture never has to be scrolled back to.
// The text folds away ("Hide the text") and opens again with every new step. The
// bar's height is published as --cp-dock-h on the instance (the phone's inspector
// sheet sits above it).
import { el } from '../dom.js';

/**
 * Builds the bar at the end of the instance's element from the lecture's parts:
 * counter, textBox (title, text, sizes; it scrolls when long), buttons (a row; the
 * text's toggle goes in before toggleBefore). Returns {show(on), openText()}.
 */
export function mountDock(ctx, { counter, textBox, buttons, toggleBefore = null }) {
  textBox.id = ctx.id('lecture-text');
  const toggle = el('button', {
    type: 'button',
    class: 'cp-lec-toggle',
    'aria-expanded': 'true',
    'aria-controls': textBox.id,
  });
  // the step's number, Previous and Next first (one row on a phone), then the rest
  buttons.insertBefore(toggle, toggleBefore);
  const bar = el('div', { class: 'cp-lec-bar' }, counter, buttons);
  const dock = el(
    'div',
    {
      class: 'cp-lec-active cp-lec-dock',
      role: 'region',
      'aria-label': 'Lecture step',
      'data-part': 'lecture-dock',
    },
    textBox,
    bar,
  );
  ctx.root.append(dock);
  ctx.onDestroy(() => dock.remove());

  function setOpen(open) {
    textBox.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    toggle.textContent = open ? 'Hide the text' : 'Show the text';
  }
  toggle.addEventListener('click', () => setOpen(textBox.hidden));
  setOpen(true);

  const publish = () => {
    const h = dock.hidden ? 0 : dock.getBoundingClientRect().height;
    ctx.root.style.setProperty('--cp-dock-h', `${Math.round(h)}px`);
  };
  if (typeof ResizeObserver !== 'undefined') {
    const ro = new ResizeObserver(publish);
    ro.observe(dock);
    ctx.onDestroy(() => ro.disconnect());
  }

  return {
    show(on) {
      dock.hidden = !on;
      publish();
    },
    openText: () => setOpen(true),
  };
}
