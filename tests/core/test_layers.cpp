// The network layers: hand-checkable values, gradients by central finite
// differences in double, every float variant against the reference, and the
// rejected shapes.
#include <doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "convplay/kernels.h"
#include "convplay/layers.h"

using namespace convplay;
using namespace convplay::test;

namespace {

template <typename T>
BasicTensor<T> random_tensor(Shape s, std::mt19937& rng, double lo = -1.0, double hi = 1.0) {
  std::uniform_real_distribution<double> u(lo, hi);
  BasicTensor<T> t(s);
  for (auto& v : t.data) v = static_cast<T>(u(rng));
  return t;
}

// Central difference of loss() with respect to v.
template <typename L>
double central(double& v, L&& loss, double h = 1e-6) {
  const double keep = v;
  v = keep + h;
  const double up = loss();
  v = keep - h;
  const double down = loss();
  v = keep;
  return (up - down) / (2 * h);
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

double worst_difference(const std::vector<float>& a, const std::vector<float>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::fabs(static_cast<double>(a[i]) - b[i]));
  return worst;
}

}  // namespace

TEST_CASE("ReLU: values and gradient") {
  const TensorD x(Shape{1, 1, 1, 4}, {-2.0, -0.5, 0.5, 3.0});
  TensorD y, dx;
  relu_forward(y, x);
  CHECK(y.data == std::vector<double>{0, 0, 0.5, 3.0});
  relu_backward(dx, TensorD(x.shape, {1, 2, 3, 4}), x);
  CHECK(dx.data == std::vector<double>{0, 0, 3, 4});

  SUBCASE("central finite differences (away from the kink)") {
    std::mt19937 rng(1);
    TensorD xr = random_tensor<double>(Shape{2, 3, 4, 5}, rng);
    for (double& v : xr.data) v += v > 0 ? 0.01 : -0.01;
    const TensorD r = random_tensor<double>(xr.shape, rng);
    auto loss = [&] {
      TensorD out;
      relu_forward(out, xr);
      return dot(r.data, out.data);
    };
    TensorD g;
    relu_backward(g, r, xr);
    double worst = 0;
    for (size_t i = 0; i < xr.data.size(); ++i)
      worst = std::max(worst, std::fabs(central(xr.data[i], loss) - g.data[i]));
    CAPTURE(worst);
    CHECK(worst < 1e-8);
  }
}

