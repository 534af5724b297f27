// The published stb_image bug reports that reach the formats decode_image
// reads, one reproducer each, made here byte by byte (never downloaded): every
// one is refused with a reason or decoded to a picture that does not depend
// on what earlier images left in memory. The README lists each report and its
// outcome. The native suite runs this under ASan + UBSan; the WASM build runs
// it in Node.

#include <doctest.h>
#include <stb_image_write.h>

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

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

void put_le(Bytes& b, uint32_t v, int bytes) {
  for (int k = 0; k < bytes; ++k) b.push_back(static_cast<uint8_t>(v >> (8 * k)));
}

void put_be32(Bytes& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

DecodedImage decode(const Bytes& b, const DecodeOptions& opt = {}) {
  return decode_image(b.data(), b.size(), opt);
}

std::string error_of(const Bytes& b) {
  try {
    decode(b);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// Fills the heap with a decoded picture of noise (seeded), so that whatever
// a later decode reads without writing holds that noise.
void decode_noise(unsigned seed, int side) {
  std::mt19937 rng(seed);
  Tensor t(Shape{1, 3, side, side});
  for (float& v : t.data) v = static_cast<float>(rng() % 256) / 255.0f;
  const Bytes png = encode_png(t);
  CHECK(decode(png).pixels.shape == t.shape);
}

// Decodes b after two different earlier images; both results must be equal
// (values, or the error message). Returns the first.
std::string decode_twice(const Bytes& b, std::vector<float>* pixels = nullptr) {
  std::string out[2];
  std::vector<float> px[2];
  for (int k = 0; k < 2; ++k) {
    decode_noise(17u + static_cast<unsigned>(k), 200);
    try {
      px[k] = decode(b).pixels.data;
      out[k] = "ok";
    } catch (const Error& e) {
      out[k] = e.what();
    }
  }
  CHECK(out[0] == out[1]);
  CHECK(px[0] == px[1]);
  if (pixels) *pixels = px[0];
  return out[0];
}

// A BMP with a palette of `psize` entries (entry i is grey 10 * i), bpp 1, 4
// or 8, and one palette index per pixel, rows bottom-up as BMP stores them.
Bytes bmp_paletted(int w, int h, int bpp, int psize, const std::vector<int>& index) {
  const int row = bpp == 1 ? (w + 7) / 8 : bpp == 4 ? (w + 1) / 2 : w;
  const int stride = (row + 3) / 4 * 4;
  const uint32_t offset = 14 + 40 + 4 * static_cast<uint32_t>(psize);
  Bytes b{'B', 'M'};
  put_le(b, offset + static_cast<uint32_t>(stride * h), 4);
  put_le(b, 0, 4);
  put_le(b, offset, 4);
  put_le(b, 40, 4);
  put_le(b, static_cast<uint32_t>(w), 4);
  put_le(b, static_cast<uint32_t>(h), 4);
  put_le(b, 1, 2);  // planes
  put_le(b, static_cast<uint32_t>(bpp), 2);
  for (int k = 0; k < 6; ++k) put_le(b, k == 4 ? static_cast<uint32_t>(psize) : 0, 4);
  for (int i = 0; i < psize; ++i) {
    const auto g = static_cast<uint8_t>(10 * i);
    b.insert(b.end(), {g, g, g, 0});
  }
  for (int y = h - 1; y >= 0; --y) {
    Bytes r(static_cast<size_t>(stride), 0);
    for (int x = 0; x < w; ++x) {
      const auto v = static_cast<unsigned>(index[static_cast<size_t>(y * w + x)]);
      if (bpp == 8) r[static_cast<size_t>(x)] = static_cast<uint8_t>(v);
      if (bpp == 4) r[static_cast<size_t>(x / 2)] |= static_cast<uint8_t>(x % 2 ? v : v << 4);
      if (bpp == 1) r[static_cast<size_t>(x / 8)] |= static_cast<uint8_t>(v << (7 - x % 8));
    }
    b.insert(b.end(), r.begin(), r.end());
  }
  return b;
}

// An uncompressed TGA header (type 2 = true colour, 3 = grey), top-left origin.
Bytes tga_header(int type, int w, int h, int bpp) {
  Bytes b{0, 0, static_cast<uint8_t>(type), 0, 0, 0, 0, 0, 0, 0, 0, 0};
  put_le(b, static_cast<uint32_t>(w), 2);
  put_le(b, static_cast<uint32_t>(h), 2);
  b.push_back(static_cast<uint8_t>(bpp));
  b.push_back(0x20);
  return b;
}

// A PNG of w x h RGB pixels at 16 bits per channel (big-endian samples),
// stored in an uncompressed deflate block. stb_image checks neither the chunk
// CRCs nor the zlib checksum, so they are zeros.
Bytes png16(int w, int h, const std::vector<uint16_t>& samples) {
  auto chunk = [](Bytes& out, const char* type, const Bytes& data) {
    put_be32(out, static_cast<uint32_t>(data.size()));
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data.begin(), data.end());
    put_be32(out, 0);
  };
  Bytes png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  Bytes ihdr;
  put_be32(ihdr, static_cast<uint32_t>(w));
  put_be32(ihdr, static_cast<uint32_t>(h));
  ihdr.insert(ihdr.end(), {16, 2, 0, 0, 0});  // depth 16, RGB
  chunk(png, "IHDR", ihdr);
  Bytes raw;
  for (int y = 0; y < h; ++y) {
    raw.push_back(0);  // filter: none
    for (int i = 0; i < w * 3; ++i) {
      const uint16_t v = samples[static_cast<size_t>(y * w * 3 + i)];
      raw.insert(raw.end(), {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)});
    }
  }
  Bytes z{0x78, 0x01, 0x01};  // zlib header; final stored block
  put_le(z, static_cast<uint32_t>(raw.size()), 2);
  put_le(z, static_cast<uint32_t>(~raw.size() & 0xffff), 2);
  z.insert(z.end(), raw.begin(), raw.end());
  put_be32(z, 0);  // Adler-32 (unchecked)
  chunk(png, "IDAT", z);
  chunk(png, "IEND", {});
  return png;
}

// A baseline JPEG of a smooth gradient, written by stb_image_write at
// quality 95 (no chroma subsampling: one 8 x 8 block per component per MCU).
Bytes gradient_jpeg(int w, int h) {
  Bytes px(static_cast<size_t>(w * h * 3));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < 3; ++k)
        px[static_cast<size_t>((y * w + x) * 3 + k)] =
            static_cast<uint8_t>(60 + 2 * x + 3 * y + 20 * k);
  Bytes jpg;
  REQUIRE(stbi_write_jpg_to_func(append, &jpg, w, h, 3, px.data(), 95));
  return jpg;
}

