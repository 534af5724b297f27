// convplay — the reference convolution: plain loops that read like the
// lecture's formula. It is the oracle every faster kernel is tested against,
// and the fallback for shapes a fast kernel does not handle.
//
// Every kernel here computes cross-correlation: for true convolution the entry
// points (conv.cpp) rotate the kernels by 180 degrees once, before any kernel
// runs, and rotate dL/dw back afterwards.
//
// Buffer contract: x, w, y, dx, dw hold exactly the elements of their shapes
// (NCHW, row-major); the kernels never read or write outside them.
#pragma once

#include <vector>

#include "convplay/kernel_types.h"

namespace convplay::kernels {

// x is (N,C,H1,W1), w is (K,C,F1,F2), y is (N,K,H2,W2):
// y(n,k,i,j) = bias(k) + sum over c, a, b of x(n, c, i*S + a*D - P, j*S + b*D - P) * w(k, c, a, b),
// padded coordinates mapped through pad_index. `b` has K values or none.
template <typename T>
void conv2d_fwd__ref(BasicTensor<T>& y, const BasicTensor<T>& x, const BasicTensor<T>& w,
                     const std::vector<T>& b, const Conv2dGeometry& g, const Conv2dParams& p);

// The same loops run backwards: every product x * w that made y(n,k,i,j)
// sends dy(n,k,i,j) * w to dx. A product whose x came from the padding sends
// its gradient to the pixel the padding copied, or nowhere for a zero. dx is
// overwritten.
template <typename T>
void conv2d_bwd_data__ref(BasicTensor<T>& dx, const BasicTensor<T>& dy, const BasicTensor<T>& w,
                          const Conv2dGeometry& g, const Conv2dParams& p);

// dw(k,c,a,b) = sum of dy(n,k,i,j) * x(the pixel tap (a,b) read); db(k) = sum of dy(n,k,.,.).
// dw and db are overwritten.
template <typename T>
void conv2d_bwd_filter__ref(BasicTensor<T>& dw, std::vector<T>& db, const BasicTensor<T>& dy,
                            const BasicTensor<T>& x, const Conv2dGeometry& g,
                            const Conv2dParams& p);

// Both of the above.
template <typename T>
void conv2d_bwd__ref(BasicTensor<T>& dx, BasicTensor<T>& dw, std::vector<T>& db,
                     const BasicTensor<T>& dy, const BasicTensor<T>& x, const BasicTensor<T>& w,
                     const Conv2dGeometry& g, const Conv2dParams& p);

}  // namespace convplay::kernels

namespace convplay::kernels {

// The float instances under the names the dispatch list gives them.
void conv2d_f32_fwd__ref(Tensor& y, const Tensor& x, const Tensor& w, const std::vector<float>& b,
                         const Conv2dGeometry& g, const Conv2dParams& p);
void conv2d_f32_bwd__ref(Tensor& dx, Tensor& dw, std::vector<float>& db, const Tensor& dy,
                         const Tensor& x, const Tensor& w, const Conv2dGeometry& g,
                         const Conv2dParams& p);
void conv2d_f32_bwd_data__ref(Tensor& dx, const Tensor& dy, const Tensor& w,
                              const Conv2dGeometry& g, const Conv2dParams& p);
void conv2d_f32_bwd_filter__ref(Tensor& dw, std::vector<float>& db, const Tensor& dy,
                                const Tensor& x, const Conv2dGeometry& g, const Conv2dParams& p);

}  // namespace convplay::kernels
