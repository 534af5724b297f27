// Convolution: the output-size formula, hand-checkable values, every padding
// mode, true convolution vs cross-correlation, gradients by central finite
// differences, and every rejected combination.
#include <doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "convplay/conv.h"
#include "convplay/kernels.h"

using namespace convplay;
using namespace convplay::test;

namespace {

template <typename T>
BasicTensor<T> random_tensor(Shape s, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  BasicTensor<T> t(s);
  for (auto& v : t.data) v = static_cast<T>(u(rng));
  return t;
}

Tensor from_rows(Shape s, std::vector<float> v) { return Tensor(s, std::move(v)); }

Conv2dParams params(int stride, int pad, int dilation = 1, PadMode pm = PadMode::zero,
                    ConvMode mode = ConvMode::cross_correlation) {
  Conv2dParams p;
  p.stride_h = p.stride_w = stride;
  p.pad_h = p.pad_w = pad;
  p.dilation_h = p.dilation_w = dilation;
  p.pad_mode = pm;
  p.mode = mode;
  return p;
}

// The message of the Error that f throws ("" if none).
}  // namespace

TEST_CASE("output size: the lecture's worked examples") {
  SUBCASE("7x7 input, 5x5 kernel, no padding -> 3x3") {
    const AxisSize s = conv_output_size(7, 5, 0, 1, 1);
    CHECK(s.size == 3);
    CHECK(s.exact);
  }
  SUBCASE("7x7 input, 3x3 kernel, P = 1 -> 7x7") {
    CHECK(conv_output_size(7, 3, 1, 1, 1).size == 7);
  }
  SUBCASE("stride 2: 7x7 input, 3x3 kernel, S = 2 -> 3x3") {
    const AxisSize s = conv_output_size(7, 3, 0, 1, 2);
    CHECK(s.size == 3);
    CHECK(s.exact);
  }
  SUBCASE("AlexNet conv1: 227x227x3, 96 filters 11x11x3, S = 4, P = 0 -> 55x55x96") {
    Conv2dParams p = params(4, 0);
    const Conv2dGeometry g = conv2d_geometry({1, 3, 227, 227}, {96, 3, 11, 11}, p);
    CHECK(g.output == Shape{1, 96, 55, 55});
    CHECK(g.h.exact);
    CHECK(g.w.exact);
    CHECK(g.weight_count == 34848);
    CHECK(g.bias_count == 96);
  }
  SUBCASE("the AlexNet paper's 224: (224 - 11)/4 + 1 = 54.25, floored to 54") {
    const AxisSize s = conv_output_size(224, 11, 0, 1, 4);
    CHECK(s.size == 54);
    CHECK_FALSE(s.exact);
    CHECK(s.remainder == 1);
  }
  SUBCASE("non-exact division takes the floor") {
    const AxisSize s = conv_output_size(8, 3, 0, 1, 2);  // (8 - 3)/2 + 1 = 3.5
    CHECK(s.size == 3);
    CHECK_FALSE(s.exact);
    CHECK(s.remainder == 1);
  }
  SUBCASE("dilation widens the kernel to D*(F-1)+1") {
    const AxisSize s = conv_output_size(7, 3, 0, 2, 1);  // effective 5
    CHECK(s.effective_kernel == 5);
    CHECK(s.size == 3);
  }
  SUBCASE("separate values per axis") {
    Conv2dParams p = params(1, 0);
    p.stride_h = 2;
    p.pad_w = 1;
    const Conv2dGeometry g = conv2d_geometry({2, 3, 9, 6}, {4, 3, 3, 5}, p);
    CHECK(g.output == Shape{2, 4, 4, 4});  // H: (9-3)/2+1 = 4; W: (6-5+2)/1+1 = 4
  }
}

TEST_CASE("pad_source_index maps the padding to the pixel it copies") {
  // a 3-pixel row a b c, two pixels of padding each side
  const int n = 3;
  const std::vector<int> at = {-2, -1, 0, 1, 2, 3, 4};
  SUBCASE("zero") {
    std::vector<int> want = {-1, -1, 0, 1, 2, -1, -1};
    for (size_t i = 0; i < at.size(); ++i)
      CHECK(pad_source_index(at[i], n, PadMode::zero) == want[i]);
  }
  SUBCASE("replicate: a a | a b c | c c") {
    std::vector<int> want = {0, 0, 0, 1, 2, 2, 2};
    for (size_t i = 0; i < at.size(); ++i)
      CHECK(pad_source_index(at[i], n, PadMode::replicate) == want[i]);
  }
  SUBCASE("reflect: c b | a b c | b a") {
    std::vector<int> want = {2, 1, 0, 1, 2, 1, 0};
    for (size_t i = 0; i < at.size(); ++i)
      CHECK(pad_source_index(at[i], n, PadMode::reflect) == want[i]);
  }
  SUBCASE("circular: b c | a b c | a b") {
    std::vector<int> want = {1, 2, 0, 1, 2, 0, 1};
    for (size_t i = 0; i < at.size(); ++i)
      CHECK(pad_source_index(at[i], n, PadMode::circular) == want[i]);
  }
}

