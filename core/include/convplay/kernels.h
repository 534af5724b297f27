// convplay — the one dispatch point for convolution kernels.
//
// Every implementation of a kernel is listed here, reference first, so the
// tests can loop over all of them and the benchmarks can race them. Names say
// what a kernel is (XNNPACK style): data type, operation, tile, then `__` and
// the instruction set. conv2d_forward() runs the first variant, from the end
// of the list, whose `supports` accepts the layer; the reference accepts all.
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

const std::vector<Conv2dF32FwdVariant>& conv2d_f32_fwd_variants();

}  // namespace convplay::kernels
