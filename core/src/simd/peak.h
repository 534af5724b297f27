// convplay — the multiply-add peak loop of `npm run bench` (declared for the
// bindings in convplay/kernels.h as well).
#pragma once

namespace convplay::kernels {

// A multiply-add loop on 12 independent f32x4 accumulators (acc = acc * a + b):
// `iterations` x 12 x 4 multiply-adds. Returns a sum of the accumulators so the
// loop cannot be optimised away.
float simd_muladd_peak(int iterations);

}  // namespace convplay::kernels
