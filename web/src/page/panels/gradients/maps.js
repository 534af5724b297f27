// Rows of diverging-colour map figures (canvas, caption, legend), reused
// between results: dL/dX per channel, batch norm's output and its dL/dy. The
// worker draws them (worker/draw/gradients.js): each canvas gets its picture
// with one call; without one, the page draws the map from the data.
import { drawDiverging, drawPicture, makeLegend, fmt } from '../../render.js';
import { el } from '../../dom.js';

export const CHANNEL_NAMES = ['R', 'G', 'B'];

/** Channel c's name among d1 channels ('grey' for one). */
export const channelName = (c, d1) => (d1 === 1 ? 'grey' : CHANNEL_NAMES[c]);

function mapFigure(container, i, cls) {
  let fig = container.children[i];
  if (!fig) {
    fig = el('figure', { class: `map ${cls}` }, el('canvas', { role: 'img' }), el('figcaption'));
    fig.legend = makeLegend();
    fig.append(fig.legend);
    container.append(fig);
  }
  return fig;
}

/** Map i on canvas cv: the worker's picture pics[i] (and its legend), else drawn from data. */
function drawOne(cv, data, i, { h, w, range, pics }) {
  const pic = pics?.[i];
  if (pic && pic.w === w && pic.h === h && drawPicture(cv, pic)) return pic;
  return drawDiverging(cv, data, h, w, { offset: i * h * w, range });
}

/**
 * n maps of h x w from data (map i at i * h * w) into container's figures:
 * names[i] as the caption, `label names[i]` in the canvas's label, class cls,
 * one shared colour range (or each map's own when range is undefined). pics:
 * the worker's pictures of these maps (drawn for the same ranges), if any.
 */
export function drawMaps(container, data, { n, h, w, names, label, cls, range, pics }) {
  while (container.children.length > n) container.lastChild.remove();
  for (let i = 0; i < n; i++) {
    const fig = mapFigure(container, i, cls);
    const cv = fig.querySelector('canvas');
    const res = drawOne(cv, data, i, { h, w, range, pics });
    fig.legend.update(res);
    fig.querySelector('figcaption').textContent = names[i];
    cv.setAttribute(
      'aria-label',
      `${label} ${names[i]}, ${w} × ${h}, from ${fmt(res.min)} to ${fmt(res.max)}`,
    );
  }
}
