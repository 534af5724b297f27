// convplay — converters between JavaScript values and the core's types, for
// the Embind layer (bindings.cpp). Conversion only: no arithmetic on the data.
//
// Contract with the JavaScript wrapper (wasm/js/convplay_wrap.mjs): it
// type-checks every argument before calling a raw binding, so that nothing
// here can make Embind throw a JavaScript exception through WASM frames.
// Shapes arrive as arrays of four int32 integers, data as typed arrays of the
// right element type, parameters as objects whose fields all exist and have
// the right type. Values (sizes, rules) are checked by the core, not here.
#pragma once

#include <emscripten/val.h>

#include <cstdint>
#include <string>
#include <vector>

#include "convplay/convplay.h"

namespace convplay::wasm {

using emscripten::val;

// --- JavaScript -> C++ -------------------------------------------------------

// A typed array (or any array-like of numbers) copied into a fresh vector
// with one TypedArray.prototype.set on a view of the vector's storage.
template <typename T>
std::vector<T> vector_from_js(const val& array) {
  return emscripten::convertJSArrayToNumberVector<T>(array);
}

// [N, C, H, W] -> Shape.
inline Shape shape_from_js(const val& s) {
  Shape shape;
  shape.n = s[0].as<int>();
  shape.c = s[1].as<int>();
  shape.h = s[2].as<int>();
  shape.w = s[3].as<int>();
  return shape;
}

// (shape, data) -> tensor. The core's constructor throws Error when the data
// length does not match the shape.
template <typename T>
BasicTensor<T> tensor_from_js(const val& shape, const val& data) {
  return BasicTensor<T>(shape_from_js(shape), vector_from_js<T>(data));
}

// Optional fields: `o[name]`, if the wrapper set it, overwrites `field`, so
// the defaults are the core's own (the default member initialisers).
template <typename T>
void set_if_present(T& field, const val& o, const char* name) {
  const val v = o[name];
  if (!v.isUndefined()) field = v.as<T>();
}

// {strideH?, strideW?, padH?, padW?, dilationH?, dilationW?, padMode?, mode?}.
inline Conv2dParams conv_params_from_js(const val& p) {
  Conv2dParams params;
  set_if_present(params.stride_h, p, "strideH");
  set_if_present(params.stride_w, p, "strideW");
  set_if_present(params.pad_h, p, "padH");
  set_if_present(params.pad_w, p, "padW");
  set_if_present(params.dilation_h, p, "dilationH");
  set_if_present(params.dilation_w, p, "dilationW");
  if (!p["padMode"].isUndefined()) {
    params.pad_mode = pad_mode_from_string(p["padMode"].as<std::string>());
  }
  if (!p["mode"].isUndefined()) params.mode = conv_mode_from_string(p["mode"].as<std::string>());
  return params;
}

// {eps?, momentum?}.
inline BatchNormParams batchnorm_params_from_js(const val& o) {
  BatchNormParams p;
  set_if_present(p.eps, o, "eps");
  set_if_present(p.momentum, o, "momentum");
  return p;
}

// {grey?, maxSide?, maxPixels?}; maxPixels is a double holding a safe
// integer (the wrapper checks), passed on as the core's int64.
inline DecodeOptions decode_options_from_js(const val& o) {
  DecodeOptions opt;
  set_if_present(opt.grey, o, "grey");
  set_if_present(opt.max_side, o, "maxSide");
  if (!o["maxPixels"].isUndefined())
    opt.max_pixels = static_cast<int64_t>(o["maxPixels"].as<double>());
  return opt;
}

// A vector, or nothing when the value is null (an optional C++ pointer).
template <typename T>
bool optional_vector_from_js(std::vector<T>& out, const val& v) {
  if (v.isNull()) return false;
  out = vector_from_js<T>(v);
  return true;
}

// --- C++ -> JavaScript -------------------------------------------------------

// The JavaScript typed-array constructor for an element type.
template <typename T>
const char* typed_array_name();
template <>
inline const char* typed_array_name<float>() {
  return "Float32Array";
}
template <>
inline const char* typed_array_name<double>() {
  return "Float64Array";
}
template <>
inline const char* typed_array_name<uint8_t>() {
  return "Uint8Array";
}

// A fresh JavaScript typed array holding a copy of `v` (new TypedArray(view)
// copies, so the result stays valid when the WASM memory grows or `v` dies).
template <typename T>
val vector_to_js(const std::vector<T>& v) {
  return val::global(typed_array_name<T>()).new_(emscripten::typed_memory_view(v.size(), v.data()));
}

inline val shape_to_js(const Shape& s) {
  val a = val::array();
  a.call<void>("push", s.n, s.c, s.h, s.w);
  return a;
}

// {shape: [N, C, H, W], data: typed array copy}.
template <typename T>
val tensor_to_js(const BasicTensor<T>& t) {
  val o = val::object();
  o.set("shape", shape_to_js(t.shape));
  o.set("data", vector_to_js(t.data));
  return o;
}

inline val axis_size_to_js(const AxisSize& a) {
  val o = val::object();
  o.set("size", a.size);
  o.set("exact", a.exact);
  o.set("remainder", a.remainder);
  o.set("effectiveKernel", a.effective_kernel);
  return o;
}

inline val geometry_to_js(const Conv2dGeometry& g) {
  val o = val::object();
  o.set("input", shape_to_js(g.input));
  o.set("weight", shape_to_js(g.weight));
  o.set("output", shape_to_js(g.output));
  o.set("h", axis_size_to_js(g.h));
  o.set("w", axis_size_to_js(g.w));
  // int64 -> double: exact (the counts are at most kMaxElements = 2^28, the
  // multiply-adds at most kMaxConvMultiplyAdds = 2^33).
  o.set("weightCount", static_cast<double>(g.weight_count));
  o.set("biasCount", static_cast<double>(g.bias_count));
  o.set("multiplyAdds", static_cast<double>(g.multiply_adds));
  return o;
}

// The error value every raw binding returns instead of throwing: the wrapper
// turns {error: message} into `throw new Error(message)`.
inline val error_to_js(const char* message) {
  val o = val::object();
  o.set("error", std::string(message));
  return o;
}

// Runs `body` (which returns a val) and translates every C++ exception into
// an error value, so no exception leaves the module and the module keeps
// working. std::bad_alloc (memory exhausted, or past MAXIMUM_MEMORY) is a
// std::exception too.
template <typename F>
val guarded(F&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    return error_to_js(e.what());
  } catch (...) {
    return error_to_js("convplay: unknown C++ exception");
  }
}

}  // namespace convplay::wasm
