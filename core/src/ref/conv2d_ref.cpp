#include "ref/conv2d_ref.h"

#include <algorithm>
#include <cassert>

namespace convplay::kernels {

namespace {

// The tap (a, b) of the window reads weight (wa, wb).
struct Tap {
  int wa, wb;
};

inline Tap weight_tap(int a, int b, const Shape& ws, ConvMode mode) {
  if (mode == ConvMode::convolution) return {ws.h - 1 - a, ws.w - 1 - b};
  return {a, b};
}

}  // namespace

template <typename T>
void conv2d_fwd__ref(BasicTensor<T>& y, const BasicTensor<T>& x, const BasicTensor<T>& w,
                     const std::vector<T>& b, const Conv2dGeometry& g, const Conv2dParams& p) {
  const Shape& xs = g.input;
  const Shape& ws = g.weight;
  const Shape& ys = g.output;
  assert(y.shape == ys && x.shape == xs && w.shape == ws);
  assert(b.empty() || static_cast<int>(b.size()) == ws.n);

  for (int n = 0; n < ys.n; ++n) {
    for (int k = 0; k < ys.c; ++k) {
      for (int i = 0; i < ys.h; ++i) {
        for (int j = 0; j < ys.w; ++j) {
          T acc = b.empty() ? T(0) : b[k];
          for (int c = 0; c < xs.c; ++c) {
            for (int a = 0; a < ws.h; ++a) {
              const int row =
                  pad_source_index(i * p.stride_h + a * p.dilation_h - p.pad_h, xs.h, p.pad_mode);
              if (row < 0) continue;
              for (int bb = 0; bb < ws.w; ++bb) {
                const int col = pad_source_index(j * p.stride_w + bb * p.dilation_w - p.pad_w, xs.w,
                                                 p.pad_mode);
                if (col < 0) continue;
                const Tap t = weight_tap(a, bb, ws, p.mode);
                acc += x.at(n, c, row, col) * w.at(k, c, t.wa, t.wb);
              }
            }
          }
          y.at(n, k, i, j) = acc;
        }
      }
    }
  }
}

template <typename T>
void conv2d_bwd__ref(BasicTensor<T>& dx, BasicTensor<T>& dw, std::vector<T>& db,
                     const BasicTensor<T>& dy, const BasicTensor<T>& x, const BasicTensor<T>& w,
                     const Conv2dGeometry& g, const Conv2dParams& p) {
  const Shape& xs = g.input;
  const Shape& ws = g.weight;
  const Shape& ys = g.output;
  assert(dy.shape == ys && x.shape == xs && w.shape == ws);
  assert(dx.shape == xs && dw.shape == ws && static_cast<int>(db.size()) == ws.n);
  std::fill(dx.data.begin(), dx.data.end(), T(0));
  std::fill(dw.data.begin(), dw.data.end(), T(0));
  std::fill(db.begin(), db.end(), T(0));

  for (int n = 0; n < ys.n; ++n) {
    for (int k = 0; k < ys.c; ++k) {
      for (int i = 0; i < ys.h; ++i) {
        for (int j = 0; j < ys.w; ++j) {
          const T grad = dy.at(n, k, i, j);
          db[k] += grad;
          for (int c = 0; c < xs.c; ++c) {
            for (int a = 0; a < ws.h; ++a) {
              const int row =
                  pad_source_index(i * p.stride_h + a * p.dilation_h - p.pad_h, xs.h, p.pad_mode);
              if (row < 0) continue;
              for (int bb = 0; bb < ws.w; ++bb) {
                const int col = pad_source_index(j * p.stride_w + bb * p.dilation_w - p.pad_w, xs.w,
                                                 p.pad_mode);
                if (col < 0) continue;
                const Tap t = weight_tap(a, bb, ws, p.mode);
                dw.at(k, c, t.wa, t.wb) += grad * x.at(n, c, row, col);
                dx.at(n, c, row, col) += grad * w.at(k, c, t.wa, t.wb);
              }
            }
          }
        }
      }
    }
  }
}

template void conv2d_fwd__ref<float>(Tensor&, const Tensor&, const Tensor&,
                                     const std::vector<float>&, const Conv2dGeometry&,
                                     const Conv2dParams&);
template void conv2d_fwd__ref<double>(TensorD&, const TensorD&, const TensorD&,
                                      const std::vector<double>&, const Conv2dGeometry&,
                                      const Conv2dParams&);
template void conv2d_bwd__ref<float>(Tensor&, Tensor&, std::vector<float>&, const Tensor&,
                                     const Tensor&, const Tensor&, const Conv2dGeometry&,
                                     const Conv2dParams&);
template void conv2d_bwd__ref<double>(TensorD&, TensorD&, std::vector<double>&, const TensorD&,
                                      const TensorD&, const TensorD&, const Conv2dGeometry&,
                                      const Conv2dParams&);

}  // namespace convplay::kernels
