// convplay — tensors that stay in the module's memory between calls, for the
// Embind layer (bindings.cpp): a table of float32 tensors by id, and the
// argument and result conventions that let every float op take them.
//
// Glue only: the table owns the tensors (JavaScript holds ids, through the
// wrapper's ConvplayTensor objects, and gives them back with dispose); the
// ops are the core's. Rules on values stay the core's: an id that is not in
// the table is the one error this file raises.
#pragma once

#include <emscripten/val.h>

#include <cstdint>
#include <string>
#include <unordered_map>

#include "convert.h"
#include "convplay/convplay.h"

namespace convplay::wasm {

// The module's resident tensors. One table per module instance (each
// instance has its own memory and statics).
class Residents {
 public:
  int add(Tensor t) {
    const int id = next_++;
    tensors_.emplace(id, std::move(t));
    return id;
  }
  Tensor& get(int id) {
    const auto it = tensors_.find(id);
    if (it == tensors_.end()) {
      throw Error("tensor " + std::to_string(id) +
                  " was disposed (or never made by this module): make a new one with tensor()");
    }
    return it->second;
  }
  bool remove(int id) { return tensors_.erase(id) > 0; }
  size_t count() const { return tensors_.size(); }
  // Bytes of the tensors' data (their capacity: what they hold in memory).
  double bytes() const {
    double b = 0;
    for (const auto& kv : tensors_) b += static_cast<double>(kv.second.data.capacity()) * 4;
    return b;
  }

 private:
  std::unordered_map<int, Tensor> tensors_;
  int next_ = 1;
};

inline Residents& residents() {
  static Residents table;
  return table;
}

// A float tensor argument: `shape` is a resident tensor's id (a number, with
// `data` null) or [N, C, H, W] with its data, copied for the call.
class TensorArg {
 public:
  TensorArg(const val& shape, const val& data) {
    if (shape.isNumber()) {
      ptr_ = &residents().get(shape.as<int>());
    } else {
      copy_ = tensor_from_js<float>(shape, data);
      ptr_ = &copy_;
    }
  }
  const Tensor& operator*() const { return *ptr_; }

 private:
  Tensor copy_;
  const Tensor* ptr_ = nullptr;
};

// Where a float tensor result goes: `out` 0 is a fresh copy for JavaScript
// ({shape, data}), -1 a new resident tensor, a positive id that resident
// tensor (its storage reused when the size allows). The op writes into
// `tensor()`, then `to_js()` hands the result over ({id, shape} for a
// resident one).
// When the op throws, a resident `out` keeps the shape it had (its values
// are then unspecified): the core may leave an output empty on an error.
class TensorOut {
 public:
  explicit TensorOut(int out) : out_(out) {
    if (out_ > 0) {
      ptr_ = &residents().get(out_);
      shape_ = ptr_->shape;
    }
  }
  ~TensorOut() {
    if (ptr_ == nullptr || ptr_->size() == ptr_->shape.count()) return;
    try {
      ptr_->reset(shape_);
    } catch (...) {
      *ptr_ = Tensor();
    }
  }
  TensorOut(const TensorOut&) = delete;
  TensorOut& operator=(const TensorOut&) = delete;
  Tensor& tensor() { return ptr_ ? *ptr_ : local_; }
  val to_js() {
    if (out_ == 0) return tensor_to_js(local_);
    const int id = out_ > 0 ? out_ : residents().add(std::move(local_));
    val o = val::object();
    o.set("id", id);
    o.set("shape", shape_to_js(residents().get(id).shape));
    return o;
  }

 private:
  int out_;
  Tensor local_;
  Tensor* ptr_ = nullptr;
  Shape shape_;
};

}  // namespace convplay::wasm
