// convplay — images in and out, through stb_image / stb_image_resize /
// stb_image_write.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "convplay/tensor.h"

namespace convplay {

// The longest side decode_image accepts, in pixels (stb_image is built with
// it as STBI_MAX_DIMENSIONS, so each loader checks it before allocating).
inline constexpr int kMaxImageSide = 1 << 15;

struct DecodeOptions {
  bool grey = false;                       // 1 channel (luma) instead of RGB
  int max_side = 0;                        // downscale so the longest side is <= this; 0 = never
  int64_t max_pixels = int64_t{64} << 20;  // refuse headers claiming more (decompression bombs)
};

struct DecodedImage {
  Tensor pixels;           // (1, C, H, W), C = 3 (RGB) or 1 (grey), values in [0, 1]
  int original_width = 0;  // as stored in the file
  int original_height = 0;
  int file_channels = 0;    // channels in the file (1..4)
  bool downscaled = false;  // pixels is smaller than the file
};

// Decodes PNG, JPEG, BMP, GIF (first frame), TGA (what stb_image reads). The
// header is checked against max_pixels before any pixel is allocated. Throws
// Error for empty, corrupt, truncated, unsupported or oversized data. Alpha
// is dropped (composited over white).
DecodedImage decode_image(const uint8_t* data, size_t size, const DecodeOptions& opt = {});

// Encodes (1, C, H, W) with C in {1, 3, 4} and values in [0, 1] (clamped) as
// PNG bytes. Throws Error for other shapes.
std::vector<uint8_t> encode_png(const Tensor& image);

// Resizes (1, C, H, W) to (1, C, h, w) with stb_image_resize (for the
// AlexNet preset's 227 x 227 and for working sizes).
Tensor resize_image(const Tensor& image, int h, int w);

}  // namespace convplay
