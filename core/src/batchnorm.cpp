// Batch normalization (the lecture, §1): the reference implementation, plain
// loops that read like the formulas in batchnorm.h.
//
// x is (N, C, H, W); channel c's statistics are taken over its m = N*H*W
// values. Every sum is accumulated in double, and the variance takes two
// passes (mean first, then the squared deviations from it), so an input such
// as 1e6 + tiny noise keeps its tiny variance even when T is float.

#include "convplay/batchnorm.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "convplay/kernels.h"
#include "dispatch.h"
#include "format.h"
#include "ref/batchnorm_ref.h"
#include "simd/batchnorm_simd128.h"

namespace convplay {
namespace {

// Visits the m values of channel c in (n, h, w) order: f(flat index).
template <typename T, typename F>
void for_channel(const BasicTensor<T>& t, int c, F&& f) {
  const size_t plane = static_cast<size_t>(t.shape.h) * static_cast<size_t>(t.shape.w);
  for (int n = 0; n < t.shape.n; ++n) {
    const size_t base = t.index(n, c, 0, 0);
    for (size_t i = 0; i < plane; ++i) f(base + i);
  }
}

// The channel's mean, in double, one pass.
template <typename T>
double channel_mean(const BasicTensor<T>& x, int c, int64_t m) {
  double sum = 0.0;
  for_channel(x, c, [&](size_t i) { sum += static_cast<double>(x.data[i]); });
  return sum / static_cast<double>(m);
}

// The channel's biased variance around `mean`, in double: the second pass.
template <typename T>
double channel_var(const BasicTensor<T>& x, int c, int64_t m, double mean) {
  double sum = 0.0;
  for_channel(x, c, [&](size_t i) {
    const double d = static_cast<double>(x.data[i]) - mean;
    sum += d * d;
  });
  return sum / static_cast<double>(m);
}

// Shape of x: valid dimensions, and as many values as the shape says.
template <typename T>
void check_tensor(const BasicTensor<T>& t, const char* what) {
  const int64_t count = t.shape.count();  // throws for a bad shape
  if (t.size() != count) {
    throw Error(std::string("batchnorm: ") + what + " has shape " + t.shape.str() + " (" +
                std::to_string(count) + " values) but holds " + std::to_string(t.size()) +
                " values");
  }
}

template <typename T>
void check_per_channel(const std::vector<T>& v, const char* what, int channels) {
  if (v.size() != static_cast<size_t>(channels)) {
    throw Error(std::string("batchnorm: ") + what + " has " + std::to_string(v.size()) +
                " values but the input has " + std::to_string(channels) + " channels");
  }
}

void check_params(const BatchNormParams& p) {
  if (!(p.eps >= 0.0) || !std::isfinite(p.eps)) {
    throw Error("batchnorm: eps is " + num(p.eps) + ", it must be a finite number >= 0");
  }
  if (!(p.momentum >= 0.0 && p.momentum <= 1.0)) {
    throw Error("batchnorm: momentum is " + num(p.momentum) + ", it must be in [0, 1]");
  }
}

// The arguments of a training-mode forward pass: x, eps and momentum, one
// gamma, beta (and running statistics, when given) per channel.
template <typename T>
void check_forward_train(const BasicTensor<T>& x, const std::vector<T>& gamma,
                         const std::vector<T>& beta, const BatchNormParams& p,
                         const std::vector<T>* running_mean, const std::vector<T>* running_var) {
  check_tensor(x, "x");
  check_params(p);
  const int C = x.shape.c;
  check_per_channel(gamma, "gamma", C);
  check_per_channel(beta, "beta", C);
  if (running_mean) check_per_channel(*running_mean, "running_mean", C);
  if (running_var) check_per_channel(*running_var, "running_var", C);
}

// dL/dy has the shape of x.
template <typename T>
void check_backward_shapes(const BasicTensor<T>& dy, const BasicTensor<T>& x) {
  check_tensor(x, "x");
  check_tensor(dy, "dL/dy");
  if (dy.shape != x.shape) {
    throw Error("batchnorm backward: dL/dy has shape " + dy.shape.str() + " but x has shape " +
                x.shape.str() + "; they must be equal");
  }
}

// 1 / sqrt(var + eps), or Error when var + eps is not > 0 or the result does
// not fit in T (a float rstd overflows for var + eps below ~1e-76). m is the
// batch size for a batch variance, 0 for a running variance (no batch hint).
template <typename T>
double checked_rstd(double var, double eps, int c, int64_t m, const char* var_name) {
  const double denom = var + eps;
  if (!(denom > 0.0)) {
    std::string why = "batchnorm: channel " + std::to_string(c) + ": " + var_name +
                      " + eps = " + num(var) + " + " + num(eps) + " = " + num(denom) +
                      ", but it must be > 0 (it is divided by its square root)";
    if (m == 1) {
      why += "; with m = N*H*W = 1 the batch variance is always 0, so use eps > 0";
    } else if (m > 1 && var == 0.0) {
      why += "; all inputs of the channel are equal, so use eps > 0";
    }
    throw Error(why);
  }
  const double rstd = 1.0 / std::sqrt(denom);
  if (!std::isfinite(static_cast<T>(rstd))) {
    throw Error("batchnorm: channel " + std::to_string(c) + ": " + var_name +
                " + eps = " + num(denom) + " is so small that 1/sqrt(" + var_name +
                " + eps) overflows this precision; use a larger eps");
  }
  return rstd;
}

}  // namespace

template <typename T>
void batchnorm_forward_train(BasicTensor<T>& y, BatchNormSaved<T>& saved, const BasicTensor<T>& x,
                             const std::vector<T>& gamma, const std::vector<T>& beta,
                             const BatchNormParams& p, std::vector<T>* running_mean,
                             std::vector<T>* running_var) {
  // --- validate once: nothing is written before every check has passed ---
  check_forward_train(x, gamma, beta, p, running_mean, running_var);
  const int C = x.shape.c;
  const int64_t m = static_cast<int64_t>(x.shape.n) * x.shape.h * x.shape.w;

  std::vector<double> mean(static_cast<size_t>(C)), var(mean), rstd(mean);
  for (int c = 0; c < C; ++c) {
    const size_t k = static_cast<size_t>(c);
    mean[k] = channel_mean(x, c, m);
    var[k] = channel_var(x, c, m, mean[k]);
    rstd[k] = checked_rstd<T>(var[k], p.eps, c, m, "var");
  }

  // --- compute into locals (y or saved.xhat may alias x) ---
  BasicTensor<T> out(x.shape), xhat(x.shape);
  for (int c = 0; c < C; ++c) {
    const size_t k = static_cast<size_t>(c);
    const double g = static_cast<double>(gamma[k]), b = static_cast<double>(beta[k]);
    for_channel(x, c, [&](size_t i) {
      const double xh = (static_cast<double>(x.data[i]) - mean[k]) * rstd[k];
      xhat.data[i] = static_cast<T>(xh);
      out.data[i] = static_cast<T>(g * xh + b);
    });
  }

  saved.mean.resize(static_cast<size_t>(C));
  saved.var.resize(static_cast<size_t>(C));
  saved.rstd.resize(static_cast<size_t>(C));
  for (size_t k = 0; k < static_cast<size_t>(C); ++k) {
    saved.mean[k] = static_cast<T>(mean[k]);
    saved.var[k] = static_cast<T>(var[k]);
    saved.rstd[k] = static_cast<T>(rstd[k]);
  }
  saved.xhat = std::move(xhat);
  y = std::move(out);

  // running = (1 - momentum) * running + momentum * batch; the variance is
  // the unbiased estimate var * m / (m - 1) when m > 1 (as PyTorch does).
  const double mo = p.momentum;
  const double unbias = m > 1 ? static_cast<double>(m) / static_cast<double>(m - 1) : 1.0;
  for (size_t k = 0; k < static_cast<size_t>(C); ++k) {
    if (running_mean) {
      T& r = (*running_mean)[k];
      r = static_cast<T>((1.0 - mo) * static_cast<double>(r) + mo * mean[k]);
    }
    if (running_var) {
      T& r = (*running_var)[k];
      r = static_cast<T>((1.0 - mo) * static_cast<double>(r) + mo * var[k] * unbias);
    }
  }
}

template <typename T>
void batchnorm_forward_infer(BasicTensor<T>& y, const BasicTensor<T>& x,
                             const std::vector<T>& gamma, const std::vector<T>& beta,
                             const std::vector<T>& running_mean, const std::vector<T>& running_var,
                             const BatchNormParams& p, BatchNormSaved<T>* saved) {
  check_tensor(x, "x");
  check_params(p);
  const int C = x.shape.c;
  check_per_channel(gamma, "gamma", C);
  check_per_channel(beta, "beta", C);
  check_per_channel(running_mean, "running_mean", C);
  check_per_channel(running_var, "running_var", C);
  std::vector<double> rstd(static_cast<size_t>(C));
  for (int c = 0; c < C; ++c) {
    const size_t k = static_cast<size_t>(c);
    const double rv = static_cast<double>(running_var[k]);
    if (rv < 0.0) {
      throw Error("batchnorm: running_var[" + std::to_string(c) + "] is " + num(rv) +
                  ", a variance cannot be negative");
    }
    rstd[k] = checked_rstd<T>(rv, p.eps, c, 0, "running_var");
  }

  BasicTensor<T> out(x.shape);
  BasicTensor<T> xhat(saved ? x.shape : Shape{});
  for (int c = 0; c < C; ++c) {
    const size_t k = static_cast<size_t>(c);
    const double g = static_cast<double>(gamma[k]), b = static_cast<double>(beta[k]);
    const double mu = static_cast<double>(running_mean[k]);
    for_channel(x, c, [&](size_t i) {
      const double xh = (static_cast<double>(x.data[i]) - mu) * rstd[k];
      out.data[i] = static_cast<T>(g * xh + b);
      if (saved) xhat.data[i] = static_cast<T>(xh);
    });
  }
  y = std::move(out);
  if (saved) {
    saved->mean = running_mean;
    saved->var = running_var;
    saved->rstd.assign(rstd.begin(), rstd.end());
    saved->xhat = std::move(xhat);
  }
}

template <typename T>
void batchnorm_backward(BatchNormGrads<T>& g, const BasicTensor<T>& dy, const BasicTensor<T>& x,
                        const std::vector<T>& gamma, const BatchNormSaved<T>& saved) {
  // --- validate once ---
  check_backward_shapes(dy, x);
  const int C = x.shape.c;
  check_per_channel(gamma, "gamma", C);
  check_per_channel(saved.mean, "saved.mean", C);
  check_per_channel(saved.var, "saved.var", C);
  check_per_channel(saved.rstd, "saved.rstd", C);
  check_tensor(saved.xhat, "saved.xhat");
  if (saved.xhat.shape != x.shape) {
    throw Error("batchnorm backward: saved.xhat has shape " + saved.xhat.shape.str() +
                " but x has shape " + x.shape.str() +
                "; pass the saved state of this x's forward pass");
  }
  const int64_t m = static_cast<int64_t>(x.shape.n) * x.shape.h * x.shape.w;
  const double md = static_cast<double>(m);

  // mu is recomputed in double exactly as the forward pass did: a float
  // saved.mean cannot hold 1e6 + 0.01 to the precision (x_i - mu) needs. It
  // must round to saved.mean, or the saved state belongs to another input.
  std::vector<double> mean(static_cast<size_t>(C));
  for (int c = 0; c < C; ++c) {
    const size_t k = static_cast<size_t>(c);
    mean[k] = channel_mean(x, c, m);
    if (static_cast<T>(mean[k]) != saved.mean[k]) {
      throw Error("batchnorm backward: channel " + std::to_string(c) + " of x has mean " +
                  num(mean[k]) + " but saved.mean is " + num(static_cast<double>(saved.mean[k])) +
                  "; pass the saved state of this x's forward pass");
    }
    const double r = static_cast<double>(saved.rstd[k]);
    if (!(r > 0.0) || !std::isfinite(r)) {
      throw Error("batchnorm backward: saved.rstd[" + std::to_string(c) + "] is " + num(r) +
                  ", it must be a finite number > 0");
    }
  }

  BatchNormGrads<T> out;
  out.dx = BasicTensor<T>(x.shape);
  out.dxhat = BasicTensor<T>(x.shape);
  for (auto* v : {&out.dgamma, &out.dbeta, &out.dvar, &out.dmu}) {
    v->assign(static_cast<size_t>(C), T(0));
  }

  std::vector<double> dxhat(static_cast<size_t>(m));
  for (int c = 0; c < C; ++c) {
    const size_t k = static_cast<size_t>(c);
    const double mu = mean[k];
    const double rstd = static_cast<double>(saved.rstd[k]);  // 1 / sqrt(var + eps)
    const double ga = static_cast<double>(gamma[k]);

    // dL/dbeta = sum dL/dy_i;  dL/dgamma = sum dL/dy_i * xhat_i;  dL/dxhat_i = dL/dy_i * gamma
    double dbeta = 0.0, dgamma = 0.0;
    size_t j = 0;
    for_channel(x, c, [&](size_t i) {
      const double d = static_cast<double>(dy.data[i]);
      dbeta += d;
      dgamma += d * static_cast<double>(saved.xhat.data[i]);
      dxhat[j++] = d * ga;
    });

    // dL/dvar = sum dL/dxhat_i * (x_i - mu) * (-1/2) * (var + eps)^(-3/2)
    const double rstd3 = rstd * rstd * rstd;
    double dvar = 0.0;
    j = 0;
    for_channel(x, c, [&](size_t i) {
      dvar += dxhat[j++] * (static_cast<double>(x.data[i]) - mu) * -0.5 * rstd3;
    });

    // dL/dmu = sum dL/dxhat_i * (-1 / sqrt(var + eps)) + dL/dvar * (1/m) * sum -2 (x_i - mu)
    double direct = 0.0, dev = 0.0;
    j = 0;
    for_channel(x, c, [&](size_t i) {
      direct += dxhat[j++] * -rstd;
      dev += -2.0 * (static_cast<double>(x.data[i]) - mu);
    });
    const double dmu = direct + dvar * dev / md;

    // dL/dx_i = dL/dxhat_i / sqrt(var + eps) + dL/dvar * 2 (x_i - mu) / m + dL/dmu / m
    j = 0;
    for_channel(x, c, [&](size_t i) {
      const double xm = static_cast<double>(x.data[i]) - mu;
      out.dxhat.data[i] = static_cast<T>(dxhat[j]);
      out.dx.data[i] = static_cast<T>(dxhat[j] * rstd + dvar * 2.0 * xm / md + dmu / md);
      ++j;
    });
    out.dbeta[k] = static_cast<T>(dbeta);
    out.dgamma[k] = static_cast<T>(dgamma);
    out.dvar[k] = static_cast<T>(dvar);
    out.dmu[k] = static_cast<T>(dmu);
  }
  g = std::move(out);
}

void batchnorm_forward_train_f32(Tensor& y, std::vector<float>& mean, std::vector<float>& var,
                                 std::vector<float>& rstd, const Tensor& x,
                                 const std::vector<float>& gamma, const std::vector<float>& beta,
                                 const BatchNormParams& p, std::vector<float>* running_mean,
                                 std::vector<float>* running_var) {
  kernels::batchnorm_forward_train_f32_with("", y, mean, var, rstd, x, gamma, beta, p, running_mean,
                                            running_var);
}

void kernels::batchnorm_forward_train_f32_with(
    const std::string& variant, Tensor& y, std::vector<float>& mean, std::vector<float>& var,
    std::vector<float>& rstd, const Tensor& x, const std::vector<float>& gamma,
    const std::vector<float>& beta, const BatchNormParams& p, std::vector<float>* running_mean,
    std::vector<float>* running_var) {
  check_forward_train(x, gamma, beta, p, running_mean, running_var);
  const int C = x.shape.c;
  const int64_t m = static_cast<int64_t>(x.shape.n) * x.shape.h * x.shape.w;

  // y is written in place (its storage reused, unless it is x); the rule
  // var + eps > 0 is checked before the statistics are written.
  Tensor spare;
  Tensor& out = &y == &x ? spare : y;
  out.reset_for_overwrite(x.shape);  // every variant writes every value
  std::vector<double> mu, va;
  pick_variant(batchnorm_f32_variants(), variant, LayerDesc{x.shape, x.shape, {}})
      .forward(out, mu, va, x, gamma, beta, p.eps);
  std::vector<float> r(static_cast<size_t>(C));
  try {
    for (int c = 0; c < C; ++c) {
      const size_t k = static_cast<size_t>(c);
      r[k] = static_cast<float>(checked_rstd<float>(va[k], p.eps, c, m, "var"));
    }
  } catch (const Error&) {
    if (&out == &y) y = Tensor();
    throw;
  }
  if (&out != &y) y = std::move(out);
  rstd = std::move(r);
  mean.resize(static_cast<size_t>(C));
  var.resize(static_cast<size_t>(C));
  const double unbias = m > 1 ? static_cast<double>(m) / static_cast<double>(m - 1) : 1.0;
  for (size_t k = 0; k < static_cast<size_t>(C); ++k) {
    mean[k] = static_cast<float>(mu[k]);
    var[k] = static_cast<float>(va[k]);
    if (running_mean) {
      float& rm = (*running_mean)[k];
      rm = static_cast<float>((1.0 - p.momentum) * rm + p.momentum * mu[k]);
    }
    if (running_var) {
      float& rv = (*running_var)[k];
      rv = static_cast<float>((1.0 - p.momentum) * rv + p.momentum * va[k] * unbias);
    }
  }
}

void batchnorm_backward_f32(Tensor& dx, std::vector<float>& dgamma, std::vector<float>& dbeta,
                            const Tensor& dy, const Tensor& x, const std::vector<float>& gamma,
                            const std::vector<float>& mean, const std::vector<float>& rstd) {
  kernels::batchnorm_backward_f32_with("", dx, dgamma, dbeta, dy, x, gamma, mean, rstd);
}

void kernels::batchnorm_backward_f32_with(const std::string& variant, Tensor& dx,
                                          std::vector<float>& dgamma, std::vector<float>& dbeta,
                                          const Tensor& dy, const Tensor& x,
                                          const std::vector<float>& gamma,
                                          const std::vector<float>& mean,
                                          const std::vector<float>& rstd) {
  check_backward_shapes(dy, x);
  const int C = x.shape.c;
  check_per_channel(gamma, "gamma", C);
  check_per_channel(mean, "mean", C);
  check_per_channel(rstd, "rstd", C);
  for (int c = 0; c < C; ++c) {
    const double r = static_cast<double>(rstd[static_cast<size_t>(c)]);
    if (!(r > 0.0) || !std::isfinite(r)) {
      throw Error("batchnorm backward: rstd[" + std::to_string(c) + "] is " + num(r) +
                  ", it must be a finite number > 0");
    }
  }
  Tensor spare;
  Tensor& out = &dx == &x || &dx == &dy ? spare : dx;
  out.reset_for_overwrite(x.shape);  // every variant writes every value
  std::vector<double> dg, db, mu;
  pick_variant(batchnorm_f32_variants(), variant, LayerDesc{x.shape, x.shape, {}})
      .backward(out, dg, db, mu, dy, x, gamma, mean, rstd);
  // The mean must be this x's, or the saved state belongs to another input:
  // to within 1e-4 standard deviations (1/rstd), as the kernels sum in
  // float lanes in their own order.
  for (int c = 0; c < C; ++c) {
    const size_t k = static_cast<size_t>(c);
    const double want = static_cast<double>(mean[k]);
    const double slack = 1e-4 / static_cast<double>(rstd[k]) + 1e-6 * std::fabs(want);
    if (!(std::fabs(mu[k] - want) <= slack)) {
      if (&out == &dx) dx = Tensor();
      throw Error("batchnorm backward: channel " + std::to_string(c) + " of x has mean " +
                  num(mu[k]) + " but the saved mean is " + num(want) +
                  "; pass the saved state of this x's forward pass");
    }
  }
  if (&out != &dx) dx = std::move(out);
  dgamma.assign(dg.begin(), dg.end());
  dbeta.assign(db.begin(), db.end());
  for (size_t k = 0; k < dg.size(); ++k) {
    dgamma[k] = static_cast<float>(dg[k]);
    dbeta[k] = static_cast<float>(db[k]);
  }
}

namespace kernels {

namespace {
bool supports_any(const LayerDesc&) { return true; }
}  // namespace

const std::vector<BatchNormF32Variant>& batchnorm_f32_variants() {
  static const std::vector<BatchNormF32Variant> variants = {
      {"batchnorm_f32__ref", supports_any, batchnorm_f32_fwd__ref, batchnorm_f32_bwd__ref},
      {"batchnorm_f32__simd128", supports_any, batchnorm_f32_fwd__simd128,
       batchnorm_f32_bwd__simd128},
  };
  return variants;
}

}  // namespace kernels

template void batchnorm_forward_train<float>(Tensor&, BatchNormSaved<float>&, const Tensor&,
                                             const std::vector<float>&, const std::vector<float>&,
                                             const BatchNormParams&, std::vector<float>*,
                                             std::vector<float>*);
template void batchnorm_forward_train<double>(TensorD&, BatchNormSaved<double>&, const TensorD&,
                                              const std::vector<double>&,
                                              const std::vector<double>&, const BatchNormParams&,
                                              std::vector<double>*, std::vector<double>*);
template void batchnorm_forward_infer<float>(Tensor&, const Tensor&, const std::vector<float>&,
                                             const std::vector<float>&, const std::vector<float>&,
                                             const std::vector<float>&, const BatchNormParams&,
                                             BatchNormSaved<float>*);
template void batchnorm_forward_infer<double>(TensorD&, const TensorD&, const std::vector<double>&,
                                              const std::vector<double>&,
                                              const std::vector<double>&,
                                              const std::vector<double>&, const BatchNormParams&,
                                              BatchNormSaved<double>*);
template void batchnorm_backward<float>(BatchNormGrads<float>&, const Tensor&, const Tensor&,
                                        const std::vector<float>&, const BatchNormSaved<float>&);
template void batchnorm_backward<double>(BatchNormGrads<double>&, const TensorD&, const TensorD&,
                                         const std::vector<double>&, const BatchNormSaved<double>&);

}  // namespace convplay
