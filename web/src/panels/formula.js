// The output-size formula, live, with the current numbers substituted. Every
// number comes from the module's geometry (conv2dGeometry): the sizes, the
// effective kernel with dilation, whether the division was exact and its
// remainder. Nothing here re-derives the sizes.
import { kernelHW, strideHW } from '../state.js';
import { textEl as el } from '../dom.js';

export function mountFormula(app) {
  const box = document.getElementById('formula');
  const errorEl = document.getElementById('layer-error');

  /** One axis: name 'W' or 'H', the input size, the kernel, the stride, the AxisSize (or null). */
  function axisLine(name, n1, f, s, ax) {
    const p = app.state.p, d = app.state.dil;
    const line = el('div', `formula-line formula-${name}`);
    const fk = d > 1 ? 'F_eff' : 'F';
    line.append(el('span', 'formula-symbolic', `${name}2 = (${name}1 − ${fk} + 2P) / S + 1`));
    const fVal = d > 1 ? (ax ? ax.effectiveKernel : `(${d}·(${f}−1)+1)`) : f;
    let text = ` = (${n1} − ${fVal} + 2·${p}) / ${s} + 1`;
    if (!ax) {
      line.append(el('span', 'formula-numbers', text));
      line.append(el('span', 'formula-result bad', ' — impossible'));
      return line;
    }
    // (n1 - fEff + 2P) recovered from the module's answer: (size - 1)·S + remainder
    const num = (ax.size - 1) * s + ax.remainder;
    if (ax.exact) {
      text += ` = ${num}/${s} + 1 = `;
      line.append(el('span', 'formula-numbers', text), el('b', `formula-result out-${name}`, String(ax.size)));
    } else {
      const q = Math.round((num / s + 1) * 1000) / 1000;
      text += ` = ${num}/${s} + 1 = ${q} → `;
      line.append(el('span', 'formula-numbers', text), el('b', `formula-result out-${name}`, String(ax.size)));
      line.append(el('span', 'formula-note',
        ` ${num} is not a multiple of S = ${s} (remainder ${ax.remainder}): libraries take the floor, ⌊${num}/${s}⌋ + 1 = ${ax.size}; the last ${ax.remainder} ${name === 'W' ? 'column' : 'row'}${ax.remainder > 1 ? 's' : ''} of the padded input ${ax.remainder > 1 ? 'are' : 'is'} never covered.`));
    }
    return line;
  }

  app.onResult((r) => {
    const s = app.state;
    const { fh, fw } = kernelHW(s);
    const { sh, sw } = strideHW(s);
    const [, , h1, w1] = r.input.shape;
    const g = r.geometry;
    box.innerHTML = '';
    if (s.dil > 1) {
      const fe = g ? ` = ${g.w.effectiveKernel}` : '';
      const feh = g ? ` = ${g.h.effectiveKernel}` : '';
      box.append(el('p', 'formula-dil', fh === fw
        ? `Dilation D = ${s.dil}: the kernel's taps are ${s.dil} pixels apart, so it covers F_eff = D·(F − 1) + 1 = ${s.dil}·(${fh} − 1) + 1${fe} pixels.`
        : `Dilation D = ${s.dil}: F_eff = D·(F − 1) + 1 = ${s.dil}·(${fh} − 1) + 1${feh} rows and ${s.dil}·(${fw} − 1) + 1${fe} columns.`));
    }
    box.append(axisLine('W', w1, fw, sw, g ? g.w : null));
    box.append(axisLine('H', h1, fh, sh, g ? g.h : null));
    const d2 = el('div', 'formula-line formula-D');
    d2.append(el('span', 'formula-symbolic', 'D2 = K'), el('span', 'formula-numbers', ' = '),
      el('b', 'formula-result out-D', String(s.k)));
    box.append(d2);
    if (s.mode === 'conv') {
      box.append(el('p', 'formula-mode', 'True convolution: the kernel is flipped (rotated 180°) before it slides, Y(i, j) = Σa Σb X(i − a, j − b)·W(⌊F/2⌋ + a, ⌊F/2⌋ + b). Libraries compute cross-correlation (no flip).'));
    }
    if (r.error) {
      errorEl.textContent = `Impossible layer: ${r.error.message}.`;
      errorEl.hidden = false;
    } else {
      errorEl.textContent = '';
      errorEl.hidden = true;
    }
  });
}
