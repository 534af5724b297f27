// dL/dX: the saliency picture (max over the channels of |dL/dX|, tinted over
// the greyed image), its zoom on the lit pixels (zoom.js) and one diverging
// map per input channel.
import { fmt, rangeOf } from '../../render.js';
import { el } from '../../dom.js';
import { drawMaps, channelName } from './maps.js';
import { mountZoom } from './zoom.js';

const LIT = [230, 85, 13];

/** The saliency picture's RGBA pixels and how many pixels are lit; m: the largest saliency. */
function saliencyPixels(g, r, img, m) {
  const [, d1, h1, w1] = r.input.shape;
  const px = img.data;
  const hw = h1 * w1;
  let count = 0;
  for (let i = 0; i < hw; i++) {
    let lum = 0;
    for (let c = 0; c < d1; c++) lum += r.input.data[c * hw + i];
    const grey = 70 + 110 * (lum / d1); // the greyed image: low contrast
    const v = g.saliency[i];
    const a = m > 0 ? Math.sqrt(v / m) : 0; // tint ~ sqrt(|dL/dX| / max): small ones stay visible
    if (m > 0 && v > 1e-7 * m) count++;
    px[4 * i] = grey * (1 - a) + LIT[0] * a;
    px[4 * i + 1] = grey * (1 - a) + LIT[1] * a;
    px[4 * i + 2] = grey * (1 - a) + LIT[2] * a;
    px[4 * i + 3] = 255;
  }
  return count;
}

export function mountDx(ctx) {
  const id = ctx.id;
  const salCanvas = el('canvas', { class: 'g-saliency', role: 'img' });
  const salCaption = el('figcaption', { class: 'g-sal-caption' });
  const maps = el('div', { class: 'maps g-dx-maps' });
  const zoom = mountZoom();
  const title = el('h3', {
    id: id('g-dx-h'),
    'data-part': 'g-dx-h',
    text: 'dL/dX: which input pixels the loss depends on',
  });
  const section = el(
    'section',
    { class: 'g-sec g-dx', 'aria-labelledby': id('g-dx-h') },
    title,
    el(
      'div',
      { class: 'g-dx-row' },
      el(
        'div',
        { class: 'g-sal-col' },
        el('figure', { class: 'g-sal-fig' }, salCanvas, salCaption),
        zoom.fig,
      ),
      maps,
    ),
  );

  function drawSaliency(g, r) {
    const [, d1, h1, w1] = r.input.shape;
    if (salCanvas.width !== w1) salCanvas.width = w1;
    if (salCanvas.height !== h1) salCanvas.height = h1;
    const c2 = salCanvas.getContext('2d');
    const img = c2.createImageData(w1, h1);
    const m = rangeOf(g.saliency).max;
    const count = saliencyPixels(g, r, img, m);
    c2.putImageData(img, 0, 0);
    zoom.update(g, r, img.data, m);
    const hw = h1 * w1;
    salCanvas.dataset.lit = String(count);
    salCanvas.setAttribute(
      'aria-label',
      `saliency: max over the channels of |dL/dX| over the greyed image, ${w1} × ${h1}; ${count} pixel(s) with a non-zero gradient`,
    );
    salCaption.textContent = `|dL/dX| (max over the ${d1} channel${d1 > 1 ? 's' : ''}) over the greyed image: ${count.toLocaleString('en')} of ${hw.toLocaleString('en')} pixels have a non-zero gradient (largest ${fmt(m)}).`;
  }

  /** g: the gradients, r: the layer result they were computed for. */
  function update(g, r) {
    drawSaliency(g, r);
    const [nb, d1, h1, w1] = g.dxShape;
    title.textContent = `dL/dX: which input pixels the loss depends on${nb > 1 ? ` (image 1 of the batch of ${nb})` : ''}`;
    const names = Array.from({ length: d1 }, (_, c) =>
      d1 === 1 ? 'dL/dX grey' : `dL/dX channel ${channelName(c, d1)}`,
    );
    drawMaps(maps, g.dx, {
      n: d1,
      h: h1,
      w: w1,
      names,
      label: 'gradient',
      cls: 'g-dxmap',
      range: rangeOf(g.dx).absMax,
    });
  }
  return { section, update };
}
