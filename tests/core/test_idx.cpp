// The idx reader and gunzip, on made-up bytes: good files, and every way a
// file can be bad.
#include <doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "check.h"
#include "convplay/idx.h"

using namespace convplay;
using namespace convplay::test;

namespace {

IdxArray read(const std::vector<uint8_t>& b, size_t* consumed = nullptr) {
  return read_idx(b.data(), b.size(), "test", consumed);
}

// A gzip member holding `payload` in one stored (uncompressed) deflate block.
std::vector<uint8_t> gzip_stored(const std::string& payload, uint32_t crc) {
  std::vector<uint8_t> g = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
  const uint16_t len = static_cast<uint16_t>(payload.size());
  g.push_back(1);  // BFINAL = 1, BTYPE = 00 (stored)
  g.push_back(static_cast<uint8_t>(len & 0xff));
  g.push_back(static_cast<uint8_t>(len >> 8));
  g.push_back(static_cast<uint8_t>(~len & 0xff));
  g.push_back(static_cast<uint8_t>((~len >> 8) & 0xff));
  g.insert(g.end(), payload.begin(), payload.end());
  for (uint32_t v : {crc, static_cast<uint32_t>(payload.size())}) {
    for (int s = 0; s < 32; s += 8) g.push_back(static_cast<uint8_t>(v >> s));
  }
  return g;
}

}  // namespace

TEST_CASE("idx: a 3-D image file and a 1-D label file") {
  const std::vector<uint8_t> images = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2,  0,  0,
                                       0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  const IdxArray a = read(images);
  CHECK(a.dims == std::vector<int>{2, 2, 3});
  CHECK(a.data.size() == 12);
  CHECK(a.data[11] == 12);
  CHECK(write_idx(a) == images);

  const std::vector<uint8_t> labels = {0, 0, 8, 1, 0, 0, 0, 2, 7, 9};
  const Dataset d = dataset_from_idx(a, read(labels));
  CHECK(d.size() == 2);
  CHECK(d.height == 2);
  CHECK(d.width == 3);
  CHECK(d.labels == std::vector<int>{7, 9});

  SUBCASE("several arrays one after another") {
    std::vector<uint8_t> both = images;
    both.insert(both.end(), labels.begin(), labels.end());
    size_t used = 0;
    read(both, &used);
    CHECK(used == images.size());
    const IdxArray l = read_idx(both.data() + used, both.size() - used, "labels");
    CHECK(l.dims == std::vector<int>{2});
  }
}

TEST_CASE("idx: bad files give clear errors") {
  CHECK(error_of([] {
          read({0, 0});
        }) == "test: 2 bytes is too short for an idx header (4 bytes of magic number)");
  CHECK(contains(error_of([] {
                   read({0x1f, 0x8b, 8, 0, 0, 0});
                 }),
                 "not an idx file (its magic number starts with 31 139, not 0 0)"));
  CHECK(contains(error_of([] {
                   read({0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0});
                 }),
                 "idx value type 13 is not supported (only 8, unsigned byte)"));
  CHECK(contains(error_of([] { read({0, 0, 8, 0}); }), "idx file has 0 dimensions"));
  CHECK(contains(error_of([] {
                   read({0, 0, 8, 2, 0, 0, 0, 1});
                 }),
                 "the header needs 12 bytes but the file has 8"));
  CHECK(contains(error_of([] {
                   read({0, 0, 8, 1, 0, 0, 0, 0});
                 }),
                 "dimension 0 has size 0 (it must be in [1, 16777216])"));
  CHECK(contains(error_of([] {
                   read({0, 0, 8, 1, 0, 0, 0, 5, 1, 2});
                 }),
                 "the sizes promise 5 values but only 2 bytes follow the header"));
  CHECK(contains(error_of([] {
                   read({0, 0, 8, 1, 0xff, 0xff, 0xff, 0xff});
                 }),
                 "dimension 0 has size 4294967295"));

  const IdxArray images = read({0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 1, 2});
  CHECK(error_of([&] {
          dataset_from_idx(images, read({0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3}));
        }) == "there are 2 images but 3 labels");
  CHECK(contains(error_of([&] {
                   dataset_from_idx(images, read({0, 0, 8, 1, 0, 0, 0, 2, 1, 10}));
                 }),
                 "label 10 of image 1 is not a class in [0, 10)"));
  CHECK(contains(error_of([&] { dataset_from_idx(images, images); }),
                 "an idx label file has 1 dimension (count), this one 3"));
}

