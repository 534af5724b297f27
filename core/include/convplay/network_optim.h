// convplay — the optimisers as free update functions: one call updates one
// parameter vector w from its gradient g and the optimiser's state, in
// float32, the same arithmetic natively and in WASM. The trainer
// (network.h) calls them for every parameter of the network.
#pragma once

#include <vector>

namespace convplay {

// SGD with momentum and L2 weight decay:
//   g' = g + decay * w;  v = momentum * v + g';  w -= lr * v
// w, g and v have the same size.
void sgd_update(std::vector<float>& w, const std::vector<float>& g, std::vector<float>& v, float lr,
                float momentum, float decay);

// Adam (Kingma and Ba), as PyTorch's torch.optim.Adam with weight_decay, at
// step t (1-based); beta1_t and beta2_t are beta1^t and beta2^t:
//   g' = g + decay * w;  m = b1 m + (1 - b1) g';  v = b2 v + (1 - b2) g'^2
//   w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
struct AdamStep {
  float lr = 0.001f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, decay = 0.0f;
  double beta1_t = 0.9, beta2_t = 0.999;
};
// w, g, m and v have the same size.
void adam_update(std::vector<float>& w, const std::vector<float>& g, std::vector<float>& m,
                 std::vector<float>& v, const AdamStep& s);

}  // namespace convplay
