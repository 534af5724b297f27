// convplay — the reference kernels of the network layers (layers.h): plain
// loops that read like the formulas. They are the oracle every faster kernel
// is tested against and the fallback for shapes a fast kernel does not take.
//
// Shapes are validated by the entry points (core/src/layers.cpp); the kernels
// only assert. Outputs are sized by the caller and overwritten.
//
// Buffer contract: every tensor holds exactly the elements of its shape
// (NCHW, row-major); nothing is read or written outside it.
#pragma once

#include <cstdint>
#include <vector>

#include "convplay/kernel_types.h"

namespace convplay::kernels {

template <typename T>
void relu_fwd__ref(BasicTensor<T>& y, const BasicTensor<T>& x);
template <typename T>
void relu_bwd__ref(BasicTensor<T>& dx, const BasicTensor<T>& dy, const BasicTensor<T>& x);

// y is sized (N, C, H2, W2), argmax has y's element count.
template <typename T>
void maxpool2d_fwd__ref(BasicTensor<T>& y, std::vector<int32_t>& argmax, const BasicTensor<T>& x,
                        const Pool2dParams& p);
// dx is sized like x and zeroed by the kernel.
template <typename T>
void maxpool2d_bwd__ref(BasicTensor<T>& dx, const BasicTensor<T>& dy,
                        const std::vector<int32_t>& argmax, const Pool2dParams& p);

template <typename T>
void avgpool2d_fwd__ref(BasicTensor<T>& y, const BasicTensor<T>& x, const Pool2dParams& p);
template <typename T>
void avgpool2d_bwd__ref(BasicTensor<T>& dx, const BasicTensor<T>& dy, const Pool2dParams& p);

// y (N, K, 1, 1), x (N, D flattened), w (K, D, 1, 1), b K values.
template <typename T>
void linear_fwd__ref(BasicTensor<T>& y, const BasicTensor<T>& x, const BasicTensor<T>& w,
                     const std::vector<T>& b);
// dx, dw, db sized by the caller; overwritten.
template <typename T>
void linear_bwd__ref(BasicTensor<T>& dx, BasicTensor<T>& dw, std::vector<T>& db,
                     const BasicTensor<T>& dy, const BasicTensor<T>& x, const BasicTensor<T>& w);

}  // namespace convplay::kernels
