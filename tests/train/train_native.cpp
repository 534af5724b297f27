// convplay — `npm run train`: trains a network natively on Fashion-MNIST (the
// idx files of Debian's dataset-fashion-mnist, gzipped or not) and evaluates
// it on the test set. Progress goes to stdout; the last line is one JSON
// object: {"impl":"native","epochs":..,"test_accuracy":..,"images_per_s":..,"seconds":..}.
//
//   convplay_train [--data DIR] [--epochs 3] [--batch 32] [--lr 0.05]
//                  [--optimizer sgd|adam] [--momentum 0.9] [--weight-decay 5e-4]
//                  [--schedule cosine]
//                  [--bn | --no-bn] [--seed 1] [--train-limit N] [--test-limit N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "convplay/convplay.h"

using namespace convplay;

namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error("cannot read " + path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

// DIR/name or DIR/name.gz, decompressed.
IdxArray load_idx(const std::string& dir, const std::string& name) {
  std::string path = dir + "/" + name;
  std::vector<uint8_t> bytes;
  {
    std::ifstream plain(path, std::ios::binary);
    if (!plain) path += ".gz";
  }
  bytes = read_file(path);
  if (is_gzip(bytes.data(), bytes.size())) bytes = gunzip(bytes.data(), bytes.size());
  return read_idx(bytes.data(), bytes.size(), path);
}

Dataset load(const std::string& dir, const char* prefix, int limit) {
  IdxArray images = load_idx(dir, std::string(prefix) + "-images-idx3-ubyte");
  IdxArray labels = load_idx(dir, std::string(prefix) + "-labels-idx1-ubyte");
  if (limit > 0 && limit < images.dims[0]) {
    const size_t per = static_cast<size_t>(images.dims[1]) * static_cast<size_t>(images.dims[2]);
    images.dims[0] = labels.dims[0] = limit;
    images.data.resize(per * static_cast<size_t>(limit));
    labels.data.resize(static_cast<size_t>(limit));
  }
  return dataset_from_idx(images, labels);
}

double number(const char* flag, const char* v) {
  char* end = nullptr;
  const double d = std::strtod(v, &end);
  if (end == v || *end) throw Error(std::string(flag) + " needs a number, got '" + v + "'");
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string dir = "/usr/share/datasets/fashion-mnist";
    TrainConfig cfg;
    bool bn = true;  // the default network: batch norm after each convolution
    int train_limit = 0, test_limit = 0;
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--bn" || a == "--no-bn") {
        bn = a == "--bn";
        continue;
      }
      if (i + 1 >= argc) throw Error("unknown option or missing value: " + a);
      const char* v = argv[++i];
      if (a == "--data") {
        dir = v;
      } else if (a == "--epochs") {
        cfg.epochs = static_cast<int>(number("--epochs", v));
      } else if (a == "--batch") {
        cfg.batch_size = static_cast<int>(number("--batch", v));
      } else if (a == "--lr") {
        cfg.learning_rate = number("--lr", v);
      } else if (a == "--momentum") {
        cfg.momentum = number("--momentum", v);
      } else if (a == "--weight-decay") {
        cfg.weight_decay = number("--weight-decay", v);
      } else if (a == "--optimizer") {
        cfg.optimizer = optimizer_from_string(v);
      } else if (a == "--schedule") {
        cfg.schedule = schedule_from_string(v);
      } else if (a == "--seed") {
        cfg.seed = static_cast<uint64_t>(number("--seed", v));
      } else if (a == "--train-limit") {
        train_limit = static_cast<int>(number("--train-limit", v));
      } else if (a == "--test-limit") {
        test_limit = static_cast<int>(number("--test-limit", v));
      } else {
        throw Error("unknown option " + a);
      }
    }
    const Dataset train = load(dir, "train", train_limit);
    const Dataset test = load(dir, "t10k", test_limit);
    Network<float> net(tiny_network(bn), cfg.seed);
    std::printf("tiny network%s, %lld parameters; %d training and %d test images\n",
                bn ? " with batch norm" : "", static_cast<long long>(net.param_count()),
                train.size(), test.size());
    Trainer trainer(net, train, cfg);
    double train_seconds = 0.0, train_cpu_seconds = 0.0;
    const auto start = std::chrono::steady_clock::now();
    double loss_sum = 0.0;
    int loss_count = 0;
    Evaluation e;
    for (int epoch = 0; epoch < cfg.epochs; ++epoch) {
      const auto t0 = std::chrono::steady_clock::now();
      const std::clock_t c0 = std::clock();
      for (int s = 0; s < trainer.steps_per_epoch(); ++s) {
        const StepStats st = trainer.step();
        loss_sum += st.loss;
        ++loss_count;
        if (st.step % 500 == 0) {
          std::printf("  step %d  loss %.4f  lr %.4f\n", st.step, loss_sum / loss_count,
                      st.learning_rate);
          std::fflush(stdout);
          loss_sum = 0.0;
          loss_count = 0;
        }
      }
      train_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      train_cpu_seconds += static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
      e = evaluate(net, test);
      std::printf("epoch %d: test loss %.4f, test accuracy %.2f%%\n", epoch + 1, e.loss,
                  100.0 * e.accuracy);
      std::fflush(stdout);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // Wall clock, and this process's CPU time (which other work on a shared
    // machine disturbs far less).
    const double images = static_cast<double>(train.size()) * cfg.epochs;
    const double images_per_s = images / (train_seconds > 0 ? train_seconds : 1);
    const double images_per_cpu_s = images / (train_cpu_seconds > 0 ? train_cpu_seconds : 1);
    std::printf(
        "{\"impl\":\"native\",\"epochs\":%d,\"test_accuracy\":%.4f,\"images_per_s\":%.0f,"
        "\"seconds\":%.1f,\"images_per_cpu_s\":%.0f,\"batchnorm\":%s,\"train_images\":%d,"
        "\"test_images\":%d}\n",
        cfg.epochs, e.accuracy, images_per_s, seconds, images_per_cpu_s, bn ? "true" : "false",
        train.size(), test.size());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "train: %s\n", e.what());
    return 1;
  }
}
