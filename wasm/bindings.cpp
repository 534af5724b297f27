// convplay — the Embind layer: raw `_`-prefixed functions over the core.
//
// Glue only: each function converts its arguments (convert.h), calls the
// core, and converts the result. Every function returns a JavaScript object;
// on failure it is {error: message} with the core's message (no C++ or
// JavaScript exception crosses the boundary). The friendly API on top is
// wasm/js/convplay_wrap.mjs, which type-checks arguments first and throws
// the errors as JavaScript Errors.
//
// Ownership: inputs are copied into the WASM heap for the duration of one
// call; results are copied out into fresh typed arrays, so nothing the
// caller receives points into the heap and there is nothing to delete.
#include <emscripten/bind.h>
#include <emscripten/heap.h>
#include <malloc.h>

#include <cstdint>
#include <string>
#include <vector>

#include "convert.h"
#include "convplay/convplay.h"
#include "convplay/kernels.h"
#include "resident.h"

namespace convplay::wasm {
namespace {

// (in, kernel, pad, dilation, stride): doubles holding integers (the wrapper
// checks they are safe integers), passed on as the core's int64 arguments.
val conv_output_size_js(double in, double kernel, double pad, double dilation, double stride,
                        const std::string& axis) {
  return guarded([&] {
    return axis_size_to_js(conv_output_size(
        static_cast<int64_t>(in), static_cast<int64_t>(kernel), static_cast<int64_t>(pad),
        static_cast<int64_t>(dilation), static_cast<int64_t>(stride), axis.c_str()));
  });
}

val conv2d_geometry_js(const val& input_shape, const val& weight_shape, const val& params) {
  return guarded([&] {
    return geometry_to_js(conv2d_geometry(shape_from_js(input_shape), shape_from_js(weight_shape),
                                          conv_params_from_js(params)));
  });
}

// x (N,C,H1,W1), w (K,C,F1,F2), bias (K values, or null for none) -> y (N,K,H2,W2).
template <typename T>
val conv2d_forward_js(const val& x_shape, const val& x_data, const val& w_shape, const val& w_data,
                      const val& bias, const val& params) {
  return guarded([&] {
    const BasicTensor<T> x = tensor_from_js<T>(x_shape, x_data);
    const BasicTensor<T> w = tensor_from_js<T>(w_shape, w_data);
    const std::vector<T> b = bias.isNull() ? std::vector<T>() : vector_from_js<T>(bias);
    BasicTensor<T> y;
    conv2d_forward(y, x, w, b, conv_params_from_js(params));
    return tensor_to_js(y);
  });
}

// dy (N,K,H2,W2), x, w -> {dx (N,C,H1,W1), dw (K,C,F1,F2), db (K)}.
template <typename T>
val conv2d_backward_js(const val& dy_shape, const val& dy_data, const val& x_shape,
                       const val& x_data, const val& w_shape, const val& w_data,
                       const val& params) {
  return guarded([&] {
    const BasicTensor<T> dy = tensor_from_js<T>(dy_shape, dy_data);
    const BasicTensor<T> x = tensor_from_js<T>(x_shape, x_data);
    const BasicTensor<T> w = tensor_from_js<T>(w_shape, w_data);
    BasicTensor<T> dx, dw;
    std::vector<T> db;
    conv2d_backward(dx, dw, db, dy, x, w, conv_params_from_js(params));
    val o = val::object();
    o.set("dx", tensor_to_js(dx));
    o.set("dw", tensor_to_js(dw));
    o.set("db", vector_to_js(db));
    return o;
  });
}

// Float32 versions: every tensor argument is a resident tensor's id or
// (shape, data) (resident.h); every tensor result goes where its `out` says
// (0: a copy for JavaScript, -1: a new resident tensor, id: that one).

// x, w, bias (K values, or null) -> y.
val conv2d_forward32_js(const val& x_shape, const val& x_data, const val& w_shape,
                        const val& w_data, const val& bias, const val& params, int out) {
  return guarded([&] {
    const TensorArg x(x_shape, x_data), w(w_shape, w_data);
    const std::vector<float> b = bias.isNull() ? std::vector<float>() : vector_from_js<float>(bias);
    TensorOut y(out);
    conv2d_forward(y.tensor(), *x, *w, b, conv_params_from_js(params));
    return y.to_js();
  });
}

// dy, x, w -> {dx, dw, db}.
val conv2d_backward32_js(const val& dy_shape, const val& dy_data, const val& x_shape,
                         const val& x_data, const val& w_shape, const val& w_data,
                         const val& params, int dx_out, int dw_out) {
  return guarded([&] {
    const TensorArg dy(dy_shape, dy_data), x(x_shape, x_data), w(w_shape, w_data);
    TensorOut dx(dx_out), dw(dw_out);
    std::vector<float> db;
    conv2d_backward(dx.tensor(), dw.tensor(), db, *dy, *x, *w, conv_params_from_js(params));
    val o = val::object();
    o.set("dx", dx.to_js());
    o.set("dw", dw.to_js());
    o.set("db", vector_to_js(db));
    return o;
  });
}

// dL/dx alone: dy (N,K,H2,W2), w, the input's shape -> dx (N,C,H1,W1).
// `kernel` names a variant of the dispatch list, or "" for its choice.
val conv2d_backward_data_js(const val& dy_shape, const val& dy_data, const val& w_shape,
                            const val& w_data, const val& x_shape, const val& params,
                            const std::string& kernel, int out) {
  return guarded([&] {
    const TensorArg dy(dy_shape, dy_data), w(w_shape, w_data);
    TensorOut dx(out);
    kernels::conv2d_backward_data_with(kernel, dx.tensor(), *dy, *w, shape_from_js(x_shape),
                                       conv_params_from_js(params));
    return dx.to_js();
  });
}

// dL/dw and dL/db alone: dy, x, the weights' shape -> {dw, db}.
val conv2d_backward_filter_js(const val& dy_shape, const val& dy_data, const val& x_shape,
                              const val& x_data, const val& w_shape, const val& params,
                              const std::string& kernel, int out) {
  return guarded([&] {
    const TensorArg dy(dy_shape, dy_data), x(x_shape, x_data);
    TensorOut dw(out);
    std::vector<float> db;
    kernels::conv2d_backward_filter_with(kernel, dw.tensor(), db, *dy, *x, shape_from_js(w_shape),
                                         conv_params_from_js(params));
    val o = val::object();
    o.set("dw", dw.to_js());
    o.set("db", vector_to_js(db));
    return o;
  });
}

// Float32 training forward (lean): {y, mean, var, rstd, runningMean?, runningVar?}.
val batchnorm_forward32_js(const val& x_shape, const val& x_data, const val& gamma, const val& beta,
                           const val& options, const val& running_mean, const val& running_var,
                           const std::string& kernel, int out) {
  return guarded([&] {
    std::vector<float> rm, rv, mean, var, rstd;
    const bool has_rm = optional_vector_from_js(rm, running_mean);
    const bool has_rv = optional_vector_from_js(rv, running_var);
    const TensorArg x(x_shape, x_data);
    TensorOut y(out);
    kernels::batchnorm_forward_train_f32_with(
        kernel, y.tensor(), mean, var, rstd, *x, vector_from_js<float>(gamma),
        vector_from_js<float>(beta), batchnorm_params_from_js(options), has_rm ? &rm : nullptr,
        has_rv ? &rv : nullptr);
    val o = val::object();
    o.set("y", y.to_js());
    o.set("mean", vector_to_js(mean));
    o.set("var", vector_to_js(var));
    o.set("rstd", vector_to_js(rstd));
    if (has_rm) o.set("runningMean", vector_to_js(rm));
    if (has_rv) o.set("runningVar", vector_to_js(rv));
    return o;
  });
}

// Float32 backward (lean): dy, x, gamma, the forward's mean and rstd -> {dx, dgamma, dbeta}.
val batchnorm_backward32_js(const val& dy_shape, const val& dy_data, const val& x_shape,
                            const val& x_data, const val& gamma, const val& mean, const val& rstd,
                            const std::string& kernel, int out) {
  return guarded([&] {
    const TensorArg dy(dy_shape, dy_data), x(x_shape, x_data);
    TensorOut dx(out);
    std::vector<float> dgamma, dbeta;
    kernels::batchnorm_backward_f32_with(kernel, dx.tensor(), dgamma, dbeta, *dy, *x,
                                         vector_from_js<float>(gamma), vector_from_js<float>(mean),
                                         vector_from_js<float>(rstd));
    val o = val::object();
    o.set("dx", dx.to_js());
    o.set("dgamma", vector_to_js(dgamma));
    o.set("dbeta", vector_to_js(dbeta));
    return o;
  });
}

// Training mode. options: {eps?, momentum?}. running_mean / running_var: C
// values each, or null (not tracked); updated copies are returned.
val batchnorm_forward_train_js(const val& x_shape, const val& x_data, const val& gamma,
                               const val& beta, const val& options, const val& running_mean,
                               const val& running_var) {
  return guarded([&] {
    const TensorD x = tensor_from_js<double>(x_shape, x_data);
    std::vector<double> rm, rv;
    const bool has_rm = optional_vector_from_js(rm, running_mean);
    const bool has_rv = optional_vector_from_js(rv, running_var);
    TensorD y;
    BatchNormSaved<double> saved;
    batchnorm_forward_train(y, saved, x, vector_from_js<double>(gamma),
                            vector_from_js<double>(beta), batchnorm_params_from_js(options),
                            has_rm ? &rm : nullptr, has_rv ? &rv : nullptr);
    val o = val::object();
    o.set("y", tensor_to_js(y));
    o.set("mean", vector_to_js(saved.mean));
    o.set("var", vector_to_js(saved.var));
    o.set("rstd", vector_to_js(saved.rstd));
    o.set("xhat", tensor_to_js(saved.xhat));
    if (has_rm) o.set("runningMean", vector_to_js(rm));
    if (has_rv) o.set("runningVar", vector_to_js(rv));
    return o;
  });
}

// Inference mode: y from the running statistics, and what was used (mean and
// var = the running statistics, rstd, xhat). options: {eps?, momentum?}.
val batchnorm_forward_infer_js(const val& x_shape, const val& x_data, const val& gamma,
                               const val& beta, const val& options, const val& running_mean,
                               const val& running_var) {
  return guarded([&] {
    const TensorD x = tensor_from_js<double>(x_shape, x_data);
    TensorD y;
    BatchNormSaved<double> used;
    batchnorm_forward_infer(y, x, vector_from_js<double>(gamma), vector_from_js<double>(beta),
                            vector_from_js<double>(running_mean),
                            vector_from_js<double>(running_var), batchnorm_params_from_js(options),
                            &used);
    val o = val::object();
    o.set("y", tensor_to_js(y));
    o.set("mean", vector_to_js(used.mean));
    o.set("var", vector_to_js(used.var));
    o.set("rstd", vector_to_js(used.rstd));
    o.set("xhat", tensor_to_js(used.xhat));
    return o;
  });
}

// dy, x (N,C,H,W), gamma (C), and the training forward's saved mean, var,
// rstd (C each) and xhat (same shape as x) -> every gradient of the graph.
val batchnorm_backward_js(const val& dy_shape, const val& dy_data, const val& x_shape,
                          const val& x_data, const val& gamma, const val& mean, const val& var,
                          const val& rstd, const val& xhat_data) {
  return guarded([&] {
    const TensorD dy = tensor_from_js<double>(dy_shape, dy_data);
    const TensorD x = tensor_from_js<double>(x_shape, x_data);
    BatchNormSaved<double> saved;
    saved.mean = vector_from_js<double>(mean);
    saved.var = vector_from_js<double>(var);
    saved.rstd = vector_from_js<double>(rstd);
    saved.xhat = tensor_from_js<double>(x_shape, xhat_data);
    BatchNormGrads<double> g;
    batchnorm_backward(g, dy, x, vector_from_js<double>(gamma), saved);
    val o = val::object();
    o.set("dx", tensor_to_js(g.dx));
    o.set("dxhat", tensor_to_js(g.dxhat));
    o.set("dgamma", vector_to_js(g.dgamma));
    o.set("dbeta", vector_to_js(g.dbeta));
    o.set("dvar", vector_to_js(g.dvar));
    o.set("dmu", vector_to_js(g.dmu));
    return o;
  });
}

// bytes (Uint8Array), options {grey?, maxSide?, maxPixels?} ->
// {image: (1, 3 or 1, H, W) in [0, 1], originalWidth, ...}.
val decode_image_js(const val& bytes, const val& options) {
  return guarded([&] {
    const std::vector<uint8_t> data = vector_from_js<uint8_t>(bytes);
    const DecodedImage d = decode_image(data.data(), data.size(), decode_options_from_js(options));
    val o = val::object();
    o.set("image", tensor_to_js(d.pixels));
    o.set("originalWidth", d.original_width);
    o.set("originalHeight", d.original_height);
    o.set("fileChannels", d.file_channels);
    o.set("downscaled", d.downscaled);
    return o;
  });
}

// (1, C, H, W) -> {png: Uint8Array}.
val encode_png_js(const val& shape, const val& data) {
  return guarded([&] {
    val o = val::object();
    o.set("png", vector_to_js(encode_png(*TensorArg(shape, data))));
    return o;
  });
}

// (1, C, H, W) -> {shape: [1, C, h, w], data}.
val resize_image_js(const val& shape, const val& data, int h, int w, int out) {
  return guarded([&] {
    TensorOut y(out);
    y.tensor() = resize_image(*TensorArg(shape, data), h, w);
    return y.to_js();
  });
}

// --- resident tensors (resident.h) -----------------------------------------

// [N, C, H, W] and its data (or null: zeros) -> {id, shape}.
val tensor_create_js(const val& shape, const val& data) {
  return guarded([&] {
    TensorOut t(-1);
    t.tensor() = data.isNull() ? Tensor(shape_from_js(shape)) : tensor_from_js<float>(shape, data);
    return t.to_js();
  });
}

// -> {view: a Float32Array over the tensor's data in the module's memory}
// (valid until the memory grows: the wrapper re-fetches it for every use).
val tensor_view_js(int id) {
  return guarded([&] {
    const Tensor& t = residents().get(id);
    val o = val::object();
    o.set("view", val(emscripten::typed_memory_view(t.data.size(), t.data.data())));
    return o;
  });
}

// Frees the tensor; false when the id held none (disposed twice).
bool tensor_dispose_js(int id) { return residents().remove(id); }

// {tensors, tensorBytes}: what the table holds.
val tensor_stats_js() {
  val o = val::object();
  o.set("tensors", static_cast<double>(residents().count()));
  o.set("tensorBytes", residents().bytes());
  return o;
}

// -> {index}: the input coordinate padded coordinate i reads, or -1.
val pad_source_index_js(int i, int n, const std::string& mode) {
  return guarded([&] {
    val o = val::object();
    o.set("index", pad_source_index(i, n, pad_mode_from_string(mode)));
    return o;
  });
}

// The core's defaults and limits, so that JavaScript never restates them.
val defaults_js() {
  const BatchNormParams bn;
  const DecodeOptions decode;
  val o = val::object();
  o.set("eps", bn.eps);
  o.set("momentum", bn.momentum);
  o.set("maxPixels", static_cast<double>(decode.max_pixels));
  o.set("maxSide", decode.max_side);
  o.set("maxTensorElements", static_cast<double>(kMaxElements));
  o.set("maxConvOutputElements", static_cast<double>(kMaxConvOutputElements));
  o.set("maxConvMultiplyAdds", static_cast<double>(kMaxConvMultiplyAdds));
  return o;
}

// For the leak test: bytes in use by malloc (dlmalloc's mallinfo), and the
// size of the WASM memory.
double heap_used_js() { return static_cast<double>(mallinfo().uordblks); }
double heap_size_js() { return static_cast<double>(emscripten_get_heap_size()); }

}  // namespace
}  // namespace convplay::wasm

