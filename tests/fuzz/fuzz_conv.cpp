// libFuzzer target: any layer geometry, then forward and backward on it. The
// entry points must accept it or throw convplay::Error; every accepted layer
// runs without a sanitizer report, and the fast kernels agree with the
// reference. Build and run: scripts/fuzz.sh conv [seconds].
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "convplay/conv.h"
#include "convplay/kernels.h"

using namespace convplay;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 13) return 0;
  auto small = [&](size_t i, int lo, int span) { return lo + static_cast<int>(data[i] % span); };
  const Shape xs{small(0, 0, 3), small(1, 0, 4), small(2, 0, 12), small(3, 0, 12)};
  const Shape ws{small(4, 0, 4), small(5, 0, 4), small(6, 0, 6), small(7, 0, 6)};
  Conv2dParams p;
  p.stride_h = small(8, -1, 5);
  p.stride_w = small(8, -1, 5) + (data[12] >> 6) % 2;
  p.pad_h = small(9, -1, 8);
  p.pad_w = small(9, -1, 8) + (data[12] >> 4) % 3;
  p.dilation_h = small(10, -1, 4);
  p.dilation_w = small(10, -1, 4) + (data[12] >> 3) % 2;
  p.pad_mode = static_cast<PadMode>(data[11] % 4);
  p.mode = (data[11] & 4) ? ConvMode::convolution : ConvMode::cross_correlation;
  Conv2dGeometry g;
  try {
    g = conv2d_geometry(xs, ws, p);
  } catch (const Error&) {
    return 0;
  }
  Tensor x(xs), w(ws);
  for (size_t i = 0; i < x.data.size(); ++i)
    x.data[i] = static_cast<float>(data[i % size]) / 64.0f - 2.0f;
  for (size_t i = 0; i < w.data.size(); ++i)
    w.data[i] = static_cast<float>(data[(i * 7) % size]) / 128.0f - 1.0f;
  // The kernels cross-correlate (the entry point flips the kernels first).
  Conv2dParams pk = p;
  pk.mode = ConvMode::cross_correlation;
  const auto& fwd = kernels::conv2d_f32_fwd_variants();
  Tensor ref(g.output);
  fwd.front().run(ref, x, w, {}, g, pk);
  for (const auto& v : fwd) {
    if (!v.supports(g, pk)) continue;
    Tensor y(g.output);
    v.run(y, x, w, {}, g, pk);
    for (size_t i = 0; i < y.data.size(); ++i) {
      if (std::fabs(y.data[i] - ref.data[i]) > 1e-3f * (1.0f + std::fabs(ref.data[i])))
        __builtin_trap();
    }
  }
  Tensor dx, dw;
  std::vector<float> db;
  conv2d_backward(dx, dw, db, ref, x, w, p);
  return 0;
}
