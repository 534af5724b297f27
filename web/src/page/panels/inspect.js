// The inspector: for the hovered (or pinned) output pixel y[k, i, j] of the
// result on screen (its own layer numbers and weights, never the live sliders), the input
// values under the kernel (read from the padded input through the module's
// padSourceIndex maps), the weights, their products and sums, per input
// channel; then the channel sums + bias, beside the value the core computed.
// (Its receptive field is highlighted on the padded input by the volume panel.)
import { fmt, rangeOf } from '../render.js';
import { parsePin } from '../services/pixel.js';
import { textEl as el } from '../dom.js';
import { createGrid, updateGrid } from '../grid.js';
import { decimalsFor, fixed, shownSum, unitsText } from '../fixed.js';
import { mountSheet } from './inspect-sheet.js';

const CHANNEL_NAMES = ['R', 'G', 'B'];

/**
 * The numbers behind y[k, oy, ox]: for each channel the window's inputs, the weights as
 * applied (flipped for true convolution), the products and their sum. Pure: exported for tests.
 */
export function receptiveField(r, k, oy, ox) {
  const [, d1, h1, w1] = r.input.shape;
  const { fh, fw, sh, sw, dil, conv: flip } = r.layer;
  const per = fh * fw * d1;
  const channels = [];
  let total = 0;
  for (let c = 0; c < d1; c++) {
    const xs = [],
      ws = [],
      ps = [],
      src = [];
    let sum = 0;
    for (let a = 0; a < fh; a++) {
      for (let b = 0; b < fw; b++) {
        const py = oy * sh + a * dil,
          px = ox * sw + b * dil; // padded coordinates
        const iy = r.padMapH[py],
          ix = r.padMapW[px]; // -1: a zero of the padding
        const x = iy < 0 || ix < 0 ? 0 : r.input.data[c * h1 * w1 + iy * w1 + ix];
        const wa = flip ? fh - 1 - a : a,
          wb = flip ? fw - 1 - b : b;
        const w = r.weights.data[k * per + c * fh * fw + wa * fw + wb];
        xs.push(x);
        ws.push(w);
        ps.push(x * w);
        src.push([iy, ix]);
        sum += x * w;
      }
    }
    channels.push({ xs, ws, ps, src, sum });
    total += sum;
  }
  const bias = r.bias[k];
  const [, , H2, W2] = r.output.shape;
  const core = r.output.data[k * H2 * W2 + oy * W2 + ox];
  return { channels, bias, total: total + bias, core, fh, fw };
}

