// dL/dX: the saliency picture (max over the channels of |dL/dX|, tinted over
// the greyed image), its zoom on the lit pixels (zoom.js) and one diverging
// map per input channel.
import { fmt, rangeOf, drawPicture } from '../../render.js';
import { fillSaliency, litPixels } from '../../../common/saliency.js';
import { el } from '../../dom.js';
import { drawMaps, channelName } from './maps.js';
import { mountZoom } from './zoom.js';

/**
 * The saliency of g drawn on canvas: the worker's picture when there is one,
 * else filled here from the data (image 1 of r). Returns {max, count, box}.
 */
function paintSaliency(canvas, g, r) {
  const pic = g.pictures?.saliency;
  if (pic && drawPicture(canvas, pic)) return pic;
  const [, d1, h1, w1] = r.input.shape;
  canvas.width = w1;
  canvas.height = h1;
  const c2 = canvas.getContext('2d');
  const img = c2.createImageData(w1, h1);
  const max = rangeOf(g.saliency).max;
  fillSaliency(img.data, g.saliency, r.input.data, d1, h1 * w1, max);
  c2.putImageData(img, 0, 0);
  return { max, ...litPixels(g.saliency, h1, w1, max) };
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
    const { max: m, count, box } = paintSaliency(salCanvas, g, r);
    zoom.update(g, r, salCanvas, box);
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
      pics: g.pictures?.dx,
    });
  }
  return { section, update };
}
