// The network lab (network_lab.h) called directly, as the bindings call it:
// each rule on the student's own classes, on parameters read back from a
// file and on the images fed to the network, with the message that names the
// value and the rule; and what the lab computes (own classes split for
// testing, the mean of several steps, classification).
#include <doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "check.h"
#include "convplay/image.h"
#include "convplay/network_lab.h"

using namespace convplay;
using namespace convplay::test;

namespace {

ClassSummary cls(const std::string& name, int images, size_t bytes = 1000) {
  return ClassSummary{name, std::vector<size_t>(static_cast<size_t>(images), bytes)};
}

// A w x h grey PNG whose pixels are v(x, y).
template <typename F>
std::vector<uint8_t> png(int w, int h, F v) {
  Tensor t(Shape{1, 1, h, w});
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) t.data[static_cast<size_t>(y * w + x)] = v(x, y) / 255.0f;
  }
  return encode_png(t);
}

// The lab with the tiny network of `classes` outputs.
void tiny(NetworkLab& lab, int classes, bool batchnorm = false) {
  lab.set_network(tiny_network(batchnorm, classes), 1);
}

}  // namespace

TEST_CASE("own classes: 2 to 4 classes") {
  CHECK(class_set_problem({cls("a", 5)}) == "1 class: the lab trains on 2 to 4 classes");
  CHECK(class_set_problem({}) == "0 classes: the lab trains on 2 to 4 classes");
  std::vector<ClassSummary> five;
  for (const char* n : {"a", "b", "c", "d", "e"}) five.push_back(cls(n, 5));
  CHECK(class_set_problem(five) == "5 classes: the lab trains on 2 to 4 classes");
  five.pop_back();
  CHECK(class_set_problem(five).empty());
}

TEST_CASE("own classes: names, trimmed, 1 to 20 characters, each once") {
  CHECK(class_set_problem({cls("cup", 5), cls(" \t", 5)}) ==
        "class 2 has no name: give each class a name");
  CHECK(class_set_problem({cls(std::string(21, 'x'), 5), cls("b", 5)}) ==
        "class name \"" + std::string(21, 'x') + "\" has 21 characters; at most 20");
  // characters, not bytes: 20 accented letters are 40 bytes of UTF-8
  std::string accents;
  for (int i = 0; i < 20; ++i) accents += "\xC3\xA9";
  CHECK(class_set_problem({cls(accents, 5), cls("b", 5)}).empty());
  const std::string long_name(50, 'y');
  CHECK(class_set_problem({cls(long_name, 5), cls("b", 5)}) ==
        "class name \"" + std::string(40, 'y') + "\" has 50 characters; at most 20");
  CHECK(class_set_problem({cls("cup", 5), cls(" CUP ", 5)}) ==
        "two classes are named \"CUP\": each name once");
  CHECK(check_class_set({cls(" cup ", 5), cls("cat", 5)}) ==
        std::vector<std::string>{"cup", "cat"});
}

TEST_CASE("own classes: 5 to 60 images of at most 8 MB") {
  CHECK(class_set_problem({cls("cup", 5), cls("cat", 4)}) ==
        "class \"cat\" has 4 images; each class needs at least 5 (some to train on, one to test)");
  CHECK(class_set_problem({cls("cup", 5), cls("cat", 1)}) ==
        "class \"cat\" has 1 image; each class needs at least 5 (some to train on, one to test)");
  CHECK(class_set_problem({cls("cup", 5), cls("cat", 61)}) ==
        "class \"cat\" has 61 images; at most 60 per class");
  CHECK(class_set_problem({cls("cup", 60), cls("cat", 5)}).empty());
  ClassSummary big = cls("cat", 5);
  big.image_bytes[2] = (size_t{8} << 20) + 1;
  CHECK(class_set_problem({cls("cup", 5), big}) ==
        "class \"cat\", image 3 is 8.0 MB; at most 8 MB per image");
  big.image_bytes[2] = size_t{8} << 20;
  CHECK(class_set_problem({cls("cup", 5), big}).empty());
  // the first class's problem comes before the second's
  CHECK(class_set_problem({cls("cup", 2), cls("", 5)}) ==
        "class \"cup\" has 2 images; each class needs at least 5 (some to train on, one to test)");
  CHECK(error_of([] { check_class_set({cls("a", 5)}); }) ==
        "1 class: the lab trains on 2 to 4 classes");
}

