// convplay — float32 batch norm with 4-lane vectors (see kernels.h for the
// contract). Sums run in f32x4 lanes over blocks of 1024 values of a plane and
// are added up in double; deviations are taken from the mean rounded to float
// and corrected in double, so an input like 1e6 + small noise keeps its
// variance. Two passes forward (both sums, then y; first a look at each
// channel's first 1024 values), two backward (the sums, dx), each over the
// whole tensor in memory order with per-channel sums. Reads and writes only
// inside the tensors.
#pragma once

#include <vector>

#include "convplay/kernel_types.h"

namespace convplay::kernels {

void batchnorm_f32_fwd__simd128(Tensor& y, std::vector<double>& mean, std::vector<double>& var,
                                const Tensor& x, const std::vector<float>& gamma,
                                const std::vector<float>& beta, double eps);

void batchnorm_f32_bwd__simd128(Tensor& dx, std::vector<double>& dgamma, std::vector<double>& dbeta,
                                std::vector<double>& mean_of_x, const Tensor& dy, const Tensor& x,
                                const std::vector<float>& gamma, const std::vector<float>& mean,
                                const std::vector<float>& rstd);

}  // namespace convplay::kernels
