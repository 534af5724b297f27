// convplay — the JavaScript API of the WASM module (draft contract; the
// module's implementation must follow it, and may extend it).
//
// Ownership: every array a function returns is a fresh JavaScript copy; the
// caller owns it and there is nothing to delete. Inputs are copied in, except
// resident tensors (`tensor()`): float32 tensors that stay in the module's
// memory between calls, which every float32 op accepts in place of
// {shape, data} and writes its results into (`out`), so a script that keeps
// its tensors pays no copies on each call. The module owns their data; call
// `dispose()` on each one you are done with (a FinalizationRegistry frees
// forgotten ones, as a safety net only: memoryStats().finalizedTensors counts
// them). With no `out`, an op that was given a resident tensor returns new
// resident tensors, and one given only arrays returns arrays.
// Errors: every failure throws a ConvplayError (a subclass of Error, name
// "ConvplayError", also reachable as `convplay.ConvplayError`), never a
// RangeError or TypeError; its message is the core's, e.g. "kernel 11 is larger
// than padded width 7 + 2*1 = 9", and the module keeps working afterwards.
// Arguments are checked before the module is entered: an unknown option key
// ("unknown option 'stride' in params: use strideH and strideW"), a shape that
// is not four integers, a fractional stride, data that is not array-like, a
// data length that does not match its shape (checked before anything is
// copied), an element that is not a number, an ArrayBuffer whose size is not a
// whole number of elements, an empty bias (null means none). A layer's own
// rules (conv2dGeometry) are checked before the generic tensor ones, so a
// weight shape with K = 0 reports "number of filters K is 0, ...".
//
// Data: tensors are row-major NCHW. `data` may be any array-like of numbers
// or an ArrayBuffer of the stated element type; a typed array of the stated
// type is copied in without conversion. Values are plain numbers
// (activations, weights, gradients): no unit. Sizes are in elements (pixels,
// taps), never bytes.
//
// Limits of one request (`defaults` has them): a tensor holds at most 2^28
// values; a convolution's output at most 2^26 values and its forward pass at
// most 2^33 multiply-adds (the message names the numbers and what to lower);
// an image at most maxPixels pixels (default 64 Mi) and 32768 pixels a side.
//
// Files (build/wasm-release/dist/):
//   convplay.mjs         `import createConvplay from './convplay.mjs'`; loads
//                        convplay_core.mjs + convplay_core.wasm (+ convplay_wrap.mjs).
//                        Under Node, Emscripten's glue needs the CommonJS globals
//                        `require` and `__dirname` defined first (or use the
//                        single file through require()).
//   convplay.single.js   the same API with the WASM inlined: a classic
//                        <script> (works from file://) defines the global
//                        `createConvplay`; under CommonJS, `module.exports` is
//                        createConvplay. LoadOptions are ignored there.

/** [N, C, H, W]: batch, channels (depth), height, width. Weights: [K, C, F1, F2]. */
export type Shape4 = [number, number, number, number];

export interface Tensor32 { shape: Shape4; data: Float32Array; }

/** A float32 tensor in the module's memory (see Ownership above). */
export interface ConvplayTensor {
  readonly shape: Readonly<Shape4>;
  /** Elements: N*C*H*W. */
  readonly size: number;
  readonly disposed: boolean;
  /**
   * A copy of the data: into `into` (a Float32Array of `size` values, which is
   * returned; nothing is allocated), or into a new Float32Array.
   */
  read(into?: Float32Array): Float32Array;
  /** The data in place: no copy, valid only until the next call into the module. */
  view(): Float32Array;
  /** Copies `size` numbers in; returns this. */
  write(data: ArrayLike<number> | ArrayBuffer): this;
  /** Frees the data (a second call does nothing); any later use throws. */
  dispose(): void;
}

/** What the float32 ops take: a resident tensor or {shape, data}. */
export type Tensor32In = ConvplayTensor | { shape: Shape4; data: ArrayLike<number> | ArrayBuffer };
/** An op's tensor result: resident when an input was resident or `out` was given. */
export type Tensor32Out = Tensor32 | ConvplayTensor;
export interface Tensor64 { shape: Shape4; data: Float64Array; }

/** 'zeros' (PyTorch's spelling) is the same as 'zero'. */
export type PadMode = 'zero' | 'zeros' | 'replicate' | 'reflect' | 'circular';
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
  weightCount: number;   // F1*F2*C*K
  biasCount: number;     // K
  multiplyAdds: number;  // N*K*H2*W2 * C*F1*F2, the forward pass's work
}

export interface BatchNormOptions {
  eps?: number;        // default 1e-5 (defaults.eps)
  momentum?: number;   // default 0.1
  training?: boolean;  // default true: batch statistics; false: running statistics
  runningMean?: ArrayLike<number>;  // C values; updated copies are returned in training mode
  runningVar?: ArrayLike<number>;
}

