// Images: real PNG / JPEG / BMP / TGA / GIF bytes made in the test, decoded and
// compared pixel by pixel; grey, alpha over white, downscaling; corrupt,
// truncated, empty and oversized data; encode and resize errors.

#include <doctest.h>
#include <stb_image_write.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "convplay/image.h"

using namespace convplay;
using namespace convplay::test;

namespace {

using Bytes = std::vector<uint8_t>;

void append(void* context, void* data, int size) {
  auto* out = static_cast<Bytes*>(context);
  const auto* p = static_cast<const uint8_t*>(data);
  out->insert(out->end(), p, p + size);
}

// An interleaved (h, w, c) 8-bit test pattern with every channel distinct.
Bytes pattern(int h, int w, int c) {
  Bytes px(static_cast<size_t>(h * w * c));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < c; ++k) {
        px[static_cast<size_t>((y * w + x) * c + k)] =
            static_cast<uint8_t>((37 * y + 11 * x + 90 * k + 5) % 256);
      }
  return px;
}

// The same pixels as a planar (1, c, h, w) tensor in [0, 1].
Tensor to_tensor(const Bytes& px, int h, int w, int c) {
  Tensor t(Shape{1, c, h, w});
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < c; ++k) {
        t.at(0, k, y, x) =
            static_cast<float>(px[static_cast<size_t>((y * w + x) * c + k)]) / 255.0f;
      }
  return t;
}

// Largest |a - b| over two tensors of the same shape.
float max_abs_diff(const Tensor& a, const Tensor& b) {
  REQUIRE(a.shape == b.shape);
  float worst = 0.0f;
  for (size_t i = 0; i < a.data.size(); ++i)
    worst = std::max(worst, std::fabs(a.data[i] - b.data[i]));
  return worst;
}

DecodedImage decode(const Bytes& b, const DecodeOptions& opt = {}) {
  return decode_image(b.data(), b.size(), opt);
}

// What decode_image must give for an interleaved 8-bit RGB(A)/grey pixel
// array: alpha composited over white, optionally reduced to luma.
Tensor expected_rgb(const Bytes& px, int h, int w, int c, bool grey) {
  Tensor t(Shape{1, grey ? 1 : 3, h, w});
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const uint8_t* p = &px[static_cast<size_t>((y * w + x) * c)];
      double rgb[3];
      const double a = (c == 2 || c == 4) ? p[c - 1] / 255.0 : 1.0;
      for (int k = 0; k < 3; ++k) {
        const double v = (c <= 2 ? p[0] : p[k]) / 255.0;  // grey files repeat their one value
        rgb[k] = v * a + (1.0 - a);
      }
      if (grey) {
        t.at(0, 0, y, x) = static_cast<float>(0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]);
      } else {
        for (int k = 0; k < 3; ++k) t.at(0, k, y, x) = static_cast<float>(rgb[k]);
      }
    }
  return t;
}

