// The layer as the equivalent PyTorch and TensorFlow/Keras lines (the "show as
// code" panel and the AlexNet exercise write them).
//
// PyTorch's Conv2d has every option of the playground (padding_mode 'zeros',
// 'reflect', 'replicate', 'circular'). Keras's Conv2D only knows padding='valid'
// or 'same' (and 'same' pads asymmetrically when S > 1), so any padding is
// written as an explicit layer before a 'valid' convolution: ZeroPadding2D for
// zeros, tf.pad(mode='REFLECT') for reflect (both exclude the edge, as the
// core's reflect does), tf.pad(mode='SYMMETRIC') one pixel at a time for
// replicate, and a wrap-around concat for circular (tf.pad has no such mode).
// Both libraries compute cross-correlation: true convolution flips the kernel.
import { kernelHW, strideHW, depth } from './state.js';

const TORCH_MODE = {
  zero: 'zeros',
  reflect: 'reflect',
  replicate: 'replicate',
  circular: 'circular',
};

/** The layer's numbers from a state object. */
export function layerOf(s, overrides = {}) {
  const { fh, fw } = kernelHW(s);
  const { sh, sw } = strideHW(s);
  return {
    inC: depth(s),
    outC: s.k,
    fh,
    fw,
    sh,
    sw,
    p: s.p,
    dil: s.dil,
    padMode: s.pad,
    conv: s.mode === 'conv',
    ...overrides,
  };
}

const pair = (a, b) => `(${a}, ${b})`;

/** The torch.nn.Conv2d(...) call of a layer. */
export function pytorchLine(L) {
  return (
    `torch.nn.Conv2d(in_channels=${L.inC}, out_channels=${L.outC}, kernel_size=${pair(L.fh, L.fw)}, ` +
    `stride=${pair(L.sh, L.sw)}, padding=${pair(L.p, L.p)}, dilation=${pair(L.dil, L.dil)}, ` +
    `padding_mode='${TORCH_MODE[L.padMode] ?? 'zeros'}', bias=True)`
  );
}

/** The PyTorch snippet (several lines). */
export function pytorchCode(L) {
  const lines = [
    'import torch',
    '',
    `conv = ${pytorchLine(L)}`,
    `# x: (N, ${L.inC}, H, W)  ->  conv(x): (N, ${L.outC}, H2, W2)`,
  ];
  if (L.conv) {
    lines.push(
      '# True convolution: PyTorch computes cross-correlation, so rotate the kernel 180 degrees:',
      'with torch.no_grad():',
      '    conv.weight.copy_(torch.flip(w, dims=[2, 3]))  # w: your (out, in, F1, F2) kernel',
    );
  }
  return lines.join('\n');
}

/** The Keras Conv2D(...) call (after any explicit padding layer). */
export function kerasConvLine(L, padding = 'valid') {
  return (
    `tf.keras.layers.Conv2D(filters=${L.outC}, kernel_size=${pair(L.fh, L.fw)}, strides=${pair(L.sh, L.sw)}, ` +
    `padding='${padding}', dilation_rate=${pair(L.dil, L.dil)}, use_bias=True)`
  );
}

/** The TensorFlow/Keras snippet (several lines) and its notes. */
export function kerasCode(L) {
  const lines = ['import tensorflow as tf', ''];
  const p = L.p;
  const effH = L.dil * (L.fh - 1) + 1,
    effW = L.dil * (L.fw - 1) + 1;
  let padding = 'valid';
  let padLayer = null;
  if (p > 0) {
    if (L.padMode === 'zero') {
      if (L.sh === 1 && L.sw === 1 && 2 * p === effH - 1 && 2 * p === effW - 1) {
        padding = 'same';
        lines.push(
          `# P = ${p} zeros on every side is exactly Keras's padding='same' here (stride 1, odd kernel).`,
        );
      } else {
        lines.push(
          `# Keras has only padding='valid' or 'same' ('same' would pad differently here): pad P = ${p} explicitly.`,
        );
        padLayer = `tf.keras.layers.ZeroPadding2D(padding=((${p}, ${p}), (${p}, ${p})))`;
      }
    } else if (L.padMode === 'reflect') {
      lines.push(
        `# Keras has no padding modes (only 'valid'/'same'): reflect-pad P = ${p} first (mirror, edge not repeated).`,
      );
      padLayer = `tf.keras.layers.Lambda(lambda x: tf.pad(x, [[0, 0], [${p}, ${p}], [${p}, ${p}], [0, 0]], mode='REFLECT'))`;
    } else if (L.padMode === 'replicate') {
      if (p === 1) {
        lines.push(
          "# Keras has no padding modes: replicate-pad first (one pixel of tf.pad's 'SYMMETRIC' repeats the edge).",
        );
        padLayer =
          "tf.keras.layers.Lambda(lambda x: tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode='SYMMETRIC'))";
      } else {
        lines.push(
          `# Keras has no padding modes: replicate-pad P = ${p} first ('SYMMETRIC' one pixel at a time repeats the edge).`,
          'def replicate_pad(x, p):',
          '    for _ in range(p):',
          "        x = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode='SYMMETRIC')",
          '    return x',
          '',
        );
        padLayer = `tf.keras.layers.Lambda(lambda x: replicate_pad(x, ${p}))`;
      }
    } else if (L.padMode === 'circular') {
      lines.push(
        `# Keras has no padding modes and tf.pad has no circular mode: wrap around by hand (P = ${p}).`,
        'def circular_pad(x, p):  # x: (N, H, W, C)',
        '    x = tf.concat([x[:, -p:], x, x[:, :p]], axis=1)',
        '    return tf.concat([x[:, :, -p:], x, x[:, :, :p]], axis=2)',
        '',
      );
      padLayer = `tf.keras.layers.Lambda(lambda x: circular_pad(x, ${p}))`;
    }
  }
  if (padLayer) lines.push(`pad = ${padLayer}`);
  lines.push(`conv = ${kerasConvLine(L, padding)}`);
  lines.push(
    `# x: (N, H, W, ${L.inC}) (channels last)  ->  ${padLayer ? 'conv(pad(x))' : 'conv(x)'}: (N, H2, W2, ${L.outC})`,
  );
  if ((L.sh > 1 || L.sw > 1) && L.dil > 1) {
    lines.push(
      '# Note: Keras refuses strides > 1 together with dilation_rate > 1 (PyTorch allows it).',
    );
  }
  if (L.conv) {
    lines.push(
      '# True convolution: Keras computes cross-correlation, so rotate the kernel 180 degrees:',
      '# conv.kernel has shape (F1, F2, in, out)',
      'conv.kernel.assign(tf.reverse(w, axis=[0, 1]))  # w: your (F1, F2, in, out) kernel, after conv.build(...)',
    );
  }
  return lines.join('\n');
}
