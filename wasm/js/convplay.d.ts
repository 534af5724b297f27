// convplay — the JavaScript API of the WASM module (draft contract; the
// module's implementation must follow it, and may extend it).
//
// Ownership: every array a function returns is a fresh JavaScript copy; the
// caller owns it and there is nothing to delete. Inputs are copied in.
// Errors: every failure throws a plain `Error` (name "ConvplayError") whose
// message is the core's, e.g. "kernel 11 is larger than padded width 7 + 2*1 = 9";
// the module keeps working afterwards.

/** [N, C, H, W]: batch, channels (depth), height, width. Weights: [K, C, F1, F2]. */
export type Shape4 = [number, number, number, number];

export interface Tensor32 { shape: Shape4; data: Float32Array; }
export interface Tensor64 { shape: Shape4; data: Float64Array; }

export type PadMode = 'zero' | 'replicate' | 'reflect' | 'circular';
/** 'cross-correlation' = what CNN libraries compute; 'convolution' = kernel rotated 180 degrees (the lecture). */
export type ConvMode = 'cross-correlation' | 'convolution';

export interface ConvParams {
  strideH?: number; strideW?: number;      // S, default 1
  padH?: number; padW?: number;            // P, default 0
  dilationH?: number; dilationW?: number;  // D, default 1
  padMode?: PadMode;                       // default 'zero'
  mode?: ConvMode;                         // default 'cross-correlation'
}

/** One axis of out = floor((in + 2P - (D*(F-1)+1)) / S) + 1. */
export interface AxisSize {
  size: number;
  /** (in + 2P - effectiveKernel) is a multiple of S: no floor was needed. */
  exact: boolean;
  remainder: number;
  effectiveKernel: number;
}

export interface ConvGeometry {
  input: Shape4; weight: Shape4; output: Shape4;
  h: AxisSize; w: AxisSize;
  weightCount: number;  // F1*F2*C*K
  biasCount: number;    // K
}

export interface BatchNormOptions {
  eps?: number;        // default 1e-5
  momentum?: number;   // default 0.1
  training?: boolean;  // default true: batch statistics; false: running statistics
  runningMean?: ArrayLike<number>;  // C values; updated copies are returned in training mode
  runningVar?: ArrayLike<number>;
}

export interface BatchNormForward {
  y: Tensor64;
  mean: Float64Array; var: Float64Array; rstd: Float64Array;  // per channel (training mode)
  xhat: Tensor64;
  runningMean?: Float64Array; runningVar?: Float64Array;
}

export interface BatchNormBackward {
  dx: Tensor64; dxhat: Tensor64;
  dgamma: Float64Array; dbeta: Float64Array; dvar: Float64Array; dmu: Float64Array;  // per channel
}

export interface DecodedImage {
  image: Tensor32;  // [1, 3 or 1, H, W], values in [0, 1]
  originalWidth: number; originalHeight: number; fileChannels: number;
  downscaled: boolean;
}

export interface Convplay {
  /** The one output-size formula (per axis). Throws for impossible values. */
  convOutputSize(input: number, kernel: number, pad: number, dilation: number, stride: number,
                 axis?: 'width' | 'height'): AxisSize;
  /** Validates a whole layer and returns its geometry. Throws with the core's message. */
  conv2dGeometry(inputShape: Shape4, weightShape: Shape4, params?: ConvParams): ConvGeometry;
  /** y (N,K,H2,W2) = conv(x (N,C,H1,W1), w (K,C,F1,F2)) + bias (K values or null). */
  conv2dForward(x: Tensor32, w: Tensor32, bias: Float32Array | null, params?: ConvParams): Tensor32;
  /** dL/dx, dL/dw, dL/db given dy = dL/dy (N,K,H2,W2). */
  conv2dBackward(dy: Tensor32, x: Tensor32, w: Tensor32, params?: ConvParams):
      { dx: Tensor32; dw: Tensor32; db: Float32Array };
  /** Batch norm per channel over N*H*W, in double precision. gamma, beta: C values. */
  batchnormForward(x: { shape: Shape4; data: ArrayLike<number> }, gamma: ArrayLike<number>,
                   beta: ArrayLike<number>, options?: BatchNormOptions): BatchNormForward;
  /** Every node of the lecture's graph, backward (needs the training-mode forward's saved values). */
  batchnormBackward(dy: { shape: Shape4; data: ArrayLike<number> },
                    x: { shape: Shape4; data: ArrayLike<number> }, gamma: ArrayLike<number>,
                    saved: { mean: ArrayLike<number>; var: ArrayLike<number>; rstd: ArrayLike<number>; xhat: { data: ArrayLike<number> } }):
      BatchNormBackward;
  /** Decode PNG/JPEG/BMP/GIF/TGA bytes (stb_image). */
  decodeImage(bytes: Uint8Array, options?: { grey?: boolean; maxSide?: number; maxPixels?: number }): DecodedImage;
  /** Encode [1, C, H, W] (C = 1, 3, 4; values in [0,1]) as PNG. */
  encodePng(image: Tensor32): Uint8Array;
  /** Resize [1, C, H, W] to [1, C, h, w] (stb_image_resize). */
  resizeImage(image: Tensor32, h: number, w: number): Tensor32;
  /** Padded coordinate -> the input coordinate it reads, or -1 for a zero. */
  padSourceIndex(i: number, n: number, mode: PadMode): number;
}

export interface LoadOptions {
  /** The .wasm bytes (Node, or a pre-fetched copy). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where to fetch the .wasm from (browser); compiled with instantiateStreaming. */
  wasmUrl?: string | URL;
}

/** Loads the module. */
export default function createConvplay(options?: LoadOptions): Promise<Convplay>;