// Where marker 0xFF m starts in a JPEG, or npos.
size_t find_marker(const Bytes& jpg, uint8_t m) {
  for (size_t i = 0; i + 1 < jpg.size(); ++i)
    if (jpg[i] == 0xFF && jpg[i + 1] == m) return i;
  return std::string::npos;
}

}  // namespace

TEST_CASE("stb report: PNM, HDR and PSD are not compiled (16-bit PNM overflow, PNM stale heap)") {
  // nothings/stb#1166, #1307, #1437 (stbi__convert_16_to_8 heap overflow from
  // stbi__pnm_load): the 16-bit PNM header with no pixels that decoded
  // stale heap memory as a 200 x 200 picture.
  const std::string supported = "PNG, JPEG, BMP, GIF and TGA are supported";
  CHECK(contains(decode_twice(text("P6 200 200 65535 ")), supported));
  // An 8-bit PNM with its pixel data missing (one byte of 270000).
  CHECK(contains(decode_twice(text("P6 300 300 255\nA")), supported));
  CHECK(contains(error_of(text("P5\n2 2\n255\nABCD")), supported));
  // Radiance HDR (CVE-2021-42715, a loop on RLE data; CVE-2023-45663's
  // stbi__hdr_load half) and PSD headers.
  CHECK(contains(error_of(text("#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 2 +X 2\n\x02\x02")),
                 supported));
  CHECK(contains(error_of(text("8BPS\x00\x01\x00\x00\x00\x00\x00\x00\x00\x03")), supported));
}