TEST_CASE("each padding mode on a 3x3 image, seen through a 1x1 identity kernel") {
  // With a 1x1 kernel of weight 1 and P = 1, the output is the padded image.
  const Tensor x = from_rows({1, 1, 3, 3}, {1, 2, 3,  //
                                            4, 5, 6,  //
                                            7, 8, 9});
  const Tensor w = from_rows({1, 1, 1, 1}, {1});
  auto padded = [&](PadMode m) {
    Tensor y;
    conv2d_forward(y, x, w, {}, params(1, 1, 1, m));
    REQUIRE(y.shape == Shape{1, 1, 5, 5});
    return y.data;
  };
  SUBCASE("zero") {
    CHECK(padded(PadMode::zero) == std::vector<float>{0, 0, 0, 0, 0,  //
                                                      0, 1, 2, 3, 0,  //
                                                      0, 4, 5, 6, 0,  //
                                                      0, 7, 8, 9, 0,  //
                                                      0, 0, 0, 0, 0});
  }
  SUBCASE("replicate") {
    CHECK(padded(PadMode::replicate) == std::vector<float>{1, 1, 2, 3, 3,  //
                                                           1, 1, 2, 3, 3,  //
                                                           4, 4, 5, 6, 6,  //
                                                           7, 7, 8, 9, 9,  //
                                                           7, 7, 8, 9, 9});
  }
  SUBCASE("reflect") {
    CHECK(padded(PadMode::reflect) == std::vector<float>{5, 4, 5, 6, 5,  //
                                                         2, 1, 2, 3, 2,  //
                                                         5, 4, 5, 6, 5,  //
                                                         8, 7, 8, 9, 8,  //
                                                         5, 4, 5, 6, 5});
  }
  SUBCASE("circular") {
    CHECK(padded(PadMode::circular) == std::vector<float>{9, 7, 8, 9, 7,  //
                                                          3, 1, 2, 3, 1,  //
                                                          6, 4, 5, 6, 4,  //
                                                          9, 7, 8, 9, 7,  //
                                                          3, 1, 2, 3, 1});
  }
}

TEST_CASE("Sobel x on a vertical edge, worked by hand") {
  // 4x5 image: left two columns 0, right three columns 1.
  Tensor x({1, 1, 4, 5});
  for (int i = 0; i < 4; ++i)
    for (int j = 2; j < 5; ++j) x.at(0, 0, i, j) = 1;
  // Sobel x as a cross-correlation kernel: right minus left.
  const Tensor w = from_rows({1, 1, 3, 3}, {-1, 0, 1,  //
                                            -2, 0, 2,  //
                                            -1, 0, 1});
  Tensor y;
  conv2d_forward(y, x, w, {0.5f}, params(1, 0));
  REQUIRE(y.shape == Shape{1, 1, 2, 3});
  // Window at column j covers columns j..j+2. j=0: columns 0,1,2 -> (1+2+1)*1 = 4.
  // j=1: columns 1,2,3 -> right 1, left 0 -> 4. j=2: columns 2,3,4 -> 1 - 1 = 0.
  // Plus the bias 0.5.
  CHECK(y.data == std::vector<float>{4.5f, 4.5f, 0.5f,  //
                                     4.5f, 4.5f, 0.5f});
}

TEST_CASE("true convolution flips the kernel; cross-correlation does not") {
  const Tensor x = from_rows({1, 1, 3, 3}, {1, 2, 3,  //
                                            4, 5, 6,  //
                                            7, 8, 9});
  // Asymmetric kernel: a single 1 to the right of the centre.
  const Tensor w = from_rows({1, 1, 3, 3}, {0, 0, 0,  //
                                            0, 0, 1,  //
                                            0, 0, 0});
  Tensor y;
  SUBCASE("cross-correlation reads the right neighbour") {
    conv2d_forward(y, x, w, {}, params(1, 1));
    CHECK(y.data == std::vector<float>{2, 3, 0,  //
                                       5, 6, 0,  //
                                       8, 9, 0});
  }
  SUBCASE("convolution (the lecture's formula) reads the left neighbour") {
    // Y(i,j) = sum_a sum_b X(i-a, j-b) W(1+a, 1+b): W(1,2) = 1 is a=0, b=1: X(i, j-1).
    conv2d_forward(y, x, w, {}, params(1, 1, 1, PadMode::zero, ConvMode::convolution));
    CHECK(y.data == std::vector<float>{0, 1, 2,  //
                                       0, 4, 5,  //
                                       0, 7, 8});
  }
}

