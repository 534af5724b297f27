// The gradients panel's pictures, drawn in the worker where the gradients are
// (like the layer's, pictures.js): dL/dX per input channel, the saliency
// picture over the greyed image, and with batch norm its output maps and the
// dL/dy it sends back, each as an ImageBitmap (or RGBA pixels where the worker
// has no OffscreenCanvas). The page draws each with one call, no per-pixel loop.
// Every map shows image 1 of the batch.
import { fillDiverging, mapScale, rangeOf } from '../../common/colormap.js';
import { fillSaliency, litPixels } from '../../common/saliency.js';
import { picture, pictureKind } from './pictures.js';

/**
 * n maps of plane values from data (map i at i * plane), w x h, each with its
 * legend {min, max, range, flat}: one shared range, or each map's own
 * (range undefined).
 */
export function divergingMaps(data, n, h, w, range, kind) {
  const plane = h * w;
  const maps = [];
  for (let i = 0; i < n; i++) {
    const legend = mapScale(rangeOf(data, i * plane, plane), range);
    const px = new Uint8ClampedArray(4 * plane);
    fillDiverging(new Uint32Array(px.buffer), data, i * plane, plane, legend.range);
    maps.push({ ...picture(px, w, h, kind), ...legend });
  }
  return maps;
}

/** The saliency picture of gradients g on image x ([N, C, H, W]: image 1's): {..picture, max, count, box}. */
function saliencyPicture(g, x, kind) {
  const [, d1, h1, w1] = g.dxShape;
  const hw = h1 * w1;
  const m = rangeOf(g.saliency).max;
  const px = new Uint8ClampedArray(4 * hw);
  fillSaliency(px, g.saliency, x.data, d1, hw, m);
  return { ...picture(px, w1, h1, kind), max: m, ...litPixels(g.saliency, h1, w1, m) };
}

/**
 * The pictures of the gradients g (jobs/gradients.js computeGradients) of the
 * layer's batch x: {kind, saliency, dx, bnOut, bnDy} (the batch norm's null
 * without it). dL/dX's channels share one range (over the batch), so do the
 * dL/dy maps; batch norm's output maps each have their own.
 */
export function gradientPictures(g, x, kind = pictureKind()) {
  const [, d1, h1, w1] = g.dxShape;
  const [, K, h2, w2] = g.outShape;
  const bn = Boolean(g.bnOut);
  return {
    kind,
    saliency: saliencyPicture(g, x, kind),
    dx: divergingMaps(g.dx, d1, h1, w1, rangeOf(g.dx).absMax, kind),
    bnOut: bn ? divergingMaps(g.bnOut, K, h2, w2, undefined, kind) : null,
    bnDy: bn ? divergingMaps(g.dyConv, K, h2, w2, rangeOf(g.dyConv).absMax, kind) : null,
  };
}

/** The gradients with their pictures (g.pictures) when the job asks for them ('bitmap' or 'pixels'). */
export function withGradientPictures(g, job, x) {
  const asked = job.pictures;
  if (asked !== 'bitmap' && asked !== 'pixels') return g;
  const t0 = performance.now();
  const pictures = gradientPictures(g, x, asked === 'bitmap' ? pictureKind() : 'pixels');
  return { ...g, pictures, drawMs: performance.now() - t0 };
}
