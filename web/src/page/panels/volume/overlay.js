// The overlay over the padded input: the padding frame, the image's border
// (dashed), and the receptive field of the inspected output pixel (its window of
// F1 x F2 taps, dilated, and the cross-hair through it), drawn from the result.

/** The padding frame and the dashed border of the image (k canvas pixels per input pixel). */
function drawFrame(g2, canvas, { k, ph, pw, h1, w1 }) {
  const at = (v) => Math.round(v * k); // whole canvas pixels
  const [top, bottom, left, right] = [at(ph), at(ph + h1), at(pw), at(pw + w1)];
  g2.fillStyle = 'rgba(255, 255, 255, 0.28)';
  g2.fillRect(0, 0, canvas.width, top);
  g2.fillRect(0, bottom, canvas.width, canvas.height - bottom);
  g2.fillRect(0, top, left, bottom - top);
  g2.fillRect(right, top, canvas.width - right, bottom - top);
  g2.setLineDash([4, 3]);
  g2.strokeStyle = '#fff';
  g2.lineWidth = 1;
  g2.strokeRect(left + 0.5, top + 0.5, right - left - 1, bottom - top - 1);
  g2.setLineDash([]);
}

/** The window of output pixel t (its taps, a cross-hair, a box); px: canvas pixels per CSS pixel. */
function drawWindow(g2, canvas, r, t, k, px) {
  const { fh, fw, sh, sw, dil } = r.layer;
  const y0 = t.y * sh,
    x0 = t.x * sw;
  g2.fillStyle = 'rgba(255, 221, 0, 0.55)';
  // whole canvas pixels: neighbouring taps meet without a seam at any scale
  const at = (v) => Math.round(v * k);
  for (let a = 0; a < fh; a++) {
    const y = y0 + a * dil;
    for (let b = 0; b < fw; b++) {
      const x = x0 + b * dil;
      g2.fillRect(at(x), at(y), at(x + 1) - at(x), at(y + 1) - at(y));
    }
  }
  const ek = r.geometry.h.effectiveKernel,
    ekw = r.geometry.w.effectiveKernel;
  const cx = (x0 + ekw / 2) * k,
    cy = (y0 + ek / 2) * k;
  g2.strokeStyle = 'rgba(255, 221, 0, 0.8)';
  g2.lineWidth = 1.5 * px;
  g2.beginPath();
  g2.moveTo(0, cy);
  g2.lineTo(x0 * k - 3 * px, cy);
  g2.moveTo((x0 + ekw) * k + 3 * px, cy);
  g2.lineTo(canvas.width, cy);
  g2.moveTo(cx, 0);
  g2.lineTo(cx, y0 * k - 3 * px);
  g2.moveTo(cx, (y0 + ek) * k + 3 * px);
  g2.lineTo(cx, canvas.height);
  g2.stroke();
  const m = 2 * px;
  g2.lineWidth = 3 * px;
  g2.strokeStyle = '#000';
  g2.strokeRect(x0 * k - m, y0 * k - m, ekw * k + 2 * m, ek * k + 2 * m);
  g2.lineWidth = 1.5 * px;
  g2.strokeStyle = '#ffdd00';
  g2.strokeRect(x0 * k - m, y0 * k - m, ekw * k + 2 * m, ek * k + 2 * m);
}

/**
 * What drawOverlay would draw with these arguments, as a string: the same key draws the same
 * picture (a step of F without an inspected pixel keeps it: the canvas is left alone).
 */
export function overlayKey(canvas, r, t, { scale, ph, pw, px }) {
  const size = `${canvas.width}x${canvas.height}|${scale}|${px}`;
  if (!r) return `${size}|none`;
  const [, , h1, w1] = r.input.shape;
  const frame = `${size}|${h1}x${w1}|${ph}|${pw}`;
  if (!t || r.error || !r.geometry) return frame;
  const { fh, fw, sh, sw, dil } = r.layer;
  const ek = `${r.geometry.h.effectiveKernel}x${r.geometry.w.effectiveKernel}`;
  return `${frame}|${t.y}.${t.x}|${fh}x${fw}|${sh}x${sw}|${dil}|${ek}`;
}

/**
 * Draws the overlay of result r (or clears it when r is null) on canvas: scale canvas
 * pixels per input pixel, ph / pw pixels of padding, t the inspected pixel or null,
 * px canvas pixels per CSS pixel (the lines' widths are in CSS pixels).
 */
export function drawOverlay(canvas, r, t, { scale, ph, pw, px }) {
  const g2 = canvas.getContext('2d');
  g2.clearRect(0, 0, canvas.width, canvas.height);
  if (!r) return;
  const [, , h1, w1] = r.input.shape;
  if (ph || pw) drawFrame(g2, canvas, { k: scale, ph, pw, h1, w1 });
  if (!t || r.error || !r.geometry) return;
  drawWindow(g2, canvas, r, t, scale, px);
}