TEST_CASE("a 3D filter sums over every input channel; K filters give depth K") {
  // Two channels; filter 0 picks channel 0's centre, filter 1 adds both channels' centres.
  Tensor x({1, 2, 3, 3});
  for (int i = 0; i < 9; ++i) {
    x.data[static_cast<size_t>(i)] = static_cast<float>(i);
    x.data[static_cast<size_t>(9 + i)] = static_cast<float>(100 * i);
  }
  Tensor w({2, 2, 1, 1});
  w.at(0, 0, 0, 0) = 1;
  w.at(1, 0, 0, 0) = 1;
  w.at(1, 1, 0, 0) = 1;
  Tensor y;
  conv2d_forward(y, x, w, {0, 1}, params(1, 0));
  REQUIRE(y.shape == Shape{1, 2, 3, 3});
  for (int i = 0; i < 9; ++i) {
    CHECK(y.data[static_cast<size_t>(i)] == doctest::Approx(i));
    CHECK(y.data[static_cast<size_t>(9 + i)] == doctest::Approx(101 * i + 1));
  }
}

namespace {

// Largest |a - b| / (1 + |b|): a relative difference that tolerates values near 0.
double worst_difference(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double diff = std::fabs(double(a[i]) - double(b[i]));
    worst = std::max(worst, diff / (1.0 + std::fabs(double(b[i]))));
  }
  return worst;
}

struct VariantCase {
  std::string name;
  Shape x, w;
  Conv2dParams p;
};

// Named edge cases, then a grid over every padding mode, both modes, strides
// and dilations.
std::vector<VariantCase> variant_cases() {
  std::vector<VariantCase> cases = {
      {"k3_s1_p1", {1, 3, 9, 11}, {4, 3, 3, 3}, params(1, 1)},
      {"w_lt_4", {2, 2, 5, 3}, {3, 2, 3, 3}, params(1, 1)},
      {"w_eq_1", {1, 2, 6, 1}, {2, 2, 3, 1}, params(1, 0)},
      {"stride_2", {1, 3, 12, 13}, {2, 3, 3, 3}, params(2, 0)},
      {"stride_3_odd_tail", {1, 1, 14, 17}, {2, 1, 4, 4}, params(3, 1)},
      {"pad_gt_k", {1, 1, 6, 6}, {2, 1, 1, 1}, params(1, 3)},
      {"dilation_2_reflect", {1, 2, 10, 10}, {2, 2, 3, 3}, params(1, 2, 2, PadMode::reflect)},
      {"k11_s4", {1, 3, 31, 31}, {5, 3, 11, 11}, params(4, 0)},
      {"batch_3", {3, 2, 7, 9}, {2, 2, 3, 3}, params(1, 1)},
      // the tiny network's two convolutions: rows narrower than a tile's 8 pixels and wider
      {"tiny_conv1_c1_k8", {1, 1, 28, 28}, {8, 1, 3, 3}, params(1, 0)},
      {"tiny_conv2_13x13", {2, 8, 13, 13}, {16, 8, 3, 3}, params(1, 0)},
      // S4's kind of layer: 5x5, stride 2, padding 2, 16 channels
      {"stride_2_5x5_c16", {1, 16, 14, 15}, {8, 16, 5, 5}, params(2, 2)},
      // stride 2 and even padding split each row into both phases 8 floats at a time:
      // rows shorter than 8, and reflected edges
      {"stride_2_pad_2_w_lt_8", {1, 2, 9, 7}, {3, 2, 3, 3}, params(2, 2)},
      {"stride_2_pad_2_reflect", {1, 3, 11, 19}, {4, 3, 5, 5}, params(2, 2, 1, PadMode::reflect)},
      // tiles along each output row: 15 = 8 + a partial tile, with few filters
      // (read in place) and with 64 (through a panel); 16 = two tiles
      {"rows_partial_tile", {1, 4, 30, 30}, {6, 4, 5, 5}, params(2, 2)},
      {"rows_panel_k64", {1, 3, 20, 30}, {64, 3, 5, 5}, params(2, 2)},
      {"rows_k32", {1, 3, 20, 32}, {32, 3, 5, 5}, params(2, 2)},
      // forward bands (about 64K floats of phase images each): 8 and 5 rows of
      // 13, and at stride 2, 8 and 4 rows of 12
      {"bands_c1024", {1, 1024, 13, 14}, {4, 1024, 3, 3}, params(1, 1)},
      {"bands_s2_c128", {1, 128, 24, 24}, {4, 128, 5, 5}, params(2, 2)},
  };
  for (PadMode pm : {PadMode::zero, PadMode::replicate, PadMode::reflect, PadMode::circular}) {
    for (ConvMode mode : {ConvMode::cross_correlation, ConvMode::convolution}) {
      for (int stride : {1, 2}) {
        for (int dil : {1, 2}) {
          Conv2dParams p = params(stride, 2, dil, pm, mode);
          p.pad_w = 1;
          cases.push_back({std::string("grid_") + to_string(pm) + "_" + to_string(mode) + "_s" +
                               std::to_string(stride) + "_d" + std::to_string(dil),
                           {2, 3, 8, 11},
                           {3, 3, 3, 2},
                           p});
        }
      }
    }
  }
  return cases;
}

