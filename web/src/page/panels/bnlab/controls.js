// The batch-norm lab's inputs: the mini-batch x, gamma, beta, eps, the loss
// and its w or t, and the example buttons. Each input changes its state rows
// (bn*) once it parses; a field that does not parse says why beside it and
// changes nothing. sync() puts the state back (never into the field being typed in).
import { parseList, MAX_M, LOSSES } from '../../../common/bnlab-math.js';
import { listText } from './builder.js';
import { PRESETS } from './presets.js';

const TEXT = { type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false' };

/** The inputs, each with its field (label, hint, error) in errs. */
function buildFields(ctx, h) {
  const errs = {};
  const field = (id, label, input, hint) => {
    const err = h('span', { class: 'bn-field-error', id: `${id}-err`, role: 'alert' });
    errs[id] = err;
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
  const i = {
    x: h('input', { ...TEXT, class: 'bn-list' }),
    gamma: h('input', { ...TEXT, class: 'bn-short' }),
    beta: h('input', { ...TEXT, class: 'bn-short' }),
    eps: h('input', { ...TEXT, class: 'bn-short' }),
    loss: h(
      'select',
      {},
      ...Object.entries(LOSSES).map(([k, v]) => h('option', { value: k, text: v.label })),
    ),
    w: h('input', { ...TEXT, class: 'bn-list' }),
    t: h('input', { ...TEXT, class: 'bn-list' }),
    m: h('output', { class: 'bn-m', for: 'bn-x' }),
  };
  const fields = {
    x: field(
      'bn-x',
      h('span', {}, 'Mini-batch x₁ … xₘ ', i.m),
      i.x,
      `1 to ${MAX_M} numbers, comma-separated`,
    ),
    gamma: field('bn-gamma', 'γ (scale)', i.gamma),
    beta: field('bn-beta', 'β (shift)', i.beta),
    eps: field('bn-eps', 'ε', i.eps, '≥ 0, e.g. 1e-5'),
    loss: field('bn-loss', 'Loss', i.loss),
    w: field('bn-w', 'Upstream gradient ∂L/∂yᵢ = wᵢ', i.w, 'one per xᵢ'),
    t: field('bn-t', 'Targets tᵢ', i.t, 'one per xᵢ'),
  };
  return { i, fields, errs };
}

/** The handlers: each input, once it parses, updates its state rows. */
function listen(ctx, i, setErr) {
  const st = () => ctx.state;
  const fitTo = (arr, m, fill) =>
    Array.from({ length: m }, (_, j) => (j < arr.length ? arr[j] : fill));
  const parsed = (input, id, parse, patch) =>
    input.addEventListener('input', () => {
      const r = parse(input.value);
      setErr(id, r.error || '');
      if (!r.error) ctx.update(patch(r));
    });
  parsed(
    i.x,
    'bn-x',
    (text) => parseList(text, { min: 1, max: MAX_M, what: 'values' }),
    ({ values }) => {
      const m = values.length;
      return { bnx: values, bnw: fitTo(st().bnw, m, 0), bnt: fitTo(st().bnt, m, 0) };
    },
  );
  const perX = (text) => {
    const m = st().bnx.length;
    return parseList(text, { min: m, max: m, what: `values (one per xᵢ, m = ${m})` });
  };
  parsed(i.w, 'bn-w', perX, ({ values }) => ({ bnw: values }));
  parsed(i.t, 'bn-t', perX, ({ values }) => ({ bnt: values }));
  const number = (text) =>
    text.trim() === '' || !Number.isFinite(Number(text))
      ? { error: 'enter a number' }
      : { value: Number(text) };
  parsed(i.gamma, 'bn-gamma', number, ({ value }) => ({ bngamma: value }));
  parsed(i.beta, 'bn-beta', number, ({ value }) => ({ bnbeta: value }));
  const epsOf = (raw) => {
    const text = raw.trim();
    const v = Number(text);
    if (text === '' || !Number.isFinite(v) || !/^[0-9eE.+-]+$/.test(text) || text.length > 16)
      return { error: 'enter a number, e.g. 1e-5' };
    return { text };
  };
  // a negative ε goes to the module, which explains the rule
  parsed(i.eps, 'bn-eps', epsOf, ({ text }) => ({ bneps: text.replace('+', '') }));
  i.loss.addEventListener('change', () => ctx.update({ bnloss: i.loss.value }));
}

/** h: the lab's element builder. Returns {presets, controls (the fields' box), sync()}. */
export function mountControls(ctx, h, container) {
  const { i, fields, errs } = buildFields(ctx, h);
  const setErr = (id, text) => {
    errs[id].textContent = text || '';
    ctx.$(id)?.setAttribute('aria-invalid', text ? 'true' : 'false');
  };
  listen(ctx, i, setErr);
  const presets = h(
    'div',
    { class: 'bn-presets', role: 'group', 'aria-label': 'Examples' },
    h('span', { class: 'bn-presets-label', text: 'Examples:' }),
    ...PRESETS.map((p) =>
      h('button', {
        type: 'button',
        'data-preset': p.id,
        text: p.label,
        onclick: () => ctx.update({ ...p.patch }),
      }),
    ),
  );
  const controls = h('div', { class: 'bn-controls' }, ...Object.values(fields));

  function sync() {
    const s = ctx.state;
    const active = container.getRootNode().activeElement;
    const put = (input, text) => {
      if (input !== active) input.value = text;
    };
    put(i.x, listText(s.bnx));
    put(i.gamma, String(s.bngamma));
    put(i.beta, String(s.bnbeta));
    put(i.eps, s.bneps);
    put(i.w, listText(s.bnw));
    put(i.t, listText(s.bnt));
    if (i.loss !== active) i.loss.value = s.bnloss;
    i.m.textContent = `(m = ${s.bnx.length})`;
    fields.w.hidden = s.bnloss !== 'lin';
    fields.t.hidden = s.bnloss !== 'tgt';
  }
  return { presets, controls, sync };
}
