// convplay — bindings only `npm run bench` links (the bench build,
// wasm/CMakeLists.txt: convplay_bench_wasm): the float forward with a named
// kernel and the multiply-add peak loop. The page's module leaves them out.
// Glue only, as bindings.cpp.
#include <emscripten/bind.h>

#include <string>
#include <vector>

#include "convert.h"
#include "convplay/kernels.h"
#include "resident.h"

namespace convplay::wasm {
namespace {

// The float forward with a named kernel ("" for the dispatch list's choice).
val conv2d_forward_with_js(const val& x_shape, const val& x_data, const val& w_shape,
                           const val& w_data, const val& bias, const val& params,
                           const std::string& kernel) {
  return guarded([&] {
    const std::vector<float> b = bias.isNull() ? std::vector<float>() : vector_from_js<float>(bias);
    const TensorArg x(x_shape, x_data), w(w_shape, w_data);
    Tensor y;
    kernels::conv2d_forward_with(kernel, y, *x, *w, b, conv_params_from_js(params));
    return tensor_to_js(y);
  });
}

// The multiply-add peak loop (kernels.h): the bench's measured peak.
double simd_muladd_peak_js(int iterations) {
  return static_cast<double>(kernels::simd_muladd_peak(iterations));
}

}  // namespace
}  // namespace convplay::wasm

EMSCRIPTEN_BINDINGS(convplay_bench) {
  using namespace convplay::wasm;
  emscripten::function("_conv2dForwardWith", &conv2d_forward_with_js);
  emscripten::function("_simdMulAddPeak", &simd_muladd_peak_js);
}
