// libFuzzer target: decode_image on arbitrary bytes must either return an
// image of the promised shape or throw convplay::Error — never crash, leak or
// allocate past its cap. Build and run: scripts/fuzz.sh decode [seconds].
#include <cstddef>
#include <cstdint>

#include "convplay/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  convplay::DecodeOptions opt;
  opt.max_pixels = 1 << 20;
  opt.max_side = (size > 0 && (data[0] & 1)) ? 64 : 0;
  opt.grey = size > 1 && (data[1] & 1);
  try {
    const convplay::DecodedImage img = convplay::decode_image(data, size, opt);
    const convplay::Shape& s = img.pixels.shape;
    if (s.n != 1 || (s.c != 1 && s.c != 3) || s.h < 1 || s.w < 1) __builtin_trap();
    if (static_cast<int64_t>(s.h) * s.w > opt.max_pixels) __builtin_trap();
    for (float v : img.pixels.data) {
      if (!(v >= 0.0f && v <= 1.0f)) __builtin_trap();
    }
  } catch (const convplay::Error&) {
  }
  return 0;
}
