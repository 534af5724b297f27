#include "simd/batchnorm_simd128.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstddef>

#include "simd/vec.h"

namespace convplay::kernels {

namespace {

using simd::f32x4;
using simd::hsum;
using simd::load;
using simd::splat;
using simd::store;

constexpr size_t kBlock = 1024;

// The planes of channel c: f(pointer to the plane of image n, plane size).
template <typename F>
void for_planes(const Tensor& t, int c, F&& f) {
  const size_t plane = static_cast<size_t>(t.shape.h) * static_cast<size_t>(t.shape.w);
  for (int n = 0; n < t.shape.n; ++n) f(t.index(n, c, 0, 0), plane);
}

// sum of x[i] - mu over [0, len): f32x4 lanes per block, blocks in double.
double sum_minus(const float* x, size_t len, float mu, double* sq_out) {
  double sum = 0.0, sq = 0.0;
  const f32x4 m = splat(mu);
  for (size_t b0 = 0; b0 < len; b0 += kBlock) {
    const size_t b1 = std::min(len, b0 + kBlock);
    f32x4 s0 = splat(0), s1 = s0, q0 = s0, q1 = s0;
    size_t i = b0;
    for (; i + 8 <= b1; i += 8) {
      const f32x4 d0 = load(x + i) - m, d1 = load(x + i + 4) - m;
      s0 = s0 + d0;
      s1 = s1 + d1;
      q0 = q0 + d0 * d0;
      q1 = q1 + d1 * d1;
    }
    float ts = 0.0f, tq = 0.0f;
    for (; i < b1; ++i) {
      const float d = x[i] - mu;
      ts += d;
      tq += d * d;
    }
    sum += static_cast<double>(hsum(s0 + s1)) + ts;
    sq += static_cast<double>(hsum(q0 + q1)) + tq;
  }
  if (sq_out) *sq_out += sq;
  return sum;
}

}  // namespace

void batchnorm_f32_fwd__simd128(Tensor& y, std::vector<double>& mean, std::vector<double>& var,
                                const Tensor& x, const std::vector<float>& gamma,
                                const std::vector<float>& beta, double eps) {
  const int C = x.shape.c;
  assert(y.shape == x.shape && static_cast<int>(gamma.size()) == C);
  const double m = static_cast<double>(x.shape.n) * x.shape.h * x.shape.w;
  mean.assign(static_cast<size_t>(C), 0.0);
  var.assign(static_cast<size_t>(C), 0.0);
  for (int c = 0; c < C; ++c) {
    const size_t k = static_cast<size_t>(c);
    // One pass for both sums, taken around `origin`, the mean of the channel's
    // first (up to 1024) values: deviations stay small, so a large mean loses
    // no digits and var = E[d^2] - E[d]^2 does not cancel.
    const float* first = &x.data[x.index(0, c, 0, 0)];
    const size_t head = std::min<size_t>(kBlock, static_cast<size_t>(x.shape.h) * x.shape.w);
    const float origin =
        static_cast<float>(sum_minus(first, head, 0.0f, nullptr) / static_cast<double>(head));
    double sum = 0.0, sq = 0.0;
    for_planes(x, c,
               [&](size_t at, size_t len) { sum += sum_minus(&x.data[at], len, origin, &sq); });
    const double dm = sum / m;
    const double mu = static_cast<double>(origin) + dm;
    const float muf = static_cast<float>(mu);
    const double d = mu - static_cast<double>(muf);
    mean[k] = mu;
    var[k] = std::max(0.0, sq / m - dm * dm);
    const double rstd = 1.0 / std::sqrt(var[k] + eps);
    // y = (x - muf) * scale + shift, scale = gamma * rstd, shift = beta - d * scale
    const double scale = static_cast<double>(gamma[k]) * rstd;
    const f32x4 vs = splat(static_cast<float>(scale)), vm = splat(muf);
    const float shift = static_cast<float>(static_cast<double>(beta[k]) - d * scale);
    const f32x4 vb = splat(shift);
    for_planes(x, c, [&](size_t at, size_t len) {
      const float* in = &x.data[at];
      float* out = &y.data[at];
      size_t i = 0;
      for (; i + 4 <= len; i += 4) store(out + i, (load(in + i) - vm) * vs + vb);
      for (; i < len; ++i) out[i] = (in[i] - muf) * static_cast<float>(scale) + shift;
    });
  }
}

void batchnorm_f32_bwd__simd128(Tensor& dx, std::vector<double>& dgamma, std::vector<double>& dbeta,
                                std::vector<double>& mean_of_x, const Tensor& dy, const Tensor& x,
                                const std::vector<float>& gamma, const std::vector<float>& mean,
                                const std::vector<float>& rstd) {
  const int C = x.shape.c;
  assert(dx.shape == x.shape && dy.shape == x.shape);
  const double m = static_cast<double>(x.shape.n) * x.shape.h * x.shape.w;
  dgamma.assign(static_cast<size_t>(C), 0.0);
  dbeta.assign(static_cast<size_t>(C), 0.0);
  mean_of_x.assign(static_cast<size_t>(C), 0.0);
  for (int c = 0; c < C; ++c) {
    const size_t k = static_cast<size_t>(c);
    const double r = rstd[k], g = gamma[k];
    // Deviations from the float mean muf; the mean of x in double is then
    // muf + d with d = sum (x - muf) / m.
    const float muf = mean[k];
    const f32x4 vm = splat(muf);
    // s_dy = sum dy, s_dyx = sum dy (x - muf), s_x = sum (x - muf)
    double s_dy = 0.0, s_dyx = 0.0, s_x = 0.0;
    for_planes(x, c, [&](size_t at, size_t len) {
      const float* xi = &x.data[at];
      const float* gi = &dy.data[at];
      for (size_t b0 = 0; b0 < len; b0 += kBlock) {
        const size_t b1 = std::min(len, b0 + kBlock);
        f32x4 a = splat(0), b = a, e = a;
        size_t i = b0;
        for (; i + 4 <= b1; i += 4) {
          const f32x4 gv = load(gi + i), xv = load(xi + i) - vm;
          a = a + gv;
          b = b + gv * xv;
          e = e + xv;
        }
        float ta = 0.0f, tb = 0.0f, te = 0.0f;
        for (; i < b1; ++i) {
          const float xv = xi[i] - muf;
          ta += gi[i];
          tb += gi[i] * xv;
          te += xv;
        }
        s_dy += static_cast<double>(hsum(a)) + ta;
        s_dyx += static_cast<double>(hsum(b)) + tb;
        s_x += static_cast<double>(hsum(e)) + te;
      }
    });
    const double d = s_x / m;
    mean_of_x[k] = static_cast<double>(muf) + d;
    const double dyxm = s_dyx - d * s_dy;     // sum dy (x - mu)
    const double dev = -2.0 * (s_x - m * d);  // sum -2 (x - mu): 0 up to rounding
    const double dvar = -0.5 * r * r * r * g * dyxm;
    const double dmu = -r * g * s_dy + dvar * dev / m;
    dbeta[k] = s_dy;
    dgamma[k] = r * dyxm;
    // dx = dy g r + dvar 2 (x - mu) / m + dmu / m = dy A + (x - muf) B + D
    const double B = 2.0 * dvar / m;
    const float A = static_cast<float>(g * r), Bf = static_cast<float>(B);
    const float D = static_cast<float>(dmu / m - B * d);
    const f32x4 va = splat(A), vb = splat(Bf), vd = splat(D);
    for_planes(x, c, [&](size_t at, size_t len) {
      const float* xi = &x.data[at];
      const float* gi = &dy.data[at];
      float* out = &dx.data[at];
      size_t i = 0;
      for (; i + 4 <= len; i += 4)
        store(out + i, load(gi + i) * va + (load(xi + i) - vm) * vb + vd);
      for (; i < len; ++i) out[i] = gi[i] * A + (xi[i] - muf) * Bf + D;
    });
  }
}

}  // namespace convplay::kernels
