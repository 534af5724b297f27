// The network lab (network_lab.h): the rules of the student's own classes
// and the lab's operations, each checking its values once.
#include "convplay/network_lab.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

#include "convplay/idx.h"
#include "convplay/image.h"
#include "format.h"

namespace convplay {
namespace {

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && is_space(s[a])) ++a;
  while (b > a && is_space(s[b - 1])) --b;
  return s.substr(a, b - a);
}

// Characters of UTF-8 text (code points: bytes that do not continue one).
size_t characters(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The first `count` characters of UTF-8 text.
std::string first_characters(const std::string& s, size_t count) {
  size_t n = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && n++ == count) break;
  }
  return s.substr(0, i);
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

// The first rule class i breaks ("" if none); `seen` holds the names before it.
std::string class_problem(const ClassSummary& c, size_t i, std::vector<std::string>& seen) {
  using R = ClassSetRules;
  const std::string name = trim(c.name);
  if (name.empty()) return "class " + num(i + 1) + " has no name: give each class a name";
  const size_t length = characters(name);
  if (length > R::max_name) {
    return "class name " + quoted(first_characters(name, 40)) + " has " + num(length) +
           " characters; at most " + num(R::max_name);
  }
  if (std::find(seen.begin(), seen.end(), lower(name)) != seen.end())
    return "two classes are named " + quoted(name) + ": each name once";
  seen.push_back(lower(name));
  const size_t n = c.image_bytes.size();
  if (n < static_cast<size_t>(R::min_images)) {
    return "class " + quoted(name) + " has " + num(n) + (n == 1 ? " image" : " images") +
           "; each class needs at least " + num(R::min_images) + " (some to train on, one to test)";
  }
  if (n > static_cast<size_t>(R::max_images)) {
    return "class " + quoted(name) + " has " + num(n) + " images; at most " + num(R::max_images) +
           " per class";
  }
  for (size_t k = 0; k < n; ++k) {
    if (c.image_bytes[k] > R::max_image_bytes) {
      char mb[32];
      std::snprintf(mb, sizeof mb, "%.1f", static_cast<double>(c.image_bytes[k]) / 1048576.0);
      return "class " + quoted(name) + ", image " + num(k + 1) + " is " + mb + " MB; at most " +
             num(R::max_image_bytes >> 20) + " MB per image";
    }
  }
  return "";
}

}  // namespace

std::string class_set_problem(const std::vector<ClassSummary>& classes) {
  using R = ClassSetRules;
  const size_t n = classes.size();
  if (n < static_cast<size_t>(R::min_classes) || n > static_cast<size_t>(R::max_classes)) {
    return num(n) + (n == 1 ? " class" : " classes") + ": the lab trains on " +
           num(R::min_classes) + " to " + num(R::max_classes) + " classes";
  }
  std::vector<std::string> seen;
  for (size_t i = 0; i < n; ++i) {
    std::string why = class_problem(classes[i], i, seen);
    if (!why.empty()) return why;
  }
  return "";
}

std::vector<std::string> check_class_set(const std::vector<ClassSummary>& classes) {
  const std::string why = class_set_problem(classes);
  if (!why.empty()) throw Error(why);
  std::vector<std::string> names;
  for (const ClassSummary& c : classes) names.push_back(trim(c.name));
  return names;
}

// --- the network and its data ------------------------------------------------------

void NetworkLab::set_network(const NetworkSpec& spec, uint64_t seed) {
  auto net = std::make_unique<Network<float>>(spec, seed);
  trainer_.reset();
  net_ = std::move(net);
}

const Network<float>& NetworkLab::network() const {
  if (!net_) throw Error("no network yet (setNetwork first)");
  return *net_;
}

Network<float>& NetworkLab::net() {
  if (!net_) throw Error("no network yet (setNetwork first)");
  return *net_;
}

void NetworkLab::load_pack(const uint8_t* bytes, size_t size) {
  DatasetPack p = read_dataset_pack(bytes, size);
  trainer_.reset();
  train_ = std::move(p.train);
  test_ = std::move(p.test);
}

