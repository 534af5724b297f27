// The optimisers' update rules (network_optim.h).
#include "convplay/network_optim.h"

#include <cassert>
#include <cmath>
#include <cstddef>

namespace convplay {

void sgd_update(std::vector<float>& w, const std::vector<float>& g, std::vector<float>& v, float lr,
                float momentum, float decay) {
  assert(g.size() == w.size() && v.size() == w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    v[i] = momentum * v[i] + g[i] + decay * w[i];
    w[i] -= lr * v[i];
  }
}

void adam_update(std::vector<float>& w, const std::vector<float>& g, std::vector<float>& m,
                 std::vector<float>& v, const AdamStep& s) {
  assert(g.size() == w.size() && m.size() == w.size() && v.size() == w.size());
  const float b1 = s.beta1, b2 = s.beta2;
  const float c1 = static_cast<float>(1.0 / (1.0 - s.beta1_t));
  const float c2 = static_cast<float>(1.0 / (1.0 - s.beta2_t));
  for (size_t i = 0; i < w.size(); ++i) {
    const float gi = g[i] + s.decay * w[i];
    m[i] = b1 * m[i] + (1.0f - b1) * gi;
    v[i] = b2 * v[i] + (1.0f - b2) * gi * gi;
    w[i] -= s.lr * (m[i] * c1) / (std::sqrt(v[i] * c2) + s.eps);
  }
}

}  // namespace convplay
