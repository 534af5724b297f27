// Images in and out through stb (Debian's libstb-dev; the implementations are
// compiled once, in stb_impl.cpp). Tensors are planar (1, C, H, W) floats in
// [0, 1]; stb works on interleaved 8-bit pixels.

#include "convplay/image.h"

#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <memory>
#include <string>

namespace convplay {
namespace {

std::string stb_reason() {
  const char* r = stbi_failure_reason();
  return r ? std::string(r) : std::string("unknown reason");
}

// Frees what stbi_load_from_memory returns.
struct StbiFree {
  void operator()(stbi_uc* p) const { stbi_image_free(p); }
};

// Resizes one (h, w) plane to (oh, ow); stb picks its default filters
// (Mitchell when shrinking, Catmull-Rom when enlarging) with clamped edges.
void resize_plane(const float* in, int h, int w, float* out, int oh, int ow) {
  if (!stbir_resize_float(in, w, h, 0, out, ow, oh, 0, 1)) {
    throw Error("resize: stb_image_resize failed for " + std::to_string(w) + " x " +
                std::to_string(h) + " -> " + std::to_string(ow) + " x " + std::to_string(oh));
  }
}

// Resizes every (h, w) plane of t; no validation (the callers do it).
Tensor resize_planes(const Tensor& t, int oh, int ow) {
  Tensor out(Shape{t.shape.n, t.shape.c, oh, ow});
  const size_t in_plane = static_cast<size_t>(t.shape.h) * static_cast<size_t>(t.shape.w);
  const size_t out_plane = static_cast<size_t>(oh) * static_cast<size_t>(ow);
  const size_t planes = static_cast<size_t>(t.shape.n) * static_cast<size_t>(t.shape.c);
  for (size_t p = 0; p < planes; ++p) {
    resize_plane(t.data.data() + p * in_plane, t.shape.h, t.shape.w,
                 out.data.data() + p * out_plane, oh, ow);
  }
  return out;
}

void check_image_tensor(const Tensor& image, const char* who) {
  const int64_t count = image.shape.count();  // throws for a bad shape
  if (image.size() != count) {
    throw Error(std::string(who) + ": tensor of shape " + image.shape.str() + " holds " +
                std::to_string(image.size()) + " values instead of " + std::to_string(count));
  }
}

// The size in a PNG's IHDR, which the format puts right after the 8-byte
// signature. stb_image refuses a PNG above 2^30 bytes of pixels in its own
// header scan, but then probes the other formats, which overwrite its failure
// reason with "unknown image type"; reading the size here lets the cap's
// message name it. Returns false when the data is not a PNG.
bool png_size(const uint8_t* d, size_t n, uint32_t& w, uint32_t& h) {
  static const uint8_t kSig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (n < 24 || !std::equal(kSig, kSig + 8, d) || !std::equal(d + 12, d + 16, "IHDR")) return false;
  auto be32 = [](const uint8_t* p) {
    return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
  };
  w = be32(d + 16);
  h = be32(d + 20);
  return true;
}

std::string side_too_long(uint64_t w, uint64_t h) {
  return "decode_image: the image is " + std::to_string(w) + " x " + std::to_string(h) +
         " pixels, a side may be at most " + std::to_string(kMaxImageSide) + " pixels";
}

// w and h are below 2^32 (a PNG's fields), so w * h fits in 64 unsigned bits.
std::string too_many_pixels(uint64_t w, uint64_t h, int64_t cap) {
  return "decode_image: the image is " + std::to_string(w) + " x " + std::to_string(h) + " = " +
         std::to_string(w * h) + " pixels, more than the limit of " + std::to_string(cap) +
         " pixels";
}

// The JPEG checks stb_image 2.27 lacks, made on the marker segments before stb
// sees the data. Returns "" when the data is fine or not a JPEG.
// - A Huffman table (DHT) whose 16 code counts sum past 256 writes beyond
//   stb's 257-entry tables (upstream checks this since 2.28; our fuzzer found
//   it, tests/fuzz/fuzz_decode.cpp).
// - A component that no scan carries (baseline), or whose DC coefficients no
//   scan starts (progressive), is never written by stb, which still returns
//   the picture: it would show an unwritten buffer.
std::string jpeg_problem(const uint8_t* d, size_t n) {
  // Reads markers the way stb does (stbi__get_marker): a byte other than
  // 0xFF is junk and skipped; 0xFF fill bytes are skipped; past the end of
  // the data every byte reads as 0.
  size_t i = 0;
  auto byte = [&](size_t at) -> unsigned { return at < n ? d[at] : 0u; };
  constexpr int kNone = -1, kEnd = -2;
  auto marker = [&]() -> int {
    if (i >= n) return kEnd;
    if (d[i++] != 0xFF) return kNone;
    while (i < n && d[i] == 0xFF) ++i;
    return i < n ? d[i++] : kEnd;
  };
  if (marker() != 0xD8) return "";   // not a JPEG (no start-of-image marker)
  std::vector<unsigned> components;  // ids from the frame header (SOF)
  std::vector<bool> coded;           // per component: a scan carries it (its DC)
  bool progressive = false;
  for (;;) {
    const int m = marker();
    if (m == kEnd) return "";  // stb fails without an end-of-image marker
    if (m == 0xD9) {
      for (size_t k = 0; k < coded.size(); ++k) {
        if (!coded[k]) {
          return "component " + std::to_string(components[k]) + " of " +
                 std::to_string(components.size()) +
                 (progressive ? " has no scan with its DC coefficients" : " is in no scan");
        }
      }
      return "";
    }
    if (m == kNone || m == 0x00 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;
    // A segment: its length counts itself. stb stops at the first segment
    // whose contents do not fill its length exactly, so stepping over
    // `length` bytes follows stb's reading for every segment it accepts.
    const size_t length = byte(i) << 8 | byte(i + 1);
    if (m == 0xC4) {
      // stb reads every table that starts inside the segment.
      for (size_t t = i + 2; t < i + length;) {
        unsigned count = 0;
        for (size_t k = t + 1; k <= t + 16; ++k) count += byte(k);
        if (count > 256) {
          return "a Huffman table declares " + std::to_string(count) +
                 " codes, more than the 256 the format allows";
        }
        t += 17 + count;
      }
    } else if (m == 0xC0 || m == 0xC1 || m == 0xC2) {  // the frames stb decodes
      progressive = m == 0xC2;
      const unsigned nf = byte(i + 7);
      components.clear();
      for (unsigned k = 0; k < nf; ++k) components.push_back(byte(i + 8 + 3 * k));
      coded.assign(nf, false);
    } else if (m == 0xDA) {
      const unsigned ns = byte(i + 2);
      const size_t spectral = i + 3 + 2 * ns;  // Ss, Se, Ah/Al follow the components
      const bool carries_dc =
          !progressive || (byte(spectral) == 0 && (byte(spectral + 2) >> 4) == 0);
      for (unsigned k = 0; k < ns && carries_dc; ++k) {
        const unsigned id = byte(i + 3 + 2 * k);
        for (size_t c = 0; c < components.size(); ++c) {
          if (components[c] == id) coded[c] = true;
        }
      }
      // The entropy-coded data follows; marker() skips it as junk bytes, and
      // 0xFF 0x00 (a stuffed byte) reads as marker 0x00, which is skipped.
    }
    i += length < 2 ? 2 : length;
  }
}

// stb_image 2.27 grows its buffer to an IDAT chunk's declared length before it
// reads the chunk (up to 2 GiB from a 79-byte file: a decode fuzzer finding).
// Walks the PNG's chunks and refuses one that declares more bytes than the
// data holds. Returns "" when the data is fine or not a PNG.
std::string png_problem(const uint8_t* d, size_t n) {
  static const uint8_t kSig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (n < 8 || !std::equal(kSig, kSig + 8, d)) return "";
  for (size_t at = 8; at + 8 <= n;) {
    const uint64_t length =
        uint64_t{d[at]} << 24 | uint64_t{d[at + 1]} << 16 | uint64_t{d[at + 2]} << 8 | d[at + 3];
    const std::string type(d + at + 4, d + at + 8);
    const uint64_t left = n - at - 8;
    if (length > left) {
      return "chunk " + type + " declares " + std::to_string(length) + " bytes but only " +
             std::to_string(left) + " follow";
    }
    if (type == "IEND") return "";
    at += 12 + static_cast<size_t>(length);  // length, type, data, CRC
  }
  return "";
}

// Reads little-endian fields; past the end of the data every byte reads as 0.
uint32_t le(const uint8_t* d, size_t n, size_t at, int bytes) {
  uint32_t v = 0;
  for (int k = bytes - 1; k >= 0; --k) {
    const size_t p = at + static_cast<size_t>(k);
    v = v << 8 | (p < n ? d[p] : 0u);
  }
  return v;
}

// stb_image 2.27 fills a BMP's 256-entry palette only up to the entries the
// file has, on the stack, and a pixel may name any of the 256: the rest read
// whatever the stack held. Checks every pixel index of a 1-, 4- or 8-bit BMP
// against the palette size, reading the file as stbi__bmp_load does. Returns
// "" when the data is fine or not such a BMP.
std::string bmp_problem(const uint8_t* d, size_t n) {
  if (n < 2 || d[0] != 'B' || d[1] != 'M') return "";
  const int64_t offset = static_cast<int32_t>(le(d, n, 10, 4));
  const uint32_t hsz = le(d, n, 14, 4);
  int64_t w = 0, h = 0;
  uint32_t bpp = 0;
  if (hsz == 12) {
    w = le(d, n, 18, 2);
    h = le(d, n, 20, 2);
    bpp = le(d, n, 24, 2);
  } else if (hsz == 40 || hsz == 56 || hsz == 108 || hsz == 124) {
    w = static_cast<int32_t>(le(d, n, 18, 4));
    h = static_cast<int32_t>(le(d, n, 22, 4));
    bpp = le(d, n, 28, 2);
  } else {
    return "";  // stb refuses the header
  }
  if (bpp != 1 && bpp != 4 && bpp != 8) return "";
  const bool bottom_up = h > 0;  // rows are stored bottom row first
  h = h < 0 ? -h : h;
  // stb's own refusals (and decode_image's caps) come later; this only reads.
  if (w < 1 || h < 1 || w > (1 << 15) || h > (1 << 15)) return "";
  const int64_t psize = hsz == 12 ? (offset - 14 - 24) / 3 : (offset - 14 - int64_t{hsz}) / 4;
  if (psize < 1 || psize > 256) {
    return "the palette has " + std::to_string(psize) + " entries, it must have 1 to 256";
  }
  if (psize >= (int64_t{1} << bpp)) return "";
  const int64_t row = bpp == 1 ? (w + 7) / 8 : bpp == 4 ? (w + 1) / 2 : w;
  const int64_t stride = row + ((-row) & 3);
  for (int64_t y = 0; y < h; ++y) {
    for (int64_t x = 0; x < w; ++x) {
      const int64_t at = offset + y * stride + x * bpp / 8;
      if (at < 0 || at >= static_cast<int64_t>(n)) continue;  // reads as index 0
      const unsigned b = d[at];
      const unsigned index = bpp == 8   ? b
                             : bpp == 4 ? (x % 2 ? b & 15u : b >> 4)
                                        : (b >> (7 - x % 8)) & 1u;
      if (index >= psize) {
        const int64_t row_in_image = bottom_up ? h - 1 - y : y;
        return "pixel (" + std::to_string(x) + ", " + std::to_string(row_in_image) +
               ") uses palette entry " + std::to_string(index) + " but the palette has " +
               std::to_string(psize) + " entries";
      }
    }
  }
  return "";
}

// stb_image 2.27 reads an uncompressed, unpaletted TGA's rows without
// checking that the data holds them (CVE-2023-45663): the missing rows would
// keep whatever the buffer held. Refuses such a file when it is short. TGA has
// no signature: this applies to data that is none of the other formats and
// that stb's TGA test could accept. Returns "" when the data is fine.
std::string tga_problem(const uint8_t* d, size_t n) {
  // Header fields past the end of the data read as 0, as stb reads them.
  auto byte = [&](size_t at) -> unsigned { return at < n ? d[at] : 0u; };
  if (n < 3 || d[1] > 1) return "";
  if (d[0] == 0x89 || (d[0] == 0xFF && d[1] == 0xD8) || (d[0] == 'B' && d[1] == 'M') ||
      (d[0] == 'G' && d[1] == 'I')) {
    return "";
  }
  const unsigned indexed = d[1], type = d[2];
  if (indexed || (type != 2 && type != 3)) return "";  // RLE or paletted: read byte by byte
  const uint64_t w = le(d, n, 12, 2), h = le(d, n, 14, 2), bpp = byte(16);
  const uint64_t bytes = (bpp + 7) / 8;
  const uint64_t need = 18 + uint64_t{d[0]} + w * h * bytes;
  if (n < need) {
    return "truncated TGA: " + std::to_string(w) + " x " + std::to_string(h) + " pixels of " +
           std::to_string(bytes) + " bytes need " + std::to_string(need) + " bytes, the data has " +
           std::to_string(n);
  }
  return "";
}

void append_bytes(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(context);
  const auto* bytes = static_cast<const uint8_t*>(data);
  out->insert(out->end(), bytes, bytes + size);
}

}  // namespace

DecodedImage decode_image(const uint8_t* data, size_t size, const DecodeOptions& opt) {
  // --- validate once ---
  if (data == nullptr || size == 0) throw Error("decode_image: the image data is empty");
  if (size > static_cast<size_t>(INT_MAX)) {
    throw Error("decode_image: the data is " + std::to_string(size) +
                " bytes, more than stb_image accepts (" + std::to_string(INT_MAX) + ")");
  }
  if (opt.max_pixels <= 0) {
    throw Error("decode_image: max_pixels is " + std::to_string(opt.max_pixels) +
                ", it must be > 0");
  }
  if (opt.max_side < 0) {
    throw Error("decode_image: max_side is " + std::to_string(opt.max_side) +
                ", it must be >= 0 (0 = never downscale)");
  }
  const int len = static_cast<int>(size);

  // The header first: refuse decompression bombs before any pixel is allocated.
  uint32_t pw = 0, ph = 0;
  if (png_size(data, size, pw, ph)) {
    if (uint64_t{pw} * ph > static_cast<uint64_t>(opt.max_pixels)) {
      throw Error(too_many_pixels(pw, ph, opt.max_pixels));
    }
    if (pw > kMaxImageSide || ph > kMaxImageSide) throw Error(side_too_long(pw, ph));
  }
  const std::string png = png_problem(data, size);
  if (!png.empty()) throw Error("decode_image: corrupt PNG: " + png);
  const std::string jpeg = jpeg_problem(data, size);
  if (!jpeg.empty()) throw Error("decode_image: corrupt JPEG: " + jpeg);
  int w = 0, h = 0, comp = 0;
  if (!stbi_info_from_memory(data, len, &w, &h, &comp)) {
    throw Error("decode_image: cannot read the image header (" + stb_reason() +
                "); PNG, JPEG, BMP, GIF and TGA are supported");
  }
  const int64_t pixels = int64_t{w} * int64_t{h};
  if (w < 1 || h < 1) {
    throw Error("decode_image: the header claims " + std::to_string(w) + " x " + std::to_string(h) +
                " pixels");
  }
  if (pixels > opt.max_pixels) {
    throw Error(
        too_many_pixels(static_cast<uint64_t>(w), static_cast<uint64_t>(h), opt.max_pixels));
  }
  if (w > kMaxImageSide || h > kMaxImageSide) {
    throw Error(side_too_long(static_cast<uint64_t>(w), static_cast<uint64_t>(h)));
  }
  const int C = opt.grey ? 1 : 3;
  if (pixels * C > kMaxElements) {
    throw Error("decode_image: the image is " + std::to_string(w) + " x " + std::to_string(h) +
                " with " + std::to_string(C) + " channels = " + std::to_string(pixels * C) +
                " values, more than the tensor limit of " + std::to_string(kMaxElements));
  }
  const Shape full{1, C, h, w};
  // Checks that read every pixel index run after the caps.
  const std::string bmp = bmp_problem(data, size);
  if (!bmp.empty()) throw Error("decode_image: corrupt BMP: " + bmp);
  const std::string tga = tga_problem(data, size);
  if (!tga.empty()) throw Error("decode_image: " + tga);

  // Decode to RGBA whatever the file holds (GIF: stb returns the first frame).
  int dw = 0, dh = 0, dcomp = 0;
  std::unique_ptr<stbi_uc, StbiFree> rgba(stbi_load_from_memory(data, len, &dw, &dh, &dcomp, 4));
  if (!rgba) throw Error("decode_image: cannot decode the image (" + stb_reason() + ")");
  if (dw != w || dh != h) {
    throw Error("decode_image: the header says " + std::to_string(w) + " x " + std::to_string(h) +
                " but the decoder returned " + std::to_string(dw) + " x " + std::to_string(dh));
  }

  DecodedImage out;
  out.original_width = w;
  out.original_height = h;
  out.file_channels = comp;
  out.pixels = Tensor(full);
  const size_t plane = static_cast<size_t>(pixels);
  float* dst = out.pixels.data.data();
  const stbi_uc* src = rgba.get();
  for (size_t i = 0; i < plane; ++i) {
    // Composite over white: c' = c * a + 1 * (1 - a).
    const float a = static_cast<float>(src[4 * i + 3]) / 255.0f;
    float rgb[3];
    for (int k = 0; k < 3; ++k) {
      rgb[k] = static_cast<float>(src[4 * i + static_cast<size_t>(k)]) / 255.0f * a + (1.0f - a);
    }
    if (opt.grey) {
      dst[i] = 0.299f * rgb[0] + 0.587f * rgb[1] + 0.114f * rgb[2];
    } else {
      for (size_t k = 0; k < 3; ++k) dst[k * plane + i] = rgb[k];
    }
  }
  rgba.reset();

  if (opt.max_side > 0 && std::max(w, h) > opt.max_side) {
    // Keep the aspect ratio: the longest side becomes max_side, the other is
    // scaled and rounded, and never below 1.
    const double s = static_cast<double>(opt.max_side) / static_cast<double>(std::max(w, h));
    const int ow = std::max(1, static_cast<int>(std::lround(w * s)));
    const int oh = std::max(1, static_cast<int>(std::lround(h * s)));
    out.pixels = resize_planes(out.pixels, oh, ow);
    out.downscaled = true;
  }
  // Values stay in [0, 1]: the luma weights sum to 1, and the resampling
  // filters' negative lobes can overshoot slightly, so clamp.
  for (float& v : out.pixels.data) v = std::min(1.0f, std::max(0.0f, v));
  return out;
}

std::vector<uint8_t> encode_png(const Tensor& image) {
  check_image_tensor(image, "encode_png");
  const Shape& s = image.shape;
  if (s.n != 1) {
    throw Error("encode_png: the tensor has N = " + std::to_string(s.n) + " images (shape " +
                s.str() + "), it must be 1");
  }
  if (s.c != 1 && s.c != 3 && s.c != 4) {
    throw Error("encode_png: the tensor has " + std::to_string(s.c) + " channels (shape " +
                s.str() + "), it must have 1 (grey), 3 (RGB) or 4 (RGBA)");
  }
  const size_t plane = static_cast<size_t>(s.h) * static_cast<size_t>(s.w);
  const size_t C = static_cast<size_t>(s.c);
  std::vector<uint8_t> pixels(plane * C);
  for (size_t c = 0; c < C; ++c) {
    for (size_t i = 0; i < plane; ++i) {
      const float v = image.data[c * plane + i];
      // Clamp to [0, 1] (NaN -> 0), scale, round to nearest.
      const float clamped = v > 0.0f ? std::min(v, 1.0f) : 0.0f;
      pixels[i * C + c] = static_cast<uint8_t>(std::lround(clamped * 255.0f));
    }
  }
  std::vector<uint8_t> png;
  if (!stbi_write_png_to_func(append_bytes, &png, s.w, s.h, s.c, pixels.data(), s.w * s.c)) {
    throw Error("encode_png: stb_image_write failed for a " + std::to_string(s.w) + " x " +
                std::to_string(s.h) + " image with " + std::to_string(s.c) + " channels");
  }
  return png;
}

Tensor resize_image(const Tensor& image, int h, int w) {
  check_image_tensor(image, "resize_image");
  if (h < 1 || w < 1) {
    throw Error("resize_image: target size " + std::to_string(w) + " x " + std::to_string(h) +
                " (width x height), both must be at least 1");
  }
  const int64_t count = int64_t{image.shape.n} * image.shape.c * int64_t{h} * int64_t{w};
  if (count > kMaxElements) {
    throw Error("resize_image: target size " + std::to_string(w) + " x " + std::to_string(h) +
                " with " + std::to_string(image.shape.c) + " channels needs " +
                std::to_string(count) + " values, more than the limit of " +
                std::to_string(kMaxElements));
  }
  // The same size is a copy: stb would still filter (it picks its
  // non-interpolating downsampling filter at scale 1) and blur the image.
  if (h == image.shape.h && w == image.shape.w) return image;
  // Not clamped: resize_image also serves feature maps, which are not images.
  return resize_planes(image, h, w);
}

}  // namespace convplay
