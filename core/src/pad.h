// convplay — the padding map for the kernels' inner loops.
//
// pad_index is pad_source_index (convplay/conv.h) without its check: the
// entry points validate the sizes once (conv2d_geometry), the loops call
// this inline version, which only asserts.
#pragma once

#include <cassert>

#include "convplay/kernel_types.h"

namespace convplay {

// The input coordinate that padded coordinate i (may be < 0 or >= n) reads,
// or -1 for a zero. n >= 1.
inline int pad_index(int i, int n, PadMode mode) {
  assert(n >= 1);
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case PadMode::zero:
      return -1;
    case PadMode::replicate:
      return i < 0 ? 0 : n - 1;
    case PadMode::reflect: {
      if (n == 1) return 0;
      const int period = 2 * (n - 1);
      int r = i % period;
      if (r < 0) r += period;
      return r < n ? r : period - r;
    }
    case PadMode::circular: {
      const int r = i % n;
      return r < 0 ? r + n : r;
    }
  }
  return -1;
}

}  // namespace convplay
