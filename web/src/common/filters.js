// The filter bank of the layer, built from the state: K filters of
// F1 x F2 x D1 weights plus K biases (weights [K, D1, F1, F2], as the module wants).
//
// A preset is a 2-D kernel; on a D1-channel input it is used on every channel,
// divided by D1 (so "identity" gives the mean of the channels). "random" draws
// every weight of every channel (He-style normal, std sqrt(2 / (F1*F2*D1)))
// from a seeded generator; "custom" uses the state's w<i> numbers.
import { kernelHW, depth, presetOf, biasOf } from './state.js';
import { rng } from './rng.js';

export const PRESET_LABELS = {
  identity: 'identity',
  box: 'box blur',
  gauss: 'Gaussian blur',
  sharpen: 'sharpen',
  sobelx: 'Sobel x',
  sobely: 'Sobel y',
  laplace: 'Laplacian',
  emboss: 'emboss',
  random: 'random',
  custom: 'custom (edited)',
};

function binomial(n) {
  // row n-1 of Pascal's triangle: [1], [1 1], [1 2 1], [1 3 3 1], ...
  let row = [1];
  for (let i = 1; i < n; i++) {
    const next = [1];
    for (let j = 1; j < i; j++) next.push(row[j - 1] + row[j]);
    next.push(1);
    row = next;
  }
  return n > 0 ? row : [];
}

function derivative(n) {
  // [-1 0 1] for 3, [-1 1] for 2, [-1 -2 0 2 1] for 5, [0] for 1
  if (n < 2) return [0];
  const b = binomial(n - 1);
  const d = [];
  for (let j = 0; j < n; j++) d.push((j - 1 >= 0 ? b[j - 1] : 0) - (j < b.length ? b[j] : 0));
  return d;
}

function outer(col, row) {
  const k = [];
  for (const a of col) for (const b of row) k.push(a * b);
  return k;
}

function normalised(k) {
  const s = k.reduce((a, b) => a + b, 0);
  return s ? k.map((v) => v / s) : k;
}

function delta(fh, fw) {
  const k = new Array(fh * fw).fill(0);
  k[Math.floor(fh / 2) * fw + Math.floor(fw / 2)] = 1;
  return k;
}

/** A preset as a flat fh x fw array (row-major). */
export function presetKernel(name, fh, fw) {
  const n = fh * fw;
  const is3 = fh === 3 && fw === 3;
  switch (name) {
    case 'identity':
      return delta(fh, fw);
    case 'box':
      return new Array(n).fill(1 / n);
    case 'gauss':
      return normalised(outer(binomial(fh), binomial(fw)));
    case 'sharpen': {
      if (is3) return [0, -1, 0, -1, 5, -1, 0, -1, 0];
      const g = normalised(outer(binomial(fh), binomial(fw)));
      return delta(fh, fw).map((d, i) => 2 * d - g[i]);
    }
    case 'sobelx':
      return outer(binomial(fh), derivative(fw));
    case 'sobely':
      return outer(derivative(fh), binomial(fw));
    case 'laplace': {
      if (is3) return [0, 1, 0, 1, -4, 1, 0, 1, 0];
      const g = normalised(outer(binomial(fh), binomial(fw)));
      return g.map((v, i) => 8 * (v - delta(fh, fw)[i]));
    }
    case 'emboss': {
      const ci = Math.floor(fh / 2),
        cj = Math.floor(fw / 2);
      const k = [];
      for (let i = 0; i < fh; i++) {
        for (let j = 0; j < fw; j++)
          k.push(i === ci && j === cj ? 1 : Math.max(-2, Math.min(2, i - ci + (j - cj))));
      }
      return k;
    }
    default:
      return delta(fh, fw);
  }
}

/** The F1*F2*D1 weights of filter i (channel-major: c, row, col). */
export function filterWeights(i, s) {
  const { fh, fw } = kernelHW(s);
  const d1 = depth(s);
  const n = fh * fw;
  const preset = presetOf(i, s);
  const out = new Float32Array(n * d1);
  if (preset === 'random') {
    const g = rng(s.seed * 7919 + i * 104729 + 1);
    const std = Math.sqrt(2 / (n * d1));
    for (let j = 0; j < out.length; j++) out[j] = Math.round(g.normal() * std * 1000) / 1000;
    return out;
  }
  if (preset === 'custom') {
    const w = s[`w${i}`] || [];
    for (let j = 0; j < out.length; j++) out[j] = w[j] ?? 0;
    return out;
  }
  const k = presetKernel(preset, fh, fw);
  for (let c = 0; c < d1; c++) for (let j = 0; j < n; j++) out[c * n + j] = k[j] / d1;
  return out;
}

/** The layer's weights {shape: [K, D1, F1, F2], data} and biases (K values). */
export function buildWeights(s) {
  const { fh, fw } = kernelHW(s);
  const d1 = depth(s);
  const per = fh * fw * d1;
  const data = new Float32Array(s.k * per);
  const bias = new Float32Array(s.k);
  for (let i = 0; i < s.k; i++) {
    data.set(filterWeights(i, s), i * per);
    bias[i] = biasOf(i, s);
  }
  return { weights: { shape: [s.k, d1, fh, fw], data }, bias };
}

/**
 * Weights of filter i re-sized to a new fh x fw x d1 (centred crop or zero pad;
 * channels repeated or averaged), for keeping an edited filter when F or D1 changes.
 */
export function resizeFilter(w, from, to) {
  const out = new Array(to.fh * to.fw * to.d1).fill(0);
  const oi = Math.floor(to.fh / 2) - Math.floor(from.fh / 2);
  const oj = Math.floor(to.fw / 2) - Math.floor(from.fw / 2);
  for (let c = 0; c < to.d1; c++) {
    for (let i = 0; i < to.fh; i++) {
      for (let j = 0; j < to.fw; j++) {
        const si = i - oi,
          sj = j - oj;
        if (si < 0 || sj < 0 || si >= from.fh || sj >= from.fw) continue;
        let v = 0;
        if (from.d1 === to.d1) v = w[c * from.fh * from.fw + si * from.fw + sj] ?? 0;
        else if (from.d1 > to.d1) {
          // RGB -> grey: the sum of the channels
          for (let cc = 0; cc < from.d1; cc++)
            v += w[cc * from.fh * from.fw + si * from.fw + sj] ?? 0;
        } else v = (w[si * from.fw + sj] ?? 0) / to.d1; // grey -> RGB: split over the channels
        out[c * to.fh * to.fw + i * to.fw + j] = v;
      }
    }
  }
  return out;
}
