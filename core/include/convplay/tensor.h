// convplay — tensors: float32 (or double, for gradient checks), row-major NCHW.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "convplay/error.h"

namespace convplay {

// A 4-D shape in NCHW order. A (N, features) matrix is (N, C, 1, 1); a
// weight bank of K filters of depth C is (K, C, F1, F2).
struct Shape {
  int n = 1, c = 1, h = 1, w = 1;

  // Number of elements; throws Error when a dimension is not positive or the
  // product passes kMaxElements.
  int64_t count() const;
  std::string str() const;  // "1x3x227x227"
  bool operator==(const Shape& o) const { return n == o.n && c == o.c && h == o.h && w == o.w; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
};

// Largest tensor the core will allocate (2^28 floats = 1 GiB).
inline constexpr int64_t kMaxElements = int64_t{1} << 28;

template <typename T>
struct BasicTensor {
  Shape shape;
  std::vector<T> data;

  BasicTensor() = default;
  explicit BasicTensor(Shape s) : shape(s), data(static_cast<size_t>(s.count()), T(0)) {}
  BasicTensor(Shape s, std::vector<T> values);  // throws if sizes differ

  // Takes shape s, every value 0, in the storage it already has: no
  // allocation when s holds no more values than its capacity (an output
  // buffer written again by the next call of the same layer). Throws Error
  // for a bad shape before changing anything.
  void reset(const Shape& s) {
    const size_t n = static_cast<size_t>(s.count());
    data.resize(n);
    // All bits zero is 0 for float and double; memset stays fast in every
    // translation unit, whatever its optimisation level.
    if (n > 0) std::memset(static_cast<void*>(data.data()), 0, n * sizeof(T));
    shape = s;
  }

  // Takes shape s in the storage it already has, for a kernel that writes
  // every value: values it already held keep whatever they were (no pass over
  // the memory), new ones are 0. Throws Error for a bad shape first.
  void reset_for_overwrite(const Shape& s) {
    data.resize(static_cast<size_t>(s.count()));
    shape = s;
  }

  int64_t size() const { return static_cast<int64_t>(data.size()); }
  size_t index(int n, int c, int h, int w) const {
    return ((static_cast<size_t>(n) * shape.c + c) * shape.h + h) * shape.w + w;
  }
  T& at(int n, int c, int h, int w) { return data[index(n, c, h, w)]; }
  const T& at(int n, int c, int h, int w) const { return data[index(n, c, h, w)]; }
};

using Tensor = BasicTensor<float>;
using TensorD = BasicTensor<double>;

}  // namespace convplay
