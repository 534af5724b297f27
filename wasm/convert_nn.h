// convplay — converters for the network lab's bindings (bindings_nn.cpp):
// JavaScript objects <-> the core's network types (network.h,
// network_lab.h). Conversion only.
//
// Contract with wasm/js/convplay_nn.mjs: it type-checks every argument first
// (integers are int32, numbers are numbers, strings are strings, arrays are
// arrays), so nothing here makes Embind throw. Values are checked by the core.
#pragma once

#include <emscripten/val.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "convert.h"
#include "convplay/convplay.h"

namespace convplay::wasm {

// {type, filters?, kernel?, stride?, pad?}
inline LayerSpec layer_spec_from_js(const val& o) {
  LayerSpec s;
  s.type = layer_type_from_string(o["type"].as<std::string>());
  if (s.type == LayerType::maxpool || s.type == LayerType::avgpool) s.kernel = s.stride = 2;
  set_if_present(s.filters, o, "filters");
  set_if_present(s.kernel, o, "kernel");
  set_if_present(s.stride, o, "stride");
  set_if_present(s.pad, o, "pad");
  return s;
}

// {channels?, height?, width?, layers: [...]}
inline NetworkSpec network_spec_from_js(const val& o) {
  NetworkSpec s;
  set_if_present(s.channels, o, "channels");
  set_if_present(s.height, o, "height");
  set_if_present(s.width, o, "width");
  const val layers = o["layers"];
  const int n = layers["length"].as<int>();
  for (int i = 0; i < n; ++i) s.layers.push_back(layer_spec_from_js(layers[i]));
  return s;
}

// {batchSize?, epochs?, learningRate?, optimizer? ('sgd' or 'adam'), momentum?,
// beta1?, beta2?, weightDecay?, schedule?, seed?}
inline TrainConfig train_config_from_js(const val& o) {
  TrainConfig c;
  set_if_present(c.batch_size, o, "batchSize");
  set_if_present(c.epochs, o, "epochs");
  set_if_present(c.learning_rate, o, "learningRate");
  if (!o["optimizer"].isUndefined())
    c.optimizer = optimizer_from_string(o["optimizer"].as<std::string>());
  set_if_present(c.momentum, o, "momentum");
  set_if_present(c.beta1, o, "beta1");
  set_if_present(c.beta2, o, "beta2");
  set_if_present(c.weight_decay, o, "weightDecay");
  if (!o["schedule"].isUndefined())
    c.schedule = schedule_from_string(o["schedule"].as<std::string>());
  if (!o["seed"].isUndefined()) c.seed = static_cast<uint64_t>(o["seed"].as<double>());
  return c;
}

inline val shape3_to_js(const Shape& s) {
  val a = val::array();
  a.call<void>("push", s.c, s.h, s.w);
  return a;
}

template <typename T>
val doubles_to_js(const std::vector<T>& v) {
  std::vector<double> d(v.begin(), v.end());
  return vector_to_js(d);
}

inline val strings_to_js(const std::vector<std::string>& v) {
  val a = val::array();
  for (const std::string& s : v) a.call<void>("push", s);
  return a;
}

// The spec's JavaScript form (what network_spec_from_js reads back).
inline val network_spec_to_js(const NetworkSpec& spec) {
  val layers = val::array();
  for (const LayerSpec& l : spec.layers) {
    val o = val::object();
    o.set("type", std::string(to_string(l.type)));
    if (l.type == LayerType::conv || l.type == LayerType::fc) o.set("filters", l.filters);
    if (l.type == LayerType::conv || l.type == LayerType::maxpool || l.type == LayerType::avgpool) {
      o.set("kernel", l.kernel);
      o.set("stride", l.stride);
    }
    if (l.type == LayerType::conv) o.set("pad", l.pad);
    layers.call<void>("push", o);
  }
  val o = val::object();
  o.set("channels", spec.channels);
  o.set("height", spec.height);
  o.set("width", spec.width);
  o.set("layers", layers);
  return o;
}

// -> {layers: [{type, name, output [D, H, W], params}], params}.
inline val describe(const Network<float>& net) {
  val a = val::array();
  for (size_t i = 0; i < net.size(); ++i) {
    const Layer<float>& l = net.layer(i);
    val o = val::object();
    o.set("type", std::string(to_string(l.spec.type)));
    o.set("name", l.name);
    o.set("output", shape3_to_js(l.out));
    o.set("params", static_cast<double>(l.param_count));
    a.call<void>("push", o);
  }
  val o = val::object();
  o.set("layers", a);
  o.set("params", static_cast<double>(net.param_count()));
  return o;
}

// -> {steps, step, epoch, loss, accuracy, learningRate, gradNorms, done}.
inline val steps_to_js(const StepsSummary& s) {
  val o = val::object();
  o.set("steps", s.steps);
  o.set("step", s.step);
  o.set("epoch", s.epoch);
  o.set("loss", s.loss);
  o.set("accuracy", s.accuracy);
  o.set("learningRate", s.learning_rate);
  o.set("gradNorms", doubles_to_js(s.grad_norms));
  o.set("done", s.done);
  return o;
}

// -> {loss, accuracy, classes, confusion (classes x classes, [true][predicted])}.
inline val evaluation_to_js(const Evaluation& e) {
  val o = val::object();
  o.set("loss", e.loss);
  o.set("accuracy", e.accuracy);
  o.set("classes", e.classes);
  o.set("confusion", doubles_to_js(e.confusion));
  return o;
}

// Per batch-norm layer: {layer, batchMean, batchVar (last training step),
// runningMean, runningVar}.
inline val batchnorm_stats_to_js(const Network<float>& net) {
  val a = val::array();
  for (size_t i = 0; i < net.size(); ++i) {
    const Layer<float>& l = net.layer(i);
    if (l.spec.type != LayerType::batchnorm) continue;
    val o = val::object();
    o.set("layer", static_cast<int>(i));
    o.set("batchMean", doubles_to_js(l.saved.mean));
    o.set("batchVar", doubles_to_js(l.saved.var));
    o.set("runningMean", doubles_to_js(l.running_mean));
    o.set("runningVar", doubles_to_js(l.running_var));
    a.call<void>("push", o);
  }
  return a;
}

// The last forward pass's outputs: per layer {layer, name, type, shape [D, H, W], data}.
inline val maps_to_js(const Network<float>& net) {
  val maps = val::array();
  for (size_t i = 0; i < net.size(); ++i) {
    const Layer<float>& l = net.layer(i);
    val m = val::object();
    m.set("layer", static_cast<int>(i));
    m.set("name", l.name);
    m.set("type", std::string(to_string(l.spec.type)));
    m.set("shape", shape3_to_js(l.out));
    m.set("data", vector_to_js(l.y.data));
    maps.call<void>("push", m);
  }
  return maps;
}

// Every layer with parameters -> [{layer, name, w: {shape, data}, b, gamma?,
// beta?, runningMean?, runningVar?}] (copies).
inline val parameters_to_js(const Network<float>& net) {
  val a = val::array();
  for (size_t i = 0; i < net.size(); ++i) {
    const Layer<float>& l = net.layer(i);
    if (!l.param_count) continue;
    val o = val::object();
    o.set("layer", static_cast<int>(i));
    o.set("name", l.name);
    if (!l.w.data.empty()) o.set("w", tensor_to_js(l.w));
    if (!l.b.empty()) o.set("b", vector_to_js(l.b));
    if (!l.gamma.empty()) {
      o.set("gamma", vector_to_js(l.gamma));
      o.set("beta", vector_to_js(l.beta));
      o.set("runningMean", vector_to_js(l.running_mean));
      o.set("runningVar", vector_to_js(l.running_var));
    }
    a.call<void>("push", o);
  }
  return a;
}

// [{layer, w?, b?, gamma?, beta?, runningMean?, runningVar?}], each array a
// Float64Array (the wrapper's), absent when undefined.
inline std::vector<LayerParameters> layer_parameters_from_js(const val& list) {
  std::vector<LayerParameters> out;
  const int n = list["length"].as<int>();
  for (int k = 0; k < n; ++k) {
    const val o = list[k];
    LayerParameters p;
    p.layer = o["layer"].as<int>();
    auto take = [&](std::optional<std::vector<double>>& dst, const char* key) {
      if (!o[key].isUndefined()) dst = vector_from_js<double>(o[key]);
    };
    take(p.w, "w");
    take(p.b, "b");
    take(p.gamma, "gamma");
    take(p.beta, "beta");
    take(p.running_mean, "runningMean");
    take(p.running_var, "runningVar");
    out.push_back(std::move(p));
  }
  return out;
}

// [{name (string), sizes (array of byte counts)}] -> the class set as its rules see it.
inline std::vector<ClassSummary> class_summaries_from_js(const val& list) {
  std::vector<ClassSummary> out;
  const int n = list["length"].as<int>();
  for (int i = 0; i < n; ++i) {
    ClassSummary c;
    c.name = list[i]["name"].as<std::string>();
    for (double b : vector_from_js<double>(list[i]["sizes"]))
      c.image_bytes.push_back(static_cast<size_t>(b));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace convplay::wasm
