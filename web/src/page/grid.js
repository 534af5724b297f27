// A grid of F1 x F2 numbers on the diverging colour map (weights, their
// gradients, the inspector's products), updated in place: the cells are kept
// and only those whose value changed are repainted, so moving a slider never
// rebuilds the filter bank. A grid without numbers (large kernels) is one
// small canvas, one pixel per weight, scaled up by CSS: no element per weight.
// A grid asked for as a canvas with numbers draws them on that canvas
// (number-grid.js) and lists them in its accessible name.
import { divergingCss, textOn, fmt, drawDiverging } from './render.js';
import { drawNumberGrid, numbersText } from './number-grid.js';

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
 * carry data-value (the exact number) and a title. With `canvas`, one canvas
 * instead of the cells: one pixel per weight, or the numbers on their colours;
 * `paints` (an array): the numbers are drawn when it is run (number-grid.js paintAll).
 */
export function updateGrid(
  g,
  data,
  offset,
  fh,
  fw,
  range,
  {
    label,
    numbers = true,
    digits = 2,
    titleDigits = 1e4,
    canvas = false,
    format = null,
    paints = null,
  } = {},
) {
  const n = fh * fw;
  const asCanvas = Boolean(canvas);
  const mode = asCanvas ? (numbers ? 'wgrid-canvas wgrid-numbers ' : 'wgrid-canvas ') : '';
  const cls = `wgrid cols-${fw} ${mode}${g.dataset.cls ?? ''}`;
  if (g.className !== cls) g.className = cls;
  if (asCanvas)
    return updateCanvasGrid(g, data, offset, fh, fw, range, {
      label,
      numbers,
      digits,
      format,
      paints,
    });
  if (label !== undefined && g.getAttribute('aria-label') !== label)
    g.setAttribute('aria-label', label);
  if (g.firstElementChild?.tagName === 'CANVAS') {
    g.replaceChildren();
    shown.delete(g);
  }
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

// What each canvas grid shows now: a grid asked to show the same again is left as it is
// (a padding or stride step keeps the filter bank's weights: no canvas is touched).
const shown = new WeakMap();

/** The grid's drawing: its values, range, size and the way it writes them. */
function drawingOf(data, offset, fh, fw, range, opts) {
  const values = new Float64Array(fh * fw);
  for (let i = 0; i < values.length; i++) values[i] = data[offset + i];
  return { values, fh, fw, range, dpr: globalThis.devicePixelRatio || 1, ...opts };
}

function sameDrawing(a, b) {
  if (!a) return false;
  for (const k of ['fh', 'fw', 'range', 'dpr', 'label', 'numbers', 'digits', 'format']) {
    if (!Object.is(a[k], b[k])) return false;
  }
  for (let i = 0; i < a.values.length; i++) if (!Object.is(a.values[i], b.values[i])) return false;
  return true;
}

/** The grid as one canvas: one pixel per weight (CSS-scaled), or the numbers drawn. */
function updateCanvasGrid(
  g,
  data,
  offset,
  fh,
  fw,
  range,
  { label, numbers, digits, format, paints },
) {
  let cv = g.firstElementChild;
  if (!cv || cv.tagName !== 'CANVAS') {
    g.replaceChildren();
    cv = document.createElement('canvas');
    cv.setAttribute('aria-hidden', 'true');
    g.append(cv);
    shown.delete(g);
  }
  delete g.dataset.key;
  const drawing = drawingOf(data, offset, fh, fw, range, { label, numbers, digits, format });
  if (sameDrawing(shown.get(g), drawing)) return g;
  shown.set(g, drawing);
  let name = label;
  if (numbers) {
    const texts = drawNumberGrid(
      cv,
      { data, offset, fh, fw, range },
      { format: format ?? ((v) => fmt(v, digits)), paints },
    );
    name = `${label ?? ''}${label ? ': ' : ''}${numbersText(texts, fh, fw)}`;
  } else {
    // one pixel per weight, scaled by CSS to its width (the height follows): the box a
    // drawing of numbers gave the canvas (number-grid.js) is taken back
    const box = { width: `${0.6 * fw}rem`, height: '', marginRight: '', marginBottom: '' };
    for (const [k, v] of Object.entries(box)) if (cv.style[k] !== v) cv.style[k] = v;
    drawDiverging(cv, data, fh, fw, { offset, range });
  }
  if (name !== undefined && g.getAttribute('aria-label') !== name)
    g.setAttribute('aria-label', name);
  return g;
}
