// convplay — the idx format of (Fashion-)MNIST, and gzip (which Debian's
// dataset-fashion-mnist ships its idx files in), through stb_image's inflate.
//
// An idx file: 0x00 0x00 type ndims, then ndims big-endian uint32 sizes, then
// the values row-major. Only type 0x08 (unsigned byte) is read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "convplay/dataset.h"

namespace convplay {

struct IdxArray {
  std::vector<int> dims;
  std::vector<uint8_t> data;  // product of dims values
};

// Reads one idx array from data[0, size). `what` names it in errors
// ("train-images"). Throws Error for a bad magic number, a type other than
// unsigned byte, 0 or more than 4 dimensions, a zero or huge size, or fewer
// bytes than the sizes promise. *consumed (if given) receives the bytes read,
// so several arrays can follow one another.
IdxArray read_idx(const uint8_t* data, size_t size, const std::string& what,
                  size_t* consumed = nullptr);

// The bytes of an idx array (what read_idx reads back).
std::vector<uint8_t> write_idx(const IdxArray& a);

// Images (count, rows, cols) and labels (count) -> a dataset of 1-channel
// images. Throws Error when the counts differ or a label is >= classes.
Dataset dataset_from_idx(const IdxArray& images, const IdxArray& labels, int classes = 10);

// True when the bytes start with gzip's magic number 1f 8b.
bool is_gzip(const uint8_t* data, size_t size);

// Decompresses a gzip member (RFC 1952, deflate). Throws Error for a bad
// header, corrupt data, output beyond max_size, or a length that does not
// match the trailer.
std::vector<uint8_t> gunzip(const uint8_t* data, size_t size, size_t max_size = size_t{1} << 30);

// --- the page's data pack ------------------------------------------------------
// A training and a test set in one file: four idx arrays one after another
// (train images, train labels, test images, test labels), usually gzipped.
struct DatasetPack {
  Dataset train, test;
};

// Reads a pack (gunzipped first when it starts with 1f 8b). Throws Error
// naming the array that is bad.
DatasetPack read_dataset_pack(const uint8_t* data, size_t size);

// The first train_count / test_count images of each set (0: all), with pixel
// values quantised to `bits` bits (1..8; 8 keeps them): v & ~(2^(8-bits) - 1).
// Fewer grey levels compress better (6 bits: 64 levels).
std::vector<uint8_t> write_dataset_pack(const Dataset& train, const Dataset& test, int train_count,
                                        int test_count, int bits);

}  // namespace convplay
