// The sequential network and its trainer (network.h). Random numbers come
// from splitmix64 and Box-Muller written out here, not from <random>'s
// distributions (whose output differs between standard libraries), so a seed
// gives the same network natively and in WASM.
#include "convplay/network.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>
#include <type_traits>
#include <utility>

namespace convplay {
namespace {

std::string num(int64_t v) { return std::to_string(v); }

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Uniform in (0, 1): 53 random bits, never 0.
double uniform(uint64_t& state) {
  return (static_cast<double>(splitmix64(state) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

double normal(uint64_t& state) {
  const double u1 = uniform(state), u2 = uniform(state);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

template <typename T>
double sum_squares(const std::vector<T>& v) {
  double s = 0.0;
  for (T x : v) s += static_cast<double>(x) * static_cast<double>(x);
  return s;
}

Conv2dParams conv_params(const LayerSpec& s) {
  Conv2dParams p;
  p.stride_h = p.stride_w = s.stride;
  p.pad_h = p.pad_w = s.pad;
  return p;
}

Pool2dParams pool_params(const LayerSpec& s) { return Pool2dParams{s.kernel, s.stride}; }

std::string layer_name(const LayerSpec& s) {
  switch (s.type) {
    case LayerType::conv:
      return "conv " + num(int64_t{s.filters}) + "@" + num(int64_t{s.kernel}) + "x" +
             num(int64_t{s.kernel}) + " stride " + num(int64_t{s.stride}) + " pad " +
             num(int64_t{s.pad});
    case LayerType::batchnorm:
      return "batch norm";
    case LayerType::relu:
      return "ReLU";
    case LayerType::maxpool:
    case LayerType::avgpool:
      return std::string(s.type == LayerType::maxpool ? "max" : "average") + " pool " +
             num(int64_t{s.kernel}) + "x" + num(int64_t{s.kernel}) + " stride " +
             num(int64_t{s.stride});
    case LayerType::fc:
      return "fully connected " + num(int64_t{s.filters});
  }
  return "?";
}

}  // namespace

const char* to_string(LayerType t) {
  switch (t) {
    case LayerType::conv:
      return "conv";
    case LayerType::batchnorm:
      return "batchnorm";
    case LayerType::relu:
      return "relu";
    case LayerType::maxpool:
      return "maxpool";
    case LayerType::avgpool:
      return "avgpool";
    case LayerType::fc:
      return "fc";
  }
  return "?";
}

LayerType layer_type_from_string(const std::string& s) {
  for (LayerType t : {LayerType::conv, LayerType::batchnorm, LayerType::relu, LayerType::maxpool,
                      LayerType::avgpool, LayerType::fc}) {
    if (s == to_string(t)) return t;
  }
  throw Error("unknown layer type '" + s + "' (conv, batchnorm, relu, maxpool, avgpool or fc)");
}

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

NetworkSpec tiny_network(bool batchnorm, int classes) {
  NetworkSpec n;
  for (int k : {8, 16}) {
    n.layers.push_back({LayerType::conv, k, 3, 1, 0});
    if (batchnorm) n.layers.push_back({LayerType::batchnorm});
    n.layers.push_back({LayerType::relu});
    n.layers.push_back({LayerType::maxpool, 0, 2, 2, 0});
  }
  n.layers.push_back({LayerType::fc, classes});
  return n;
}

// --- the network ---------------------------------------------------------------

template <typename T>
Network<T>::Network(const NetworkSpec& spec, uint64_t seed) : spec_(spec) {
  if (spec.layers.empty()) throw Error("a network needs at least one layer");
  Shape in{1, spec.channels, spec.height, spec.width};
  try {
    in.count();
  } catch (const Error& e) {
    throw Error(std::string("network input: ") + e.what());
  }
  uint64_t rng = seed;
  const size_t L = spec.layers.size();
  for (size_t i = 0; i < L; ++i) {
    Layer<T> l;
    l.spec = spec.layers[i];
    l.name = layer_name(l.spec);
    l.in = in;
    const std::string where = "layer " + num(static_cast<int64_t>(i + 1)) + " (" + l.name +
                              ") on a " + num(int64_t{in.w}) + "x" + num(int64_t{in.h}) + "x" +
                              num(int64_t{in.c}) + " input: ";
    try {
      switch (l.spec.type) {
        case LayerType::conv: {
          if (l.spec.filters < 1) {
            throw Error("the number of filters is " + num(int64_t{l.spec.filters}) +
                        ", it must be at least 1");
          }
          const Shape ws{l.spec.filters, in.c, l.spec.kernel, l.spec.kernel};
          l.out = conv2d_geometry(in, ws, conv_params(l.spec)).output;
          l.w = BasicTensor<T>(ws);
          l.b.assign(static_cast<size_t>(ws.n), T(0));
          const double sd = std::sqrt(2.0 / static_cast<double>(int64_t{in.c} * ws.h * ws.w));
          for (T& v : l.w.data) v = static_cast<T>(sd * normal(rng));
          l.param_count = l.w.size() + ws.n;
          break;
        }
        case LayerType::batchnorm: {
          l.out = in;
          const size_t C = static_cast<size_t>(in.c);
          l.gamma.assign(C, T(1));
          l.beta.assign(C, T(0));
          l.running_mean.assign(C, T(0));
          l.running_var.assign(C, T(1));
          l.param_count = 2 * int64_t{in.c};
          break;
        }
        case LayerType::relu:
          l.out = in;
          break;
        case LayerType::maxpool:
        case LayerType::avgpool:
          l.out = pool2d_output_shape(in, pool_params(l.spec));
          break;
        case LayerType::fc: {
          if (l.spec.filters < 1) {
            throw Error("the number of outputs is " + num(int64_t{l.spec.filters}) +
                        ", it must be at least 1");
          }
          const Shape ws{l.spec.filters, static_cast<int>(in.count()), 1, 1};
          ws.count();
          l.out = Shape{1, l.spec.filters, 1, 1};
          l.w = BasicTensor<T>(ws);
          l.b.assign(static_cast<size_t>(ws.n), T(0));
          const double sd = std::sqrt(2.0 / static_cast<double>(ws.c));
          for (T& v : l.w.data) v = static_cast<T>(sd * normal(rng));
          l.param_count = l.w.size() + ws.n;
          break;
        }
      }
    } catch (const Error& e) {
      std::string why = where + e.what();
      if (l.spec.type == LayerType::conv || l.spec.type == LayerType::maxpool ||
          l.spec.type == LayerType::avgpool) {
        if (std::string(e.what()).find("larger than padded") != std::string::npos) {
          why +=
              " (the feature maps have shrunk below the window: use padding, a smaller "
              "kernel or stride, or fewer layers)";
        }
      }
      throw Error(why);
    }
    in = l.out;
    layers_.push_back(std::move(l));
  }
  const Layer<T>& last = layers_.back();
  if (last.spec.type != LayerType::fc || last.spec.filters < 2) {
    throw Error(
        "the last layer must be fully connected with one output per class (at least 2), "
        "not " +
        last.name);
  }
  classes_ = last.spec.filters;
}

template <typename T>
int64_t Network<T>::param_count() const {
  int64_t n = 0;
  for (const auto& l : layers_) n += l.param_count;
  return n;
}

template <typename T>
std::vector<ParamRef<T>> Network<T>::params() {
  std::vector<ParamRef<T>> out;
  for (size_t i = 0; i < layers_.size(); ++i) {
    Layer<T>& l = layers_[i];
    const int li = static_cast<int>(i);
    if (l.spec.type == LayerType::conv || l.spec.type == LayerType::fc) {
      out.push_back({li, "w", &l.w.data, &l.dw.data, true});
      out.push_back({li, "b", &l.b, &l.db, false});
    } else if (l.spec.type == LayerType::batchnorm) {
      out.push_back({li, "gamma", &l.gamma, &l.dgamma, false});
      out.push_back({li, "beta", &l.beta, &l.dbeta, false});
    }
  }
  return out;
}

template <typename T>
const BasicTensor<T>& Network<T>::forward(const BasicTensor<T>& x, bool train) {
  const Shape want = input_shape(x.shape.n);
  if (x.shape != want || x.size() != x.shape.count()) {
    throw Error("network input has shape " + x.shape.str() + " but the network takes N x " +
                num(int64_t{want.c}) + " x " + num(int64_t{want.h}) + " x " + num(int64_t{want.w}));
  }
  if (train) x_ = x;
  const BasicTensor<T>* in = &x;
  const BatchNormParams bnp;
  for (Layer<T>& l : layers_) {
    switch (l.spec.type) {
      case LayerType::conv:
        conv2d_forward(l.y, *in, l.w, l.b, conv_params(l.spec));
        break;
      case LayerType::batchnorm:
        if (train) {
          if constexpr (std::is_same_v<T, float>) {
            // The lean float32 kernels: mean, var and rstd, no xhat.
            batchnorm_forward_train_f32(l.y, l.saved.mean, l.saved.var, l.saved.rstd, *in, l.gamma,
                                        l.beta, bnp, &l.running_mean, &l.running_var);
            l.saved.xhat = BasicTensor<T>();
          } else {
            batchnorm_forward_train(l.y, l.saved, *in, l.gamma, l.beta, bnp, &l.running_mean,
                                    &l.running_var);
          }
        } else {
          batchnorm_forward_infer(l.y, *in, l.gamma, l.beta, l.running_mean, l.running_var, bnp);
        }
        break;
      case LayerType::relu:
        relu_forward(l.y, *in);
        break;
      case LayerType::maxpool:
        maxpool2d_forward(l.y, l.argmax, *in, pool_params(l.spec));
        break;
      case LayerType::avgpool:
        avgpool2d_forward(l.y, *in, pool_params(l.spec));
        break;
      case LayerType::fc:
        linear_forward(l.y, *in, l.w, l.b);
        break;
    }
    in = &l.y;
  }
  return layers_.back().y;
}

template <typename T>
void Network<T>::backward(const BasicTensor<T>& dlogits) {
  if (x_.data.empty() || dlogits.shape != layers_.back().y.shape) {
    throw Error("backward needs a training forward pass first, and dL/dlogits of its shape");
  }
  // dL/dy of layer i comes from grads_[i + 1] (dlogits for the last layer);
  // layer i writes its dL/dx into grads_[i]. The first layer's dL/dx (the
  // gradient of the image) is not needed: a first convolution computes only
  // its parameters' gradients, and grads_[0] stays empty.
  grads_.resize(layers_.size());
  for (size_t i = layers_.size(); i-- > 0;) {
    Layer<T>& l = layers_[i];
    const BasicTensor<T>& x = i == 0 ? x_ : layers_[i - 1].y;
    const BasicTensor<T>& dy = i + 1 == layers_.size() ? dlogits : grads_[i + 1];
    BasicTensor<T>& dx = grads_[i];
    double g2 = 0.0;
    switch (l.spec.type) {
      case LayerType::conv:
        if constexpr (std::is_same_v<T, float>) {
          if (i == 0) {
            conv2d_backward_filter(l.dw, l.db, dy, x, l.w.shape, conv_params(l.spec));
            dx = BasicTensor<T>();
          } else {
            conv2d_backward(dx, l.dw, l.db, dy, x, l.w, conv_params(l.spec));
          }
        } else {
          conv2d_backward(dx, l.dw, l.db, dy, x, l.w, conv_params(l.spec));
        }
        g2 = sum_squares(l.dw.data) + sum_squares(l.db);
        break;
      case LayerType::batchnorm: {
        if constexpr (std::is_same_v<T, float>) {
          batchnorm_backward_f32(dx, l.dgamma, l.dbeta, dy, x, l.gamma, l.saved.mean, l.saved.rstd);
        } else {
          BatchNormGrads<T> g;
          batchnorm_backward(g, dy, x, l.gamma, l.saved);
          dx = std::move(g.dx);
          l.dgamma = std::move(g.dgamma);
          l.dbeta = std::move(g.dbeta);
        }
        g2 = sum_squares(l.dgamma) + sum_squares(l.dbeta);
        break;
      }
      case LayerType::relu:
        relu_backward(dx, dy, x);
        break;
      case LayerType::maxpool:
        maxpool2d_backward(dx, dy, l.argmax, x.shape, pool_params(l.spec));
        break;
      case LayerType::avgpool:
        avgpool2d_backward(dx, dy, x.shape, pool_params(l.spec));
        break;
      case LayerType::fc:
        linear_backward(dx, l.dw, l.db, dy, x, l.w);
        g2 = sum_squares(l.dw.data) + sum_squares(l.db);
        break;
    }
    l.grad_norm = std::sqrt(g2);
  }
}

template <typename T>
double Network<T>::loss_and_gradient(const BasicTensor<T>& x, const std::vector<int>& labels,
                                     BasicTensor<T>* probs) {
  const BasicTensor<T>& logits = forward(x, true);
  BasicTensor<T> p, d;
  const double loss = softmax_cross_entropy_forward(p, logits, labels);
  if (std::isfinite(loss)) {
    softmax_cross_entropy_backward(d, p, labels);
    backward(d);
  }
  if (probs) *probs = std::move(p);
  return loss;
}

template class Network<float>;
template class Network<double>;

// --- data ------------------------------------------------------------------------

void Dataset::check() const {
  if (channels < 1 || height < 1 || width < 1) {
    throw Error("dataset images are " + num(int64_t{width}) + "x" + num(int64_t{height}) + "x" +
                num(int64_t{channels}) + ", every dimension must be at least 1");
  }
  if (classes < 2) {
    throw Error("a dataset needs at least 2 classes, this one has " + num(int64_t{classes}));
  }
  if (static_cast<int64_t>(pixels.size()) != image_size() * size()) {
    throw Error("dataset has " + num(static_cast<int64_t>(labels.size())) + " labels but " +
                num(static_cast<int64_t>(pixels.size())) + " pixel values (" + num(image_size()) +
                " per image)");
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= classes) {
      throw Error("label " + num(int64_t{labels[i]}) + " of image " + num(static_cast<int64_t>(i)) +
                  " is not a class in [0, " + num(int64_t{classes}) + ")");
    }
  }
}

Tensor Dataset::batch(const int* idx, int count) const {
  Tensor t;
  batch(t, idx, count);
  return t;
}

void Dataset::batch(Tensor& t, const int* idx, int count) const {
  t.reset(Shape{count, channels, height, width});
  const size_t per = static_cast<size_t>(image_size());
  for (int i = 0; i < count; ++i) {
    const uint8_t* src = pixels.data() + static_cast<size_t>(idx[i]) * per;
    float* dst = t.data.data() + static_cast<size_t>(i) * per;
    for (size_t k = 0; k < per; ++k) dst[k] = static_cast<float>(src[k]) * (1.0f / 255.0f);
  }
}

std::vector<int> Dataset::batch_labels(const int* idx, int count) const {
  std::vector<int> out(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) out[static_cast<size_t>(i)] = labels[static_cast<size_t>(idx[i])];
  return out;
}

// --- training ---------------------------------------------------------------------

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

StepStats Trainer::step() {
  if (stopped_) {
    throw Error("training stopped earlier on a non-finite loss; reset with a lower learning rate");
  }
  if (done()) throw Error("training is done (" + num(int64_t{total_steps_}) + " steps)");
  const int in_epoch = step_ % steps_per_epoch_;
  if (in_epoch == 0) shuffle();
  const int first = in_epoch * cfg_.batch_size;
  const int count = std::min(cfg_.batch_size, data_.size() - first);
  const int* idx = order_.data() + first;
  data_.batch(x_, idx, count);
  labels_.assign(idx, idx + count);
  for (int& l : labels_) l = data_.labels[static_cast<size_t>(l)];

  // What a stop restores: every parameter, optimiser state and running statistic.
  std::vector<ParamRef<float>> params = net_.params();
  saved_params_.resize(params.size());
  for (size_t k = 0; k < params.size(); ++k) saved_params_[k] = *params[k].value;
  saved_running_.resize(2 * net_.size());
  for (size_t i = 0; i < net_.size(); ++i) {
    saved_running_[2 * i] = net_.layer(i).running_mean;
    saved_running_[2 * i + 1] = net_.layer(i).running_var;
  }
  saved_velocity_ = velocity_;
  saved_second_ = second_;

  StepStats s;
  s.step = step_ + 1;
  s.epoch = step_ / steps_per_epoch_;
  s.learning_rate = learning_rate_at(step_);

  Tensor probs;
  s.loss = net_.loss_and_gradient(x_, labels_, &probs);
  const char* what = nullptr;
  if (!std::isfinite(s.loss))
    what = std::isnan(s.loss) ? "the loss is NaN" : "the loss is infinite";
  if (!what) {
    for (const auto& p : params) {
      if (!std::isfinite(sum_squares(*p.grad))) what = "a gradient is not finite";
    }
  }
  double b1t = beta1_t_, b2t = beta2_t_;
  if (!what) {
    const float lr = static_cast<float>(s.learning_rate);
    const float wd = static_cast<float>(cfg_.weight_decay);
    if (cfg_.optimizer == Optimizer::sgd) {
      const float mu = static_cast<float>(cfg_.momentum);
      for (size_t k = 0; k < params.size(); ++k) {
        std::vector<float>& w = *params[k].value;
        const std::vector<float>& g = *params[k].grad;
        std::vector<float>& v = velocity_[k];
        const float decay = params[k].decay ? wd : 0.0f;
        for (size_t i = 0; i < w.size(); ++i) {
          v[i] = mu * v[i] + g[i] + decay * w[i];
          w[i] -= lr * v[i];
        }
      }
    } else {
      // Bias corrections: b^t as a running product in double (plain IEEE
      // multiplications, so the same on every platform, unlike pow).
      b1t = beta1_t_ * cfg_.beta1;
      b2t = beta2_t_ * cfg_.beta2;
      const float b1 = static_cast<float>(cfg_.beta1), b2 = static_cast<float>(cfg_.beta2);
      const float c1 = static_cast<float>(1.0 / (1.0 - b1t));
      const float c2 = static_cast<float>(1.0 / (1.0 - b2t));
      const float eps = static_cast<float>(cfg_.adam_eps);
      for (size_t k = 0; k < params.size(); ++k) {
        std::vector<float>& w = *params[k].value;
        const std::vector<float>& g = *params[k].grad;
        std::vector<float>& m = velocity_[k];
        std::vector<float>& v = second_[k];
        const float decay = params[k].decay ? wd : 0.0f;
        for (size_t i = 0; i < w.size(); ++i) {
          const float gi = g[i] + decay * w[i];
          m[i] = b1 * m[i] + (1.0f - b1) * gi;
          v[i] = b2 * v[i] + (1.0f - b2) * gi * gi;
          w[i] -= lr * (m[i] * c1) / (std::sqrt(v[i] * c2) + eps);
        }
      }
    }
    for (const auto& p : params) {
      if (!std::isfinite(sum_squares(*p.value))) what = "an updated weight is not finite";
    }
  }
  if (what) {
    for (size_t k = 0; k < params.size(); ++k) *params[k].value = saved_params_[k];
    for (size_t i = 0; i < net_.size(); ++i) {
      net_.layer(i).running_mean = saved_running_[2 * i];
      net_.layer(i).running_var = saved_running_[2 * i + 1];
    }
    velocity_ = saved_velocity_;
    second_ = saved_second_;
    stopped_ = true;
    throw Error("step " + num(int64_t{s.step}) + " (epoch " + num(int64_t{s.epoch + 1}) +
                "): " + what + ", so training stopped; the weights are " +
                (s.step == 1 ? std::string("the initial ones")
                             : "those after step " + num(int64_t{s.step - 1})) +
                ". Try a lower learning rate than " + num(s.learning_rate) + " (for example " +
                num(s.learning_rate / 10) + ").");
  }

  beta1_t_ = b1t;
  beta2_t_ = b2t;
  int correct = 0;
  const size_t K = static_cast<size_t>(probs.shape.c);
  for (int n = 0; n < count; ++n) {
    const float* p = probs.data.data() + static_cast<size_t>(n) * K;
    const int pred = static_cast<int>(std::max_element(p, p + K) - p);
    correct += pred == labels_[static_cast<size_t>(n)];
  }
  s.accuracy = static_cast<double>(correct) / count;
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
