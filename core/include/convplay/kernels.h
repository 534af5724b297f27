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

}  // namespace convplay::kernels
