// The multiply-add peak of the 4-lane vectors, for `npm run bench`: the
// highest rate a kernel built from f32x4 multiplies and adds can reach here.
#include "simd/peak.h"

#include "simd/vec.h"

namespace convplay::kernels {

float simd_muladd_peak(int iterations) {
  using simd::f32x4;
  using simd::splat;
  const f32x4 a = splat(0.999f), b = splat(0.001f);
  f32x4 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = splat(static_cast<float>(i));
  for (int it = 0; it < iterations; ++it) {
    for (int i = 0; i < 12; ++i) acc[i] = acc[i] * a + b;
  }
  f32x4 sum = splat(0);
  for (int i = 0; i < 12; ++i) sum = sum + acc[i];
  return simd::hsum(sum);
}

}  // namespace convplay::kernels
