// libFuzzer target: decode_image on arbitrary bytes must either return an
// image of the promised shape or throw convplay::Error — never crash, leak or
// allocate past its cap — and the same bytes decoded again after a different
// image give the same pixels (nothing read from memory the decoder did not
// write). Seeds: real files (tests/fuzz/make_seeds.cpp) and the stb reports'
// reproducers (tests/fuzz/corpus/decode/). Build and run: scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "convplay/image.h"

namespace {

// A 24 x 24 PNG of noise that depends on `seed`, encoded once per seed.
const std::vector<uint8_t>& other_image(unsigned seed) {
  static std::vector<uint8_t> png[2];
  if (png[seed].empty()) {
    convplay::Tensor t(convplay::Shape{1, 3, 24, 24});
    uint32_t s = 2463534242u + seed;
    for (float& v : t.data) {
      s ^= s << 13, s ^= s >> 17, s ^= s << 5;
      v = static_cast<float>(s % 256) / 255.0f;
    }
    png[seed] = convplay::encode_png(t);
  }
  return png[seed];
}

// The pixels, or the error message.
std::string decode(const uint8_t* data, size_t size, const convplay::DecodeOptions& opt,
                   std::vector<float>& pixels) {
  try {
    const convplay::DecodedImage img = convplay::decode_image(data, size, opt);
    const convplay::Shape& s = img.pixels.shape;
    if (s.n != 1 || (s.c != 1 && s.c != 3) || s.h < 1 || s.w < 1) __builtin_trap();
    if (static_cast<int64_t>(img.original_height) * img.original_width > opt.max_pixels)
      __builtin_trap();
    for (float v : img.pixels.data) {
      if (!(v >= 0.0f && v <= 1.0f)) __builtin_trap();
    }
    pixels = img.pixels.data;
    return "ok";
  } catch (const convplay::Error& e) {
    pixels.clear();
    return e.what();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  convplay::DecodeOptions opt;
  opt.max_pixels = 1 << 18;  // each input is decoded twice, under ASan
  opt.max_side = (size > 0 && (data[0] & 1)) ? 64 : 0;
  opt.grey = size > 1 && (data[1] & 1);
  std::vector<float> first, second, scratch;
  const std::vector<uint8_t>& a = other_image(0);
  const std::vector<uint8_t>& b = other_image(1);
  decode(a.data(), a.size(), {}, scratch);
  const std::string r1 = decode(data, size, opt, first);
  decode(b.data(), b.size(), {}, scratch);
  const std::string r2 = decode(data, size, opt, second);
  if (r1 != r2 || first != second) __builtin_trap();
  return 0;
}