// The kernels compute cross-correlation; for a true-convolution case the test
// rotates the weights first, as the entry points do.
struct KernelCase {
  Conv2dGeometry g;
  Conv2dParams p;
  Tensor x, w, dy;
};

KernelCase kernel_case(const VariantCase& c, std::mt19937& rng) {
  KernelCase k{conv2d_geometry(c.x, c.w, c.p),
               c.p,
               random_tensor<float>(c.x, rng),
               random_tensor<float>(c.w, rng),
               {}};
  k.dy = random_tensor<float>(k.g.output, rng);
  if (c.p.mode == ConvMode::convolution) k.w = kernels::flip_kernels(k.w);
  k.p.mode = ConvMode::cross_correlation;
  return k;
}

}  // namespace

TEST_CASE("every forward variant matches the reference") {
  std::mt19937 rng(7);
  const auto variants = every_variant(kernels::conv2d_f32_fwd_variants(),
                                      kernels::conv2d_f32_fwd_unpicked_variants());
  REQUIRE(variants.size() >= 4);
  CHECK(std::string(variants.front().name) == "conv2d_f32_fwd__ref");
  for (const VariantCase& c : variant_cases()) {
    CAPTURE(c.name);
    const KernelCase k = kernel_case(c, rng);
    std::vector<float> b(static_cast<size_t>(c.w.n), 0.25f);
    Tensor ref(k.g.output);
    variants.front().run(ref, k.x, k.w, b, k.g, k.p);  // the reference
    for (const auto& v : variants) {
      CAPTURE(v.name);
      REQUIRE(v.supports(k.g, k.p));
      Tensor y(k.g.output);
      std::fill(y.data.begin(), y.data.end(), 7.0f);
      v.run(y, k.x, k.w, b, k.g, k.p);
      const double worst = worst_difference(y.data, ref.data);
      CAPTURE(worst);
      CHECK(worst < 1e-6);
    }
  }
}

TEST_CASE("every backward variant matches the reference") {
  std::mt19937 rng(8);
  const auto& variants = kernels::conv2d_f32_bwd_variants();
  REQUIRE(variants.size() >= 3);
  CHECK(std::string(variants.front().name) == "conv2d_f32_bwd__ref");
  for (const VariantCase& c : variant_cases()) {
    CAPTURE(c.name);
    const KernelCase k = kernel_case(c, rng);
    Tensor rdx(k.g.input), rdw(k.g.weight);
    std::vector<float> rdb(static_cast<size_t>(c.w.n));
    variants.front().run(rdx, rdw, rdb, k.dy, k.x, k.w, k.g, k.p);
    for (const auto& v : variants) {
      CAPTURE(v.name);
      REQUIRE(v.supports(k.g, k.p));
      Tensor dx(k.g.input), dw(k.g.weight);
      std::vector<float> db(static_cast<size_t>(c.w.n));
      // Poison the outputs: a variant must overwrite them, not add to them.
      std::fill(dx.data.begin(), dx.data.end(), 7.0f);
      std::fill(dw.data.begin(), dw.data.end(), 7.0f);
      std::fill(db.begin(), db.end(), 7.0f);
      v.run(dx, dw, db, k.dy, k.x, k.w, k.g, k.p);
      const double worst =
          std::max({worst_difference(dx.data, rdx.data), worst_difference(dw.data, rdw.data),
                    worst_difference(db, rdb)});
      CAPTURE(worst);
      CHECK(worst < 1e-5);
    }
  }
}

TEST_CASE("every dL/dx variant and every dL/dw variant matches the reference") {
  std::mt19937 rng(9);
  const auto data = every_variant(kernels::conv2d_f32_bwd_data_variants(),
                                  kernels::conv2d_f32_bwd_data_unpicked_variants());
  const auto filter = every_variant(kernels::conv2d_f32_bwd_filter_variants(),
                                    kernels::conv2d_f32_bwd_filter_unpicked_variants());
  REQUIRE(data.size() >= 3);
  REQUIRE(filter.size() >= 4);
  CHECK(std::string(data.front().name) == "conv2d_f32_bwd_data__ref");
  CHECK(std::string(filter.front().name) == "conv2d_f32_bwd_filter__ref");
  for (const VariantCase& c : variant_cases()) {
    CAPTURE(c.name);
    const KernelCase k = kernel_case(c, rng);
    Tensor rdx(k.g.input), rdw(k.g.weight);
    std::vector<float> rdb(static_cast<size_t>(c.w.n));
    data.front().run(rdx, k.dy, k.w, k.g, k.p);
    filter.front().run(rdw, rdb, k.dy, k.x, k.g, k.p);
    for (const auto& v : data) {
      CAPTURE(v.name);
      REQUIRE(v.supports(k.g, k.p));
      Tensor dx(k.g.input);
      std::fill(dx.data.begin(), dx.data.end(), 7.0f);
      v.run(dx, k.dy, k.w, k.g, k.p);
      const double worst = worst_difference(dx.data, rdx.data);
      CAPTURE(worst);
      CHECK(worst < 1e-5);
    }
    for (const auto& v : filter) {
      CAPTURE(v.name);
      REQUIRE(v.supports(k.g, k.p));
      Tensor dw(k.g.weight);
      std::vector<float> db(static_cast<size_t>(c.w.n), 7.0f);
      std::fill(dw.data.begin(), dw.data.end(), 7.0f);
      v.run(dw, db, k.dy, k.x, k.g, k.p);
      const double worst = std::max(worst_difference(dw.data, rdw.data), worst_difference(db, rdb));
      CAPTURE(worst);
      CHECK(worst < 1e-5);
    }
  }
}

