// convplay — the reference float32 batch norm of a network layer: plain loops
// over the formulas of convplay/batchnorm.h, every sum in double.
#pragma once

#include <vector>

#include "convplay/kernel_types.h"

namespace convplay::kernels {

void batchnorm_f32_fwd__ref(Tensor& y, std::vector<double>& mean, std::vector<double>& var,
                            const Tensor& x, const std::vector<float>& gamma,
                            const std::vector<float>& beta, double eps);

void batchnorm_f32_bwd__ref(Tensor& dx, std::vector<double>& dgamma, std::vector<double>& dbeta,
                            std::vector<double>& mean_of_x, const Tensor& dy, const Tensor& x,
                            const std::vector<float>& gamma, const std::vector<float>& mean,
                            const std::vector<float>& rstd);

}  // namespace convplay::kernels
