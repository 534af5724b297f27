#include "portable/conv2d_rows.h"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>

#include "pad.h"

namespace convplay::kernels {

namespace {

struct Padded {
  int h, w;                 // padded height and width
  std::vector<float> data;  // (C, h, w)
};

// Row and column maps of the padded input: padded coordinate -> input
// coordinate, or -1 for a zero.
std::vector<int> source_map(int size, int pad, PadMode mode) {
  std::vector<int> m(static_cast<size_t>(size + 2 * pad));
  for (int i = 0; i < size + 2 * pad; ++i)
    m[static_cast<size_t>(i)] = pad_index(i - pad, size, mode);
  return m;
}

Padded pad_image(const Tensor& x, int n, const std::vector<int>& rows,
                 const std::vector<int>& cols) {
  const Shape& xs = x.shape;
  Padded out{static_cast<int>(rows.size()), static_cast<int>(cols.size()), {}};
  out.data.assign(static_cast<size_t>(xs.c) * rows.size() * cols.size(), 0.0f);
  float* dst = out.data.data();
  for (int c = 0; c < xs.c; ++c) {
    for (int r : rows) {
      if (r < 0) {
        dst += out.w;
        continue;
      }
      const float* src = &x.at(n, c, r, 0);
      for (int s : cols) *dst++ = s < 0 ? 0.0f : src[s];
    }
  }
  return out;
}

}  // namespace

bool conv2d_rows_supported(const Conv2dGeometry& g, const Conv2dParams& p) {
  const int64_t padded =
      int64_t{g.input.c} * (g.input.h + 2 * int64_t{p.pad_h}) * (g.input.w + 2 * int64_t{p.pad_w});
  return padded <= 4 * int64_t{g.input.c} * g.input.h * g.input.w + (int64_t{1} << 20);
}

void conv2d_f32_fwd_rows__auto(Tensor& y, const Tensor& x, const Tensor& w,
                               const std::vector<float>& b, const Conv2dGeometry& g,
                               const Conv2dParams& p) {
  const Shape& xs = g.input;
  const Shape& ws = g.weight;
  const Shape& ys = g.output;
  assert(y.shape == ys && x.shape == xs && w.shape == ws);
  assert(p.mode == ConvMode::cross_correlation);  // the entry point flips the kernels
  const std::vector<int> rows = source_map(xs.h, p.pad_h, p.pad_mode);
  const std::vector<int> cols = source_map(xs.w, p.pad_w, p.pad_mode);
  const int sw = p.stride_w;

  for (int n = 0; n < ys.n; ++n) {
    const Padded xp = pad_image(x, n, rows, cols);
    for (int k = 0; k < ys.c; ++k) {
      float* yk = &y.at(n, k, 0, 0);
      std::fill(yk, yk + static_cast<size_t>(ys.h) * ys.w,
                b.empty() ? 0.0f : b[static_cast<size_t>(k)]);
      for (int c = 0; c < xs.c; ++c) {
        const float* xc = xp.data.data() + static_cast<size_t>(c) * xp.h * xp.w;
        for (int a = 0; a < ws.h; ++a) {
          for (int bb = 0; bb < ws.w; ++bb) {
            const float wv = w.at(k, c, a, bb);
            for (int i = 0; i < ys.h; ++i) {
              const float* in = xc + static_cast<size_t>(i * p.stride_h + a * p.dilation_h) * xp.w +
                                bb * p.dilation_w;
              float* out = yk + static_cast<size_t>(i) * ys.w;
              if (sw == 1) {
                for (int j = 0; j < ys.w; ++j) out[j] += wv * in[j];
              } else {
                for (int j = 0; j < ys.w; ++j) out[j] += wv * in[static_cast<size_t>(j) * sw];
              }
            }
          }
        }
      }
    }
  }
}

void conv2d_f32_bwd_rows__auto(Tensor& dx, Tensor& dw, std::vector<float>& db, const Tensor& dy,
                               const Tensor& x, const Tensor& w, const Conv2dGeometry& g,
                               const Conv2dParams& p) {
  const Shape& xs = g.input;
  const Shape& ws = g.weight;
  const Shape& ys = g.output;
  assert(dy.shape == ys && x.shape == xs && w.shape == ws);
  assert(dx.shape == xs && dw.shape == ws && static_cast<int>(db.size()) == ws.n);
  std::fill(dx.data.begin(), dx.data.end(), 0.0f);
  std::fill(dw.data.begin(), dw.data.end(), 0.0f);
  std::fill(db.begin(), db.end(), 0.0f);
  const std::vector<int> rows = source_map(xs.h, p.pad_h, p.pad_mode);
  const std::vector<int> cols = source_map(xs.w, p.pad_w, p.pad_mode);
  const int sw = p.stride_w;
  const size_t plane = static_cast<size_t>(ys.h) * ys.w;

  for (int n = 0; n < ys.n; ++n) {
    const Padded xp = pad_image(x, n, rows, cols);
    std::vector<float> dxp(xp.data.size(), 0.0f);  // dL/d(padded input)
    for (int k = 0; k < ys.c; ++k) {
      const float* g_k = &dy.at(n, k, 0, 0);
      float sum = 0.0f;
      for (size_t i = 0; i < plane; ++i) sum += g_k[i];
      db[static_cast<size_t>(k)] += sum;
      for (int c = 0; c < xs.c; ++c) {
        const size_t off = static_cast<size_t>(c) * xp.h * xp.w;
        const float* xc = xp.data.data() + off;
        float* dxc = dxp.data() + off;
        for (int a = 0; a < ws.h; ++a) {
          for (int bb = 0; bb < ws.w; ++bb) {
            const float wv = w.at(k, c, a, bb);
            // Four partial sums so the dot product vectorises without
            // reassociating one accumulator.
            float acc[4] = {0, 0, 0, 0};
            for (int i = 0; i < ys.h; ++i) {
              const size_t at = static_cast<size_t>(i * p.stride_h + a * p.dilation_h) * xp.w +
                                static_cast<size_t>(bb * p.dilation_w);
              const float* in = xc + at;
              float* din = dxc + at;
              const float* gi = g_k + static_cast<size_t>(i) * ys.w;
              if (sw == 1) {
                int j = 0;
                for (; j + 4 <= ys.w; j += 4) {
                  for (int l = 0; l < 4; ++l) acc[l] += gi[j + l] * in[j + l];
                }
                for (; j < ys.w; ++j) acc[0] += gi[j] * in[j];
                for (j = 0; j < ys.w; ++j) din[j] += gi[j] * wv;
              } else {
                for (int j = 0; j < ys.w; ++j) {
                  acc[0] += gi[j] * in[static_cast<size_t>(j) * sw];
                  din[static_cast<size_t>(j) * sw] += gi[j] * wv;
                }
              }
            }
            dw.at(k, c, a, bb) += (acc[0] + acc[1]) + (acc[2] + acc[3]);
          }
        }
      }
    }
    // Fold the padded gradient back: padding sends its share to the pixel it copied.
    for (int c = 0; c < xs.c; ++c) {
      const float* src = dxp.data() + static_cast<size_t>(c) * xp.h * xp.w;
      for (int r = 0; r < xp.h; ++r) {
        const int rr = rows[static_cast<size_t>(r)];
        if (rr < 0) continue;
        float* drow = &dx.at(n, c, rr, 0);
        const float* srow = src + static_cast<size_t>(r) * xp.w;
        for (int s = 0; s < xp.w; ++s) {
          const int cc = cols[static_cast<size_t>(s)];
          if (cc >= 0) drow[cc] += srow[s];
        }
      }
    }
  }
}

}  // namespace convplay::kernels
