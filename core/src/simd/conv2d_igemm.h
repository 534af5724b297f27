// convplay — the SIMD convolution kernels: implicit GEMM over phase images.
//
// The padded input of one image is split once into stride phases (space to
// depth): phase (u, v) of channel c holds padded pixels (i*S + u, j*S + v).
// Tap (a, b) of output (i, j) then reads phase ((a*D) mod S, (b*D) mod S) at
// (i + (a*D) div S, j + (b*D) div S): for every stride and dilation, the
// inputs of consecutive outputs are consecutive floats. Outputs are computed
// on rows as wide as a phase row (the few extra columns are dropped), so one
// flat index q = i * width + j walks the whole image and tap (c, a, b) is a
// fixed offset from it: a GEMM whose B operand is read in place.
//
// - forward: (K filters) x (pixels) x (C*F1*F2 taps), micro-kernel 4 filters x
//   8 pixels (the dispatch's tile; 4 x 12 is kept for tests and benchmarks,
//   kernels.h's unpicked list): one f32x4 accumulator per filter and 4 pixels,
//   loads of the pixels and broadcasts of the 4 weights per tap. Each output
//   gets bias first, then its products in the reference's (c, a, b) order, so
//   results equal the reference's bit for bit (no fused multiply-add). The
//   output rows run in bands whose phase images (about 256 KB) are made just
//   before the tiles read them; the tiles walk each output row (no tile
//   computes a phase row's extra columns) unless rows as wide as a phase row
//   take fewer tiles. Stride 2 with even padding splits each input row into
//   both phases 8 floats at a time.
// - dL/dx: per phase, a stride-1 GEMM of the zero-padded dL/dy with the taps
//   that land in that phase (C rows x pixels x K*taps), same micro-kernel (4 x 8;
//   4 x 12 unpicked); the padded gradient is then folded back (padding gives
//   its share to the pixel it copied). A layer of stride 1, no dilation and
//   zero padding whose columns are small (the tiny network's) takes a GEMM of
//   w^T and dL/dy into columns (C*F1*F2 x pixels) instead, then a col2im: no
//   product with the padding's zeros.
// - dL/dw: dot products of dL/dy rows with the shifted phase images, 4 filters x
//   2 taps per step (4 x 3 and 2 x 4 unpicked).
//
// Every kernel computes cross-correlation (the entry point flips the kernels
// for true convolution). Weights are packed into the micro-kernel's order and
// kept between calls in a thread_local cache of two packs: the last forward
// pack (keyed by the weight shape) and the last dL/dx pack (keyed by the
// weight shape, stride and dilation, which choose its taps per phase). A pack
// is reused only while the weights are equal value for value to the ones it
// was packed from (compared on every call), so new weights or a new shape
// repack, and nothing can read a stale pack.
//
// Buffer contract: tensors are read and written only inside their shapes.
// Scratch buffers live for one call (nothing but the weight packs stays
// allocated after it) and are not zeroed when allocated: every kernel writes
// what it reads, and the phase images and padded dL/dy carry zeroed slack past
// their ends, since the micro-kernels read past the last valid pixel of a
// row (up to 8 floats in the dispatch's 4 x 8 kernels, 12 in the 4 x 12 ones)
// and discard those lanes. Those discarded lanes may multiply a pixel the
// layer never reads, so an infinite input can turn a dL/dw that the reference
// leaves finite into NaN.
#pragma once

#include <vector>

#include "convplay/kernel_types.h"

namespace convplay::kernels {

// The phase images and padded gradients stay small (absurd padding or a
// stride wider than the image fall back to the reference).
bool conv2d_igemm_supported(const Conv2dGeometry& g, const Conv2dParams& p);

// x is (N,C,H1,W1), w is (K,C,F1,F2), y is (N,K,H2,W2). Tiles of 4 filters x 8
// pixels (dispatch's) or 12 (tests and benchmarks only).
void conv2d_f32_fwd_igemm_4x8__simd128(Tensor& y, const Tensor& x, const Tensor& w,
                                       const std::vector<float>& b, const Conv2dGeometry& g,
                                       const Conv2dParams& p);
void conv2d_f32_fwd_igemm_4x12__simd128(Tensor& y, const Tensor& x, const Tensor& w,
                                        const std::vector<float>& b, const Conv2dGeometry& g,
                                        const Conv2dParams& p);

// dy is (N,K,H2,W2), w is (K,C,F1,F2), dx is (N,C,H1,W1) (overwritten). Tiles of
// 4 channels x 8 pixels (dispatch's) or 12 (tests and benchmarks only).
void conv2d_f32_bwd_data_igemm_4x8__simd128(Tensor& dx, const Tensor& dy, const Tensor& w,
                                            const Conv2dGeometry& g, const Conv2dParams& p);
void conv2d_f32_bwd_data_igemm_4x12__simd128(Tensor& dx, const Tensor& dy, const Tensor& w,
                                             const Conv2dGeometry& g, const Conv2dParams& p);

// dy is (N,K,H2,W2), x is (N,C,H1,W1), dw is (K,C,F1,F2), db is (K) (overwritten).
// Dot products of 4 filters x 2 taps per step (dispatch's), or 4 x 3 and 2 x 4
// (tests and benchmarks only).
void conv2d_f32_bwd_filter_dot_4x2__simd128(Tensor& dw, std::vector<float>& db, const Tensor& dy,
                                            const Tensor& x, const Conv2dGeometry& g,
                                            const Conv2dParams& p);
void conv2d_f32_bwd_filter_dot_2x4__simd128(Tensor& dw, std::vector<float>& db, const Tensor& dy,
                                            const Tensor& x, const Conv2dGeometry& g,
                                            const Conv2dParams& p);
void conv2d_f32_bwd_filter_dot_4x3__simd128(Tensor& dw, std::vector<float>& db, const Tensor& dy,
                                            const Tensor& x, const Conv2dGeometry& g,
                                            const Conv2dParams& p);

// Both gradients.
void conv2d_f32_bwd_igemm__simd128(Tensor& dx, Tensor& dw, std::vector<float>& db, const Tensor& dy,
                                   const Tensor& x, const Tensor& w, const Conv2dGeometry& g,
                                   const Conv2dParams& p);

}  // namespace convplay::kernels
