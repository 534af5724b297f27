// convplay — the network lab: one network, its training and test sets and
// its trainer, as the page's lab (and a course page's script) uses them
// through wasm/bindings_nn.cpp. Every rule on values is checked here, with a
// message that names the value and the rule: the student's own classes (2 to
// 4 classes, 5 to 60 pictures each, at most 8 MB a picture), the parameters
// read back from a file, an image fed to the network. The bindings only
// convert.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "convplay/dataset.h"
#include "convplay/network.h"

namespace convplay {

// --- the student's own classes ---------------------------------------------------

struct ClassSetRules {
  static constexpr int min_classes = 2, max_classes = 4;
  static constexpr int min_images = 5, max_images = 60;  // per class
  static constexpr int max_name = 20;                    // characters of a name
  static constexpr size_t max_image_bytes = size_t{8} << 20;
};

// One class as the rules see it: its name and the byte size of each picture file.
struct ClassSummary {
  std::string name;
  std::vector<size_t> image_bytes;
};

// The first rule the set breaks ("class \"cat\" has 4 images; each class
// needs at least 5 ..."), or "" for a set the lab can train on. Names are
// compared trimmed and without regard to case.
std::string class_set_problem(const std::vector<ClassSummary>& classes);

// The set's names, trimmed; throws Error with class_set_problem's message.
std::vector<std::string> check_class_set(const std::vector<ClassSummary>& classes);

// --- the lab ----------------------------------------------------------------------

// The mean of the steps one steps() call ran, and where training stands.
struct StepsSummary {
  int steps = 0;                      // how many ran (fewer than asked at the end of training)
  int step = 0;                       // steps done since start_training
  int epoch = 0;                      // of the last step
  double loss = 0.0, accuracy = 0.0;  // means over the steps run
  double learning_rate = 0.0;         // of the last step
  std::vector<double> grad_norms;     // per layer, of the last step
  bool done = false;
};

// One image through the network in inference mode: the softmax of the
// logits and the class with the largest. Each layer's map is network().layer(i).y.
struct Classification {
  std::vector<float> probs;
  int predicted = 0;
};

// An image file made the network's input: H*W grey bytes, and the file's size.
struct InputImage {
  std::vector<uint8_t> pixels;
  int width = 0, height = 0;  // of the file
};

// The parameters of one layer as a file gives them back to set_parameters():
// the arrays the file has (in double, so that a value beyond float's range is
// named as such). network().layer(i) holds them as the network keeps them.
struct LayerParameters {
  int layer = 0;
  std::optional<std::vector<double>> w, b, gamma, beta, running_mean, running_var;
};

// How the student's own pictures were split: per class, to train and to test.
struct OwnSplit {
  std::vector<std::string> names;
  std::vector<int> train, test;
};

// Neither copied nor moved: the trainer refers to the network and the
// training set the lab holds.
class NetworkLab {
 public:
  NetworkLab() = default;
  NetworkLab(const NetworkLab&) = delete;
  NetworkLab& operator=(const NetworkLab&) = delete;

  // Builds and He-initialises the network (any running training is dropped).
  void set_network(const NetworkSpec& spec, uint64_t seed);
  // The data pack (idx.h), gzipped or not, as the training and test sets.
  void load_pack(const uint8_t* bytes, size_t size);
  // The student's own training and test sets (pictures of the network's
  // input shape, labels 0..classes-1); any running training is dropped.
  void set_data(Dataset train, Dataset test);

  // The student's own classes, one picture at a time (so only one file is
  // in memory at once): begin_classes checks the set's rules on the names
  // and file sizes; add_class_image decodes the k-th picture of class
  // `label` (the k-th call for it) to the network's input, keeping every
  // `test_every`-th of a class for testing; end_classes makes them the
  // training and test sets.
  void begin_classes(const std::vector<ClassSummary>& classes, int test_every);
  void add_class_image(int label, const uint8_t* bytes, size_t size);
  OwnSplit end_classes();

  void start_training(const TrainConfig& config);
  StepsSummary steps(int n);       // up to n mini-batches
  Evaluation evaluate(int limit);  // the first `limit` test images (0: all)

  const Network<float>& network() const;  // throws Error before set_network
  const Dataset& train_set() const { return train_; }
  const Dataset& test_set() const { return test_; }
  const Trainer* trainer() const { return trainer_.get(); }
  const Layer<float>& weights_layer(int index) const;  // a conv or fc layer
  const uint8_t* test_image(int index) const;          // C*H*W bytes

  // C*H*W bytes (0..255) of the network's input shape.
  Classification classify(const uint8_t* pixels, size_t size);
  // An image file decoded grey and resized to the network's input H x W.
  InputImage image_to_input(const uint8_t* bytes, size_t size) const;

  // Every layer with parameters, in order, each with the arrays of this
  // network's layer and their sizes, finite values within float's range and
  // running variances >= 0. Nothing is changed unless all of them fit.
  // Errors name list item k as "parameters[k]".
  void set_parameters(const std::vector<LayerParameters>& list);

 private:
  Network<float>& net();
  std::unique_ptr<Network<float>> net_;
  Dataset train_, test_;
  std::unique_ptr<Trainer> trainer_;  // refers to net_ and train_
  // the own classes between begin_classes and end_classes
  std::vector<std::string> own_names_;
  std::vector<int> own_seen_;
  int own_test_every_ = 5;
  Dataset own_train_, own_test_;
};

}  // namespace convplay
