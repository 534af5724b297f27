#include "convplay/idx.h"

#include <array>
#include <limits>
#include <string>

// stb_image's inflate (its implementation is compiled in stb_impl.cpp).
#include <stb_image.h>

#include "format.h"

namespace convplay {
namespace {

uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

uint32_t le32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as gzip's trailer.
uint32_t crc32(const uint8_t* data, size_t size) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) c = table[(c ^ data[i]) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

}  // namespace

IdxArray read_idx(const uint8_t* data, size_t size, const std::string& what, size_t* consumed) {
  if (size < 4) {
    throw Error(what + ": " + num(static_cast<int64_t>(size)) +
                " bytes is too short for an idx header (4 bytes of magic number)");
  }
  if (data[0] != 0 || data[1] != 0) {
    throw Error(what + ": not an idx file (its magic number starts with " + num(data[0]) + " " +
                num(data[1]) + ", not 0 0)");
  }
  if (data[2] != 0x08) {
    throw Error(what + ": idx value type " + num(data[2]) +
                " is not supported (only 8, unsigned byte)");
  }
  const int ndims = data[3];
  if (ndims < 1 || ndims > 4) {
    throw Error(what + ": idx file has " + num(ndims) + " dimensions (1 to 4 are read)");
  }
  const size_t header = 4 + 4 * static_cast<size_t>(ndims);
  if (size < header) {
    throw Error(what + ": the header needs " + num(static_cast<int64_t>(header)) +
                " bytes but the file has " + num(static_cast<int64_t>(size)));
  }
  IdxArray a;
  uint64_t count = 1;
  for (int d = 0; d < ndims; ++d) {
    const uint32_t n = be32(data + 4 + 4 * d);
    if (n == 0 || n > (1u << 24)) {
      throw Error(what + ": dimension " + num(d) + " has size " + num(n) +
                  " (it must be in [1, 16777216])");
    }
    count *= n;
    if (count > (uint64_t{1} << 31)) {
      throw Error(what + ": the idx sizes promise more than 2^31 values");
    }
    a.dims.push_back(static_cast<int>(n));
  }
  if (size - header < count) {
    throw Error(what + ": the sizes promise " + num(static_cast<int64_t>(count)) +
                " values but only " + num(static_cast<int64_t>(size - header)) +
                " bytes follow the header (truncated file?)");
  }
  a.data.assign(data + header, data + header + count);
  if (consumed) *consumed = header + static_cast<size_t>(count);
  return a;
}

std::vector<uint8_t> write_idx(const IdxArray& a) {
  std::vector<uint8_t> out = {0, 0, 0x08, static_cast<uint8_t>(a.dims.size())};
  for (int d : a.dims) {
    const uint32_t n = static_cast<uint32_t>(d);
    for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<uint8_t>(n >> shift));
  }
  out.insert(out.end(), a.data.begin(), a.data.end());
  return out;
}

Dataset dataset_from_idx(const IdxArray& images, const IdxArray& labels, int classes) {
  if (images.dims.size() != 3) {
    throw Error("images: an idx image file has 3 dimensions (count, rows, columns), this one " +
                num(static_cast<int64_t>(images.dims.size())));
  }
  if (labels.dims.size() != 1) {
    throw Error("labels: an idx label file has 1 dimension (count), this one " +
                num(static_cast<int64_t>(labels.dims.size())));
  }
  if (images.dims[0] != labels.dims[0]) {
    throw Error("there are " + num(images.dims[0]) + " images but " + num(labels.dims[0]) +
                " labels");
  }
  Dataset d;
  d.channels = 1;
  d.height = images.dims[1];
  d.width = images.dims[2];
  d.classes = classes;
  d.pixels = images.data;
  d.labels.assign(labels.data.begin(), labels.data.end());
  d.check();
  return d;
}

bool is_gzip(const uint8_t* data, size_t size) {
  return size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
}

