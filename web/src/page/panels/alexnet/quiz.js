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

const FIELDS = [
  ['w2', 'W2 (width)'],
  ['h2', 'H2 (height)'],
  ['d2', 'D2 (depth)'],
  ['params', 'Parameters'],
];

/** The answer form: one text field and its mark per answer, then Check / Reveal / New question. */
function buildForm(id) {
  const fields = {};
  const form = el('form', {
    class: 'cp-quiz-form',
    'aria-labelledby': id('quiz-h'),
    novalidate: true,
  });
  for (const [key, label] of FIELDS) {
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
  const buttons = {
    check: el('button', { type: 'submit', class: 'cp-quiz-check' }, 'Check'),
    reveal: el('button', { type: 'button', class: 'cp-quiz-reveal' }, 'Reveal'),
    next: el('button', { type: 'button', class: 'cp-quiz-new' }, 'New question'),
  };
  form.append(el('div', { class: 'cp-quiz-buttons' }, ...Object.values(buttons)));
  return { form, fields, buttons };
}

/** A field back to unmarked (its input empty when clear). */
function unmark({ input, mark }, clear) {
  if (clear) input.value = '';
  input.removeAttribute('aria-invalid');
  mark.textContent = '';
  mark.className = 'cp-quiz-mark';
  delete input.dataset.correct;
}

/** Marks every filled-in field right or wrong against the answers a: {right, given}. */
function markAnswers(fields, a) {
  let right = 0,
    given = 0;
  for (const [key, field] of Object.entries(fields)) {
    const { input, mark } = field;
    const text = input.value.trim();
    if (!text) {
      unmark(field, false);
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
  return { right, given };
}

function verdictText({ right, given }) {
  if (given === 0) return 'Type your predictions first (or press Reveal).';
  if (right === 4) return '4 of 4 right. Well done.';
  return `${right} of ${given} right. Correct the fields marked wrong and check again, or press Reveal for the worked solution.`;
}

/** A random layer the module accepts: {cfg, geom}, or null after 50 impossible ones. */
async function drawLayer(engine) {
  for (let tries = 0; tries < 50; tries++) {
    const c = randomConfig();
    try {
      const g = await engine.geometry({
        input: [1, c.D1, c.H1, c.W1],
        weight: [c.K, c.D1, c.F, c.F],
        params: { strideH: c.S, strideW: c.S, padH: c.P, padW: c.P },
      });
      return { cfg: c, geom: g };
    } catch {
      /* impossible layer: draw again */
    }
  }
  return null;
}

/** The worked solution's lines for layer cfg and its geometry. */
function explanation(cfg, geom) {
  const axisLine = (name, inSize, ax) => {
    const num = inSize - cfg.F + 2 * cfg.P;
    return (
      `${name} = (${name[0]}1 - F + 2P)/S + 1 = (${inSize} - ${cfg.F} + 2*${cfg.P})/${cfg.S} + 1 = ${num}/${cfg.S} + 1 = ` +
      (ax.exact
        ? `${ax.size}`
        : `${(num / cfg.S + 1).toFixed(2).replace(/0+$/, '')} → floor: ${ax.size} (${num} is not a multiple of ${cfg.S}; libraries take the floor)`)
    );
  };
  const a = answersOf(geom);
  const wc = geom.weightCount;
  return [
    el('p', { text: axisLine('W2', cfg.W1, geom.w) }),
    el('p', { text: axisLine('H2', cfg.H1, geom.h) }),
    el('p', { text: `D2 = K = ${a.d2} (one feature map per filter)` }),
    el('p', {
      text: `Parameters = F*F*D1*K + K = ${cfg.F}*${cfg.F}*${cfg.D1}*${cfg.K} + ${cfg.K} = ${fmtInt(wc)} + ${fmtInt(geom.biasCount)} = ${fmtInt(a.params)}`,
    }),
    el('p', { class: 'cp-quiz-out', text: `Output: ${a.w2} × ${a.h2} × ${a.d2}` }),
  ];
}

/** The right answers of a layer of geometry geom. */
function answersOf(geom) {
  return {
    w2: geom.output[3],
    h2: geom.output[2],
    d2: geom.output[1],
    params: geom.weightCount + geom.biasCount,
  };
}

export function mountQuiz(root, ctx) {
  const id = ctx.id;
  const question = el('p', { class: 'cp-quiz-q', 'aria-live': 'polite' });
  const { form, fields, buttons } = buildForm(id);
  const verdict = el('p', { class: 'cp-quiz-verdict', role: 'status', 'aria-live': 'polite' });
  const explain = el('div', { class: 'cp-quiz-explain', hidden: true });
  root.append(
    el('h3', { id: id('quiz-h'), text: 'Predict, then reveal' }),
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

  function showExplanation(show) {
    explain.replaceChildren(...(show ? explanation(cfg, geom) : []));
    explain.hidden = !show;
  }

  async function newQuestion() {
    const drawn = await drawLayer(ctx.engine);
    if (drawn) ({ cfg, geom } = drawn);
    if (!cfg) return;
    question.textContent =
      `Input ${cfg.W1} × ${cfg.H1} × ${cfg.D1}; K = ${cfg.K} filters of ${cfg.F} × ${cfg.F} × ${cfg.D1}; ` +
      `padding P = ${cfg.P} (zeros); stride S = ${cfg.S}.`;
    const { W1: w1, H1: h1, D1: d1, F: f, P: p, S: s, K: k } = cfg;
    Object.assign(root.dataset, { qid: String(++qid), w1, h1, d1, f, p, s, k });
    for (const field of Object.values(fields)) unmark(field, true);
    verdict.textContent = '';
    showExplanation(false);
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!geom) return;
    const marks = markAnswers(fields, answersOf(geom));
    // the worked solution only when every answer is right, or on request (Reveal):
    // a wrong field can be corrected and checked again
    verdict.textContent = verdictText(marks);
    showExplanation(marks.right === 4);
  });
  buttons.reveal.addEventListener('click', () => {
    if (!geom) return;
    const a = answersOf(geom);
    verdict.textContent = `The answer: ${a.w2} × ${a.h2} × ${a.d2}, ${fmtInt(a.params)} parameters.`;
    showExplanation(true);
  });
  buttons.next.addEventListener('click', newQuestion);

  ctx.on('started', newQuestion);
  return { newQuestion };
}
