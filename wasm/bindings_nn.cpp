// convplay — the Embind layer of the network lab: one NetworkLab object per
// page (or worker) owns a network, its data and its trainer. Glue only: each
// method converts its arguments (convert_nn.h), calls the core, converts the
// result, and returns {error: message} instead of throwing. The friendly
// API on top is wasm/js/convplay_nn.mjs.
//
// Ownership: the NetworkLab lives in the WASM heap; JavaScript calls
// .delete() on it. Every result is a copy (nothing points into the heap).
#include <emscripten/bind.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "convert_nn.h"
#include "convplay/convplay.h"

namespace convplay::wasm {
namespace {

class NetworkLab {
 public:
  // spec: {channels?, height?, width?, layers}; builds and He-initialises the
  // network (any running training is dropped) -> the layers' description.
  val setNetwork(const val& spec, double seed) {
    return guarded([&] {
      auto net =
          std::make_unique<Network<float>>(network_spec_from_js(spec), static_cast<uint64_t>(seed));
      trainer_.reset();
      net_ = std::move(net);
      return describe();
    });
  }

  // The data pack (wasm/js: fetched bytes, gzipped or not) -> {train, test} counts.
  val loadPack(const val& bytes) {
    return guarded([&] {
      const std::vector<uint8_t> b = vector_from_js<uint8_t>(bytes);
      DatasetPack p = read_dataset_pack(b.data(), b.size());
      trainer_.reset();
      train_ = std::move(p.train);
      test_ = std::move(p.test);
      val o = val::object();
      o.set("train", train_.size());
      o.set("test", test_.size());
      return o;
    });
  }

  // config: {batchSize?, epochs?, learningRate?, optimizer? ('sgd' or
  // 'adam'), momentum?, beta1?, beta2?, weightDecay?, schedule?, seed?} ->
  // {stepsPerEpoch, totalSteps}.
  val startTraining(const val& config) {
    return guarded([&] {
      require_network();
      trainer_.reset();
      trainer_ = std::make_unique<Trainer>(*net_, train_, train_config_from_js(config));
      val o = val::object();
      o.set("stepsPerEpoch", trainer_->steps_per_epoch());
      o.set("totalSteps", trainer_->total_steps());
      return o;
    });
  }

  // Up to n mini-batches -> {step, epoch, loss, accuracy (means over the
  // steps run), learningRate, gradNorms (per layer, last step), done}.
  val steps(int n) {
    return guarded([&] {
      if (!trainer_) throw Error("no training started (startTraining first)");
      double loss = 0, acc = 0;
      int ran = 0;
      StepStats last;
      for (; ran < n && !trainer_->done(); ++ran) {
        last = trainer_->step();
        loss += last.loss;
        acc += last.accuracy;
      }
      val o = val::object();
      o.set("steps", ran);
      o.set("step", trainer_->steps_done());
      o.set("epoch", last.epoch);
      o.set("loss", ran ? loss / ran : 0.0);
      o.set("accuracy", ran ? acc / ran : 0.0);
      o.set("learningRate", last.learning_rate);
      o.set("gradNorms", doubles_to_js(last.grad_norms));
      o.set("done", trainer_->done());
      return o;
    });
  }

  // Inference mode on the first `limit` test images (0: all) -> {loss,
  // accuracy, confusion (classes x classes, [true][predicted])}.
  val evaluate(int limit) {
    return guarded([&] {
      require_network();
      const Evaluation e = convplay::evaluate(*net_, test_, limit);
      val o = val::object();
      o.set("loss", e.loss);
      o.set("accuracy", e.accuracy);
      o.set("classes", e.classes);
      o.set("confusion", vector_to_js(std::vector<double>(e.confusion.begin(), e.confusion.end())));
      return o;
    });
  }

  // Per batch-norm layer: {layer, batchMean, batchVar (last training step),
  // runningMean, runningVar}.
  val batchnormStats() {
    return guarded([&] {
      require_network();
      val a = val::array();
      for (size_t i = 0; i < net_->size(); ++i) {
        const Layer<float>& l = net_->layer(i);
        if (l.spec.type != LayerType::batchnorm) continue;
        val o = val::object();
        o.set("layer", static_cast<int>(i));
        o.set("batchMean", doubles_to_js(l.saved.mean));
        o.set("batchVar", doubles_to_js(l.saved.var));
        o.set("runningMean", doubles_to_js(l.running_mean));
        o.set("runningVar", doubles_to_js(l.running_var));
        a.call<void>("push", o);
      }
      val o = val::object();
      o.set("layers", a);
      return o;
    });
  }

