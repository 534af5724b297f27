// Batch normalization: the lecture's m = 2 exercise by hand, every node of the
// graph against central finite differences (double), float against double,
// numerics (large mean, m = 1), inference, running statistics, and every
// validation error.

#include <doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "convplay/batchnorm.h"
#include "convplay/kernels.h"

using namespace convplay;

namespace {

template <typename T>
BasicTensor<T> random_tensor(Shape s, std::mt19937& rng, double lo = -2.0, double hi = 2.0) {
  std::uniform_real_distribution<double> d(lo, hi);
  BasicTensor<T> t(s);
  for (auto& v : t.data) v = static_cast<T>(d(rng));
  return t;
}

std::vector<double> random_vector(size_t n, std::mt19937& rng, double lo, double hi) {
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<double> v(n);
  for (auto& e : v) e = d(rng);
  return v;
}

// CHECKs that the largest |got - want| / max(1, |want|) is below tol, and
// prints where it is on failure (llm.c's check_tensor).
template <typename A, typename B>
void check_close(const std::vector<A>& got, const std::vector<B>& want, double tol,
                 const char* what) {
  REQUIRE(got.size() == want.size());
  double worst = 0.0;
  size_t at = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double g = static_cast<double>(got[i]), w = static_cast<double>(want[i]);
    double d = std::fabs(g - w) / std::max(1.0, std::fabs(w));
    if (std::isnan(d)) d = HUGE_VAL;
    if (d > worst) {
      worst = d;
      at = i;
    }
  }
  INFO(std::string(what) << ": largest difference " << worst << " at index " << at << " (got "
                         << static_cast<double>(got[at]) << ", want "
                         << static_cast<double>(want[at]) << ")");
  CHECK(worst < tol);
}

bool all_finite(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [](double e) { return std::isfinite(e); });
}

// L = sum_i w_i * y_i, so dL/dy = w.
double loss(const TensorD& y, const TensorD& w) {
  double s = 0.0;
  for (size_t i = 0; i < y.data.size(); ++i) s += y.data[i] * w.data[i];
  return s;
}

double train_loss(const TensorD& x, const std::vector<double>& gamma,
                  const std::vector<double>& beta, const TensorD& w, const BatchNormParams& p) {
  TensorD y;
  BatchNormSaved<double> saved;
  batchnorm_forward_train(y, saved, x, gamma, beta, p);
  return loss(y, w);
}

// The values of channel c, in (n, h, w) order.
std::vector<double> channel(const TensorD& x, int c) {
  std::vector<double> v;
  for (int n = 0; n < x.shape.n; ++n)
    for (int h = 0; h < x.shape.h; ++h)
      for (int w = 0; w < x.shape.w; ++w) v.push_back(x.at(n, c, h, w));
  return v;
}

// The test's own forward of one channel from chosen mu and var:
//   sum_i w_i * (gamma * (x_i - mu) / sqrt(var + eps) + beta)
double channel_loss_from(const std::vector<double>& xs, const std::vector<double>& ws, double mu,
                         double var, double eps, double gamma, double beta) {
  double s = 0.0;
  for (size_t i = 0; i < xs.size(); ++i) {
    s += ws[i] * (gamma * (xs[i] - mu) / std::sqrt(var + eps) + beta);
  }
  return s;
}

// The same with var a function of mu, var(mu) = (1/m) sum (x_i - mu)^2: its
// derivative in mu is the total dL/dmu, both paths of the lecture's graph.
double channel_loss_of_mu(const std::vector<double>& xs, const std::vector<double>& ws, double mu,
                          double eps, double gamma, double beta) {
  double var = 0.0;
  for (double v : xs) var += (v - mu) * (v - mu);
  var /= static_cast<double>(xs.size());
  return channel_loss_from(xs, ws, mu, var, eps, gamma, beta);
}

