// convplay — the row kernels: convolution as a sum of shifted, scaled rows.
//
// The input is padded once into a buffer (every padding mode materialised
// through pad_index), after which each (filter k, channel c, tap a, b) adds
// w(k, c, a, b) times a row of the padded input to a row of the output
// (cross-correlation; the entry point flips the kernels for convolution):
// branch-free inner loops over contiguous memory (stride 1) that the compiler
// vectorises — to WASM SIMD with -msimd128, to SSE/AVX natively.
//
// Forward: each output element receives its products in the same order as the
// reference (bias, then c, a, b), so results are identical to it. Backward:
// dL/dw sums in another order than the reference (a few ulps apart).
//
// Buffer contract: reads and writes only inside the tensors and the padded
// scratch buffer they allocate (C x (H1 + 2P) x (W1 + 2P) floats per image).
#pragma once

#include <vector>

#include "convplay/kernel_types.h"

namespace convplay::kernels {

// The padded copy of the input would stay small (refuses absurd padding,
// which the reference handles without allocating).
bool conv2d_rows_supported(const Conv2dGeometry& g, const Conv2dParams& p);

void conv2d_f32_fwd_rows__auto(Tensor& y, const Tensor& x, const Tensor& w,
                               const std::vector<float>& b, const Conv2dGeometry& g,
                               const Conv2dParams& p);

void conv2d_f32_bwd_rows__auto(Tensor& dx, Tensor& dw, std::vector<float>& db, const Tensor& dy,
                               const Tensor& x, const Tensor& w, const Conv2dGeometry& g,
                               const Conv2dParams& p);

}  // namespace convplay::kernels