  // The weights of layer `index` (a conv or fc layer) -> {shape, data}: a
  // conv's (K, C, F, F) filters, an fc's (K, D, 1, 1) rows.
  val weights(int index) {
    return guarded([&] {
      require_network();
      if (index < 0 || static_cast<size_t>(index) >= net_->size()) {
        throw Error("layer " + std::to_string(index) + " does not exist (the network has " +
                    std::to_string(net_->size()) + " layers)");
      }
      const Layer<float>& l = net_->layer(static_cast<size_t>(index));
      if (l.w.data.empty())
        throw Error("layer " + std::to_string(index) + " (" + l.name + ") has no weights");
      return tensor_to_js(l.w);
    });
  }

  // Test image `index` of the loaded pack -> {index, label, count, pixels
  // (C*H*W bytes, 0..255)}.
  val testImage(int index) {
    return guarded([&] {
      if (index < 0 || index >= test_.size()) {
        throw Error("test image " + std::to_string(index) + " does not exist (the pack has " +
                    std::to_string(test_.size()) + " test images)");
      }
      const size_t per = static_cast<size_t>(test_.image_size());
      const auto first = test_.pixels.begin() + static_cast<std::ptrdiff_t>(per * index);
      val o = val::object();
      o.set("index", index);
      o.set("label", test_.labels[static_cast<size_t>(index)]);
      o.set("count", test_.size());
      o.set("pixels",
            vector_to_js(std::vector<uint8_t>(first, first + static_cast<std::ptrdiff_t>(per))));
      return o;
    });
  }

  // One image (C*H*W bytes, 0..255, the network's input shape) through the
  // network in inference mode -> {probs (softmax of the logits), predicted,
  // maps: per layer {layer, name, type, shape [D, H, W], data}}.
  val classify(const val& bytes) {
    return guarded([&] {
      require_network();
      const NetworkSpec& s = net_->spec();
      Dataset one;
      one.channels = s.channels;
      one.height = s.height;
      one.width = s.width;
      one.classes = net_->classes();
      one.pixels = vector_from_js<uint8_t>(bytes);
      if (static_cast<int64_t>(one.pixels.size()) != one.image_size()) {
        throw Error("the image has " + std::to_string(one.pixels.size()) +
                    " values; the network's input takes " + std::to_string(s.channels) + "x" +
                    std::to_string(s.height) + "x" + std::to_string(s.width) + " = " +
                    std::to_string(one.image_size()));
      }
      one.labels = {0};
      const int first = 0;
      const BasicTensor<float>& logits = net_->forward(one.batch(&first, 1), false);
      BasicTensor<float> probs;
      softmax_cross_entropy_forward(probs, logits, one.labels);  // the loss is not used
      int predicted = 0;
      for (size_t k = 1; k < probs.data.size(); ++k) {
        if (probs.data[k] > probs.data[static_cast<size_t>(predicted)])
          predicted = static_cast<int>(k);
      }
      val maps = val::array();
      for (size_t i = 0; i < net_->size(); ++i) {
        const Layer<float>& l = net_->layer(i);
        val m = val::object();
        m.set("layer", static_cast<int>(i));
        m.set("name", l.name);
        m.set("type", std::string(to_string(l.spec.type)));
        m.set("shape", shape3_to_js(l.out));
        m.set("data", vector_to_js(l.y.data));
        maps.call<void>("push", m);
      }
      val o = val::object();
      o.set("probs", doubles_to_js(probs.data));
      o.set("predicted", predicted);
      o.set("maps", maps);
      return o;
    });
  }