export interface BatchNormForward {
  /** gamma * xhat + beta, the shape of x. */
  y: Tensor64;
  /**
   * Per channel (C values). Training mode: the batch statistics (biased
   * variance) and rstd = 1 / sqrt(var + eps). Inference mode: the running
   * statistics that were used, and rstd = 1 / sqrt(runningVar + eps).
   */
  mean: Float64Array; var: Float64Array; rstd: Float64Array;
  /** (x - mean) * rstd, the shape of x. */
  xhat: Tensor64;
  /** Training mode only, when given in the options: the updated copies. */
  runningMean?: Float64Array; runningVar?: Float64Array;
}

/** Every gradient of the lecture's batch-norm graph, given dL/dy. */
export interface BatchNormBackward {
  /** dL/dx and dL/dxhat = dL/dy * gamma, the shape of x. */
  dx: Tensor64; dxhat: Tensor64;
  dgamma: Float64Array; dbeta: Float64Array; dvar: Float64Array; dmu: Float64Array;  // per channel
}

export interface DecodedImage {
  image: Tensor32;  // [1, 3 or 1, H, W], values in [0, 1]; alpha composited over white
  /** In pixels, as stored in the file; fileChannels: 1..4 in the file. */
  originalWidth: number; originalHeight: number; fileChannels: number;
  /** image is smaller than the file (options.maxSide). */
  downscaled: boolean;
}

/** The core's defaults and per-request limits. */
export interface Defaults {
  eps: number; momentum: number;       // batch norm
  maxPixels: number; maxSide: number;  // decodeImage
  maxTensorElements: number;           // 2^28
  maxConvOutputElements: number;       // 2^26
  maxConvMultiplyAdds: number;         // 2^33
}

/** What memoryStats() reports (for leak tests). */
export interface MemoryStats {
  /** Bytes malloc has handed out and not freed (dlmalloc's mallinfo().uordblks). */
  usedBytes: number;
  /** Size of the WASM memory in bytes (grows up to 2 GiB, never shrinks). */
  heapBytes: number;
  /** Embind handles alive (JS values held by C++); 0 between calls. */
  liveHandles: number;
  /** Resident tensors alive, and the bytes of their data. */
  tensors: number; tensorBytes: number;
  /** Resident tensors the garbage collector freed because dispose() was never called. */
  finalizedTensors: number;
}

