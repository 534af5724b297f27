// The famous slip beside the AlexNet exercise: the paper's 224 x 224 gives
// (224 - 11)/4 + 1 = 54.25 (the module's convOutputSize: 54, not exact); 227
// fits exactly. The numbers come from the module's one output-size function.
import { ALEX } from '../../../common/lecture-steps.js';
import { el } from '../../dom.js';

/** The aside (id(...) prefixes its ids); returns {aside, draw()} (draw asks the worker). */
export function mountSlip(ctx) {
  const { id, engine } = ctx;
  const aside = el(
    'aside',
    { class: 'cp-alex-slip', 'aria-labelledby': id('slip-h') },
    el('h3', { id: id('slip-h'), 'data-part': 'slip-h', text: 'The famous slip: 224 or 227?' }),
  );
  const body = el('div', { class: 'cp-alex-slipbody' });
  aside.append(body);

  async function draw() {
    let paper, real;
    try {
      [paper, real] = await engine.sizes({
        axes: [
          [ALEX.paper, ALEX.F, ALEX.P, 1, ALEX.S],
          [ALEX.size, ALEX.F, ALEX.P, 1, ALEX.S],
        ],
      });
    } catch (e) {
      // the worker stopped under this job (the page's notice says so): asked again once a new
      // worker has taken over
      body.replaceChildren(
        el('p', {
          text: `The two sizes could not be computed (${e.message}); they are asked for again.`,
        }),
      );
      const off = engine.onEvent((ev) => {
        if (ev.type !== 'recovered') return;
        off();
        draw();
      });
      return;
    }
    const num = ALEX.paper - ALEX.F + 2 * ALEX.P;
    const exactValue = paper.size + paper.remainder / ALEX.S; // = num / S + 1
    body.replaceChildren(
      el('p', {
        text: 'The AlexNet paper prints a 224 × 224 × 3 input. With that number the formula does not work out:',
      }),
      el('p', {
        class: 'cp-formula cp-alex-slip224',
        text: `W2 = (${ALEX.paper} - ${ALEX.F} + 2*${ALEX.P})/${ALEX.S} + 1 = ${num}/${ALEX.S} + 1 = ${exactValue}`,
      }),
      el('p', {
        text: `${exactValue} is not a whole number: ${num} is not a multiple of ${ALEX.S} (remainder ${paper.remainder}). Libraries take the floor, ${paper.size}, and silently drop the last ${paper.remainder} column${paper.remainder > 1 ? 's' : ''} of pixels (the module: ${paper.size}, ${paper.exact ? 'exact' : 'not exact'}).`,
      }),
      el('p', {
        class: 'cp-formula cp-alex-slip227',
        text: `W2 = (${ALEX.size} - ${ALEX.F} + 2*${ALEX.P})/${ALEX.S} + 1 = ${ALEX.size - ALEX.F}/${ALEX.S} + 1 = ${real.size}`,
      }),
      el('p', {
        text: `That is why 227 is used: ${ALEX.size - ALEX.F} is a multiple of ${ALEX.S}, so the ${ALEX.F} × ${ALEX.F} window fits exactly ${real.size} times across.`,
      }),
    );
    body.dataset.paper = String(paper.size);
    body.dataset.paperExact = String(paper.exact);
  }
  return { aside, draw };
}
