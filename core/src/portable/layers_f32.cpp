#include "portable/layers_f32.h"

#include <cassert>
#include <cstddef>

namespace convplay::kernels {

bool maxpool2d_2x2s2_supported(const LayerDesc& d) {
  return d.pool.size == 2 && d.pool.stride == 2;
}

void maxpool2d_f32_fwd_2x2s2__scalar(Tensor& y, std::vector<int32_t>& argmax, const Tensor& x,
                                     const Pool2dParams& p) {
  assert(p.size == 2 && p.stride == 2);
  (void)p;
  const Shape& xs = x.shape;
  const Shape& ys = y.shape;
  const size_t W = static_cast<size_t>(xs.w);
  float* out = y.data.data();
  int32_t* arg = argmax.data();
  for (int plane = 0; plane < ys.n * ys.c; ++plane) {
    const size_t base = static_cast<size_t>(plane) * static_cast<size_t>(xs.h) * W;
    for (int i = 0; i < ys.h; ++i) {
      const size_t r0 = base + static_cast<size_t>(2 * i) * W;
      const size_t r1 = r0 + W;
      const float* x0 = x.data.data() + r0;
      const float* x1 = x.data.data() + r1;
      for (int j = 0; j < ys.w; ++j) {
        const size_t c = static_cast<size_t>(2 * j);
        size_t best = r0 + c;
        float v = x0[c];
        if (x0[c + 1] > v) v = x0[c + 1], best = r0 + c + 1;
        if (x1[c] > v) v = x1[c], best = r1 + c;
        if (x1[c + 1] > v) v = x1[c + 1], best = r1 + c + 1;
        *out++ = v;
        *arg++ = static_cast<int32_t>(best);
      }
    }
  }
}

}  // namespace convplay::kernels