TEST_CASE("seeded random shapes: every fast variant against the reference") {
  std::mt19937 rng(2024);
  std::uniform_int_distribution<int> pick(0, 1 << 30);
  const auto r = [&](int lo, int hi) { return lo + pick(rng) % (hi - lo + 1); };
  int tried = 0;
  while (tried < 60) {
    Conv2dParams p = params(r(1, 4), r(0, 3), r(1, 3), static_cast<PadMode>(r(0, 3)),
                            r(0, 1) ? ConvMode::convolution : ConvMode::cross_correlation);
    p.stride_w = r(1, 4);
    p.pad_w = r(0, 3);
    p.dilation_w = r(1, 3);
    const Shape xs{r(1, 2), r(1, 9), r(1, 20), r(1, 30)};
    const Shape ws{r(1, 13), xs.c, r(1, 5), r(1, 5)};
    Conv2dGeometry g;
    try {
      g = conv2d_geometry(xs, ws, p);
    } catch (const Error&) {
      continue;  // an impossible combination: draw again
    }
    ++tried;
    const std::string name = xs.str() + " w " + ws.str() + " s" + std::to_string(p.stride_h) + "," +
                             std::to_string(p.stride_w) + " p" + std::to_string(p.pad_h) + "," +
                             std::to_string(p.pad_w) + " d" + std::to_string(p.dilation_h) + "," +
                             std::to_string(p.dilation_w) + " " + to_string(p.pad_mode);
    CAPTURE(name);
    const KernelCase k = kernel_case({name, xs, ws, p}, rng);
    const std::vector<float> b = random_tensor<float>({1, ws.n, 1, 1}, rng).data;
    Tensor ry(g.output), y(g.output), rdx(xs), dx(xs), rdw(ws), dw(ws);
    std::vector<float> rdb(static_cast<size_t>(ws.n)), db(rdb);
    kernels::conv2d_f32_fwd_variants().front().run(ry, k.x, k.w, b, g, k.p);
    kernels::conv2d_f32_bwd_data_variants().front().run(rdx, k.dy, k.w, g, k.p);
    kernels::conv2d_f32_bwd_filter_variants().front().run(rdw, rdb, k.dy, k.x, g, k.p);
    const auto& fwd = kernels::conv2d_f32_fwd_variants().back();
    const auto& bd = kernels::conv2d_f32_bwd_data_variants().back();
    const auto& bf = kernels::conv2d_f32_bwd_filter_variants().back();
    REQUIRE(fwd.supports(g, k.p));
    fwd.run(y, k.x, k.w, b, g, k.p);
    bd.run(dx, k.dy, k.w, g, k.p);
    bf.run(dw, db, k.dy, k.x, g, k.p);
    CHECK(worst_difference(y.data, ry.data) < 1e-6);
    CHECK(worst_difference(dx.data, rdx.data) < 1e-5);
    CHECK(worst_difference(dw.data, rdw.data) < 1e-5);
    CHECK(worst_difference(db, rdb) < 1e-5);
  }
}

TEST_CASE("the packed-weight cache repacks when the weights change") {
  std::mt19937 rng(11);
  const Shape xs{1, 3, 10, 12}, ws{5, 3, 3, 3};
  const Tensor x = random_tensor<float>(xs, rng);
  Tensor w = random_tensor<float>(ws, rng);
  const Conv2dParams p = params(1, 1);
  const Conv2dGeometry g = conv2d_geometry(xs, ws, p);
  const auto& fast = kernels::conv2d_f32_fwd_variants().back();
  const auto& ref = kernels::conv2d_f32_fwd_variants().front();
  for (int step = 0; step < 3; ++step) {
    CAPTURE(step);
    Tensor y(g.output), ry(g.output);
    fast.run(y, x, w, {}, g, p);
    ref.run(ry, x, w, {}, g, p);
    CHECK(worst_difference(y.data, ry.data) < 1e-6);
    w.data[static_cast<size_t>(step * 7)] += 1.0f;  // one weight changes, the shape does not
  }
  SUBCASE("dL/dx too") {
    for (int step = 0; step < 3; ++step) {
      Tensor dy = random_tensor<float>(g.output, rng), dx(xs), rdx(xs);
      kernels::conv2d_f32_bwd_data_variants().back().run(dx, dy, w, g, p);
      kernels::conv2d_f32_bwd_data_variants().front().run(rdx, dy, w, g, p);
      CHECK(worst_difference(dx.data, rdx.data) < 1e-5);
      w.data[static_cast<size_t>(step * 5)] -= 0.5f;
    }
  }
}