void put_be32(Bytes& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

// A PNG signature and an IHDR chunk claiming w x h RGB pixels, no image data.
// stb_image does not check chunk CRCs, so the CRC is left as zeros.
Bytes png_header(uint32_t w, uint32_t h) {
  Bytes b{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  put_be32(b, 13);
  for (char ch : {'I', 'H', 'D', 'R'}) b.push_back(static_cast<uint8_t>(ch));
  put_be32(b, w);
  put_be32(b, h);
  for (int v : {8, 2, 0, 0, 0})
    b.push_back(static_cast<uint8_t>(v));  // depth 8, RGB, deflate, filter 0, no interlace
  put_be32(b, 0);                          // CRC (unchecked)
  return b;
}

// The source of the JPEG below: a smooth 16 x 8 RGB gradient (JPEG's error
// stays small on smooth images).
Bytes gradient_rgb(int h, int w) {
  Bytes px(static_cast<size_t>(h * w * 3));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &px[static_cast<size_t>((y * w + x) * 3)];
      p[0] = static_cast<uint8_t>(40 + 8 * x);
      p[1] = static_cast<uint8_t>(200 - 12 * y);
      p[2] = static_cast<uint8_t>(100 + 4 * x + 6 * y);
    }
  return px;
}

// gradient_rgb(8, 16) written by stbi_write_jpg_to_func(..., quality 90) in a
// build without sanitizers. It is stored rather than written while the test
// runs because stb_image_write's JPEG bit writer shifts a negative int
// (stbiw__jpg_writeBits: `bitBuf <<= 8`), which UBSan in the native-asan
// build reports as an error and aborts on. Decoding it is UBSan-clean.
const Bytes kGradientJpeg = {
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x84, 0x00, 0x03, 0x02, 0x02, 0x03, 0x02, 0x02, 0x03,
    0x03, 0x03, 0x03, 0x04, 0x03, 0x03, 0x04, 0x05, 0x08, 0x05, 0x05, 0x04, 0x04, 0x05, 0x0a, 0x07,
    0x07, 0x06, 0x08, 0x0c, 0x0a, 0x0c, 0x0c, 0x0b, 0x0a, 0x0b, 0x0b, 0x0d, 0x0e, 0x12, 0x10, 0x0d,
    0x0e, 0x11, 0x0e, 0x0b, 0x0b, 0x10, 0x16, 0x10, 0x11, 0x13, 0x14, 0x15, 0x15, 0x15, 0x0c, 0x0f,
    0x17, 0x18, 0x16, 0x14, 0x18, 0x12, 0x14, 0x15, 0x14, 0x01, 0x03, 0x04, 0x04, 0x05, 0x04, 0x05,
    0x09, 0x05, 0x05, 0x09, 0x14, 0x0d, 0x0b, 0x0d, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,
    0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,
    0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,
    0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00,
    0x08, 0x00, 0x10, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xc4, 0x01,
    0xa2, 0x00, 0x00, 0x01, 0x05, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x10, 0x00,
    0x02, 0x01, 0x03, 0x03, 0x02, 0x04, 0x03, 0x05, 0x05, 0x04, 0x04, 0x00, 0x00, 0x01, 0x7d, 0x01,
    0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22,
    0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24,
    0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28, 0x29,
    0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a,
    0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a,
    0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a,
    0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8,
    0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6,
    0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2, 0xe3,
    0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9,
    0xfa, 0x01, 0x00, 0x03, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x11, 0x00,
    0x02, 0x01, 0x02, 0x04, 0x04, 0x03, 0x04, 0x07, 0x05, 0x04, 0x04, 0x00, 0x01, 0x02, 0x77, 0x00,
    0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13,
    0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15,
    0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26, 0x27,
    0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
    0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
    0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88,
    0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6,
    0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4,
    0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe2,
    0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9,
    0xfa, 0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00, 0x5d,
    0x17, 0xc7, 0x5f, 0x77, 0xf7, 0x9f, 0xad, 0x77, 0xba, 0x2f, 0x8e, 0xbe, 0xef, 0xef, 0x3f, 0x5a,
    0xf0, 0x7d, 0x17, 0xf8, 0x6b, 0xbd, 0xd1, 0x7f, 0x86, 0xbe, 0xc6, 0x8e, 0x45, 0x83, 0xfe, 0x53,
    0xe2, 0x38, 0x7b, 0x2c, 0xc3, 0xfb, 0xba, 0x1f, 0xff, 0xd9,
};

std::string error_of(const Bytes& b, const DecodeOptions& opt = {}) {
  try {
    decode(b, opt);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("image: PNG round trip, RGB, grey and RGBA") {
  const int h = 5, w = 7;
  SUBCASE("rgb") {
    const Tensor img = to_tensor(pattern(h, w, 3), h, w, 3);
    const Bytes png = encode_png(img);
    REQUIRE(png.size() > 8);
    CHECK(png[1] == 'P');
    const DecodedImage d = decode(png);
    CHECK(d.pixels.shape == Shape{1, 3, h, w});
    CHECK(d.original_width == w);
    CHECK(d.original_height == h);
    CHECK(d.file_channels == 3);
    CHECK_FALSE(d.downscaled);
    CHECK(max_abs_diff(d.pixels, img) < 1e-6f);
  }
  SUBCASE("rgb decoded as grey: luma 0.299 R + 0.587 G + 0.114 B") {
    const Bytes px = pattern(h, w, 3);
    DecodeOptions opt;
    opt.grey = true;
    const DecodedImage d = decode(encode_png(to_tensor(px, h, w, 3)), opt);
    CHECK(d.pixels.shape == Shape{1, 1, h, w});
    CHECK(d.file_channels == 3);
    CHECK(max_abs_diff(d.pixels, expected_rgb(px, h, w, 3, true)) < 1e-6f);
  }
  SUBCASE("grey file: one channel in the file, three identical in RGB") {
    const Bytes px = pattern(h, w, 1);
    const DecodedImage d = decode(encode_png(to_tensor(px, h, w, 1)));
    CHECK(d.file_channels == 1);
    CHECK(d.pixels.shape == Shape{1, 3, h, w});
    CHECK(max_abs_diff(d.pixels, expected_rgb(px, h, w, 1, false)) < 1e-6f);
    DecodeOptions opt;
    opt.grey = true;
    const DecodedImage g = decode(encode_png(to_tensor(px, h, w, 1)), opt);
    CHECK(max_abs_diff(g.pixels, to_tensor(px, h, w, 1)) < 1e-6f);
  }
  SUBCASE("rgba: alpha composited over white") {
    Bytes px = pattern(h, w, 4);
    px[3] = 0;     // pixel (0, 0) fully transparent: white
    px[7] = 255;   // pixel (0, 1) opaque: its own colour
    px[11] = 128;  // pixel (0, 2) half
    const DecodedImage d = decode(encode_png(to_tensor(px, h, w, 4)));
    CHECK(d.file_channels == 4);
    CHECK(d.pixels.shape == Shape{1, 3, h, w});
    CHECK(max_abs_diff(d.pixels, expected_rgb(px, h, w, 4, false)) < 1e-6f);
    for (int k = 0; k < 3; ++k) {
      CHECK(d.pixels.at(0, k, 0, 0) == doctest::Approx(1.0));
      CHECK(d.pixels.at(0, k, 0, 1) == doctest::Approx(px[static_cast<size_t>(4 + k)] / 255.0));
    }
    // Half-transparent: v * a + (1 - a), worked for red: px[8] = (11*2 + 5) % 256 = 27.
    CHECK(px[8] == 27);
    CHECK(d.pixels.at(0, 0, 0, 2) == doctest::Approx(27.0 / 255 * 128.0 / 255 + 127.0 / 255));
  }
}

TEST_CASE("image: encode_png clamps and rounds") {
  const float nan = std::nanf("");
  const Tensor img(Shape{1, 1, 1, 6}, {-0.5f, 1.5f, 0.5f, 0.2f, nan, 1.0f});
  const DecodedImage d = decode(encode_png(img), DecodeOptions{true, 0, int64_t{1} << 20});
  REQUIRE(d.pixels.shape == Shape{1, 1, 1, 6});
  CHECK(d.pixels.data[0] == 0.0f);
  CHECK(d.pixels.data[1] == 1.0f);
  CHECK(d.pixels.data[2] == doctest::Approx(128.0 / 255));  // 127.5 rounds to 128
  CHECK(d.pixels.data[3] == doctest::Approx(51.0 / 255));   // 0.2 * 255 = 51
  CHECK(d.pixels.data[4] == 0.0f);                          // NaN written as 0
  CHECK(d.pixels.data[5] == 1.0f);
}

TEST_CASE("image: JPEG, BMP, TGA and GIF made in the test") {
  const int h = 16, w = 24;
  SUBCASE("jpeg within a tolerance") {
    const int jh = 8, jw = 16;
    REQUIRE(kGradientJpeg.size() > 2);
    CHECK(kGradientJpeg[0] == 0xff);  // SOI marker
    CHECK(kGradientJpeg[1] == 0xd8);
    const DecodedImage d = decode(kGradientJpeg);
    REQUIRE(d.pixels.shape == Shape{1, 3, jh, jw});
    CHECK(d.file_channels == 3);
    CHECK(d.original_width == jw);
    CHECK(d.original_height == jh);
    const Tensor want = to_tensor(gradient_rgb(jh, jw), jh, jw, 3);
    double mean_err = 0.0;
    for (size_t i = 0; i < want.data.size(); ++i) {
      mean_err += std::fabs(d.pixels.data[i] - want.data[i]);
    }
    mean_err /= static_cast<double>(want.data.size());
    CHECK(max_abs_diff(d.pixels, want) < 0.06f);
    CHECK(mean_err < 0.015);
    DecodeOptions opt;
    opt.grey = true;
    const DecodedImage g = decode(kGradientJpeg, opt);
    CHECK(max_abs_diff(g.pixels, expected_rgb(gradient_rgb(jh, jw), jh, jw, 3, true)) < 0.06f);
  }
  SUBCASE("jpeg written while the test runs") {
    // stb's JPEG writer shifts negative ints; under the sanitizers stb is
    // built without UBSan's shift check (CMakeLists.txt), so it runs here too.
    const int jh = 24, jw = 40;
    const Bytes px = gradient_rgb(jh, jw);
    Bytes jpg;
    REQUIRE(stbi_write_jpg_to_func(append, &jpg, jw, jh, 3, px.data(), 95));
    const DecodedImage d = decode(jpg);
    REQUIRE(d.pixels.shape == Shape{1, 3, jh, jw});
    CHECK(max_abs_diff(d.pixels, to_tensor(px, jh, jw, 3)) < 0.06f);
  }
  SUBCASE("bmp exact") {
    const Bytes px = pattern(h, w, 3);
    Bytes bmp;
    REQUIRE(stbi_write_bmp_to_func(append, &bmp, w, h, 3, px.data()));
    CHECK(bmp[0] == 'B');
    const DecodedImage d = decode(bmp);
    CHECK(max_abs_diff(d.pixels, to_tensor(px, h, w, 3)) < 1e-6f);
  }
  SUBCASE("tga exact, with alpha over white") {
    const Bytes px = pattern(h, w, 4);
    Bytes tga;
    REQUIRE(stbi_write_tga_to_func(append, &tga, w, h, 4, px.data()));
    const DecodedImage d = decode(tga);
    CHECK(d.file_channels == 4);
    CHECK(max_abs_diff(d.pixels, expected_rgb(px, h, w, 4, false)) < 1e-6f);
  }
  SUBCASE("gif: the first frame") {
    // Two 2x1 frames written by hand: palette {red, blue}; frame 1 is
    // (red, blue), frame 2 is (blue, red). LZW, 3-bit codes, LSB first:
    // frame 1 = clear(4) 0 1 end(5) -> 0x44 0x0a; frame 2 = 4 1 0 5 -> 0x0c 0x0a.
    const Bytes gif{
        'G',  'I', 'F', '8', '9', 'a',  2, 0, 1, 0, 0x80, 0, 0,  // screen 2x1, 2 colours
        0xff, 0,   0,   0,   0,   0xff,                          // palette
        0x2c, 0,   0,   0,   0,   2,    0, 1, 0, 0, 2,    2, 0x44, 0x0a, 0,  // frame 1
        0x2c, 0,   0,   0,   0,   2,    0, 1, 0, 0, 2,    2, 0x0c, 0x0a, 0,  // frame 2
        0x3b};
    const DecodedImage d = decode(gif);
    REQUIRE(d.pixels.shape == Shape{1, 3, 1, 2});
    CHECK(d.pixels.data == std::vector<float>{1, 0, 0, 0, 0, 1});  // R plane, G plane, B plane
  }
}

TEST_CASE("image: downscaling to max_side keeps the aspect ratio") {
  const int h = 20, w = 40;
  const Bytes px = pattern(h, w, 3);
  const Bytes png = encode_png(to_tensor(px, h, w, 3));
  SUBCASE("40x20 to max_side 10 is 10x5") {
    DecodeOptions opt;
    opt.max_side = 10;
    const DecodedImage d = decode(png, opt);
    CHECK(d.pixels.shape == Shape{1, 3, 5, 10});
    CHECK(d.downscaled);
    CHECK(d.original_width == 40);
    CHECK(d.original_height == 20);
    for (float v : d.pixels.data) {
      CHECK(v >= 0.0f);
      CHECK(v <= 1.0f);
    }
  }
  SUBCASE("grey and downscaled") {
    DecodeOptions opt;
    opt.max_side = 12;
    opt.grey = true;
    const DecodedImage d = decode(png, opt);
    CHECK(d.pixels.shape == Shape{1, 1, 6, 12});  // 20 * 12 / 40 = 6
    CHECK(d.downscaled);
  }
  SUBCASE("not larger than max_side: untouched") {
    DecodeOptions opt;
    opt.max_side = 40;
    const DecodedImage d = decode(png, opt);
    CHECK(d.pixels.shape == Shape{1, 3, h, w});
    CHECK_FALSE(d.downscaled);
    CHECK(max_abs_diff(d.pixels, to_tensor(px, h, w, 3)) < 1e-6f);
  }
  SUBCASE("a flat colour stays that colour") {
    Tensor flat(Shape{1, 3, 30, 18});
    for (int k = 0; k < 3; ++k)
      for (int y = 0; y < 30; ++y)
        for (int x = 0; x < 18; ++x)
          flat.at(0, k, y, x) = static_cast<float>(50 * (k + 1)) / 255.0f;
    DecodeOptions opt;
    opt.max_side = 7;
    const DecodedImage d = decode(encode_png(flat), opt);
    CHECK(d.pixels.shape == Shape{1, 3, 7, 4});  // 18 * 7 / 30 = 4.2
    for (int k = 0; k < 3; ++k) {
      CHECK(d.pixels.at(0, k, 3, 2) == doctest::Approx(50.0 * (k + 1) / 255).epsilon(1e-5));
    }
  }
  SUBCASE("a thin image keeps at least one pixel") {
    Tensor thin(Shape{1, 1, 100, 3}, std::vector<float>(300, 0.5f));
    DecodeOptions opt;
    opt.max_side = 10;
    const DecodedImage d = decode(encode_png(thin), opt);
    CHECK(d.pixels.shape == Shape{1, 3, 10, 1});  // 3 * 10 / 100 = 0.3 -> at least 1
  }
}

TEST_CASE("image: bad data is refused with a reason") {
  SUBCASE("empty") {
    const uint8_t one = 0;
    CHECK_THROWS_WITH_AS(decode_image(nullptr, 0), "decode_image: the image data is empty", Error);
    CHECK_THROWS_WITH_AS(decode_image(&one, 0), "decode_image: the image data is empty", Error);
  }
  SUBCASE("random bytes") {
    std::mt19937 rng(1234);
    Bytes junk(1000);
    for (auto& b : junk) b = static_cast<uint8_t>(rng() & 0xff);
    const std::string msg = error_of(junk);
    CHECK(contains(msg, "decode_image: cannot read the image header ("));
  }
  SUBCASE("truncated PNG: the header reads, the pixels do not") {
    const int h = 32, w = 32;
    std::mt19937 rng(99);
    Bytes px(static_cast<size_t>(h * w * 3));
    for (auto& b : px) b = static_cast<uint8_t>(rng() & 0xff);  // noise: does not compress
    const Bytes png = encode_png(to_tensor(px, h, w, 3));
    const Bytes half(png.begin(), png.begin() + static_cast<std::ptrdiff_t>(png.size() / 2));
    const std::string msg = error_of(half);
    CHECK(contains(msg, "decode_image: corrupt PNG: chunk IDAT declares "));
  }
  SUBCASE(
      "a PNG header claiming 10000 x 10000: over the 64 Mi pixel cap, refused before decoding") {
    const std::string msg = error_of(png_header(10000, 10000));
    CHECK(msg ==
          "decode_image: the image is 10000 x 10000 = 100000000 pixels, more than the limit of "
          "67108864 pixels");
  }
  SUBCASE("a PNG header claiming 100000 x 100000, nothing else") {
    CHECK(error_of(png_header(100000, 100000)) ==
          "decode_image: the image is 100000 x 100000 = 10000000000 pixels, more than the limit "
          "of 67108864 pixels");
    // The largest sizes a PNG can claim: the product needs all 64 bits.
    CHECK(error_of(png_header(0xffffffffu, 0xffffffffu)) ==
          "decode_image: the image is 4294967295 x 4294967295 = 18446744065119617025 pixels, "
          "more than the limit of 67108864 pixels");
    // With no pixel cap, the side limit (kMaxImageSide) still refuses it.
    DecodeOptions opt;
    opt.max_pixels = INT64_MAX;
    CHECK(error_of(png_header(100000, 100000), opt) ==
          "decode_image: the image is 100000 x 100000 pixels, a side may be at most 32768 pixels");
  }
  SUBCASE("a PNG header with no image data after it") {
    DecodeOptions opt;
    opt.max_pixels = int64_t{1} << 40;
    CHECK(
        contains(error_of(png_header(5000, 5000), opt), "decode_image: cannot decode the image ("));
    // Under a raised cap, the tensor limit (2^28 values) still holds.
    CHECK(error_of(png_header(10000, 10000), opt) ==
          "decode_image: the image is 10000 x 10000 with 3 channels = 300000000 values, more than "
          "the tensor limit of 268435456");
  }
  SUBCASE("a BMP header claiming 100000 x 100000") {
    Bytes bmp;
    const Bytes px = pattern(1, 1, 3);
    REQUIRE(stbi_write_bmp_to_func(append, &bmp, 1, 1, 3, px.data()));
    for (int off : {18, 22}) {  // biWidth, biHeight: little-endian int32
      const uint32_t v = 100000;
      for (int k = 0; k < 4; ++k)
        bmp[static_cast<size_t>(off + k)] = static_cast<uint8_t>(v >> (8 * k));
    }
    const std::string msg = error_of(bmp);
    CHECK(contains(msg, "100000 x 100000 = 10000000000 pixels, more than the limit of"));
  }
  SUBCASE("a smaller cap") {
    const Bytes png = encode_png(Tensor(Shape{1, 3, 40, 30}));
    DecodeOptions opt;
    opt.max_pixels = 1000;
    CHECK(error_of(png, opt) ==
          "decode_image: the image is 30 x 40 = 1200 pixels, more than the limit of 1000 pixels");
    opt.max_pixels = 1200;
    CHECK(decode(png, opt).pixels.shape == Shape{1, 3, 40, 30});
  }
  SUBCASE("bad options") {
    const Bytes png = encode_png(Tensor(Shape{1, 3, 2, 2}));
    DecodeOptions opt;
    opt.max_pixels = 0;
    CHECK(error_of(png, opt) == "decode_image: max_pixels is 0, it must be > 0");
    opt.max_pixels = -5;
    CHECK(error_of(png, opt) == "decode_image: max_pixels is -5, it must be > 0");
    opt = DecodeOptions{};
    opt.max_side = -1;
    CHECK(error_of(png, opt) ==
          "decode_image: max_side is -1, it must be >= 0 (0 = never downscale)");
  }
  SUBCASE("more bytes than stb_image's int length") {
    // Refused on the size alone: nothing past the first byte is read.
    const Bytes png = encode_png(Tensor(Shape{1, 3, 2, 2}));
    CHECK_THROWS_WITH_AS(decode_image(png.data(), size_t{INT_MAX} + 1),
                         doctest::Contains("bytes, more than stb_image accepts (2147483647)"),
                         Error);
  }
}

TEST_CASE("image: a JPEG Huffman table with more than 256 codes is refused before stb reads it") {
  // stb_image 2.27 would write past its 257-entry tables (found by
  // tests/fuzz/fuzz_decode.cpp). Start of image, then a DHT segment whose
  // 16 code counts are 0x20 each: 512 codes.
  Bytes bad = {0xFF, 0xD8, 0xFF, 0xC4, 0x00, 0x13, 0x00};
  for (int k = 0; k < 16; ++k) bad.push_back(0x20);
  CHECK(error_of(bad) ==
        "decode_image: corrupt JPEG: a Huffman table declares 512 codes, more than the 256 the "
        "format allows");
  SUBCASE("behind fill bytes and junk, as stb's marker reader accepts them") {
    Bytes hidden = {0xFF, 0xFF, 0xFF, 0xD8, 0x12, 0x34, 0xFF, 0xFF};
    hidden.insert(hidden.end(), bad.begin() + 3, bad.end());
    CHECK(contains(error_of(hidden), "declares 512 codes"));
  }
  SUBCASE("counts cut off by the end of the data read as 0, as stb reads them") {
    Bytes cut(bad.begin(), bad.begin() + 7 + 9);  // 9 counts of 0x20 = 288 codes
    CHECK(contains(error_of(cut), "declares 288 codes"));
  }
  SUBCASE("a valid JPEG with its tables still decodes") {
    CHECK(decode(kGradientJpeg).pixels.shape == Shape{1, 3, 8, 16});
  }
}

TEST_CASE("image: encode_png refuses shapes it cannot write") {
  CHECK_THROWS_WITH_AS(encode_png(Tensor(Shape{1, 2, 3, 3})),
                       "encode_png: the tensor has 2 channels (shape 1x2x3x3), it must have 1 "
                       "(grey), 3 (RGB) or 4 (RGBA)",
                       Error);
  CHECK_THROWS_WITH_AS(encode_png(Tensor(Shape{1, 5, 3, 3})),
                       doctest::Contains("the tensor has 5 channels"), Error);
  CHECK_THROWS_WITH_AS(encode_png(Tensor(Shape{2, 3, 3, 3})),
                       "encode_png: the tensor has N = 2 images (shape 2x3x3x3), it must be 1",
                       Error);
  Tensor broken;
  broken.shape = Shape{1, 3, 3, 3};
  broken.data.assign(5, 0.0f);
  CHECK_THROWS_WITH_AS(encode_png(broken), doctest::Contains("holds 5 values instead of 27"),
                       Error);
  CHECK_NOTHROW(encode_png(Tensor(Shape{1, 4, 1, 1})));
}

TEST_CASE("image: resize_image") {
  const Tensor img = to_tensor(pattern(10, 20, 3), 10, 20, 3);
  SUBCASE("shapes") {
    CHECK(resize_image(img, 5, 7).shape == Shape{1, 3, 5, 7});
    CHECK(resize_image(img, 227, 227).shape == Shape{1, 3, 227, 227});
    CHECK(resize_image(img, 1, 1).shape == Shape{1, 3, 1, 1});
    CHECK(max_abs_diff(resize_image(img, 10, 20), img) < 1e-6f);  // same size: a copy
  }
  SUBCASE("a flat plane stays flat, each channel on its own") {
    Tensor flat(Shape{1, 2, 4, 6});
    std::fill(flat.data.begin(), flat.data.begin() + 24, 0.25f);
    std::fill(flat.data.begin() + 24, flat.data.end(), 0.75f);
    const Tensor up = resize_image(flat, 9, 5);
    for (int y = 0; y < 9; ++y)
      for (int x = 0; x < 5; ++x) {
        CHECK(up.at(0, 0, y, x) == doctest::Approx(0.25).epsilon(1e-5));
        CHECK(up.at(0, 1, y, x) == doctest::Approx(0.75).epsilon(1e-5));
      }
  }
  SUBCASE("errors") {
    CHECK_THROWS_WITH_AS(
        resize_image(img, 0, 5),
        "resize_image: target size 5 x 0 (width x height), both must be at least 1", Error);
    CHECK_THROWS_WITH_AS(resize_image(img, 5, -1), doctest::Contains("target size -1 x 5"), Error);
    CHECK_THROWS_WITH_AS(resize_image(img, 100000, 100000),
                         doctest::Contains("needs 30000000000 values, more than the limit of"),
                         Error);
  }
}
