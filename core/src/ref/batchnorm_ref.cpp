#include "ref/batchnorm_ref.h"

#include <cassert>
#include <cmath>
#include <cstddef>

namespace convplay::kernels {

namespace {

// Visits the m values of channel c in (n, h, w) order: f(flat index).
template <typename F>
void for_channel(const Tensor& t, int c, F&& f) {
  const size_t plane = static_cast<size_t>(t.shape.h) * static_cast<size_t>(t.shape.w);
  for (int n = 0; n < t.shape.n; ++n) {
    const size_t base = t.index(n, c, 0, 0);
    for (size_t i = 0; i < plane; ++i) f(base + i);
  }
}

}  // namespace

void batchnorm_f32_fwd__ref(Tensor& y, std::vector<double>& mean, std::vector<double>& var,
                            const Tensor& x, const std::vector<float>& gamma,
                            const std::vector<float>& beta, double eps) {
  const int C = x.shape.c;
  assert(y.shape == x.shape && static_cast<int>(gamma.size()) == C);
  const double m = static_cast<double>(x.shape.n) * x.shape.h * x.shape.w;
  mean.assign(static_cast<size_t>(C), 0.0);
  var.assign(static_cast<size_t>(C), 0.0);
  for (int c = 0; c < C; ++c) {
    const size_t k = static_cast<size_t>(c);
    double sum = 0.0;  // mu = (1/m) sum x_i
    for_channel(x, c, [&](size_t i) { sum += x.data[i]; });
    const double mu = sum / m;
    double sq = 0.0;  // var = (1/m) sum (x_i - mu)^2
    for_channel(x, c, [&](size_t i) { sq += (x.data[i] - mu) * (x.data[i] - mu); });
    mean[k] = mu;
    var[k] = sq / m;
    const double rstd = 1.0 / std::sqrt(var[k] + eps);
    for_channel(x, c, [&](size_t i) {
      y.data[i] = static_cast<float>(gamma[k] * ((x.data[i] - mu) * rstd) + beta[k]);
    });
  }
}

void batchnorm_f32_bwd__ref(Tensor& dx, std::vector<double>& dgamma, std::vector<double>& dbeta,
                            std::vector<double>& mean_of_x, const Tensor& dy, const Tensor& x,
                            const std::vector<float>& gamma, const std::vector<float>& mean,
                            const std::vector<float>& rstd) {
  const int C = x.shape.c;
  assert(dx.shape == x.shape && dy.shape == x.shape);
  const double m = static_cast<double>(x.shape.n) * x.shape.h * x.shape.w;
  static_cast<void>(mean);  // the reference recomputes the mean of x in double
  dgamma.assign(static_cast<size_t>(C), 0.0);
  dbeta.assign(static_cast<size_t>(C), 0.0);
  mean_of_x.assign(static_cast<size_t>(C), 0.0);
  for (int c = 0; c < C; ++c) {
    const size_t k = static_cast<size_t>(c);
    double sum = 0.0;  // mu in double, as the forward pass computed it
    for_channel(x, c, [&](size_t i) { sum += x.data[i]; });
    mean_of_x[k] = sum / m;
    const double mu = mean_of_x[k], r = rstd[k], g = gamma[k];
    double db = 0.0, dg = 0.0, dvar = 0.0, direct = 0.0, dev = 0.0;
    for_channel(x, c, [&](size_t i) {
      const double xm = x.data[i] - mu, dxhat = dy.data[i] * g;
      db += dy.data[i];                       // dL/dbeta = sum dL/dy_i
      dg += dy.data[i] * (xm * r);            // dL/dgamma = sum dL/dy_i * xhat_i
      dvar += dxhat * xm * -0.5 * r * r * r;  // sum dL/dxhat_i (x_i - mu) (-1/2) (var + eps)^(-3/2)
      direct += dxhat * -r;
      dev += -2.0 * xm;
    });
    const double dmu = direct + dvar * dev / m;
    for_channel(x, c, [&](size_t i) {
      const double xm = x.data[i] - mu;
      dx.data[i] = static_cast<float>(dy.data[i] * g * r + dvar * 2.0 * xm / m + dmu / m);
    });
    dgamma[k] = dg;
    dbeta[k] = db;
  }
}

}  // namespace convplay::kernels
