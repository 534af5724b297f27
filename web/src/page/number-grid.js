// A grid of F1 x F2 numbers on the diverging colour map drawn on one canvas:
// the filter bank's weights, which every slider step rewrites. Hundreds of text
// cells cost a style and layout pass per step; one canvas per grid costs a
// paint. The numbers stay readable by screen readers: the grid's accessible
// name lists them, row by row (the canvas itself is hidden from them).
import { divergingCss, textOn, fmt } from './render.js';

const GAP = 1; // CSS px between cells (the cell grid's 1 px lines)
const PAD = 1; // CSS px either side of a number
const CELL = 1.774; // a cell's least width and its height, in font sizes (1.1rem at 0.62rem)

const fonts = new WeakMap();
/** The cell font (the page's monospace at the cells' size), read once per canvas. */
function fontOf(cv) {
  let font = fonts.get(cv);
  if (!font) {
    const cs = getComputedStyle(cv);
    const size = parseFloat(cs.fontSize) || 10;
    font = { css: `${size}px ${cs.fontFamily || 'monospace'}`, size };
    fonts.set(cv, font);
  }
  return font;
}

/** The numbers of the grid as text, one row after another: "0.1, 0.2; 0.3, 0.4". */
export function numbersText(texts, fh, fw) {
  const rows = [];
  for (let y = 0; y < fh; y++) rows.push(texts.slice(y * fw, (y + 1) * fw).join(', '));
  return rows.join('; ');
}

/** Sizes the canvas to columns of widths cols and rows rows of ch CSS px, at the screen's pixel ratio. */
function sizeCanvas(cv, cols, rows, ch) {
  const dpr = Math.min(3, globalThis.devicePixelRatio || 1);
  const w = cols.reduce((s, c) => s + c, 0) + (cols.length - 1) * GAP;
  const h = rows * ch + (rows - 1) * GAP;
  const bw = Math.round(w * dpr),
    bh = Math.round(h * dpr);
  if (cv.width !== bw) cv.width = bw;
  if (cv.height !== bh) cv.height = bh;
  const sw = `${w}px`;
  if (cv.style.width !== sw) cv.style.width = sw;
  return dpr;
}

/** Each column's width: its widest number and a little room, at least a square cell. */
function columnWidths(g, texts, fw, least) {
  const cols = new Array(fw).fill(least);
  texts.forEach((t, i) => {
    const w = Math.ceil(g.measureText(t).width) + 2 * PAD;
    if (w > cols[i % fw]) cols[i % fw] = w;
  });
  return cols;
}

/**
 * Draws data[offset .. offset + fh*fw] as numbers (written by format) on their
 * diverging colours (symmetric range) on canvas cv. Returns the numbers' texts.
 */
export function drawNumberGrid(cv, data, offset, fh, fw, range, format = (v) => fmt(v, 2)) {
  const n = fh * fw;
  const texts = [];
  for (let i = 0; i < n; i++) texts.push(format(data[offset + i]));
  const font = fontOf(cv);
  const g = cv.getContext('2d');
  g.font = font.css;
  const ch = Math.round(font.size * CELL);
  const cols = columnWidths(g, texts, fw, ch);
  const xs = [0];
  for (let x = 1; x < fw; x++) xs.push(xs[x - 1] + cols[x - 1] + GAP);
  const dpr = sizeCanvas(cv, cols, fh, ch);
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, cv.width, cv.height);
  g.font = font.css;
  g.textAlign = 'center';
  g.textBaseline = 'middle';
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
  return texts;
}
