// convplay — float32 kernels of the network layers for their common shapes.
//
// maxpool2d_f32_fwd_2x2s2__scalar: the 2x2 window moved by 2 (every preset),
// unrolled over two input rows at a time. Same arg-max rule as the reference
// (row-major window order, the first maximum wins on ties), so results are
// identical to it.
//
// Buffer contract: reads and writes only inside the tensors.
#pragma once

#include <cstdint>
#include <vector>

#include "convplay/kernel_types.h"

namespace convplay::kernels {

bool maxpool2d_2x2s2_supported(const LayerDesc& d);

void maxpool2d_f32_fwd_2x2s2__scalar(Tensor& y, std::vector<int32_t>& argmax, const Tensor& x,
                                     const Pool2dParams& p);

}  // namespace convplay::kernels