TEST_CASE("gunzip: a stored block, and the checks") {
  const uint32_t crc_hello = 0x3610a686u;  // CRC-32 of "hello"
  const std::vector<uint8_t> g = gzip_stored("hello", crc_hello);
  CHECK(is_gzip(g.data(), g.size()));
  const std::vector<uint8_t> out = gunzip(g.data(), g.size());
  CHECK(std::string(out.begin(), out.end()) == "hello");

  const std::vector<uint8_t> bad_crc = gzip_stored("hello", crc_hello ^ 1);
  CHECK(error_of([&] { gunzip(bad_crc.data(), bad_crc.size()); }) ==
        "gzip data fails its CRC-32 check");
  std::vector<uint8_t> long_trailer = g;
  long_trailer[long_trailer.size() - 4] = 6;  // claims 6 bytes
  CHECK(error_of([&] { gunzip(long_trailer.data(), long_trailer.size()); }) ==
        "gzip data holds 5 bytes but its trailer says 6");
  std::vector<uint8_t> short_trailer = g;
  short_trailer[short_trailer.size() - 4] = 4;
  CHECK(contains(error_of([&] { gunzip(short_trailer.data(), short_trailer.size()); }),
                 "corrupt or longer than its trailer's 4 bytes"));
  CHECK(contains(error_of([&] { gunzip(g.data(), g.size(), 4); }),
                 "claims 5 bytes, more than the limit of 4"));
  const std::vector<uint8_t> idx = {0, 0, 8, 1};
  CHECK(error_of([&] { gunzip(idx.data(), idx.size()); }) == "not a gzip file (no 1f 8b header)");
  std::vector<uint8_t> truncated(g.begin(), g.begin() + 12);
  CHECK(!error_of([&] { gunzip(truncated.data(), truncated.size()); }).empty());
}

TEST_CASE("data pack: subset, quantised, read back; bad packs refused") {
  Dataset train, test;
  train.height = train.width = test.height = test.width = 2;
  train.pixels = {255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  train.labels = {1, 2, 3};
  test.pixels = {200, 201, 202, 203};
  test.labels = {9};
  const std::vector<uint8_t> pack = write_dataset_pack(train, test, 2, 0, 6);
  const DatasetPack p = read_dataset_pack(pack.data(), pack.size());
  CHECK(p.train.size() == 2);
  CHECK(p.train.labels == std::vector<int>{1, 2});
  CHECK(p.train.pixels == std::vector<uint8_t>{252, 0, 0, 0, 4, 4, 4, 4});
  CHECK(p.test.size() == 1);
  CHECK(p.test.pixels == std::vector<uint8_t>{200, 200, 200, 200});

  std::vector<uint8_t> cut(pack.begin(), pack.end() - 1);
  CHECK(contains(error_of([&] { read_dataset_pack(cut.data(), cut.size()); }),
                 "data pack: test labels: the sizes promise 1 values but only 0 bytes follow"));
  std::vector<uint8_t> extra = pack;
  extra.push_back(0);
  CHECK(error_of([&] { read_dataset_pack(extra.data(), extra.size()); }) ==
        "data pack: 1 bytes follow the four idx arrays");
  CHECK(contains(error_of([&] { write_dataset_pack(train, test, 0, 0, 9); }),
                 "bits 9 must be in [1, 8]"));
}
