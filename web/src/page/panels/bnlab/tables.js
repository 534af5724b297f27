// The lab's two tables: the forward pass node by node (values from the
// module), and the backward pass in the lecture's order, each gradient beside
// its finite difference and whether they agree ('?' until a step reveals it).
import { fmt } from '../../../common/bnlab-math.js';
import { forwardRows, backwardRows } from './formulas.js';
import { FD_METHOD } from './presets.js';

const FWD_HEADS = ['Node', 'Formula', 'Numbers substituted', 'Value'];
const BWD_HEADS = [
  'Gradient',
  'Formula',
  'Numbers substituted',
  'Module',
  'Finite difference',
  'Agree',
];
const NUMERIC = new Set(['Value', 'Module', 'Finite difference']);

function table(h, cls, id, caption, heads, body) {
  return h(
    'table',
    { class: `bn-table ${cls}`, id },
    h('caption', { text: caption }),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...heads.map((t) =>
          h('th', { scope: 'col', class: NUMERIC.has(t) ? 'num' : null, text: t }),
        ),
      ),
    ),
    body,
  );
}

function forwardRow(h, r) {
  return h(
    'tr',
    { 'data-key': r.key },
    h('th', { scope: 'row', text: r.name }),
    h('td', { class: 'bn-formula', text: r.formula }),
    h('td', { class: 'bn-sub', text: r.substituted }),
    h('td', { class: 'num bn-val', 'data-value': String(r.value), text: fmt(r.value, r.digits) }),
  );
}

function agreeText(chk) {
  if (!chk.agree) return '✗';
  if (!chk.digits) return '✓ both ≈ 0';
  return `✓ ${chk.digits} digit${chk.digits > 1 ? 's' : ''}`;
}

/** The finite-difference and agreement cells of a revealed row (chk, fdr may be missing). */
function checkCells(h, r, chk, fdr, revealed) {
  const shown = revealed && chk;
  return [
    h(
      'td',
      {
        class: 'num bn-fd',
        'data-value': revealed && fdr ? String(fdr.value) : null,
        'data-err': revealed && fdr ? String(fdr.err) : null,
        'data-digits': shown ? String(chk.digits) : null,
      },
      shown ? chk.fdText : '?',
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
        class: `bn-agree ${shown ? (chk.agree ? 'is-agree' : 'is-disagree') : ''}`,
        'data-agree': shown ? String(chk.agree) : null,
      },
      shown ? agreeText(chk) : '',
    ),
  ];
}

function backwardRow(h, r, res, vs) {
  const revealed = vs.revealed.has(r.stepKey);
  const current = vs.current === r.stepKey;
  const pick = (x) => (r.index === undefined ? x[r.stepKey] : x[r.stepKey]?.[r.index]);
  const chk = pick(res.checks);
  const fdr = pick(res.fd);
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
    ...checkCells(h, r, chk, fdr, revealed),
  );
}

/** h: the lab's element builder. Returns {fwdTable, bwdTable, update(res, vs)}. */
export function mountTables(h) {
  const fwdBody = h('tbody');
  const bwdBody = h('tbody');
  const fwdTable = table(
    h,
    'bn-table--fwd',
    'bn-fwd',
    'Forward (values from the module; L and ∂L/∂yᵢ from the page’s loss)',
    FWD_HEADS,
    fwdBody,
  );
  const bwdTable = table(
    h,
    'bn-table--bwd',
    'bn-bwd',
    'Backward, in the lecture’s order (gradients from the module’s batchnormBackward)',
    BWD_HEADS,
    bwdBody,
  );
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

  /** res: the lab job's answer; vs: what the step reveals (stepbar.js viewState). */
  function update(res, vs) {
    if (!res.ok) {
      fwdBody.replaceChildren(none(4));
      bwdBody.replaceChildren(none(6));
      return;
    }
    fwdBody.replaceChildren(...forwardRows(res.p, res.f).map((r) => forwardRow(h, r)));
    const rows = backwardRows(res.p, res.f, res.g);
    bwdBody.replaceChildren(...rows.map((r) => backwardRow(h, r, res, vs)));
  }
  return { fwdTable, bwdTable, update };
}
