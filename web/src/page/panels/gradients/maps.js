// Rows of diverging-colour map figures (canvas, caption, legend), reused
// between results: dL/dX per channel, batch norm's output and its dL/dy.
import { drawDiverging, makeLegend, fmt } from '../../render.js';
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

/**
 * n maps of h x w from data (map i at i * h * w) into container's figures:
 * names[i] as the caption, `label names[i]` in the canvas's label, class cls,
 * one shared colour range (or each map's own when range is undefined).
 */
export function drawMaps(container, data, { n, h, w, names, label, cls, range }) {
  while (container.children.length > n) container.lastChild.remove();
  for (let i = 0; i < n; i++) {
    const fig = mapFigure(container, i, cls);
    const cv = fig.querySelector('canvas');
    const res = drawDiverging(cv, data, h, w, { offset: i * h * w, range });
    fig.legend.update(res);
    fig.querySelector('figcaption').textContent = names[i];
    cv.setAttribute(
      'aria-label',
      `${label} ${names[i]}, ${w} × ${h}, from ${fmt(res.min)} to ${fmt(res.max)}`,
    );
  }
}
