// convplay — a small sequential CNN (conv, batch norm, ReLU, pooling, fully
// connected) and its training: mini-batch SGD with momentum or Adam (the
// update rules are network_optim.h's), weight decay, a learning-rate
// schedule, deterministic for a given seed. The network is network.cpp's,
// the trainer and the evaluation network_train.cpp's; the data set is
// dataset.h's.
//
// The network runs through the layers' public entry points (conv.h,
// batchnorm.h, layers.h), so it gets whatever kernel the dispatch list picks.
// Its shapes are checked once, when it is built, with the layers' own
// output-size function and messages.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "convplay/batchnorm.h"
#include "convplay/conv.h"
#include "convplay/dataset.h"
#include "convplay/layers.h"
#include "convplay/network_optim.h"
#include "convplay/tensor.h"

namespace convplay {

enum class LayerType { conv, batchnorm, relu, maxpool, avgpool, fc };
const char* to_string(LayerType t);
LayerType layer_type_from_string(const std::string& s);  // throws Error

struct LayerSpec {
  LayerType type = LayerType::relu;
  int filters = 0;  // conv: K filters; fc: outputs (the last fc: the classes)
  int kernel = 3;   // conv and pooling: F
  int stride = 1;   // conv and pooling: S
  int pad = 0;      // conv: P (zero padding)
};

struct NetworkSpec {
  int channels = 1, height = 28, width = 28;  // one input image
  std::vector<LayerSpec> layers;
};

// "tiny": conv 8@3x3 - [BN] - ReLU - max pool 2 - conv 16@3x3 - [BN] - ReLU -
// max pool 2 - fully connected `classes`, on 28 x 28 grey images.
NetworkSpec tiny_network(bool batchnorm, int classes = 10);

// One layer: its description, parameters, their gradients, and what the
// last forward pass kept. Shapes `in` and `out` are for one image (N = 1).
template <typename T>
struct Layer {
  LayerSpec spec;
  std::string name;  // "conv 8@3x3 stride 1 pad 0"
  Shape in, out;
  int64_t param_count = 0;

  BasicTensor<T> w, dw;                       // conv (K, C, F, F); fc (K, D, 1, 1)
  std::vector<T> b, db;                       // conv, fc: K biases
  std::vector<T> gamma, beta, dgamma, dbeta;  // batch norm, per channel
  std::vector<T> running_mean, running_var;   // batch norm, inference mode

  BasicTensor<T> y;             // output of the last forward pass (N, ...)
  BatchNormSaved<T> saved;      // batch norm, training mode: mean, var, rstd (xhat: double only)
  std::vector<int32_t> argmax;  // max pooling
  double grad_norm = 0.0;       // || dL/dparams ||_2 of the last backward pass
};

// A parameter vector and its gradient, for optimisers.
template <typename T>
struct ParamRef {
  int layer;
  const char* name;  // "w", "b", "gamma", "beta"
  std::vector<T>* value;
  std::vector<T>* grad;
  bool decay;  // weight decay applies (conv and fc weights only)
};

template <typename T>
class Network {
 public:
  // Checks every layer's shape (throws Error naming the layer and the rule)
  // and He-initialises the weights from `seed`: w ~ N(0, 2 / fan_in), biases
  // and beta 0, gamma 1, running mean 0, running variance 1.
  Network(const NetworkSpec& spec, uint64_t seed);

  const NetworkSpec& spec() const { return spec_; }
  int classes() const { return classes_; }
  Shape input_shape(int n) const { return Shape{n, spec_.channels, spec_.height, spec_.width}; }
  int64_t param_count() const;
  size_t size() const { return layers_.size(); }
  const Layer<T>& layer(size_t i) const { return layers_[i]; }
  Layer<T>& layer(size_t i) { return layers_[i]; }
  std::vector<ParamRef<T>> params();

  // x is (N, C, H, W); returns the logits (N, classes, 1, 1). train: batch
  // norm uses and updates batch statistics (training mode) and every layer
  // keeps what backward() needs; otherwise the running statistics
  // (inference mode). Throws Error when x does not have the input's shape.
  const BasicTensor<T>& forward(const BasicTensor<T>& x, bool train);

  // After forward(x, true): dL/dlogits -> every parameter's gradient, and the
  // per-layer gradient norms. Buffers are kept between calls: a step of the
  // same batch size does not allocate. Float batch norm runs the float32
  // kernels (batchnorm_forward_train_f32 / batchnorm_backward_f32).
  void backward(const BasicTensor<T>& dlogits);

