// The network layers' entry points: one check each, then the kernel (the
// dispatch list for float, the reference for double).
#include "convplay/layers.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>

#include "convplay/conv.h"
#include "convplay/kernels.h"
#include "dispatch.h"
#include "format.h"
#include "portable/layers_f32.h"
#include "ref/layers_ref.h"
#include "simd/layers_simd128.h"

namespace convplay {
namespace {

template <typename T>
void check_data(const BasicTensor<T>& t, const char* layer, const char* what) {
  const int64_t count = t.shape.count();  // throws for a bad shape
  if (t.size() != count) {
    throw Error(std::string(layer) + ": " + what + " has shape " + t.shape.str() + " (" +
                num(count) + " values) but holds " + num(t.size()) + " values");
  }
}

void check_same(const Shape& a, const Shape& b, const char* layer, const char* what) {
  if (a != b) {
    throw Error(std::string(layer) + ": " + what + " has shape " + a.str() + " but x has shape " +
                b.str());
  }
}

LayerDesc desc(const Shape& in, const Shape& out, Pool2dParams p = {}) {
  return LayerDesc{in, out, p};
}

// Where an entry point writes its result: the caller's tensor itself, its
// storage reused (a warm call of the same layer does not allocate), or
// `spare` when that tensor is also one of the inputs. Shaped s, its values
// unspecified: every variant of every layer writes every value (the variant
// tests poison the outputs first), so nothing is zeroed twice.
template <typename T, typename... In>
BasicTensor<T>& output(BasicTensor<T>& y, BasicTensor<T>& spare, const Shape& s, const In&... in) {
  const bool aliased = ((static_cast<const void*>(&y) == static_cast<const void*>(&in)) || ...);
  BasicTensor<T>& o = aliased ? spare : y;
  o.reset_for_overwrite(s);
  return o;
}

template <typename T>
void finish(BasicTensor<T>& y, BasicTensor<T>& o) {
  if (&o != &y) y = std::move(o);
}

}  // namespace

// --- ReLU ----------------------------------------------------------------------

template <typename T>
void relu_forward(BasicTensor<T>& y, const BasicTensor<T>& x) {
  check_data(x, "relu", "x");
  BasicTensor<T> spare;
  BasicTensor<T>& out = output(y, spare, x.shape, x);
  if constexpr (std::is_same_v<T, float>) {
    kernels::pick_variant(kernels::relu_f32_fwd_variants(), "", desc(x.shape, x.shape)).run(out, x);
  } else {
    kernels::relu_fwd__ref(out, x);
  }
  finish(y, out);
}

template <typename T>
void relu_backward(BasicTensor<T>& dx, const BasicTensor<T>& dy, const BasicTensor<T>& x) {
  check_data(x, "relu", "x");
  check_data(dy, "relu", "dL/dy");
  check_same(dy.shape, x.shape, "relu", "dL/dy");
  BasicTensor<T> spare;
  BasicTensor<T>& out = output(dx, spare, x.shape, dy, x);
  if constexpr (std::is_same_v<T, float>) {
    kernels::pick_variant(kernels::relu_f32_bwd_variants(), "", desc(x.shape, x.shape))
        .run(out, dy, x);
  } else {
    kernels::relu_bwd__ref(out, dy, x);
  }
  finish(dx, out);
}

// --- pooling -------------------------------------------------------------------

Shape pool2d_output_shape(const Shape& input, const Pool2dParams& p) {
  input.count();  // throws for a bad shape
  try {
    const AxisSize h = conv_output_size(input.h, p.size, 0, 1, p.stride, "height");
    const AxisSize w = conv_output_size(input.w, p.size, 0, 1, p.stride, "width");
    return Shape{input.n, input.c, h.size, w.size};
  } catch (const Error& e) {
    throw Error(std::string("pooling ") + num(p.size) + "x" + num(p.size) + " stride " +
                num(p.stride) + ": " + e.what());
  }
}

template <typename T>
void maxpool2d_forward(BasicTensor<T>& y, std::vector<int32_t>& argmax, const BasicTensor<T>& x,
                       const Pool2dParams& p) {
  check_data(x, "max pooling", "x");
  const Shape ys = pool2d_output_shape(x.shape, p);
  if (x.size() > int64_t{INT32_MAX}) throw Error("max pooling: x is too large for int32 indices");
  BasicTensor<T> spare;
  BasicTensor<T>& out = output(y, spare, ys, x);
  argmax.resize(out.data.size());  // every variant writes every index
  if constexpr (std::is_same_v<T, float>) {
    kernels::pick_variant(kernels::maxpool2d_f32_fwd_variants(), "", desc(x.shape, ys, p))
        .run(out, argmax, x, p);
  } else {
    kernels::maxpool2d_fwd__ref(out, argmax, x, p);
  }
  finish(y, out);
}

template <typename T>
void maxpool2d_backward(BasicTensor<T>& dx, const BasicTensor<T>& dy,
                        const std::vector<int32_t>& argmax, const Shape& x_shape,
                        const Pool2dParams& p) {
  const Shape ys = pool2d_output_shape(x_shape, p);
  check_data(dy, "max pooling", "dL/dy");
  if (dy.shape != ys) {
    throw Error("max pooling: dL/dy has shape " + dy.shape.str() + " but the layer's output is " +
                ys.str());
  }
  if (static_cast<int64_t>(argmax.size()) != dy.size()) {
    throw Error("max pooling: arg-max has " + num(static_cast<int64_t>(argmax.size())) +
                " entries but dL/dy has " + num(dy.size()));
  }
  const int64_t count = x_shape.count();
  for (int32_t a : argmax) {
    if (a < 0 || a >= count) {
      throw Error("max pooling: arg-max index " + num(a) + " is outside x (" + num(count) +
                  " values)");
    }
  }
  BasicTensor<T> spare;
  BasicTensor<T>& out = output(dx, spare, x_shape, dy);
  if constexpr (std::is_same_v<T, float>) {
    kernels::pick_variant(kernels::maxpool2d_f32_bwd_variants(), "", desc(x_shape, ys, p))
        .run(out, dy, argmax, p);
  } else {
    kernels::maxpool2d_bwd__ref(out, dy, argmax, p);
  }
  finish(dx, out);
}

template <typename T>
void avgpool2d_forward(BasicTensor<T>& y, const BasicTensor<T>& x, const Pool2dParams& p) {
  check_data(x, "average pooling", "x");
  const Shape ys = pool2d_output_shape(x.shape, p);
  BasicTensor<T> spare;
  BasicTensor<T>& out = output(y, spare, ys, x);
  if constexpr (std::is_same_v<T, float>) {
    kernels::pick_variant(kernels::avgpool2d_f32_fwd_variants(), "", desc(x.shape, ys, p))
        .run(out, x, p);
  } else {
    kernels::avgpool2d_fwd__ref(out, x, p);
  }
  finish(y, out);
}

template <typename T>
void avgpool2d_backward(BasicTensor<T>& dx, const BasicTensor<T>& dy, const Shape& x_shape,
                        const Pool2dParams& p) {
  const Shape ys = pool2d_output_shape(x_shape, p);
  check_data(dy, "average pooling", "dL/dy");
  if (dy.shape != ys) {
    throw Error("average pooling: dL/dy has shape " + dy.shape.str() +
                " but the layer's output is " + ys.str());
  }
  BasicTensor<T> spare;
  BasicTensor<T>& out = output(dx, spare, x_shape, dy);
  if constexpr (std::is_same_v<T, float>) {
    kernels::pick_variant(kernels::avgpool2d_f32_bwd_variants(), "", desc(x_shape, ys, p))
        .run(out, dy, p);
  } else {
    kernels::avgpool2d_bwd__ref(out, dy, p);
  }
  finish(dx, out);
}

// --- flatten + fully connected -----------------------------------------------

namespace {

template <typename T>
Shape check_linear(const BasicTensor<T>& x, const BasicTensor<T>& w) {
  check_data(x, "fully connected", "x");
  check_data(w, "fully connected", "w");
  const int64_t features = int64_t{x.shape.c} * x.shape.h * x.shape.w;
  if (w.shape.h != 1 || w.shape.w != 1 || w.shape.c != features) {
    throw Error("fully connected: w has shape " + w.shape.str() + " but must be K x " +
                num(features) + " x 1 x 1 (the input " + x.shape.str() + " flattens to " +
                num(features) + " features per image)");
  }
  return Shape{x.shape.n, w.shape.n, 1, 1};
}

}  // namespace

template <typename T>
void linear_forward(BasicTensor<T>& y, const BasicTensor<T>& x, const BasicTensor<T>& w,
                    const std::vector<T>& b) {
  const Shape ys = check_linear(x, w);
  if (static_cast<int>(b.size()) != w.shape.n) {
    throw Error("fully connected: bias has " + num(static_cast<int64_t>(b.size())) +
                " values but there are " + num(w.shape.n) + " outputs");
  }
  BasicTensor<T> spare;
  BasicTensor<T>& out = output(y, spare, ys, x, w);
  if constexpr (std::is_same_v<T, float>) {
    kernels::pick_variant(kernels::linear_f32_fwd_variants(), "", desc(x.shape, ys))
        .run(out, x, w, b);
  } else {
    kernels::linear_fwd__ref(out, x, w, b);
  }
  finish(y, out);
}

template <typename T>
void linear_backward(BasicTensor<T>& dx, BasicTensor<T>& dw, std::vector<T>& db,
                     const BasicTensor<T>& dy, const BasicTensor<T>& x, const BasicTensor<T>& w) {
  const Shape ys = check_linear(x, w);
  check_data(dy, "fully connected", "dL/dy");
  if (dy.shape != ys) {
    throw Error("fully connected: dL/dy has shape " + dy.shape.str() +
                " but the layer's output is " + ys.str());
  }
  BasicTensor<T> ox(x.shape), ow(w.shape);
  std::vector<T> ob(static_cast<size_t>(w.shape.n));
  if constexpr (std::is_same_v<T, float>) {
    kernels::pick_variant(kernels::linear_f32_bwd_variants(), "", desc(x.shape, ys))
        .run(ox, ow, ob, dy, x, w);
  } else {
    kernels::linear_bwd__ref(ox, ow, ob, dy, x, w);
  }
  dx = std::move(ox);
  dw = std::move(ow);
  db = std::move(ob);
}

// --- softmax with cross-entropy ---------------------------------------------

namespace {

template <typename T>
void check_softmax(const BasicTensor<T>& logits, const std::vector<int>& labels) {
  check_data(logits, "softmax cross-entropy", "logits");
  if (logits.shape.h != 1 || logits.shape.w != 1) {
    throw Error("softmax cross-entropy: logits have shape " + logits.shape.str() +
                " but must be N x K x 1 x 1 (one score per class)");
  }
  if (static_cast<int>(labels.size()) != logits.shape.n) {
    throw Error("softmax cross-entropy: " + num(static_cast<int64_t>(labels.size())) +
                " labels for a batch of " + num(logits.shape.n));
  }
  for (size_t n = 0; n < labels.size(); ++n) {
    if (labels[n] < 0 || labels[n] >= logits.shape.c) {
      throw Error("softmax cross-entropy: label " + num(labels[n]) + " of image " +
                  num(static_cast<int64_t>(n)) + " is not a class in [0, " + num(logits.shape.c) +
                  ")");
    }
  }
}

}  // namespace

template <typename T>
double softmax_cross_entropy_forward(BasicTensor<T>& probs, const BasicTensor<T>& logits,
                                     const std::vector<int>& labels) {
  check_softmax(logits, labels);
  const size_t N = static_cast<size_t>(logits.shape.n), K = static_cast<size_t>(logits.shape.c);
  BasicTensor<T> p(logits.shape);
  double loss = 0.0;
  for (size_t n = 0; n < N; ++n) {
    const T* z = logits.data.data() + n * K;
    double m = static_cast<double>(z[0]);
    for (size_t k = 1; k < K; ++k) m = std::max(m, static_cast<double>(z[k]));
    double sum = 0.0;
    for (size_t k = 0; k < K; ++k) sum += std::exp(static_cast<double>(z[k]) - m);
    for (size_t k = 0; k < K; ++k) {
      p.data[n * K + k] = static_cast<T>(std::exp(static_cast<double>(z[k]) - m) / sum);
    }
    const size_t y = static_cast<size_t>(labels[n]);
    loss += std::log(sum) - (static_cast<double>(z[y]) - m);
  }
  probs = std::move(p);
  return loss / static_cast<double>(N);
}

template <typename T>
void softmax_cross_entropy_backward(BasicTensor<T>& dlogits, const BasicTensor<T>& probs,
                                    const std::vector<int>& labels) {
  check_softmax(probs, labels);
  const size_t N = static_cast<size_t>(probs.shape.n), K = static_cast<size_t>(probs.shape.c);
  BasicTensor<T> d(probs.shape);
  const T inv_n = T(1) / static_cast<T>(N);
  for (size_t n = 0; n < N; ++n) {
    for (size_t k = 0; k < K; ++k) {
      const T target = static_cast<int>(k) == labels[n] ? T(1) : T(0);
      d.data[n * K + k] = (probs.data[n * K + k] - target) * inv_n;
    }
  }
  dlogits = std::move(d);
}

#define CONVPLAY_INSTANTIATE(T)                                                                    \
  template void relu_forward<T>(BasicTensor<T>&, const BasicTensor<T>&);                           \
  template void relu_backward<T>(BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&);   \
  template void maxpool2d_forward<T>(BasicTensor<T>&, std::vector<int32_t>&,                       \
                                     const BasicTensor<T>&, const Pool2dParams&);                  \
  template void maxpool2d_backward<T>(BasicTensor<T>&, const BasicTensor<T>&,                      \
                                      const std::vector<int32_t>&, const Shape&,                   \
                                      const Pool2dParams&);                                        \
  template void avgpool2d_forward<T>(BasicTensor<T>&, const BasicTensor<T>&, const Pool2dParams&); \
  template void avgpool2d_backward<T>(BasicTensor<T>&, const BasicTensor<T>&, const Shape&,        \
                                      const Pool2dParams&);                                        \
  template void linear_forward<T>(BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&,   \
                                  const std::vector<T>&);                                          \
  template void linear_backward<T>(BasicTensor<T>&, BasicTensor<T>&, std::vector<T>&,              \
                                   const BasicTensor<T>&, const BasicTensor<T>&,                   \
                                   const BasicTensor<T>&);                                         \
  template double softmax_cross_entropy_forward<T>(BasicTensor<T>&, const BasicTensor<T>&,         \
                                                   const std::vector<int>&);                       \
  template void softmax_cross_entropy_backward<T>(BasicTensor<T>&, const BasicTensor<T>&,          \
                                                  const std::vector<int>&);

CONVPLAY_INSTANTIATE(float)
CONVPLAY_INSTANTIATE(double)
#undef CONVPLAY_INSTANTIATE

namespace kernels {

namespace {
bool supports_all(const LayerDesc&) { return true; }
}  // namespace

const std::vector<LayerVariant<ReluF32Fwd>>& relu_f32_fwd_variants() {
  static const std::vector<LayerVariant<ReluF32Fwd>> v = {
      {"relu_f32_fwd__ref", supports_all, relu_fwd__ref<float>},
      {"relu_f32_fwd__simd128", supports_all, relu_f32_fwd__simd128}};
  return v;
}
const std::vector<LayerVariant<ReluF32Bwd>>& relu_f32_bwd_variants() {
  static const std::vector<LayerVariant<ReluF32Bwd>> v = {
      {"relu_f32_bwd__ref", supports_all, relu_bwd__ref<float>},
      {"relu_f32_bwd__simd128", supports_all, relu_f32_bwd__simd128}};
  return v;
}
const std::vector<LayerVariant<MaxpoolF32Fwd>>& maxpool2d_f32_fwd_variants() {
  static const std::vector<LayerVariant<MaxpoolF32Fwd>> v = {
      {"maxpool2d_f32_fwd__ref", supports_all, maxpool2d_fwd__ref<float>},
      {"maxpool2d_f32_fwd_2x2s2__simd128", maxpool2d_2x2s2_supported,
       maxpool2d_f32_fwd_2x2s2__simd128}};
  return v;
}
const std::vector<LayerVariant<MaxpoolF32Bwd>>& maxpool2d_f32_bwd_variants() {
  static const std::vector<LayerVariant<MaxpoolF32Bwd>> v = {
      {"maxpool2d_f32_bwd__ref", supports_all, maxpool2d_bwd__ref<float>}};
  return v;
}
const std::vector<LayerVariant<AvgpoolF32Fwd>>& avgpool2d_f32_fwd_variants() {
  static const std::vector<LayerVariant<AvgpoolF32Fwd>> v = {
      {"avgpool2d_f32_fwd__ref", supports_all, avgpool2d_fwd__ref<float>}};
  return v;
}
const std::vector<LayerVariant<AvgpoolF32Bwd>>& avgpool2d_f32_bwd_variants() {
  static const std::vector<LayerVariant<AvgpoolF32Bwd>> v = {
      {"avgpool2d_f32_bwd__ref", supports_all, avgpool2d_bwd__ref<float>}};
  return v;
}
const std::vector<LayerVariant<LinearF32Fwd>>& linear_f32_fwd_variants() {
  static const std::vector<LayerVariant<LinearF32Fwd>> v = {
      {"linear_f32_fwd__ref", supports_all, linear_fwd__ref<float>},
      {"linear_f32_fwd_4x4__simd128", supports_all, linear_f32_fwd_4x4__simd128}};
  return v;
}
const std::vector<LayerVariant<LinearF32Bwd>>& linear_f32_bwd_variants() {
  static const std::vector<LayerVariant<LinearF32Bwd>> v = {
      {"linear_f32_bwd__ref", supports_all, linear_bwd__ref<float>}};
  return v;
}

}  // namespace kernels
}  // namespace convplay