void check_gradients_by_finite_differences(Shape s, unsigned seed) {
  std::mt19937 rng(seed);
  const BatchNormParams p{1e-3, 0.1};
  const TensorD x = random_tensor<double>(s, rng);
  const TensorD w = random_tensor<double>(s, rng);  // dL/dy
  const auto C = static_cast<size_t>(s.c);
  const std::vector<double> gamma = random_vector(C, rng, 0.5, 2.0);
  const std::vector<double> beta = random_vector(C, rng, -1.0, 1.0);

  TensorD y;
  BatchNormSaved<double> saved;
  batchnorm_forward_train(y, saved, x, gamma, beta, p);
  BatchNormGrads<double> g;
  batchnorm_backward(g, w, x, gamma, saved);
  REQUIRE(g.dx.shape == s);
  REQUIRE(g.dxhat.shape == s);
  REQUIRE(g.dgamma.size() == C);
  REQUIRE(g.dbeta.size() == C);
  REQUIRE(g.dvar.size() == C);
  REQUIRE(g.dmu.size() == C);

  const double h = 1e-5;
  const double tol = 1e-6;

  // dL/dx: perturb each input through the whole forward pass.
  std::vector<double> num_dx(x.data.size());
  for (size_t i = 0; i < x.data.size(); ++i) {
    TensorD xp = x, xm = x;
    xp.data[i] += h;
    xm.data[i] -= h;
    num_dx[i] = (train_loss(xp, gamma, beta, w, p) - train_loss(xm, gamma, beta, w, p)) / (2 * h);
  }
  check_close(g.dx.data, num_dx, tol, "dx");

  // dL/dgamma and dL/dbeta.
  std::vector<double> num_dgamma(C), num_dbeta(C);
  for (size_t c = 0; c < C; ++c) {
    auto gp = gamma, gm = gamma, bp = beta, bm = beta;
    gp[c] += h;
    gm[c] -= h;
    bp[c] += h;
    bm[c] -= h;
    num_dgamma[c] = (train_loss(x, gp, beta, w, p) - train_loss(x, gm, beta, w, p)) / (2 * h);
    num_dbeta[c] = (train_loss(x, gamma, bp, w, p) - train_loss(x, gamma, bm, w, p)) / (2 * h);
  }
  check_close(g.dgamma, num_dgamma, tol, "dgamma");
  check_close(g.dbeta, num_dbeta, tol, "dbeta");

  // dL/dxhat: L as a function of xhat directly, L = sum_i w_i (gamma xhat_i + beta).
  std::vector<double> num_dxhat(x.data.size());
  for (int n = 0; n < s.n; ++n)
    for (int c = 0; c < s.c; ++c)
      for (int hh = 0; hh < s.h; ++hh)
        for (int ww = 0; ww < s.w; ++ww) {
          const size_t i = x.index(n, c, hh, ww);
          const double gc = gamma[static_cast<size_t>(c)], bc = beta[static_cast<size_t>(c)];
          auto l = [&](double xh) { return w.data[i] * (gc * xh + bc); };
          const double xh = saved.xhat.data[i];
          num_dxhat[i] = (l(xh + h) - l(xh - h)) / (2 * h);
        }
  check_close(g.dxhat.data, num_dxhat, tol, "dxhat");

  // dL/dvar: the partial derivative, mu held at the batch mean, var perturbed.
  // dL/dmu: the total derivative, var recomputed from the perturbed mu.
  std::vector<double> num_dvar(C), num_dmu(C);
  for (int c = 0; c < s.c; ++c) {
    const auto k = static_cast<size_t>(c);
    const auto xs = channel(x, c), ws = channel(w, c);
    double mu = 0.0;
    for (double v : xs) mu += v;
    mu /= static_cast<double>(xs.size());
    double var = 0.0;
    for (double v : xs) var += (v - mu) * (v - mu);
    var /= static_cast<double>(xs.size());
    CHECK(saved.mean[k] == doctest::Approx(mu).epsilon(1e-12));
    CHECK(saved.var[k] == doctest::Approx(var).epsilon(1e-12));
    num_dvar[k] = (channel_loss_from(xs, ws, mu, var + h, p.eps, gamma[k], beta[k]) -
                   channel_loss_from(xs, ws, mu, var - h, p.eps, gamma[k], beta[k])) /
                  (2 * h);
    num_dmu[k] = (channel_loss_of_mu(xs, ws, mu + h, p.eps, gamma[k], beta[k]) -
                  channel_loss_of_mu(xs, ws, mu - h, p.eps, gamma[k], beta[k])) /
                 (2 * h);
  }
  check_close(g.dvar, num_dvar, tol, "dvar");
  check_close(g.dmu, num_dmu, tol, "dmu");
}

}  // namespace

