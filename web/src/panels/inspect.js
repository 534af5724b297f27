// The inspector: for the hovered (or pinned) output pixel y[k, i, j], the input
// values under the kernel (read from the padded input through the module's
// padSourceIndex maps), the weights, their products and sums, per input
// channel; then the channel sums + bias, beside the value the core computed.
// (Its receptive field is highlighted on the padded input by volume.js.)
import { kernelHW, strideHW } from '../state.js';
import { divergingCss, textOn, fmt, rangeOf } from '../render.js';
import { parsePin } from './volume.js';
import { textEl as el } from '../dom.js';

const CHANNEL_NAMES = ['R', 'G', 'B'];

/**
 * The numbers behind y[k, oy, ox]: for each channel the window's inputs, the weights as
 * applied (flipped for true convolution), the products and their sum. Pure: exported for tests.
 */
export function receptiveField(r, req, s, k, oy, ox) {
  const [, d1, h1, w1] = r.input.shape;
  const { fh, fw } = kernelHW(s);
  const { sh, sw } = strideHW(s);
  const dil = s.dil;
  const flip = s.mode === 'conv';
  const per = fh * fw * d1;
  const channels = [];
  let total = 0;
  for (let c = 0; c < d1; c++) {
    const xs = [], ws = [], ps = [], src = [];
    let sum = 0;
    for (let a = 0; a < fh; a++) {
      for (let b = 0; b < fw; b++) {
        const py = oy * sh + a * dil, px = ox * sw + b * dil;   // padded coordinates
        const iy = r.padMapH[py], ix = r.padMapW[px];            // -1: a zero of the padding
        const x = iy < 0 || ix < 0 ? 0 : r.input.data[c * h1 * w1 + iy * w1 + ix];
        const wa = flip ? fh - 1 - a : a, wb = flip ? fw - 1 - b : b;
        const w = req.weights.data[k * per + c * fh * fw + wa * fw + wb];
        xs.push(x); ws.push(w); ps.push(x * w); src.push([iy, ix]);
        sum += x * w;
      }
    }
    channels.push({ xs, ws, ps, src, sum });
    total += sum;
  }
  const bias = req.bias[k];
  const [, , H2, W2] = r.output.shape;
  const core = r.output.data[k * H2 * W2 + oy * W2 + ox];
  return { channels, bias, total: total + bias, core, fh, fw };
}

export function mountInspector(app) {
  const box = document.getElementById('inspect');
  const hint = box.innerHTML;

  function grid(values, fh, fw, range, label, cls, digits = 2) {
    const g = el('div', `wgrid cols-${fw} ${cls}`);
    g.setAttribute('role', 'img');
    g.setAttribute('aria-label', label);
    const numbers = fw <= 7;
    for (let i = 0; i < fh * fw; i++) {
      const v = values[i];
      const cell = el('span', 'wcell', numbers ? fmt(v, digits) : '');
      cell.style.backgroundColor = divergingCss(v, range);
      cell.style.color = textOn(v, range);
      cell.title = String(Math.round(v * 1e5) / 1e5);
      g.append(cell);
    }
    return g;
  }

  function show() {
    const r = app.result, req = app.request;
    const t = app.currentTarget ? app.currentTarget() : null;
    if (!t || !r || r.error || !r.output) { box.innerHTML = hint; return; }
    const s = app.state;
    const pinned = Boolean(parsePin(s.at));
    const f = receptiveField(r, req, s, t.k, t.y, t.x);
    const [, d1] = r.input.shape;
    box.innerHTML = '';
    const head = el('p', 'inspect-head');
    head.append(`${pinned ? 'Pinned' : 'Hovering'}: output pixel `,
      el('b', null, `y[${t.k + 1}](row ${t.y}, column ${t.x})`),
      ` of map ${t.k + 1}. ${s.mode === 'conv' ? 'True convolution: the weights below are the filter rotated 180°.' : 'Cross-correlation: the weights are used as they are.'}`);
    if (pinned) {
      const unpin = el('button', 'unpin', 'unpin');
      unpin.type = 'button';
      unpin.addEventListener('click', () => app.set('at', ''));
      head.append(' ', unpin);
    }
    box.append(head);
    const rows = el('div', 'inspect-channels');
    for (let c = 0; c < d1; c++) {
      const ch = f.channels[c];
      const name = d1 === 1 ? 'grey' : CHANNEL_NAMES[c];
      const fig = el('div', 'inspect-channel');
      fig.append(el('h4', null, `channel ${name}`));
      const trio = el('div', 'trio');
      const xr = Math.max(1e-9, rangeOf(ch.xs).absMax);
      const wr = Math.max(1e-9, rangeOf(ch.ws).absMax);
      const pr = Math.max(1e-9, rangeOf(ch.ps).absMax);
      const block = (title, g) => { const b = el('div', 'trio-part'); b.append(el('span', 'trio-title', title), g); return b; };
      trio.append(
        block('input x', grid(ch.xs, f.fh, f.fw, xr, `channel ${name}: input values under the kernel`, 'g-x')),
        el('span', 'op', '×'),
        block('weight w', grid(ch.ws, f.fh, f.fw, wr, `channel ${name}: weights`, 'g-w')),
        el('span', 'op', '='),
        block('product x·w', grid(ch.ps, f.fh, f.fw, pr, `channel ${name}: products`, 'g-p', 2)));
      fig.append(trio);
      const padded = ch.src.filter(([iy, ix]) => iy < 0 || ix < 0).length;
      fig.append(el('p', 'channel-sum', `sum of the ${ch.ps.length} products = ${fmt(ch.sum, 4)}${padded ? ` (${padded} from the zero padding)` : ''}`));
      rows.append(fig);
    }
    box.append(rows);
    const total = el('p', 'inspect-total');
    const parts = f.channels.map((ch) => fmt(ch.sum, 4)).join(' + ');
    total.append(`y = ${d1 > 1 ? 'Σ channels' : 'sum'} + b = ${parts} + ${fmt(f.bias, 4)} = `,
      el('b', 'inspect-sum', fmt(f.total, 5)),
      `; the core computed `, el('b', 'inspect-core', fmt(f.core, 5)), '.');
    box.append(total);
  }

  app.onHover(show);
  app.onResult(show);
  app.S.subscribe((s, changed) => { if (changed.has('at')) show(); });
}
