// A lecture step scrolls to its panel while the step's own results are still being
// drawn (more maps above it, a larger step-through grid): for ten seconds, each
// time the instance's height changes, the panel is brought back to the top of the
// screen, until the student scrolls, taps or types.
const FOLLOW_MS = 10000;

/** Returns follow(id): scroll to section id now and keep it there while the page settles. */
export function followPanel(ctx) {
  let target = null,
    until = 0;
  const stop = () => {
    target = null;
  };
  for (const type of ['wheel', 'touchstart', 'keydown', 'pointerdown']) {
    ctx.listen(window, type, stop, { passive: true, capture: true });
  }
  if (typeof ResizeObserver !== 'undefined') {
    const ro = new ResizeObserver(() => {
      if (!target || performance.now() > until) return;
      ctx.goTo(target, { focus: false });
    });
    ro.observe(ctx.root);
    ctx.onDestroy(() => ro.disconnect());
  }
  return (id) => {
    target = id;
    until = performance.now() + FOLLOW_MS;
    ctx.goTo(id, { focus: false });
  };
}
