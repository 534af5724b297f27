// convplay — the layers of a small CNN beside convolution and batch norm:
// ReLU, max and average pooling, flatten + fully connected, softmax with
// cross-entropy. Each is a forward/backward pair; the forward keeps what the
// backward needs (max pooling's arg-max, softmax's probabilities).
//
// Every entry point validates its arguments once and throws Error naming the
// value and the rule. The float versions run the last variant of the
// dispatch list (kernels.h) that supports the layer; the double versions
// always run the reference (gradient checks).
#pragma once

#include <cstdint>
#include <vector>

#include "convplay/kernel_types.h"
#include "convplay/tensor.h"

namespace convplay {

// --- ReLU ----------------------------------------------------------------------
// y = max(0, x), element-wise; x and y have the same shape.
template <typename T>
void relu_forward(BasicTensor<T>& y, const BasicTensor<T>& x);

// dL/dx = dL/dy where x > 0, else 0 (the subgradient 0 at x = 0).
template <typename T>
void relu_backward(BasicTensor<T>& dx, const BasicTensor<T>& dy, const BasicTensor<T>& x);

// --- pooling -------------------------------------------------------------------
// A F x F window moved by S, no padding, per channel: the output size is the
// convolution's formula, W2 = (W1 - F)/S + 1 (conv_output_size with P = 0,
// D = 1), and the same errors ("kernel 3 is larger than padded width 2 ...").
// Pool2dParams (F, S) is in kernel_types.h.
// x is (N, C, H1, W1) -> y is (N, C, H2, W2).
Shape pool2d_output_shape(const Shape& input, const Pool2dParams& p);

// y(n,c,i,j) = max over the window of x. argmax holds, for every element of
// y, the flat index into x of the window's maximum (the first one on ties).
template <typename T>
void maxpool2d_forward(BasicTensor<T>& y, std::vector<int32_t>& argmax, const BasicTensor<T>& x,
                       const Pool2dParams& p);

// The whole of dL/dy(n,c,i,j) goes to the arg-max of its window; windows that
// overlap (S < F) add up. dx gets shape x_shape.
template <typename T>
void maxpool2d_backward(BasicTensor<T>& dx, const BasicTensor<T>& dy,
                        const std::vector<int32_t>& argmax, const Shape& x_shape,
                        const Pool2dParams& p);

// y(n,c,i,j) = (1/F^2) sum over the window of x.
template <typename T>
void avgpool2d_forward(BasicTensor<T>& y, const BasicTensor<T>& x, const Pool2dParams& p);

// Each x in the window receives dL/dy / F^2.
template <typename T>
void avgpool2d_backward(BasicTensor<T>& dx, const BasicTensor<T>& dy, const Shape& x_shape,
                        const Pool2dParams& p);

// --- flatten + fully connected -----------------------------------------------
// x is (N, C, H, W), read as N rows of D = C*H*W features (flatten, NCHW
// order); w is (K, D, 1, 1); b has K values; y is (N, K, 1, 1):
//   y(n, k) = b(k) + sum_d w(k, d) x(n, d)
template <typename T>
void linear_forward(BasicTensor<T>& y, const BasicTensor<T>& x, const BasicTensor<T>& w,
                    const std::vector<T>& b);

//   dL/dx(n, d) = sum_k dL/dy(n, k) w(k, d)       (shape of x)
//   dL/dw(k, d) = sum_n dL/dy(n, k) x(n, d)
//   dL/db(k)    = sum_n dL/dy(n, k)
template <typename T>
void linear_backward(BasicTensor<T>& dx, BasicTensor<T>& dw, std::vector<T>& db,
                     const BasicTensor<T>& dy, const BasicTensor<T>& x, const BasicTensor<T>& w);

// --- softmax with cross-entropy ---------------------------------------------
// logits is (N, K, 1, 1), labels has N values in [0, K). Numerically stable:
//   p(n, k) = exp(z(n,k) - m_n) / sum_j exp(z(n,j) - m_n),  m_n = max_j z(n,j)
//   loss    = (1/N) sum_n [ log sum_j exp(z(n,j) - m_n) - (z(n,y_n) - m_n) ]
// Returns the mean loss (in double); probs gets p. A non-finite logit gives
// a non-finite loss (the trainer stops on it), never an exception.
template <typename T>
double softmax_cross_entropy_forward(BasicTensor<T>& probs, const BasicTensor<T>& logits,
                                     const std::vector<int>& labels);

// dL/dz(n, k) = (p(n, k) - [k == y_n]) / N.
template <typename T>
void softmax_cross_entropy_backward(BasicTensor<T>& dlogits, const BasicTensor<T>& probs,
                                    const std::vector<int>& labels);

}  // namespace convplay
