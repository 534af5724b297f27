#include "ref/conv2d_ref.h"

#include <algorithm>
#include <cassert>

#include "pad.h"

namespace convplay::kernels {

namespace {

// The input pixel that tap a of output i reads along one axis, or -1 for a zero.
inline int source(int i, int a, int stride, int dilation, int pad, int n, PadMode mode) {
  return pad_index(i * stride + a * dilation - pad, n, mode);
}

// Visits every product of the layer in the reference order (n, k, i, j, c, a, b):
// f(n, k, i, j, c, row, col, a, b) for each tap whose input is not a zero.
template <typename F>
void for_each_product(const Conv2dGeometry& g, const Conv2dParams& p, F&& f) {
  const Shape& xs = g.input;
  const Shape& ws = g.weight;
  const Shape& ys = g.output;
  for (int n = 0; n < ys.n; ++n) {
    for (int k = 0; k < ys.c; ++k) {
      for (int i = 0; i < ys.h; ++i) {
        for (int j = 0; j < ys.w; ++j) {
          for (int c = 0; c < xs.c; ++c) {
            for (int a = 0; a < ws.h; ++a) {
              const int row = source(i, a, p.stride_h, p.dilation_h, p.pad_h, xs.h, p.pad_mode);
              if (row < 0) continue;
              for (int b = 0; b < ws.w; ++b) {
                const int col = source(j, b, p.stride_w, p.dilation_w, p.pad_w, xs.w, p.pad_mode);
                if (col < 0) continue;
                f(n, k, i, j, c, row, col, a, b);
              }
            }
          }
        }
      }
    }
  }
}

}  // namespace

template <typename T>
void conv2d_fwd__ref(BasicTensor<T>& y, const BasicTensor<T>& x, const BasicTensor<T>& w,
                     const std::vector<T>& b, const Conv2dGeometry& g, const Conv2dParams& p) {
  assert(p.mode == ConvMode::cross_correlation);  // the entry point flips the kernels
  assert(y.shape == g.output && x.shape == g.input && w.shape == g.weight);
  assert(b.empty() || static_cast<int>(b.size()) == g.weight.n);
  const Shape& ys = g.output;
  for (int n = 0; n < ys.n; ++n)
    for (int k = 0; k < ys.c; ++k)
      for (int i = 0; i < ys.h; ++i)
        for (int j = 0; j < ys.w; ++j) y.at(n, k, i, j) = b.empty() ? T(0) : b[k];
  for_each_product(g, p, [&](int n, int k, int i, int j, int c, int row, int col, int a, int bb) {
    y.at(n, k, i, j) += x.at(n, c, row, col) * w.at(k, c, a, bb);
  });
}

template <typename T>
void conv2d_bwd_data__ref(BasicTensor<T>& dx, const BasicTensor<T>& dy, const BasicTensor<T>& w,
                          const Conv2dGeometry& g, const Conv2dParams& p) {
  assert(p.mode == ConvMode::cross_correlation);
  assert(dy.shape == g.output && w.shape == g.weight && dx.shape == g.input);
  std::fill(dx.data.begin(), dx.data.end(), T(0));
  for_each_product(g, p, [&](int n, int k, int i, int j, int c, int row, int col, int a, int b) {
    dx.at(n, c, row, col) += dy.at(n, k, i, j) * w.at(k, c, a, b);
  });
}

template <typename T>
void conv2d_bwd_filter__ref(BasicTensor<T>& dw, std::vector<T>& db, const BasicTensor<T>& dy,
                            const BasicTensor<T>& x, const Conv2dGeometry& g,
                            const Conv2dParams& p) {
  assert(p.mode == ConvMode::cross_correlation);
  assert(dy.shape == g.output && x.shape == g.input && dw.shape == g.weight);
  assert(static_cast<int>(db.size()) == g.weight.n);
  std::fill(dw.data.begin(), dw.data.end(), T(0));
  std::fill(db.begin(), db.end(), T(0));
  const Shape& ys = g.output;
  for (int n = 0; n < ys.n; ++n)
    for (int k = 0; k < ys.c; ++k)
      for (int i = 0; i < ys.h; ++i)
        for (int j = 0; j < ys.w; ++j) db[k] += dy.at(n, k, i, j);
  for_each_product(g, p, [&](int n, int k, int i, int j, int c, int row, int col, int a, int b) {
    dw.at(k, c, a, b) += dy.at(n, k, i, j) * x.at(n, c, row, col);
  });
}

template <typename T>
void conv2d_bwd__ref(BasicTensor<T>& dx, BasicTensor<T>& dw, std::vector<T>& db,
                     const BasicTensor<T>& dy, const BasicTensor<T>& x, const BasicTensor<T>& w,
                     const Conv2dGeometry& g, const Conv2dParams& p) {
  conv2d_bwd_data__ref(dx, dy, w, g, p);
  conv2d_bwd_filter__ref(dw, db, dy, x, g, p);
}

#define CONVPLAY_REF_INSTANCES(T)                                                                  \
  template void conv2d_fwd__ref<T>(BasicTensor<T>&, const BasicTensor<T>&, const BasicTensor<T>&,  \
                                   const std::vector<T>&, const Conv2dGeometry&,                   \
                                   const Conv2dParams&);                                           \
  template void conv2d_bwd_data__ref<T>(BasicTensor<T>&, const BasicTensor<T>&,                    \
                                        const BasicTensor<T>&, const Conv2dGeometry&,              \
                                        const Conv2dParams&);                                      \
  template void conv2d_bwd_filter__ref<T>(BasicTensor<T>&, std::vector<T>&, const BasicTensor<T>&, \
                                          const BasicTensor<T>&, const Conv2dGeometry&,            \
                                          const Conv2dParams&);                                    \
  template void conv2d_bwd__ref<T>(                                                                \
      BasicTensor<T>&, BasicTensor<T>&, std::vector<T>&, const BasicTensor<T>&,                    \
      const BasicTensor<T>&, const BasicTensor<T>&, const Conv2dGeometry&, const Conv2dParams&);
CONVPLAY_REF_INSTANCES(float)
CONVPLAY_REF_INSTANCES(double)
#undef CONVPLAY_REF_INSTANCES

void conv2d_f32_fwd__ref(Tensor& y, const Tensor& x, const Tensor& w, const std::vector<float>& b,
                         const Conv2dGeometry& g, const Conv2dParams& p) {
  conv2d_fwd__ref(y, x, w, b, g, p);
}

void conv2d_f32_bwd__ref(Tensor& dx, Tensor& dw, std::vector<float>& db, const Tensor& dy,
                         const Tensor& x, const Tensor& w, const Conv2dGeometry& g,
                         const Conv2dParams& p) {
  conv2d_bwd__ref(dx, dw, db, dy, x, w, g, p);
}

void conv2d_f32_bwd_data__ref(Tensor& dx, const Tensor& dy, const Tensor& w,
                              const Conv2dGeometry& g, const Conv2dParams& p) {
  conv2d_bwd_data__ref(dx, dy, w, g, p);
}

void conv2d_f32_bwd_filter__ref(Tensor& dw, std::vector<float>& db, const Tensor& dy,
                                const Tensor& x, const Conv2dGeometry& g, const Conv2dParams& p) {
  conv2d_bwd_filter__ref(dw, db, dy, x, g, p);
}

}  // namespace convplay::kernels
