// The backward pass of the layer (the 'gradients' job, protocol.js), run on
// the worker's own copy of the batch and of the layer's forward output (kept
// by pipeline.js), so neither the image nor the forward pass is redone.
//
//   job = { loss: 'sum' | 'sq' | 'pixel' | 'target',
//           pixel: {k, y, x}                         // loss 'pixel': the output pixel
//           targetWeights: Tensor32 | null,          // loss 'target': t = conv(X, these), no bias
//           bn: null | {gamma: number[K], beta: number[K], eps?} }  // batch norm after the conv
//                                                    (eps: the module's defaults.eps unless given)
//
// X is the layer's batch [N, C, H1, W1] (N = 1 unless the state row 'batch'
// loads more images; image 1 is the page's image), y = conv2dForward(X, W, b)
// its output (float32). With bn, z = batchnormForward(y) per feature map over
// its N*H2*W2 values (the batch's statistics), in double. The loss is taken
// of the layer's output o (= z with bn, y without), over the whole batch
// (every image's maps; 'pixel': the pixel of image 1's map):
//   sum     L = sum o                 dL/do = 1
//   sq      L = 1/2 sum o^2           dL/do = o
//   pixel   L = o[k, i, j]            dL/do = 1 there, 0 elsewhere
//   target  L = 1/2 sum (o - t)^2     dL/do = o - t
// Backward: with bn, dL/dy = batchnormBackward(dL/do).dx (and dL/dgamma,
// dL/dbeta); then conv2dBackward(dL/dy) -> dL/dX, dL/dW, dL/db.
//
// Every returned tensor is the batch's ([N, ...]: image 1's values come first).
// Also returned: T = sum over the output positions of (|patch|^2 + 1), the
// trace of the Hessian of 1/2 |y - t|^2 in (w_k, b_k): a step lr <= 1/T
// always lowers the 'sq' and 'target' losses without bn (the page calls it
// the safe learning rate).

function sumOf(a) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

export function computeGradients(cp, layer, req) {
  const t0 = performance.now();
  const x = layer.batch;
  const params = layer.params;
  const [nb, d1, h1, w1] = x.shape;
  const w = layer.weights;
  const [K, , f1, f2] = w.shape;
  const y = layer.y;
  const [, , h2, w2] = y.shape;
  const n = y.data.length;
  const plane = h2 * w2;

  // the optional batch-norm layer (double precision)
  let bnF = null;
  let gamma = null;
  let eps = null;
  let out = y.data;
  if (req.bn) {
    gamma = Float64Array.from({ length: K }, (_, k) => req.bn.gamma[k] ?? 1);
    const beta = Float64Array.from({ length: K }, (_, k) => req.bn.beta[k] ?? 0);
    eps = req.bn.eps ?? cp.defaults.eps;
    bnF = cp.batchnormForward({ shape: y.shape, data: y.data }, gamma, beta, { eps });
    out = bnF.y.data;
  }

  // the loss and dL/do
  const g = new Float64Array(n);
  let loss = 0;
  let target = null;
  let pixel = null;
  switch (req.loss) {
    case 'sq':
      for (let i = 0; i < n; i++) {
        loss += 0.5 * out[i] * out[i];
        g[i] = out[i];
      }
      break;
    case 'pixel': {
      const p = req.pixel || {};
      const k = Math.min(K - 1, Math.max(0, p.k | 0));
      const yy = Math.min(h2 - 1, Math.max(0, p.y | 0));
      const xx = Math.min(w2 - 1, Math.max(0, p.x | 0));
      pixel = { k, y: yy, x: xx };
      const i = k * plane + yy * w2 + xx;
      loss = out[i];
      g[i] = 1;
      break;
    }
    case 'target': {
      if (!req.targetWeights) throw new Error('the target loss needs target weights');
      target = cp.conv2dForward(x, req.targetWeights, null, params).data;
      for (let i = 0; i < n; i++) {
        const d = out[i] - target[i];
        loss += 0.5 * d * d;
        g[i] = d;
      }
      break;
    }
    default: // 'sum'
      for (let i = 0; i < n; i++) {
        loss += out[i];
        g[i] = 1;
      }
  }

  // backward: through batch norm, then through the convolution
  let bnB = null;
  let dy = g;
  if (bnF) {
    bnB = cp.batchnormBackward(
      { shape: y.shape, data: g },
      { shape: y.shape, data: y.data },
      gamma,
      { mean: bnF.mean, var: bnF.var, rstd: bnF.rstd, xhat: bnF.xhat },
    );
    dy = bnB.dx.data;
  }
  const back = cp.conv2dBackward({ shape: y.shape, data: Float32Array.from(dy) }, x, w, params);

  // saliency: max over the channels of |dL/dX| (image 1's)
  const hw = h1 * w1;
  const saliency = new Float32Array(hw);
  const dx = back.dx.data;
  for (let c = 0; c < d1; c++) {
    for (let i = 0; i < hw; i++) {
      const a = Math.abs(dx[c * hw + i]);
      if (a > saliency[i]) saliency[i] = a;
    }
  }

  // T: the sum over the output positions of |patch|^2 + 1 (the same padding routes the squares)
  const sq = new Float32Array(x.data.length);
  for (let i = 0; i < sq.length; i++) sq[i] = x.data[i] * x.data[i];
  const ones = { shape: [1, d1, f1, f2], data: new Float32Array(d1 * f1 * f2).fill(1) };
  const patches = cp.conv2dForward({ shape: x.shape, data: sq }, ones, null, params);
  const T = sumOf(patches.data) + nb * plane;

  return {
    loss,
    loss32: Math.fround(loss),
    pixel,
    batch: nb,
    outShape: y.shape.slice(),
    dout: Float32Array.from(g), // dL/do (the layer's output)
    dyConv: bnF ? Float32Array.from(dy) : null, // dL/dy of the convolution (through bn)
    bnOut: bnF ? Float32Array.from(out) : null,
    eps, // batch norm's eps (null without it)
    mean: bnF ? bnF.mean : null,
    var: bnF ? bnF.var : null,
    rstd: bnF ? bnF.rstd : null,
    dgamma: bnB ? bnB.dgamma : null,
    dbeta: bnB ? bnB.dbeta : null,
    dx: back.dx.data,
    dxShape: back.dx.shape.slice(),
    saliency,
    dw: back.dw.data,
    dwShape: back.dw.shape.slice(),
    db: back.db,
    target: target ? Float32Array.from(target) : null,
    T,
    ms: performance.now() - t0,
  };
}
