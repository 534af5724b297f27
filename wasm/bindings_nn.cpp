// convplay — the Embind layer of the network lab: one NetworkLab object per
// page (or worker) wraps the core's NetworkLab (network_lab.h: a network,
// its data and its trainer). Glue only: each method converts its arguments
// (convert_nn.h), calls the core, converts the result, and returns {error:
// message} instead of throwing. Every rule on values is the core's. The
// friendly API on top is wasm/js/convplay_nn.mjs.
//
// Ownership: the NetworkLab lives in the WASM heap; JavaScript calls
// .delete() on it. Every result is a copy (nothing points into the heap).
#include <emscripten/bind.h>

#include <string>
#include <vector>

#include "convert_nn.h"
#include "convplay/convplay.h"

namespace convplay::wasm {
namespace {

class NetworkLabJs {
 public:
  // spec: {channels?, height?, width?, layers} -> the layers' description.
  val setNetwork(const val& spec, double seed) {
    return guarded([&] {
      lab_.set_network(network_spec_from_js(spec), static_cast<uint64_t>(seed));
      return describe(lab_.network());
    });
  }

  // The data pack (wasm/js: fetched bytes, gzipped or not) -> {train, test} counts.
  val loadPack(const val& bytes) {
    return guarded([&] {
      const std::vector<uint8_t> b = vector_from_js<uint8_t>(bytes);
      lab_.load_pack(b.data(), b.size());
      return counts();
    });
  }

  // config: see train_config_from_js -> {stepsPerEpoch, totalSteps}.
  val startTraining(const val& config) {
    return guarded([&] {
      lab_.start_training(train_config_from_js(config));
      val o = val::object();
      o.set("stepsPerEpoch", lab_.trainer()->steps_per_epoch());
      o.set("totalSteps", lab_.trainer()->total_steps());
      return o;
    });
  }

  val steps(int n) {
    return guarded([&] { return steps_to_js(lab_.steps(n)); });
  }

  val evaluate(int limit) {
    return guarded([&] { return evaluation_to_js(lab_.evaluate(limit)); });
  }

  val batchnormStats() {
    return guarded([&] {
      val o = val::object();
      o.set("layers", batchnorm_stats_to_js(lab_.network()));
      return o;
    });
  }

  val weights(int index) {
    return guarded([&] { return tensor_to_js(lab_.weights_layer(index).w); });
  }

  // -> {index, label, count, pixels (C*H*W bytes, 0..255)}.
  val testImage(int index) {
    return guarded([&] {
      const uint8_t* px = lab_.test_image(index);
      const Dataset& t = lab_.test_set();
      val o = val::object();
      o.set("index", index);
      o.set("label", t.labels[static_cast<size_t>(index)]);
      o.set("count", t.size());
      o.set("pixels", vector_to_js(std::vector<uint8_t>(px, px + t.image_size())));
      return o;
    });
  }

  // C*H*W bytes -> {probs, predicted, maps: per layer {layer, name, type, shape, data}}.
  val classify(const val& bytes) {
    return guarded([&] {
      const std::vector<uint8_t> px = vector_from_js<uint8_t>(bytes);
      const Classification c = lab_.classify(px.data(), px.size());
      val o = val::object();
      o.set("probs", doubles_to_js(c.probs));
      o.set("predicted", c.predicted);
      o.set("maps", maps_to_js(lab_.network()));
      return o;
    });
  }

  // Image file bytes -> {pixels (H*W bytes), width, height (the file's)}.
  val imageToInput(const val& bytes) {
    return guarded([&] {
      const std::vector<uint8_t> b = vector_from_js<uint8_t>(bytes);
      const InputImage in = lab_.image_to_input(b.data(), b.size());
      val o = val::object();
      o.set("pixels", vector_to_js(in.pixels));
      o.set("width", in.width);
      o.set("height", in.height);
      return o;
    });
  }

