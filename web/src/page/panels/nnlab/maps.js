// The feature maps of every layer for the input the lab shows (blue negative,
// red positive, white zero; each layer on its own scale). A click on a map of
// the first block (conv 1 to the first pooling) opens conv 1 in the layer
// panel (onOpen(k, y, x): map k, pixel y, x of conv 1); a deeper map says why
// it cannot. The pixels are painted only while the maps are near the screen
// (the last result kept is painted when they come near).
import { el } from '../../dom.js';
import { drawDiverging, rangeOf } from '../../render.js';
import { watchOnScreen } from '../../onscreen.js';

function fmtRange(data) {
  const { min, max } = rangeOf(data);
  return `${min.toPrecision(3)} to ${max.toPrecision(3)}`;
}

/** A figure of D empty canvases for map m (first: it belongs to the first block). */
function mapFigure(m, first, key) {
  const [D, H, W] = m.shape;
  const tiles = Array.from({ length: D }, (_, d) => {
    const c = el('canvas', {
      width: W,
      height: H,
      title: `${m.name}, map ${d + 1} of ${D}${first ? ': click to open conv 1 in the layer panel' : ''}`,
      'data-map': d,
      'data-layer': m.layer,
      'data-first': first ? '1' : '0',
      class: first ? 'cp-nn-openable' : null,
    });
    c.style.width = `${Math.max(W, H) === 1 ? 14 : Math.max(28, Math.round((56 * W) / 28))}px`;
    return c;
  });
  return el(
    'figure',
    { class: 'cp-nn-map', 'data-layer': m.layer, 'data-key': key },
    el('figcaption'),
    el('div', { class: 'cp-nn-tiles' }, ...tiles),
  );
}

// The figures of every layer's maps, kept while the shapes stay: new
// canvases at every redraw (about a hundred) made the garbage collector stop
// the page for a third of a second now and then.
function placeFigures(maps, list, firstBlock) {
  while (maps.children.length > list.length) maps.lastChild.remove();
  list.forEach((m, i) => {
    const [D, H, W] = m.shape;
    const first = m.layer <= firstBlock;
    const key = `${m.layer}|${m.name}|${D}|${H}|${W}|${first}`;
    const fig = maps.children[i];
    if (fig && fig.dataset.key === key) return;
    const made = mapFigure(m, first, key);
    if (fig) fig.replaceWith(made);
    else maps.append(made);
  });
  maps.dataset.layers = String(list.length);
}

/** The pixels and captions of the maps of list, in the figures placeFigures made. */
function paintMaps(maps, list) {
  list.forEach((m, i) => {
    const [D, H, W] = m.shape;
    const fig = maps.children[i];
    const { absMax } = rangeOf(m.data);
    const tiles = fig.lastChild.children;
    for (let d = 0; d < D; d++) {
      drawDiverging(tiles[d], m.data, H, W, { offset: d * H * W, range: absMax });
    }
    fig.firstChild.textContent = `${m.layer + 1}. ${m.name}: ${W} × ${H} × ${D}, values ${fmtRange(m.data)}`;
  });
}

/**
 * paint(list) paints list now when the maps are on screen (or within a
 * quarter screen of it), else keeps it and paints the last one kept when they come
 * near: a training run does not draw about a hundred canvases nobody sees.
 */
function paintWhenNear(ctx, maps) {
  let near = false;
  let waiting = null;
  watchOnScreen(
    ctx,
    [maps],
    (on) => {
      near = on;
      if (!on || !waiting) return;
      paintMaps(maps, waiting);
      waiting = null;
    },
    { margin: '25% 0px' },
  );
  return (list) => {
    waiting = near ? null : list;
    if (near) paintMaps(maps, list);
  };
}

export function mountMaps(lab, onOpen) {
  const maps = el('div', { class: 'cp-nn-maps' });
  const note = el('p', { class: 'cp-nn-map-note', 'aria-live': 'polite' });
  const paint = paintWhenNear(lab.ctx, maps);
  lab.ctx.listen(maps, 'click', (e) => {
    const tile = e.target.closest?.('canvas[data-map]');
    if (!tile) return;
    const { layers } = lab.run;
    const layer = Number(tile.dataset.layer);
    const d = Number(tile.dataset.map);
    const b = tile.getBoundingClientRect();
    const y = Math.min(tile.height - 1, Math.floor(((e.clientY - b.top) / b.height) * tile.height));
    const x = Math.min(tile.width - 1, Math.floor(((e.clientX - b.left) / b.width) * tile.width));
    if (tile.dataset.first === '1') {
      // a map of the first block: pool maps show conv pixels 2y, 2x
      const f = layers[0].output[1] / tile.height;
      onOpen(d, Math.floor(y * f), Math.floor(x * f));
    } else {
      note.textContent = `Map ${d + 1} of layer ${layer + 1} (${layers[layer].name}) is computed from the ${layers[layer - 1]?.output[0] ?? ''} maps of layer ${layer}; the layer panel convolves a 1- or 3-channel image, so only the first convolution's filters and maps (and the first block's batch norm, ReLU and pooling maps) open there.`;
    }
  });
  return {
    maps,
    note,
    /** Draws the maps of a classify result ([{layer, name, type, shape, data}]). */
    draw(list) {
      const pools = list.findIndex((m) => m.type === 'maxpool' || m.type === 'avgpool');
      placeFigures(maps, list, pools < 0 ? 0 : pools);
      paint(list);
    },
    clear() {
      paint([]);
      maps.replaceChildren();
      maps.dataset.layers = '0';
    },
  };
}
