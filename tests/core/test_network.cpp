// The sequential network and its trainer: shapes checked when it is built,
// He initialisation, the whole network's gradient by central finite
// differences in double, batch norm's two modes, deterministic training that
// separates a small synthetic set, and the stop on a non-finite loss.
#include <doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "convplay/network.h"

using namespace convplay;
using namespace convplay::test;

namespace {

// Three classes of 8x8 grey images: a horizontal bar, a vertical bar, a
// diagonal, each at a random place with noise. Separable by a small CNN.
Dataset bars(int per_class, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> pos(1, 6), noise(0, 60);
  Dataset d;
  d.channels = 1, d.height = 8, d.width = 8, d.classes = 3;
  for (int i = 0; i < per_class; ++i) {
    for (int c = 0; c < 3; ++c) {
      std::vector<uint8_t> img(64);
      for (auto& v : img) v = static_cast<uint8_t>(noise(rng));
      const int p = pos(rng);
      for (int k = 0; k < 8; ++k) {
        const int r = c == 0 ? p : k, col = c == 1 ? p : (c == 0 ? k : (k + p) % 8);
        img[static_cast<size_t>(r * 8 + col)] = 230;
      }
      d.pixels.insert(d.pixels.end(), img.begin(), img.end());
      d.labels.push_back(c);
    }
  }
  return d;
}

NetworkSpec small_net(bool bn) {
  NetworkSpec s;
  s.channels = 1, s.height = 8, s.width = 8;
  s.layers.push_back({LayerType::conv, 4, 3, 1, 1});
  if (bn) s.layers.push_back({LayerType::batchnorm});
  s.layers.push_back({LayerType::relu});
  s.layers.push_back({LayerType::maxpool, 0, 2, 2, 0});
  s.layers.push_back({LayerType::fc, 3});
  return s;
}

std::vector<std::vector<float>> weights(Network<float>& net) {
  std::vector<std::vector<float>> out;
  for (const auto& p : net.params()) out.push_back(*p.value);
  return out;
}

}  // namespace

TEST_CASE("the tiny preset: shapes and parameter counts") {
  const Network<float> net(tiny_network(false), 1);
  REQUIRE(net.size() == 7);
  CHECK(net.layer(0).out == Shape{1, 8, 26, 26});
  CHECK(net.layer(2).out == Shape{1, 8, 13, 13});
  CHECK(net.layer(3).out == Shape{1, 16, 11, 11});
  CHECK(net.layer(5).out == Shape{1, 16, 5, 5});
  CHECK(net.layer(6).out == Shape{1, 10, 1, 1});
  CHECK(net.layer(0).param_count == 8 * 9 + 8);
  CHECK(net.layer(3).param_count == 16 * 8 * 9 + 16);
  CHECK(net.layer(6).param_count == 10 * 400 + 10);
  CHECK(net.param_count() == 80 + 1168 + 4010);
  const Network<float> bn(tiny_network(true), 1);
  CHECK(bn.size() == 9);
  CHECK(bn.param_count() == 80 + 1168 + 4010 + 2 * 8 + 2 * 16);
  CHECK(bn.layer(1).name == "batch norm");
  CHECK(bn.layer(0).name == "conv 8@3x3 stride 1 pad 0");
}

