// convplay — the reference convolution: plain loops that read like the
// lecture's formula. It is the oracle every faster kernel is tested against,
// and the fallback for shapes a fast kernel does not handle.
//
// Buffer contract: x, w, y, dx, dw hold exactly the elements of their shapes
// (NCHW, row-major); the kernels never read or write outside them.
#pragma once

#include <vector>

#include "convplay/conv.h"

namespace convplay::kernels {

// y (N,K,H2,W2) = sum over c, a, b of x(n, c, i*S + a*D - P, j*S + b*D - P) * w(k, c, a', b') +
// bias(k) with a' = a, b' = b (cross-correlation) or a' = F1-1-a, b' = F2-1-b (convolution: the
// kernel rotated by 180 degrees). Padded coordinates are mapped through pad_source_index. `b` has K
// values or none.
template <typename T>
void conv2d_fwd__ref(BasicTensor<T>& y, const BasicTensor<T>& x, const BasicTensor<T>& w,
                     const std::vector<T>& b, const Conv2dGeometry& g, const Conv2dParams& p);

// The same loops run backwards: every product x * w that made y(n,k,i,j)
// sends dy(n,k,i,j) * w to dx and dy(n,k,i,j) * x to dw. A product whose x
// came from the padding sends its gradient to the pixel the padding copied,
// or nowhere for a zero. dx, dw, db are overwritten.
template <typename T>
void conv2d_bwd__ref(BasicTensor<T>& dx, BasicTensor<T>& dw, std::vector<T>& db,
                     const BasicTensor<T>& dy, const BasicTensor<T>& x, const BasicTensor<T>& w,
                     const Conv2dGeometry& g, const Conv2dParams& p);

}  // namespace convplay::kernels
