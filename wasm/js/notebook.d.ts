// convplay/notebook — Jupyter notebooks (nbformat 4.5, JSON text) that carry
// what the playground computed and recompute it with NumPy and PyTorch; each
// ends with a cell that asserts the agreement. See notebook.mjs.
import type { ConvParams, Shape4 } from './convplay.js';

export interface Tensor { shape: Shape4; data: ArrayLike<number>; }

export interface LayerSpec {
  x: Tensor; w: Tensor; bias: ArrayLike<number>; params?: ConvParams;
  /** The output the page showed (float32). */
  y: Tensor;
  title?: string; link?: string;
}

export interface GradientsSpec {
  x: Tensor; w: Tensor; bias: ArrayLike<number>; params?: ConvParams;
  loss: 'sum' | 'sq' | 'pixel' | 'target';
  pixel?: { k: number; y: number; x: number };
  targetWeights?: Tensor;
  bn?: { gamma: ArrayLike<number>; beta: ArrayLike<number>; eps: number } | null;
  page: { loss: number; dx: Tensor; dw: Tensor; db: ArrayLike<number>;
          dgamma?: ArrayLike<number>; dbeta?: ArrayLike<number> };
  title?: string; link?: string;
}

export interface BatchnormSpec {
  x: ArrayLike<number>; gamma: number; beta: number; eps: number;
  loss: 'sq' | 'tgt' | 'lin'; w?: ArrayLike<number>; t?: ArrayLike<number>;
  /** Every node of the lecture's graph as the page computed it. */
  page: { mu: number; var: number; xhat: ArrayLike<number>; y: ArrayLike<number>; L: number;
          dbeta: number; dgamma: number; dxhat: ArrayLike<number>; dvar: number; dmu: number;
          dx: ArrayLike<number> };
  title?: string; link?: string;
}

export interface NetworkSpec {
  network: { channels: number; height: number; width: number;
             layers: { type: string; filters?: number; kernel?: number; stride?: number; pad?: number }[] };
  /** The lab's parameters() list. */
  parameters: { layer: number; w?: Tensor; b?: ArrayLike<number>; gamma?: ArrayLike<number>;
                beta?: ArrayLike<number>; runningMean?: ArrayLike<number>; runningVar?: ArrayLike<number> }[];
  test: { pixels: Uint8Array; labels: number[] };
  /** Images to keep training on; what: what they are (default 'training images'). */
  train?: { pixels: Uint8Array; labels: number[]; what?: string };
  /** The page's probabilities, one row per test image. */
  probs: number[][];
  classes?: string[];
  title?: string; link?: string;
}

export function layerNotebook(spec: LayerSpec): string;
export function gradientsNotebook(spec: GradientsSpec): string;
export function batchnormNotebook(spec: BatchnormSpec): string;
export function networkNotebook(spec: NetworkSpec): string;
