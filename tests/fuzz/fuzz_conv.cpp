// libFuzzer target: a small layer of any geometry (some invalid), then every
// entry point on it. The entry points must accept the layer or throw
// convplay::Error. For an accepted layer:
// - the double-precision forward pass agrees with the formula evaluated here
//   directly, and its backward pass is the forward's adjoint:
//   sum dy * (y - b) = sum dx * x = sum dw * w, and db(k) = sum of dy over k;
// - every float forward and backward kernel variant (dx, dw, db) agrees with
//   the double reference;
// - batch norm on the same input, forward (training and inference) and
//   backward, float and double, agrees with its formulas evaluated here.
// Any disagreement traps. Build and run: scripts/fuzz.sh conv [seconds].
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "convplay/batchnorm.h"
#include "convplay/conv.h"
#include "convplay/kernels.h"

using namespace convplay;

namespace {

// A dispatch list followed by the variants the dispatch never picks.
template <typename V>
std::vector<V> every_variant(const std::vector<V>& dispatched, const std::vector<V>& unpicked) {
  std::vector<V> all = dispatched;
  all.insert(all.end(), unpicked.begin(), unpicked.end());
  return all;
}

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// |a - b| within rel * (1 + scale).
bool close(double a, double b, double rel, double scale) {
  return std::fabs(a - b) <= rel * (1.0 + scale);
}

struct Bytes {
  const uint8_t* d;
  size_t n;
  uint8_t at(size_t i) const { return d[i % n]; }
};

template <typename T>
BasicTensor<T> filled(const Shape& s, const Bytes& b, size_t salt, double scale, double shift) {
  BasicTensor<T> t(s);
  for (size_t i = 0; i < t.data.size(); ++i)
    t.data[i] = static_cast<T>(b.at(i * 7 + salt) * scale + shift);
  return t;
}

template <typename T>
BasicTensor<T> cast(const TensorD& x) {
  BasicTensor<T> t(x.shape);
  for (size_t i = 0; i < x.data.size(); ++i) t.data[i] = static_cast<T>(x.data[i]);
  return t;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

double abs_sum(const std::vector<double>& v) {
  double s = 0;
  for (double e : v) s += std::fabs(e);
  return s;
}

// y(n,k,i,j) = b(k) + sum over c, a, e of x(n, c, i*S + a*D - P, j*S + e*D - P) * w(k, c, a', e').
double direct(const TensorD& x, const TensorD& w, const std::vector<double>& b,
              const Conv2dParams& p, int n, int k, int i, int j) {
  const Shape& ws = w.shape;
  double s = b.empty() ? 0.0 : b[static_cast<size_t>(k)];
  for (int c = 0; c < ws.c; ++c)
    for (int a = 0; a < ws.h; ++a)
      for (int e = 0; e < ws.w; ++e) {
        const int r =
            pad_source_index(i * p.stride_h + a * p.dilation_h - p.pad_h, x.shape.h, p.pad_mode);
        const int q =
            pad_source_index(j * p.stride_w + e * p.dilation_w - p.pad_w, x.shape.w, p.pad_mode);
        if (r < 0 || q < 0) continue;
        const bool rot = p.mode == ConvMode::convolution;
        s += x.at(n, c, r, q) * w.at(k, c, rot ? ws.h - 1 - a : a, rot ? ws.w - 1 - e : e);
      }
  return s;
}

void fuzz_conv(const Bytes& b, const Shape& xs, const Shape& ws, const Conv2dParams& p) {
  Conv2dGeometry g;
  try {
    g = conv2d_geometry(xs, ws, p);
  } catch (const Error&) {
    return;
  }
  const TensorD x = filled<double>(xs, b, 0, 1.0 / 64, -2.0);
  const TensorD w = filled<double>(ws, b, 3, 1.0 / 128, -1.0);
  const TensorD dy = filled<double>(g.output, b, 5, 1.0 / 32, -4.0);
  std::vector<double> bias;
  if (b.at(13) & 1) {
    for (int k = 0; k < ws.n; ++k) bias.push_back(b.at(17 + static_cast<size_t>(k)) / 16.0 - 8.0);
  }
  const int taps = ws.c * ws.h * ws.w;

  // The double path against the formula, and its backward as the adjoint.
  TensorD y, dx, dw;
  std::vector<double> db;
  conv2d_forward(y, x, w, bias, p);
  check(y.shape == g.output);
  const Shape& os = g.output;
  for (int n = 0; n < os.n; ++n)
    for (int k = 0; k < os.c; ++k)
      for (int i = 0; i < os.h; ++i)
        for (int j = 0; j < os.w; ++j)
          check(close(y.at(n, k, i, j), direct(x, w, bias, p, n, k, i, j), 1e-12, 4.0 * taps));
  conv2d_backward(dx, dw, db, dy, x, w, p);
  check(dx.shape == xs && dw.shape == ws && db.size() == static_cast<size_t>(ws.n));
  TensorD y0 = y;  // without the bias
  for (int n = 0; n < os.n; ++n)
    for (int k = 0; k < os.c; ++k)
      for (int i = 0; i < os.h; ++i)
        for (int j = 0; j < os.w; ++j)
          if (!bias.empty()) y0.at(n, k, i, j) -= bias[static_cast<size_t>(k)];
  const double ydy = dot(dy.data, y0.data);
  const double scale = abs_sum(dy.data) * 2.0 * taps;
  check(close(dot(dx.data, x.data), ydy, 1e-10, scale));
  check(close(dot(dw.data, w.data), ydy, 1e-10, scale));
  for (int k = 0; k < os.c; ++k) {
    double s = 0;
    for (int n = 0; n < os.n; ++n)
      for (int i = 0; i < os.h; ++i)
        for (int j = 0; j < os.w; ++j) s += dy.at(n, k, i, j);
    check(close(db[static_cast<size_t>(k)], s, 1e-12, std::fabs(s)));
  }

  // Every float kernel variant against the double reference. Kernels only
  // cross-correlate: for true convolution they get the rotated kernels (as
  // the entry points give them) and their dL/dw is rotated back.
  const bool rot = p.mode == ConvMode::convolution;
  Conv2dParams pk = p;
  pk.mode = ConvMode::cross_correlation;
  const Tensor xf = cast<float>(x), wf = cast<float>(w), dyf = cast<float>(dy);
  const Tensor wk = rot ? kernels::flip_kernels(wf) : wf;
  const std::vector<float> bf(bias.begin(), bias.end());
  const double rel = 1e-5;
  for (const auto& v : every_variant(kernels::conv2d_f32_fwd_variants(),
                                     kernels::conv2d_f32_fwd_unpicked_variants())) {
    if (!v.supports(g, pk)) continue;
    Tensor yf(g.output);
    v.run(yf, xf, wk, bf, g, pk);
    for (size_t i = 0; i < yf.data.size(); ++i)
      check(close(yf.data[i], y.data[i], rel, 4.0 * taps));
  }
  const double per_w = 8.0 * os.n * os.h * os.w;  // |dy * x| summed into one dw
  const double per_x = 4.0 * os.c * ws.h * ws.w * (p.pad_mode == PadMode::zero ? 1 : 4);
  auto check_dx = [&](const Tensor& dxf) {
    for (size_t i = 0; i < dxf.data.size(); ++i)
      check(close(dxf.data[i], dx.data[i], rel, per_x * (1 + os.h * os.w)));
  };
  auto check_dw = [&](const Tensor& dwk, const std::vector<float>& dbf) {
    const Tensor dwf = rot ? kernels::flip_kernels(dwk) : dwk;
    for (size_t i = 0; i < dwf.data.size(); ++i) check(close(dwf.data[i], dw.data[i], rel, per_w));
    for (size_t i = 0; i < dbf.size(); ++i) check(close(dbf[i], db[i], rel, per_w));
  };
  for (const auto& v : kernels::conv2d_f32_bwd_variants()) {
    if (!v.supports(g, pk)) continue;
    Tensor dxf(xs), dwk(ws);
    std::vector<float> dbf(static_cast<size_t>(ws.n));
    v.run(dxf, dwk, dbf, dyf, xf, wk, g, pk);
    check_dx(dxf);
    check_dw(dwk, dbf);
  }
  for (const auto& v : every_variant(kernels::conv2d_f32_bwd_data_variants(),
                                     kernels::conv2d_f32_bwd_data_unpicked_variants())) {
    if (!v.supports(g, pk)) continue;
    Tensor dxf(xs);
    v.run(dxf, dyf, wk, g, pk);
    check_dx(dxf);
  }
  for (const auto& v : every_variant(kernels::conv2d_f32_bwd_filter_variants(),
                                     kernels::conv2d_f32_bwd_filter_unpicked_variants())) {
    if (!v.supports(g, pk)) continue;
    Tensor dwk(ws);
    std::vector<float> dbf(static_cast<size_t>(ws.n));
    v.run(dwk, dbf, dyf, xf, g, pk);
    check_dw(dwk, dbf);
  }
  // The public float entry points run one of those variants.
  Tensor yf, dxf, dwf;
  std::vector<float> dbf;
  conv2d_forward(yf, xf, wf, bf, p);
  conv2d_backward(dxf, dwf, dbf, dyf, xf, wf, p);
  check(yf.shape == os && dxf.shape == xs && dwf.shape == ws);
}

// Batch norm over x (N, C, H, W): training forward and backward, and
// inference, in float and double, against the formulas.
void fuzz_batchnorm(const Bytes& b, const Shape& xs) {
  try {
    xs.count();
  } catch (const Error&) {
    return;
  }
  const TensorD x = filled<double>(xs, b, 1, 1.0 / 64, -2.0);
  const TensorD dy = filled<double>(xs, b, 9, 1.0 / 32, -4.0);
  std::vector<double> gamma, beta, rm, rv;
  for (int c = 0; c < xs.c; ++c) {
    const size_t k = static_cast<size_t>(c);
    gamma.push_back(b.at(21 + k) / 64.0 - 2.0);
    beta.push_back(b.at(25 + k) / 64.0 - 2.0);
    rm.push_back(b.at(29 + k) / 64.0 - 2.0);
    rv.push_back(b.at(33 + k) / 64.0);
  }
  const double eps_choices[] = {1e-5, 1e-3, 0.1, 1.0};
  BatchNormParams p;
  p.eps = eps_choices[b.at(37) % 4];
  const double md = static_cast<double>(int64_t{xs.n} * xs.h * xs.w);
  const int64_t m = static_cast<int64_t>(md);

  TensorD y;
  BatchNormSaved<double> saved;
  batchnorm_forward_train(y, saved, x, gamma, beta, p);
  BatchNormGrads<double> gr;
  batchnorm_backward(gr, dy, x, gamma, saved);
  Tensor yf;
  BatchNormSaved<float> savedf;
  const Tensor xf = cast<float>(x), dyf = cast<float>(dy);
  const std::vector<float> gf(gamma.begin(), gamma.end()), bf(beta.begin(), beta.end());
  batchnorm_forward_train(yf, savedf, xf, gf, bf, p);
  BatchNormGrads<float> grf;
  batchnorm_backward(grf, dyf, xf, gf, savedf);

  for (int c = 0; c < xs.c; ++c) {
    const size_t k = static_cast<size_t>(c);
    // mu, the biased variance, rstd.
    double mu = 0, var = 0;
    for (int n = 0; n < xs.n; ++n)
      for (int i = 0; i < xs.h; ++i)
        for (int j = 0; j < xs.w; ++j) mu += x.at(n, c, i, j);
    mu /= static_cast<double>(m);
    for (int n = 0; n < xs.n; ++n)
      for (int i = 0; i < xs.h; ++i)
        for (int j = 0; j < xs.w; ++j) var += (x.at(n, c, i, j) - mu) * (x.at(n, c, i, j) - mu);
    var /= static_cast<double>(m);
    const double rstd = 1.0 / std::sqrt(var + p.eps);
    check(close(saved.mean[k], mu, 1e-12, 2.0));
    check(close(saved.var[k], var, 1e-12, 4.0));
    check(close(saved.rstd[k], rstd, 1e-10, rstd));
    // dL/dx_i = rstd / m * (m * dxhat_i - sum dxhat - xhat_i * sum dxhat * xhat), the
    // lecture's node-by-node formulas collapsed; dgamma, dbeta.
    double sum_dxhat = 0, sum_dxhat_xhat = 0, dgamma = 0, dbeta = 0;
    for (int n = 0; n < xs.n; ++n)
      for (int i = 0; i < xs.h; ++i)
        for (int j = 0; j < xs.w; ++j) {
          const double xh = (x.at(n, c, i, j) - mu) * rstd, g = dy.at(n, c, i, j);
          sum_dxhat += g * gamma[k];
          sum_dxhat_xhat += g * gamma[k] * xh;
          dgamma += g * xh;
          dbeta += g;
        }
    check(close(gr.dgamma[k], dgamma, 1e-10, std::fabs(dgamma) + 4.0 * md));
    check(close(gr.dbeta[k], dbeta, 1e-12, 4.0 * md));
    const double gmax = std::fabs(gamma[k]) * 4.0;
    for (int n = 0; n < xs.n; ++n)
      for (int i = 0; i < xs.h; ++i)
        for (int j = 0; j < xs.w; ++j) {
          const double xh = (x.at(n, c, i, j) - mu) * rstd;
          const double yv = gamma[k] * xh + beta[k];
          const double dxv = rstd / static_cast<double>(m) *
                             (static_cast<double>(m) * dy.at(n, c, i, j) * gamma[k] - sum_dxhat -
                              xh * sum_dxhat_xhat);
          const double dx_scale = rstd * gmax * 3.0;
          check(close(saved.xhat.at(n, c, i, j), xh, 1e-9, std::fabs(xh)));
          check(close(y.at(n, c, i, j), yv, 1e-9, std::fabs(yv)));
          check(close(gr.dx.at(n, c, i, j), dxv, 1e-8, dx_scale));
          // float against double: xhat carries float's error times rstd.
          const double fr = 1e-4 * (1.0 + rstd);
          check(close(yf.at(n, c, i, j), yv, fr, std::fabs(gamma[k]) * (1 + std::fabs(xh))));
          check(close(grf.dx.at(n, c, i, j), dxv, fr, dx_scale * (1 + rstd)));
        }
  }

  // Inference: the running statistics, and what was used.
  TensorD yi;
  BatchNormSaved<double> used;
  batchnorm_forward_infer(yi, x, gamma, beta, rm, rv, p, &used);
  for (int c = 0; c < xs.c; ++c) {
    const size_t k = static_cast<size_t>(c);
    const double rstd = 1.0 / std::sqrt(rv[k] + p.eps);
    check(used.mean[k] == rm[k] && used.var[k] == rv[k]);
    check(close(used.rstd[k], rstd, 1e-12, rstd));
    for (int n = 0; n < xs.n; ++n)
      for (int i = 0; i < xs.h; ++i)
        for (int j = 0; j < xs.w; ++j) {
          const double xh = (x.at(n, c, i, j) - rm[k]) * rstd;
          check(close(used.xhat.at(n, c, i, j), xh, 1e-12, std::fabs(xh)));
          check(close(yi.at(n, c, i, j), gamma[k] * xh + beta[k], 1e-12, std::fabs(xh) * 4 + 2));
        }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 13) return 0;
  const Bytes b{data, size};
  // Small sizes, with 0 and -1 among them so that the validation is fuzzed too.
  auto small = [&](size_t i, int lo, int span) { return lo + static_cast<int>(data[i] % span); };
  const Shape xs{small(0, 0, 3), small(1, 0, 4), small(2, 0, 10), small(3, 0, 10)};
  const Shape ws{small(4, 0, 4), small(5, 0, 4), small(6, 0, 5), small(7, 0, 5)};
  Conv2dParams p;
  p.stride_h = small(8, -1, 5);
  p.stride_w = small(8, -1, 5) + (data[12] >> 6) % 2;
  p.pad_h = small(9, -1, 8);
  p.pad_w = small(9, -1, 8) + (data[12] >> 4) % 3;
  p.dilation_h = small(10, -1, 4);
  p.dilation_w = small(10, -1, 4) + (data[12] >> 3) % 2;
  p.pad_mode = static_cast<PadMode>(data[11] % 4);
  p.mode = (data[11] & 4) ? ConvMode::convolution : ConvMode::cross_correlation;
  fuzz_conv(b, xs, ws, p);
  if (data[12] & 1) fuzz_batchnorm(b, xs);
  return 0;
}
