#include "convplay/conv.h"

#include <string>

#include "convplay/kernels.h"
#include "dispatch.h"
#include "format.h"
#include "pad.h"
#include "portable/conv2d_rows.h"
#include "ref/conv2d_ref.h"
#include "simd/conv2d_igemm.h"

namespace convplay {

const char* to_string(PadMode m) {
  switch (m) {
    case PadMode::zero:
      return "zero";
    case PadMode::replicate:
      return "replicate";
    case PadMode::reflect:
      return "reflect";
    case PadMode::circular:
      return "circular";
  }
  return "?";
}

const char* to_string(ConvMode m) {
  return m == ConvMode::convolution ? "convolution" : "cross-correlation";
}

PadMode pad_mode_from_string(const std::string& s) {
  for (PadMode m : {PadMode::zero, PadMode::replicate, PadMode::reflect, PadMode::circular}) {
    if (s == to_string(m)) return m;
  }
  if (s == "zeros") return PadMode::zero;  // PyTorch's spelling
  throw Error("unknown padding mode '" + s + "' (zero or zeros, replicate, reflect or circular)");
}

ConvMode conv_mode_from_string(const std::string& s) {
  if (s == "cross-correlation") return ConvMode::cross_correlation;
  if (s == "convolution") return ConvMode::convolution;
  throw Error("unknown convolution mode '" + s + "' (cross-correlation or convolution)");
}

int pad_source_index(int i, int n, PadMode mode) {
  if (n < 1) throw Error("size " + std::to_string(n) + " must be at least 1");
  return pad_index(i, n, mode);
}

namespace {

// Larger values are refused before any arithmetic, so nothing below overflows.
constexpr int64_t kMaxDim = int64_t{1} << 24;

void require_range(int64_t v, int64_t lo, const char* what, const char* axis) {
  if (v < lo) {
    throw Error(std::string(what) + " " + num(v) + " (" + axis + ") must be at least " + num(lo));
  }
  if (v > kMaxDim) {
    throw Error(std::string(what) + " " + num(v) + " (" + axis + ") is too large (at most " +
                num(kMaxDim) + ")");
  }
}

}  // namespace

AxisSize conv_output_size(int64_t in, int64_t kernel, int64_t pad, int64_t dilation, int64_t stride,
                          const char* axis) {
  require_range(in, 1, "input size", axis);
  require_range(kernel, 1, "kernel size", axis);
  require_range(pad, 0, "padding", axis);
  require_range(dilation, 1, "dilation", axis);
  require_range(stride, 1, "stride", axis);

  const int64_t effective = dilation * (kernel - 1) + 1;
  const int64_t padded = in + 2 * pad;
  if (effective > padded) {
    std::string k = dilation == 1 ? "kernel " + num(kernel)
                                  : "dilated kernel " + num(effective) + " (" + num(kernel) +
                                        " taps, dilation " + num(dilation) + ")";
    throw Error(k + " is larger than padded " + axis + " " + num(in) + " + 2*" + num(pad) + " = " +
                num(padded));
  }
  AxisSize s;
  s.size = static_cast<int>((padded - effective) / stride + 1);
  s.remainder = static_cast<int>((padded - effective) % stride);
  s.exact = s.remainder == 0;
  s.effective_kernel = static_cast<int>(effective);
  return s;
}

Conv2dGeometry conv2d_geometry(const Shape& input, const Shape& weight, const Conv2dParams& p) {
  const struct {
    int v;
    const char* what;
  } dims[] = {{input.n, "batch size N"},         {input.c, "input depth D1"},
              {input.h, "input height H1"},      {input.w, "input width W1"},
              {weight.n, "number of filters K"}, {weight.c, "filter depth"},
              {weight.h, "kernel height F1"},    {weight.w, "kernel width F2"}};
  for (const auto& d : dims) {
    if (d.v < 1) throw Error(std::string(d.what) + " is " + num(d.v) + ", it must be at least 1");
  }
  if (weight.c != input.c) {
    throw Error("filter depth " + num(weight.c) + " does not match input depth " + num(input.c) +
                " (a filter always spans every input channel)");
  }
  if (p.pad_mode == PadMode::reflect) {
    if (p.pad_h >= input.h || p.pad_w >= input.w) {
      const bool h = p.pad_h >= input.h;
      throw Error("reflect padding " + num(h ? p.pad_h : p.pad_w) + " must be smaller than input " +
                  (h ? "height " : "width ") + num(h ? input.h : input.w) +
                  " (a reflection cannot reach past the opposite edge)");
    }
  }
  if (p.pad_mode == PadMode::circular) {
    if (p.pad_h > input.h || p.pad_w > input.w) {
      const bool h = p.pad_h > input.h;
      throw Error("circular padding " + num(h ? p.pad_h : p.pad_w) + " must not exceed input " +
                  (h ? "height " : "width ") + num(h ? input.h : input.w) +
                  " (it wraps the image around once at most)");
    }
  }
  Conv2dGeometry g;
  g.input = input;
  g.weight = weight;
  g.h = conv_output_size(input.h, weight.h, p.pad_h, p.dilation_h, p.stride_h, "height");
  g.w = conv_output_size(input.w, weight.w, p.pad_w, p.dilation_w, p.stride_w, "width");
  g.output = Shape{input.n, weight.n, g.h.size, g.w.size};
  input.count();  // each throws Error when its product passes the limit
  g.weight_count = weight.count();
  g.bias_count = weight.n;
  // Each factor is at most kMaxDim = 2^24 and each product of two is checked
  // before the next, so nothing below overflows 64 bits.
  const int64_t out_count = int64_t{input.n} * weight.n * g.h.size * g.w.size;
  if (out_count > kMaxConvOutputElements) {
    throw Error("the output " + g.output.str() + " would hold " + num(out_count) +
                " values, more than the limit of " + num(kMaxConvOutputElements) +
                " per request: lower the padding (" + num(p.pad_h) + ", " + num(p.pad_w) +
                "), the input size, the batch or the number of filters, or raise the stride");
  }
  const int64_t taps = g.weight_count / weight.n;  // C*F1*F2
  g.multiply_adds = out_count * taps;
  if (g.multiply_adds > kMaxConvMultiplyAdds) {
    throw Error("the layer needs " + num(g.multiply_adds) + " multiply-adds (" + num(out_count) +
                " outputs x " + num(taps) + " taps C*F1*F2), more than the limit of " +
                num(kMaxConvMultiplyAdds) +
                " per request: lower the input size, the batch, the number of filters, the "
                "depth or the kernel size, or raise the stride");
  }
  return g;
}

namespace {

template <typename T>
Conv2dGeometry check_forward(const BasicTensor<T>& x, const BasicTensor<T>& w,
                             const std::vector<T>& b, const Conv2dParams& p) {
  Conv2dGeometry g = conv2d_geometry(x.shape, w.shape, p);
  if (x.size() != x.shape.count())
    throw Error("input data does not match its shape " + x.shape.str());
  if (w.size() != w.shape.count())
    throw Error("weight data does not match its shape " + w.shape.str());
  if (!b.empty() && static_cast<int>(b.size()) != w.shape.n) {
    throw Error("bias has " + num(static_cast<int64_t>(b.size())) + " values but there are " +
                num(w.shape.n) + " filters");
  }
  return g;
}

template <typename T>
Conv2dGeometry check_backward(const BasicTensor<T>& dy, const BasicTensor<T>& x,
                              const BasicTensor<T>& w, const Conv2dParams& p) {
  Conv2dGeometry g = check_forward(x, w, std::vector<T>{}, p);
  if (dy.shape != g.output || dy.size() != g.output.count()) {
    throw Error("dL/dy has shape " + dy.shape.str() + " but the layer's output is " +
                g.output.str());
  }
  return g;
}

template <typename T>
Conv2dGeometry prepare_backward(BasicTensor<T>& dx, BasicTensor<T>& dw, std::vector<T>& db,
                                const BasicTensor<T>& dy, const BasicTensor<T>& x,
                                const BasicTensor<T>& w, const Conv2dParams& p) {
  const Conv2dGeometry g = check_backward(dy, x, w, p);
  dx.reset_for_overwrite(g.input);  // every variant writes every value
  dw.reset_for_overwrite(g.weight);
  db.assign(static_cast<size_t>(g.weight.n), T(0));
  return g;
}

template <typename T>
void check_data(const BasicTensor<T>& t, const char* what) {
  if (t.size() != t.shape.count())
    throw Error(std::string(what) + " data does not match its shape " + t.shape.str());
}

void check_dy(const Tensor& dy, const Conv2dGeometry& g) {
  if (dy.shape != g.output || dy.size() != g.output.count()) {
    throw Error("dL/dy has shape " + dy.shape.str() + " but the layer's output is " +
                g.output.str());
  }
}

// What the kernels multiply with: w itself for cross-correlation, or w
// rotated once (into `store`) for true convolution. Kernels then only
// cross-correlate.
template <typename T>
const BasicTensor<T>& kernel_weights(const BasicTensor<T>& w, const Conv2dParams& p,
                                     BasicTensor<T>& store) {
  if (p.mode == ConvMode::cross_correlation) return w;
  store = kernels::flip_kernels(w);
  return store;
}

Conv2dParams correlating(Conv2dParams p) {
  p.mode = ConvMode::cross_correlation;
  return p;
}

// dL/dw of the rotated kernels, rotated back.
template <typename T>
void unflip(BasicTensor<T>& dw, const Conv2dParams& p) {
  if (p.mode == ConvMode::convolution) dw = kernels::flip_kernels(dw);
}

}  // namespace

void conv2d_forward(Tensor& y, const Tensor& x, const Tensor& w, const std::vector<float>& b,
                    const Conv2dParams& p) {
  kernels::conv2d_forward_with("", y, x, w, b, p);
}

void kernels::conv2d_forward_with(const std::string& variant, Tensor& y, const Tensor& x,
                                  const Tensor& w, const std::vector<float>& b,
                                  const Conv2dParams& p) {
  const Conv2dGeometry g = check_forward(x, w, b, p);
  const Conv2dParams pk = correlating(p);
  const auto& v = pick_variant(conv2d_f32_fwd_variants(), variant, g, pk);
  // its storage reused (a warm call of the same layer does not allocate), not
  // zeroed: every variant writes every value
  y.reset_for_overwrite(g.output);
  Tensor flipped;
  v.run(y, x, kernel_weights(w, p, flipped), b, g, pk);
}

void conv2d_forward(TensorD& y, const TensorD& x, const TensorD& w, const std::vector<double>& b,
                    const Conv2dParams& p) {
  const Conv2dGeometry g = check_forward(x, w, b, p);
  y = TensorD(g.output);
  TensorD flipped;
  kernels::conv2d_fwd__ref(y, x, kernel_weights(w, p, flipped), b, g, correlating(p));
}

void conv2d_backward(Tensor& dx, Tensor& dw, std::vector<float>& db, const Tensor& dy,
                     const Tensor& x, const Tensor& w, const Conv2dParams& p) {
  const Conv2dGeometry g = prepare_backward(dx, dw, db, dy, x, w, p);
  Tensor flipped;
  const Conv2dParams pk = correlating(p);
  kernels::pick_variant(kernels::conv2d_f32_bwd_variants(), "", g, pk)
      .run(dx, dw, db, dy, x, kernel_weights(w, p, flipped), g, pk);
  unflip(dw, p);
}

void conv2d_backward(TensorD& dx, TensorD& dw, std::vector<double>& db, const TensorD& dy,
                     const TensorD& x, const TensorD& w, const Conv2dParams& p) {
  const Conv2dGeometry g = prepare_backward(dx, dw, db, dy, x, w, p);
  TensorD flipped;
  kernels::conv2d_bwd__ref(dx, dw, db, dy, x, kernel_weights(w, p, flipped), g, correlating(p));
  unflip(dw, p);
}

void conv2d_backward_data(Tensor& dx, const Tensor& dy, const Tensor& w, const Shape& input_shape,
                          const Conv2dParams& p) {
  kernels::conv2d_backward_data_with("", dx, dy, w, input_shape, p);
}

void kernels::conv2d_backward_data_with(const std::string& variant, Tensor& dx, const Tensor& dy,
                                        const Tensor& w, const Shape& input_shape,
                                        const Conv2dParams& p) {
  const Conv2dGeometry g = conv2d_geometry(input_shape, w.shape, p);
  check_data(w, "weight");
  check_dy(dy, g);
  const Conv2dParams pk = correlating(p);
  const auto& v = pick_variant(conv2d_f32_bwd_data_variants(), variant, g, pk);
  dx.reset_for_overwrite(g.input);  // every variant writes every value
  Tensor flipped;
  v.run(dx, dy, kernel_weights(w, p, flipped), g, pk);
}

void conv2d_backward_filter(Tensor& dw, std::vector<float>& db, const Tensor& dy, const Tensor& x,
                            const Shape& weight_shape, const Conv2dParams& p) {
  kernels::conv2d_backward_filter_with("", dw, db, dy, x, weight_shape, p);
}

void kernels::conv2d_backward_filter_with(const std::string& variant, Tensor& dw,
                                          std::vector<float>& db, const Tensor& dy, const Tensor& x,
                                          const Shape& weight_shape, const Conv2dParams& p) {
  const Conv2dGeometry g = conv2d_geometry(x.shape, weight_shape, p);
  check_data(x, "input");
  check_dy(dy, g);
  const Conv2dParams pk = correlating(p);
  const auto& v = pick_variant(conv2d_f32_bwd_filter_variants(), variant, g, pk);
  dw.reset_for_overwrite(g.weight);  // every variant writes every value
  db.assign(static_cast<size_t>(g.weight.n), 0.0f);
  v.run(dw, db, dy, x, g, pk);
  unflip(dw, p);
}

namespace kernels {

template <typename T>
BasicTensor<T> flip_kernels(const BasicTensor<T>& w) {
  const Shape& s = w.shape;
  BasicTensor<T> out(s);
  for (int k = 0; k < s.n; ++k)
    for (int c = 0; c < s.c; ++c)
      for (int a = 0; a < s.h; ++a)
        for (int b = 0; b < s.w; ++b) out.at(k, c, a, b) = w.at(k, c, s.h - 1 - a, s.w - 1 - b);
  return out;
}

template Tensor flip_kernels<float>(const Tensor&);
template TensorD flip_kernels<double>(const TensorD&);

namespace {
bool supports_all(const Conv2dGeometry&, const Conv2dParams&) { return true; }
}  // namespace

const std::vector<Conv2dF32FwdVariant>& conv2d_f32_fwd_variants() {
  static const std::vector<Conv2dF32FwdVariant> variants = {
      {"conv2d_f32_fwd__ref", supports_all, conv2d_f32_fwd__ref},
      {"conv2d_f32_fwd_rows__auto", conv2d_rows_supported, conv2d_f32_fwd_rows__auto},
      {"conv2d_f32_fwd_igemm_4x8__simd128", conv2d_igemm_supported,
       conv2d_f32_fwd_igemm_4x8__simd128},
  };
  return variants;
}

const std::vector<Conv2dF32BwdVariant>& conv2d_f32_bwd_variants() {
  static const std::vector<Conv2dF32BwdVariant> variants = {
      {"conv2d_f32_bwd__ref", supports_all, conv2d_f32_bwd__ref},
      {"conv2d_f32_bwd_rows__auto", conv2d_rows_supported, conv2d_f32_bwd_rows__auto},
      {"conv2d_f32_bwd_igemm__simd128", conv2d_igemm_supported, conv2d_f32_bwd_igemm__simd128},
  };
  return variants;
}

const std::vector<Conv2dF32BwdDataVariant>& conv2d_f32_bwd_data_variants() {
  static const std::vector<Conv2dF32BwdDataVariant> variants = {
      {"conv2d_f32_bwd_data__ref", supports_all, conv2d_f32_bwd_data__ref},
      {"conv2d_f32_bwd_data_igemm_4x8__simd128", conv2d_igemm_supported,
       conv2d_f32_bwd_data_igemm_4x8__simd128},
  };
  return variants;
}

const std::vector<Conv2dF32BwdFilterVariant>& conv2d_f32_bwd_filter_variants() {
  static const std::vector<Conv2dF32BwdFilterVariant> variants = {
      {"conv2d_f32_bwd_filter__ref", supports_all, conv2d_f32_bwd_filter__ref},
      {"conv2d_f32_bwd_filter_dot_4x2__simd128", conv2d_igemm_supported,
       conv2d_f32_bwd_filter_dot_4x2__simd128},
  };
  return variants;
}

}  // namespace kernels

}  // namespace convplay