TEST_CASE("dL/dx alone and dL/dw alone equal conv2d_backward's") {
  std::mt19937 rng(12);
  const Shape xs{2, 3, 9, 8}, ws{4, 3, 3, 2};
  const Tensor x = random_tensor<float>(xs, rng), w = random_tensor<float>(ws, rng);
  for (ConvMode mode : {ConvMode::cross_correlation, ConvMode::convolution}) {
    CAPTURE(to_string(mode));
    const Conv2dParams p = params(2, 1, 1, PadMode::reflect, mode);
    const Tensor dy = random_tensor<float>(conv2d_geometry(xs, ws, p).output, rng);
    Tensor dx, dw, dx1, dw1;
    std::vector<float> db, db1;
    conv2d_backward(dx, dw, db, dy, x, w, p);
    conv2d_backward_data(dx1, dy, w, xs, p);
    conv2d_backward_filter(dw1, db1, dy, x, ws, p);
    CHECK(dx1.shape == xs);
    CHECK(dw1.shape == ws);
    CHECK(worst_difference(dx1.data, dx.data) < 1e-6);
    CHECK(worst_difference(dw1.data, dw.data) < 1e-6);
    CHECK(worst_difference(db1, db) < 1e-6);
  }
  CHECK(error_of([&] {
          Tensor dx;
          conv2d_backward_data(dx, Tensor({2, 4, 3, 3}), w, xs, params(1, 1));
        }).find("dL/dy has shape 2x4x3x3") != std::string::npos);
}

TEST_CASE("absurd padding falls back to the reference without allocating a padded copy") {
  const Shape xs{1, 1, 3, 3}, ws{1, 1, 1, 1};
  const Conv2dGeometry g = conv2d_geometry(xs, ws, params(1, 2000));
  const auto& variants = kernels::conv2d_f32_fwd_variants();
  CHECK_FALSE(variants.back().supports(g, params(1, 2000)));
  Tensor y;
  conv2d_forward(y, Tensor(xs, {1, 2, 3, 4, 5, 6, 7, 8, 9}), Tensor(ws, {2}), {}, params(1, 2000));
  CHECK(y.shape == Shape{1, 1, 4003, 4003});
  CHECK(y.at(0, 0, 2000, 2000) == 2);
  CHECK(y.at(0, 0, 0, 0) == 0);
}

TEST_CASE("float and double reference agree") {
  std::mt19937 rng(3);
  const TensorD xd = random_tensor<double>({2, 3, 7, 8}, rng);
  const TensorD wd = random_tensor<double>({4, 3, 3, 2}, rng);
  Tensor x(xd.shape), w(wd.shape);
  for (size_t i = 0; i < xd.data.size(); ++i) x.data[i] = static_cast<float>(xd.data[i]);
  for (size_t i = 0; i < wd.data.size(); ++i) w.data[i] = static_cast<float>(wd.data[i]);
  const Conv2dParams p = params(2, 1, 1, PadMode::circular, ConvMode::convolution);
  Tensor y;
  TensorD yd;
  conv2d_forward(y, x, w, {}, p);
  conv2d_forward(yd, xd, wd, {}, p);
  REQUIRE(y.shape == yd.shape);
  for (size_t i = 0; i < y.data.size(); ++i)
    CHECK(y.data[i] == doctest::Approx(yd.data[i]).epsilon(1e-5));
}

