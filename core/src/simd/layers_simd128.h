// convplay — float32 kernels of the network layers with 4-lane vectors
// (core/src/simd/vec.h: WASM SIMD in the module, SSE2 or NEON natively).
//
// relu_f32_fwd__simd128 / relu_f32_bwd__simd128: y = x > 0 ? x : 0 and
// dx = x > 0 ? dy : 0 as a comparison mask and'ed with the value, four at a
// time, the last few one by one. The same values as the reference bit for bit
// (NaN and -0 give +0, as `x > 0` is false for them).
//
// maxpool2d_f32_fwd_2x2s2__simd128: the 2x2 window moved by 2, four outputs
// at a time: two input rows of eight floats are split into their even and odd
// columns, and the window's four values are compared in the reference's
// order (row-major, strictly greater wins, so the first maximum wins on ties)
// while the winner's offset is carried along. Same values and arg-max as the
// reference.
//
// linear_f32_fwd_4x4__simd128: y = b + w x, four outputs at a time, each a
// dot product in four lanes (its sum in another order than the reference's,
// so equal to rounding).
//
// Buffer contract: reads and writes only inside the tensors.
#pragma once

#include <cstdint>
#include <vector>

#include "convplay/kernel_types.h"

namespace convplay::kernels {

void relu_f32_fwd__simd128(Tensor& y, const Tensor& x);
void relu_f32_bwd__simd128(Tensor& dx, const Tensor& dy, const Tensor& x);

void maxpool2d_f32_fwd_2x2s2__simd128(Tensor& y, std::vector<int32_t>& argmax, const Tensor& x,
                                      const Pool2dParams& p);

// x is (N, D) flattened, w is (K, D, 1, 1), y is (N, K, 1, 1).
void linear_f32_fwd_4x4__simd128(Tensor& y, const Tensor& x, const Tensor& w,
                                 const std::vector<float>& b);

}  // namespace convplay::kernels
