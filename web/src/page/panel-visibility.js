// Which panels are on screen, for the runner (runner.js): the panels a result
// shows on screen are drawn before its frame, the others in the tasks after it.
// One IntersectionObserver per instance watches each panel's section once it
// is asked about; the first time, the section's box says.

/** Whether el's box is within margin px of the viewport now (a layout, once per section). */
function boxOnScreen(el, margin) {
  const r = el.getBoundingClientRect();
  const view = el.ownerDocument.defaultView;
  if (!r.width && !r.height) return false; // hidden
  return (
    r.bottom >= -margin &&
    r.top <= view.innerHeight + margin &&
    r.right >= -margin &&
    r.left <= view.innerWidth + margin
  );
}

/**
 * onScreen(el): true when el is within margin px of the viewport, as last
 * reported (and for no element, or without IntersectionObserver).
 * disconnect() stops watching.
 */
export function createVisibility({ margin = 100 } = {}) {
  if (typeof IntersectionObserver === 'undefined') return { onScreen: () => true, disconnect() {} };
  const known = new WeakMap(); // section -> on screen (as the observer last said)
  const io = new IntersectionObserver(
    (entries) => {
      for (const e of entries) known.set(e.target, e.isIntersecting);
    },
    { rootMargin: `${margin}px` },
  );
  return {
    onScreen(el) {
      if (!el) return true;
      if (!known.has(el)) {
        known.set(el, boxOnScreen(el, margin));
        io.observe(el);
      }
      return known.get(el);
    },
    disconnect: () => io.disconnect(),
  };
}
