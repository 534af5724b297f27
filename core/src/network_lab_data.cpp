// The network lab (network_lab.h): what comes in from the student: the own
// classes' pictures and a network's parameters read back from a file.
#include <cmath>
#include <limits>
#include <utility>

#include "convplay/network_lab.h"
#include "format.h"

namespace convplay {

// --- the student's own classes ----------------------------------------------------

void NetworkLab::begin_classes(const std::vector<ClassSummary>& classes, int test_every) {
  const NetworkSpec& s = network().spec();
  own_names_ = check_class_set(classes);
  if (test_every < 2) {
    throw Error("testEvery is " + num(test_every) +
                "; it must be at least 2 (every testEvery-th picture of a class is kept to test)");
  }
  own_test_every_ = test_every;
  own_seen_.assign(own_names_.size(), 0);
  for (Dataset* d : {&own_train_, &own_test_}) {
    *d = Dataset();
    d->channels = s.channels;
    d->height = s.height;
    d->width = s.width;
    d->classes = static_cast<int>(own_names_.size());
  }
}

void NetworkLab::add_class_image(int label, const uint8_t* bytes, size_t size) {
  if (label < 0 || static_cast<size_t>(label) >= own_names_.size()) {
    throw Error("class " + num(label) + " is not one of the " + num(own_names_.size()) +
                " classes begun (beginClasses first)");
  }
  int& seen = own_seen_[static_cast<size_t>(label)];
  const std::string where =
      "class \"" + own_names_[static_cast<size_t>(label)] + "\", image " + num(seen + 1) + ": ";
  InputImage in;
  try {
    in = image_to_input(bytes, size);
  } catch (const Error& e) {
    throw Error(where + e.what());
  }
  Dataset& into = seen % own_test_every_ == own_test_every_ - 1 ? own_test_ : own_train_;
  into.pixels.insert(into.pixels.end(), in.pixels.begin(), in.pixels.end());
  into.labels.push_back(label);
  ++seen;
}

OwnSplit NetworkLab::end_classes() {
  if (own_names_.empty()) throw Error("no classes begun (beginClasses first)");
  OwnSplit split;
  split.names = std::move(own_names_);
  split.train.assign(split.names.size(), 0);
  split.test.assign(split.names.size(), 0);
  for (int l : own_train_.labels) ++split.train[static_cast<size_t>(l)];
  for (int l : own_test_.labels) ++split.test[static_cast<size_t>(l)];
  own_names_.clear();
  own_seen_.clear();
  set_data(std::move(own_train_), std::move(own_test_));
  own_train_ = own_test_ = Dataset();
  return split;
}

// --- parameters read back from a file ----------------------------------------------

namespace {

// One array of a file's layer: its size and values checked against dst.
// Returns the values as float; `where` names the layer ("layer 0 (conv ...)").
std::vector<float> checked_array(const std::optional<std::vector<double>>& src,
                                 const std::vector<float>& dst, const std::string& where,
                                 const std::string& item, const char* key) {
  if (dst.empty()) {
    if (src) throw Error(where + " has no " + key);
    return {};
  }
  if (!src) throw Error(where + ": " + key + " is missing");
  if (src->size() != dst.size()) {
    throw Error(where + ": " + key + " has " + num(src->size()) + " values; this layer has " +
                num(dst.size()));
  }
  std::vector<float> out(src->size());
  for (size_t j = 0; j < src->size(); ++j) {
    const double v = (*src)[j];
    const std::string name = item + "." + key + "[" + num(j) + "]";
    if (!std::isfinite(v)) throw Error(name + " is " + num(v) + ", not a finite number");
    if (std::fabs(v) > std::numeric_limits<float>::max())
      throw Error(name + " is " + num(v) + ", beyond the float32 range");
    out[j] = static_cast<float>(v);
  }
  return out;
}

}  // namespace

void NetworkLab::set_parameters(const std::vector<LayerParameters>& list) {
  Network<float>& n = net();
  std::vector<size_t> want;
  for (size_t i = 0; i < n.size(); ++i) {
    if (n.layer(i).param_count) want.push_back(i);
  }
  if (list.size() != want.size()) {
    throw Error("the file has parameters for " + num(list.size()) + " layers; this network has " +
                num(want.size()) + " layers with parameters");
  }
  // every array of every layer checked first, then all assigned
  std::vector<std::pair<std::vector<float>*, std::vector<float>>> items;
  for (size_t k = 0; k < list.size(); ++k) {
    const LayerParameters& p = list[k];
    const size_t i = want[k];
    Layer<float>& l = n.layer(i);
    if (p.layer != static_cast<int>(i)) {
      throw Error("parameters " + num(k) + " are for layer " + num(p.layer) +
                  "; this network's next layer with parameters is " + num(i) + " (" + l.name + ")");
    }
    const std::string where = "layer " + num(i) + " (" + l.name + ")";
    const std::string item = "parameters[" + num(k) + "]";
    const std::pair<const std::optional<std::vector<double>>*, std::vector<float>*> arrays[] = {
        {&p.w, &l.w.data},
        {&p.b, &l.b},
        {&p.gamma, &l.gamma},
        {&p.beta, &l.beta},
        {&p.running_mean, &l.running_mean},
        {&p.running_var, &l.running_var}};
    const char* keys[] = {"w", "b", "gamma", "beta", "runningMean", "runningVar"};
    for (size_t a = 0; a < 6; ++a) {
      std::vector<float> v =
          checked_array(*arrays[a].first, *arrays[a].second, where, item, keys[a]);
      if (a == 5) {
        for (float x : v) {
          if (x < 0.0f) throw Error(where + ": runningVar has a negative variance");
        }
      }
      if (!arrays[a].second->empty()) items.emplace_back(arrays[a].second, std::move(v));
    }
  }
  for (auto& [dst, src] : items) *dst = std::move(src);
}

}  // namespace convplay