TEST_CASE("batchnorm: the lecture's m = 2 exercise, worked by hand") {
  // One channel, x = {1, 3} as a (N, features) = (2, 1) batch.
  // gamma = 2, beta = 0.5, dL/dy = {0.3, -0.1}, eps = 1e-5; write s = sqrt(1 + eps).
  //   mu = 2, var = ((1-2)^2 + (3-2)^2) / 2 = 1, xhat = {-1/s, +1/s}
  //   y  = {0.5 - 2/s, 0.5 + 2/s}
  //   dL/dbeta  = 0.3 - 0.1 = 0.2
  //   dL/dgamma = 0.3 * (-1/s) + (-0.1) * (1/s) = -0.4/s
  //   dL/dxhat  = {0.3 * 2, -0.1 * 2} = {0.6, -0.2}
  //   dL/dvar   = (0.6 * (-1) + (-0.2) * (+1)) * (-1/2) * s^-3 = 0.4 / s^3
  //   dL/dmu    = (0.6 + (-0.2)) * (-1/s) + dL/dvar * (1/2) * (-2) * ((-1) + (+1)) = -0.4/s
  //   dL/dx_1   = 0.6/s + (0.4/s^3) * 2 * (-1) / 2 + (-0.4/s) / 2 = 0.4/s - 0.4/s^3
  //             = 0.4 (s^2 - 1) / s^3 = 0.4 eps / s^3
  //   dL/dx_2   = -0.2/s + 0.4/s^3 - 0.2/s = -0.4 eps / s^3
  // With two samples xhat = +-1/s whatever x is, so dL/dx is only O(eps):
  // dL/dx_1 + dL/dx_2 = 0 exactly, and both vanish when eps = 0.
  const double eps = 1e-5;
  const double s = std::sqrt(1.0 + eps);
  const TensorD x(Shape{2, 1, 1, 1}, {1.0, 3.0});
  const TensorD dy(Shape{2, 1, 1, 1}, {0.3, -0.1});
  const std::vector<double> gamma{2.0}, beta{0.5};
  const BatchNormParams p{eps, 0.1};

  TensorD y;
  BatchNormSaved<double> saved;
  batchnorm_forward_train(y, saved, x, gamma, beta, p);
  CHECK(saved.mean[0] == doctest::Approx(2.0).epsilon(1e-15));
  CHECK(saved.var[0] == doctest::Approx(1.0).epsilon(1e-15));
  CHECK(saved.rstd[0] == doctest::Approx(1.0 / s).epsilon(1e-15));
  CHECK(saved.xhat.data[0] == doctest::Approx(-1.0 / s).epsilon(1e-15));
  CHECK(saved.xhat.data[1] == doctest::Approx(1.0 / s).epsilon(1e-15));
  CHECK(y.data[0] == doctest::Approx(0.5 - 2.0 / s).epsilon(1e-15));
  CHECK(y.data[1] == doctest::Approx(0.5 + 2.0 / s).epsilon(1e-15));

  BatchNormGrads<double> g;
  batchnorm_backward(g, dy, x, gamma, saved);
  CHECK(g.dbeta[0] == doctest::Approx(0.2).epsilon(1e-14));
  CHECK(g.dgamma[0] == doctest::Approx(-0.4 / s).epsilon(1e-14));
  CHECK(g.dxhat.data[0] == doctest::Approx(0.6).epsilon(1e-15));
  CHECK(g.dxhat.data[1] == doctest::Approx(-0.2).epsilon(1e-15));
  CHECK(g.dvar[0] == doctest::Approx(0.4 / (s * s * s)).epsilon(1e-14));
  CHECK(g.dmu[0] == doctest::Approx(-0.4 / s).epsilon(1e-14));

  const double dx1 = 0.4 * eps / (s * s * s);
  CHECK(g.dx.data[0] == doctest::Approx(dx1).epsilon(1e-8));
  CHECK(g.dx.data[1] == doctest::Approx(-dx1).epsilon(1e-8));
  CHECK(std::fabs(g.dx.data[0] + g.dx.data[1]) < 1e-15);
  CHECK(std::fabs(g.dx.data[0]) < eps);  // O(eps), although dL/dy is O(0.1)

  SUBCASE("eps = 0: dL/dx vanishes exactly") {
    const BatchNormParams p0{0.0, 0.1};
    batchnorm_forward_train(y, saved, x, gamma, beta, p0);
    batchnorm_backward(g, dy, x, gamma, saved);
    CHECK(std::fabs(g.dx.data[0]) < 1e-15);
    CHECK(std::fabs(g.dx.data[1]) < 1e-15);
  }
  SUBCASE("float agrees with the hand values") {
    const Tensor xf(Shape{2, 1, 1, 1}, {1.0f, 3.0f});
    const Tensor dyf(Shape{2, 1, 1, 1}, {0.3f, -0.1f});
    Tensor yf;
    BatchNormSaved<float> sf;
    batchnorm_forward_train(yf, sf, xf, {2.0f}, {0.5f}, p);
    BatchNormGrads<float> gf;
    batchnorm_backward(gf, dyf, xf, {2.0f}, sf);
    CHECK(gf.dbeta[0] == doctest::Approx(0.2).epsilon(1e-6));
    CHECK(gf.dgamma[0] == doctest::Approx(-0.4 / s).epsilon(1e-6));
    CHECK(gf.dvar[0] == doctest::Approx(0.4 / (s * s * s)).epsilon(1e-6));
    CHECK(gf.dmu[0] == doctest::Approx(-0.4 / s).epsilon(1e-6));
    CHECK(std::fabs(gf.dx.data[0] + gf.dx.data[1]) < 1e-7);
    CHECK(std::fabs(gf.dx.data[0]) < 1e-5);
  }
}

TEST_CASE("batchnorm: gradients of every node by central finite differences (double)") {
  SUBCASE("features_4x3") { check_gradients_by_finite_differences(Shape{4, 3, 1, 1}, 1); }
  SUBCASE("nchw_2x3x4x5") { check_gradients_by_finite_differences(Shape{2, 3, 4, 5}, 2); }
  SUBCASE("n1_spatial_1x2x3x3") { check_gradients_by_finite_differences(Shape{1, 2, 3, 3}, 3); }
  SUBCASE("m2_2x1x1x1") { check_gradients_by_finite_differences(Shape{2, 1, 1, 1}, 4); }
  SUBCASE("wide_3x1x1x7") { check_gradients_by_finite_differences(Shape{3, 1, 1, 7}, 5); }
}

TEST_CASE("batchnorm: float against the double reference") {
  std::mt19937 rng(7);
  const Shape s{3, 4, 5, 2};
  const TensorD xd = random_tensor<double>(s, rng, -3.0, 5.0);
  const TensorD dyd = random_tensor<double>(s, rng);
  const std::vector<double> gd = random_vector(4, rng, 0.5, 2.0);
  const std::vector<double> bd = random_vector(4, rng, -1.0, 1.0);
  Tensor xf(s), dyf(s);
  for (size_t i = 0; i < xd.data.size(); ++i) {
    xf.data[i] = static_cast<float>(xd.data[i]);
    dyf.data[i] = static_cast<float>(dyd.data[i]);
  }
  // Use the float-rounded values in double too, so only the arithmetic differs.
  TensorD xr(s), dyr(s);
  for (size_t i = 0; i < xd.data.size(); ++i) {
    xr.data[i] = xf.data[i];
    dyr.data[i] = dyf.data[i];
  }
  std::vector<float> gf(gd.begin(), gd.end()), bf(bd.begin(), bd.end());
  const std::vector<double> gr(gf.begin(), gf.end()), br(bf.begin(), bf.end());
  const BatchNormParams p{1e-5, 0.1};

  TensorD yd;
  BatchNormSaved<double> sd;
  batchnorm_forward_train(yd, sd, xr, gr, br, p);
  BatchNormGrads<double> g_d;
  batchnorm_backward(g_d, dyr, xr, gr, sd);

  Tensor yf;
  BatchNormSaved<float> sf;
  batchnorm_forward_train(yf, sf, xf, gf, bf, p);
  BatchNormGrads<float> g_f;
  batchnorm_backward(g_f, dyf, xf, gf, sf);

  const double tol = 1e-5;
  check_close(yf.data, yd.data, tol, "y");
  check_close(sf.xhat.data, sd.xhat.data, tol, "xhat");
  check_close(sf.mean, sd.mean, tol, "mean");
  check_close(sf.var, sd.var, tol, "var");
  check_close(g_f.dx.data, g_d.dx.data, tol, "dx");
  check_close(g_f.dxhat.data, g_d.dxhat.data, tol, "dxhat");
  check_close(g_f.dgamma, g_d.dgamma, tol, "dgamma");
  check_close(g_f.dbeta, g_d.dbeta, tol, "dbeta");
  check_close(g_f.dvar, g_d.dvar, tol, "dvar");
  check_close(g_f.dmu, g_d.dmu, tol, "dmu");
}

