// convplay — the one dispatch point for convolution kernels.
//
// Every implementation of a kernel is listed here, reference first, so the
// tests can loop over all of them and the benchmarks can race them. Names say
// what a kernel is (XNNPACK style): data type, operation, tile, then `__` and
// the instruction set. conv2d_forward() and conv2d_backward() (float) run the
// last variant in the list whose `supports` accepts the layer; the reference,
// first, accepts all. The double-precision entry points always run the reference.
#pragma once

#include <vector>

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

const std::vector<Conv2dF32FwdVariant>& conv2d_f32_fwd_variants();
const std::vector<Conv2dF32BwdVariant>& conv2d_f32_bwd_variants();

// --- the network layers (layers.h) ---------------------------------------------
// One list per operation, reference first; the float entry points run the last
// variant whose `supports` accepts the layer.
struct LayerDesc {
  Shape input, output;
  Pool2dParams pool;  // pooling layers only
};

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
const std::vector<LayerVariant<MaxpoolF32Bwd>>& maxpool2d_f32_bwd_variants();
const std::vector<LayerVariant<AvgpoolF32Fwd>>& avgpool2d_f32_fwd_variants();
const std::vector<LayerVariant<AvgpoolF32Bwd>>& avgpool2d_f32_bwd_variants();
const std::vector<LayerVariant<LinearF32Fwd>>& linear_f32_fwd_variants();
const std::vector<LayerVariant<LinearF32Bwd>>& linear_f32_bwd_variants();

}  // namespace convplay::kernels