  // The student's own classes, one file at a time (network_lab.h):
  // beginClasses([{name, sizes}], testEvery), addClassImage(label, bytes)
  // per picture, endClasses() -> {train, test, classes, perClass}.
  val beginClasses(const val& classes, int test_every) {
    return guarded([&] {
      lab_.begin_classes(class_summaries_from_js(classes), test_every);
      return val::object();
    });
  }

  val addClassImage(int label, const val& bytes) {
    return guarded([&] {
      const std::vector<uint8_t> b = vector_from_js<uint8_t>(bytes);
      lab_.add_class_image(label, b.data(), b.size());
      return val::object();
    });
  }

  val endClasses() {
    return guarded([&] {
      const OwnSplit s = lab_.end_classes();
      val o = counts();
      o.set("classes", strings_to_js(s.names));
      val per = val::array();
      for (size_t i = 0; i < s.names.size(); ++i) {
        val c = val::object();
        c.set("train", s.train[i]);
        c.set("test", s.test[i]);
        per.call<void>("push", c);
      }
      o.set("perClass", per);
      return o;
    });
  }

  val parameters() {
    return guarded([&] { return parameters_to_js(lab_.network()); });
  }

  // [{layer, w?, b?, gamma?, beta?, runningMean?, runningVar?}] -> {layers}.
  val setParameters(const val& list) {
    return guarded([&] {
      const std::vector<LayerParameters> p = layer_parameters_from_js(list);
      lab_.set_parameters(p);
      val o = val::object();
      o.set("layers", static_cast<int>(p.size()));
      return o;
    });
  }

  val layers() {
    return guarded([&] { return describe(lab_.network()); });
  }

 private:
  val counts() const {
    val o = val::object();
    o.set("train", lab_.train_set().size());
    o.set("test", lab_.test_set().size());
    return o;
  }

  NetworkLab lab_;
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

// The "tiny" preset's spec ({spec}).
val tiny_network_js(bool batchnorm, int classes) {
  return guarded([&] {
    val o = val::object();
    o.set("spec", network_spec_to_js(tiny_network(batchnorm, classes)));
    return o;
  });
}

// [{name, sizes}] -> {problem: the first rule the class set breaks, or null}.
val class_set_problem_js(const val& classes) {
  return guarded([&] {
    const std::string why = class_set_problem(class_summaries_from_js(classes));
    val o = val::object();
    o.set("problem", why.empty() ? val::null() : val(why));
    return o;
  });
}

}  // namespace
}  // namespace convplay::wasm

EMSCRIPTEN_BINDINGS(convplay_nn) {
  using namespace convplay::wasm;
  emscripten::class_<NetworkLabJs>("_NetworkLab")
      .constructor<>()
      .function("setNetwork", &NetworkLabJs::setNetwork)
      .function("loadPack", &NetworkLabJs::loadPack)
      .function("startTraining", &NetworkLabJs::startTraining)
      .function("steps", &NetworkLabJs::steps)
      .function("evaluate", &NetworkLabJs::evaluate)
      .function("batchnormStats", &NetworkLabJs::batchnormStats)
      .function("layers", &NetworkLabJs::layers)
      .function("weights", &NetworkLabJs::weights)
      .function("testImage", &NetworkLabJs::testImage)
      .function("classify", &NetworkLabJs::classify)
      .function("imageToInput", &NetworkLabJs::imageToInput)
      .function("beginClasses", &NetworkLabJs::beginClasses)
      .function("addClassImage", &NetworkLabJs::addClassImage)
      .function("endClasses", &NetworkLabJs::endClasses)
      .function("parameters", &NetworkLabJs::parameters)
      .function("setParameters", &NetworkLabJs::setParameters);
  emscripten::function("_packFashion", &pack_fashion_js);
  emscripten::function("_tinyNetwork", &tiny_network_js);
  emscripten::function("_classSetProblem", &class_set_problem_js);
}