TEST_CASE("batchnorm: a large mean with a tiny variance keeps its variance") {
  // x = 1e6 + {-2d, -d, +d, +2d} per channel: mean 1e6, var = (4+1+1+4) d^2 / 4 = 2.5 d^2.
  // A one-pass E[x^2] - E[x]^2 loses it: E[x^2] ~ 1e12, whose spacing in
  // double (~1.2e-4) exceeds the variance for d = 1e-3.
  SUBCASE("double, d = 1e-3") {
    const double d = 1e-3, var = 2.5 * d * d, eps = 1e-10;
    const TensorD x(Shape{4, 1, 1, 1}, {1e6 - 2 * d, 1e6 - d, 1e6 + d, 1e6 + 2 * d});
    TensorD y;
    BatchNormSaved<double> saved;
    batchnorm_forward_train(y, saved, x, {1.0}, {0.0}, BatchNormParams{eps, 0.1});
    // 1e6 + d is stored with an error of ~1e-10, so var is right to ~1e-6 relative.
    CHECK(saved.var[0] == doctest::Approx(var).epsilon(1e-5));
    CHECK(saved.mean[0] == doctest::Approx(1e6).epsilon(1e-15));
    const double r = 1.0 / std::sqrt(var + eps);
    CHECK(y.data[0] == doctest::Approx(-2 * d * r).epsilon(1e-5));
    CHECK(y.data[1] == doctest::Approx(-d * r).epsilon(1e-5));
    CHECK(y.data[3] == doctest::Approx(2 * d * r).epsilon(1e-5));
    // Batch norm ignores a shift of its input: the same batch around 0 must
    // give the same outputs and gradients.
    const TensorD dy(x.shape, {1.0, -1.0, 0.5, 2.0});
    BatchNormGrads<double> g;
    batchnorm_backward(g, dy, x, {1.0}, saved);
    CHECK(all_finite(g.dx.data));
    const TensorD x0(x.shape, {-2 * d, -d, d, 2 * d});
    TensorD y0;
    BatchNormSaved<double> saved0;
    batchnorm_forward_train(y0, saved0, x0, {1.0}, {0.0}, BatchNormParams{eps, 0.1});
    BatchNormGrads<double> g0;
    batchnorm_backward(g0, dy, x0, {1.0}, saved0);
    check_close(y.data, y0.data, 1e-5, "y (shifted by 1e6)");
    check_close(g.dx.data, g0.dx.data, 1e-5, "dx (shifted by 1e6)");
    check_close(g.dvar, g0.dvar, 1e-5, "dvar (shifted by 1e6)");
  }
  SUBCASE("float, d = 1/16 (the spacing of floats near 1e6)") {
    // Every value is exactly representable; a float accumulator could not
    // even hold the sum 4e6 + small exactly, a double one does.
    const float d = 0.0625f;
    const Tensor x(Shape{2, 1, 2, 1}, {1e6f - 2 * d, 1e6f - d, 1e6f + d, 1e6f + 2 * d});
    const double var = 2.5 * 0.0625 * 0.0625, eps = 1e-5;
    Tensor y;
    BatchNormSaved<float> saved;
    batchnorm_forward_train(y, saved, x, {1.0f}, {0.0f}, BatchNormParams{eps, 0.1});
    CHECK(saved.mean[0] == 1e6f);
    CHECK(saved.var[0] == doctest::Approx(var).epsilon(1e-6));
    const double r = 1.0 / std::sqrt(var + eps);
    CHECK(y.data[0] == doctest::Approx(-0.125 * r).epsilon(1e-6));
    CHECK(y.data[2] == doctest::Approx(0.0625 * r).epsilon(1e-6));

    // Backward against the double reference on the same values.
    const Tensor dy(x.shape, {1.0f, -1.0f, 0.5f, 0.25f});
    BatchNormGrads<float> g;
    batchnorm_backward(g, dy, x, {1.0f}, saved);
    TensorD xd(x.shape), dyd(x.shape);
    for (size_t i = 0; i < 4; ++i) {
      xd.data[i] = x.data[i];
      dyd.data[i] = dy.data[i];
    }
    TensorD yd;
    BatchNormSaved<double> sd;
    batchnorm_forward_train(yd, sd, xd, {1.0}, {0.0}, BatchNormParams{eps, 0.1});
    BatchNormGrads<double> gd;
    batchnorm_backward(gd, dyd, xd, {1.0}, sd);
    check_close(g.dx.data, gd.dx.data, 1e-5, "dx (large mean, float)");
    check_close(g.dvar, gd.dvar, 1e-5, "dvar (large mean, float)");
  }
}