TEST_CASE("a network whose maps shrink below the window says which layer and why") {
  NetworkSpec s = tiny_network(false);
  s.height = s.width = 8;  // 8 -> 6 -> 3 -> 1: the second pool's window cannot fit
  const std::string e = error_of([&] { Network<float> n(s, 1); });
  CAPTURE(e);
  CHECK(contains(e,
                 "layer 6 (max pool 2x2 stride 2) on a 1x1x16 input: pooling 2x2 stride 2: "
                 "kernel 2 is larger than padded height 1 + 2*0 = 1"));
  CHECK(contains(e, "shrunk"));

  s.height = s.width = 6;  // 6 -> 4 -> 2: the second conv's 3x3 kernel does not fit
  const std::string e2 = error_of([&] { Network<float> n(s, 1); });
  CAPTURE(e2);
  CHECK(contains(e2,
                 "layer 4 (conv 16@3x3 stride 1 pad 0) on a 2x2x8 input: kernel 3 is "
                 "larger than padded height 2 + 2*0 = 2"));

  NetworkSpec no_fc = tiny_network(false);
  no_fc.layers.pop_back();
  CHECK(contains(error_of([&] { Network<float> n(no_fc, 1); }),
                 "the last layer must be fully connected"));
  NetworkSpec zero = tiny_network(false);
  zero.layers[0].filters = 0;
  CHECK(contains(error_of([&] { Network<float> n(zero, 1); }),
                 "layer 1 (conv 0@3x3 stride 1 pad 0) on a 28x28x1 input: the number of filters "
                 "is 0"));
  CHECK(contains(error_of([] { layer_type_from_string("dense"); }), "unknown layer type 'dense'"));
}

TEST_CASE("He initialisation: N(0, 2 / fan_in), the same for the same seed") {
  NetworkSpec s;
  s.channels = 16, s.height = 4, s.width = 4;
  s.layers = {{LayerType::conv, 64, 3, 1, 1}, {LayerType::fc, 2}};
  const Network<float> a(s, 42), b(s, 42), c(s, 43);
  const auto& w = a.layer(0).w.data;
  double mean = 0, sq = 0;
  for (float v : w) mean += v;
  mean /= static_cast<double>(w.size());
  for (float v : w) sq += (v - mean) * (v - mean);
  const double sd = std::sqrt(sq / static_cast<double>(w.size()));
  CHECK(std::fabs(mean) < 0.01);
  CHECK(sd == doctest::Approx(std::sqrt(2.0 / (16 * 9))).epsilon(0.05));
  CHECK(a.layer(0).w.data == b.layer(0).w.data);
  CHECK(a.layer(0).w.data != c.layer(0).w.data);
  CHECK(std::all_of(a.layer(0).b.begin(), a.layer(0).b.end(), [](float v) { return v == 0; }));
}

TEST_CASE("the whole network's gradient equals central finite differences (double)") {
  for (bool bn : {false, true}) {
    CAPTURE(bn);
    NetworkSpec s;
    s.channels = 2, s.height = 7, s.width = 7;
    s.layers.push_back({LayerType::conv, 3, 3, 1, 1});
    if (bn) s.layers.push_back({LayerType::batchnorm});
    s.layers.push_back({LayerType::relu});
    s.layers.push_back({LayerType::maxpool, 0, 2, 2, 0});
    s.layers.push_back({LayerType::conv, 4, 2, 1, 0});
    if (bn) s.layers.push_back({LayerType::batchnorm});
    s.layers.push_back({LayerType::relu});
    s.layers.push_back({LayerType::avgpool, 0, 2, 1, 0});
    s.layers.push_back({LayerType::fc, 3});
    Network<double> net(s, 7);
    // Non-zero biases and batch-norm parameters, so every path carries gradient.
    std::mt19937 rng(9);
    std::uniform_real_distribution<double> u(-0.5, 0.5);
    for (auto& p : net.params()) {
      for (double& v : *p.value) v += u(rng);
    }
    TensorD x(net.input_shape(3));
    for (double& v : x.data) v = u(rng) * 2;
    const std::vector<int> labels = {0, 2, 1};
    net.loss_and_gradient(x, labels);
    std::vector<std::vector<double>> grads;
    for (auto& p : net.params()) grads.push_back(*p.grad);
    auto loss = [&] {
      TensorD probs;
      return softmax_cross_entropy_forward(probs, net.forward(x, true), labels);
    };
    double worst = 0;
    int checked = 0;
    auto params = net.params();
    for (size_t k = 0; k < params.size(); ++k) {
      std::vector<double>& v = *params[k].value;
      for (size_t i = 0; i < v.size(); ++i) {
        const double keep = v[i], h = 1e-6;
        v[i] = keep + h;
        const double up = loss();
        v[i] = keep - h;
        const double down = loss();
        v[i] = keep;
        const double fd = (up - down) / (2 * h);
        worst = std::max(worst, std::fabs(fd - grads[k][i]) / std::max(1.0, std::fabs(fd)));
        ++checked;
      }
    }
    CAPTURE(worst);
    CHECK(checked == net.param_count());
    CHECK(worst < 1e-6);
    // The per-layer norms are the norms of those gradients.
    CHECK(net.layer(0).grad_norm > 0);
    CHECK(net.layer(bn ? 2 : 1).grad_norm == 0);
    double fc2 = 0;
    for (double g : grads[grads.size() - 2]) fc2 += g * g;
    for (double g : grads.back()) fc2 += g * g;
    CHECK(net.layer(net.size() - 1).grad_norm == doctest::Approx(std::sqrt(fc2)));
  }
}

