#include "ref/layers_ref.h"

#include <algorithm>
#include <cassert>
#include <cstddef>

namespace convplay::kernels {

template <typename T>
void relu_fwd__ref(BasicTensor<T>& y, const BasicTensor<T>& x) {
  assert(y.shape == x.shape);
  for (size_t i = 0; i < x.data.size(); ++i) y.data[i] = x.data[i] > T(0) ? x.data[i] : T(0);
}

template <typename T>
void relu_bwd__ref(BasicTensor<T>& dx, const BasicTensor<T>& dy, const BasicTensor<T>& x) {
  assert(dx.shape == x.shape && dy.shape == x.shape);
  for (size_t i = 0; i < x.data.size(); ++i) dx.data[i] = x.data[i] > T(0) ? dy.data[i] : T(0);
}

template <typename T>
void maxpool2d_fwd__ref(BasicTensor<T>& y, std::vector<int32_t>& argmax, const BasicTensor<T>& x,
                        const Pool2dParams& p) {
  const Shape& xs = x.shape;
  const Shape& ys = y.shape;
  assert(argmax.size() == y.data.size());
  size_t o = 0;
  for (int n = 0; n < ys.n; ++n) {
    for (int c = 0; c < ys.c; ++c) {
      for (int i = 0; i < ys.h; ++i) {
        for (int j = 0; j < ys.w; ++j, ++o) {
          size_t best = x.index(n, c, i * p.stride, j * p.stride);
          for (int a = 0; a < p.size; ++a) {
            for (int b = 0; b < p.size; ++b) {
              const size_t k = x.index(n, c, i * p.stride + a, j * p.stride + b);
              if (x.data[k] > x.data[best]) best = k;
            }
          }
          y.data[o] = x.data[best];
          argmax[o] = static_cast<int32_t>(best);
        }
      }
    }
  }
  (void)xs;
}

template <typename T>
void maxpool2d_bwd__ref(BasicTensor<T>& dx, const BasicTensor<T>& dy,
                        const std::vector<int32_t>& argmax, const Pool2dParams&) {
  assert(argmax.size() == dy.data.size());
  std::fill(dx.data.begin(), dx.data.end(), T(0));
  for (size_t o = 0; o < dy.data.size(); ++o) dx.data[static_cast<size_t>(argmax[o])] += dy.data[o];
}

template <typename T>
void avgpool2d_fwd__ref(BasicTensor<T>& y, const BasicTensor<T>& x, const Pool2dParams& p) {
  const Shape& ys = y.shape;
  const T scale = T(1) / static_cast<T>(p.size * p.size);
  for (int n = 0; n < ys.n; ++n) {
    for (int c = 0; c < ys.c; ++c) {
      for (int i = 0; i < ys.h; ++i) {
        for (int j = 0; j < ys.w; ++j) {
          T sum = T(0);
          for (int a = 0; a < p.size; ++a) {
            for (int b = 0; b < p.size; ++b) sum += x.at(n, c, i * p.stride + a, j * p.stride + b);
          }
          y.at(n, c, i, j) = sum * scale;
        }
      }
    }
  }
}

template <typename T>
void avgpool2d_bwd__ref(BasicTensor<T>& dx, const BasicTensor<T>& dy, const Pool2dParams& p) {
  const Shape& ys = dy.shape;
  const T scale = T(1) / static_cast<T>(p.size * p.size);
  std::fill(dx.data.begin(), dx.data.end(), T(0));
  for (int n = 0; n < ys.n; ++n) {
    for (int c = 0; c < ys.c; ++c) {
      for (int i = 0; i < ys.h; ++i) {
        for (int j = 0; j < ys.w; ++j) {
          const T g = dy.at(n, c, i, j) * scale;
          for (int a = 0; a < p.size; ++a) {
            for (int b = 0; b < p.size; ++b) dx.at(n, c, i * p.stride + a, j * p.stride + b) += g;
          }
        }
      }
    }
  }
}

template <typename T>
void linear_fwd__ref(BasicTensor<T>& y, const BasicTensor<T>& x, const BasicTensor<T>& w,
                     const std::vector<T>& b) {
  const size_t N = static_cast<size_t>(x.shape.n), K = static_cast<size_t>(w.shape.n);
  const size_t D = static_cast<size_t>(w.shape.c);
  assert(x.data.size() == N * D && y.data.size() == N * K && b.size() == K);
  for (size_t n = 0; n < N; ++n) {
    const T* xn = x.data.data() + n * D;
    for (size_t k = 0; k < K; ++k) {
      const T* wk = w.data.data() + k * D;
      T acc = b[k];
      for (size_t d = 0; d < D; ++d) acc += wk[d] * xn[d];
      y.data[n * K + k] = acc;
    }
  }
}

template <typename T>
void linear_bwd__ref(BasicTensor<T>& dx, BasicTensor<T>& dw, std::vector<T>& db,
                     const BasicTensor<T>& dy, const BasicTensor<T>& x, const BasicTensor<T>& w) {
  const size_t N = static_cast<size_t>(x.shape.n), K = static_cast<size_t>(w.shape.n);
  const size_t D = static_cast<size_t>(w.shape.c);
  assert(dx.data.size() == N * D && dw.data.size() == K * D && db.size() == K);
  std::fill(dx.data.begin(), dx.data.end(), T(0));
  std::fill(dw.data.begin(), dw.data.end(), T(0));
  std::fill(db.begin(), db.end(), T(0));
  for (size_t n = 0; n < N; ++n) {
    const T* xn = x.data.data() + n * D;
    T* dxn = dx.data.data() + n * D;
    for (size_t k = 0; k < K; ++k) {
      const T g = dy.data[n * K + k];
      const T* wk = w.data.data() + k * D;
      T* dwk = dw.data.data() + k * D;
      db[k] += g;
      for (size_t d = 0; d < D; ++d) {
        dxn[d] += g * wk[d];
        dwk[d] += g * xn[d];
      }
    }
  }
}

#define CONVPLAY_INSTANTIATE(T)                                                                   \
  template void relu_fwd__ref<T>(BasicTensor<T>&, const BasicTensor<T>&);                         \
  template void relu_bwd__ref<T>(BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&);  \
  template void maxpool2d_fwd__ref<T>(BasicTensor<T>&, std::vector<int32_t>&,                     \
                                      const BasicTensor<T>&, const Pool2dParams&);                \
  template void maxpool2d_bwd__ref<T>(BasicTensor<T>&, const BasicTensor<T>&,                     \
                                      const std::vector<int32_t>&, const Pool2dParams&);          \
  template void avgpool2d_fwd__ref<T>(BasicTensor<T>&, const BasicTensor<T>&,                     \
                                      const Pool2dParams&);                                       \
  template void avgpool2d_bwd__ref<T>(BasicTensor<T>&, const BasicTensor<T>&,                     \
                                      const Pool2dParams&);                                       \
  template void linear_fwd__ref<T>(BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&, \
                                   const std::vector<T>&);                                        \
  template void linear_bwd__ref<T>(BasicTensor<T>&, BasicTensor<T>&, std::vector<T>&,             \
                                   const BasicTensor<T>&, const BasicTensor<T>&,                  \
                                   const BasicTensor<T>&);

CONVPLAY_INSTANTIATE(float)
CONVPLAY_INSTANTIATE(double)
#undef CONVPLAY_INSTANTIATE

}  // namespace convplay::kernels