TEST_CASE("stb report: truncated uncompressed TGA (CVE-2023-45663, GHSL-2023-147) is refused") {
  // stbi__tga_load ignores stbi__getn's failure: the rows the file lacks
  // would keep whatever the buffer held.
  Bytes rgb = tga_header(2, 200, 200, 24);
  CHECK(decode_twice(rgb) ==
        "decode_image: truncated TGA: 200 x 200 pixels of 3 bytes need 120018 bytes, the data "
        "has 18");
  Bytes grey = tga_header(3, 300, 300, 8);
  grey.push_back(7);
  CHECK(contains(decode_twice(grey), "truncated TGA: 300 x 300 pixels of 1 bytes need 90018"));
  SUBCASE("a complete one decodes exactly") {
    Bytes full = tga_header(2, 2, 1, 24);
    full.insert(full.end(), {10, 20, 30, 40, 50, 60});  // BGR BGR
    const DecodedImage d = decode(full);
    REQUIRE(d.pixels.shape == Shape{1, 3, 1, 2});
    const std::vector<float> want{30, 60, 20, 50, 10, 40};
    for (size_t i = 0; i < want.size(); ++i)
      CHECK(d.pixels.data[i] == doctest::Approx(want[i] / 255.0).epsilon(1e-6));
  }
  SUBCASE("a header cut short (found by the decode fuzzer): its missing fields read as 0") {
    // Width 32, height 10520, and no byte for the bits per pixel.
    const Bytes cut{0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0x20, 0x20, 0x20, 0, 0x18, 0x29, 0x20};
    CHECK(decode_twice(cut) ==
          "decode_image: truncated TGA: 32 x 10520 pixels of 4 bytes need 1346578 bytes, the "
          "data has 17");
  }
  SUBCASE("one byte short is refused") {
    Bytes cut = tga_header(2, 2, 1, 24);
    cut.insert(cut.end(), {10, 20, 30, 40, 50});
    CHECK(contains(error_of(cut), "need 24 bytes, the data has 23"));
  }
}

TEST_CASE("stb report: BMP palette index past the palette (nothings/stb#1929) is refused") {
  // stbi__bmp_load's palette is a 256-entry stack array filled only up to the
  // file's entries: a larger index shows stack memory.
  SUBCASE("8 bits, 2 entries, index 200") {
    const Bytes bmp = bmp_paletted(3, 2, 8, 2, {0, 1, 0, 1, 200, 1});
    CHECK(decode_twice(bmp) ==
          "decode_image: corrupt BMP: pixel (1, 1) uses palette entry 200 but the palette has 2 "
          "entries");
  }
  SUBCASE("4 bits, 4 entries, index 9") {
    CHECK(contains(error_of(bmp_paletted(3, 1, 4, 4, {1, 2, 9})),
                   "pixel (2, 0) uses palette entry 9 but the palette has 4 entries"));
  }
  SUBCASE("1 bit, 1 entry, index 1") {
    CHECK(contains(error_of(bmp_paletted(9, 1, 1, 1, {0, 0, 0, 0, 0, 0, 0, 0, 1})),
                   "pixel (8, 0) uses palette entry 1 but the palette has 1 entries"));
  }
  SUBCASE("a small palette whose indices fit decodes exactly") {
    const DecodedImage d = decode(bmp_paletted(3, 2, 8, 3, {0, 1, 2, 2, 1, 0}));
    REQUIRE(d.pixels.shape == Shape{1, 3, 2, 3});
    const std::vector<int> want{0, 10, 20, 20, 10, 0};
    for (size_t i = 0; i < want.size(); ++i)
      CHECK(d.pixels.data[i] == doctest::Approx(want[i] / 255.0).epsilon(1e-6));
  }
}

