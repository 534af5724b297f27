// convplay — batch normalization (the lecture, §1), per channel.
//
// x is (N, C, H, W); the statistics of channel c are taken over its N*H*W
// values (a (N, features) batch is (N, C, 1, 1)). With m = N*H*W:
//   mu      = (1/m) sum_i x_i
//   var     = (1/m) sum_i (x_i - mu)^2          (biased)
//   xhat_i  = (x_i - mu) / sqrt(var + eps)
//   y_i     = gamma * xhat_i + beta
#pragma once

#include <vector>

#include "convplay/tensor.h"

namespace convplay {

struct BatchNormParams {
  double eps = 1e-5;      // >= 0; var + eps must be > 0
  double momentum = 0.1;  // running = (1 - momentum) * running + momentum * batch, in [0, 1]
};

// What the forward pass keeps for the backward pass, per channel (C values),
// plus xhat for every element.
template <typename T>
struct BatchNormSaved {
  std::vector<T> mean, var, rstd;  // rstd = 1 / sqrt(var + eps)
  BasicTensor<T> xhat;
};

// Every node of the lecture's computational graph, backward.
template <typename T>
struct BatchNormGrads {
  BasicTensor<T> dx;             // dL/dx_i
  BasicTensor<T> dxhat;          // dL/dxhat_i = dL/dy_i * gamma
  std::vector<T> dgamma, dbeta;  // per channel
  std::vector<T> dvar, dmu;      // per channel
};

// Training mode: batch statistics. gamma and beta have C entries. If
// running_mean / running_var are non-null (C entries each) they are updated
// with momentum (the running variance uses the unbiased m/(m-1) correction,
// as PyTorch does, when m > 1). Throws Error on a shape mismatch, eps < 0,
// momentum outside [0, 1], or var + eps == 0 (all inputs equal and eps = 0).
template <typename T>
void batchnorm_forward_train(BasicTensor<T>& y, BatchNormSaved<T>& saved, const BasicTensor<T>& x,
                             const std::vector<T>& gamma, const std::vector<T>& beta,
                             const BatchNormParams& p, std::vector<T>* running_mean = nullptr,
                             std::vector<T>* running_var = nullptr);

// Inference mode: y = gamma * (x - running_mean) / sqrt(running_var + eps) + beta.
// If `saved` is non-null it receives what was used: mean = running_mean,
// var = running_var, rstd = 1 / sqrt(running_var + eps) and every xhat.
template <typename T>
void batchnorm_forward_infer(BasicTensor<T>& y, const BasicTensor<T>& x,
                             const std::vector<T>& gamma, const std::vector<T>& beta,
                             const std::vector<T>& running_mean, const std::vector<T>& running_var,
                             const BatchNormParams& p, BatchNormSaved<T>* saved = nullptr);

// Backward through the training-mode forward, with the lecture's formulas:
//   dL/dbeta   = sum_i dL/dy_i
//   dL/dgamma  = sum_i dL/dy_i * xhat_i
//   dL/dxhat_i = dL/dy_i * gamma
//   dL/dvar    = sum_i dL/dxhat_i * (x_i - mu) * (-1/2) * (var + eps)^(-3/2)
//   dL/dmu     = sum_i dL/dxhat_i * (-1 / sqrt(var + eps)) + dL/dvar * (1/m) * sum_i -2 (x_i - mu)
//   dL/dx_i    = dL/dxhat_i / sqrt(var + eps) + dL/dvar * 2 (x_i - mu) / m + dL/dmu / m
template <typename T>
void batchnorm_backward(BatchNormGrads<T>& g, const BasicTensor<T>& dy, const BasicTensor<T>& x,
                        const std::vector<T>& gamma, const BatchNormSaved<T>& saved);

}  // namespace convplay

namespace convplay {

// The float32 training step of a network layer, lean: only what the next
// step needs (no xhat, no intermediate nodes), computed by the fastest
// kernel in kernels::batchnorm_f32_variants(). Same formulas, rules and
// messages as the functions above; statistics are summed in double.
//
// Forward: y = gamma * (x - mean) * rstd + beta, mean and rstd = 1/sqrt(var + eps)
// per channel (C values each) kept for the backward pass; var is the biased
// batch variance. Running statistics as in batchnorm_forward_train. y (and
// dx below) reuse their storage, so a warm step does not allocate: when an
// error is found only after the kernel ran (var + eps == 0; a mean that is
// not x's), y (dx) is left empty, and nothing else is written.
void batchnorm_forward_train_f32(Tensor& y, std::vector<float>& mean, std::vector<float>& var,
                                 std::vector<float>& rstd, const Tensor& x,
                                 const std::vector<float>& gamma, const std::vector<float>& beta,
                                 const BatchNormParams& p,
                                 std::vector<float>* running_mean = nullptr,
                                 std::vector<float>* running_var = nullptr);

// Backward: dx, dgamma, dbeta from dy, the same x, gamma, and the forward's
// mean and rstd (xhat is recomputed from them).
void batchnorm_backward_f32(Tensor& dx, std::vector<float>& dgamma, std::vector<float>& dbeta,
                            const Tensor& dy, const Tensor& x, const std::vector<float>& gamma,
                            const std::vector<float>& mean, const std::vector<float>& rstd);

}  // namespace convplay
