// convplay — the native side of `npm run bench -- --native`: the shapes of
// tests/bench/bench.mjs through the core's public entry points, compiled for
// this host (-O3), one thread, after warm-up, median of runs (argv[1], default
// 21). Prints a table: shape, op, ms, GFLOP/s, and the fraction of this
// host's multiply-add peak measured with the same 4-lane vectors.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "convplay/batchnorm.h"
#include "convplay/conv.h"
#include "convplay/kernels.h"

using namespace convplay;

namespace {

template <typename F>
double median_ms(F&& f, int runs) {
  for (int i = 0; i < 3; ++i) f();
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

void fill(std::vector<float>& v, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  for (auto& e : v) e = u(rng);
}

volatile float sink;

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 21;
  const int iters = 2000000;
  const double peak_ms = median_ms([&] { sink = kernels::simd_muladd_peak(iters); }, runs);
  const double peak = iters * 12.0 * 4 * 2 / peak_ms / 1e6;
  std::printf("multiply-add peak (%s... 4-lane vectors): %.1f GFLOP/s\n", "f32x4", peak);
  std::printf("shape op        ms   GFLOP/s  %%peak\n");
  struct Layer {
    const char* name;
    Shape x;
    int k, f, s, p;
  };
  const Layer layers[] = {{"S1", {1, 3, 227, 227}, 96, 11, 4, 0},
                          {"S2", {1, 64, 56, 56}, 64, 3, 1, 1},
                          {"S3", {1, 3, 512, 512}, 8, 3, 1, 1},
                          {"S4", {1, 16, 128, 128}, 32, 5, 2, 2}};
  std::mt19937 rng(1);
  for (const Layer& l : layers) {
    const Shape ws{l.k, l.x.c, l.f, l.f};
    Conv2dParams p;
    p.stride_h = p.stride_w = l.s;
    p.pad_h = p.pad_w = l.p;
    const Conv2dGeometry g = conv2d_geometry(l.x, ws, p);
    Tensor x(l.x), w(ws), y, dy(g.output), dx, dw;
    fill(x.data, rng);
    fill(w.data, rng);
    fill(dy.data, rng);
    std::vector<float> b(static_cast<size_t>(l.k), 0.1f), db;
    const double flops = 2.0 * static_cast<double>(g.output.count()) * l.x.c * l.f * l.f;
    const auto report = [&](const char* op, double ms) {
      const double gf = flops / ms / 1e6;
      std::printf("%-5s %-8s %7.2f %8.1f %5.0f%%\n", l.name, op, ms, gf, 100 * gf / peak);
    };
    report("fwd", median_ms([&] { conv2d_forward(y, x, w, b, p); }, runs));
    report("dX", median_ms([&] { conv2d_backward_data(dx, dy, w, l.x, p); }, runs));
    report("dW", median_ms([&] { conv2d_backward_filter(dw, db, dy, x, ws, p); }, runs));
  }
  {
    const Shape s{32, 64, 28, 28};
    Tensor x(s), dy(s), y, dx;
    fill(x.data, rng);
    fill(dy.data, rng);
    std::vector<float> gamma(64, 1.0f), beta(64, 0.0f), mean, var, rstd, dgamma, dbeta;
    const double ms = median_ms(
        [&] {
          batchnorm_forward_train_f32(y, mean, var, rstd, x, gamma, beta, BatchNormParams{});
          batchnorm_backward_f32(dx, dgamma, dbeta, dy, x, gamma, mean, rstd);
        },
        runs);
    std::printf("%-5s %-8s %7.2f %8s %6s\n", "BN", "bn", ms, "-", "-");
  }
  return 0;
}
