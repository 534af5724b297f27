// The batch-norm lab: the lecture's computational graph of batch
// normalization with every forward value and every gradient on it, computed
// by the module (batchnormForward / batchnormBackward, double precision),
// each gradient beside its finite-difference check, and a step-through of
// the backward pass in the lecture's order (beta, gamma, xhat, var, mu, x).
//
// It is a panel like the others (index.js: mount(ctx)); its numbers come from
// the worker's 'bnlab' job (common/bnlab-math.js runLab, run in the worker).
// The lab's state lives in the instance's state (rows bn* of the state
// table), so a lab setting is a link like #bnx=1,3&bngamma=2.

import {
  paramsFromState,
  parseList,
  fmt,
  STEPS,
  MAX_M,
  LOSSES,
  subscript,
  xDigits,
} from '../../../common/bnlab-math.js';
import { forwardRows, backwardRows } from './formulas.js';
import { drawGraph } from './graph.js';

const DATA_KEYS = new Set(['bnx', 'bngamma', 'bnbeta', 'bneps', 'bnloss', 'bnw', 'bnt']);
const VIEW_KEYS = new Set(['bnmode', 'bnstep']);

export const PRESETS = [
  {
    id: 'lecture',
    label: 'Lecture: m = 2',
    patch: {
      bnx: [1, 3],
      bngamma: 2,
      bnbeta: 0.5,
      bneps: '0',
      bnloss: 'lin',
      bnw: [1, -2],
      bnt: [0, 0],
    },
  },
  {
    id: 'five',
    label: 'Five values',
    patch: {
      bnx: [0.5, -1, 2, 3.5, 0],
      bngamma: 1.5,
      bnbeta: -0.25,
      bneps: '1e-5',
      bnloss: 'tgt',
      bnw: [1, -1, 0.5, 2, 0],
      bnt: [1, 0, -1, 2, 0.5],
    },
  },
  {
    id: 'm1',
    label: 'm = 1',
    patch: { bnx: [2], bngamma: 2, bnbeta: 0.5, bneps: '1e-5', bnloss: 'lin', bnw: [1], bnt: [0] },
  },
  {
    id: 'equal',
    label: 'Equal inputs, ε = 0',
    patch: {
      bnx: [2, 2],
      bngamma: 2,
      bnbeta: 0.5,
      bneps: '0',
      bnloss: 'lin',
      bnw: [1, -2],
      bnt: [0, 0],
    },
  },
  {
    id: 'huge',
    label: 'Huge mean',
    patch: {
      bnx: [1000000.1, 1000000.2, 1000000.4],
      bngamma: 2,
      bnbeta: 0.5,
      bneps: '1e-5',
      bnloss: 'sq',
      bnw: [1, -2, 1],
      bnt: [0, 0, 0],
    },
  },
];

const STEP_TITLES = {
  dbeta: '∂L/∂β: β feeds every yᵢ with ∂yᵢ/∂β = 1, so it sums ∂L/∂yᵢ over the edges β → yᵢ.',
  dgamma: '∂L/∂γ: γ feeds every yᵢ with ∂yᵢ/∂γ = x̂ᵢ, so it sums ∂L/∂yᵢ·x̂ᵢ over the edges γ → yᵢ.',
  dxhat: '∂L/∂x̂ᵢ: each x̂ᵢ feeds only yᵢ (∂yᵢ/∂x̂ᵢ = γ): one edge each.',
  dvar: '∂L/∂var: var feeds every x̂ᵢ, with ∂x̂ᵢ/∂var = (xᵢ − μ)·(−1/2)·(var + ε)^(−3/2): sum over var → x̂ᵢ.',
  dmu: '∂L/∂μ: μ feeds every x̂ᵢ and var itself: sum over μ → x̂ᵢ plus the edge μ → var.',
  dx: '∂L/∂xᵢ: each xᵢ feeds x̂ᵢ, var and μ: three edges, three terms (∂μ/∂xᵢ = 1/m).',
};

const FD_METHOD = {
  dbeta: 'module · training forward',
  dgamma: 'module · training forward',
  dxhat: 'module · inference forward (mean 0, var 1, ε 0)',
  dvar: 'module · inference forward (μ held)',
  dmu: 'module · inference forward + var(μ) in JS',
  dx: 'module · training forward',
};

// ---- tiny DOM helpers ----------------------------------------------------------