export interface Convplay {
  /**
   * The one output-size formula (per axis), in pixels: input size, kernel size,
   * padding on each side, dilation, stride. Throws for impossible values
   * (stride/kernel/dilation/input < 1, padding < 0, kernel larger than the
   * padded input); `axis` only names the axis in the message.
   */
  convOutputSize(input: number, kernel: number, pad: number, dilation: number, stride: number,
                 axis?: 'width' | 'height'): AxisSize;
  /**
   * Validates a whole layer (input [N, C, H1, W1], weights [K, C, F1, F2]) and
   * returns its geometry, output [N, K, H2, W2]. Throws with the core's message.
   */
  conv2dGeometry(inputShape: Shape4, weightShape: Shape4, params?: ConvParams): ConvGeometry;
  /**
   * y (N,K,H2,W2) = conv(x (N,C,H1,W1), w (K,C,F1,F2)) + bias (K values or null
   * for none), in float32 (with the WASM SIMD kernels where the core has them).
   */
  conv2dForward(x: Tensor32In, w: Tensor32In, bias: ArrayLike<number> | null, params?: ConvParams,
                out?: ConvplayTensor): Tensor32Out;
  /**
   * dL/dx (N,C,H1,W1), dL/dw (K,C,F1,F2), dL/db (K) given dy = dL/dy (N,K,H2,W2).
   * Gradient that lands in the padding goes back to the pixel it was copied
   * from (replicate, reflect, circular) or is dropped (zero).
   */
  conv2dBackward(dy: Tensor32In, x: Tensor32In, w: Tensor32In, params?: ConvParams,
                 out?: { dx?: ConvplayTensor; dw?: ConvplayTensor }):
      { dx: Tensor32Out; dw: Tensor32Out; db: Float32Array };
  /** dL/dx alone (the page's saliency): dy (N,K,H2,W2), w, and the input's shape [N, C, H1, W1]. */
  conv2dBackwardData(dy: Tensor32In, w: Tensor32In, inputShape: Shape4, params?: ConvParams,
                     out?: ConvplayTensor): Tensor32Out;
  /** dL/dw and dL/db alone: dy (N,K,H2,W2), x, and the weights' shape [K, C, F1, F2]. */
  conv2dBackwardFilter(dy: Tensor32In, x: Tensor32In, weightShape: Shape4, params?: ConvParams,
                       out?: ConvplayTensor): { dw: Tensor32Out; db: Float32Array };
  /**
   * Batch norm of a network layer in float32, training mode, with the SIMD
   * kernels: only what the backward pass needs (no xhat). options: eps,
   * momentum, runningMean and runningVar (updated copies are returned).
   */
  batchnormForward32(x: Tensor32In, gamma: ArrayLike<number>, beta: ArrayLike<number>,
                     options?: { eps?: number; momentum?: number; runningMean?: ArrayLike<number> | null;
                                 runningVar?: ArrayLike<number> | null },
                     out?: ConvplayTensor):
      { y: Tensor32Out; mean: Float32Array; var: Float32Array; rstd: Float32Array;
        runningMean?: Float32Array; runningVar?: Float32Array };
  /** The backward pass of batchnormForward32 (saved: its result, or {mean, rstd}). */
  batchnormBackward32(dy: Tensor32In, x: Tensor32In, gamma: ArrayLike<number>,
                      saved: { mean: ArrayLike<number>; rstd: ArrayLike<number> },
                      out?: ConvplayTensor):
      { dx: Tensor32Out; dgamma: Float32Array; dbeta: Float32Array };
  /**
   * A float32 tensor that stays in the module's memory: `data` (N*C*H*W
   * numbers) copied in once, or zeros when omitted. Dispose it when done.
   */
  tensor(shape: Shape4, data?: ArrayLike<number> | ArrayBuffer | null): ConvplayTensor;
  /** conv2dForward in double precision (the reference code): exact numbers for the page. */
  conv2dForward64(x: Tensor64 | ConvplayTensor, w: Tensor64 | ConvplayTensor, bias: ArrayLike<number> | null, params?: ConvParams): Tensor64;
  /** conv2dBackward in double precision (gradient checks). */
  conv2dBackward64(dy: Tensor64 | ConvplayTensor, x: Tensor64 | ConvplayTensor, w: Tensor64 | ConvplayTensor, params?: ConvParams):
      { dx: Tensor64; dw: Tensor64; db: Float64Array };
  /**
   * Batch norm per channel over N*H*W, in double precision. x: [N, C, H, W]
   * (a batch of feature vectors is [N, C, 1, 1]); gamma, beta: C values.
   * Inference mode (training: false) needs runningMean and runningVar.
   */
  batchnormForward(x: { shape: Shape4; data: ArrayLike<number> }, gamma: ArrayLike<number>,
                   beta: ArrayLike<number>, options?: BatchNormOptions): BatchNormForward;
  /**
   * Every node of the lecture's graph, backward. dy and x: [N, C, H, W]; gamma:
   * C values; saved: the training-mode forward's result (it can be passed as is).
   */
  batchnormBackward(dy: { shape: Shape4; data: ArrayLike<number> },
                    x: { shape: Shape4; data: ArrayLike<number> }, gamma: ArrayLike<number>,
                    saved: { mean: ArrayLike<number>; var: ArrayLike<number>; rstd: ArrayLike<number>; xhat: { data: ArrayLike<number> } }):
      BatchNormBackward;
  /**
   * Decode PNG/JPEG/BMP/GIF/TGA bytes (stb_image) into [1, 3, H, W] (or
   * [1, 1, H, W] with grey) in [0, 1]. maxSide: downscale so the longest side
   * is at most this many pixels (0 = never); maxPixels: refuse files whose
   * header claims more pixels (default 64 Mi). Throws for empty, corrupt,
   * truncated, unsupported or oversized data. Loaded with wasmBinary or
   * wasmUrl, the decode runs in a second instance of the module, dropped
   * after a decode that grew it past 64 MiB: the memory a large photo needed
   * goes back to the system.
   */
  decodeImage(bytes: Uint8Array, options?: { grey?: boolean; maxSide?: number; maxPixels?: number }): DecodedImage;
  /** Encode [1, C, H, W] (C = 1, 3, 4; values in [0,1], clamped) as PNG file bytes. */
  encodePng(image: Tensor32In): Uint8Array;
  /** Resize [1, C, H, W] to [1, C, h, w] pixels (stb_image_resize). */
  resizeImage(image: Tensor32In, h: number, w: number, out?: ConvplayTensor): Tensor32Out;
  /**
   * Padded coordinate i (may be < 0 or >= n) of an axis of n >= 1 pixels ->
   * the input coordinate it reads, or -1 for a zero.
   */
  padSourceIndex(i: number, n: number, mode: PadMode): number;
  /** The module's memory use, for leak tests. */
  memoryStats(): MemoryStats;
  /** The core's defaults and limits (frozen). */
  readonly defaults: Defaults;
  /** The class of every error the API throws. */
  readonly ConvplayError: new (message: string) => Error;
  /** The class of resident tensors (for instanceof). */
  readonly ConvplayTensor: Function;
}

export interface LoadOptions {
  /** The compiled .wasm, or a promise of it (e.g. compileWasm(url), started early; null: wasmUrl's). */
  wasmModule?: WebAssembly.Module | Promise<WebAssembly.Module | null>;
  /** The .wasm bytes (Node, or a pre-fetched copy). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where to fetch the .wasm from (browser); compiled with instantiateStreaming. */
  wasmUrl?: string | URL;
}

/** Fetches the .wasm at url and compiles it as it downloads (for LoadOptions.wasmModule). */
export function compileWasm(url: string | URL): Promise<WebAssembly.Module>;

/** Loads the module; rejects if the .wasm cannot be fetched or compiled. */
export default function createConvplay(options?: LoadOptions): Promise<Convplay>;
export { createConvplay };