TEST_CASE("max pooling: values, arg-max and gradient") {
  // 4x4 -> 2x2 with the 2x2 window, stride 2.
  const TensorD x(Shape{1, 1, 4, 4}, {1, 2, 5, 0,  //
                                      3, 4, 1, 1,  //
                                      0, 0, 7, 8,  //
                                      9, 1, 8, 2});
  TensorD y;
  std::vector<int32_t> arg;
  maxpool2d_forward(y, arg, x, Pool2dParams{2, 2});
  CHECK(y.shape == Shape{1, 1, 2, 2});
  CHECK(y.data == std::vector<double>{4, 5, 9, 8});
  CHECK(arg == std::vector<int32_t>{5, 2, 12, 11});

  SUBCASE("the backward routes the whole gradient to the arg-max") {
    TensorD dx;
    maxpool2d_backward(dx, TensorD(y.shape, {10, 20, 30, 40}), arg, x.shape, Pool2dParams{2, 2});
    std::vector<double> want(16, 0.0);
    want[5] = 10, want[2] = 20, want[12] = 30, want[11] = 40;
    CHECK(dx.data == want);
  }
  SUBCASE("ties go to the first maximum in the window") {
    const TensorD t(Shape{1, 1, 2, 2}, {3, 3, 3, 3});
    maxpool2d_forward(y, arg, t, Pool2dParams{2, 2});
    CHECK(arg == std::vector<int32_t>{0});
  }
  SUBCASE("overlapping windows (F 3, S 2) add their gradients") {
    const TensorD t(Shape{1, 1, 3, 5}, {0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    maxpool2d_forward(y, arg, t, Pool2dParams{3, 2});
    CHECK(y.shape == Shape{1, 1, 1, 2});
    CHECK(arg == std::vector<int32_t>{2, 2});
    TensorD dx;
    maxpool2d_backward(dx, TensorD(y.shape, {1.5, 2.0}), arg, t.shape, Pool2dParams{3, 2});
    CHECK(dx.data[2] == 3.5);
  }
  SUBCASE("central finite differences, general F and S") {
    std::mt19937 rng(2);
    for (Pool2dParams p :
         {Pool2dParams{2, 2}, Pool2dParams{3, 2}, Pool2dParams{2, 1}, Pool2dParams{3, 3}}) {
      CAPTURE(p.size);
      CAPTURE(p.stride);
      TensorD xr = random_tensor<double>(Shape{2, 2, 7, 6}, rng);
      const Shape ys = pool2d_output_shape(xr.shape, p);
      const TensorD r = random_tensor<double>(ys, rng);
      auto loss = [&] {
        TensorD out;
        std::vector<int32_t> a;
        maxpool2d_forward(out, a, xr, p);
        return dot(r.data, out.data);
      };
      TensorD out, g;
      std::vector<int32_t> a;
      maxpool2d_forward(out, a, xr, p);
      maxpool2d_backward(g, r, a, xr.shape, p);
      double worst = 0;
      for (size_t i = 0; i < xr.data.size(); ++i)
        worst = std::max(worst, std::fabs(central(xr.data[i], loss) - g.data[i]));
      CAPTURE(worst);
      CHECK(worst < 1e-8);
    }
  }
}

TEST_CASE("average pooling: values and gradient") {
  const TensorD x(Shape{1, 1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
  TensorD y;
  avgpool2d_forward(y, x, Pool2dParams{2, 2});
  CHECK(y.data == std::vector<double>{3.5, 5.5});
  std::mt19937 rng(3);
  for (Pool2dParams p : {Pool2dParams{2, 2}, Pool2dParams{3, 1}, Pool2dParams{3, 2}}) {
    CAPTURE(p.size);
    CAPTURE(p.stride);
    TensorD xr = random_tensor<double>(Shape{2, 3, 6, 7}, rng);
    const TensorD r = random_tensor<double>(pool2d_output_shape(xr.shape, p), rng);
    auto loss = [&] {
      TensorD out;
      avgpool2d_forward(out, xr, p);
      return dot(r.data, out.data);
    };
    TensorD g;
    avgpool2d_backward(g, r, xr.shape, p);
    double worst = 0;
    for (size_t i = 0; i < xr.data.size(); ++i)
      worst = std::max(worst, std::fabs(central(xr.data[i], loss) - g.data[i]));
    CAPTURE(worst);
    CHECK(worst < 1e-8);
  }
}

TEST_CASE("fully connected: flatten order, values and gradient") {
  // x (1, 2, 1, 2) flattens to [1, 2, 3, 4].
  const TensorD x(Shape{1, 2, 1, 2}, {1, 2, 3, 4});
  const TensorD w(Shape{2, 4, 1, 1}, {1, 0, 0, 0, 0.5, 0.5, 0.5, 0.5});
  TensorD y;
  linear_forward(y, x, w, std::vector<double>{0.25, -1});
  CHECK(y.shape == Shape{1, 2, 1, 1});
  CHECK(y.data == std::vector<double>{1.25, 4});

  std::mt19937 rng(4);
  TensorD xr = random_tensor<double>(Shape{3, 2, 3, 2}, rng);
  TensorD wr = random_tensor<double>(Shape{4, 12, 1, 1}, rng);
  std::vector<double> b = {0.1, -0.2, 0.3, 0};
  const TensorD r = random_tensor<double>(Shape{3, 4, 1, 1}, rng);
  auto loss = [&] {
    TensorD out;
    linear_forward(out, xr, wr, b);
    return dot(r.data, out.data);
  };
  TensorD dx, dw;
  std::vector<double> db;
  linear_backward(dx, dw, db, r, xr, wr);
  CHECK(dx.shape == xr.shape);
  double worst = 0;
  for (size_t i = 0; i < xr.data.size(); ++i)
    worst = std::max(worst, std::fabs(central(xr.data[i], loss) - dx.data[i]));
  for (size_t i = 0; i < wr.data.size(); ++i)
    worst = std::max(worst, std::fabs(central(wr.data[i], loss) - dw.data[i]));
  for (size_t i = 0; i < b.size(); ++i)
    worst = std::max(worst, std::fabs(central(b[i], loss) - db[i]));
  CAPTURE(worst);
  CHECK(worst < 1e-8);
}

TEST_CASE("softmax cross-entropy: stable, and its gradient") {
  SUBCASE("uniform logits give log K") {
    TensorD p;
    const double loss =
        softmax_cross_entropy_forward(p, TensorD(Shape{1, 4, 1, 1}, {2, 2, 2, 2}), {1});
    CHECK(loss == doctest::Approx(std::log(4.0)).epsilon(1e-12));
    CHECK(p.data[3] == doctest::Approx(0.25));
  }
  SUBCASE("logits of 1000 do not overflow, and shifting them changes nothing") {
    Tensor p1, p2;
    const double big =
        softmax_cross_entropy_forward(p1, Tensor(Shape{1, 3, 1, 1}, {1000, 999, 990}), {1});
    const double small =
        softmax_cross_entropy_forward(p2, Tensor(Shape{1, 3, 1, 1}, {10, 9, 0}), {1});
    CHECK(std::isfinite(big));
    CHECK(big == doctest::Approx(small).epsilon(1e-6));
    CHECK(worst_difference(p1.data, p2.data) < 1e-7);
  }
  SUBCASE("central finite differences") {
    std::mt19937 rng(5);
    TensorD z = random_tensor<double>(Shape{4, 5, 1, 1}, rng, -3, 3);
    const std::vector<int> labels = {0, 4, 2, 2};
    auto loss = [&] {
      TensorD p;
      return softmax_cross_entropy_forward(p, z, labels);
    };
    TensorD p, dz;
    softmax_cross_entropy_forward(p, z, labels);
    softmax_cross_entropy_backward(dz, p, labels);
    double worst = 0;
    for (size_t i = 0; i < z.data.size(); ++i)
      worst = std::max(worst, std::fabs(central(z.data[i], loss) - dz.data[i]));
    CAPTURE(worst);
    CHECK(worst < 1e-8);
  }
}

namespace {

// The formulas of layers.h written out once more, in double, for the
// operations whose only kernel is the reference (the variant loops compare
// against these rather than the reference with itself).
Tensor maxpool_backward_oracle(const Shape& xs, const Tensor& dy,
                               const std::vector<int32_t>& argmax) {
  std::vector<double> dx(static_cast<size_t>(xs.count()), 0.0);
  for (size_t i = 0; i < dy.data.size(); ++i) dx[static_cast<size_t>(argmax[i])] += dy.data[i];
  return Tensor(xs, std::vector<float>(dx.begin(), dx.end()));
}

Tensor avgpool_forward_oracle(const Tensor& x, const Shape& ys, const Pool2dParams& p) {
  Tensor y(ys);
  const double area = static_cast<double>(p.size) * p.size;
  for (int n = 0; n < ys.n; ++n)
    for (int c = 0; c < ys.c; ++c)
      for (int i = 0; i < ys.h; ++i)
        for (int j = 0; j < ys.w; ++j) {
          double sum = 0;
          for (int a = 0; a < p.size; ++a)
            for (int b = 0; b < p.size; ++b) sum += x.at(n, c, i * p.stride + a, j * p.stride + b);
          y.at(n, c, i, j) = static_cast<float>(sum / area);
        }
  return y;
}

Tensor avgpool_backward_oracle(const Shape& xs, const Tensor& dy, const Pool2dParams& p) {
  TensorD dx(xs);
  const double area = static_cast<double>(p.size) * p.size;
  const Shape& ys = dy.shape;
  for (int n = 0; n < ys.n; ++n)
    for (int c = 0; c < ys.c; ++c)
      for (int i = 0; i < ys.h; ++i)
        for (int j = 0; j < ys.w; ++j)
          for (int a = 0; a < p.size; ++a)
            for (int b = 0; b < p.size; ++b)
              dx.at(n, c, i * p.stride + a, j * p.stride + b) += dy.at(n, c, i, j) / area;
  return Tensor(xs, std::vector<float>(dx.data.begin(), dx.data.end()));
}

// y(n,k) = b(k) + sum_d w(k,d) x(n,d); dx = dy w; dw = dy^T x; db = sum_n dy.
void linear_oracle(Tensor& y, Tensor& dx, Tensor& dw, std::vector<float>& db, const Tensor& x,
                   const Tensor& w, const std::vector<float>& b, const Tensor& dy) {
  const int N = x.shape.n, K = w.shape.n;
  const int D = x.shape.c * x.shape.h * x.shape.w;
  auto X = [&](int n, int e) {
    return static_cast<double>(x.data[static_cast<size_t>(n) * D + e]);
  };
  auto W = [&](int k, int e) {
    return static_cast<double>(w.data[static_cast<size_t>(k) * D + e]);
  };
  auto DY = [&](int n, int k) {
    return static_cast<double>(dy.data[static_cast<size_t>(n) * K + k]);
  };
  for (int n = 0; n < N; ++n)
    for (int k = 0; k < K; ++k) {
      double sum = b[static_cast<size_t>(k)];
      for (int e = 0; e < D; ++e) sum += W(k, e) * X(n, e);
      y.data[static_cast<size_t>(n) * K + k] = static_cast<float>(sum);
    }
  for (int n = 0; n < N; ++n)
    for (int e = 0; e < D; ++e) {
      double sum = 0;
      for (int k = 0; k < K; ++k) sum += DY(n, k) * W(k, e);
      dx.data[static_cast<size_t>(n) * D + e] = static_cast<float>(sum);
    }
  for (int k = 0; k < K; ++k) {
    double sb = 0;
    for (int n = 0; n < N; ++n) sb += DY(n, k);
    db[static_cast<size_t>(k)] = static_cast<float>(sb);
    for (int e = 0; e < D; ++e) {
      double sum = 0;
      for (int n = 0; n < N; ++n) sum += DY(n, k) * X(n, e);
      dw.data[static_cast<size_t>(k) * D + e] = static_cast<float>(sum);
    }
  }
}

}  // namespace

TEST_CASE("every float variant of the layers matches the reference") {
  std::mt19937 rng(6);
  struct Case {
    const char* name;
    Shape x;
    Pool2dParams p;
  };
  const Case cases[] = {{"even_2x2s2", {2, 3, 8, 8}, {2, 2}},
                        {"odd_h_w_2x2s2", {1, 2, 7, 5}, {2, 2}},
                        {"w_lt_2", {1, 1, 3, 2}, {2, 2}},
                        {"overlap_3s2", {2, 2, 9, 7}, {3, 2}},
                        {"stride_1", {1, 2, 5, 6}, {2, 1}},
                        // The tiny network's maps: vector body and scalar tail.
                        {"w_26_2x2s2", {2, 3, 26, 26}, {2, 2}},
                        {"w_11_odd_2x2s2", {2, 4, 11, 11}, {2, 2}},
                        {"w_17_tail_2x2s2", {1, 1, 4, 17}, {2, 2}},
                        // Values in {-1, 0, 1}: ties in every window, exact zeros.
                        {"ties_2x2s2", {2, 2, 10, 24}, {2, 2}}};
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Tensor x = random_tensor<float>(c.x, rng);
    if (std::string(c.name).rfind("ties", 0) == 0) {
      for (float& v : x.data) v = std::round(v * 1.5f);
    }
    const Shape ys = pool2d_output_shape(c.x, c.p);
    const LayerDesc d{c.x, ys, c.p};
    const Tensor dy = random_tensor<float>(ys, rng);

    Tensor ref(ys);
    std::vector<int32_t> ref_arg(ref.data.size());
    const auto mp = every_variant(kernels::maxpool2d_f32_fwd_variants(),
                                  kernels::maxpool2d_f32_fwd_unpicked_variants());
    CHECK(std::string(mp.front().name) == "maxpool2d_f32_fwd__ref");
    mp.front().run(ref, ref_arg, x, c.p);
    for (const auto& v : mp) {
      if (!v.supports(d)) continue;
      CAPTURE(v.name);
      // Poisoned: a variant must write every value and every index.
      Tensor y(ys);
      std::fill(y.data.begin(), y.data.end(), 7.0f);
      std::vector<int32_t> arg(y.data.size(), -1);
      v.run(y, arg, x, c.p);
      CHECK(worst_difference(y.data, ref.data) == 0.0);
      CHECK(arg == ref_arg);
    }
    // Operations whose only kernel is the reference: every variant (today
    // the reference alone) against the formula written out here.
    const Tensor want_dx = maxpool_backward_oracle(c.x, dy, ref_arg);
    for (const auto& v : kernels::maxpool2d_f32_bwd_variants()) {
      if (!v.supports(d)) continue;
      CAPTURE(v.name);
      Tensor dx(c.x);
      std::fill(dx.data.begin(), dx.data.end(), 7.0f);
      v.run(dx, dy, ref_arg, c.p);
      CHECK(worst_difference(dx.data, want_dx.data) < 1e-6);
    }
    const Tensor want_avg = avgpool_forward_oracle(x, ys, c.p);
    for (const auto& v : kernels::avgpool2d_f32_fwd_variants()) {
      if (!v.supports(d)) continue;
      CAPTURE(v.name);
      Tensor y(ys);
      std::fill(y.data.begin(), y.data.end(), 7.0f);
      v.run(y, x, c.p);
      CHECK(worst_difference(y.data, want_avg.data) < 1e-6);
    }
    const Tensor want_avg_dx = avgpool_backward_oracle(c.x, dy, c.p);
    for (const auto& v : kernels::avgpool2d_f32_bwd_variants()) {
      if (!v.supports(d)) continue;
      CAPTURE(v.name);
      Tensor dx(c.x);
      std::fill(dx.data.begin(), dx.data.end(), 7.0f);
      v.run(dx, dy, c.p);
      CHECK(worst_difference(dx.data, want_avg_dx.data) < 1e-6);
    }
    for (const auto& v : kernels::relu_f32_fwd_variants()) {
      CAPTURE(v.name);
      Tensor y(c.x), want(c.x);
      kernels::relu_f32_fwd_variants().front().run(want, x);
      std::fill(y.data.begin(), y.data.end(), 7.0f);
      v.run(y, x);
      CHECK(worst_difference(y.data, want.data) == 0.0);
    }
    const Tensor dy_x = random_tensor<float>(c.x, rng);
    for (const auto& v : kernels::relu_f32_bwd_variants()) {
      CAPTURE(v.name);
      Tensor dx(c.x), want(c.x);
      kernels::relu_f32_bwd_variants().front().run(want, dy_x, x);
      std::fill(dx.data.begin(), dx.data.end(), 7.0f);
      v.run(dx, dy_x, x);
      CHECK(worst_difference(dx.data, want.data) == 0.0);
    }
  }
  // Fully connected: (N, D) x (K, D).
  // D = 1, 21 (a tail of one, of five past the vectors), 100, 400 (the tiny network's).
  for (Shape xs : {Shape{1, 1, 1, 1}, Shape{2, 3, 1, 7}, Shape{3, 4, 5, 5}, Shape{32, 16, 5, 5}}) {
    CAPTURE(xs.str());
    const int D = xs.c * xs.h * xs.w;
    const Tensor x = random_tensor<float>(xs, rng);
    const Tensor w = random_tensor<float>(Shape{10, D, 1, 1}, rng);
    const std::vector<float> b(10, 0.5f);
    const Tensor dy = random_tensor<float>(Shape{xs.n, 10, 1, 1}, rng);
    const LayerDesc d{xs, Shape{xs.n, 10, 1, 1}, {}};
    // Every variant, the reference included, against the formula written out.
    Tensor want(d.output), want_dx(xs), want_dw(w.shape);
    std::vector<float> want_db(10);
    linear_oracle(want, want_dx, want_dw, want_db, x, w, b, dy);
    for (const auto& v : kernels::linear_f32_fwd_variants()) {
      if (!v.supports(d)) continue;
      CAPTURE(v.name);
      Tensor y(d.output);
      std::fill(y.data.begin(), y.data.end(), 7.0f);
      v.run(y, x, w, b);
      CHECK(worst_difference(y.data, want.data) < 1e-4);
    }
    for (const auto& v : kernels::linear_f32_bwd_variants()) {
      if (!v.supports(d)) continue;
      CAPTURE(v.name);
      Tensor dx(xs), dw(w.shape);
      std::vector<float> db(10, 7.0f);
      std::fill(dx.data.begin(), dx.data.end(), 7.0f);
      std::fill(dw.data.begin(), dw.data.end(), 7.0f);
      v.run(dx, dw, db, dy, x, w);
      CHECK(worst_difference(dx.data, want_dx.data) < 1e-4);
      CHECK(worst_difference(dw.data, want_dw.data) < 1e-4);
      CHECK(worst_difference(db, want_db) < 1e-4);
    }
  }
}

TEST_CASE("the layers refuse bad shapes with messages that name them") {
  Tensor y;
  std::vector<int32_t> arg;
  const Tensor x(Shape{1, 1, 2, 2});
  CHECK(error_of([&] {
          maxpool2d_forward(y, arg, x, Pool2dParams{3, 1});
        }) == "pooling 3x3 stride 1: kernel 3 is larger than padded height 2 + 2*0 = 2");
  CHECK(contains(error_of([&] {
                   avgpool2d_forward(y, x, Pool2dParams{2, 0});
                 }),
                 "stride 0 (height) must be at least 1"));
  CHECK(contains(error_of([&] {
                   linear_forward(y, x, Tensor(Shape{3, 5, 1, 1}), {0, 0, 0});
                 }),
                 "w has shape 3x5x1x1 but must be K x 4 x 1 x 1"));
  CHECK(contains(error_of([&] {
                   linear_forward(y, x, Tensor(Shape{3, 4, 1, 1}), {0});
                 }),
                 "bias has 1 values but there are 3 outputs"));
  Tensor p;
  CHECK(contains(error_of([&] {
                   softmax_cross_entropy_forward(p, Tensor(Shape{2, 3, 1, 1}), {0, 3});
                 }),
                 "label 3 of image 1 is not a class in [0, 3)"));
  CHECK(contains(error_of([&] {
                   softmax_cross_entropy_forward(p, Tensor(Shape{1, 3, 1, 1}), {0, 1});
                 }),
                 "2 labels for a batch of 1"));
  CHECK(contains(error_of([&] {
                   relu_backward(y, Tensor(Shape{1, 1, 2, 3}), x);
                 }),
                 "dL/dy has shape 1x1x2x3 but x has shape 1x1x2x2"));
  CHECK(contains(error_of([&] {
                   maxpool2d_backward(y, Tensor(Shape{1, 1, 1, 1}), std::vector<int32_t>{9},
                                      x.shape, Pool2dParams{2, 2});
                 }),
                 "arg-max index 9 is outside x (4 values)"));
}