TEST_CASE("stb report: JPEG whose components no scan carries is refused") {
  // stb_image returns the picture with the components' buffers unwritten.
  const Bytes jpg = gradient_jpeg(40, 24);
  const size_t sos = find_marker(jpg, 0xDA);
  REQUIRE(sos != std::string::npos);
  Bytes no_scan(jpg.begin(), jpg.begin() + static_cast<std::ptrdiff_t>(sos));
  no_scan.insert(no_scan.end(), {0xFF, 0xD9});
  CHECK(decode_twice(no_scan) == "decode_image: corrupt JPEG: component 1 of 3 is in no scan");
  SUBCASE("a progressive frame with no DC scan") {
    const size_t sof = find_marker(no_scan, 0xC0);
    REQUIRE(sof != std::string::npos);
    no_scan[sof + 1] = 0xC2;
    CHECK(decode_twice(no_scan) ==
          "decode_image: corrupt JPEG: component 1 of 3 has no scan with its DC coefficients");
  }
}

TEST_CASE("stb report: JPEG restart interval with no restart markers decodes the same every time") {
  // A DRI segment (restart every MCU) in front of a scan that has no RST
  // markers: stbi__parse_entropy_coded_data stops after the first MCU and
  // stb returns the picture with the other blocks never written. With every
  // stb allocation zero-filled, they read as zeros whatever came before.
  const Bytes jpg = gradient_jpeg(40, 24);
  const size_t sos = find_marker(jpg, 0xDA);
  REQUIRE(sos != std::string::npos);
  Bytes dri(jpg.begin(), jpg.begin() + static_cast<std::ptrdiff_t>(sos));
  dri.insert(dri.end(), {0xFF, 0xDD, 0x00, 0x04, 0x00, 0x01});
  dri.insert(dri.end(), jpg.begin() + static_cast<std::ptrdiff_t>(sos), jpg.end());
  std::vector<float> px;
  REQUIRE(decode_twice(dri, &px) == "ok");
  // The last pixel lies in a block never decoded: Y = Cb = Cr = 0 converts
  // to (0, 135, 0) in stb's fixed-point YCbCr.
  const size_t plane = 40 * 24;
  CHECK(px[plane - 1] == 0.0f);
  CHECK(px[2 * plane - 1] == doctest::Approx(135 / 255.0).epsilon(1e-6));
  CHECK(px[3 * plane - 1] == 0.0f);
}

TEST_CASE("stb report: JPEG with fractional sampling factors (nothings/stb#1178) is refused") {
  // stbi__resample_row_v_2 read past a row when a component's sampling factor
  // does not divide the largest; 2.27 refuses it ("bad H"). Component 1 gets
  // 3x1 and component 2 2x1.
  Bytes jpg = gradient_jpeg(40, 24);
  const size_t sof = find_marker(jpg, 0xC0);
  REQUIRE(sof != std::string::npos);
  jpg[sof + 11] = 0x31;  // component 1: H 3, V 1
  jpg[sof + 14] = 0x21;  // component 2: H 2, V 1
  CHECK(contains(decode_twice(jpg), "decode_image: cannot"));
}

