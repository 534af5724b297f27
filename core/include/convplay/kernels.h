// convplay — the one dispatch point for convolution kernels.
//
// Every implementation of a kernel is listed here, reference first, so the
// tests can loop over all of them and the benchmarks can race them. Names say
// what a kernel is (XNNPACK style): data type, operation, tile, then `__` and
// the instruction set (`simd128`: the 4-lane vectors of core/src/simd/vec.h,
// WASM SIMD in the module, SSE2 or NEON natively), and each name is the name
// of the function it runs. The float entry points run the last variant in the
// list whose `supports` accepts the layer; the reference, first, accepts all.
// The double-precision entry points always run the reference.
//
// Kernels compute cross-correlation only (`p.mode` is always
// cross_correlation): the entry points rotate the kernels once for true
// convolution, and rotate dL/dw back.
#pragma once

#include <string>
#include <vector>

#include "convplay/batchnorm.h"
#include "convplay/conv.h"
#include "convplay/layers.h"

namespace convplay::kernels {

struct Conv2dF32FwdVariant {
  const char* name;
  bool (*supports)(const Conv2dGeometry& g, const Conv2dParams& p);
  void (*run)(Tensor& y, const Tensor& x, const Tensor& w, const std::vector<float>& b,
              const Conv2dGeometry& g, const Conv2dParams& p);
};

struct Conv2dF32BwdVariant {
  const char* name;
  bool (*supports)(const Conv2dGeometry& g, const Conv2dParams& p);
  void (*run)(Tensor& dx, Tensor& dw, std::vector<float>& db, const Tensor& dy, const Tensor& x,
              const Tensor& w, const Conv2dGeometry& g, const Conv2dParams& p);
};

// dL/dx alone: dy (N,K,H2,W2), w (K,C,F1,F2) -> dx (N,C,H1,W1).
struct Conv2dF32BwdDataVariant {
  const char* name;
  bool (*supports)(const Conv2dGeometry& g, const Conv2dParams& p);
  void (*run)(Tensor& dx, const Tensor& dy, const Tensor& w, const Conv2dGeometry& g,
              const Conv2dParams& p);
};

// dL/dw and dL/db alone: dy (N,K,H2,W2), x (N,C,H1,W1) -> dw (K,C,F1,F2), db (K).
struct Conv2dF32BwdFilterVariant {
  const char* name;
  bool (*supports)(const Conv2dGeometry& g, const Conv2dParams& p);
  void (*run)(Tensor& dw, std::vector<float>& db, const Tensor& dy, const Tensor& x,
              const Conv2dGeometry& g, const Conv2dParams& p);
};

const std::vector<Conv2dF32FwdVariant>& conv2d_f32_fwd_variants();
const std::vector<Conv2dF32BwdVariant>& conv2d_f32_bwd_variants();
const std::vector<Conv2dF32BwdDataVariant>& conv2d_f32_bwd_data_variants();
const std::vector<Conv2dF32BwdFilterVariant>& conv2d_f32_bwd_filter_variants();

// For tests and benchmarks only: variants the dispatch never picks (another
// tile of a kernel above, behind it with the same `supports`). A list above
// plus its unpicked list is every kernel of that operation; the `_with` entry
// points do not know these, and the page's module does not link them.
const std::vector<Conv2dF32FwdVariant>& conv2d_f32_fwd_unpicked_variants();
const std::vector<Conv2dF32BwdDataVariant>& conv2d_f32_bwd_data_unpicked_variants();
const std::vector<Conv2dF32BwdFilterVariant>& conv2d_f32_bwd_filter_unpicked_variants();

// Batch normalization, float32, training (batchnorm_forward_train_f32 /
// batchnorm_backward_f32). x and dy are (N,C,H,W), per-channel vectors have C
// values, m = N*H*W. Sums are accumulated in double.
// forward: mean, var (biased) and y = gamma * (x - mean) / sqrt(var + eps) + beta.
// backward: given the forward's mean (float) and rstd, recomputes the mean of x
// in double (`mean_of_x`, which the entry point checks against `mean`) and
// uses it: dbeta = sum dy, dgamma = sum dy * xhat and dx by the lecture's chain
// (dxhat, dvar, dmu).
struct BatchNormF32Variant {
  const char* name;
  bool (*supports)(const LayerDesc& d);
  void (*forward)(Tensor& y, std::vector<double>& mean, std::vector<double>& var, const Tensor& x,
                  const std::vector<float>& gamma, const std::vector<float>& beta, double eps);
  void (*backward)(Tensor& dx, std::vector<double>& dgamma, std::vector<double>& dbeta,
                   std::vector<double>& mean_of_x, const Tensor& dy, const Tensor& x,
                   const std::vector<float>& gamma, const std::vector<float>& mean,
                   const std::vector<float>& rstd);
};

const std::vector<BatchNormF32Variant>& batchnorm_f32_variants();

// For benchmarks and tests: the float entry points (conv.h, batchnorm.h) run with the
// named variant instead of the dispatch list's choice; an empty name is the
// dispatch list's choice. Throws Error for an unknown name or a variant that
// does not support the layer; otherwise the same checks and messages.
void conv2d_forward_with(const std::string& variant, Tensor& y, const Tensor& x, const Tensor& w,
                         const std::vector<float>& b, const Conv2dParams& p);
void conv2d_backward_data_with(const std::string& variant, Tensor& dx, const Tensor& dy,
                               const Tensor& w, const Shape& input_shape, const Conv2dParams& p);
void conv2d_backward_filter_with(const std::string& variant, Tensor& dw, std::vector<float>& db,
                                 const Tensor& dy, const Tensor& x, const Shape& weight_shape,
                                 const Conv2dParams& p);
void batchnorm_forward_train_f32_with(const std::string& variant, Tensor& y,
                                      std::vector<float>& mean, std::vector<float>& var,
                                      std::vector<float>& rstd, const Tensor& x,
                                      const std::vector<float>& gamma,
                                      const std::vector<float>& beta, const BatchNormParams& p,
                                      std::vector<float>* running_mean = nullptr,
                                      std::vector<float>* running_var = nullptr);
void batchnorm_backward_f32_with(const std::string& variant, Tensor& dx, std::vector<float>& dgamma,
                                 std::vector<float>& dbeta, const Tensor& dy, const Tensor& x,
                                 const std::vector<float>& gamma, const std::vector<float>& mean,
                                 const std::vector<float>& rstd);

// A multiply-add loop on 12 independent f32x4 accumulators (acc = acc * a + b):
// `iterations` x 12 x 4 multiply-adds, the benchmark's measured peak. Returns a
// sum of the accumulators so the loop cannot be optimised away.
float simd_muladd_peak(int iterations);

// The kernels rotated by 180 degrees (what true convolution multiplies with).
template <typename T>
BasicTensor<T> flip_kernels(const BasicTensor<T>& w);

// --- the network layers (layers.h) ---------------------------------------------
// One list per operation, reference first; the float entry points run the last
// variant whose `supports` accepts the layer.
template <typename Fn>
struct LayerVariant {
  const char* name;
  bool (*supports)(const LayerDesc& d);
  Fn run;
};

using ReluF32Fwd = void (*)(Tensor& y, const Tensor& x);
using ReluF32Bwd = void (*)(Tensor& dx, const Tensor& dy, const Tensor& x);
using MaxpoolF32Fwd = void (*)(Tensor& y, std::vector<int32_t>& argmax, const Tensor& x,
                               const Pool2dParams& p);
using MaxpoolF32Bwd = void (*)(Tensor& dx, const Tensor& dy, const std::vector<int32_t>& argmax,
                               const Pool2dParams& p);
using AvgpoolF32Fwd = void (*)(Tensor& y, const Tensor& x, const Pool2dParams& p);
using AvgpoolF32Bwd = void (*)(Tensor& dx, const Tensor& dy, const Pool2dParams& p);
using LinearF32Fwd = void (*)(Tensor& y, const Tensor& x, const Tensor& w,
                              const std::vector<float>& b);
using LinearF32Bwd = void (*)(Tensor& dx, Tensor& dw, std::vector<float>& db, const Tensor& dy,
                              const Tensor& x, const Tensor& w);

const std::vector<LayerVariant<ReluF32Fwd>>& relu_f32_fwd_variants();
const std::vector<LayerVariant<ReluF32Bwd>>& relu_f32_bwd_variants();
const std::vector<LayerVariant<MaxpoolF32Fwd>>& maxpool2d_f32_fwd_variants();
// For tests and benchmarks only, as above: never picked.
const std::vector<LayerVariant<MaxpoolF32Fwd>>& maxpool2d_f32_fwd_unpicked_variants();
const std::vector<LayerVariant<MaxpoolF32Bwd>>& maxpool2d_f32_bwd_variants();
const std::vector<LayerVariant<AvgpoolF32Fwd>>& avgpool2d_f32_fwd_variants();
const std::vector<LayerVariant<AvgpoolF32Bwd>>& avgpool2d_f32_bwd_variants();
const std::vector<LayerVariant<LinearF32Fwd>>& linear_f32_fwd_variants();
const std::vector<LayerVariant<LinearF32Bwd>>& linear_f32_bwd_variants();

}  // namespace convplay::kernels