std::vector<uint8_t> gunzip(const uint8_t* data, size_t size, size_t max_size) {
  if (!is_gzip(data, size) || size < 18) throw Error("not a gzip file (no 1f 8b header)");
  if (data[2] != 8) throw Error("gzip compression method " + num(data[2]) + " is not deflate (8)");
  if (size > static_cast<size_t>(std::numeric_limits<int>::max())) {
    throw Error("gzip file of " + num(static_cast<int64_t>(size)) + " bytes is too large");
  }
  const uint8_t flags = data[3];
  size_t pos = 10;
  auto need = [&](size_t n) {
    if (pos + n > size - 8) throw Error("gzip header is truncated");
  };
  if (flags & 4) {  // FEXTRA
    need(2);
    const size_t xlen = size_t{data[pos]} | (size_t{data[pos + 1]} << 8);
    pos += 2;
    need(xlen);
    pos += xlen;
  }
  for (int bit : {8, 16}) {  // FNAME, FCOMMENT: zero-terminated
    if (flags & bit) {
      while (true) {
        need(1);
        if (data[pos++] == 0) break;
      }
    }
  }
  if (flags & 2) {  // FHCRC
    need(2);
    pos += 2;
  }
  const uint32_t crc = le32(data + size - 8);
  const uint32_t isize = le32(data + size - 4);
  if (isize > max_size) {
    throw Error("gzip data claims " + num(isize) + " bytes, more than the limit of " +
                num(static_cast<int64_t>(max_size)));
  }
  std::vector<uint8_t> out(isize);
  // The 8 trailer bytes are passed along with the deflate data: stb_image
  // 2.27's decoder reports "unexpected end" when fewer than 16 bits remain
  // even if the last codes fit in them; the trailer gives it room to look
  // ahead. The decoder stops at the final block, so they are never decoded.
  const int got = stbi_zlib_decode_noheader_buffer(
      reinterpret_cast<char*>(out.data()), static_cast<int>(isize),
      reinterpret_cast<const char*>(data + pos), static_cast<int>(size - pos));
  if (got < 0) {
    throw Error("gzip data is corrupt or longer than its trailer's " + num(isize) + " bytes");
  }
  if (static_cast<uint32_t>(got) != isize) {
    throw Error("gzip data holds " + num(got) + " bytes but its trailer says " + num(isize));
  }
  if (crc32(out.data(), out.size()) != crc) throw Error("gzip data fails its CRC-32 check");
  return out;
}

namespace {

IdxArray images_of(const Dataset& d, int count, int bits) {
  IdxArray a;
  a.dims = {count, d.height, d.width};
  a.data.assign(d.pixels.begin(),
                d.pixels.begin() + static_cast<ptrdiff_t>(count * d.image_size()));
  const uint8_t mask = static_cast<uint8_t>(0xFFu << (8 - bits));
  for (uint8_t& v : a.data) v &= mask;
  return a;
}

IdxArray labels_of(const Dataset& d, int count) {
  IdxArray a;
  a.dims = {count};
  for (int i = 0; i < count; ++i)
    a.data.push_back(static_cast<uint8_t>(d.labels[static_cast<size_t>(i)]));
  return a;
}

}  // namespace

DatasetPack read_dataset_pack(const uint8_t* data, size_t size) {
  std::vector<uint8_t> plain;
  if (is_gzip(data, size)) {
    plain = gunzip(data, size);
    data = plain.data();
    size = plain.size();
  }
  const char* names[4] = {"train images", "train labels", "test images", "test labels"};
  IdxArray parts[4];
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    size_t used = 0;
    if (pos >= size)
      throw Error(std::string("data pack: ") + names[i] + " are missing (the file ends)");
    parts[i] = read_idx(data + pos, size - pos, std::string("data pack: ") + names[i], &used);
    pos += used;
  }
  if (pos != size) {
    throw Error("data pack: " + num(static_cast<int64_t>(size - pos)) +
                " bytes follow the four idx arrays");
  }
  DatasetPack p;
  p.train = dataset_from_idx(parts[0], parts[1]);
  p.test = dataset_from_idx(parts[2], parts[3]);
  if (p.train.height != p.test.height || p.train.width != p.test.width) {
    throw Error("data pack: training images are " + num(p.train.width) + "x" + num(p.train.height) +
                " but test images " + num(p.test.width) + "x" + num(p.test.height));
  }
  return p;
}

std::vector<uint8_t> write_dataset_pack(const Dataset& train, const Dataset& test, int train_count,
                                        int test_count, int bits) {
  train.check();
  test.check();
  if (train.channels != 1 || test.channels != 1)
    throw Error("data pack: images must be grey (1 channel)");
  if (bits < 1 || bits > 8) throw Error("data pack: bits " + num(bits) + " must be in [1, 8]");
  if (train_count <= 0 || train_count > train.size()) train_count = train.size();
  if (test_count <= 0 || test_count > test.size()) test_count = test.size();
  std::vector<uint8_t> out;
  for (const IdxArray& a : {images_of(train, train_count, bits), labels_of(train, train_count),
                            images_of(test, test_count, bits), labels_of(test, test_count)}) {
    const std::vector<uint8_t> b = write_idx(a);
    out.insert(out.end(), b.begin(), b.end());
  }
  return out;
}

}  // namespace convplay
