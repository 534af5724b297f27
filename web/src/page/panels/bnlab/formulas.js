// The formulas of the lecture's graph (README §1), each with its numbers
// substituted, as text. The values themselves come from the module (res.f,
// res.g); this file only writes them into the formulas.

import { fmt, sub, subscript as s, LOSSES, xDigits } from '../../../common/bnlab-math.js';

const sum = (parts) => (parts.length ? parts.join(' + ') : '0');

/** Forward rows: {key, step (null), name, formula, substituted, value}. */
export function forwardRows(p, f) {
  const { x, m, gamma, beta, eps } = p;
  const rows = [];
  const d = xDigits(x, Math.sqrt(f.var));
  const fx = (v) => fmt(v, d);
  const sx = (v) => (v < 0 ? `(${fx(v)})` : fx(v));
  const ve = `${fmt(f.var)} + ${fmt(eps)}`;
  rows.push({
    key: 'mu',
    name: 'μ',
    formula: 'μ = (1/m) Σᵢ xᵢ',
    substituted: `μ = (1/${m})·(${sum(x.map(sx))})`,
    value: f.mu,
    digits: d,
  });
  rows.push({
    key: 'var',
    name: 'var',
    formula: 'var = (1/m) Σᵢ (xᵢ − μ)²   (biased: divide by m)',
    substituted: `var = (1/${m})·(${sum(x.map((xi) => `(${fx(xi)} − ${sx(f.mu)})²`))})`,
    value: f.var,
  });
  for (let i = 0; i < m; i++) {
    rows.push({
      key: `xhat${i}`,
      name: `x̂${s(i + 1)}`,
      formula: `x̂${s(i + 1)} = (x${s(i + 1)} − μ) / √(var + ε)`,
      substituted: `x̂${s(i + 1)} = (${fx(x[i])} − ${sx(f.mu)}) / √(${ve})`,
      value: f.xhat[i],
    });
  }
  for (let i = 0; i < m; i++) {
    rows.push({
      key: `y${i}`,
      name: `y${s(i + 1)}`,
      formula: `y${s(i + 1)} = γ·x̂${s(i + 1)} + β`,
      substituted: `y${s(i + 1)} = ${sub(gamma)}·${sub(f.xhat[i])} + ${sub(beta)}`,
      value: f.y[i],
    });
  }
  let lsub;
  if (p.loss === 'sq') lsub = `½·(${sum(f.y.map((v) => `${sub(v)}²`))})`;
  else if (p.loss === 'tgt')
    lsub = `½·(${sum(f.y.map((v, i) => `(${fmt(v)} − ${sub(p.t[i])})²`))})`;
  else lsub = sum(f.y.map((v, i) => `${sub(p.w[i])}·${sub(v)}`));
  rows.push({
    key: 'L',
    name: 'L',
    formula: LOSSES[p.loss].short,
    substituted: `L = ${lsub}`,
    value: f.L,
    js: true,
  });
  for (let i = 0; i < m; i++) {
    let fsub;
    if (p.loss === 'sq') fsub = `∂L/∂y${s(i + 1)} = y${s(i + 1)} = ${fmt(f.y[i])}`;
    else if (p.loss === 'tgt') fsub = `∂L/∂y${s(i + 1)} = ${fmt(f.y[i])} − ${sub(p.t[i])}`;
    else fsub = `∂L/∂y${s(i + 1)} = w${s(i + 1)} = ${fmt(p.w[i])}`;
    const form = p.loss === 'sq' ? 'yᵢ' : p.loss === 'tgt' ? 'yᵢ − tᵢ' : 'wᵢ';
    rows.push({
      key: `dy${i}`,
      name: `∂L/∂y${s(i + 1)}`,
      formula: `∂L/∂y${s(i + 1)} = ${form.replace(/ᵢ/g, s(i + 1))}`,
      substituted: fsub,
      value: f.dy[i],
      js: true,
    });
  }
  return rows;
}

/** Backward rows, in the lecture's order: {key, step, stepKey, index, name, formula, substituted, value}. */
export function backwardRows(p, f, g) {
  const { x, m, gamma, eps } = p;
  const rows = [];
  const d = xDigits(x, Math.sqrt(f.var));
  const fx = (v) => fmt(v, d);
  const sx = (v) => (v < 0 ? `(${fx(v)})` : fx(v));
  const ve = `${fmt(f.var)} + ${fmt(eps)}`;
  const dys = f.dy;
  rows.push({
    key: 'dbeta',
    stepKey: 'dbeta',
    name: '∂L/∂β',
    formula: '∂L/∂β = Σᵢ ∂L/∂yᵢ',
    substituted: `∂L/∂β = ${sum(dys.map(sub))}`,
    value: g.dbeta,
  });
  rows.push({
    key: 'dgamma',
    stepKey: 'dgamma',
    name: '∂L/∂γ',
    formula: '∂L/∂γ = Σᵢ ∂L/∂yᵢ · x̂ᵢ',
    substituted: `∂L/∂γ = ${sum(dys.map((d, i) => `${sub(d)}·${sub(f.xhat[i])}`))}`,
    value: g.dgamma,
  });
  for (let i = 0; i < m; i++) {
    rows.push({
      key: `dxhat${i}`,
      stepKey: 'dxhat',
      index: i,
      name: `∂L/∂x̂${s(i + 1)}`,
      formula: `∂L/∂x̂${s(i + 1)} = ∂L/∂y${s(i + 1)} · γ`,
      substituted: `∂L/∂x̂${s(i + 1)} = ${sub(dys[i])}·${sub(gamma)}`,
      value: g.dxhat[i],
    });
  }
  rows.push({
    key: 'dvar',
    stepKey: 'dvar',
    name: '∂L/∂var',
    formula: '∂L/∂var = Σᵢ ∂L/∂x̂ᵢ · (xᵢ − μ) · (−1/2) · (var + ε)^(−3/2)',
    substituted:
      `∂L/∂var = [${sum(g.dxhat.map((d, i) => `${sub(d)}·(${fx(x[i])} − ${sx(f.mu)})`))}]` +
      `·(−1/2)·(${ve})^(−3/2)`,
    value: g.dvar,
  });
  rows.push({
    key: 'dmu',
    stepKey: 'dmu',
    name: '∂L/∂μ',
    formula: '∂L/∂μ = Σᵢ ∂L/∂x̂ᵢ · (−1/√(var + ε))  +  ∂L/∂var · (1/m) · Σᵢ −2(xᵢ − μ)',
    substituted:
      `∂L/∂μ = (${sum(g.dxhat.map(sub))})·(−1/√(${ve}))` +
      ` + ${sub(g.dvar)}·(1/${m})·(${sum(x.map((xi) => `−2·(${fx(xi)} − ${sx(f.mu)})`))})`,
    value: g.dmu,
  });
  for (let i = 0; i < m; i++) {
    rows.push({
      key: `dx${i}`,
      stepKey: 'dx',
      index: i,
      name: `∂L/∂x${s(i + 1)}`,
      formula: `∂L/∂x${s(i + 1)} = ∂L/∂x̂${s(i + 1)}/√(var + ε) + ∂L/∂var·2(x${s(i + 1)} − μ)/m + ∂L/∂μ/m`,
      substituted:
        `∂L/∂x${s(i + 1)} = ${sub(g.dxhat[i])}/√(${ve}) + ${sub(g.dvar)}·2·(${fx(x[i])} − ${sx(f.mu)})/${m}` +
        ` + ${sub(g.dmu)}/${m}`,
      value: g.dx[i],
    });
  }
  return rows;
}
