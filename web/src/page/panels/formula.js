// The output-size formula, live, with the numbers of the result it shows
// substituted (result.layer, result.geometry: the state the result was
// computed with, never the live sliders). Every size comes from the module's
// geometry (conv2dGeometry): the sizes, the effective kernel with dilation,
// whether the division was exact and its remainder. Nothing here re-derives
// the sizes; the note on skipped pixels counts the taps the windows read.
import { textEl as el } from '../dom.js';
import { ALEX, isAlexLayer } from '../../common/lecture-steps.js';
import { patchChildren } from '../patch.js';

/**
 * The padded positions (0 .. padded - 1) of one axis that no tap of any window
 * reads: out windows, stride s, kernel f, dilation d. {padded, unread, atEnd,
 * between}: atEnd after the last window, between the rest (gaps between
 * windows when S > the effective kernel, and between dilated taps).
 */
export function skippedPixels(ax, s, f, d) {
  const padded = (ax.size - 1) * s + ax.remainder + ax.effectiveKernel;
  const read = new Uint8Array(padded);
  for (let j = 0; j < ax.size; j++) for (let b = 0; b < f; b++) read[j * s + b * d] = 1;
  let unread = 0;
  for (const r of read) if (!r) unread++;
  const atEnd = ax.remainder;
  return { padded, unread, atEnd, between: unread - atEnd };
}

export function mount(ctx) {
  const box = ctx.$('formula');
  const errorEl = ctx.$('layer-error');

  /** One axis: name 'W' or 'H', the input size, the kernel, the stride, the AxisSize (or null). */
  function axisLine(L, name, n1, f, s, ax) {
    const { p, dil: d } = L;
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
    const unit = name === 'W' ? 'column' : 'row';
    const plural = (n, w) => `${n} ${w}${n === 1 ? '' : 's'}`;
    if (ax.exact) {
      text += ` = ${num}/${s} + 1 = `;
      line.append(
        el('span', 'formula-numbers', text),
        el('b', `formula-result out-${name}`, String(ax.size)),
      );
    } else {
      const q = Math.round((num / s + 1) * 1000) / 1000;
      text += ` = ${num}/${s} + 1 = ${q} → `;
      line.append(
        el('span', 'formula-numbers', text),
        el('b', `formula-result out-${name}`, String(ax.size)),
      );
      line.append(
        el(
          'span',
          'formula-note',
          ` ${num} is not a multiple of S = ${s} (remainder ${ax.remainder}): libraries take the floor, ⌊${num}/${s}⌋ + 1 = ${ax.size}.`,
        ),
      );
    }
    const sk = skippedPixels(ax, s, f, d);
    if (sk.unread > 0) {
      const parts = [];
      if (sk.between > 0) {
        parts.push(
          `${plural(sk.between, unit)} between the windows${d > 1 ? ' or between their dilated taps' : ''}`,
        );
      }
      if (sk.atEnd > 0) parts.push(`the last ${plural(sk.atEnd, unit)} after the last window`);
      line.append(
        el(
          'span',
          'formula-note formula-skipped',
          ` ${sk.unread} of the ${sk.padded} padded ${unit}s are never read: ${parts.join(', and ')}.`,
        ),
      );
      line.dataset.unread = String(sk.unread);
    }
    return line;
  }

  /** The formula's lines for result r (built, not yet in the box). */
  function lines(r) {
    const L = r.layer;
    const { fh, fw, sh, sw } = L;
    const [, , h1, w1] = r.input.shape;
    const g = r.geometry;
    const out = [];
    if (L.dil > 1) {
      const fe = g ? ` = ${g.w.effectiveKernel}` : '';
      const feh = g ? ` = ${g.h.effectiveKernel}` : '';
      out.push(
        el(
          'p',
          'formula-dil',
          fh === fw
            ? `Dilation D = ${L.dil}: the kernel's taps are ${L.dil} pixels apart, so it covers F_eff = D·(F − 1) + 1 = ${L.dil}·(${fh} − 1) + 1${fe} pixels.`
            : `Dilation D = ${L.dil}: F_eff = D·(F − 1) + 1 = ${L.dil}·(${fh} − 1) + 1${feh} rows and ${L.dil}·(${fw} − 1) + 1${fe} columns.`,
        ),
      );
    }
    out.push(axisLine(L, 'W', w1, fw, sw, g ? g.w : null));
    out.push(axisLine(L, 'H', h1, fh, sh, g ? g.h : null));
    const d2 = el('div', 'formula-line formula-D');
    d2.append(
      el('span', 'formula-symbolic', 'D2 = K'),
      el('span', 'formula-numbers', ' = '),
      el('b', 'formula-result out-D', String(L.k)),
    );
    out.push(d2);
    if (isAlexLayer(r.state)) {
      out.push(
        el(
          'p',
          'formula-alex',
          `The AlexNet exercise (below) has K = ${ALEX.K} filters, so D2 = ${ALEX.K} there; this layer holds at most 16, so it computes ${L.k} maps with its own random filters.`,
        ),
      );
    }
    if (L.conv) {
      out.push(
        el(
          'p',
          'formula-mode',
          'True convolution: the kernel is flipped (rotated 180°) before it slides, Y(i, j) = Σa Σb X(i − a, j − b)·W(⌊F/2⌋ + a, ⌊F/2⌋ + b). Libraries compute cross-correlation (no flip).',
        ),
      );
    }
    return out;
  }

  function update(r) {
    patchChildren(box, lines(r));
    if (r.error) {
      errorEl.textContent = `Impossible layer: ${r.error.message}.`;
      errorEl.hidden = false;
    } else {
      errorEl.textContent = '';
      errorEl.hidden = true;
    }
  }
  return { update };
}
