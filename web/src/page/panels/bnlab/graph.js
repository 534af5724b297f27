// The lecture's computational graph of batch normalization, as SVG:
//
//   x_i ──> mu ──> var ──> xhat_i ──> y_i ──> L
//     └──────┴───────┴──────^          ^
//                               gamma ─┤ beta
//
// Columns: x_i | mu | var | xhat_i | (gamma, beta) | y_i | L. mu and var sit
// above the rows of the x_i, gamma above and beta below the y_i, so the
// per-element edges x_i -> xhat_i -> y_i run straight along their rows.
// Each node shows its value and, once revealed, its gradient and the
// finite-difference check; the edges a gradient sums over are highlighted.

import { fmt, subscript as s, STEPS } from '../../../common/bnlab-math.js';

const NS = 'http://www.w3.org/2000/svg';
const NODE_W = 172,
  NODE_H = 64,
  COL = 208,
  PAD = 14;

function el(name, attrs = {}, parent = null) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.append(e);
  return e;
}

/** Node ids and positions for a batch of m. */
export function layout(m) {
  const rowH = m > 6 ? 78 : 92;
  const top = PAD + NODE_H / 2 + rowH; // row 0 (row -1 holds mu, var, gamma)
  const yOf = (r) => top + r * rowH;
  const xOf = (c) => PAD + NODE_W / 2 + c * COL;
  const nodes = {};
  for (let i = 0; i < m; i++) {
    nodes[`x${i}`] = { x: xOf(0), y: yOf(i), label: `x${s(i + 1)}`, kind: 'input' };
    nodes[`xhat${i}`] = { x: xOf(3), y: yOf(i), label: `x̂${s(i + 1)}`, kind: 'inner' };
    nodes[`y${i}`] = { x: xOf(4.1), y: yOf(i), label: `y${s(i + 1)}`, kind: 'inner' };
  }
  nodes.mu = { x: xOf(1), y: yOf(-1), label: 'μ', kind: 'inner' };
  nodes.var = { x: xOf(2), y: yOf(-1), label: 'var', kind: 'inner' };
  nodes.gamma = { x: xOf(3.55), y: yOf(-1), label: 'γ', kind: 'param' };
  nodes.beta = { x: xOf(3.55), y: yOf(m), label: 'β', kind: 'param' };
  nodes.L = { x: xOf(5.05), y: yOf((m - 1) / 2), label: 'L', kind: 'loss' };
  const edges = [];
  for (let i = 0; i < m; i++) {
    edges.push(['x' + i, 'mu'], ['x' + i, 'var'], ['x' + i, 'xhat' + i]);
    edges.push(['mu', 'xhat' + i], ['var', 'xhat' + i]);
    edges.push(['xhat' + i, 'y' + i], ['gamma', 'y' + i], ['beta', 'y' + i], ['y' + i, 'L']);
  }
  edges.push(['mu', 'var']);
  const width = xOf(5.05) + NODE_W / 2 + PAD;
  const height = yOf(m) + NODE_H / 2 + PAD;
  return { nodes, edges, width, height };
}

/** The edges the gradient of step `key` sums over (the lecture's chain rule). */
export function edgesOfStep(key, m) {
  const e = [];
  for (let i = 0; i < m; i++) {
    if (key === 'dbeta') e.push(['beta', 'y' + i]);
    if (key === 'dgamma') e.push(['gamma', 'y' + i]);
    if (key === 'dxhat') e.push(['xhat' + i, 'y' + i]);
    if (key === 'dvar') e.push(['var', 'xhat' + i]);
    if (key === 'dmu') e.push(['mu', 'xhat' + i]);
    if (key === 'dx') e.push(['x' + i, 'xhat' + i], ['x' + i, 'var'], ['x' + i, 'mu']);
  }
  if (key === 'dmu') e.push(['mu', 'var']);
  return e;
}

/** The nodes whose gradient step `key` computes. */
export function nodesOfStep(key, m) {
  const per = (p) => Array.from({ length: m }, (_, i) => p + i);
  return {
    dbeta: ['beta'],
    dgamma: ['gamma'],
    dxhat: per('xhat'),
    dvar: ['var'],
    dmu: ['mu'],
    dx: per('x'),
  }[key];
}

const STEP_OF_NODE = (id) => {
  if (id === 'beta') return 'dbeta';
  if (id === 'gamma') return 'dgamma';
  if (id.startsWith('xhat')) return 'dxhat';
  if (id === 'var') return 'dvar';
  if (id === 'mu') return 'dmu';
  if (/^x\d/.test(id)) return 'dx';
  return null;
};

function edgePath(a, b, from, to) {
  if (from === 'mu' && to.startsWith('xhat')) {
    // mu -> xhat_i: down from mu's bottom and into xhat_i's top, always below the row of
    // mu and var (y never rises above their bottom), so it never runs under the var box
    const sx = a.x;
    const sy = a.y + NODE_H / 2;
    const ex = b.x - NODE_W / 4;
    const ey = b.y - NODE_H / 2;
    const my = (sy + ey) / 2;
    return `M${sx},${sy} C${sx},${my} ${ex},${my} ${ex},${ey}`;
  }
  // Straight along a row; otherwise a cubic from the right side of a to the left side of b.
  let sx = a.x + NODE_W / 2,
    sy = a.y,
    ex = b.x - NODE_W / 2,
    ey = b.y;
  if (a.kind === 'input' && b.y < a.y - 1) {
    // x_i -> mu, var: arrive from below (mu and var sit above the rows)
    ex = b.x - NODE_W / 4;
    ey = b.y + NODE_H / 2;
    return `M${sx},${sy} C${sx + 40},${sy} ${ex},${ey + 50} ${ex},${ey}`;
  }
  if (b.kind === 'inner' && a.kind === 'param') {
    // gamma / beta: leave vertically, arrive from the left
    sx = a.x;
    sy = a.y + (b.y > a.y ? NODE_H / 2 : -NODE_H / 2);
    return `M${sx},${sy} C${sx},${ey} ${sx},${ey} ${ex},${ey}`;
  }
  if (Math.abs(sy - ey) < 1) return `M${sx},${sy} L${ex},${ey}`;
  const mx = (sx + ex) / 2;
  return `M${sx},${sy} C${mx},${sy} ${mx},${ey} ${ex},${ey}`;
}

