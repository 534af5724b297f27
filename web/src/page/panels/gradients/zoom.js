// The zoom on the lit pixels of the saliency picture (when they are a small
// part of the image), with a margin that may reach outside the image (dark
// checker): there the padding lies, so zero padding shows a cut-off receptive
// field and reflect/replicate/circular padding show where its gradient was
// routed back. For one output pixel without batch norm, circles mark the
// kernel's taps.
import { el } from '../../dom.js';

/** The zoomed pixels: the saliency picture src (a canvas) inside the image, the checker outside. */
function paintPixels(c2, z, src, h1, w1) {
  for (let y = 0; y < z.h; y++) {
    for (let x = 0; x < z.w; x++) {
      const iy = z.y0 + y,
        ix = z.x0 + x;
      if (iy >= 0 && ix >= 0 && iy < h1 && ix < w1) continue;
      const v = (x + y) % 2 ? 40 : 62;
      c2.fillStyle = `rgb(${v}, ${v}, ${v + 10})`;
      c2.fillRect(x * z.k, y * z.k, z.k, z.k);
    }
  }
  // the part inside the image: its pixels scaled up k times, without smoothing
  const sx = Math.max(0, z.x0),
    sy = Math.max(0, z.y0);
  const sw = Math.min(w1, z.x0 + z.w) - sx,
    sh = Math.min(h1, z.y0 + z.h) - sy;
  c2.imageSmoothingEnabled = false;
  c2.drawImage(src, sx, sy, sw, sh, (sx - z.x0) * z.k, (sy - z.y0) * z.k, sw * z.k, sh * z.k);
}

/** The kernel's taps of output pixel g.pixel: at i·S − P + a·D, j·S − P + b·D. */
function paintTaps(c2, z, g, layer, h1, w1) {
  const { fh, fw, sh, sw, p: P, dil } = layer;
  c2.lineWidth = Math.max(1, z.k / 8);
  for (let a = 0; a < fh; a++) {
    for (let b = 0; b < fw; b++) {
      const iy = g.pixel.y * sh - P + a * dil,
        ix = g.pixel.x * sw - P + b * dil;
      const inside = iy >= 0 && ix >= 0 && iy < h1 && ix < w1;
      c2.strokeStyle = inside ? '#000' : '#ffdd00';
      c2.beginPath();
      c2.arc((ix - z.x0 + 0.5) * z.k, (iy - z.y0 + 0.5) * z.k, z.k * 0.28, 0, 2 * Math.PI);
      c2.stroke();
    }
  }
}

export function mountZoom() {
  const canvas = el('canvas', { class: 'g-zoom', role: 'img' });
  const caption = el('figcaption', { class: 'g-sal-caption' });
  const fig = el('figure', { class: 'g-sal-fig g-zoom-fig' }, canvas, caption);

  /** g: the gradients, r: the layer result, src: the saliency canvas, box: its lit pixels' box. */
  function update(g, r, src, box) {
    const [, , h1, w1] = r.input.shape;
    const { y0, y1, x0, x1 } = box;
    const bh = y1 - y0 + 1,
      bw = x1 - x0 + 1;
    if (y1 < 0 || bh * bw * 4 > h1 * w1) {
      fig.hidden = true;
      return;
    }
    fig.hidden = false;
    const margin = Math.max(3, Math.ceil(0.5 * Math.max(bh, bw)), r.layer.p);
    const z = { y0: y0 - margin, x0: x0 - margin, h: bh + 2 * margin, w: bw + 2 * margin };
    z.k = Math.max(1, Math.min(24, Math.floor(288 / Math.max(z.w, z.h))));
    canvas.width = z.w * z.k;
    canvas.height = z.h * z.k;
    const c2 = canvas.getContext('2d');
    paintPixels(c2, z, src, h1, w1);
    const taps = g.loss_kind === 'pixel' && !g.bnOn && z.k >= 6;
    if (taps) paintTaps(c2, z, g, r.layer, h1, w1);
    const outside = z.y0 < 0 || z.x0 < 0 || z.y0 + z.h > h1 || z.x0 + z.w > w1;
    canvas.setAttribute(
      'aria-label',
      `zoom on the pixels with a non-zero gradient: rows ${y0} to ${y1}, columns ${x0} to ${x1}`,
    );
    caption.textContent = `Zoom: rows ${y0}–${y1}, columns ${x0}–${x1} of the image (${bw} × ${bh})${outside ? '; dark checker = outside the image (the padding)' : ''}.${taps ? " Circles: the kernel's taps (yellow on the padding: their gradient goes to the pixel the padding copies, or nowhere for zero padding)." : ''}`;
  }
  return { fig, update };
}