TEST_CASE("batchnorm: m = N*H*W = 1 with eps > 0 gives var 0, xhat 0, no NaN") {
  const TensorD x(Shape{1, 2, 1, 1}, {5.0, -7.0});
  const std::vector<double> gamma{3.0, 0.5}, beta{0.25, -1.0};
  const double eps = 1e-5;
  std::vector<double> rm{1.0, 1.0}, rv{2.0, 2.0};
  TensorD y;
  BatchNormSaved<double> saved;
  batchnorm_forward_train(y, saved, x, gamma, beta, BatchNormParams{eps, 0.5}, &rm, &rv);
  CHECK(saved.var == std::vector<double>{0.0, 0.0});
  CHECK(saved.xhat.data == std::vector<double>{0.0, 0.0});
  CHECK(y.data == beta);  // y = gamma * 0 + beta
  CHECK(saved.rstd[0] == doctest::Approx(1.0 / std::sqrt(eps)));
  // running: mean 0.5*1 + 0.5*x, var 0.5*2 + 0.5*0 (no m/(m-1) correction for m = 1)
  CHECK(rm[0] == doctest::Approx(3.0));
  CHECK(rm[1] == doctest::Approx(-3.0));
  CHECK(rv[0] == doctest::Approx(1.0));
  CHECK(rv[1] == doctest::Approx(1.0));

  BatchNormGrads<double> g;
  batchnorm_backward(g, TensorD(x.shape, {2.0, -4.0}), x, gamma, saved);
  CHECK(all_finite(g.dx.data));
  CHECK(all_finite(g.dmu));
  CHECK(all_finite(g.dvar));
  // One sample normalizes to 0 whatever it is: dL/dx = 0, dL/dvar = 0.
  CHECK(g.dx.data[0] == doctest::Approx(0.0));
  CHECK(g.dx.data[1] == doctest::Approx(0.0));
  CHECK(g.dvar[0] == 0.0);
  CHECK(g.dbeta == std::vector<double>{2.0, -4.0});
  CHECK(g.dgamma == std::vector<double>{0.0, 0.0});
  // dL/dmu = dL/dxhat * (-1/sqrt(eps)) = 2 * 3 * (-1/sqrt(eps))
  CHECK(g.dmu[0] == doctest::Approx(-6.0 / std::sqrt(eps)));
}

TEST_CASE("batchnorm: var + eps == 0 is refused with the values and the rule") {
  const std::vector<double> gamma{1.0}, beta{0.0};
  TensorD y;
  BatchNormSaved<double> saved;
  SUBCASE("all inputs equal, eps = 0") {
    const TensorD x(Shape{3, 1, 1, 1}, {4.0, 4.0, 4.0});
    std::vector<double> rm{0.0}, rv{1.0};
    try {
      batchnorm_forward_train(y, saved, x, gamma, beta, BatchNormParams{0.0, 0.1}, &rm, &rv);
      FAIL("no exception");
    } catch (const Error& e) {
      const std::string msg = e.what();
      CHECK(msg.find("channel 0") != std::string::npos);
      CHECK(msg.find("var + eps = 0 + 0 = 0") != std::string::npos);
      CHECK(msg.find("must be > 0") != std::string::npos);
      CHECK(msg.find("all inputs of the channel are equal") != std::string::npos);
    }
    // Validated before anything was written.
    CHECK(rm[0] == 0.0);
    CHECK(rv[0] == 1.0);
    CHECK(y.data.empty());
    CHECK(saved.mean.empty());
  }
  SUBCASE("m = 1, eps = 0") {
    const TensorD x(Shape{1, 1, 1, 1}, {4.0});
    CHECK_THROWS_WITH_AS(
        batchnorm_forward_train(y, saved, x, gamma, beta, BatchNormParams{0.0, 0.1}),
        doctest::Contains("m = N*H*W = 1"), Error);
  }
  SUBCASE("the second channel is the bad one") {
    const TensorD x(Shape{2, 2, 1, 1}, {1.0, 5.0, 2.0, 5.0});
    CHECK_THROWS_WITH_AS(
        batchnorm_forward_train(y, saved, x, {1.0, 1.0}, {0.0, 0.0}, BatchNormParams{0.0, 0.1}),
        doctest::Contains("channel 1"), Error);
  }
  SUBCASE("distinct inputs with eps = 0 are fine") {
    const TensorD x(Shape{2, 1, 1, 1}, {1.0, 3.0});
    batchnorm_forward_train(y, saved, x, gamma, beta, BatchNormParams{0.0, 0.1});
    CHECK(y.data[0] == doctest::Approx(-1.0));
    CHECK(y.data[1] == doctest::Approx(1.0));
  }
}