/**
 * Draws the graph into `host` (replacing its content).
 * view = {m, values: {id: number}, grads: {id: number|null}, fd: {id: {text, agree}},
 *         revealed: Set of step keys, current: step key or null, error: bool}
 */
export function drawGraph(host, view) {
  const { m } = view;
  const p = view.idPrefix ?? '';
  const { nodes, edges, width, height } = layout(m);
  const svg = el('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    class: 'bn-graph',
    role: 'img',
    'aria-labelledby': `${p}bn-graph-title`,
  });
  el('title', { id: `${p}bn-graph-title` }, svg).textContent =
    'The computational graph of batch normalization: x to mu and var, to x-hat, to y with gamma and beta, to L. ' +
    'Every number is also in the tables below.';
  const defs = el('defs', {}, svg);
  const marker = el(
    'marker',
    {
      id: `${p}bn-arrow`,
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerWidth: 8,
      markerHeight: 8,
      markerUnits: 'userSpaceOnUse',
      orient: 'auto-start-reverse',
    },
    defs,
  );
  el('path', { d: 'M0,0 L10,5 L0,10 z', class: 'bn-arrowhead' }, marker);
  const markerOn = el(
    'marker',
    {
      id: `${p}bn-arrow-on`,
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerWidth: 11,
      markerHeight: 11,
      markerUnits: 'userSpaceOnUse',
      orient: 'auto-start-reverse',
    },
    defs,
  );
  el('path', { d: 'M0,0 L10,5 L0,10 z', class: 'bn-arrowhead is-active' }, markerOn);

  const active = new Set(
    (view.current ? edgesOfStep(view.current, m) : []).map(([a, b]) => `${a}>${b}`),
  );
  const gEdges = el('g', { class: 'bn-edges' }, svg);
  const activeEdges = [];
  for (const [a, b] of edges) {
    const on = active.has(`${a}>${b}`);
    const path = el('path', {
      d: edgePath(nodes[a], nodes[b], a, b),
      class: `bn-edge${on ? ' is-active' : ''}`,
      'data-from': a,
      'data-to': b,
      'marker-end': `url(#${p}${on ? 'bn-arrow-on' : 'bn-arrow'})`,
    });
    if (on) activeEdges.push(path);
    else gEdges.append(path);
  }
  for (const p of activeEdges) gEdges.append(p); // drawn last: on top

  const currentNodes = new Set(view.current ? nodesOfStep(view.current, m) : []);
  const gNodes = el('g', { class: 'bn-nodes' }, svg);
  for (const [id, n] of Object.entries(nodes)) {
    const step = STEP_OF_NODE(id);
    const revealed = step ? view.revealed.has(step) : true;
    const cls = ['bn-node', `bn-node--${n.kind}`];
    if (currentNodes.has(id)) cls.push('is-current');
    if (step && !revealed) cls.push('is-pending');
    const g = el(
      'g',
      {
        class: cls.join(' '),
        'data-node': id,
        transform: `translate(${n.x - NODE_W / 2},${n.y - NODE_H / 2})`,
      },
      gNodes,
    );
    el(
      'rect',
      { width: NODE_W, height: NODE_H, rx: n.kind === 'input' || n.kind === 'param' ? 6 : 14 },
      g,
    );
    const t1 = el('text', { x: 10, y: 18, class: 'bn-node-value' }, g);
    el('tspan', { class: 'bn-node-label' }, t1).textContent = n.label;
    el('tspan', {}, t1).textContent = ` = ${view.valueText?.[id] ?? fmt(view.values[id])}`;
    const gradName = id === 'L' ? '' : `∂L/∂${n.label}`;
    if (id === 'L') {
      el('text', { x: 10, y: 37, class: 'bn-node-grad' }, g).textContent = '∂L/∂L = 1';
    } else if (!step) {
      // y_i: dL/dy_i is given by the loss
      el('text', { x: 10, y: 37, class: 'bn-node-grad' }, g).textContent =
        `${gradName} = ${fmt(view.grads[id])}`;
      el('text', { x: 10, y: 55, class: 'bn-node-fd' }, g).textContent = 'given by the loss';
    } else if (revealed && !view.error) {
      el('text', { x: 10, y: 37, class: 'bn-node-grad', 'data-grad': id }, g).textContent =
        `${gradName} = ${view.gradText[id] ?? fmt(view.grads[id])}`;
      const fd = view.fd[id];
      if (fd) {
        const t = el(
          'text',
          { x: 10, y: 55, class: `bn-node-fd ${fd.agree ? 'is-agree' : 'is-disagree'}` },
          g,
        );
        t.textContent = `FD ${fd.text} ${fd.agree ? '✓' : '✗'}`;
      }
    } else {
      el('text', { x: 10, y: 37, class: 'bn-node-grad is-hidden' }, g).textContent =
        `${gradName} = ?`;
    }
  }
  host.replaceChildren(svg);
  return svg;
}

export { STEPS };