/** An element builder whose ids (and for / aria-describedby) carry the instance's prefix p. */
function builder(p) {
  return function h(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === false || v === null || v === undefined) continue;
      if (k === 'class') e.className = v;
      else if (k === 'id') {
        e.id = p + v;
        e.dataset.part = v;
      } else if (k === 'for' || k === 'aria-describedby')
        e.setAttribute(
          k,
          String(v)
            .split(' ')
            .map((x) => p + x)
            .join(' '),
        );
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
    return e;
  };
}

function listText(arr) {
  return arr.map((v) => String(v)).join(', ');
}

// ---- the lab ------------------------------------------------------------------------

export function mountBatchNormLab(container, ctx) {
  const S = ctx;
  const engine = ctx.engine;
  const h = builder(ctx.id(''));
  const st = () => S.state;
  let last = null; // the last result of runLab
  let generation = 0;

  container.classList.add('bnlab');
  container.setAttribute('aria-labelledby', ctx.id('bnlab-h'));

  // --- controls
  const fieldErrors = {};
  const field = (id, label, input, hint) => {
    const err = h('span', { class: 'bn-field-error', id: `${id}-err`, role: 'alert' });
    fieldErrors[id] = err;
    input.id = ctx.id(id);
    input.dataset.part = id;
    input.setAttribute(
      'aria-describedby',
      ctx.id(`${id}-err`) + (hint ? ` ${ctx.id(`${id}-hint`)}` : ''),
    );
    return h(
      'div',
      { class: 'bn-field', 'data-field': id },
      h('label', { for: id }, label),
      input,
      hint ? h('span', { class: 'bn-hint', id: `${id}-hint`, text: hint }) : null,
      err,
    );
  };
  const xIn = h('input', {
    type: 'text',
    inputmode: 'decimal',
    autocomplete: 'off',
    spellcheck: 'false',
    class: 'bn-list',
  });
  const gammaIn = h('input', {
    type: 'text',
    inputmode: 'decimal',
    autocomplete: 'off',
    spellcheck: 'false',
    class: 'bn-short',
  });
  const betaIn = h('input', {
    type: 'text',
    inputmode: 'decimal',
    autocomplete: 'off',
    spellcheck: 'false',
    class: 'bn-short',
  });
  const epsIn = h('input', {
    type: 'text',
    inputmode: 'decimal',
    autocomplete: 'off',
    spellcheck: 'false',
    class: 'bn-short',
  });
  const lossSel = h(
    'select',
    {},
    ...Object.entries(LOSSES).map(([k, v]) => h('option', { value: k, text: v.label })),
  );
  const wIn = h('input', {
    type: 'text',
    inputmode: 'decimal',
    autocomplete: 'off',
    spellcheck: 'false',
    class: 'bn-list',
  });
  const tIn = h('input', {
    type: 'text',
    inputmode: 'decimal',
    autocomplete: 'off',
    spellcheck: 'false',
    class: 'bn-list',
  });
  const mOut = h('output', { class: 'bn-m', for: 'bn-x' });
  const wField = field('bn-w', 'Upstream gradient ∂L/∂yᵢ = wᵢ', wIn, 'one per xᵢ');
  const tField = field('bn-t', 'Targets tᵢ', tIn, 'one per xᵢ');

  const presets = h(
    'div',
    { class: 'bn-presets', role: 'group', 'aria-label': 'Examples' },
    h('span', { class: 'bn-presets-label', text: 'Examples:' }),
    ...PRESETS.map((p) =>
      h('button', {
        type: 'button',
        'data-preset': p.id,
        text: p.label,
        onclick: () => S.update({ ...p.patch }),
      }),
    ),
  );

  const stepToggle = h('input', { type: 'checkbox', id: 'bn-stepmode' });
  const prevBtn = h('button', { type: 'button', id: 'bn-prev', text: '← Previous' });
  const nextBtn = h('button', { type: 'button', id: 'bn-next', text: 'Next →' });
  const resetBtn = h('button', { type: 'button', id: 'bn-reset', text: 'Reset' });
  const stepStatus = h('p', {
    class: 'bn-step-status',
    id: 'bn-step-status',
    'aria-live': 'polite',
  });
  const stepper = h(
    'div',
    { class: 'bn-stepper', role: 'group', 'aria-label': 'Step through the backward pass' },
    h(
      'div',
      { class: 'bn-step-toggle' },
      stepToggle,
      h('label', {
        for: 'bn-stepmode',
        text: 'Step through backward (the lecture’s order: β, γ, x̂, var, μ, x)',
      }),
    ),
    h('div', { class: 'bn-step-buttons' }, prevBtn, nextBtn, resetBtn),
    stepStatus,
  );

  const messages = h('div', { class: 'bn-messages', 'aria-live': 'polite' });
  // the graph and the tables scroll sideways on a narrow screen: focusable, so keys scroll them
  const scroller = (cls, label, ...kids) =>
    h('div', { class: cls, tabindex: '0', role: 'region', 'aria-label': label }, ...kids);
  const graphHost = scroller('bn-graph-wrap', 'The computational graph');
  const fwdBody = h('tbody');
  const bwdBody = h('tbody');
  const fwdTable = h(
    'table',
    { class: 'bn-table bn-table--fwd', id: 'bn-fwd' },
    h('caption', { text: 'Forward (values from the module; L and ∂L/∂yᵢ from the page’s loss)' }),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', text: 'Node' }),
        h('th', { scope: 'col', text: 'Formula' }),
        h('th', { scope: 'col', text: 'Numbers substituted' }),
        h('th', { scope: 'col', class: 'num', text: 'Value' }),
      ),
    ),
    fwdBody,
  );
  const bwdTable = h(
    'table',
    { class: 'bn-table bn-table--bwd', id: 'bn-bwd' },
    h('caption', {
      text: 'Backward, in the lecture’s order (gradients from the module’s batchnormBackward)',
    }),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', text: 'Gradient' }),
        h('th', { scope: 'col', text: 'Formula' }),
        h('th', { scope: 'col', text: 'Numbers substituted' }),
        h('th', { scope: 'col', class: 'num', text: 'Module' }),
        h('th', { scope: 'col', class: 'num', text: 'Finite difference' }),
        h('th', { scope: 'col', text: 'Agree' }),
      ),
    ),
    bwdBody,
  );

  const how = h(
    'details',
    { class: 'bn-how' },
    h('summary', { text: 'How each number is computed' }),
    h(
      'ul',
      {},
      h('li', {
        text: 'μ, var, x̂ᵢ, yᵢ: the module’s batchnormForward (training mode, double precision), shape [m, 1, 1, 1].',
      }),
      h('li', {
        text: 'L and ∂L/∂yᵢ: this page, from the module’s yᵢ and the loss you chose (the loss is not part of the core).',
      }),
      h('li', {
        text: 'Every gradient: the module’s batchnormBackward, with the formulas shown (the core’s batchnorm_backward).',
      }),
      h('li', {
        text: 'Finite differences: (L(p + h) − L(p − h)) / 2h with h = 10⁻⁵ × the input’s scale (1 for β, γ, x̂; σ = √(var + ε) for x and μ; var + ε for var), every L from the module’s forward again. β, γ, xᵢ: the training forward with that input nudged (μ and var recomputed). x̂ᵢ: the inference forward with mean 0, var 1, ε 0, which computes y = γ·x̂ + β from a nudged x̂. var: the inference forward with mean = μ held and var nudged (one-sided, second order, when var = 0). μ: the inference forward with mean = μ ± h and var(μ) = (1/m)Σ(xᵢ − μ)² recomputed in JS, so var’s dependence on μ is included — the total derivative of the lecture.',
      }),
      h('li', {
        text: 'Digits: every number has at most 6 significant digits. A finite difference shows only the digits it can resolve: it is also taken with 2h, and the difference of the two, plus the rounding of L, bounds its error. “✓” means the module’s gradient agrees with it to the last digit shown (within one unit). A value below the rounding of its own terms is shown as 0.',
      }),
    ),
  );

  container.replaceChildren(
    h('h2', { id: 'bnlab-h', text: 'Batch-norm lab: back-propagation through the graph' }),
    h('p', {
      class: 'bn-intro',
      text: 'The lecture’s opening exercise. Forward: μ = (1/m)Σxᵢ, var = (1/m)Σ(xᵢ − μ)², x̂ᵢ = (xᵢ − μ)/√(var + ε), yᵢ = γx̂ᵢ + β. Backward: the chain rule through every node. Edit the mini-batch, γ, β, ε and the loss; every number below is recomputed by the module and checked against a finite difference.',
    }),
    presets,
    h(
      'div',
      { class: 'bn-controls' },
      field(
        'bn-x',
        h('span', {}, 'Mini-batch x₁ … xₘ ', mOut),
        xIn,
        `1 to ${MAX_M} numbers, comma-separated`,
      ),
      field('bn-gamma', 'γ (scale)', gammaIn),
      field('bn-beta', 'β (shift)', betaIn),
      field('bn-eps', 'ε', epsIn, '≥ 0, e.g. 1e-5'),
      field('bn-loss', 'Loss', lossSel),
      wField,
      tField,
    ),
    stepper,
    messages,
    graphHost,
    scroller('bn-table-wrap', 'The forward pass, node by node', fwdTable),
    scroller('bn-table-wrap', 'The backward pass, node by node', bwdTable),
    how,
  );

  // --- input handlers: each changes its field(s) in the state
  const setErr = (id, text) => {
    fieldErrors[id].textContent = text || '';
    ctx.$(id)?.setAttribute('aria-invalid', text ? 'true' : 'false');
  };
  const fitTo = (arr, m, fill) =>
    Array.from({ length: m }, (_, i) => (i < arr.length ? arr[i] : fill));
  xIn.addEventListener('input', () => {
    const r = parseList(xIn.value, { min: 1, max: MAX_M, what: 'values' });
    if (r.error) {
      setErr('bn-x', r.error);
      return;
    }
    setErr('bn-x', '');
    const m = r.values.length;
    S.update({ bnx: r.values, bnw: fitTo(st().bnw, m, 0), bnt: fitTo(st().bnt, m, 0) });
  });
  const listHandler = (input, id, name) =>
    input.addEventListener('input', () => {
      const m = st().bnx.length;
      const r = parseList(input.value, { min: m, max: m, what: `values (one per xᵢ, m = ${m})` });
      if (r.error) {
        setErr(id, r.error);
        return;
      }
      setErr(id, '');
      S.update({ [name]: r.values });
    });
  listHandler(wIn, 'bn-w', 'bnw');
  listHandler(tIn, 'bn-t', 'bnt');
  const numHandler = (input, id, name) =>
    input.addEventListener('input', () => {
      const v = Number(input.value);
      if (input.value.trim() === '' || !Number.isFinite(v)) {
        setErr(id, 'enter a number');
        return;
      }
      setErr(id, '');
      S.update({ [name]: v });
    });
  numHandler(gammaIn, 'bn-gamma', 'bngamma');
  numHandler(betaIn, 'bn-beta', 'bnbeta');
  epsIn.addEventListener('input', () => {
    const text = epsIn.value.trim();
    const v = Number(text);
    if (text === '' || !Number.isFinite(v) || !/^[0-9eE.+-]+$/.test(text) || text.length > 16) {
      setErr('bn-eps', 'enter a number, e.g. 1e-5');
      return;
    }
    setErr('bn-eps', '');
    S.update({ bneps: text.replace('+', '') }); // a negative ε goes to the module, which explains the rule
  });
  lossSel.addEventListener('change', () => S.update({ bnloss: lossSel.value }));

  // --- the stepper
  stepToggle.addEventListener('change', () =>
    S.update({ bnmode: stepToggle.checked ? 'step' : 'all', bnstep: 0 }),
  );
  const go = (delta) => {
    if (st().bnmode !== 'step') {
      S.update({ bnmode: 'step', bnstep: delta > 0 ? 1 : 0 });
      return;
    }
    S.update({ bnstep: Math.max(0, Math.min(STEPS.length, st().bnstep + delta)) });
  };
  prevBtn.addEventListener('click', () => go(-1));
  nextBtn.addEventListener('click', () => go(+1));
  resetBtn.addEventListener('click', () => S.update({ bnmode: 'step', bnstep: 0 }));
  stepper.addEventListener('keydown', (e) => {
    if (e.target === stepToggle && (e.key === ' ' || e.key === 'Enter')) return;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') {
      go(+1);
      e.preventDefault();
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') {
      go(-1);
      e.preventDefault();
    } else if (e.key === 'Home') {
      S.update({ bnmode: 'step', bnstep: 0 });
      e.preventDefault();
    } else if (e.key === 'End') {
      S.update({ bnmode: 'step', bnstep: STEPS.length });
      e.preventDefault();
    }
  });

  // --- state -> inputs (never overwrite the field being typed in)
  function syncInputs() {
    const s = st();
    const active = container.getRootNode().activeElement;
    const put = (input, text) => {
      if (input !== active) input.value = text;
    };
    put(xIn, listText(s.bnx));
    put(gammaIn, String(s.bngamma));
    put(betaIn, String(s.bnbeta));
    put(epsIn, s.bneps);
    put(wIn, listText(s.bnw));
    put(tIn, listText(s.bnt));
    if (lossSel !== active) lossSel.value = s.bnloss;
    mOut.textContent = `(m = ${s.bnx.length})`;
    wField.hidden = s.bnloss !== 'lin';
    tField.hidden = s.bnloss !== 'tgt';
    stepToggle.checked = s.bnmode === 'step';
  }

  // --- compute and draw
  async function recompute() {
    const gen = ++generation;
    const p = paramsFromState(st());
    container.dataset.state = 'computing';
    let res;
    if (!Number.isFinite(p.eps)) {
      res = { ok: false, p, error: `ε = “${p.epsText}” is not a number`, notes: [] };
    } else {
      try {
        res = await engine.bnlab({ p });
      } catch (e) {
        res = { ok: false, p, error: e.message, notes: [] };
      }
      if (!res) return; // a newer input superseded this one
    }
    if (gen !== generation) return; // a newer input superseded this one
    last = res;
    render();
    container.dataset.state = res.ok ? 'ok' : 'error';
    container.dataset.computed = String(Number(container.dataset.computed || 0) + 1);
  }

  function viewState() {
    const s = st();
    if (s.bnmode !== 'step')
      return { revealed: new Set(STEPS), current: null, step: STEPS.length, stepping: false };
    const step = s.bnstep;
    return {
      revealed: new Set(STEPS.slice(0, step)),
      current: step > 0 ? STEPS[step - 1] : null,
      step,
      stepping: true,
    };
  }

  function render() {
    syncInputs();
    const res = last;
    if (!res) return;
    const { p } = res;
    const vs = viewState();

    // stepper status
    prevBtn.disabled = !vs.stepping || vs.step === 0;
    nextBtn.disabled = vs.stepping && vs.step === STEPS.length;
    resetBtn.disabled = !vs.stepping;
    container.dataset.step = String(vs.step);
    container.dataset.current = vs.current ?? '';
    stepStatus.textContent = !vs.stepping
      ? 'All gradients shown. Tick “Step through backward” (or press Next) to reveal them one node at a time.'
      : vs.step === 0
        ? `Step 0 of ${STEPS.length}: the forward pass and ∂L/∂yᵢ from the loss. Press Next (or →) for the first gradient.`
        : `Step ${vs.step} of ${STEPS.length}: ${STEP_TITLES[vs.current]}`;

    // messages: the module's error, then the notes
    const items = [];
    if (!res.ok) {
      items.push(
        h(
          'div',
          { class: 'bn-error', role: 'alert', 'data-note': 'error' },
          h('strong', { text: 'The module refused: ' }),
          h('q', { class: 'bn-error-text', text: res.error }),
        ),
      );
    }
    if (res.ok && res.fd?.error) {
      items.push(
        h(
          'div',
          { class: 'bn-error', role: 'alert' },
          h('strong', { text: 'Finite differences failed: ' }),
          h('q', { text: res.fd.error }),
        ),
      );
    }
    // notes that quote ∂L/∂x wait, in step mode, until ∂L/∂x is revealed
    const notes = (res.notes || []).filter((n) => !n.needs || vs.revealed.has(n.needs));
    if (notes.length) {
      items.push(
        h(
          'ul',
          { class: 'bn-notes' },
          ...notes.map((n) =>
            h(
              'li',
              { class: `bn-note bn-note--${n.kind}`, 'data-note': n.id },
              h('strong', {
                text: n.kind === 'insight' ? 'Insight. ' : n.kind === 'error' ? 'Why. ' : 'Check. ',
              }),
              n.text,
            ),
          ),
        ),
      );
    }
    messages.replaceChildren(...items);

    // graph
    const values = { gamma: p.gamma, beta: p.beta };
    const grads = {},
      gradText = {},
      fd = {},
      valueText = {};
    p.x.forEach((v, i) => {
      values[`x${i}`] = v;
      valueText[`x${i}`] = String(v);
    });
    if (res.ok) {
      const { f, g, checks } = res;
      const d = xDigits(p.x, Math.sqrt(f.var));
      p.x.forEach((v, i) => {
        valueText[`x${i}`] = fmt(v, d);
      });
      valueText.mu = fmt(f.mu, d);
      Object.assign(values, { mu: f.mu, var: f.var, L: f.L });
      for (let i = 0; i < p.m; i++) {
        values[`xhat${i}`] = f.xhat[i];
        values[`y${i}`] = f.y[i];
        grads[`y${i}`] = f.dy[i];
        grads[`xhat${i}`] = g.dxhat[i];
        grads[`x${i}`] = g.dx[i];
        if (checks.dx) {
          gradText[`xhat${i}`] = checks.dxhat[i].anText;
          gradText[`x${i}`] = checks.dx[i].anText;
          fd[`xhat${i}`] = { text: checks.dxhat[i].fdText, agree: checks.dxhat[i].agree };
          fd[`x${i}`] = { text: checks.dx[i].fdText, agree: checks.dx[i].agree };
        }
      }
      Object.assign(grads, { beta: g.dbeta, gamma: g.dgamma, var: g.dvar, mu: g.dmu });
      for (const [id, k] of [
        ['beta', 'dbeta'],
        ['gamma', 'dgamma'],
        ['var', 'dvar'],
        ['mu', 'dmu'],
      ]) {
        if (checks[k]) {
          gradText[id] = checks[k].anText;
          fd[id] = { text: checks[k].fdText, agree: checks[k].agree };
        }
      }
    }
    drawGraph(graphHost, {
      m: p.m,
      values,
      valueText,
      grads,
      gradText,
      fd,
      revealed: vs.revealed,
      current: vs.current,
      error: !res.ok,
      idPrefix: ctx.id(''),
    });

    // tables
    if (!res.ok) {
      const none = (n) =>
        h(
          'tr',
          {},
          h('td', {
            colspan: n,
            class: 'bn-none',
            text: 'Nothing to show: the module refused this input (see the message above).',
          }),
        );
      fwdBody.replaceChildren(none(4));
      bwdBody.replaceChildren(none(6));
      return;
    }
    fwdBody.replaceChildren(
      ...forwardRows(p, res.f).map((r) =>
        h(
          'tr',
          { 'data-key': r.key },
          h('th', { scope: 'row', text: r.name }),
          h('td', { class: 'bn-formula', text: r.formula }),
          h('td', { class: 'bn-sub', text: r.substituted }),
          h('td', {
            class: 'num bn-val',
            'data-value': String(r.value),
            text: fmt(r.value, r.digits),
          }),
        ),
      ),
    );
    const rows = backwardRows(p, res.f, res.g);
    bwdBody.replaceChildren(
      ...rows.map((r) => {
        const revealed = vs.revealed.has(r.stepKey);
        const current = vs.current === r.stepKey;
        const chk =
          r.index === undefined ? res.checks[r.stepKey] : res.checks[r.stepKey]?.[r.index];
        const fdr = r.index === undefined ? res.fd[r.stepKey] : res.fd[r.stepKey]?.[r.index];
        const cls = ['bn-row', revealed ? 'is-revealed' : 'is-pending', current ? 'is-current' : '']
          .join(' ')
          .trim();
        const hidden = (text) => (revealed ? text : '?');
        return h(
          'tr',
          { class: cls, 'data-key': r.key, 'data-step': r.stepKey },
          h('th', { scope: 'row', text: r.name }),
          h('td', { class: 'bn-formula', text: r.formula }),
          h('td', { class: 'bn-sub', text: hidden(r.substituted) }),
          h('td', {
            class: 'num bn-an',
            'data-value': revealed ? String(r.value) : null,
            text: hidden(chk ? chk.anText : fmt(r.value)),
          }),
          h(
            'td',
            {
              class: 'num bn-fd',
              'data-value': revealed && fdr ? String(fdr.value) : null,
              'data-err': revealed && fdr ? String(fdr.err) : null,
              'data-digits': revealed && chk ? String(chk.digits) : null,
            },
            revealed && chk ? chk.fdText : '?',
            revealed && fdr
              ? h('span', {
                  class: 'bn-method',
                  text: FD_METHOD[r.stepKey] + (fdr.oneSided ? ', one-sided' : ''),
                })
              : null,
          ),
          h(
            'td',
            {
              class: `bn-agree ${revealed && chk ? (chk.agree ? 'is-agree' : 'is-disagree') : ''}`,
              'data-agree': revealed && chk ? String(chk.agree) : null,
            },
            revealed && chk
              ? chk.agree
                ? chk.digits
                  ? `✓ ${chk.digits} digit${chk.digits > 1 ? 's' : ''}`
                  : '✓ both ≈ 0'
                : '✗'
              : '',
          ),
        );
      }),
    );
  }

  const unsubscribe = ctx.subscribe((s, changed) => {
    const names = [...changed];
    if (names.some((n) => DATA_KEYS.has(n))) recompute();
    else if (names.some((n) => VIEW_KEYS.has(n))) render();
  });
  syncInputs();
  ctx.on('started', recompute);
  return {
    recompute,
    render,
    destroy: unsubscribe,
    get result() {
      return last;
    },
  };
}

export { subscript };