TEST_CASE("conv backward equals central finite differences (double precision)") {
  // L = sum(r * y) for a fixed random r, so dL/dy = r.
  std::mt19937 rng(11);
  int checked = 0;
  for (int kernel : {1, 2, 3}) {
    for (int stride : {1, 2}) {
      for (int pad : {0, 1, 2}) {
        for (int dil : {1, 2}) {
          for (PadMode pm :
               {PadMode::zero, PadMode::replicate, PadMode::reflect, PadMode::circular}) {
            for (ConvMode mode : {ConvMode::cross_correlation, ConvMode::convolution}) {
              Conv2dParams p = params(stride, pad, dil, pm, mode);
              p.stride_w = stride == 1 ? 2 : 1;  // also exercise unequal strides
              const Shape xs{2, 2, 5, 6}, ws{2, 2, kernel, kernel + 1};
              Conv2dGeometry g;
              try {
                g = conv2d_geometry(xs, ws, p);
              } catch (const Error&) {
                continue;  // e.g. dilated kernel larger than the padded input
              }
              CAPTURE(kernel);
              CAPTURE(stride);
              CAPTURE(pad);
              CAPTURE(dil);
              CAPTURE(to_string(pm));
              CAPTURE(to_string(mode));
              TensorD x = random_tensor<double>(xs, rng);
              TensorD w = random_tensor<double>(ws, rng);
              std::vector<double> b = {0.3, -0.2};
              const TensorD r = random_tensor<double>(g.output, rng);
              auto loss = [&]() {
                TensorD y;
                conv2d_forward(y, x, w, b, p);
                double s = 0;
                for (size_t i = 0; i < y.data.size(); ++i) s += r.data[i] * y.data[i];
                return s;
              };
              TensorD dx, dw;
              std::vector<double> db;
              conv2d_backward(dx, dw, db, r, x, w, p);
              const double h = 1e-6;
              auto fd = [&](double& v) {
                const double keep = v;
                v = keep + h;
                const double up = loss();
                v = keep - h;
                const double down = loss();
                v = keep;
                return (up - down) / (2 * h);
              };
              double worst = 0;
              for (size_t i = 0; i < x.data.size(); ++i)
                worst = std::max(worst, std::fabs(fd(x.data[i]) - dx.data[i]));
              for (size_t i = 0; i < w.data.size(); ++i)
                worst = std::max(worst, std::fabs(fd(w.data[i]) - dw.data[i]));
              for (size_t i = 0; i < b.size(); ++i)
                worst = std::max(worst, std::fabs(fd(b[i]) - db[i]));
              CAPTURE(worst);
              CHECK(worst < 1e-6);
              ++checked;
            }
          }
        }
      }
    }
  }
  CHECK(checked > 200);
}

TEST_CASE("gradient landing in the padding returns to the pixel it was copied from") {
  // 1x3 row, kernel 1x1 weight 1, P = 1 (width only): y = padded row; dL/dy = 1 everywhere.
  const Tensor x = from_rows({1, 1, 1, 3}, {1, 2, 3});
  const Tensor w = from_rows({1, 1, 1, 1}, {1});
  auto dx_for = [&](PadMode m) {
    Conv2dParams p = params(1, 0, 1, m);
    p.pad_w = 1;
    Tensor y;
    conv2d_forward(y, x, w, {}, p);
    Tensor dy(y.shape);
    for (auto& v : dy.data) v = 1;
    Tensor dx, dw;
    std::vector<float> db;
    conv2d_backward(dx, dw, db, dy, x, w, p);
    CHECK(db == std::vector<float>{5});
    return dx.data;
  };
  CHECK(dx_for(PadMode::zero) == std::vector<float>{1, 1, 1});
  CHECK(dx_for(PadMode::replicate) == std::vector<float>{2, 1, 2});
  CHECK(dx_for(PadMode::reflect) == std::vector<float>{1, 3, 1});
  CHECK(dx_for(PadMode::circular) == std::vector<float>{2, 1, 2});
}

