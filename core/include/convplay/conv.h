// convplay — 2-D convolution over multi-channel volumes (the lecture, §2–§3).
//
// x is (N, C, H1, W1), w is (K, C, F1, F2), b is (K) or empty, y is (N, K, H2, W2).
// A filter's depth always equals the input's depth C: it slides over height
// and width only, and each placement gives one scalar. K filters give K
// feature maps, so D2 = K.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "convplay/kernel_types.h"
#include "convplay/tensor.h"

namespace convplay {

const char* to_string(PadMode m);
const char* to_string(ConvMode m);
PadMode pad_mode_from_string(const std::string& s);    // "zeros" too; throws Error
ConvMode conv_mode_from_string(const std::string& s);  // throws Error

// The one output-size function. `axis` ("width" or "height") is used in the
// error message. Throws Error for stride or kernel or dilation < 1, padding
// < 0, input < 1, or a kernel larger than the padded input.
AxisSize conv_output_size(int64_t in, int64_t kernel, int64_t pad, int64_t dilation, int64_t stride,
                          const char* axis = "width");

// What one request may cost: the output's values (2^26 floats = 256 MiB) and
// the forward pass's multiply-adds (2^33, several seconds in WASM); the
// backward pass costs about twice the forward.
inline constexpr int64_t kMaxConvOutputElements = int64_t{1} << 26;
inline constexpr int64_t kMaxConvMultiplyAdds = int64_t{1} << 33;

// Throws Error naming the values and the rule when: any dimension < 1,
// channel mismatch (weight depth != input depth), stride/kernel/dilation < 1,
// negative padding, reflect padding P >= size, circular padding P > size,
// kernel larger than the padded input, a size whose product overflows, or a
// layer over kMaxConvOutputElements or kMaxConvMultiplyAdds (the message names
// the numbers and what to lower).
Conv2dGeometry conv2d_geometry(const Shape& input, const Shape& weight, const Conv2dParams& p);

// Forward pass. `b` holds K biases or is empty (no bias). y is resized.
void conv2d_forward(Tensor& y, const Tensor& x, const Tensor& w, const std::vector<float>& b,
                    const Conv2dParams& p);

// Backward pass, given dy = dL/dy of shape (N, K, H2, W2):
// dx = dL/dx (N, C, H1, W1), dw = dL/dw (K, C, F1, F2), db = dL/db (K).
// Gradient that lands in the padding is routed back to the input pixel it
// was copied from (replicate, reflect, circular) or dropped (zero).
void conv2d_backward(Tensor& dx, Tensor& dw, std::vector<float>& db, const Tensor& dy,
                     const Tensor& x, const Tensor& w, const Conv2dParams& p);

// One gradient alone, for when only one is wanted (the page's saliency needs
// dx only; a frozen layer needs none of dw). Same rules and messages as
// conv2d_backward; dx gets `input_shape`, dw gets `weight_shape`.
void conv2d_backward_data(Tensor& dx, const Tensor& dy, const Tensor& w, const Shape& input_shape,
                          const Conv2dParams& p);
void conv2d_backward_filter(Tensor& dw, std::vector<float>& db, const Tensor& dy, const Tensor& x,
                            const Shape& weight_shape, const Conv2dParams& p);

// Double-precision versions (same reference code) for gradient checks and for
// the page's exact numbers.
void conv2d_forward(TensorD& y, const TensorD& x, const TensorD& w, const std::vector<double>& b,
                    const Conv2dParams& p);
void conv2d_backward(TensorD& dx, TensorD& dw, std::vector<double>& db, const TensorD& dy,
                     const TensorD& x, const TensorD& w, const Conv2dParams& p);

// Maps a coordinate of the padded input (may be < 0 or >= n, n >= 1) to the input
// coordinate it reads, or -1 for a zero. Used by the kernels and exposed so
// the page draws the padding exactly as the core computes it.
int pad_source_index(int i, int n, PadMode mode);

}  // namespace convplay
