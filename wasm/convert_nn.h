// convplay — converters for the network lab's bindings (bindings_nn.cpp):
// JavaScript objects <-> the core's network types. Conversion only.
//
// Contract with wasm/js/convplay_nn.mjs: it type-checks every argument first
// (integers are int32, numbers are numbers, strings are strings, arrays are
// arrays), so nothing here makes Embind throw. Values are checked by the core.
#pragma once

#include <emscripten/val.h>

#include <string>
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

// {batchSize?, epochs?, learningRate?, momentum?, weightDecay?, schedule?, seed?}
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

}  // namespace convplay::wasm
