// Whether any of some elements is on screen: one IntersectionObserver per use,
// disconnected with the instance. The phone's layer bar and the pinned
// inspector's sheet follow the panels they belong to with it.

/**
 * Calls fn(true | false) each time "any of elements intersects the viewport (shrunk by
 * margin, a CSS rootMargin)" changes, first once they are observed. Without
 * IntersectionObserver, fn(true) once.
 */
export function watchOnScreen(ctx, elements, fn, { margin = '0px' } = {}) {
  if (typeof IntersectionObserver === 'undefined') {
    fn(true);
    return;
  }
  const seen = new Set();
  let last = null;
  const io = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (e.isIntersecting) seen.add(e.target);
        else seen.delete(e.target);
      }
      const on = seen.size > 0;
      if (on === last) return;
      last = on;
      fn(on);
    },
    { rootMargin: margin },
  );
  for (const e of elements) if (e) io.observe(e);
  ctx.onDestroy(() => io.disconnect());
}
