// The first layer's filters (blue negative, red positive); a click opens the
// clicked filter in the layer panel (onOpen(k, y, x): filter k, pixel y, x).
import { el } from '../../dom.js';
import { divergingRgb } from '../../render.js';

/** Draws t ([K, C, F, F]) on canvas: one column per filter, one row per channel. */
function drawBank(canvas, t) {
  const [K, C, F] = t.shape;
  const scale = Math.max(4, Math.floor(48 / F));
  const cell = F * scale + 4;
  canvas.width = K * cell;
  canvas.height = C * cell;
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  let range = 0;
  for (const v of t.data) range = Math.max(range, Math.abs(v));
  for (let k = 0; k < K; k++) {
    for (let c = 0; c < C; c++) {
      for (let a = 0; a < F; a++) {
        for (let b = 0; b < F; b++) {
          const [r, gg, bb] = divergingRgb(t.data[((k * C + c) * F + a) * F + b], range);
          g.fillStyle = `rgb(${r},${gg},${bb})`;
          g.fillRect(k * cell + 2 + b * scale, c * cell + 2 + a * scale, scale, scale);
        }
      }
    }
  }
  canvas.dataset.drawn = String(K);
}

export function mountFilters(lab, onOpen) {
  const canvas = el('canvas', {
    class: 'cp-nn-filters',
    width: 8,
    height: 8,
    role: 'img',
    'aria-label': "The first layer's filters",
  });
  lab.ctx.listen(canvas, 'click', (e) => {
    const t = lab.run?.layers?.[0];
    if (!t) return;
    const K = Number(canvas.dataset.drawn);
    const b = canvas.getBoundingClientRect();
    const k = Math.min(K - 1, Math.floor(((e.clientX - b.left) / b.width) * K));
    const [, H, W] = t.output;
    onOpen(k, Math.floor(H / 2), Math.floor(W / 2));
  });
  const caption =
    "First layer's filters (blue negative, red positive); click one to open it in the layer panel";
  return {
    node: el('figure', {}, canvas, el('figcaption', { text: caption })),
    /** Draws the filters t ([K, C, F, F], from the worker); nothing when t is null. */
    draw(t) {
      if (t) drawBank(canvas, t);
    },
  };
}