TEST_CASE("batch norm: batch statistics when training, running statistics at inference") {
  Network<float> net(small_net(true), 3);
  Tensor x(net.input_shape(4));
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(0, 1);
  for (float& v : x.data) v = u(rng);
  net.forward(x, true);
  const Layer<float>& bn = net.layer(1);
  // One training pass: running = 0.9 * (0, 1) + 0.1 * batch statistics.
  for (size_t c = 0; c < 4; ++c) {
    CHECK(bn.running_mean[c] == doctest::Approx(0.1 * bn.saved.mean[c]).epsilon(1e-5));
    CHECK(bn.running_var[c] ==
          doctest::Approx(0.9 + 0.1 * bn.saved.var[c] * 256.0 / 255.0).epsilon(1e-5));
  }
  // Training mode: each channel of the output has mean 0 (gamma 1, beta 0).
  double m = 0;
  for (int n = 0; n < 4; ++n)
    for (int i = 0; i < 8; ++i)
      for (int j = 0; j < 8; ++j) m += bn.y.at(n, 2, i, j);
  CHECK(std::fabs(m / 256) < 1e-5);
  // Inference mode reads the running statistics instead.
  net.forward(x, false);
  const Tensor& conv = net.layer(0).y;
  const float want =
      (conv.at(1, 2, 3, 4) - bn.running_mean[2]) / std::sqrt(bn.running_var[2] + 1e-5f);
  CHECK(net.layer(1).y.at(1, 2, 3, 4) == doctest::Approx(want).epsilon(1e-5));
}

TEST_CASE("a tiny network learns a separable set to 100%, the same way for the same seed") {
  const Dataset train = bars(20, 1), test = bars(10, 2);
  for (bool bn : {false, true}) {
    CAPTURE(bn);
    Network<float> net(small_net(bn), 5);
    TrainConfig cfg;
    cfg.batch_size = 10;
    cfg.epochs = 15;
    cfg.learning_rate = 0.05;
    cfg.seed = 11;
    Trainer t(net, train, cfg);
    double first = 0, last = 0;
    while (!t.done()) {
      const StepStats s = t.step();
      if (s.step == 1) first = s.loss;
      last = s.loss;
      REQUIRE(s.grad_norms.size() == net.size());
    }
    CHECK(last < first);
    CHECK(evaluate(net, train).accuracy == 1.0);
    const Evaluation e = evaluate(net, test);  // unseen images of the same kinds
    CHECK(e.accuracy >= 0.9);
    int total = 0;
    for (int v : e.confusion) total += v;
    CHECK(total == test.size());

    Network<float> again(small_net(bn), 5);
    Trainer t2(again, train, cfg);
    while (!t2.done()) t2.step();
    CHECK(weights(again) == weights(net));
  }
}

