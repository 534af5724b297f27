// The data set (dataset.h): its check and its mini-batches.
#include "convplay/dataset.h"

#include <string>

#include "convplay/error.h"
#include "format.h"

namespace convplay {

void Dataset::check() const {
  if (channels < 1 || height < 1 || width < 1) {
    throw Error("dataset images are " + num(width) + "x" + num(height) + "x" + num(channels) +
                ", every dimension must be at least 1");
  }
  if (classes < 2) {
    throw Error("a dataset needs at least 2 classes, this one has " + num(classes));
  }
  if (static_cast<int64_t>(pixels.size()) != image_size() * size()) {
    throw Error("dataset has " + num(labels.size()) + " labels but " + num(pixels.size()) +
                " pixel values (" + num(image_size()) + " per image)");
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= classes) {
      throw Error("label " + num(labels[i]) + " of image " + num(i) + " is not a class in [0, " +
                  num(classes) + ")");
    }
  }
}

Tensor Dataset::batch(const int* idx, int count) const {
  Tensor t;
  batch(t, idx, count);
  return t;
}

void Dataset::batch(Tensor& t, const int* idx, int count) const {
  t.reset_for_overwrite(Shape{count, channels, height, width});  // every value written below
  const size_t per = static_cast<size_t>(image_size());
  for (int i = 0; i < count; ++i) {
    const uint8_t* src = pixels.data() + static_cast<size_t>(idx[i]) * per;
    float* dst = t.data.data() + static_cast<size_t>(i) * per;
    for (size_t k = 0; k < per; ++k) dst[k] = static_cast<float>(src[k]) * (1.0f / 255.0f);
  }
}

std::vector<int> Dataset::batch_labels(const int* idx, int count) const {
  std::vector<int> out(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) out[static_cast<size_t>(i)] = labels[static_cast<size_t>(idx[i])];
  return out;
}

}  // namespace convplay
