// convplay — notebooks that recompute what the page shows.
//
// Each function returns a Jupyter notebook (nbformat 4.5, JSON text) that
// carries its numbers inside it (float32 tensors as base64 of their exact
// bytes, never a file beside it) and needs only what Jupyter and Colab
// preinstall: numpy, torch, matplotlib. Every notebook recomputes the page's
// result two ways (a plain NumPy loop that follows the lecture's formula, and
// PyTorch) and ends with a cell that asserts that they agree with the numbers
// the page showed, which are embedded too.
//
//   layerNotebook({x, w, bias, params, y})         the convolution layer
//   gradientsNotebook({x, w, bias, params, loss, y, dx, dw, db, ...})
//   batchnormNotebook({x, gamma, beta, eps, loss, ..., page})  the lecture's graph
//
// Tensors are {shape, data} with float32 data (what the core used); params are
// the module's ConvParams (convplay.d.ts). A wrong argument throws an Error
// that names the value and the rule.

const PAD_MODES = ['zero', 'replicate', 'reflect', 'circular'];
const CONV_MODES = ['cross-correlation', 'convolution'];

// ---- the notebook's JSON ----------------------------------------------------

function source(text) {
  const lines = text.replace(/^\n+|\s+$/g, '').split('\n');
  return lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l));
}

/** A markdown cell. */
export function md(text) {
  return { cell_type: 'markdown', metadata: {}, source: source(text) };
}

/** A code cell, not yet run. */
export function code(text) {
  return {
    cell_type: 'code',
    metadata: {},
    execution_count: null,
    outputs: [],
    source: source(text),
  };
}

/** The notebook of these cells as JSON text. */
export function notebookJson(cells) {
  return JSON.stringify(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
        language_info: { name: 'python' },
      },
      cells: cells.map((c, i) => ({ id: `convplay-${i + 1}`, ...c })),
    },
    null,
    1,
  );
}

// ---- numbers into Python ----------------------------------------------------