TEST_CASE("batchnorm: inference uses the running statistics") {
  // Two channels, N = 1, H*W = 2.
  const TensorD x(Shape{1, 2, 1, 2}, {1.0, 2.0, 10.0, 20.0});
  const std::vector<double> gamma{2.0, -1.0}, beta{0.5, 3.0}, rm{1.5, 10.0}, rv{0.25, 4.0};
  const double eps = 1e-3;
  TensorD y;
  batchnorm_forward_infer(y, x, gamma, beta, rm, rv, BatchNormParams{eps, 0.1});
  REQUIRE(y.shape == x.shape);
  // y = gamma (x - rm) / sqrt(rv + eps) + beta
  const double r0 = 1.0 / std::sqrt(0.25 + eps), r1 = 1.0 / std::sqrt(4.0 + eps);
  CHECK(y.data[0] == doctest::Approx(2.0 * (1.0 - 1.5) * r0 + 0.5));
  CHECK(y.data[1] == doctest::Approx(2.0 * (2.0 - 1.5) * r0 + 0.5));
  CHECK(y.data[2] == doctest::Approx(-1.0 * (10.0 - 10.0) * r1 + 3.0));
  CHECK(y.data[3] == doctest::Approx(-1.0 * (20.0 - 10.0) * r1 + 3.0));

  SUBCASE("what was used: the running statistics, rstd and xhat") {
    BatchNormSaved<double> saved;
    TensorD y2;
    batchnorm_forward_infer(y2, x, gamma, beta, rm, rv, BatchNormParams{eps, 0.1}, &saved);
    CHECK(y2.data == y.data);
    CHECK(saved.mean == rm);
    CHECK(saved.var == rv);
    REQUIRE(saved.rstd.size() == 2);
    CHECK(saved.rstd[0] == doctest::Approx(r0));
    CHECK(saved.rstd[1] == doctest::Approx(r1));
    REQUIRE(saved.xhat.shape == x.shape);
    CHECK(saved.xhat.data[1] == doctest::Approx((2.0 - 1.5) * r0));
    CHECK(saved.xhat.data[3] == doctest::Approx((20.0 - 10.0) * r1));
  }

  SUBCASE("the output may be the input") {
    Tensor xf(Shape{1, 1, 1, 2}, {1.0f, 2.0f});
    batchnorm_forward_infer(xf, xf, {1.0f}, {0.0f}, {1.0f}, {1.0f}, BatchNormParams{0.0, 0.1});
    CHECK(xf.data[0] == doctest::Approx(0.0));
    CHECK(xf.data[1] == doctest::Approx(1.0));
  }
  SUBCASE("errors") {
    CHECK_THROWS_WITH_AS(
        batchnorm_forward_infer(y, x, gamma, beta, rm, {0.25, -1.0}, BatchNormParams{eps, 0.1}),
        doctest::Contains("running_var[1] is -1, a variance cannot be negative"), Error);
    CHECK_THROWS_WITH_AS(
        batchnorm_forward_infer(y, x, gamma, beta, rm, {0.0, 1.0}, BatchNormParams{0.0, 0.1}),
        doctest::Contains("running_var + eps = 0 + 0 = 0"), Error);
    CHECK_THROWS_WITH_AS(
        batchnorm_forward_infer(y, x, gamma, beta, {1.0}, rv, BatchNormParams{eps, 0.1}),
        "batchnorm: running_mean has 1 values but the input has 2 channels", Error);
    CHECK_THROWS_WITH_AS(
        batchnorm_forward_infer(y, x, gamma, beta, rm, {1.0, 2.0, 3.0}, BatchNormParams{eps, 0.1}),
        "batchnorm: running_var has 3 values but the input has 2 channels", Error);
    CHECK_THROWS_WITH_AS(
        batchnorm_forward_infer(y, x, gamma, beta, rm, rv, BatchNormParams{-1.0, 0.1}),
        doctest::Contains("eps is -1"), Error);
  }
}

TEST_CASE("batchnorm: running statistics follow the momentum rule") {
  // x = {1, 3}: batch mean 2, biased var 1, unbiased var 1 * 2 / (2 - 1) = 2.
  const TensorD x(Shape{2, 1, 1, 1}, {1.0, 3.0});
  TensorD y;
  BatchNormSaved<double> saved;
  std::vector<double> rm{0.0}, rv{1.0};
  SUBCASE("momentum 0.1") {
    batchnorm_forward_train(y, saved, x, {1.0}, {0.0}, BatchNormParams{1e-5, 0.1}, &rm, &rv);
    CHECK(rm[0] == doctest::Approx(0.9 * 0.0 + 0.1 * 2.0));
    CHECK(rv[0] == doctest::Approx(0.9 * 1.0 + 0.1 * 2.0));
    // A second step starts from the updated values.
    batchnorm_forward_train(y, saved, x, {1.0}, {0.0}, BatchNormParams{1e-5, 0.1}, &rm, &rv);
    CHECK(rm[0] == doctest::Approx(0.9 * 0.2 + 0.1 * 2.0));
    CHECK(rv[0] == doctest::Approx(0.9 * 1.1 + 0.1 * 2.0));
  }
  SUBCASE("momentum 0 keeps, momentum 1 replaces") {
    batchnorm_forward_train(y, saved, x, {1.0}, {0.0}, BatchNormParams{1e-5, 0.0}, &rm, &rv);
    CHECK(rm[0] == 0.0);
    CHECK(rv[0] == 1.0);
    batchnorm_forward_train(y, saved, x, {1.0}, {0.0}, BatchNormParams{1e-5, 1.0}, &rm, &rv);
    CHECK(rm[0] == doctest::Approx(2.0));
    CHECK(rv[0] == doctest::Approx(2.0));
  }
  SUBCASE("only one of the two may be given") {
    batchnorm_forward_train<double>(y, saved, x, {1.0}, {0.0}, BatchNormParams{1e-5, 1.0}, nullptr,
                                    &rv);
    CHECK(rv[0] == doctest::Approx(2.0));
  }
  SUBCASE("per channel, over N*H*W, float") {
    // Channel 0 holds {0, 1, 2, 3}, channel 1 holds {10, 10, 10, 14}.
    const Tensor xf(Shape{2, 2, 1, 2}, {0.f, 1.f, 10.f, 10.f, 2.f, 3.f, 10.f, 14.f});
    std::vector<float> rmf{0.f, 0.f}, rvf{0.f, 0.f};
    Tensor yf;
    BatchNormSaved<float> sf;
    batchnorm_forward_train(yf, sf, xf, {1.f, 1.f}, {0.f, 0.f}, BatchNormParams{1e-5, 1.0}, &rmf,
                            &rvf);
    CHECK(sf.mean[0] == doctest::Approx(1.5));
    CHECK(sf.mean[1] == doctest::Approx(11.0));
    CHECK(sf.var[0] == doctest::Approx(1.25));  // (2.25 + 0.25 + 0.25 + 2.25) / 4
    CHECK(sf.var[1] == doctest::Approx(3.0));   // (1 + 1 + 1 + 9) / 4
    CHECK(rmf[0] == doctest::Approx(1.5));
    CHECK(rvf[0] == doctest::Approx(1.25 * 4.0 / 3.0));
    CHECK(rvf[1] == doctest::Approx(3.0 * 4.0 / 3.0));
  }
}