TEST_CASE("impossible combinations are rejected with a message naming the values") {
  const Shape x{1, 3, 7, 7};
  const Shape w{2, 3, 3, 3};
  SUBCASE("stride 0") {
    CHECK(error_of([&] { conv2d_geometry(x, w, params(0, 0)); }) ==
          "stride 0 (height) must be at least 1");
  }
  SUBCASE("kernel larger than the padded input") {
    CHECK(error_of([&] {
            conv2d_geometry(x, {2, 3, 11, 11}, params(1, 1));
          }) == "kernel 11 is larger than padded height 7 + 2*1 = 9");
  }
  SUBCASE("dilated kernel larger than the padded input") {
    CHECK(error_of([&] { conv2d_geometry(x, w, params(1, 0, 4)); }) ==
          "dilated kernel 9 (3 taps, dilation 4) is larger than padded height 7 + 2*0 = 7");
  }
  SUBCASE("negative padding") {
    CHECK(error_of([&] { conv2d_geometry(x, w, params(1, -1)); }) ==
          "padding -1 (height) must be at least 0");
  }
  SUBCASE("zero dilation") {
    CHECK(error_of([&] { conv2d_geometry(x, w, params(1, 0, 0)); }) ==
          "dilation 0 (height) must be at least 1");
  }
  SUBCASE("kernel 0") {
    CHECK(error_of([&] {
            conv2d_geometry(x, {2, 3, 0, 3}, params(1, 0));
          }) == "kernel height F1 is 0, it must be at least 1");
  }
  SUBCASE("zero filters") {
    CHECK(error_of([&] {
            conv2d_geometry(x, {0, 3, 3, 3}, params(1, 0));
          }) == "number of filters K is 0, it must be at least 1");
  }
  SUBCASE("channel mismatch") {
    CHECK(
        error_of([&] {
          conv2d_geometry(x, {2, 1, 3, 3}, params(1, 0));
        }) ==
        "filter depth 1 does not match input depth 3 (a filter always spans every input channel)");
  }
  SUBCASE("empty input") {
    CHECK(error_of([&] {
            conv2d_geometry({1, 3, 0, 7}, w, params(1, 0));
          }) == "input height H1 is 0, it must be at least 1");
  }
  SUBCASE("reflect padding as wide as the image") {
    CHECK(error_of([&] { conv2d_geometry(x, w, params(1, 7, 1, PadMode::reflect)); }) ==
          "reflect padding 7 must be smaller than input height 7 (a reflection cannot reach past "
          "the opposite edge)");
  }
  SUBCASE("circular padding wider than the image") {
    CHECK(error_of([&] { conv2d_geometry(x, w, params(1, 8, 1, PadMode::circular)); }) ==
          "circular padding 8 must not exceed input height 7 (it wraps the image around once at "
          "most)");
  }
  SUBCASE("sizes whose product overflows") {
    const std::string e = error_of([&] {
      conv2d_geometry({4096, 4096, 4096, 4096}, {1, 4096, 1, 1}, params(1, 0));
    });
    CHECK(e.find("elements (the limit)") != std::string::npos);
  }
  SUBCASE("an output over the per-request limit: 1 x 1 input, replicate padding 8191") {
    CHECK(error_of([&] {
            conv2d_geometry({1, 1, 1, 1}, {1, 1, 1, 1}, params(1, 8191, 1, PadMode::replicate));
          }) ==
          "the output 1x1x16383x16383 would hold 268402689 values, more than the limit of 67108864 "
          "per request: lower the padding (8191, 8191), the input size, the batch or the number "
          "of filters, or raise the stride");
    // Exactly at the limit is accepted; one more row and column of padding is not.
    CHECK(conv2d_geometry({1, 1, 8192, 8192}, {1, 1, 1, 1}, params(1, 0)).output.count() ==
          kMaxConvOutputElements);
    CHECK(error_of([&] {
            conv2d_geometry({1, 1, 8192, 8192}, {1, 1, 1, 1}, params(1, 1));
          }).find("more than the limit of 67108864 per request") != std::string::npos);
  }
  SUBCASE("work over the per-request limit") {
    const Conv2dGeometry ok = conv2d_geometry({1, 3, 227, 227}, {96, 3, 11, 11}, params(4, 0));
    CHECK(ok.multiply_adds == int64_t{55} * 55 * 96 * 3 * 11 * 11);
    CHECK(error_of([&] {
            conv2d_geometry({1, 64, 512, 512}, {256, 64, 11, 11}, params(1, 0));
          }) ==
          "the layer needs 499588857856 multiply-adds (64513024 outputs x 7744 taps C*F1*F2), "
          "more than the limit of 8589934592 per request: lower the input size, the batch, the "
          "number of filters, the depth or the kernel size, or raise the stride");
  }
  SUBCASE("huge padding") {
    CHECK(error_of([&] { conv_output_size(7, 3, 1 << 30, 1, 1); }) ==
          "padding 1073741824 (width) is too large (at most 16777216)");
  }
  SUBCASE("bias of the wrong length") {
    Tensor xt(x), wt(w), y;
    CHECK(error_of([&] {
            conv2d_forward(y, xt, wt, {1, 2, 3}, params(1, 0));
          }) == "bias has 3 values but there are 2 filters");
  }
  SUBCASE("dL/dy of the wrong shape") {
    Tensor xt(x), wt(w), dy({1, 2, 4, 4}), dx, dw;
    std::vector<float> db;
    CHECK(error_of([&] { conv2d_backward(dx, dw, db, dy, xt, wt, params(1, 0)); }) ==
          "dL/dy has shape 1x2x4x4 but the layer's output is 1x2x5x5");
  }
  SUBCASE("mode names") {
    CHECK(pad_mode_from_string("reflect") == PadMode::reflect);
    CHECK(conv_mode_from_string("convolution") == ConvMode::convolution);
    CHECK(error_of([] { pad_mode_from_string("mirror"); }) ==
          "unknown padding mode 'mirror' (zero or zeros, replicate, reflect or circular)");
    CHECK(pad_mode_from_string("zeros") == PadMode::zero);
  }
}

TEST_CASE("a named kernel runs through the entry point's checks") {
  std::mt19937 rng(13);
  const Shape xs{1, 2, 6, 7}, ws{3, 2, 3, 3};
  const Tensor x = random_tensor<float>(xs, rng), w = random_tensor<float>(ws, rng);
  const Conv2dParams p = params(1, 1, 1, PadMode::zero, ConvMode::convolution);
  Tensor y, ry;
  conv2d_forward(y, x, w, {}, p);
  kernels::conv2d_forward_with("conv2d_f32_fwd__ref", ry, x, w, {}, p);
  CHECK(worst_difference(y.data, ry.data) < 1e-6);
  CHECK(error_of([&] { kernels::conv2d_forward_with("nope", ry, x, w, {}, p); }) ==
        "unknown kernel 'nope'");
  const Conv2dParams huge = params(1, 2000);
  CHECK(error_of([&] {
          kernels::conv2d_forward_with("conv2d_f32_fwd_igemm_4x8__simd128", ry, x, w, {}, huge);
        }) == "kernel conv2d_f32_fwd_igemm_4x8__simd128 does not support this layer");
}
