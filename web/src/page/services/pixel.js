// The inspected output pixel: the one pinned in the state (row 'at', "k.y.x")
// or else the one hovered (or moved to with the arrow keys) on a feature map.
// The volume panel reports the hovered pixel; the inspector and the overlay
// on the padded input follow it (ctx.pixel, playground.d.ts PixelService).

/** Parses the state's pinned pixel "k.y.x" -> {k, y, x} or null. */
export function parsePin(at) {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(at || '');
  return m ? { k: Number(m[1]), y: Number(m[2]), x: Number(m[3]) } : null;
}

/**
 * The pixel service of one instance. store: its state store; result(): the last
 * layer result drawn (or null).
 */
export function createPixel({ store, result }) {
  const listeners = new Set();
  let hovered = null;
  return Object.freeze({
    /** The hovered pixel {k, y, x}, or null. */
    get hovered() {
      return hovered;
    },
    /** Reports the hovered pixel (null: none); every onHover listener is called. */
    hover(pixel) {
      hovered = pixel;
      for (const fn of [...listeners]) fn(pixel);
    },
    /** fn(pixel) after every hover(); returns the function that stops it. */
    onHover(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** The pinned pixel of the state, or null. */
    pinned: () => parsePin(store.state.at),
    /** Pins pixel p, or unpins it when it is the pinned one. */
    toggle(p) {
      const at = `${p.k}.${p.y}.${p.x}`;
      store.set('at', store.state.at === at ? '' : at);
    },
    unpin: () => store.set('at', ''),
    /** The pinned pixel, else the hovered one, when it lies in the last result's output. */
    target() {
      const t = parsePin(store.state.at) || hovered;
      const r = result();
      if (!t || !r || !r.output) return null;
      const [, K, H2, W2] = r.output.shape;
      if (t.k >= K || t.y >= H2 || t.x >= W2) return null;
      return t;
    },
  });
}