TEST_CASE("own classes: pictures decoded to the input, every 5th kept to test") {
  NetworkLab lab;
  tiny(lab, 2);
  lab.begin_classes({cls("stripes", 6), cls("bars", 5)}, 5);
  for (int i = 0; i < 6; ++i) {
    const auto f = png(20 + i, 30, [](int x, int) { return x % 4 < 2 ? 220.0f : 20.0f; });
    lab.add_class_image(0, f.data(), f.size());
  }
  for (int i = 0; i < 5; ++i) {
    const auto f = png(40, 25 + i, [](int, int y) { return y % 4 < 2 ? 220.0f : 20.0f; });
    lab.add_class_image(1, f.data(), f.size());
  }
  const OwnSplit s = lab.end_classes();
  CHECK(s.names == std::vector<std::string>{"stripes", "bars"});
  CHECK(s.train == std::vector<int>{5, 4});
  CHECK(s.test == std::vector<int>{1, 1});
  CHECK(lab.train_set().size() == 9);
  CHECK(lab.test_set().size() == 2);
  CHECK(lab.train_set().pixels.size() == 9u * 784u);
  CHECK(lab.train_set().classes == 2);
}

TEST_CASE("own classes: refused values name the class, the picture and the rule") {
  NetworkLab lab;
  tiny(lab, 2);
  CHECK(error_of([&] {
          lab.begin_classes({cls("a", 5), cls("b", 5)}, 1);
        }) ==
        "testEvery is 1; it must be at least 2 (every testEvery-th picture of a class is kept "
        "to test)");
  CHECK(error_of([&] { lab.begin_classes({cls("a", 5)}, 5); }) ==
        "1 class: the lab trains on 2 to 4 classes");
  lab.begin_classes({cls("cup", 5), cls("cat", 5)}, 5);
  const uint8_t torn[] = {1, 2, 3};
  CHECK(contains(error_of([&] { lab.add_class_image(1, torn, sizeof torn); }),
                 "class \"cat\", image 1: "));
  CHECK(error_of([&] { lab.add_class_image(2, torn, sizeof torn); }) ==
        "class 2 is not one of the 2 classes begun (beginClasses first)");
  NetworkLab empty;
  CHECK(error_of([&] {
          empty.begin_classes({cls("a", 5), cls("b", 5)}, 5);
        }) == "no network yet (setNetwork first)");
  CHECK(error_of([&] { empty.end_classes(); }) == "no classes begun (beginClasses first)");
}

TEST_CASE("images fed to the network: the input's size, grey only") {
  NetworkLab lab;
  tiny(lab, 3);
  const std::vector<uint8_t> small(783, 0);
  CHECK(error_of([&] { lab.classify(small.data(), small.size()); }) ==
        "the image has 783 values; the network's input takes 1x28x28 = 784");
  const std::vector<uint8_t> one(784, 90);
  const Classification c = lab.classify(one.data(), one.size());
  REQUIRE(c.probs.size() == 3);
  double sum = 0;
  for (float p : c.probs) sum += p;
  CHECK(sum == doctest::Approx(1.0).epsilon(1e-5));
  for (float p : c.probs) CHECK(p <= c.probs[static_cast<size_t>(c.predicted)]);

  NetworkSpec rgb = tiny_network(false, 3);
  rgb.channels = 3;
  lab.set_network(rgb, 1);
  const auto f = png(8, 8, [](int, int) { return 100.0f; });
  CHECK(error_of([&] { lab.image_to_input(f.data(), f.size()); }) ==
        "the network takes 3 channels; only grey (1) images can be fed");
}

TEST_CASE("looking inside: layers, test images and steps that exist") {
  NetworkLab lab;
  tiny(lab, 2);
  CHECK(error_of([&] { lab.weights_layer(9); }) ==
        "layer 9 does not exist (the network has 7 layers)");
  CHECK(error_of([&] { lab.weights_layer(1); }) == "layer 1 (ReLU) has no weights");
  CHECK(lab.weights_layer(0).w.shape == Shape{8, 1, 3, 3});
  CHECK(error_of([&] { lab.test_image(0); }) ==
        "test image 0 does not exist (the pack has 0 test images)");
  CHECK(error_of([&] { lab.steps(1); }) == "no training started (startTraining first)");
  CHECK(error_of([] { NetworkLab().evaluate(0); }) == "no network yet (setNetwork first)");
}

