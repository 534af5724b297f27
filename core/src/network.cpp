// The sequential network (network.h): its layers checked and initialised
// from a seed, forward and backward. The trainer is network_train.cpp's.
#include "convplay/network.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

#include "format.h"
#include "network_detail.h"

namespace convplay {
namespace {

using detail::normal;
using detail::sum_squares;

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

}  // namespace convplay
