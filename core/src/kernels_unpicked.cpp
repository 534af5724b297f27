// convplay — the variants the dispatch never picks, for tests and benchmarks
// (kernels.h): other tiles of the kernels the dispatch lists run, each behind
// one with the same `supports`. In a file of its own so that the page's
// module, which never names these lists, does not link them.
#include "convplay/kernels.h"
#include "portable/layers_f32.h"
#include "simd/conv2d_igemm.h"

namespace convplay::kernels {

const std::vector<Conv2dF32FwdVariant>& conv2d_f32_fwd_unpicked_variants() {
  static const std::vector<Conv2dF32FwdVariant> variants = {
      {"conv2d_f32_fwd_igemm_4x12__simd128", conv2d_igemm_supported,
       conv2d_f32_fwd_igemm_4x12__simd128},
  };
  return variants;
}

const std::vector<Conv2dF32BwdDataVariant>& conv2d_f32_bwd_data_unpicked_variants() {
  static const std::vector<Conv2dF32BwdDataVariant> variants = {
      {"conv2d_f32_bwd_data_igemm_4x12__simd128", conv2d_igemm_supported,
       conv2d_f32_bwd_data_igemm_4x12__simd128},
  };
  return variants;
}

const std::vector<Conv2dF32BwdFilterVariant>& conv2d_f32_bwd_filter_unpicked_variants() {
  static const std::vector<Conv2dF32BwdFilterVariant> variants = {
      {"conv2d_f32_bwd_filter_dot_4x3__simd128", conv2d_igemm_supported,
       conv2d_f32_bwd_filter_dot_4x3__simd128},
      {"conv2d_f32_bwd_filter_dot_2x4__simd128", conv2d_igemm_supported,
       conv2d_f32_bwd_filter_dot_2x4__simd128},
  };
  return variants;
}

const std::vector<LayerVariant<MaxpoolF32Fwd>>& maxpool2d_f32_fwd_unpicked_variants() {
  static const std::vector<LayerVariant<MaxpoolF32Fwd>> v = {{"maxpool2d_f32_fwd_2x2s2__scalar",
                                                              maxpool2d_2x2s2_supported,
                                                              maxpool2d_f32_fwd_2x2s2__scalar}};
  return v;
}

}  // namespace convplay::kernels
