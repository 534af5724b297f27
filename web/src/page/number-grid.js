// A grid of F1 x F2 numbers on the diverging colour map drawn on one canvas:
// the filter bank's weights, which every slider step rewrites. Hundreds of text
// cells cost a style and layout pass per step; one canvas per grid costs a
// paint. The numbers stay readable by screen readers: the grid's accessible
// name lists them, row by row (the canvas itself is hidden from them).
// Text drawn on a canvas in the document first brings the page's style and
// layout up to date: a bank of grids, each resized before the next is drawn,
// paid one layout per grid. Given a list of paints, a grid is sized now and
// drawn when the list is run (paintAll), after every grid has been sized.
import { divergingCss, textOn, fmt } from './render.js';

const GAP = 1; // CSS px between cells (the cell grid's 1 px lines)
const PAD = 1; // CSS px either side of a number
const CELL = 1.774; // a cell's least width and its height, in font sizes (1.1rem at 0.62rem)

// the playground (or root) -> its cells' font: every numbers canvas of a playground has the same
// one (.wgrid-numbers canvas), and reading it for each new canvas would force a style and
// layout pass per grid (the page's container queries make a computed style wait for layout)
const fonts = new WeakMap();
/** The cell font (the page's monospace at the cells' size), read once per playground. */
function fontOf(cv) {
  const key = cv.closest('.cp-playground') ?? cv.getRootNode();
  let font = fonts.get(key);
  if (!font) {
    const cs = getComputedStyle(cv);
    const size = parseFloat(cs.fontSize) || 10;
    font = { css: `${size}px ${cs.fontFamily || 'monospace'}`, size };
    if (cv.isConnected) fonts.set(key, font);
  }
  return font;
}

/** The numbers of the grid as text, one row after another: "0.1, 0.2; 0.3, 0.4". */
export function numbersText(texts, fh, fw) {
  const rows = [];
  for (let y = 0; y < fh; y++) rows.push(texts.slice(y * fw, (y + 1) * fw).join(', '));
  return rows.join('; ');
}

const ratios = new WeakMap(); // canvas -> the pixel ratio its bitmap was sized for
// canvas -> the font its context has: setting a font (a family list to match) costs
// about a millisecond, so a context keeps its font from one drawing to the next
const fontsSet = new WeakMap();

/** The context of cv with font (and the cells' text alignment), set only when it has another. */
function contextWithFont(cv, font) {
  const g = cv.getContext('2d');
  if (fontsSet.get(cv) !== font) {
    g.font = font;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    fontsSet.set(cv, font);
  }
  return g;
}

let measurer = null; // one canvas that measures every grid's numbers
/** The width in CSS px of each of texts in font. */
function textWidths(texts, font) {
  measurer ??= document.createElement('canvas');
  const g = contextWithFont(measurer, font);
  return texts.map((t) => g.measureText(t).width);
}

/**
 * Sizes the canvas for columns of widths cols and rows rows of ch CSS px, at
 * the screen's pixel ratio. Its bitmap only grows: resizing a canvas costs a
 * new backing store, and a kernel-size step would resize every grid of the
 * bank; a larger bitmap than needed is drawn in its top-left corner, and its
 * box (negative margins, the grid clips) takes only the drawn size.
 */
function sizeCanvas(cv, cols, rows, ch) {
  const dpr = Math.min(3, globalThis.devicePixelRatio || 1);
  const w = cols.reduce((s, c) => s + c, 0) + (cols.length - 1) * GAP;
  const h = rows * ch + (rows - 1) * GAP;
  const bw = Math.round(w * dpr),
    bh = Math.round(h * dpr);
  const same = ratios.get(cv) === dpr;
  if (!same || cv.width < bw || cv.height < bh) {
    cv.width = Math.max(bw, same ? cv.width : 0);
    cv.height = Math.max(bh, same ? cv.height : 0);
    ratios.set(cv, dpr);
    fontsSet.delete(cv); // a resized canvas's context is reset
  }
  const box = {
    width: `${cv.width / dpr}px`,
    height: `${cv.height / dpr}px`,
    marginRight: `${w - cv.width / dpr}px`,
    marginBottom: `${h - cv.height / dpr}px`,
  };
  for (const [k, v] of Object.entries(box)) if (cv.style[k] !== v) cv.style[k] = v;
  return dpr;
}

/** Each column's width: its widest number and a little room, at least a square cell. */
function columnWidths(texts, font, fw, least) {
  const cols = new Array(fw).fill(least);
  textWidths(texts, font).forEach((tw, i) => {
    const w = Math.ceil(tw) + 2 * PAD;
    if (w > cols[i % fw]) cols[i % fw] = w;
  });
  return cols;
}

/** Draws the cells (texts on their colours) on cv, sized by sizeCanvas for cols x rows. */
function paintCells(cv, { data, offset, fw, n, range, texts, cols, ch, font, dpr }) {
  const xs = [0];
  for (let x = 1; x < fw; x++) xs.push(xs[x - 1] + cols[x - 1] + GAP);
  const g = contextWithFont(cv, font.css);
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, cv.width, cv.height);
  for (let i = 0; i < n; i++) {
    const v = data[offset + i];
    const cw = cols[i % fw];
    const x = xs[i % fw],
      y = Math.floor(i / fw) * (ch + GAP);
    g.fillStyle = divergingCss(v, range);
    g.fillRect(x, y, cw, ch);
    g.fillStyle = textOn(v, range);
    g.fillText(texts[i], x + cw / 2, y + ch / 2 + 0.5);
  }
}

/**
 * Draws data[offset .. offset + fh*fw] as numbers (written by format) on their
 * diverging colours (symmetric range) on canvas cv. Returns the numbers' texts.
 * With paints (an array), the canvas is sized now and its drawing is pushed
 * there, for paintAll(paints) once every grid of a view is sized.
 */
export function drawNumberGrid(cv, { data, offset, fh, fw, range }, options = {}) {
  const { format = (v) => fmt(v, 2), paints = null } = options;
  const n = fh * fw;
  const texts = [];
  for (let i = 0; i < n; i++) texts.push(format(data[offset + i]));
  const font = fontOf(cv);
  const ch = Math.round(font.size * CELL);
  const cols = columnWidths(texts, font.css, fw, ch);
  const dpr = sizeCanvas(cv, cols, fh, ch);
  // the values are copied: the drawing may run after the caller reuses its array
  const cells = { data: data.slice(offset, offset + n), offset: 0, fw, n, range, texts };
  const paint = () => paintCells(cv, { ...cells, cols, ch, font, dpr });
  if (paints) paints.push(paint);
  else paint();
  return texts;
}

/** Runs the drawings pushed to paints (drawNumberGrid), and empties it. */
export function paintAll(paints) {
  for (const paint of paints.splice(0)) paint();
}
