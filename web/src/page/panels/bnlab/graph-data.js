// What the lab's graph (graph.js) shows of a lab answer: every node's value
// and its text, every gradient and its text, and each finite-difference check.
import { fmt, xDigits } from '../../../common/bnlab-math.js';

const SCALAR_CHECKS = [
  ['beta', 'dbeta'],
  ['gamma', 'dgamma'],
  ['var', 'dvar'],
  ['mu', 'dmu'],
];

/** The per-element nodes (xhat_i, y_i, x_i) of an answer that worked. */
function elementNodes(res, d) {
  const { p, f, g, checks } = res;
  for (let i = 0; i < p.m; i++) {
    d.values[`xhat${i}`] = f.xhat[i];
    d.values[`y${i}`] = f.y[i];
    d.grads[`y${i}`] = f.dy[i];
    d.grads[`xhat${i}`] = g.dxhat[i];
    d.grads[`x${i}`] = g.dx[i];
    if (checks.dx) {
      for (const [node, k] of [
        [`xhat${i}`, 'dxhat'],
        [`x${i}`, 'dx'],
      ]) {
        d.gradText[node] = checks[k][i].anText;
        d.fd[node] = { text: checks[k][i].fdText, agree: checks[k][i].agree };
      }
    }
  }
}

/** {values, valueText, grads, gradText, fd} of the lab's answer res. */
export function graphData(res) {
  const { p } = res;
  const d = {
    values: { gamma: p.gamma, beta: p.beta },
    valueText: {},
    grads: {},
    gradText: {},
    fd: {},
  };
  p.x.forEach((v, i) => {
    d.values[`x${i}`] = v;
    d.valueText[`x${i}`] = String(v);
  });
  if (!res.ok) return d;
  const { f, g, checks } = res;
  const digits = xDigits(p.x, Math.sqrt(f.var));
  p.x.forEach((v, i) => {
    d.valueText[`x${i}`] = fmt(v, digits);
  });
  d.valueText.mu = fmt(f.mu, digits);
  Object.assign(d.values, { mu: f.mu, var: f.var, L: f.L });
  elementNodes(res, d);
  Object.assign(d.grads, { beta: g.dbeta, gamma: g.dgamma, var: g.dvar, mu: g.dmu });
  for (const [id, k] of SCALAR_CHECKS) {
    if (checks[k]) {
      d.gradText[id] = checks[k].anText;
      d.fd[id] = { text: checks[k].fdText, agree: checks[k].agree };
    }
  }
  return d;
}
