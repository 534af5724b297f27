// convplay — the types the kernels are written against: a layer's parameters
// and validated geometry, and the tensor they read and write.
//
// The lowest header of the core's layers (as XNNPACK's microparams.h sits
// under its micro-kernels): the kernels (core/src/ref, core/src/simd,
// core/src/portable) include this header and no other of convplay/; the
// operators (conv.h, layers.h, batchnorm.h) include it and validate their
// arguments into these types before they pick a kernel (kernels.h).
#pragma once

#include <cstdint>

#include "convplay/tensor.h"

namespace convplay {

// How the input is extended beyond its border (lecture §3; week 1).
enum class PadMode {
  zero,       // 0 0 | a b c | 0 0
  replicate,  // a a | a b c | c c
  reflect,    // c b | a b c | b a   (edge not repeated; needs P < size)
  circular,   // b c | a b c | a b   (wrap around; needs P <= size)
};

// What the layer computes.
enum class ConvMode {
  cross_correlation,  // y(i,j) = sum x(i*S + a*D, j*S + b*D) w(a, b): what CNN libraries compute
  convolution,        // the kernel rotated by 180 degrees first: the lecture's true convolution
};

struct Conv2dParams {
  int stride_h = 1, stride_w = 1;      // S, per axis
  int pad_h = 0, pad_w = 0;            // P, rows/columns added on each side
  int dilation_h = 1, dilation_w = 1;  // D: the kernel's taps are D pixels apart
  PadMode pad_mode = PadMode::zero;
  ConvMode mode = ConvMode::cross_correlation;
};

// One axis of the output-size formula
//   out = floor((in + 2P - (D*(F-1)+1)) / S) + 1
// which for D = 1 is the lecture's W2 = (W1 - F + 2P)/S + 1.
struct AxisSize {
  int size = 0;              // out
  bool exact = true;         // (in + 2P - effective kernel) is a multiple of S
  int remainder = 0;         // the part the floor drops, (in + 2P - Fe) mod S
  int effective_kernel = 0;  // D*(F-1)+1
};

// The whole layer's geometry, validated: this is the single check every
// convolution entry point runs first.
struct Conv2dGeometry {
  Shape input;   // (N, C, H1, W1)
  Shape weight;  // (K, C, F1, F2)
  Shape output;  // (N, K, H2, W2)
  AxisSize h, w;
  int64_t weight_count = 0;   // F1*F2*C*K
  int64_t bias_count = 0;     // K
  int64_t multiply_adds = 0;  // N*K*H2*W2 * C*F1*F2, the forward pass's work
};

// A pooling window: F x F, moved by S, no padding.
struct Pool2dParams {
  int size = 2;    // F
  int stride = 2;  // S
};

// What a layer kernel's `supports` sees: the validated shapes (and the
// pooling window for pooling layers).
struct LayerDesc {
  Shape input, output;
  Pool2dParams pool;  // pooling layers only
};

}  // namespace convplay