EMSCRIPTEN_BINDINGS(convplay) {
  using namespace convplay::wasm;
  using emscripten::function;
  function("_convOutputSize", &conv_output_size_js);
  function("_conv2dGeometry", &conv2d_geometry_js);
  function("_conv2dForward", &conv2d_forward32_js);
  function("_conv2dBackward", &conv2d_backward32_js);
  function("_conv2dForward64", &conv2d_forward_js<double>);
  function("_conv2dBackward64", &conv2d_backward_js<double>);
  function("_conv2dBackwardData", &conv2d_backward_data_js);
  function("_conv2dBackwardFilter", &conv2d_backward_filter_js);
  function("_batchnormForward32", &batchnorm_forward32_js);
  function("_batchnormBackward32", &batchnorm_backward32_js);
  function("_batchnormForwardTrain", &batchnorm_forward_train_js);
  function("_batchnormForwardInfer", &batchnorm_forward_infer_js);
  function("_batchnormBackward", &batchnorm_backward_js);
  function("_decodeImage", &decode_image_js);
  function("_encodePng", &encode_png_js);
  function("_resizeImage", &resize_image_js);
  function("_padSourceIndex", &pad_source_index_js);
  function("_defaults", &defaults_js);
  function("_tensorCreate", &tensor_create_js);
  function("_tensorView", &tensor_view_js);
  function("_tensorDispose", &tensor_dispose_js);
  function("_tensorStats", &tensor_stats_js);
  function("_heapUsed", &heap_used_js);
  function("_heapSize", &heap_size_js);
}
