// convplay — a data set of images and labels: what the trainer learns from
// and the evaluation measures, read from idx files or the page's data pack
// (idx.h) or made of the student's own pictures (network_lab.h).
#pragma once

#include <cstdint>
#include <vector>

#include "convplay/tensor.h"

namespace convplay {

// Images in [0, 255] (uint8, NCHW per image) and their labels.
struct Dataset {
  int channels = 1, height = 28, width = 28;
  int classes = 10;
  std::vector<uint8_t> pixels;  // size() * channels * height * width
  std::vector<int> labels;
  int size() const { return static_cast<int>(labels.size()); }
  int64_t image_size() const { return int64_t{channels} * height * width; }
  // Throws Error when pixels and labels disagree or a label is out of range.
  void check() const;
  // Images idx[0..count) as a (count, C, H, W) float tensor, x / 255.
  Tensor batch(const int* idx, int count) const;
  void batch(Tensor& out, const int* idx, int count) const;  // into out's storage
  std::vector<int> batch_labels(const int* idx, int count) const;
};

}  // namespace convplay
