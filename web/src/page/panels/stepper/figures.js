// The step-through's four figures for the window at output cell pos: the
// padded input with the window's taps, the kernel, the products under the
// window, and the module's output filled up to the current cell.
import { divergingCss, textOn } from '../../render.js';
import { el } from '../../dom.js';
import { cellText, tapWeight, valueAt, isPad } from './cells.js';

/** A grid of cells with --cols columns. */
function grid(cls, cols, label) {
  const g = el('div', { class: cls, role: 'img', 'aria-label': label });
  g.style.setProperty('--cols', String(cols));
  return g;
}

/** The padded input, the window's taps marked with their weights: [grid, caption]. */
export function inputFigure(m, w) {
  const np = m.n + 2 * m.p;
  const taps = new Map(); // padded (r, c) -> [a, b]
  for (let a = 0; a < m.fh; a++)
    for (let b = 0; b < m.fw; b++) taps.set((w.r0 + a * m.dil) * np + (w.c0 + b * m.dil), [a, b]);
  const g = grid(
    'cp-grid',
    np,
    `Input ${m.n} × ${m.n} padded with P = ${m.p} (${m.padMode}) to ${np} × ${np}; the window covers rows ${w.r0}–${w.r0 + (m.fh - 1) * m.dil} and columns ${w.c0}–${w.c0 + (m.fw - 1) * m.dil}`,
  );
  for (let r = 0; r < np; r++) {
    for (let c = 0; c < np; c++) {
      const cell = el('span', {
        class: `cp-cell ${isPad(m, r, c) ? 'cp-pad' : 'cp-in'}`,
        text: cellText(valueAt(m, r, c)),
      });
      const tap = taps.get(r * np + c);
      if (tap) {
        cell.classList.add('cp-tap');
        cell.append(
          el('sub', { class: 'cp-w', text: `×${cellText(tapWeight(m, tap[0], tap[1]))}` }),
        );
      }
      g.append(cell);
    }
  }
  const caption = el(
    'figcaption',
    {},
    `Input ${m.n} × ${m.n}`,
    m.p ? `, padded with P = ${m.p} (${m.padMode}) → ${np} × ${np}` : ' (no padding)',
    m.dil > 1 ? `, dilation ${m.dil}` : '',
  );
  return [g, caption];
}

/** The kernel as it slides (rotated for true convolution): [grid, caption]. */
export function kernelFigure(m) {
  const g = grid('cp-grid cp-kgrid', m.fw, `Kernel ${m.fh} × ${m.fw}`);
  for (let a = 0; a < m.fh; a++)
    for (let b = 0; b < m.fw; b++)
      g.append(el('span', { class: 'cp-cell cp-kcell', text: cellText(tapWeight(m, a, b)) }));
  const caption = el(
    'figcaption',
    {},
    `Kernel ${m.fh} × ${m.fw}`,
    m.conv ? ' rotated 180° (true convolution)' : ' (cross-correlation: not flipped)',
  );
  return [g, caption];
}

/** The products under the window: {nodes: [grid, caption], terms, sum}. */
export function productsFigure(m, w) {
  const g = grid('cp-grid cp-pgrid', m.fw, 'Products under the window');
  const terms = [];
  let sum = 0;
  for (let a = 0; a < m.fh; a++)
    for (let b = 0; b < m.fw; b++) {
      const r = w.r0 + a * m.dil,
        c = w.c0 + b * m.dil;
      const v = valueAt(m, r, c),
        wt = tapWeight(m, a, b);
      const prod = v * wt;
      sum += prod;
      terms.push(`${cellText(v)}×${cellText(wt)}`);
      const pad = isPad(m, r, c) ? ' cp-pad' : '';
      g.append(el('span', { class: `cp-cell cp-prod${pad}`, text: cellText(prod) }));
    }
  return { nodes: [g, el('figcaption', {}, 'Products (input × weight)')], terms, sum };
}

/** The output-size formula of one axis, with the floor when it is not exact. */
function axisText(m, name, stride, ax, out) {
  const num = m.n + 2 * m.p - ax.effectiveKernel;
  return (
    `${name} = (${m.n} - ${ax.effectiveKernel} + 2*${m.p})/${stride} + 1 = ` +
    (ax.exact
      ? `${out}`
      : `floor(${num}/${stride}) + 1 = ${out} (not exact: libraries take the floor)`)
  );
}

/** The module's output, filled up to cell pos, and its size formula: [grid, caption]. */
export function outputFigure(m, pos) {
  const g = grid('cp-grid cp-ogrid', m.w2, `Output ${m.w2} × ${m.h2} (conv2dForward)`);
  let range = 0;
  for (let i = 0; i < m.total; i++) range = Math.max(range, Math.abs(m.y[i]));
  for (let i = 0; i < m.total; i++) {
    const done = i <= pos;
    const cell = el('span', {
      class: `cp-cell cp-out ${done ? 'cp-done' : 'cp-todo'}${i === pos ? ' cp-current' : ''}`,
      text: done ? cellText(m.y[i]) : '',
    });
    if (done) {
      cell.style.setProperty('--cell-bg', divergingCss(m.y[i], range));
      cell.style.setProperty('--cell-fg', textOn(m.y[i], range));
      cell.dataset.value = String(m.y[i]);
    }
    g.append(cell);
  }
  const lines = [axisText(m, 'W2', m.sw, m.geom.w, m.w2)];
  if (m.sh !== m.sw) lines.push(axisText(m, 'H2', m.sh, m.geom.h, m.h2));
  const caption = el(
    'figcaption',
    {},
    `Output ${m.w2} × ${m.h2} from the module: `,
    ...lines.map((t) => el('span', { class: 'cp-formula cp-step-formula', text: t })),
    m.dil > 1
      ? el('span', {
          class: 'cp-step-formula-note',
          text: `(dilation ${m.dil}: the ${m.fw}-wide kernel spans D(F - 1) + 1 = ${m.geom.w.effectiveKernel} pixels)`,
        })
      : null,
  );
  return [g, caption];
}

/** The sum of the products beside the module's value of output cell pos. */
export function sumLineNodes(m, pos, w, { terms, sum }) {
  const moduleValue = m.y[pos];
  const sumEl = el('strong', { class: 'cp-step-sum', text: cellText(sum) });
  sumEl.dataset.value = String(sum);
  const modEl = el('span', { class: 'cp-step-module', text: cellText(moduleValue) });
  modEl.dataset.value = String(moduleValue);
  const shownTerms =
    terms.length > 25
      ? `${terms.slice(0, 12).join(' + ')} + … (${terms.length} products)`
      : terms.join(' + ');
  return [
    el('span', { class: 'cp-step-terms', text: `${shownTerms} = ` }),
    sumEl,
    el('span', { class: 'cp-step-eq', text: `   → output (${w.oy}, ${w.ox}) from the module: ` }),
    modEl,
  ];
}
