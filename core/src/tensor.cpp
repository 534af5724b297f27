#include "convplay/tensor.h"

namespace convplay {

int64_t Shape::count() const {
  const int dims[4] = {n, c, h, w};
  const char* names[4] = {"N", "C", "H", "W"};
  int64_t total = 1;
  for (int i = 0; i < 4; ++i) {
    if (dims[i] < 1) {
      throw Error("shape " + str() + ": " + names[i] + " is " + std::to_string(dims[i]) +
                  ", every dimension must be at least 1");
    }
    total *= dims[i];
    if (total > kMaxElements) {
      throw Error("shape " + str() + " has more than " + std::to_string(kMaxElements) +
                  " elements (the limit)");
    }
  }
  return total;
}

std::string Shape::str() const {
  return std::to_string(n) + "x" + std::to_string(c) + "x" + std::to_string(h) + "x" +
         std::to_string(w);
}

template <typename T>
BasicTensor<T>::BasicTensor(Shape s, std::vector<T> values) : shape(s), data(std::move(values)) {
  if (static_cast<int64_t>(data.size()) != s.count()) {
    throw Error("tensor of shape " + s.str() + " needs " + std::to_string(s.count()) +
                " values, got " + std::to_string(data.size()));
  }
}

template struct BasicTensor<float>;
template struct BasicTensor<double>;

}  // namespace convplay
