// Writes the decode fuzzer's seed corpus: small real files of every format
// decode_image reads, made by the core's PNG encoder and stb_image_write
// (JPEG baseline at two qualities, BMP, TGA with and without RLE) plus a
// two-frame GIF written by hand. Usage: fuzz_make_seeds <dir>
#include <stb_image_write.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "convplay/image.h"

using namespace convplay;
using Bytes = std::vector<uint8_t>;

namespace {

void append(void* context, void* data, int size) {
  auto* out = static_cast<Bytes*>(context);
  const auto* p = static_cast<const uint8_t*>(data);
  out->insert(out->end(), p, p + size);
}

// An interleaved (h, w, c) pattern with edges and gradients.
Bytes pattern(int h, int w, int c) {
  Bytes px(static_cast<size_t>(h * w * c));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < c; ++k)
        px[static_cast<size_t>((y * w + x) * c + k)] =
            static_cast<uint8_t>((x > w / 2 ? 200 : 30) + 7 * y + 40 * k);
  return px;
}

Tensor planar(const Bytes& px, int h, int w, int c) {
  Tensor t(Shape{1, c, h, w});
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int k = 0; k < c; ++k)
        t.at(0, k, y, x) =
            static_cast<float>(px[static_cast<size_t>((y * w + x) * c + k)]) / 255.0f;
  return t;
}

void write(const std::filesystem::path& dir, const std::string& name, const Bytes& b) {
  std::ofstream(dir / name, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_seeds <dir>\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  const int h = 12, w = 10;
  for (int c : {1, 3, 4}) {
    write(dir, "png_c" + std::to_string(c) + ".png", encode_png(planar(pattern(h, w, c), h, w, c)));
  }
  for (int q : {40, 95}) {  // 4:2:0 below quality 90, 4:4:4 above
    for (int c : {1, 3}) {
      Bytes jpg;
      const Bytes px = pattern(h + 5, w + 9, c);
      stbi_write_jpg_to_func(append, &jpg, w + 9, h + 5, c, px.data(), q);
      write(dir, "jpg_q" + std::to_string(q) + "_c" + std::to_string(c) + ".jpg", jpg);
    }
  }
  {
    // Variants of a baseline JPEG that reach stb's corner cases: a restart
    // interval with no restart markers, and a frame with no scan.
    Bytes jpg;
    const Bytes px = pattern(24, 40, 3);
    stbi_write_jpg_to_func(append, &jpg, 40, 24, 3, px.data(), 95);
    size_t sos = 0;
    while (sos + 1 < jpg.size() && !(jpg[sos] == 0xFF && jpg[sos + 1] == 0xDA)) ++sos;
    const auto at = jpg.begin() + static_cast<std::ptrdiff_t>(sos);
    Bytes dri(jpg.begin(), at);
    dri.insert(dri.end(), {0xFF, 0xDD, 0x00, 0x04, 0x00, 0x01});
    dri.insert(dri.end(), at, jpg.end());
    write(dir, "jpg_restart_interval.jpg", dri);
    Bytes no_scan(jpg.begin(), at);
    no_scan.insert(no_scan.end(), {0xFF, 0xD9});
    write(dir, "jpg_no_scan.jpg", no_scan);
  }
  for (int c : {3, 4}) {
    Bytes bmp;
    const Bytes px = pattern(h, w, c);
    stbi_write_bmp_to_func(append, &bmp, w, h, c, px.data());
    write(dir, "bmp_c" + std::to_string(c) + ".bmp", bmp);
  }
  for (int rle : {0, 1}) {
    for (int c : {1, 3, 4}) {
      stbi_write_tga_with_rle = rle;
      Bytes tga;
      const Bytes px = pattern(h, w, c);
      stbi_write_tga_to_func(append, &tga, w, h, c, px.data());
      write(dir, "tga_rle" + std::to_string(rle) + "_c" + std::to_string(c) + ".tga", tga);
    }
  }
  // Two 2x1 frames, palette {red, blue}, disposal 3 on both.
  const Bytes gif{'G',  'I',  'F', '8',  '9',  'a',  2,    0,    1,    0,   0x80, 0,    0,    0xff,
                  0,    0,    0,   0,    0xff, 0x21, 0xf9, 4,    0x0c, 0,   0,    0,    0,    0x2c,
                  0,    0,    0,   0,    2,    0,    1,    0,    0,    2,   2,    0x44, 0x0a, 0,
                  0x21, 0xf9, 4,   0x0c, 0,    0,    0,    0,    0x2c, 0,   0,    0,    0,    2,
                  0,    1,    0,   0,    2,    2,    0x0c, 0x0a, 0,    0x3b};
  write(dir, "gif_2frames.gif", gif);
  return 0;
}