  // Image file bytes -> the network's input: decoded grey, resized to the
  // input's H x W -> {pixels (H*W bytes, 0..255), width, height (the file's)}.
  val imageToInput(const val& bytes) {
    return guarded([&] {
      require_network();
      const NetworkSpec& s = net_->spec();
      if (s.channels != 1)
        throw Error("the network takes " + std::to_string(s.channels) +
                    " channels; only grey (1) images can be fed");
      const std::vector<uint8_t> b = vector_from_js<uint8_t>(bytes);
      DecodeOptions opt;
      opt.grey = true;
      const DecodedImage d = decode_image(b.data(), b.size(), opt);
      const Tensor t = resize_image(d.pixels, s.height, s.width);
      std::vector<uint8_t> px(t.data.size());
      for (size_t k = 0; k < px.size(); ++k) {
        const float v = std::min(1.0f, std::max(0.0f, t.data[k]));
        px[k] = static_cast<uint8_t>(std::lround(v * 255.0f));
      }
      val o = val::object();
      o.set("pixels", vector_to_js(px));
      o.set("width", d.original_width);
      o.set("height", d.original_height);
      return o;
    });
  }

  // Images of the student's own classes (C*H*W bytes each, the network's
  // input shape, labels 0..classes-1) as the training and test sets; any
  // running training is dropped -> {train, test} counts.
  val setData(const val& train_pixels, const val& train_labels, const val& test_pixels,
              const val& test_labels, int classes) {
    return guarded([&] {
      require_network();
      auto make = [&](const val& pixels, const val& labels) {
        Dataset d;
        d.channels = net_->spec().channels;
        d.height = net_->spec().height;
        d.width = net_->spec().width;
        d.classes = classes;
        d.pixels = vector_from_js<uint8_t>(pixels);
        d.labels = vector_from_js<int>(labels);
        d.check();
        return d;
      };
      Dataset train = make(train_pixels, train_labels);
      Dataset test = make(test_pixels, test_labels);
      trainer_.reset();
      train_ = std::move(train);
      test_ = std::move(test);
      val o = val::object();
      o.set("train", train_.size());
      o.set("test", test_.size());
      return o;
    });
  }