TEST_CASE(
    "stb report: GIF frames after the first (CVE-2023-45661, -45662, -45664, -45666, -45667)") {
  // The reports are in stbi_load_gif_from_memory (every frame, vertical flip);
  // decode_image reads the first frame through stbi_load_from_memory only.
  // Two frames whose graphic control extensions ask for disposal 3 ("restore
  // previous", the two_back path).
  const Bytes gif{
      'G',  'I',  'F', '8',  '9',  'a',  2, 0,    1, 0, 0x80, 0, 0,    0xff, 0,
      0,    0,    0,   0xff, 0x21, 0xf9, 4, 0x0c, 0, 0, 0,    0,                 // dispose 3
      0x2c, 0,    0,   0,    0,    2,    0, 1,    0, 0, 2,    2, 0x44, 0x0a, 0,  // (red, blue)
      0x21, 0xf9, 4,   0x0c, 0,    0,    0, 0,                                   // dispose 3
      0x2c, 0,    0,   0,    0,    2,    0, 1,    0, 0, 2,    2, 0x0c, 0x0a, 0,  // (blue, red)
      0x3b};
  std::vector<float> px;
  REQUIRE(decode_twice(gif, &px) == "ok");
  CHECK(px == std::vector<float>{1, 0, 0, 0, 0, 1});
}

TEST_CASE("stb report: allocation bombs in headers are refused before any pixel buffer") {
  // nothings/stb#2001: a 64-byte GIF whose screen is 16384 x 16448 made stb
  // allocate 2.4 GB; #1880: a 19-byte TGA claiming huge sides.
  Bytes gif{'G', 'I', 'F', '8', '9', 'a', 0x00, 0x40, 0x40, 0x40, 0, 0, 0, 0x3b};
  CHECK(contains(error_of(gif), "16384 x 16448 = 269484032 pixels, more than the limit"));
  Bytes tga = tga_header(2, 65535, 65535, 24);
  tga.push_back(0);
  CHECK(contains(error_of(tga), "decode_image: "));
  // stb itself now refuses a side over 2^15 (STBI_MAX_DIMENSIONS, stb_impl.cpp).
  DecodeOptions opt;
  opt.max_pixels = int64_t{1} << 40;
  Bytes wide = tga_header(2, 40000, 1, 24);
  wide.resize(wide.size() + 120000, 9);
  CHECK_THROWS_WITH_AS(decode(wide, opt),
                       "decode_image: the image is 40000 x 1 pixels, a side may be at most 32768 "
                       "pixels",
                       Error);
}

TEST_CASE("fuzz finding: a PNG chunk declaring more bytes than the file holds is refused") {
  // stb_image 2.27 reallocates its IDAT buffer to the declared length (here
  // 1.9 GB) before reading the chunk.
  Bytes png = png16(2, 1, std::vector<uint16_t>(6, 7));
  const size_t idat = 8 + 25;  // signature, IHDR chunk
  REQUIRE(std::string(png.begin() + idat + 4, png.begin() + idat + 8) == "IDAT");
  png.resize(idat + 30);
  png[idat] = 0x73;
  png[idat + 1] = png[idat + 2] = 0;
  png[idat + 3] = 0x16;
  CHECK(decode_twice(png) ==
        "decode_image: corrupt PNG: chunk IDAT declares 1929379862 bytes but only 22 follow");
}

TEST_CASE("stb report: 16-bit PNG goes through stbi__convert_16_to_8 safely") {
  // The 16-to-8 conversion of #1166 for a PNG: the high byte of each sample.
  const std::vector<uint16_t> samples{0x1234, 0xff00, 0x00ff, 0x8080, 0x0101, 0xfffe};
  const Bytes png = png16(2, 1, samples);
  std::vector<float> px;
  REQUIRE(decode_twice(png, &px) == "ok");
  const std::vector<int> want{0x12, 0x80, 0xff, 0x01, 0x00, 0xff};  // R plane, G, B
  REQUIRE(px.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i)
    CHECK(px[i] == doctest::Approx(want[i] / 255.0).epsilon(1e-6));
  SUBCASE("its image data cut short is refused") {
    Bytes cut = png16(40, 40, std::vector<uint16_t>(40 * 40 * 3, 0x4242));
    cut.resize(cut.size() / 2);
    CHECK(contains(decode_twice(cut), "decode_image: corrupt PNG: chunk IDAT declares 9651 bytes"));
  }
}