export function mount(ctx) {
  const box = ctx.$('inspect');
  const hint = [...box.childNodes];

  function grid(values, fh, fw, range, label, cls, format = null) {
    return updateGrid(createGrid(cls), values, 0, fh, fw, range, {
      label,
      numbers: fw <= 7,
      digits: 2,
      format,
      titleDigits: 1e5,
    });
  }

  const panel = ctx.$('inspect-panel');
  const sheet = mountSheet(ctx, panel);
  let shown = '';
  function show() {
    sheet.update();
    const r = ctx.result;
    const t = ctx.pixel.target();
    if (!t || !r || r.error || !r.output) {
      shown = '';
      box.replaceChildren(...hint);
      return;
    }
    const pinned = Boolean(parsePin(ctx.state.at));
    // the same pixel of the same result: nothing to redraw (and the unpin button stays the
    // one being clicked when the map's blur re-announces the pinned pixel)
    const key = `${r.key}|${t.k}.${t.y}.${t.x}|${pinned}`;
    if (key === shown && box.firstChild?.classList?.contains('inspect-head')) return;
    shown = key;
    const f = receptiveField(r, t.k, t.y, t.x);
    const [, d1] = r.input.shape;
    // one number of decimals for every product and sum: sums of them add up by hand
    const dec = decimalsFor([...f.channels.flatMap((ch) => [...ch.ps, ch.sum]), f.bias, f.total]);
    box.replaceChildren();
    const head = el('p', 'inspect-head');
    head.append(
      `${pinned ? 'Pinned' : 'Hovering'}: `,
      el('b', 'inspect-where', `map ${t.k + 1}, row ${t.y}, column ${t.x}`),
      ` (rows and columns counted from 0, as in the code). ${r.layer.conv ? 'True convolution: the weights below are the filter rotated 180°.' : 'Cross-correlation: the weights are used as they are.'}`,
    );
    if (pinned) {
      const unpin = el('button', 'unpin', 'unpin');
      unpin.type = 'button';
      unpin.addEventListener('click', () => ctx.set('at', ''));
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
      const block = (title, g) => {
        const b = el('div', 'trio-part');
        b.append(el('span', 'trio-title', title), g);
        return b;
      };
      trio.append(
        block(
          'input x',
          grid(ch.xs, f.fh, f.fw, xr, `channel ${name}: input values under the kernel`, 'g-x'),
        ),
        el('span', 'op', '×'),
        block('weight w', grid(ch.ws, f.fh, f.fw, wr, `channel ${name}: weights`, 'g-w')),
        el('span', 'op', '='),
        block(
          'product x·w',
          grid(ch.ps, f.fh, f.fw, pr, `channel ${name}: products`, 'g-p', (v) => fixed(v, dec)),
        ),
      );
      fig.append(trio);
      const padded = ch.src.filter(([iy, ix]) => iy < 0 || ix < 0).length;
      const line = el('p', 'channel-sum', `sum of the ${ch.ps.length} products = `);
      // with the products on screen, their sum is written as a student adds them
      line.append(...sumParts(shownSum(f.fw <= 7 ? ch.ps : [ch.sum], dec, ch.sum), dec));
      if (padded) line.append(` (${padded} from the zero padding)`);
      fig.append(line);
      rows.append(fig);
    }
    const total = el('p', 'inspect-total');
    const parts = f.channels.map((ch) => fixed(ch.sum, dec)).join(' + ');
    total.append(
      `y = ${d1 > 1 ? 'Σ channels' : 'sum'} + b = ${parts} + `,
      el('span', 'inspect-bias', fixed(f.bias, dec)),
      ' = ',
      ...sumParts(shownSum([...f.channels.map((ch) => ch.sum), f.bias], dec, f.total), dec),
      '. Before rounding y = ',
      el('b', 'inspect-sum', fmt(f.total, 5)),
      `; the core computed `,
      el('b', 'inspect-core', fmt(f.core, 5)),
      '.',
    );
    const note = el(
      'p',
      'hint inspect-rounding',
      `Every number is rounded to ${dec} decimals (hover a cell for more digits). A sum adds the numbers as shown; where rounding them changed the sum, the difference is written out (“− 0.0001”).`,
    );
    // the sum first (on a phone's sheet it is what shows), then the products per channel
    box.append(total, rows, note);
  }

  /** "shown = value", or "shown ± rounding = value" when rounding the parts changed the sum. */
  function sumParts({ shown, value, rounding }, dec) {
    const v = el('b', 'sum-value', unitsText(value, dec));
    if (!rounding) return [v];
    return [
      el('span', 'sum-shown', unitsText(shown, dec)),
      ' ',
      el(
        'span',
        'sum-rounding',
        `${rounding < 0 ? '−' : '+'} ${unitsText(Math.abs(rounding), dec)}`,
      ),
      ' = ',
      v,
    ];
  }

  ctx.onDestroy(ctx.pixel.onHover(show));
  ctx.subscribe((s, changed) => {
    if (!changed.has('at')) return;
    show();
    // as a sheet (narrow playground), the pinned map moves up to stay in view above it
    const pin = parsePin(s.at);
    if (pin && getComputedStyle(panel).position === 'fixed') {
      ctx.root
        .querySelectorAll('canvas.fmap')
        [pin.k]?.closest('figure')
        .scrollIntoView({ block: 'start' });
    }
  });
  return { update: show };
}