TEST_CASE("a loss that becomes NaN or infinite stops training and keeps the last good weights") {
  const Dataset train = bars(10, 3);
  for (Optimizer o : {Optimizer::sgd, Optimizer::adam}) {
    CAPTURE(std::string(to_string(o)));
    Network<float> net(small_net(false), 5);
    TrainConfig cfg;
    cfg.optimizer = o;
    cfg.batch_size = 5;
    cfg.epochs = 50;
    // Adam moves a weight by about lr per step: it needs a larger lr to overflow.
    cfg.learning_rate = o == Optimizer::adam ? 1e30 : 1e12;
    cfg.schedule = Schedule::constant;
    Trainer t(net, train, cfg);
    std::string message;
    std::vector<std::vector<float>> before;
    int failed_at = 0;
    for (int i = 0; i < 100 && message.empty(); ++i) {
      before = weights(net);
      try {
        t.step();
      } catch (const Error& e) {
        message = e.what();
        failed_at = i + 1;
      }
    }
    CAPTURE(message);
    REQUIRE(!message.empty());
    CHECK(contains(message, "step " + std::to_string(failed_at) + " "));
    CHECK(contains(message, "lower learning rate"));
    CHECK(weights(net) == before);
    for (const auto& w : weights(net)) {
      CHECK(std::all_of(w.begin(), w.end(), [](float v) { return std::isfinite(v); }));
    }
    CHECK(t.stopped());
    CHECK(contains(error_of([&] { t.step(); }), "training stopped"));
  }
}

TEST_CASE("trainer: schedule and refused settings") {
  const Dataset train = bars(4, 4);
  Network<float> net(small_net(false), 1);
  TrainConfig cfg;
  cfg.batch_size = 4;
  cfg.epochs = 2;
  Trainer t(net, train, cfg);
  CHECK(t.steps_per_epoch() == 3);
  CHECK(t.total_steps() == 6);
  CHECK(t.learning_rate_at(0) == doctest::Approx(0.05));
  CHECK(t.learning_rate_at(3) == doctest::Approx(0.025));
  cfg.batch_size = 0;
  CHECK(contains(error_of([&] { Trainer x(net, train, cfg); }), "batch size 0 must be in"));
  cfg.batch_size = 4;
  cfg.learning_rate = -1;
  CHECK(contains(error_of([&] { Trainer x(net, train, cfg); }), "learning rate -1 must be"));
  cfg.learning_rate = 0.1;
  Dataset wrong = train;
  wrong.width = 7;
  wrong.pixels.resize(static_cast<size_t>(wrong.image_size() * wrong.size()));
  CHECK(contains(error_of([&] { Trainer x(net, wrong, cfg); }),
                 "the images are 7x8x1 but the network takes 8x8x1"));
  Dataset bad = train;
  bad.labels[2] = 3;
  CHECK(contains(error_of([&] { Trainer x(net, bad, cfg); }),
                 "label 3 of image 2 is not a class in [0, 3)"));
}

