// The optimisers' free update functions (network_optim.h) against their
// formulas written out in double, and the trainer through them (the Adam
// and SGD training tests of test_network.cpp).
#include <doctest.h>

#include <cmath>
#include <vector>

#include "convplay/network_optim.h"

using namespace convplay;

TEST_CASE("sgd_update: v = momentum v + g + decay w; w -= lr v") {
  std::vector<float> w{1.0f, -2.0f, 0.5f}, g{0.1f, 0.2f, -0.3f}, v{0.0f, 0.5f, -1.0f};
  const std::vector<float> w0 = w, v0 = v;
  sgd_update(w, g, v, 0.1f, 0.9f, 0.01f);
  for (size_t i = 0; i < w.size(); ++i) {
    const double vi = 0.9 * v0[i] + g[i] + 0.01 * w0[i];
    CHECK(v[i] == doctest::Approx(vi).epsilon(1e-6));
    CHECK(w[i] == doctest::Approx(w0[i] - 0.1 * vi).epsilon(1e-6));
  }
}

TEST_CASE("adam_update: the bias-corrected step of Kingma and Ba, with L2 decay") {
  std::vector<float> w{1.0f, -2.0f}, g{0.1f, -0.4f}, m{0.05f, 0.0f}, v{0.01f, 0.02f};
  const std::vector<float> w0 = w, m0 = m, v0 = v;
  AdamStep s;
  s.lr = 0.01f;
  s.decay = 0.1f;
  s.beta1_t = 0.9 * 0.9;  // step 2
  s.beta2_t = 0.999 * 0.999;
  adam_update(w, g, m, v, s);
  for (size_t i = 0; i < w.size(); ++i) {
    const double gi = g[i] + 0.1 * w0[i];
    const double mi = 0.9 * m0[i] + 0.1 * gi;
    const double vi = 0.999 * v0[i] + 0.001 * gi * gi;
    const double step = 0.01 * (mi / (1 - 0.81)) / (std::sqrt(vi / (1 - 0.999 * 0.999)) + 1e-8);
    CHECK(m[i] == doctest::Approx(mi).epsilon(1e-6));
    CHECK(v[i] == doctest::Approx(vi).epsilon(1e-6));
    CHECK(w[i] == doctest::Approx(w0[i] - step).epsilon(1e-6));
  }
}
