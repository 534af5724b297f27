// "Predict, then reveal": a random layer (W1 x H1 x D1 input, K filters of
// F x F x D1, padding P, stride S); the learner types W2, H2, D2 and the
// parameter count, and the module (conv2dGeometry) says whether each is right,
// with the formula and the numbers.
import { el } from '../../dom.js';

const pick = (arr, r) => arr[Math.floor(r() * arr.length)];
export const fmtInt = (n) => n.toLocaleString('en-US');

/** A random configuration (not yet checked against the module). */
export function randomConfig(r = Math.random) {
  const W1 = pick([5, 7, 9, 11, 13, 16, 28, 32, 32, 64, 96, 128, 224, 227], r);
  const H1 = r() < 0.75 ? W1 : pick([5, 7, 9, 12, 16, 28, 32, 48, 64], r);
  const F = pick([1, 3, 3, 5, 5, 7, 11], r);
  return {
    W1,
    H1,
    F,
    D1: pick([1, 3, 3, 16, 32, 64], r),
    P: Math.floor(r() * (Math.floor(F / 2) + 1)), // 0 .. F/2 (more would only add zeros)
    S: pick([1, 1, 2, 2, 3, 4], r),
    K: pick([1, 4, 8, 16, 32, 64, 96], r),
  };
}

/** Parses "34,848 + 96", "34944" or "34 944" -> 34944 (NaN when unreadable). */
export function parseCount(text) {
  const t = String(text ?? '').replace(/[\s,_]/g, '');
  if (!/^\d+(\+\d+)*$/.test(t)) return NaN;
  return t.split('+').reduce((a, b) => a + Number(b), 0);
}

