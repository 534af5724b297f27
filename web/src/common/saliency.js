// The saliency picture of the gradients panel, for both threads (like
// colormap.js): the worker draws it (worker/draw/gradients.js), the page only
// when it has no picture of the worker's; both fill the same bytes.

// the saliency's tint over the greyed image
const LIT = [230, 85, 13];

/**
 * The saliency picture's RGBA bytes: max over the channels of |dL/dX| tinted
 * over the greyed image x (d1 planes of hw values in [0, 1]), tint ~ sqrt(v /
 * m) so that small gradients stay visible. m: the largest saliency.
 */
export function fillSaliency(px, saliency, x, d1, hw, m) {
  for (let i = 0; i < hw; i++) {
    let lum = 0;
    for (let c = 0; c < d1; c++) lum += x[c * hw + i];
    const grey = 70 + 110 * (lum / d1); // the greyed image: low contrast
    const a = m > 0 ? Math.sqrt(saliency[i] / m) : 0;
    px[4 * i] = grey * (1 - a) + LIT[0] * a;
    px[4 * i + 1] = grey * (1 - a) + LIT[1] * a;
    px[4 * i + 2] = grey * (1 - a) + LIT[2] * a;
    px[4 * i + 3] = 255;
  }
}

/**
 * The lit pixels of the saliency (above 1e-7 of its largest m): how many, and
 * their box {y0, y1, x0, x1} (y1 < 0: none).
 */
export function litPixels(sal, h1, w1, m) {
  const box = { y0: h1, y1: -1, x0: w1, x1: -1 };
  let count = 0;
  if (!(m > 0)) return { count, box };
  for (let y = 0; y < h1; y++) {
    for (let x = 0; x < w1; x++) {
      if (!(sal[y * w1 + x] > 1e-7 * m)) continue;
      count++;
      if (y < box.y0) box.y0 = y;
      if (y > box.y1) box.y1 = y;
      if (x < box.x0) box.x0 = x;
      if (x > box.x1) box.x1 = x;
    }
  }
  return { count, box };
}