  // Every layer with parameters -> [{layer, name, w: {shape, data}, b,
  // gamma?, beta?, runningMean?, runningVar?}] (copies).
  val parameters() {
    return guarded([&] {
      require_network();
      val a = val::array();
      for (size_t i = 0; i < net_->size(); ++i) {
        const Layer<float>& l = net_->layer(i);
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
    });
  }

  // The inverse of parameters(): [{layer, w, b, gamma?, ...}] with float
  // arrays (the wrapper checks they are finite). Every layer with parameters
  // must be given, each array with this network's size; nothing is changed
  // unless all of them fit -> {layers} (how many were set).
  val setParameters(const val& list) {
    return guarded([&] {
      require_network();
      struct Item {
        size_t layer;
        std::vector<std::vector<float>*> dst;
        std::vector<std::vector<float>> src;
      };
      std::vector<Item> items;
      std::vector<size_t> want;
      for (size_t i = 0; i < net_->size(); ++i)
        if (net_->layer(i).param_count) want.push_back(i);
      const int n = list["length"].as<int>();
      if (static_cast<size_t>(n) != want.size()) {
        throw Error("the file has parameters for " + std::to_string(n) +
                    " layers; this network has " + std::to_string(want.size()) +
                    " layers with parameters");
      }
      for (int k = 0; k < n; ++k) {
        const val o = list[k];
        const size_t i = want[static_cast<size_t>(k)];
        Layer<float>& l = net_->layer(i);
        const int given = o["layer"].as<int>();
        if (given != static_cast<int>(i)) {
          throw Error("parameters " + std::to_string(k) + " are for layer " +
                      std::to_string(given) + "; this network's next layer with parameters is " +
                      std::to_string(i) + " (" + l.name + ")");
        }
        Item it{i, {}, {}};
        auto take = [&](const char* key, std::vector<float>& dst) {
          const val v = o[key];
          if (dst.empty()) {
            if (!v.isUndefined())
              throw Error("layer " + std::to_string(i) + " (" + l.name + ") has no " + key);
            return;
          }
          if (v.isUndefined())
            throw Error("layer " + std::to_string(i) + " (" + l.name + "): " + key + " is missing");
          std::vector<float> src = vector_from_js<float>(v);
          if (src.size() != dst.size()) {
            throw Error("layer " + std::to_string(i) + " (" + l.name + "): " + key + " has " +
                        std::to_string(src.size()) + " values; this layer has " +
                        std::to_string(dst.size()));
          }
          for (size_t j = 0; j < src.size(); ++j) {
            if (!std::isfinite(src[j])) {
              throw Error("layer " + std::to_string(i) + " (" + l.name + "): " + key + "[" +
                          std::to_string(j) + "] is not a finite number");
            }
          }
          it.dst.push_back(&dst);
          it.src.push_back(std::move(src));
        };
        take("w", l.w.data);
        take("b", l.b);
        take("gamma", l.gamma);
        take("beta", l.beta);
        take("runningMean", l.running_mean);
        take("runningVar", l.running_var);
        if (!l.running_var.empty()) {
          for (float v : it.src.back()) {
            if (v < 0.0f)
              throw Error("layer " + std::to_string(i) + " (" + l.name +
                          "): runningVar has a negative variance");
          }
        }
        items.push_back(std::move(it));
      }
      for (Item& it : items)
        for (size_t j = 0; j < it.dst.size(); ++j) *it.dst[j] = std::move(it.src[j]);
      val o = val::object();
      o.set("layers", n);
      return o;
    });
  }

  // -> {layers: [...], params}: see describe().
  val layers() {
    return guarded([&] {
      require_network();
      return describe();
    });
  }

 private:
  void require_network() const {
    if (!net_) throw Error("no network yet (setNetwork first)");
  }

  val describe() const {
    val a = val::array();
    for (size_t i = 0; i < net_->size(); ++i) {
      const Layer<float>& l = net_->layer(i);
      val o = val::object();
      o.set("type", std::string(to_string(l.spec.type)));
      o.set("name", l.name);
      o.set("output", shape3_to_js(l.out));  // [D, H, W]
      o.set("params", static_cast<double>(l.param_count));
      a.call<void>("push", o);
    }
    val o = val::object();
    o.set("layers", a);
    o.set("params", static_cast<double>(net_->param_count()));
    return o;
  }

  std::unique_ptr<Network<float>> net_;
  Dataset train_, test_;
  std::unique_ptr<Trainer> trainer_;  // refers to net_ and train_
};

// The build's packing step: four idx files (gzipped or not) -> a pack of the
// first trainCount / testCount images quantised to `bits` bits ({pack}).
val pack_fashion_js(const val& train_images, const val& train_labels, const val& test_images,
                    const val& test_labels, int train_count, int test_count, int bits) {
  return guarded([&] {
    auto idx = [](const val& bytes, const char* what) {
      std::vector<uint8_t> b = vector_from_js<uint8_t>(bytes);
      if (is_gzip(b.data(), b.size())) b = gunzip(b.data(), b.size());
      return read_idx(b.data(), b.size(), what);
    };
    const Dataset train =
        dataset_from_idx(idx(train_images, "train images"), idx(train_labels, "train labels"));
    const Dataset test =
        dataset_from_idx(idx(test_images, "test images"), idx(test_labels, "test labels"));
    val o = val::object();
    o.set("pack", vector_to_js(write_dataset_pack(train, test, train_count, test_count, bits)));
    return o;
  });
}

}  // namespace
}  // namespace convplay::wasm

EMSCRIPTEN_BINDINGS(convplay_nn) {
  using namespace convplay::wasm;
  emscripten::class_<NetworkLab>("_NetworkLab")
      .constructor<>()
      .function("setNetwork", &NetworkLab::setNetwork)
      .function("loadPack", &NetworkLab::loadPack)
      .function("startTraining", &NetworkLab::startTraining)
      .function("steps", &NetworkLab::steps)
      .function("evaluate", &NetworkLab::evaluate)
      .function("batchnormStats", &NetworkLab::batchnormStats)
      .function("layers", &NetworkLab::layers)
      .function("weights", &NetworkLab::weights)
      .function("testImage", &NetworkLab::testImage)
      .function("classify", &NetworkLab::classify)
      .function("imageToInput", &NetworkLab::imageToInput)
      .function("setData", &NetworkLab::setData)
      .function("parameters", &NetworkLab::parameters)
      .function("setParameters", &NetworkLab::setParameters);
  emscripten::function("_packFashion", &pack_fashion_js);
}