TEST_CASE("batchnorm: every validation error names the values and the rule") {
  const TensorD x(Shape{2, 3, 1, 1}, {1, 2, 3, 4, 5, 7});
  const std::vector<double> g3{1, 1, 1}, b3{0, 0, 0};
  TensorD y;
  BatchNormSaved<double> saved;
  const BatchNormParams p{1e-5, 0.1};

  CHECK_THROWS_WITH_AS(batchnorm_forward_train(y, saved, x, {1.0, 1.0}, b3, p),
                       "batchnorm: gamma has 2 values but the input has 3 channels", Error);
  CHECK_THROWS_WITH_AS(batchnorm_forward_train(y, saved, x, g3, {0, 0, 0, 0}, p),
                       "batchnorm: beta has 4 values but the input has 3 channels", Error);
  std::vector<double> short_rm{0.0}, rv3{1, 1, 1};
  CHECK_THROWS_WITH_AS(batchnorm_forward_train(y, saved, x, g3, b3, p, &short_rm, &rv3),
                       "batchnorm: running_mean has 1 values but the input has 3 channels", Error);
  std::vector<double> rm3{0, 0, 0}, empty_rv;
  CHECK_THROWS_WITH_AS(batchnorm_forward_train(y, saved, x, g3, b3, p, &rm3, &empty_rv),
                       "batchnorm: running_var has 0 values but the input has 3 channels", Error);
  CHECK(rm3 == std::vector<double>{0, 0, 0});  // untouched by the refused call
  CHECK_THROWS_WITH_AS(batchnorm_forward_train(y, saved, x, g3, b3, BatchNormParams{-1e-3, 0.1}),
                       "batchnorm: eps is -0.001, it must be a finite number >= 0", Error);
  CHECK_THROWS_WITH_AS(
      batchnorm_forward_train(y, saved, x, g3, b3, BatchNormParams{std::nan(""), 0.1}),
      doctest::Contains("it must be a finite number >= 0"), Error);
  CHECK_THROWS_WITH_AS(batchnorm_forward_train(y, saved, x, g3, b3, BatchNormParams{1e-5, 1.5}),
                       "batchnorm: momentum is 1.5, it must be in [0, 1]", Error);
  CHECK_THROWS_WITH_AS(batchnorm_forward_train(y, saved, x, g3, b3, BatchNormParams{1e-5, -0.1}),
                       "batchnorm: momentum is -0.1, it must be in [0, 1]", Error);
  TensorD broken;
  broken.shape = Shape{2, 3, 1, 1};
  broken.data = {1.0, 2.0};
  CHECK_THROWS_WITH_AS(batchnorm_forward_train(y, saved, broken, g3, b3, p),
                       doctest::Contains("holds 2 values"), Error);
  TensorD bad_shape;
  bad_shape.shape = Shape{0, 3, 1, 1};
  CHECK_THROWS_WITH_AS(batchnorm_forward_train(y, saved, bad_shape, g3, b3, p),
                       doctest::Contains("N is 0"), Error);

  // Backward.
  batchnorm_forward_train(y, saved, x, g3, b3, p);
  BatchNormGrads<double> g;
  CHECK_THROWS_WITH_AS(batchnorm_backward(g, TensorD(Shape{2, 3, 1, 2}), x, g3, saved),
                       "batchnorm backward: dL/dy has shape 2x3x1x2 but x has shape 2x3x1x1; "
                       "they must be equal",
                       Error);
  CHECK_THROWS_WITH_AS(batchnorm_backward(g, y, x, {1.0}, saved),
                       "batchnorm: gamma has 1 values but the input has 3 channels", Error);
  auto no_rstd = saved;
  no_rstd.rstd.clear();
  CHECK_THROWS_WITH_AS(batchnorm_backward(g, y, x, g3, no_rstd),
                       "batchnorm: saved.rstd has 0 values but the input has 3 channels", Error);
  TensorD other = x;
  other.data[5] = 100.0;  // channel 2 now has another mean
  CHECK_THROWS_WITH_AS(batchnorm_backward(g, y, other, g3, saved),
                       doctest::Contains("channel 2 of x has mean 51.5"), Error);
  auto wrong_xhat = saved;
  wrong_xhat.xhat = TensorD(Shape{1, 3, 1, 1});
  CHECK_THROWS_WITH_AS(batchnorm_backward(g, y, x, g3, wrong_xhat),
                       doctest::Contains("saved.xhat has shape 1x3x1x1 but x has shape 2x3x1x1"),
                       Error);
}

