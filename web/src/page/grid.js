// A grid of F1 x F2 numbers on the diverging colour map (weights, their
// gradients, the inspector's products), updated in place: the cells are kept
// and only those whose value changed are repainted, so moving a slider never
// rebuilds the filter bank. A grid without numbers (large kernels) is one
// small canvas, one pixel per weight, scaled up by CSS: no element per weight.
import { divergingCss, textOn, fmt, drawDiverging } from './render.js';

/** An empty grid element (role img, labelled); fill it with updateGrid. */
export function createGrid(cls = '') {
  const g = document.createElement('div');
  g.className = `wgrid ${cls}`;
  g.setAttribute('role', 'img');
  g.dataset.cls = cls;
  return g;
}

/**
 * Shows data[offset .. offset + fh*fw] in grid g: numbers (with `digits`
 * significant digits, or as `format(v)` writes it) when `numbers`, colours on the symmetric range. Cells
 * carry data-value (the exact number) and a title. Without numbers and with
 * `canvas`, one canvas instead of the cells.
 */
export function updateGrid(
  g,
  data,
  offset,
  fh,
  fw,
  range,
  { label, numbers = true, digits = 2, titleDigits = 1e4, canvas = false, format = null } = {},
) {
  const n = fh * fw;
  const asCanvas = !numbers && canvas;
  const cls = `wgrid cols-${fw} ${asCanvas ? 'wgrid-canvas ' : ''}${g.dataset.cls ?? ''}`;
  if (g.className !== cls) g.className = cls;
  if (label !== undefined && g.getAttribute('aria-label') !== label)
    g.setAttribute('aria-label', label);
  if (asCanvas) {
    let cv = g.firstElementChild;
    if (!cv || cv.tagName !== 'CANVAS') {
      g.replaceChildren();
      cv = document.createElement('canvas');
      cv.setAttribute('aria-hidden', 'true');
      g.append(cv);
    }
    const width = `${0.6 * fw}rem`;
    if (cv.style.width !== width) cv.style.width = width;
    drawDiverging(cv, data, fh, fw, { offset, range });
    delete g.dataset.key;
    return g;
  }
  if (g.firstElementChild?.tagName === 'CANVAS') g.replaceChildren();
  const cells = g.children;
  while (cells.length > n) g.lastChild.remove();
  while (cells.length < n) {
    const c = document.createElement('span');
    c.className = 'wcell';
    g.append(c);
  }
  const key = `${range}|${numbers}|${digits}`;
  const same = g.dataset.key === key;
  g.dataset.key = key;
  for (let i = 0; i < n; i++) {
    const v = data[offset + i];
    const cell = cells[i];
    const text = String(v);
    if (same && cell.dataset.value === text) continue;
    cell.dataset.value = text;
    cell.textContent = numbers ? (format ? format(v) : fmt(v, digits)) : '';
    cell.style.backgroundColor = divergingCss(v, range);
    cell.style.color = textOn(v, range);
    cell.title = String(Math.round(v * titleDigits) / titleDigits);
  }
  return g;
}