TEST_CASE("the float network (float32 kernels) computes the double reference's gradient") {
  for (bool bn : {false, true}) {
    CAPTURE(bn);
    NetworkSpec s;
    s.channels = 1, s.height = 12, s.width = 12;
    s.layers.push_back({LayerType::conv, 4, 3, 1, 1});
    if (bn) s.layers.push_back({LayerType::batchnorm});
    s.layers.push_back({LayerType::relu});
    s.layers.push_back({LayerType::maxpool, 0, 2, 2, 0});
    s.layers.push_back({LayerType::conv, 6, 3, 1, 0});
    if (bn) s.layers.push_back({LayerType::batchnorm});
    s.layers.push_back({LayerType::relu});
    s.layers.push_back({LayerType::maxpool, 0, 2, 2, 0});
    s.layers.push_back({LayerType::fc, 3});
    Network<float> nf(s, 3);
    Network<double> nd(s, 3);
    std::mt19937 rng(4);
    std::uniform_real_distribution<float> u(-0.5f, 0.5f);
    auto pf = nf.params();
    auto pd = nd.params();
    REQUIRE(pf.size() == pd.size());
    for (size_t k = 0; k < pf.size(); ++k) {
      for (size_t i = 0; i < pf[k].value->size(); ++i) {
        float& v = (*pf[k].value)[i];
        v += u(rng) * 0.2f;
        (*pd[k].value)[i] = v;
      }
    }
    Tensor x(nf.input_shape(5));
    TensorD xd(nd.input_shape(5));
    for (size_t i = 0; i < x.data.size(); ++i) xd.data[i] = x.data[i] = u(rng) + 0.5f;
    const std::vector<int> labels = {0, 2, 1, 1, 0};
    // Twice: the second pass runs in the buffers the first one left.
    for (int pass = 0; pass < 2; ++pass) {
      CAPTURE(pass);
      std::vector<const float*> outputs;
      for (size_t i = 0; i < nf.size(); ++i) outputs.push_back(nf.layer(i).y.data.data());
      const double lf = nf.loss_and_gradient(x, labels);
      const double ld = nd.loss_and_gradient(xd, labels);
      CHECK(lf == doctest::Approx(ld).epsilon(1e-5));
      // Relative to the largest gradient of the network: a bias before batch
      // norm has a gradient of exactly 0 in theory, float rounding in practice.
      double scale = 0;
      for (const auto& p : pd) {
        for (double g : *p.grad) scale = std::max(scale, std::fabs(g));
      }
      REQUIRE(scale > 0);
      for (size_t k = 0; k < pf.size(); ++k) {
        CAPTURE(k);
        CAPTURE(std::string(pf[k].name));
        const std::vector<float>& gf = *pf[k].grad;
        const std::vector<double>& gd = *pd[k].grad;
        REQUIRE(gf.size() == gd.size());
        double worst = 0;
        for (size_t i = 0; i < gf.size(); ++i) {
          worst = std::max(worst, std::fabs(static_cast<double>(gf[i]) - gd[i]));
        }
        CAPTURE(worst);
        CAPTURE(scale);
        CHECK(worst <= 1e-5 * scale);
      }
      for (size_t i = 0; i < nf.size(); ++i) {
        for (size_t c = 0; c < nf.layer(i).running_mean.size(); ++c) {
          CHECK(nf.layer(i).running_mean[c] ==
                doctest::Approx(nd.layer(i).running_mean[c]).epsilon(1e-5));
          CHECK(nf.layer(i).running_var[c] ==
                doctest::Approx(nd.layer(i).running_var[c]).epsilon(1e-5));
        }
        if (pass == 1) CHECK(nf.layer(i).y.data.data() == outputs[i]);  // no new buffer
      }
    }
  }
}

TEST_CASE("Adam: two steps equal the hand-computed update") {
  // One batch holds the whole set, so both steps see the same images (in
  // another order: sums may round differently, hence Approx).
  const Dataset train = bars(4, 5);
  TrainConfig cfg;
  cfg.optimizer = Optimizer::adam;
  cfg.batch_size = train.size();
  cfg.epochs = 2;
  cfg.learning_rate = 0.01;
  cfg.schedule = Schedule::constant;
  cfg.weight_decay = 0.01;
  Network<float> net(small_net(false), 2);
  Network<float> shadow = net;  // computes the gradients by hand
  std::vector<int> all(static_cast<size_t>(train.size()));
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  const Tensor x = train.batch(all.data(), train.size());
  const std::vector<int> labels = train.batch_labels(all.data(), train.size());

  Trainer t(net, train, cfg);
  const double b1 = 0.9, b2 = 0.999, eps = 1e-8, lr = 0.01, wd = 0.01;
  std::vector<std::vector<double>> m, v;
  for (const auto& p : shadow.params()) {
    m.emplace_back(p.value->size(), 0.0);
    v.emplace_back(p.value->size(), 0.0);
  }
  for (int step = 1; step <= 2; ++step) {
    CAPTURE(step);
    shadow.loss_and_gradient(x, labels);
    auto ps = shadow.params();
    for (size_t k = 0; k < ps.size(); ++k) {
      for (size_t i = 0; i < ps[k].value->size(); ++i) {
        float& w = (*ps[k].value)[i];
        const double g = (*ps[k].grad)[i] + (ps[k].decay ? wd * w : 0.0);
        m[k][i] = b1 * m[k][i] + (1 - b1) * g;
        v[k][i] = b2 * v[k][i] + (1 - b2) * g * g;
        const double mhat = m[k][i] / (1 - std::pow(b1, step));
        const double vhat = v[k][i] / (1 - std::pow(b2, step));
        w = static_cast<float>(w - lr * mhat / (std::sqrt(vhat) + eps));
      }
    }
    t.step();
    const auto want = weights(shadow), got = weights(net);
    double worst = 0;
    for (size_t k = 0; k < want.size(); ++k) {
      for (size_t i = 0; i < want[k].size(); ++i) {
        worst = std::max(worst, static_cast<double>(std::fabs(want[k][i] - got[k][i])));
      }
    }
    CAPTURE(worst);
    // Each step moves a weight by up to about lr (= 0.01): the update is
    // checked to a small fraction of that.
    CHECK(worst < 1e-5);
  }
  Network<float> start(small_net(false), 2);
  CHECK(weights(net) != weights(start));
}