export function mountQuiz(root, ctx) {
  const id = ctx.id;
  const h = el('h3', { id: id('quiz-h'), text: 'Predict, then reveal' });
  const question = el('p', { class: 'cp-quiz-q', 'aria-live': 'polite' });
  const fields = {};
  const form = el('form', {
    class: 'cp-quiz-form',
    'aria-labelledby': id('quiz-h'),
    novalidate: true,
  });
  const defs = [
    ['w2', 'W2 (width)'],
    ['h2', 'H2 (height)'],
    ['d2', 'D2 (depth)'],
    ['params', 'Parameters'],
  ];
  for (const [key, label] of defs) {
    const input = el('input', {
      id: id(`quiz-${key}`),
      'data-part': `quiz-${key}`,
      name: key,
      type: 'text',
      inputmode: 'numeric',
      autocomplete: 'off',
      spellcheck: 'false',
    });
    const mark = el('span', { class: 'cp-quiz-mark', id: id(`quiz-${key}-mark`) });
    input.setAttribute('aria-describedby', mark.id);
    fields[key] = { input, mark };
    form.append(
      el(
        'div',
        { class: 'cp-quiz-field' },
        el('label', { for: input.id, text: label }),
        input,
        mark,
      ),
    );
  }
  const check = el('button', { type: 'submit', class: 'cp-quiz-check' }, 'Check');
  const reveal = el('button', { type: 'button', class: 'cp-quiz-reveal' }, 'Reveal');
  const next = el('button', { type: 'button', class: 'cp-quiz-new' }, 'New question');
  form.append(el('div', { class: 'cp-quiz-buttons' }, check, reveal, next));
  const verdict = el('p', { class: 'cp-quiz-verdict', role: 'status', 'aria-live': 'polite' });
  const explain = el('div', { class: 'cp-quiz-explain', hidden: true });
  root.append(
    h,
    el('p', {
      class: 'hint',
      text: 'Work out the output volume W2 × H2 × D2 and the number of parameters (weights + biases, e.g. 34848 + 96 or 34944) of this layer, then check.',
    }),
    question,
    form,
    verdict,
    explain,
  );

  let cfg = null,
    geom = null,
    qid = 0;

  async function newQuestion() {
    for (let tries = 0; tries < 50; tries++) {
      const c = randomConfig();
      try {
        const g = await ctx.engine.geometry({
          input: [1, c.D1, c.H1, c.W1],
          weight: [c.K, c.D1, c.F, c.F],
          params: { strideH: c.S, strideW: c.S, padH: c.P, padW: c.P },
        });
        cfg = c;
        geom = g;
        break;
      } catch {
        /* impossible layer: draw again */
      }
    }
    if (!cfg) return;
    question.textContent =
      `Input ${cfg.W1} × ${cfg.H1} × ${cfg.D1}; K = ${cfg.K} filters of ${cfg.F} × ${cfg.F} × ${cfg.D1}; ` +
      `padding P = ${cfg.P} (zeros); stride S = ${cfg.S}.`;
    Object.assign(root.dataset, {
      qid: String(++qid),
      w1: cfg.W1,
      h1: cfg.H1,
      d1: cfg.D1,
      f: cfg.F,
      p: cfg.P,
      s: cfg.S,
      k: cfg.K,
    });
    for (const { input, mark } of Object.values(fields)) {
      input.value = '';
      input.removeAttribute('aria-invalid');
      mark.textContent = '';
      mark.className = 'cp-quiz-mark';
      delete input.dataset.correct;
    }
    verdict.textContent = '';
    explain.hidden = true;
    explain.replaceChildren();
  }

  function answers() {
    return {
      w2: geom.output[3],
      h2: geom.output[2],
      d2: geom.output[1],
      params: geom.weightCount + geom.biasCount,
    };
  }

  function axisLine(name, inSize, ax) {
    const num = inSize - cfg.F + 2 * cfg.P;
    const exact = ax.exact;
    return (
      `${name} = (${name[0]}1 - F + 2P)/S + 1 = (${inSize} - ${cfg.F} + 2*${cfg.P})/${cfg.S} + 1 = ${num}/${cfg.S} + 1 = ` +
      (exact
        ? `${ax.size}`
        : `${(num / cfg.S + 1).toFixed(2).replace(/0+$/, '')} → floor: ${ax.size} (${num} is not a multiple of ${cfg.S}; libraries take the floor)`)
    );
  }

  function showExplanation() {
    const a = answers();
    const wc = geom.weightCount;
    explain.replaceChildren(
      el('p', { text: axisLine('W2', cfg.W1, geom.w) }),
      el('p', { text: axisLine('H2', cfg.H1, geom.h) }),
      el('p', { text: `D2 = K = ${a.d2} (one feature map per filter)` }),
      el('p', {
        text: `Parameters = F*F*D1*K + K = ${cfg.F}*${cfg.F}*${cfg.D1}*${cfg.K} + ${cfg.K} = ${fmtInt(wc)} + ${fmtInt(geom.biasCount)} = ${fmtInt(a.params)}`,
      }),
      el('p', { class: 'cp-quiz-out', text: `Output: ${a.w2} × ${a.h2} × ${a.d2}` }),
    );
    explain.hidden = false;
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!geom) return;
    const a = answers();
    let right = 0,
      given = 0;
    for (const [key, { input, mark }] of Object.entries(fields)) {
      const text = input.value.trim();
      if (!text) {
        mark.textContent = '';
        mark.className = 'cp-quiz-mark';
        input.removeAttribute('aria-invalid');
        delete input.dataset.correct;
        continue;
      }
      given++;
      const v = key === 'params' ? parseCount(text) : /^\d+$/.test(text) ? Number(text) : NaN;
      const ok = v === a[key];
      if (ok) right++;
      input.dataset.correct = ok ? 'true' : 'false';
      input.setAttribute('aria-invalid', ok ? 'false' : 'true');
      mark.className = `cp-quiz-mark ${ok ? 'cp-right' : 'cp-wrong'}`;
      mark.textContent = ok ? '✓ right' : '✗ wrong';
    }
    // the worked solution only when every answer is right, or on request (Reveal):
    // a wrong field can be corrected and checked again
    verdict.textContent =
      given === 0
        ? 'Type your predictions first (or press Reveal).'
        : right === 4
          ? '4 of 4 right. Well done.'
          : `${right} of ${given} right. Correct the fields marked wrong and check again, or press Reveal for the worked solution.`;
    if (right === 4) showExplanation();
    else {
      explain.hidden = true;
      explain.replaceChildren();
    }
  });
  reveal.addEventListener('click', () => {
    if (!geom) return;
    const a = answers();
    verdict.textContent = `The answer: ${a.w2} × ${a.h2} × ${a.d2}, ${fmtInt(a.params)} parameters.`;
    showExplanation();
  });
  next.addEventListener('click', newQuestion);

  ctx.on('started', newQuestion);
  return { newQuestion };
}