TEST_CASE("steps: loss and accuracy are the means of the steps run") {
  NetworkLab lab;
  tiny(lab, 2);
  Dataset d;
  d.classes = 2;
  for (int i = 0; i < 8; ++i) {
    d.labels.push_back(i % 2);
    d.pixels.insert(d.pixels.end(), 784, static_cast<uint8_t>(i % 2 ? 200 : 30));
  }
  lab.set_data(d, d);
  TrainConfig cfg;
  cfg.batch_size = 2;
  cfg.epochs = 2;
  lab.start_training(cfg);
  // the same steps through the trainer itself, on a copy of the network
  Network<float> net(tiny_network(false, 2), 1);
  Trainer t(net, lab.train_set(), cfg);
  double loss = 0, acc = 0;
  for (int i = 0; i < 3; ++i) {
    const StepStats s = t.step();
    loss += s.loss;
    acc += s.accuracy;
  }
  const StepsSummary s = lab.steps(3);
  CHECK(s.steps == 3);
  CHECK(s.step == 3);
  CHECK(s.loss == doctest::Approx(loss / 3).epsilon(1e-12));
  CHECK(s.accuracy == doctest::Approx(acc / 3).epsilon(1e-12));
  CHECK(s.grad_norms.size() == 7);
  CHECK_FALSE(s.done);
  const StepsSummary rest = lab.steps(100);
  CHECK(rest.steps == 5);
  CHECK(rest.done);
  CHECK(lab.steps(1).steps == 0);
}

TEST_CASE("parameters read back: every layer, its arrays and sizes, finite values") {
  NetworkLab lab;
  tiny(lab, 10, true);
  const Network<float>& n = lab.network();
  auto all = [&] {
    std::vector<LayerParameters> list;
    for (size_t i = 0; i < n.size(); ++i) {
      const Layer<float>& l = n.layer(i);
      if (!l.param_count) continue;
      LayerParameters p;
      p.layer = static_cast<int>(i);
      auto copy = [](const std::vector<float>& v) {
        return v.empty() ? std::nullopt : std::optional(std::vector<double>(v.begin(), v.end()));
      };
      p.w = copy(l.w.data);
      p.b = copy(l.b);
      p.gamma = copy(l.gamma);
      p.beta = copy(l.beta);
      p.running_mean = copy(l.running_mean);
      p.running_var = copy(l.running_var);
      list.push_back(p);
    }
    return list;
  };
  std::vector<LayerParameters> good = all();
  REQUIRE(good.size() == 5);
  good[4].b->at(0) = 0.25;
  lab.set_parameters(good);
  CHECK(lab.network().layer(8).b[0] == 0.25f);

  auto refused = [&](std::vector<LayerParameters> list) {
    const std::vector<float> before = lab.network().layer(0).w.data;
    const std::string why = error_of([&] { lab.set_parameters(list); });
    CHECK(lab.network().layer(0).w.data == before);  // nothing changed
    return why;
  };
  std::vector<LayerParameters> p = all();
  p[0].w->pop_back();
  CHECK(refused(p) == "layer 0 (conv 8@3x3 stride 1 pad 0): w has 71 values; this layer has 72");
  p = all();
  p[2].b->at(3) = std::nan("");
  CHECK(refused(p) == "parameters[2].b[3] is NaN, not a finite number");
  p = all();
  p[1].running_mean->at(0) = std::numeric_limits<double>::infinity();
  CHECK(refused(p) == "parameters[1].runningMean[0] is Infinity, not a finite number");
  p = all();
  p[4].w->at(0) = 1e39;
  CHECK(refused(p) == "parameters[4].w[0] is 1e+39, beyond the float32 range");
  p = all();
  p[1].running_var->at(0) = -1;
  CHECK(refused(p) == "layer 1 (batch norm): runningVar has a negative variance");
  p = all();
  p.erase(p.begin());
  CHECK(refused(p) ==
        "the file has parameters for 4 layers; this network has 5 layers with parameters");
  p = all();
  p[2].layer = 3;
  CHECK(refused(p) ==
        "parameters 2 are for layer 3; this network's next layer with parameters is 4 (conv "
        "16@3x3 stride 1 pad 0)");
  p = all();
  p[0].gamma = std::vector<double>(8, 1.0);
  CHECK(refused(p) == "layer 0 (conv 8@3x3 stride 1 pad 0) has no gamma");
  p = all();
  p[1].beta.reset();
  CHECK(refused(p) == "layer 1 (batch norm): beta is missing");
  // an error in the last layer leaves the first as it was
  p = all();
  for (double& v : *p[0].w) v = 0.5;
  p[4].b->pop_back();
  CHECK(contains(refused(p), "layer 8"));
}