  // forward + softmax cross-entropy + backward; returns the mean loss. Only
  // the forward pass runs when the loss is not finite.
  double loss_and_gradient(const BasicTensor<T>& x, const std::vector<int>& labels,
                           BasicTensor<T>* probs = nullptr);

 private:
  NetworkSpec spec_;
  int classes_ = 0;
  std::vector<Layer<T>> layers_;
  BasicTensor<T> x_;                   // input of the last training forward pass
  std::vector<BasicTensor<T>> grads_;  // dL/dx of each layer, kept between steps
};

enum class Schedule { constant, cosine };
const char* to_string(Schedule s);
Schedule schedule_from_string(const std::string& s);  // throws Error

// sgd: SGD with momentum. adam: Adam (Kingma and Ba), as PyTorch's
// torch.optim.Adam with weight_decay (L2: the decay is added to g).
enum class Optimizer { sgd, adam };
const char* to_string(Optimizer o);
Optimizer optimizer_from_string(const std::string& s);  // throws Error

struct TrainConfig {
  int batch_size = 32;
  int epochs = 3;
  double learning_rate = 0.05;  // Adam usually wants less, e.g. 0.001 to 0.005
  Optimizer optimizer = Optimizer::sgd;
  double momentum = 0.9;              // sgd: v = momentum * v + g;  w -= lr * v
  double beta1 = 0.9, beta2 = 0.999;  // adam, at step t (1-based):
  double adam_eps = 1e-8;             //   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
                                      //   w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
  double weight_decay = 5e-4;         // g += weight_decay * w, for conv and fc weights
  Schedule schedule = Schedule::cosine;  // cosine: lr * (1 + cos(pi * step / steps)) / 2
  uint64_t seed = 1;                     // the order of the images
};

struct StepStats {
  int step = 0;   // 1-based, over the whole run
  int epoch = 0;  // 0-based epoch this step belongs to
  double loss = 0.0;
  double accuracy = 0.0;  // on this mini-batch, before the update
  double learning_rate = 0.0;
  std::vector<double> grad_norms;  // per layer (0 for layers without parameters)
};

// Mini-batch training (SGD with momentum, or Adam) over a dataset, one step
// at a time (the page calls step() between frames; the native program loops).
// Each epoch visits every image once in an order drawn from the seed; the
// last batch may be smaller.
class Trainer {
 public:
  // Throws Error for a bad configuration, an empty dataset or images that do
  // not fit the network's input.
  Trainer(Network<float>& net, const Dataset& train, const TrainConfig& cfg);

  // One mini-batch. When the loss, a gradient or an updated weight is not
  // finite, training stops: the weights, momenta and batch-norm statistics are
  // those before this step, and Error says which step and suggests a lower
  // learning rate. Calling step() after done() or after a stop throws Error.
  StepStats step();

  bool done() const { return step_ >= total_steps_; }
  bool stopped() const { return stopped_; }
  int steps_done() const { return step_; }
  int steps_per_epoch() const { return steps_per_epoch_; }
  int total_steps() const { return total_steps_; }
  double learning_rate_at(int step) const;  // step 0-based

 private:
  void shuffle();
  void next_batch();  // into x_ and labels_
  void save_state(const std::vector<ParamRef<float>>& params);
  void restore_state(const std::vector<ParamRef<float>>& params);
  void update(const std::vector<ParamRef<float>>& params, double learning_rate);
  Network<float>& net_;
  const Dataset& data_;
  TrainConfig cfg_;
  std::vector<int> order_;
  std::vector<std::vector<float>> velocity_;  // sgd: v; adam: m
  std::vector<std::vector<float>> second_;    // adam: v
  double beta1_t_ = 1.0, beta2_t_ = 1.0;      // adam: beta1^t, beta2^t after t steps
  // What a stop restores (kept between steps, so a step does not allocate).
  std::vector<std::vector<float>> saved_params_, saved_velocity_, saved_second_;
  std::vector<std::vector<float>> saved_running_;
  Tensor x_;
  std::vector<int> labels_;
  uint64_t rng_;
  int step_ = 0, steps_per_epoch_ = 0, total_steps_ = 0;
  bool stopped_ = false;
};

struct Evaluation {
  double loss = 0.0, accuracy = 0.0;
  int classes = 0;
  std::vector<int> confusion;  // classes x classes, [true label][predicted]
};

// Inference mode over images [0, limit) of the dataset (limit 0: all).
Evaluation evaluate(Network<float>& net, const Dataset& data, int limit = 0, int batch = 250);

}  // namespace convplay
