// The drawing pad: 28 x 28 grey values, light strokes on black as in
// Fashion-MNIST, a soft round brush of radius 1.5 pixels. onStroke(pixels)
// gets a copy of the drawing at the end of every stroke.
import { el } from '../../dom.js';
import { drawGrey } from '../../render.js';

const SIDE = 28;

/** One dab of the brush at (x, y) pixels: each pixel keeps its brightest value. */
function dab(drawing, x, y) {
  for (let i = Math.max(0, Math.floor(y - 2)); i <= Math.min(SIDE - 1, Math.ceil(y + 2)); i++) {
    for (let j = Math.max(0, Math.floor(x - 2)); j <= Math.min(SIDE - 1, Math.ceil(x + 2)); j++) {
      const d = Math.hypot(i + 0.5 - y, j + 0.5 - x);
      const v = Math.round(255 * Math.max(0, Math.min(1, 2 - d)));
      if (v > drawing[i * SIDE + j]) drawing[i * SIDE + j] = v;
    }
  }
}

export function mountPad(lab, onStroke) {
  const { ctx } = lab;
  const pad = el('canvas', {
    class: 'cp-nn-pad',
    width: SIDE,
    height: SIDE,
    'data-part': 'nn-pad',
    role: 'img',
    'aria-label': 'Draw an item here with the mouse or a finger (light on black, as Fashion-MNIST)',
  });
  const clear = el('button', { type: 'button', 'data-part': 'nn-clear' }, 'Clear');
  const drawing = new Uint8Array(SIDE * SIDE);
  let last = null; // the stroke's last point, or null between strokes
  const show = () =>
    drawGrey(
      pad,
      Float32Array.from(drawing, (v) => v / 255),
      SIDE,
      SIDE,
    );
  const at = (e) => {
    const b = pad.getBoundingClientRect();
    return [(SIDE * (e.clientX - b.left)) / b.width, (SIDE * (e.clientY - b.top)) / b.height];
  };
  ctx.listen(pad, 'pointerdown', (e) => {
    pad.setPointerCapture?.(e.pointerId);
    last = at(e);
    dab(drawing, ...last);
    show();
    e.preventDefault();
  });
  ctx.listen(pad, 'pointermove', (e) => {
    if (!last) return;
    const p = at(e);
    const n = Math.max(1, Math.ceil(Math.hypot(p[0] - last[0], p[1] - last[1]) / 0.5));
    for (let t = 1; t <= n; t++) {
      dab(drawing, last[0] + ((p[0] - last[0]) * t) / n, last[1] + ((p[1] - last[1]) * t) / n);
    }
    last = p;
    show();
  });
  const endStroke = () => {
    if (!last) return;
    last = null;
    onStroke(drawing.slice());
  };
  ctx.listen(pad, 'pointerup', endStroke);
  ctx.listen(pad, 'pointercancel', endStroke);
  ctx.listen(clear, 'click', () => {
    drawing.fill(0);
    show();
  });
  show();
  return {
    node: el(
      'div',
      { class: 'cp-nn-draw' },
      pad,
      el('span', {}, 'draw here (light on black) ', clear),
    ),
  };
}
