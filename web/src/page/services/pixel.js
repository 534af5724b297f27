// The inspected output pixel: the one pinned in the state (row 'at', "k.y.x")
// or else the one hovered (or moved to with the arrow keys) on a feature map.

/** Parses the state's pinned pixel "k.y.x" -> {k, y, x} or null. */
export function parsePin(at) {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(at || '');
  return m ? { k: Number(m[1]), y: Number(m[2]), x: Number(m[3]) } : null;
}