function base64Of(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fail(what, rule) {
  throw new Error(`convplay notebook: ${what}: ${rule}`);
}

function checkShape(name, t, rank) {
  if (!t || !Array.isArray(t.shape) || t.shape.length !== rank)
    fail(`${name}'s shape ${JSON.stringify(t && t.shape)}`, `must be ${rank} whole numbers`);
  for (const d of t.shape)
    if (!Number.isInteger(d) || d < 1)
      fail(`${name}'s shape ${JSON.stringify(t.shape)}`, 'every size must be a whole number >= 1');
  const n = t.shape.reduce((a, b) => a * b, 1);
  const len = t.data && t.data.length;
  if (len !== n) fail(`${name} has ${len} values`, `its shape ${t.shape.join(' x ')} needs ${n}`);
}

/**
 * Python for an array with these values, exact: the bytes, base64. Float64Array
 * data stays double (tensor64), anything else is float32 (what the core used).
 */
export function pyTensor(name, t, rank = t.shape.length) {
  checkShape(name, t, rank);
  const double = t.data instanceof Float64Array;
  const f = double ? t.data : Float32Array.from(t.data);
  const bytes = new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
  return `${name} = ${double ? 'tensor64' : 'tensor'}('${base64Of(bytes)}', ${JSON.stringify(t.shape)})`;
}

/** Python for a float32 vector. */
export function pyVector(name, values) {
  return pyTensor(name, { shape: [values.length], data: values }, 1);
}

/** Python literal of a JS number: JavaScript's shortest repr, which Python reads back to the same double. */
export function pyNumber(v) {
  if (Number.isNaN(v)) return "float('nan')";
  if (!Number.isFinite(v)) return v > 0 ? "float('inf')" : "-float('inf')";
  return String(v);
}

/** Python list of doubles. */
export function pyList(values) {
  return `[${Array.from(values, pyNumber).join(', ')}]`;
}

// ---- the convolution layer's parameters ------------------------------------

function pairOf(params, key, fallback) {
  const h = params[`${key}H`] ?? fallback;
  const w = params[`${key}W`] ?? fallback;
  return [h, w];
}

/** {S, P, D, pad, mode} of ConvParams, checked. */
export function layerParams(params = {}) {
  const S = pairOf(params, 'stride', 1);
  const P = pairOf(params, 'pad', 0);
  const D = pairOf(params, 'dilation', 1);
  for (const [name, v, min] of [
    ['stride', S, 1],
    ['padding', P, 0],
    ['dilation', D, 1],
  ])
    for (const x of v)
      if (!Number.isInteger(x) || x < min) fail(`${name} ${x}`, `must be a whole number >= ${min}`);
  const pad = params.padMode === 'zeros' ? 'zero' : (params.padMode ?? 'zero');
  if (!PAD_MODES.includes(pad))
    fail(`padding mode '${pad}'`, `must be one of ${PAD_MODES.join(', ')}`);
  const mode = params.mode ?? 'cross-correlation';
  if (!CONV_MODES.includes(mode)) fail(`mode '${mode}'`, `must be one of ${CONV_MODES.join(', ')}`);
  return { S, P, D, pad, mode };
}

function pyLayerParams({ S, P, D, pad, mode }) {
  return [
    `S = (${S[0]}, ${S[1]})  # stride (rows, columns)`,
    `P = (${P[0]}, ${P[1]})  # padding on each side (rows, columns)`,
    `D = (${D[0]}, ${D[1]})  # dilation (rows, columns)`,
    `PAD = '${pad}'  # how the padding is filled`,
    `MODE = '${mode}'  # cross-correlation (what CNN libraries compute) or convolution (kernel flipped)`,
  ].join('\n');
}

/** The shapes of a layer's x [N, C, H, W], w [K, C, F1, F2] and bias [K], checked. */
export function checkLayer(x, w, bias) {
  checkShape('the input x', x, 4);
  checkShape('the weights w', w, 4);
  if (w.shape[1] !== x.shape[1])
    fail(
      `the weights' depth ${w.shape[1]}`,
      `must equal the input's depth ${x.shape[1]} (a filter spans every input channel)`,
    );
  const K = w.shape[0];
  if (!bias || bias.length !== K)
    fail(`${bias ? bias.length : 0} biases`, `there are K = ${K} filters`);
}

// ---- the Python every layer notebook shares --------------------------------

export const PY_PRELUDE = `
import base64
import numpy as np
import torch
import torch.nn.functional as F
import matplotlib.pyplot as plt

def tensor(b64, shape):
    """A float32 array from the exact bytes the page used."""
    return np.frombuffer(base64.b64decode(b64), dtype='<f4').reshape(shape).copy()

def tensor64(b64, shape):
    """A float64 array from the exact bytes the page computed."""
    return np.frombuffer(base64.b64decode(b64), dtype='<f8').reshape(shape).copy()
`;

export const PY_LAYER = `
def pad_index(i, n, pad):
    """The input coordinate that padded coordinate i reads (-1: a zero), as the core's pad rule."""
    if 0 <= i < n:
        return i
    if pad == 'zero':
        return -1
    if pad == 'replicate':
        return 0 if i < 0 else n - 1
    if pad == 'reflect':
        if n == 1:
            return 0
        period = 2 * (n - 1)
        r = i % period
        return r if r < n else period - r
    return i % n  # circular

def padded(x, P, pad):
    """x [N, C, H, W] with P rows and columns added on every side, filled as pad says."""
    N, C, H, W = x.shape
    rows = [pad_index(i, H, pad) for i in range(-P[0], H + P[0])]
    cols = [pad_index(j, W, pad) for j in range(-P[1], W + P[1])]
    out = np.zeros((N, C, len(rows), len(cols)))
    for a, r in enumerate(rows):
        for b, c in enumerate(cols):
            if r >= 0 and c >= 0:
                out[:, :, a, b] = x[:, :, r, c]
    return out

def out_size(n, f, p, s, d):
    """The lecture's (W1 - F + 2P) / S + 1, with the dilated kernel's extent d(F - 1) + 1, floored."""
    return (n + 2 * p - (d * (f - 1) + 1)) // s + 1

def conv_numpy(x, w, b, S, P, D, pad, mode):
    """Y(i, j) = sum over c, a, b of Xpadded(i*S + a*D, j*S + b*D) * W(a, b) + bias: one kernel tap at a time."""
    N, C, H, W = x.shape
    K, _, F1, F2 = w.shape
    H2, W2 = out_size(H, F1, P[0], S[0], D[0]), out_size(W, F2, P[1], S[1], D[1])
    xp = padded(x.astype(np.float64), P, pad)
    wk = w[:, :, ::-1, ::-1] if mode == 'convolution' else w  # true convolution flips the kernel
    y = np.zeros((N, K, H2, W2))
    for a in range(F1):
        for c in range(F2):
            r0, c0 = a * D[0], c * D[1]
            patch = xp[:, :, r0 : r0 + S[0] * (H2 - 1) + 1 : S[0], c0 : c0 + S[1] * (W2 - 1) + 1 : S[1]]
            y += np.einsum('nchw,kc->nkhw', patch, wk[:, :, a, c].astype(np.float64))
    return y + b.astype(np.float64)[None, :, None, None]

def one_output(x, w, b, S, P, D, pad, mode, n, k, i, j):
    """One output value as the lecture writes it: a plain loop over the channels and the kernel."""
    N, C, H, W = x.shape
    K, _, F1, F2 = w.shape
    total = float(b[k])
    for c in range(C):
        for a in range(F1):
            for bb in range(F2):
                r = pad_index(i * S[0] + a * D[0] - P[0], H, pad)
                q = pad_index(j * S[1] + bb * D[1] - P[1], W, pad)
                if r < 0 or q < 0:
                    continue
                wa, wb = (F1 - 1 - a, F2 - 1 - bb) if mode == 'convolution' else (a, bb)
                total += float(x[n, c, r, q]) * float(w[k, c, wa, wb])
    return total

TORCH_PAD = {'replicate': 'replicate', 'reflect': 'reflect', 'circular': 'circular'}

def pad_torch(xt, P, pad):
    """xt padded with F.pad (or, for a circular padding wider than the image, by index)."""
    H, W = xt.shape[2], xt.shape[3]
    if pad != 'circular' or (P[0] <= H and P[1] <= W):
        return F.pad(xt, (P[1], P[1], P[0], P[0]), mode=TORCH_PAD[pad])
    rows = torch.tensor([pad_index(i, H, pad) for i in range(-P[0], H + P[0])])
    cols = torch.tensor([pad_index(j, W, pad) for j in range(-P[1], W + P[1])])
    return xt[:, :, rows][:, :, :, cols]  # F.pad's circular mode wraps at most once

def conv_t(xt, wt, bt, S, P, D, pad, mode):
    """The layer on torch tensors (autograd follows it): F.pad for the padding modes, then conv2d."""
    if mode == 'convolution':
        wt = torch.flip(wt, [2, 3])
    if pad == 'zero':
        return F.conv2d(xt, wt, bt, stride=S, padding=P, dilation=D)
    return F.conv2d(pad_torch(xt, P, pad), wt, bt, stride=S, dilation=D)

def conv_torch(x, w, b, S, P, D, pad, mode, dtype=torch.float64):
    """The same layer through torch.nn.functional, on NumPy arrays."""
    xt, wt, bt = (torch.from_numpy(np.ascontiguousarray(a)).to(dtype) for a in (x, w, b))
    return conv_t(xt, wt, bt, S, P, D, pad, mode)

def float32_tolerance(x, w, b, P, pad):
    """What float32 summation can differ by: a few units of round-off of the largest sum of |terms|."""
    xp = np.abs(padded(x.astype(np.float64), P, pad)).max()
    per_output = np.abs(w.astype(np.float64)).sum(axis=(1, 2, 3)).max() * xp + np.abs(b).max()
    return 1e-5 * max(per_output, 1e-30)

def show_maps(y, title):
    """The maps as the page draws them: blue negative, white zero, red positive, centred on zero."""
    maps = y[0]
    K = maps.shape[0]
    cols = min(K, 4)
    rows = (K + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(3 * cols, 3 * rows), squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis('off')
        if k < K:
            m = float(np.abs(maps[k]).max()) or 1.0
            ax.imshow(maps[k], cmap='RdBu_r', vmin=-m, vmax=m)
            ax.set_title(f'map {k + 1}: {maps[k].min():.3g} .. {maps[k].max():.3g}')
    fig.suptitle(title)
    fig.tight_layout()
    plt.show()
`;

// ---- the layer ---------------------------------------------------------------

function describeLayer(x, w, p) {
  const [N, C, H, W] = x.shape;
  const [K, , F1, F2] = w.shape;
  return (
    `- input x: N = ${N} image(s) of W1 x H1 x D1 = ${W} x ${H} x ${C}\n` +
    `- weights: K = ${K} filters of ${F2} x ${F1} x ${C}, and K biases\n` +
    `- stride S = ${p.S.join(' x ')}, padding P = ${p.P.join(' x ')} (${p.pad}), ` +
    `dilation ${p.D.join(' x ')}, ${p.mode}`
  );
}

/**
 * The layer: the working image as the core used it, the weights and biases,
 * the parameters, and the page's output y; recomputed by a NumPy loop and by
 * PyTorch, checked, and drawn.
 */
export function layerNotebook({ x, w, bias, params, y, title, link }) {
  checkLayer(x, w, bias);
  const p = layerParams(params);
  checkShape("the page's output y", y, 4);
  return notebookJson([
    md(`# ${title || 'A convolution layer from convplay'}

This notebook carries what the playground computed${link ? ` ([the playground's link](${link}))` : ''}:

${describeLayer(x, w, p)}

It recomputes the output twice, with a plain NumPy loop that follows the lecture's formula and
with \`torch.nn.functional.conv2d\`, and checks both against the output the page showed (float32,
embedded below). Run every cell (Kernel > Restart & Run All).`),
    code(PY_PRELUDE),
    code(
      `${pyTensor('x', x, 4)}\n${pyTensor('w', w, 4)}\n${pyVector('b', Array.from(bias))}\n${pyTensor('y_page', y, 4)}\n${pyLayerParams(p)}\nprint('x', x.shape, 'w', w.shape, 'b', b.shape, 'page output', y_page.shape)`,
    ),
    md(`## The lecture's formula

The output size along each axis is W2 = (W1 - F + 2P) / S + 1, floored, with the dilated kernel's
extent D(F - 1) + 1 in place of F. Each output value is a sum over the channels and the kernel:
Y(i, j) = sum over c, a, b of X_padded(c, i S + a D, j S + b D) W(c, a, b) + bias. True convolution
uses the kernel flipped (rotated 180 degrees); cross-correlation, what CNN libraries compute, does
not.`),
    code(PY_LAYER),
    code(`y_numpy = conv_numpy(x, w, b, S, P, D, PAD, MODE)
y_torch = conv_torch(x, w, b, S, P, D, PAD, MODE).numpy()
print('output', y_numpy.shape, '(the page showed', y_page.shape, ')')
n, k, i, j = 0, w.shape[0] - 1, y_page.shape[2] // 2, y_page.shape[3] // 2
print(f'one value, Y[{k}][{i}][{j}] by the plain loop:', one_output(x, w, b, S, P, D, PAD, MODE, n, k, i, j))`),
    md('## The check: NumPy, PyTorch and the page agree to float32 round-off'),
    code(`tol = float32_tolerance(x, w, b, P, PAD)
assert y_numpy.shape == y_page.shape == y_torch.shape, (y_numpy.shape, y_page.shape, y_torch.shape)
for name, other in (('PyTorch', y_torch), ('the page', y_page)):
    err = float(np.abs(y_numpy - other).max())
    print(f'largest difference, NumPy vs {name}: {err:.3g} (tolerance {tol:.3g})')
    assert err <= tol, f'NumPy and {name} differ by {err} > {tol}'
assert abs(one_output(x, w, b, S, P, D, PAD, MODE, n, k, i, j) - y_numpy[n, k, i, j]) <= tol
print('CHECK PASSED: all three agree')`),
    code(`show_maps(y_page, "the page's feature maps (image 1)")`),
  ]);
}

// ---- the gradients -----------------------------------------------------------

const LOSSES = {
  sum: 'L = sum of the outputs (dL/do = 1)',
  sq: 'L = 1/2 sum of the outputs squared (dL/do = o)',
  pixel: 'L = one output value (dL/do = 1 there, 0 elsewhere)',
  target:
    'L = 1/2 sum (o - t)^2, t = the layer with the target weights and no bias (dL/do = o - t)',
};

function pyLoss({ loss, pixel, targetWeights, bn }) {
  const lines = [`LOSS = '${loss}'  # ${LOSSES[loss]}`];
  lines.push(
    pixel
      ? `PIXEL = (${pixel.k}, ${pixel.y}, ${pixel.x})  # map, row, column of image 1`
      : 'PIXEL = None',
  );
  lines.push(targetWeights ? pyTensor('w_target', targetWeights, 4) : 'w_target = None');
  if (bn) {
    lines.push(pyVector('gamma', Array.from(bn.gamma)), pyVector('beta', Array.from(bn.beta)));
    lines.push(
      `EPS = ${pyNumber(bn.eps)}  # batch norm after the layer, over each map's N x H2 x W2 values`,
    );
  } else lines.push('gamma = beta = None  # no batch norm after the layer');
  return lines.join('\n');
}

function checkGradients(spec) {
  const { loss, pixel, targetWeights, bn, w, page } = spec;
  if (!(loss in LOSSES)) fail(`loss '${loss}'`, `must be one of ${Object.keys(LOSSES).join(', ')}`);
  if (loss === 'pixel' && !pixel) fail('the pixel loss without a pixel', 'give pixel {k, y, x}');
  if (loss === 'target') checkShape('the target weights', targetWeights, 4);
  const K = w.shape[0];
  if (bn && (bn.gamma.length !== K || bn.beta.length !== K))
    fail(
      `batch norm's ${bn.gamma.length} gamma and ${bn.beta.length} beta`,
      `there are K = ${K} maps`,
    );
  if (!page) fail("the page's gradients", 'give page {dx, dw, db}');
  checkShape("the page's dL/dx", page.dx, 4);
  checkShape("the page's dL/dw", page.dw, 4);
}

const PY_GRADIENTS = `
def loss_of(o, x_t):
    """The page's loss of the layer's output o (the whole batch; 'pixel': image 1's pixel)."""
    if LOSS == 'sum':
        return o.sum()
    if LOSS == 'sq':
        return 0.5 * (o ** 2).sum()
    if LOSS == 'pixel':
        return o[0, PIXEL[0], PIXEL[1], PIXEL[2]]
    t = conv_t(x_t.detach(), torch.from_numpy(w_target).double(), None, S, P, D, PAD, MODE)
    return 0.5 * ((o - t) ** 2).sum()

x_t = torch.from_numpy(x).double().requires_grad_()
w_t = torch.from_numpy(w).double().requires_grad_()
b_t = torch.from_numpy(b).double().requires_grad_()
y_t = conv_t(x_t, w_t, b_t, S, P, D, PAD, MODE)
if gamma is not None:
    gamma_t = torch.from_numpy(gamma).double().requires_grad_()
    beta_t = torch.from_numpy(beta).double().requires_grad_()
    o_t = F.batch_norm(y_t, None, None, gamma_t, beta_t, training=True, eps=EPS)
else:
    o_t = y_t
L = loss_of(o_t, x_t)
L.backward()
print('L =', float(L))
`;

/**
 * The gradients of the chosen loss: dL/dx, dL/dw, dL/db (and dL/dgamma,
 * dL/dbeta with batch norm) through torch.autograd, against the page's.
 */
export function gradientsNotebook(spec) {
  const { x, w, bias, params, page, title, link } = spec;
  checkLayer(x, w, bias);
  const p = layerParams(params);
  checkGradients(spec);
  const pageLines = [
    pyTensor('dx_page', page.dx, 4),
    pyTensor('dw_page', page.dw, 4),
    pyVector('db_page', Array.from(page.db)),
    `L_page = ${pyNumber(page.loss)}`,
  ];
  if (spec.bn)
    pageLines.push(
      `dgamma_page = np.array(${pyList(page.dgamma)})`,
      `dbeta_page = np.array(${pyList(page.dbeta)})`,
    );
  return notebookJson([
    md(`# ${title || 'The gradients of a convolution layer, from convplay'}

The playground's layer${link ? ` ([link](${link}))` : ''} and the gradients it showed:

${describeLayer(x, w, p)}
- loss: ${LOSSES[spec.loss]}${spec.bn ? '\n- batch norm after the layer (training mode: the batch statistics)' : ''}

PyTorch's autograd differentiates the same computation; the last cell checks that every gradient
agrees with the page's.`),
    code(PY_PRELUDE),
    code(
      `${pyTensor('x', x, 4)}\n${pyTensor('w', w, 4)}\n${pyVector('b', Array.from(bias))}\n${pyLayerParams(p)}\n${pyLoss(spec)}`,
    ),
    code(pageLines.join('\n')),
    code(PY_LAYER),
    code(PY_GRADIENTS),
    md('## The check: autograd and the page agree'),
    code(`def agree(name, page, torch_grad):
    ref = torch_grad.detach().numpy()
    assert page.shape == ref.shape, (name, page.shape, ref.shape)
    err = float(np.abs(page - ref).max())
    scale = float(np.abs(ref).max())
    print(f'{name}: largest |page - autograd| = {err:.3g}, largest |autograd| = {scale:.3g}')
    assert err <= 1e-3 * scale + 1e-6 * SCALE, f'{name}: the page and autograd differ by {err}'

grads = [x_t.grad, w_t.grad, b_t.grad] + ([gamma_t.grad, beta_t.grad] if gamma is not None else [])
SCALE = max(float(g.abs().max()) for g in grads)  # round-off of a sum follows its largest terms
assert abs(L_page - float(L)) <= 1e-3 * abs(float(L)) + 1e-6, (L_page, float(L))
agree('dL/dx', dx_page, x_t.grad)
agree('dL/dw', dw_page, w_t.grad)
agree('dL/db', db_page, b_t.grad)
if gamma is not None:
    agree('dL/dgamma', dgamma_page, gamma_t.grad)
    agree('dL/dbeta', dbeta_page, beta_t.grad)
print('CHECK PASSED: every gradient agrees')`),
    code(`show_maps(dx_page, "the page's dL/dx (image 1, one map per input channel)")`),
  ]);
}

// ---- the batch-norm lab ------------------------------------------------------

const BN_LOSSES = {
  sq: 'L = 1/2 sum y_i^2',
  tgt: 'L = 1/2 sum (y_i - t_i)^2',
  lin: 'L = sum w_i y_i',
};
const BN_NODES = [
  ['mu', 'mu'],
  ['var', 'var'],
  ['xhat', 'xhat_i'],
  ['y', 'y_i'],
  ['L', 'L'],
  ['dbeta', 'dL/dbeta'],
  ['dgamma', 'dL/dgamma'],
  ['dxhat', 'dL/dxhat_i'],
  ['dvar', 'dL/dvar'],
  ['dmu', 'dL/dmu'],
  ['dx', 'dL/dx_i'],
];

function checkBatchnorm({ x, gamma, beta, eps, loss, w, t, page }) {
  if (!Array.isArray(x) && !ArrayBuffer.isView(x)) fail('x', 'must be a list of numbers');
  if (x.length < 1) fail(`${x.length} values of x`, 'give at least 1');
  for (const [name, v] of [
    ['gamma', gamma],
    ['beta', beta],
    ['eps', eps],
  ])
    if (!Number.isFinite(v)) fail(`${name} ${v}`, 'must be a finite number');
  if (!(loss in BN_LOSSES))
    fail(`loss '${loss}'`, `must be one of ${Object.keys(BN_LOSSES).join(', ')}`);
  if (loss === 'lin' && (!w || w.length !== x.length))
    fail('the weights w_i', `give one per x_i (${x.length})`);
  if (loss === 'tgt' && (!t || t.length !== x.length))
    fail('the targets t_i', `give one per x_i (${x.length})`);
  if (!page) fail("the page's numbers", `give page {${BN_NODES.map((n) => n[0]).join(', ')}}`);
  for (const [key] of BN_NODES)
    if (page[key] === undefined) fail(`the page's ${key}`, 'is missing');
}

const PY_BN = `
# The lecture's graph, forward, with every node kept so that autograd reports its gradient
x = torch.tensor(X, dtype=torch.float64, requires_grad=True)
gamma = torch.tensor(GAMMA, dtype=torch.float64, requires_grad=True)
beta = torch.tensor(BETA, dtype=torch.float64, requires_grad=True)
m = len(X)
mu = x.sum() / m
var = ((x - mu) ** 2).sum() / m  # biased: divide by m
xhat = (x - mu) / torch.sqrt(var + EPS)
y = gamma * xhat + beta
for node in (mu, var, xhat, y):
    node.retain_grad()
if LOSS == 'sq':
    L = 0.5 * (y ** 2).sum()
elif LOSS == 'tgt':
    L = 0.5 * ((y - torch.tensor(T, dtype=torch.float64)) ** 2).sum()
else:
    L = (torch.tensor(WL, dtype=torch.float64) * y).sum()
L.backward()

# The lecture's formulas, by hand, for comparison
dy = y.grad.numpy()
xs, mu_, var_ = np.array(X), float(mu), float(var)
xhat_ = (xs - mu_) / np.sqrt(var_ + EPS)
dxhat_ = dy * GAMMA
dvar_ = np.sum(dxhat_ * (xs - mu_)) * -0.5 * (var_ + EPS) ** -1.5
dmu_ = np.sum(dxhat_ * -1 / np.sqrt(var_ + EPS)) + dvar_ * np.sum(-2 * (xs - mu_)) / m
dx_ = dxhat_ / np.sqrt(var_ + EPS) + dvar_ * 2 * (xs - mu_) / m + dmu_ / m

autograd = {
    'mu': mu, 'var': var, 'xhat': xhat, 'y': y, 'L': L,
    'dbeta': beta.grad, 'dgamma': gamma.grad, 'dxhat': xhat.grad,
    'dvar': var.grad, 'dmu': mu.grad, 'dx': x.grad,
}
lecture = {'dxhat': dxhat_, 'dvar': dvar_, 'dmu': dmu_, 'dx': dx_}
`;

/**
 * The batch-norm lab: the lecture's graph (m values of one channel) through
 * autograd, every forward value and gradient beside the page's.
 */
export function batchnormNotebook(spec) {
  checkBatchnorm(spec);
  const { x, gamma, beta, eps, loss, w, t, page, title, link } = spec;
  const pageDict = BN_NODES.map(
    ([key]) =>
      `    '${key}': np.array(${Array.isArray(page[key]) || ArrayBuffer.isView(page[key]) ? pyList(page[key]) : pyNumber(page[key])}),`,
  ).join('\n');
  return notebookJson([
    md(`# ${title || 'Back-propagation through batch normalization, from convplay'}

The playground's batch-norm lab${link ? ` ([link](${link}))` : ''}: m = ${x.length} values of one
activation, gamma = ${pyNumber(gamma)}, beta = ${pyNumber(beta)}, eps = ${pyNumber(eps)}, and the loss
${BN_LOSSES[loss]}.

Forward: mu = (1/m) sum x_i; var = (1/m) sum (x_i - mu)^2; xhat_i = (x_i - mu) / sqrt(var + eps);
y_i = gamma xhat_i + beta. PyTorch's autograd gives the gradient of L at every node of this graph;
the lecture's formulas give them by hand; the page's numbers are embedded. The last cell prints
all three side by side and checks that they agree.`),
    code('import numpy as np\nimport torch'),
    code(
      `X = ${pyList(x)}\nGAMMA = ${pyNumber(gamma)}\nBETA = ${pyNumber(beta)}\nEPS = ${pyNumber(eps)}\n` +
        `LOSS = '${loss}'  # ${BN_LOSSES[loss]}\nT = ${t ? pyList(t) : 'None'}\nWL = ${w ? pyList(w) : 'None'}\n\n` +
        `page = {\n${pageDict}\n}`,
    ),
    code(PY_BN),
    md('## Every node: the page, autograd, the lecture by hand'),
    code(`def close(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.allclose(a, b, rtol=1e-9, atol=1e-12 * max(1.0, float(np.abs(b).max())))

failed = []
for key, name in ${JSON.stringify(BN_NODES)}:
    ref = autograd[key].detach().numpy()
    line = f'{name:>12}  page {np.round(page[key], 9)}  autograd {np.round(ref, 9)}'
    if key in lecture:
        line += f'  by hand {np.round(lecture[key], 9)}'
        if not close(lecture[key], ref):
            failed.append(name + ' (by hand)')
    print(line)
    if not close(page[key], ref):
        failed.append(name)
assert not failed, f'these differ from autograd: {failed}'
print('CHECK PASSED: the page, autograd and the lecture agree at every node')`),
  ]);
}

// ---- the trained network -----------------------------------------------------

const NET_TYPES = ['conv', 'batchnorm', 'relu', 'maxpool', 'avgpool', 'fc'];

function checkNetwork({ network, parameters, test, probs }) {
  if (!network || !Array.isArray(network.layers))
    fail('the network', 'give {channels, height, width, layers}');
  network.layers.forEach((l, i) => {
    if (!NET_TYPES.includes(l.type))
      fail(`layer ${i + 1}'s type '${l.type}'`, `must be one of ${NET_TYPES.join(', ')}`);
  });
  if (!Array.isArray(parameters)) fail('the parameters', "give the lab's parameters() list");
  const per = network.channels * network.height * network.width;
  if (!test || !test.pixels || test.pixels.length !== per * test.labels.length)
    fail(
      `${test && test.pixels ? test.pixels.length : 0} test pixel values`,
      `${test ? test.labels.length : 0} images need ${per} each`,
    );
  if (!Array.isArray(probs) || probs.length !== test.labels.length)
    fail(
      `${probs ? probs.length : 0} rows of probabilities`,
      `there are ${test.labels.length} test images`,
    );
}

/** The PyTorch modules of the lab's layers, one line each. */
function pyModules(network) {
  let c = network.channels;
  return network.layers.map((l) => {
    switch (l.type) {
      case 'conv': {
        const line = `nn.Conv2d(${c}, ${l.filters}, ${l.kernel}, stride=${l.stride ?? 1}, padding=${l.pad ?? 0})`;
        c = l.filters;
        return line;
      }
      case 'batchnorm':
        return `nn.BatchNorm2d(${c}, eps=1e-5, momentum=0.1)`;
      case 'relu':
        return 'nn.ReLU()';
      case 'maxpool':
        return `nn.MaxPool2d(${l.kernel}, stride=${l.stride ?? l.kernel})`;
      case 'avgpool':
        return `nn.AvgPool2d(${l.kernel}, stride=${l.stride ?? l.kernel})`;
      default:
        return `nn.Sequential(nn.Flatten(), nn.LazyLinear(${l.filters}))`;
    }
  });
}

function pyParameters(parameters) {
  const lines = ['params = {}  # layer index -> its trained values, as the page holds them'];
  for (const p of parameters) {
    const fields = [];
    for (const key of ['w', 'b', 'gamma', 'beta', 'runningMean', 'runningVar']) {
      if (p[key] === undefined) continue;
      const t = key === 'w' ? p.w : { shape: [p[key].length], data: p[key] };
      lines.push(pyTensor(`_${key}`, t));
      fields.push(`'${key}': _${key}`);
    }
    lines.push(`params[${p.layer}] = {${fields.join(', ')}}`);
  }
  return lines.join('\n');
}

function pyImages(name, set, network) {
  const shape = [set.labels.length, network.channels, network.height, network.width];
  const bytes = Uint8Array.from(set.pixels);
  return (
    `${name}_x = np.frombuffer(base64.b64decode('${base64Of(bytes)}'), dtype=np.uint8)` +
    `.reshape(${JSON.stringify(shape)}).astype(np.float32) / np.float32(255)\n` +
    `${name}_y = np.array(${JSON.stringify(Array.from(set.labels))})`
  );
}

const PY_NETWORK = `
model = nn.Sequential(*LAYERS)
model(torch.zeros(1, *INPUT))  # fixes the fully connected layer's input size
with torch.no_grad():
    for i, layer in enumerate(LAYERS):
        p = params.get(i)
        if p is None:
            continue
        if isinstance(layer, nn.BatchNorm2d):
            layer.weight.copy_(torch.from_numpy(p['gamma']))
            layer.bias.copy_(torch.from_numpy(p['beta']))
            layer.running_mean.copy_(torch.from_numpy(p['runningMean']))
            layer.running_var.copy_(torch.from_numpy(p['runningVar']))
        else:
            target = layer[1] if isinstance(layer, nn.Sequential) else layer
            target.weight.copy_(torch.from_numpy(p['w']).reshape(target.weight.shape))
            target.bias.copy_(torch.from_numpy(p['b']))
model.eval()
with torch.no_grad():
    probs_torch = torch.softmax(model(torch.from_numpy(test_x)).double(), dim=1).numpy()
print(model)
print('accuracy on these', len(test_y), 'test images:', float((probs_torch.argmax(1) == test_y).mean()))
`;

/**
 * The trained network: the lab's architecture as torch.nn.Sequential, the
 * trained parameters and running statistics loaded, the same test images
 * evaluated to the same probabilities, then more training in PyTorch.
 */
export function networkNotebook(spec) {
  checkNetwork(spec);
  const { network, parameters, test, train, probs, classes, title, link } = spec;
  const names = classes || probs[0].map((_, k) => `class ${k}`);
  const layers = pyModules(network);
  return notebookJson([
    md(`# ${title || 'A network trained in convplay'}

The network the playground's lab trained${link ? ` ([link](${link}))` : ''}, with its trained parameters
and batch-norm running statistics, and ${test.labels.length} test images with the probabilities the page
gave them. PyTorch evaluates the same images; the check cell asserts the same probabilities. The
last cells keep training the network in PyTorch${train ? ` on the ${train.labels.length} ${train.what || 'training images'} embedded here` : ''}.`),
    code(`${PY_PRELUDE}\nimport torch.nn as nn`),
    code(
      `INPUT = (${network.channels}, ${network.height}, ${network.width})  # channels, height, width\n` +
        `CLASSES = ${JSON.stringify(names)}\nLAYERS = [\n${layers.map((l) => `    ${l},`).join('\n')}\n]\n${pyParameters(parameters)}`,
    ),
    code(
      `${pyImages('test', test, network)}\nprobs_page = np.array([\n${probs.map((r) => `    ${pyList(r)},`).join('\n')}\n])${train ? `\n${pyImages('train', train, network)}` : ''}`,
    ),
    code(PY_NETWORK),
    md("## The check: PyTorch gives the page's probabilities"),
    code(`err = float(np.abs(probs_torch - probs_page).max())
print(f'largest |page - PyTorch| over {probs_page.size} probabilities: {err:.3g}')
assert err <= 1e-4, f'the page and PyTorch differ by {err}'
assert (probs_torch.argmax(1) == probs_page.argmax(1)).all(), 'a predicted class differs'
print('CHECK PASSED: the same probabilities')`),
    md('## Keep training in PyTorch'),
    code(`xs, ys = (train_x, train_y) if 'train_x' in globals() else (test_x, test_y)
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
model.train()
for epoch in range(3):
    perm = np.random.default_rng(epoch).permutation(len(ys))
    total = 0.0
    for i in range(0, len(ys), 32):
        idx = perm[i : i + 32]
        if len(idx) < 2:
            continue
        loss = F.cross_entropy(model(torch.from_numpy(xs[idx])), torch.from_numpy(ys[idx]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += float(loss) * len(idx)
    print(f'epoch {epoch + 1}: mean loss {total / len(ys):.4f}')
model.eval()`),
  ]);
}