TEST_CASE("batchnorm f32: every variant against the double lecture reference") {
  std::mt19937 rng(31);
  const auto& variants = kernels::batchnorm_f32_variants();
  REQUIRE(variants.size() >= 2);
  CHECK(std::string(variants.front().name) == "batchnorm_f32__ref");
  struct Case {
    const char* name;
    Shape s;
    double lo, hi;
  };
  const Case cases[] = {
      {"plane_lt_4", {3, 2, 1, 3}, -2, 2},    {"plane_tail", {2, 3, 5, 7}, -2, 2},
      {"m_eq_1", {1, 2, 1, 1}, -2, 2},        {"large_mean", {2, 2, 9, 9}, 1e4, 1e4 + 0.5},
      {"many_blocks", {3, 2, 40, 41}, -3, 1}, {"batch_4", {4, 5, 6, 6}, -1, 1},
  };
  for (const Case& c : cases) {
    CAPTURE(std::string(c.name));
    const TensorD xd = random_tensor<double>(c.s, rng, c.lo, c.hi);
    const TensorD dyd = random_tensor<double>(c.s, rng);
    Tensor x(c.s), dy(c.s);
    TensorD xr(c.s);  // x as the float kernels see it, in double
    for (size_t i = 0; i < xd.data.size(); ++i) {
      x.data[i] = static_cast<float>(xd.data[i]);
      xr.data[i] = x.data[i];
      dy.data[i] = static_cast<float>(dyd.data[i]);
    }
    TensorD dyr(c.s);
    for (size_t i = 0; i < dy.data.size(); ++i) dyr.data[i] = dy.data[i];
    const size_t C = static_cast<size_t>(c.s.c);
    std::vector<double> gd = random_vector(C, rng, 0.5, 1.5), bd = random_vector(C, rng, -1, 1);
    std::vector<float> gamma(C), beta(C);
    for (size_t k = 0; k < C; ++k) {
      gamma[k] = static_cast<float>(gd[k]);
      beta[k] = static_cast<float>(bd[k]);
      gd[k] = gamma[k];
      bd[k] = beta[k];
    }
    const BatchNormParams p;
    TensorD ry;
    BatchNormSaved<double> saved;
    batchnorm_forward_train(ry, saved, xr, gd, bd, p);
    BatchNormGrads<double> rg;
    batchnorm_backward(rg, dyr, xr, gd, saved);
    std::vector<float> mean_f(C), rstd_f(C);
    for (size_t k = 0; k < C; ++k) {
      mean_f[k] = static_cast<float>(saved.mean[k]);
      rstd_f[k] = static_cast<float>(saved.rstd[k]);
    }
    for (const auto& v : variants) {
      CAPTURE(std::string(v.name));
      Tensor y(c.s), dx(c.s);
      // every value of y and dx is written (the entry points do not zero them)
      std::fill(y.data.begin(), y.data.end(), 7.0f);
      std::fill(dx.data.begin(), dx.data.end(), 7.0f);
      std::vector<double> mean, var, dgamma, dbeta, mean_of_x;
      v.forward(y, mean, var, x, gamma, beta, p.eps);
      check_close(y.data, ry.data, 2e-5, "y");
      check_close(mean, saved.mean, 1e-6, "mean");
      check_close(var, saved.var, 1e-6, "var");
      v.backward(dx, dgamma, dbeta, mean_of_x, dy, x, gamma, mean_f, rstd_f);
      check_close(dx.data, rg.dx.data, 1e-4, "dx");
      check_close(dgamma, rg.dgamma, 1e-5, "dgamma");
      check_close(dbeta, rg.dbeta, 1e-6, "dbeta");
      check_close(mean_of_x, saved.mean, 1e-6, "mean of x");
    }
  }
}

TEST_CASE("batchnorm f32 entry points: results, running statistics and errors") {
  std::mt19937 rng(32);
  const Shape s{2, 3, 4, 5};
  const Tensor x = random_tensor<float>(s, rng), dy = random_tensor<float>(s, rng);
  const std::vector<float> gamma{1.0f, 0.5f, 2.0f}, beta{0.0f, 1.0f, -1.0f};
  BatchNormParams p;
  p.momentum = 0.5;
  std::vector<float> rm(3, 0.0f), rv(3, 1.0f);
  Tensor y, dx;
  std::vector<float> mean, var, rstd, dgamma, dbeta;
  batchnorm_forward_train_f32(y, mean, var, rstd, x, gamma, beta, p, &rm, &rv);
  // The lecture's float path gives the same numbers.
  Tensor ry;
  BatchNormSaved<float> saved;
  std::vector<float> rm2(3, 0.0f), rv2(3, 1.0f);
  batchnorm_forward_train(ry, saved, x, gamma, beta, p, &rm2, &rv2);
  check_close(y.data, ry.data, 1e-5, "y");
  check_close(rstd, saved.rstd, 1e-6, "rstd");
  check_close(rm, rm2, 1e-6, "running mean");
  check_close(rv, rv2, 1e-6, "running var");
  batchnorm_backward_f32(dx, dgamma, dbeta, dy, x, gamma, mean, rstd);
  BatchNormGrads<float> g;
  batchnorm_backward(g, dy, x, gamma, saved);
  check_close(dx.data, g.dx.data, 1e-4, "dx");
  check_close(dgamma, g.dgamma, 1e-5, "dgamma");
  check_close(dbeta, g.dbeta, 1e-5, "dbeta");

  const auto message = [](auto f) {
    try {
      f();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(message([&] {
          batchnorm_backward_f32(dx, dgamma, dbeta, dy, x, gamma, {9, 9, 9}, rstd);
        }).find("saved mean is 9") != std::string::npos);
  CHECK(message([&] {
          batchnorm_backward_f32(dx, dgamma, dbeta, dy, x, gamma, mean, {1, 0, 1});
        }).find("rstd[1] is 0") != std::string::npos);
  const Tensor flat(Shape{1, 1, 2, 2}, {3, 3, 3, 3});
  BatchNormParams no_eps;
  no_eps.eps = 0;
  CHECK(message([&] {
          batchnorm_forward_train_f32(y, mean, var, rstd, flat, {1}, {0}, no_eps);
        }).find("all inputs of the channel are equal") != std::string::npos);
  CHECK(message([&] {
          batchnorm_forward_train_f32(y, mean, var, rstd, x, {1}, beta, p);
        }).find("gamma has 1 values but the input has 3 channels") != std::string::npos);
}
