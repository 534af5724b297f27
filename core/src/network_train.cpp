// The trainer and the evaluation (network.h): mini-batches in an order drawn
// from the seed, one optimiser update per step (network_optim.h), and a stop
// that restores the last good weights when a step is not finite.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>

#include "convplay/network.h"
#include "format.h"
#include "network_detail.h"

namespace convplay {

using detail::splitmix64;
using detail::sum_squares;

const char* to_string(Schedule s) { return s == Schedule::cosine ? "cosine" : "constant"; }

Schedule schedule_from_string(const std::string& s) {
  if (s == "cosine") return Schedule::cosine;
  if (s == "constant") return Schedule::constant;
  throw Error("unknown learning-rate schedule '" + s + "' (constant or cosine)");
}

const char* to_string(Optimizer o) { return o == Optimizer::adam ? "adam" : "sgd"; }

Optimizer optimizer_from_string(const std::string& s) {
  if (s == "sgd") return Optimizer::sgd;
  if (s == "adam") return Optimizer::adam;
  throw Error("unknown optimizer '" + s + "' (sgd or adam)");
}

Trainer::Trainer(Network<float>& net, const Dataset& train, const TrainConfig& cfg)
    : net_(net), data_(train), cfg_(cfg), rng_(cfg.seed ^ 0x5DEECE66DULL) {
  train.check();
  if (train.size() < 1) throw Error("the training set is empty");
  const NetworkSpec& s = net.spec();
  if (train.channels != s.channels || train.height != s.height || train.width != s.width) {
    throw Error("the images are " + num(int64_t{train.width}) + "x" + num(int64_t{train.height}) +
                "x" + num(int64_t{train.channels}) + " but the network takes " +
                num(int64_t{s.width}) + "x" + num(int64_t{s.height}) + "x" +
                num(int64_t{s.channels}));
  }
  if (train.classes > net.classes()) {
    throw Error("the data has " + num(int64_t{train.classes}) + " classes but the network only " +
                num(int64_t{net.classes()}) + " outputs");
  }
  if (cfg.batch_size < 1 || cfg.batch_size > 4096) {
    throw Error("batch size " + num(int64_t{cfg.batch_size}) + " must be in [1, 4096]");
  }
  if (cfg.epochs < 1 || cfg.epochs > 1000) {
    throw Error("epochs " + num(int64_t{cfg.epochs}) + " must be in [1, 1000]");
  }
  if (!(cfg.learning_rate > 0.0) || !std::isfinite(cfg.learning_rate)) {
    throw Error("learning rate " + num(cfg.learning_rate) + " must be a finite number > 0");
  }
  if (!(cfg.momentum >= 0.0 && cfg.momentum < 1.0)) {
    throw Error("momentum " + num(cfg.momentum) + " must be in [0, 1)");
  }
  if (!(cfg.beta1 >= 0.0 && cfg.beta1 < 1.0)) {
    throw Error("Adam's beta1 " + num(cfg.beta1) + " must be in [0, 1)");
  }
  if (!(cfg.beta2 >= 0.0 && cfg.beta2 < 1.0)) {
    throw Error("Adam's beta2 " + num(cfg.beta2) + " must be in [0, 1)");
  }
  if (!(cfg.adam_eps > 0.0) || !std::isfinite(cfg.adam_eps)) {
    throw Error("Adam's epsilon " + num(cfg.adam_eps) + " must be a finite number > 0");
  }
  if (!(cfg.weight_decay >= 0.0) || !std::isfinite(cfg.weight_decay)) {
    throw Error("weight decay " + num(cfg.weight_decay) + " must be a finite number >= 0");
  }
  steps_per_epoch_ = (train.size() + cfg.batch_size - 1) / cfg.batch_size;
  total_steps_ = steps_per_epoch_ * cfg.epochs;
  order_.resize(static_cast<size_t>(train.size()));
  for (const ParamRef<float>& p : net.params()) {
    velocity_.emplace_back(p.value->size(), 0.0f);
    if (cfg.optimizer == Optimizer::adam) second_.emplace_back(p.value->size(), 0.0f);
  }
}

double Trainer::learning_rate_at(int step) const {
  if (cfg_.schedule == Schedule::constant) return cfg_.learning_rate;
  const double t = static_cast<double>(step) / static_cast<double>(total_steps_);
  return cfg_.learning_rate * 0.5 * (1.0 + std::cos(3.141592653589793 * t));
}

void Trainer::shuffle() {
  // Fisher-Yates with our own generator: the same order on every platform.
  for (size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<int>(i);
  for (size_t i = order_.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(splitmix64(rng_) % i);
    std::swap(order_[i - 1], order_[j]);
  }
}

void Trainer::next_batch() {
  const int in_epoch = step_ % steps_per_epoch_;
  if (in_epoch == 0) shuffle();
  const int first = in_epoch * cfg_.batch_size;
  const int count = std::min(cfg_.batch_size, data_.size() - first);
  const int* idx = order_.data() + first;
  data_.batch(x_, idx, count);
  labels_.assign(idx, idx + count);
  for (int& l : labels_) l = data_.labels[static_cast<size_t>(l)];
}

void Trainer::save_state(const std::vector<ParamRef<float>>& params) {
  saved_params_.resize(params.size());
  for (size_t k = 0; k < params.size(); ++k) saved_params_[k] = *params[k].value;
  saved_running_.resize(2 * net_.size());
  for (size_t i = 0; i < net_.size(); ++i) {
    saved_running_[2 * i] = net_.layer(i).running_mean;
    saved_running_[2 * i + 1] = net_.layer(i).running_var;
  }
  saved_velocity_ = velocity_;
  saved_second_ = second_;
}

void Trainer::restore_state(const std::vector<ParamRef<float>>& params) {
  for (size_t k = 0; k < params.size(); ++k) *params[k].value = saved_params_[k];
  for (size_t i = 0; i < net_.size(); ++i) {
    net_.layer(i).running_mean = saved_running_[2 * i];
    net_.layer(i).running_var = saved_running_[2 * i + 1];
  }
  velocity_ = saved_velocity_;
  second_ = saved_second_;
}

void Trainer::update(const std::vector<ParamRef<float>>& params, double learning_rate) {
  const float lr = static_cast<float>(learning_rate);
  const float wd = static_cast<float>(cfg_.weight_decay);
  if (cfg_.optimizer == Optimizer::sgd) {
    const float mu = static_cast<float>(cfg_.momentum);
    for (size_t k = 0; k < params.size(); ++k) {
      sgd_update(*params[k].value, *params[k].grad, velocity_[k], lr, mu,
                 params[k].decay ? wd : 0.0f);
    }
    return;
  }
  // Bias corrections: b^t as a running product in double (plain IEEE
  // multiplications, so the same on every platform, unlike pow). They count
  // once the step is kept (step() sets beta1_t_ and beta2_t_).
  AdamStep a;
  a.lr = lr;
  a.beta1 = static_cast<float>(cfg_.beta1);
  a.beta2 = static_cast<float>(cfg_.beta2);
  a.eps = static_cast<float>(cfg_.adam_eps);
  a.beta1_t = beta1_t_ * cfg_.beta1;
  a.beta2_t = beta2_t_ * cfg_.beta2;
  for (size_t k = 0; k < params.size(); ++k) {
    a.decay = params[k].decay ? wd : 0.0f;
    adam_update(*params[k].value, *params[k].grad, velocity_[k], second_[k], a);
  }
}

namespace {

// What makes a step not finite (nullptr when all is finite): the loss, a
// gradient, or (after the update, `updated`) a weight.
const char* not_finite(double loss, const std::vector<ParamRef<float>>& params, bool updated) {
  if (!std::isfinite(loss)) return std::isnan(loss) ? "the loss is NaN" : "the loss is infinite";
  for (const auto& p : params) {
    if (!updated && !std::isfinite(sum_squares(*p.grad))) return "a gradient is not finite";
    if (updated && !std::isfinite(sum_squares(*p.value))) return "an updated weight is not finite";
  }
  return nullptr;
}

// A round power of ten below lr (0.01 for 0.05, 1 for 5), to suggest in its place.
double power_of_ten_below(double lr) {
  double up = 1.0;
  while (up * 10.0 < lr && up < 1e300) up *= 10.0;
  if (up < lr) return up;
  for (double down = 10.0; down < 1e300; down *= 10.0) {
    if (1.0 / down < lr) return 1.0 / down;
  }
  return lr / 10.0;
}

// How many of the (count, K) probabilities pick their label.
int correct_count(const Tensor& probs, const std::vector<int>& labels) {
  int correct = 0;
  const size_t K = static_cast<size_t>(probs.shape.c);
  for (size_t n = 0; n < labels.size(); ++n) {
    const float* p = probs.data.data() + n * K;
    correct += static_cast<int>(std::max_element(p, p + K) - p) == labels[n];
  }
  return correct;
}

}  // namespace

StepStats Trainer::step() {
  if (stopped_) {
    throw Error("training stopped earlier on a non-finite loss; reset with a lower learning rate");
  }
  if (done()) throw Error("training is done (" + num(total_steps_) + " steps)");
  next_batch();
  // What a stop restores: every parameter, optimiser state and running statistic.
  const std::vector<ParamRef<float>> params = net_.params();
  save_state(params);

  StepStats s;
  s.step = step_ + 1;
  s.epoch = step_ / steps_per_epoch_;
  s.learning_rate = learning_rate_at(step_);
  Tensor probs;
  s.loss = net_.loss_and_gradient(x_, labels_, &probs);
  const char* what = not_finite(s.loss, params, false);
  if (!what) {
    update(params, s.learning_rate);
    what = not_finite(s.loss, params, true);
  }
  if (what) {
    restore_state(params);
    stopped_ = true;
    throw Error(
        "step " + num(s.step) + " (epoch " + num(s.epoch + 1) + "): " + what +
        ", so training stopped; the weights are " +
        (s.step == 1 ? std::string("the initial ones") : "those after step " + num(s.step - 1)) +
        ". Try a lower learning rate than " + num(cfg_.learning_rate) + " (for example " +
        num(power_of_ten_below(cfg_.learning_rate)) + ").");
  }
  if (cfg_.optimizer == Optimizer::adam) {
    beta1_t_ *= cfg_.beta1;
    beta2_t_ *= cfg_.beta2;
  }
  s.accuracy =
      static_cast<double>(correct_count(probs, labels_)) / static_cast<double>(labels_.size());
  for (size_t i = 0; i < net_.size(); ++i) s.grad_norms.push_back(net_.layer(i).grad_norm);
  ++step_;
  return s;
}

Evaluation evaluate(Network<float>& net, const Dataset& data, int limit, int batch) {
  data.check();
  const int n = limit > 0 ? std::min(limit, data.size()) : data.size();
  if (batch < 1) throw Error("evaluation batch size " + num(int64_t{batch}) + " must be >= 1");
  Evaluation e;
  e.classes = net.classes();
  const size_t K = static_cast<size_t>(e.classes);
  e.confusion.assign(K * K, 0);
  std::vector<int> idx(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) idx[static_cast<size_t>(i)] = i;
  double loss = 0.0;
  int correct = 0;
  for (int first = 0; first < n; first += batch) {
    const int count = std::min(batch, n - first);
    const int* ids = idx.data() + first;
    const std::vector<int> labels = data.batch_labels(ids, count);
    const Tensor& logits = net.forward(data.batch(ids, count), false);
    Tensor probs;
    loss += softmax_cross_entropy_forward(probs, logits, labels) * count;
    for (int i = 0; i < count; ++i) {
      const float* p = probs.data.data() + static_cast<size_t>(i) * K;
      const int pred = static_cast<int>(std::max_element(p, p + K) - p);
      const int truth = labels[static_cast<size_t>(i)];
      correct += pred == truth;
      ++e.confusion[static_cast<size_t>(truth) * K + static_cast<size_t>(pred)];
    }
  }
  e.loss = n > 0 ? loss / n : 0.0;
  e.accuracy = n > 0 ? static_cast<double>(correct) / n : 0.0;
  return e;
}

}  // namespace convplay