TEST_CASE("Adam learns the separable set to 100%, the same way for the same seed") {
  const Dataset train = bars(20, 1), test = bars(10, 2);
  for (bool bn : {false, true}) {
    CAPTURE(bn);
    TrainConfig cfg;
    cfg.optimizer = Optimizer::adam;
    cfg.batch_size = 10;
    // 30 epochs: with 15, a network seed or the WASM build's rounding can
    // leave 1 or 2 of the 60 images wrong (8 of 8 seeds reach 100% with 30).
    cfg.epochs = 30;
    cfg.learning_rate = 0.02;
    cfg.seed = 11;
    Network<float> net(small_net(bn), 5);
    Trainer t(net, train, cfg);
    double first = 0, last = 0;
    while (!t.done()) {
      const StepStats s = t.step();
      if (s.step == 1) first = s.loss;
      last = s.loss;
    }
    CHECK(last < first);
    CHECK(evaluate(net, train).accuracy == 1.0);
    CHECK(evaluate(net, test).accuracy >= 0.9);
    Network<float> again(small_net(bn), 5);
    Trainer t2(again, train, cfg);
    while (!t2.done()) t2.step();
    CHECK(weights(again) == weights(net));
    // SGD from the same start ends elsewhere: the option is used.
    TrainConfig sgd = cfg;
    sgd.optimizer = Optimizer::sgd;
    Network<float> other(small_net(bn), 5);
    Trainer t3(other, train, sgd);
    while (!t3.done()) t3.step();
    CHECK(weights(other) != weights(net));
  }
}

TEST_CASE("Adam: refused settings and names") {
  const Dataset train = bars(4, 4);
  Network<float> net(small_net(false), 1);
  TrainConfig cfg;
  cfg.optimizer = Optimizer::adam;
  cfg.beta1 = 1;
  CHECK(contains(error_of([&] { Trainer x(net, train, cfg); }), "beta1 1 must be in [0, 1)"));
  cfg.beta1 = 0.9;
  cfg.beta2 = -0.5;
  CHECK(contains(error_of([&] { Trainer x(net, train, cfg); }), "beta2 -0.5 must be in [0, 1)"));
  cfg.beta2 = 0.999;
  cfg.adam_eps = 0;
  CHECK(contains(error_of([&] { Trainer x(net, train, cfg); }), "epsilon 0 must be"));
  CHECK(optimizer_from_string("adam") == Optimizer::adam);
  CHECK(optimizer_from_string("sgd") == Optimizer::sgd);
  CHECK(std::string(to_string(Optimizer::adam)) == "adam");
  CHECK(contains(error_of([] { optimizer_from_string("rmsprop"); }),
                 "unknown optimizer 'rmsprop' (sgd or adam)"));
}
