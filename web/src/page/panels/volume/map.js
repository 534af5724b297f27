// One feature map's figure: the canvas, its caption and legend, and the
// pointer and keys over its pixels. Hovering (or moving with the arrow keys)
// reports the pixel to ctx.pixel (the inspector follows it); a click, Enter or
// Space pins it (state 'at'), Escape unpins.
import { makeLegend } from '../../render.js';
import { textEl as el } from '../../dom.js';

/** The output's [H2, W2] of the last result, or null. */
function outputSize(ctx) {
  const r = ctx.result;
  if (!r || !r.output) return null;
  const [, , H2, W2] = r.output.shape;
  return [H2, W2];
}

const clamp = (v, n) => Math.max(0, Math.min(n - 1, v));

/** The keyboard over map k: arrows move the cursor (Shift: by 10), Enter/Space pin, Escape unpins. */
function onKey(ctx, cursor, k, e) {
  const size = outputSize(ctx);
  if (!size) return;
  const [H2, W2] = size;
  const step = e.shiftKey ? 10 : 1;
  let { y, x } = cursor.at.k === k ? cursor.at : { y: 0, x: 0 };
  if (e.key === 'ArrowLeft') x -= step;
  else if (e.key === 'ArrowRight') x += step;
  else if (e.key === 'ArrowUp') y -= step;
  else if (e.key === 'ArrowDown') y += step;
  else if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    ctx.pixel.toggle({ k, y: cursor.at.y, x: cursor.at.x });
    return;
  } else if (e.key === 'Escape') {
    ctx.pixel.unpin();
    return;
  } else return;
  e.preventDefault();
  cursor.at = { k, y: clamp(y, H2), x: clamp(x, W2) };
  ctx.pixel.hover({ ...cursor.at });
}

/**
 * The figure of map k; cursor: {at: {k, y, x}}, the keyboard's pixel shared by
 * the maps. Returns {fig, cv, cap, legend}.
 */
export function createMap(ctx, k, cursor) {
  const fig = el('figure', 'map');
  const cv = el('canvas', 'fmap');
  cv.tabIndex = 0;
  cv.dataset.k = String(k);
  const cap = el('figcaption');
  const legend = makeLegend();
  fig.append(cv, cap, legend);
  const pos = (e) => {
    const size = outputSize(ctx);
    if (!size) return null;
    const [H2, W2] = size;
    const rect = cv.getBoundingClientRect();
    // one CSS pixel -> one map pixel: the pixel under the pointer's position
    const x = Math.floor(((e.clientX - rect.left) / rect.width) * W2);
    const y = Math.floor(((e.clientY - rect.top) / rect.height) * H2);
    return { k, y: clamp(y, H2), x: clamp(x, W2) };
  };
  cv.addEventListener('pointermove', (e) => {
    const p = pos(e);
    if (p) {
      cursor.at = p;
      ctx.pixel.hover(p);
    }
  });
  // a finger has no hover: the pixel under it becomes the keyboard cursor before the tap
  // focuses the map (focus shows the cursor's pixel)
  cv.addEventListener('pointerdown', (e) => {
    const p = pos(e);
    if (p) cursor.at = p;
  });
  cv.addEventListener('pointerleave', () => ctx.pixel.hover(null));
  cv.addEventListener('click', (e) => {
    // the pixel under the click (a tap's focus may have announced another one meanwhile)
    const hovered = ctx.pixel.hovered;
    const p = pos(e) ?? (hovered && hovered.k === k ? hovered : null);
    if (p) ctx.pixel.toggle(p);
  });
  cv.addEventListener('focus', () => {
    if (cursor.at.k !== k) cursor.at = { k, y: 0, x: 0 };
    ctx.pixel.hover({ ...cursor.at });
  });
  cv.addEventListener('blur', () => ctx.pixel.hover(null));
  cv.addEventListener('keydown', (e) => onKey(ctx, cursor, k, e));
  return { fig, cv, cap, legend };
}