void NetworkLab::set_data(Dataset train, Dataset test) {
  train.check();
  test.check();
  trainer_.reset();
  train_ = std::move(train);
  test_ = std::move(test);
}

// --- training -------------------------------------------------------------------------

void NetworkLab::start_training(const TrainConfig& config) {
  Network<float>& n = net();
  trainer_.reset();
  trainer_ = std::make_unique<Trainer>(n, train_, config);
}

StepsSummary NetworkLab::steps(int n) {
  if (!trainer_) throw Error("no training started (startTraining first)");
  StepsSummary s;
  StepStats last;
  for (; s.steps < n && !trainer_->done(); ++s.steps) {
    last = trainer_->step();
    s.loss += last.loss;
    s.accuracy += last.accuracy;
  }
  if (s.steps > 0) {
    s.loss /= s.steps;
    s.accuracy /= s.steps;
  }
  s.step = trainer_->steps_done();
  s.epoch = last.epoch;
  s.learning_rate = last.learning_rate;
  s.grad_norms = std::move(last.grad_norms);
  s.done = trainer_->done();
  return s;
}

Evaluation NetworkLab::evaluate(int limit) { return convplay::evaluate(net(), test_, limit); }

// --- looking inside -------------------------------------------------------------------

const Layer<float>& NetworkLab::weights_layer(int index) const {
  const Network<float>& n = network();
  if (index < 0 || static_cast<size_t>(index) >= n.size()) {
    throw Error("layer " + num(index) + " does not exist (the network has " + num(n.size()) +
                " layers)");
  }
  const Layer<float>& l = n.layer(static_cast<size_t>(index));
  if (l.w.data.empty()) throw Error("layer " + num(index) + " (" + l.name + ") has no weights");
  return l;
}

const uint8_t* NetworkLab::test_image(int index) const {
  if (index < 0 || index >= test_.size()) {
    throw Error("test image " + num(index) + " does not exist (the pack has " + num(test_.size()) +
                " test images)");
  }
  return test_.pixels.data() + static_cast<size_t>(test_.image_size()) * index;
}

Classification NetworkLab::classify(const uint8_t* pixels, size_t size) {
  Network<float>& n = net();
  const NetworkSpec& s = n.spec();
  Dataset one;
  one.channels = s.channels;
  one.height = s.height;
  one.width = s.width;
  one.classes = n.classes();
  if (static_cast<int64_t>(size) != one.image_size()) {
    throw Error("the image has " + num(size) + " values; the network's input takes " +
                num(s.channels) + "x" + num(s.height) + "x" + num(s.width) + " = " +
                num(one.image_size()));
  }
  one.pixels.assign(pixels, pixels + size);
  one.labels = {0};
  const int first = 0;
  const Tensor& logits = n.forward(one.batch(&first, 1), false);
  Tensor probs;
  softmax_cross_entropy_forward(probs, logits, one.labels);  // the loss is not used
  Classification c;
  c.probs = std::move(probs.data);
  c.predicted =
      static_cast<int>(std::max_element(c.probs.begin(), c.probs.end()) - c.probs.begin());
  return c;
}

InputImage NetworkLab::image_to_input(const uint8_t* bytes, size_t size) const {
  const NetworkSpec& s = network().spec();
  if (s.channels != 1) {
    throw Error("the network takes " + num(s.channels) +
                " channels; only grey (1) images can be fed");
  }
  DecodeOptions opt;
  opt.grey = true;
  const DecodedImage d = decode_image(bytes, size, opt);
  const Tensor t = resize_image(d.pixels, s.height, s.width);
  InputImage in;
  in.pixels.resize(t.data.size());
  for (size_t k = 0; k < t.data.size(); ++k) {
    const float v = std::min(1.0f, std::max(0.0f, t.data[k]));
    in.pixels[k] = static_cast<uint8_t>(std::lround(v * 255.0f));
  }
  in.width = d.original_width;
  in.height = d.original_height;
  return in;
}

}  // namespace convplay
