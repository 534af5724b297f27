// convplay — writes golden files for the Node tests of the WASM module.
//
// The native core runs every operation, with every option, on seeded inputs
// and writes inputs, outputs and error messages to <dir>/golden.json; it also
// writes a real PNG and JPEG (sample.png, sample.jpg) through stb_image_write.
// tests/node/golden.test.mjs feeds the same inputs to the WASM module and
// compares. Usage: convplay_golden <dir>
#include <stb_image_write.h>

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "convplay/convplay.h"

using namespace convplay;

namespace {

// --- seeded inputs ------------------------------------------------------------

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 6364136223846793005ULL + 1442695040888963407ULL) {}
  double uniform() {  // [0, 1)
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return static_cast<double>(s >> 11) / 9007199254740992.0;
  }
  double signed_unit() { return 2 * uniform() - 1; }
};

template <typename T>
std::vector<T> random_values(Rng& r, int64_t n, double lo = -1, double hi = 1) {
  std::vector<T> v(static_cast<size_t>(n));
  for (auto& x : v) x = static_cast<T>(lo + (hi - lo) * r.uniform());
  return v;
}

// --- a small JSON writer --------------------------------------------------------

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}
std::string num(float v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
  return buf;
}
std::string num(int v) { return std::to_string(v); }
std::string num(int64_t v) { return std::to_string(v); }
std::string num(uint8_t v) { return std::to_string(v); }

std::string str(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      o += buf;
      continue;
    }
    o += c;
  }
  return o + "\"";
}

template <typename T>
std::string arr(const std::vector<T>& v) {
  std::string o = "[";
  for (size_t i = 0; i < v.size(); ++i) o += (i ? "," : "") + num(v[i]);
  return o + "]";
}

std::string shape(const Shape& s) {
  return "[" + num(s.n) + "," + num(s.c) + "," + num(s.h) + "," + num(s.w) + "]";
}

template <typename T>
std::string tensor(const BasicTensor<T>& t) {
  return "{\"shape\":" + shape(t.shape) + ",\"data\":" + arr(t.data) + "}";
}

// {"k": v, ...} from pairs whose values are already JSON.
std::string obj(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string o = "{";
  for (size_t i = 0; i < fields.size(); ++i) {
    o += (i ? "," : "") + str(fields[i].first) + ":" + fields[i].second;
  }
  return o + "}";
}

std::string list(const std::vector<std::string>& items) {
  std::string o = "[";
  for (size_t i = 0; i < items.size(); ++i) o += (i ? ",\n" : "\n") + items[i];
  return o + "]";
}

// The error message of `f`, or "" when it succeeds.
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// --- conv -----------------------------------------------------------------------

std::string params_json(const Conv2dParams& p) {
  return obj({{"strideH", num(p.stride_h)},
              {"strideW", num(p.stride_w)},
              {"padH", num(p.pad_h)},
              {"padW", num(p.pad_w)},
              {"dilationH", num(p.dilation_h)},
              {"dilationW", num(p.dilation_w)},
              {"padMode", str(to_string(p.pad_mode))},
              {"mode", str(to_string(p.mode))}});
}

template <typename T>
std::string conv_case(const std::string& name, Rng& rng, Shape xs, Shape ws, bool bias,
                      const Conv2dParams& p) {
  std::vector<std::pair<std::string, std::string>> f = {
      {"name", str(name)},
      {"float64", sizeof(T) == 8 ? "true" : "false"},
      {"params", params_json(p)},
      {"xShape", shape(xs)},
      {"wShape", shape(ws)}};
  const std::string geometry_error = error_of([&] { conv2d_geometry(xs, ws, p); });
  if (!geometry_error.empty()) {
    f.push_back({"error", str(geometry_error)});
    return obj(f);
  }
  const BasicTensor<T> x(xs, random_values<T>(rng, xs.count()));
  const BasicTensor<T> w(ws, random_values<T>(rng, ws.count()));
  const std::vector<T> b = bias ? random_values<T>(rng, ws.n) : std::vector<T>();
  BasicTensor<T> y;
  conv2d_forward(y, x, w, b, p);
  const BasicTensor<T> dy(y.shape, random_values<T>(rng, y.shape.count()));
  BasicTensor<T> dx, dw;
  std::vector<T> db;
  conv2d_backward(dx, dw, db, dy, x, w, p);
  f.push_back({"x", tensor(x)});
  f.push_back({"w", tensor(w)});
  f.push_back({"b", bias ? arr(b) : "null"});
  f.push_back({"y", tensor(y)});
  f.push_back({"dy", tensor(dy)});
  f.push_back({"dx", tensor(dx)});
  f.push_back({"dw", tensor(dw)});
  f.push_back({"db", arr(db)});
  return obj(f);
}

std::string conv_cases() {
  Rng rng(1);
  std::vector<std::string> out;
  struct Geo {
    const char* name;
    Shape x, w;
    int sh, sw, ph, pw, dh, dw;
    bool bias;
  };
  const Geo geos[] = {
      {"3x3_s1_p1", {2, 3, 7, 6}, {4, 3, 3, 3}, 1, 1, 1, 1, 1, 1, true},
      {"3x3_s2_p1", {1, 3, 7, 7}, {2, 3, 3, 3}, 2, 2, 1, 1, 1, 1, true},
      {"3x3_s2x1_p0", {2, 2, 6, 5}, {3, 2, 3, 3}, 2, 1, 0, 0, 1, 1, false},
      {"2x3_s1_p2x1", {1, 2, 5, 6}, {2, 2, 2, 3}, 1, 1, 2, 1, 1, 1, true},
      {"3x3_d2_p2", {1, 2, 8, 7}, {2, 2, 3, 3}, 1, 1, 2, 2, 2, 2, true},
      {"3x2_d2x1_s2_p1", {2, 1, 9, 6}, {2, 1, 3, 2}, 2, 3, 1, 1, 2, 1, true},
      {"1x1_s1_p0", {1, 4, 5, 5}, {3, 4, 1, 1}, 1, 1, 0, 0, 1, 1, true},
      {"5x5_inexact_s3", {1, 1, 9, 8}, {1, 1, 5, 5}, 3, 3, 1, 1, 1, 1, false},
      {"w_lt_4", {1, 3, 3, 2}, {2, 3, 2, 2}, 1, 1, 0, 0, 1, 1, true},
      {"pad_gt_k", {1, 1, 4, 4}, {1, 1, 2, 2}, 1, 1, 3, 3, 1, 1, false},
      {"wide_16", {1, 2, 6, 19}, {3, 2, 3, 3}, 1, 1, 1, 1, 1, 1, true},
  };
  for (const Geo& g : geos) {
    for (PadMode pm : {PadMode::zero, PadMode::replicate, PadMode::reflect, PadMode::circular}) {
      for (ConvMode cm : {ConvMode::cross_correlation, ConvMode::convolution}) {
        Conv2dParams p;
        p.stride_h = g.sh, p.stride_w = g.sw, p.pad_h = g.ph, p.pad_w = g.pw;
        p.dilation_h = g.dh, p.dilation_w = g.dw, p.pad_mode = pm, p.mode = cm;
        const std::string name = std::string(g.name) + "_" + to_string(pm) + "_" + to_string(cm);
        out.push_back(conv_case<float>(name, rng, g.x, g.w, g.bias, p));
        if (g.bias && cm == ConvMode::convolution) {
          out.push_back(conv_case<double>(name + "_f64", rng, g.x, g.w, g.bias, p));
        }
      }
    }
  }
  // The error cases of the core (each must arrive in JS with this message).
  struct Bad {
    const char* name;
    Shape x, w;
    int stride, pad, dilation;
    PadMode pm;
  };
  const Bad bad[] = {
      {"err_stride_0", {1, 1, 7, 7}, {1, 1, 3, 3}, 0, 0, 1, PadMode::zero},
      {"err_kernel_gt_padded", {1, 1, 7, 7}, {1, 1, 11, 11}, 1, 1, 1, PadMode::zero},
      {"err_channel_mismatch", {1, 3, 7, 7}, {2, 4, 3, 3}, 1, 0, 1, PadMode::zero},
      {"err_negative_pad", {1, 1, 7, 7}, {1, 1, 3, 3}, 1, -1, 1, PadMode::zero},
      {"err_reflect_pad_ge_size", {1, 1, 3, 3}, {1, 1, 3, 3}, 1, 3, 1, PadMode::reflect},
      {"err_circular_pad_gt_size", {1, 1, 3, 3}, {1, 1, 3, 3}, 1, 4, 1, PadMode::circular},
      {"err_dilation_0", {1, 1, 7, 7}, {1, 1, 3, 3}, 1, 0, 0, PadMode::zero},
      {"err_dilated_kernel_too_big", {1, 1, 7, 7}, {1, 1, 3, 3}, 1, 0, 4, PadMode::zero},
      {"err_zero_dimension", {1, 0, 7, 7}, {1, 0, 3, 3}, 1, 0, 1, PadMode::zero},
  };
  for (const Bad& b : bad) {
    Conv2dParams p;
    p.stride_h = p.stride_w = b.stride;
    p.pad_h = p.pad_w = b.pad;
    p.dilation_h = p.dilation_w = b.dilation;
    p.pad_mode = b.pm;
    out.push_back(conv_case<float>(b.name, rng, b.x, b.w, true, p));
  }
  return list(out);
}

// Data-level errors of conv2d_forward/backward (valid geometry, bad buffers).
std::string conv_data_errors() {
  std::vector<std::string> out;
  Conv2dParams p;
  const Tensor x({1, 2, 5, 5}), w({3, 2, 3, 3});
  const std::string bias_error = error_of([&] {
    Tensor y;
    conv2d_forward(y, x, w, std::vector<float>(2, 0.f), p);
  });
  out.push_back(
      obj({{"name", str("err_bias_count")}, {"biasLength", "2"}, {"error", str(bias_error)}}));
  const std::string dy_error = error_of([&] {
    Tensor dx, dw;
    std::vector<float> db;
    conv2d_backward(dx, dw, db, Tensor({1, 3, 4, 3}), x, w, p);
  });
  out.push_back(obj(
      {{"name", str("err_dy_shape")}, {"dyShape", shape({1, 3, 4, 3})}, {"error", str(dy_error)}}));
  const std::string data_error = error_of([] { Tensor({1, 2, 5, 5}, std::vector<float>(49)); });
  out.push_back(
      obj({{"name", str("err_data_length")}, {"dataLength", "49"}, {"error", str(data_error)}}));
  return list(out);
}

std::string output_sizes() {
  std::vector<std::string> out;
  const int64_t cases[][5] = {
      // in, kernel, pad, dilation, stride
      {227, 11, 0, 1, 4},
      {7, 5, 0, 1, 1},
      {7, 3, 1, 1, 1},
      {7, 3, 0, 1, 2},
      {7, 3, 0, 1, 3},
      {32, 5, 2, 1, 1},
      {10, 3, 1, 2, 2},
      {5, 5, 0, 1, 1},
      {8, 3, 0, 1, 3},
      {1, 1, 0, 1, 1},
      {7, 3, 0, 1, 0},
      {7, 11, 1, 1, 1},
      {7, 3, -1, 1, 1},
      {7, 0, 0, 1, 1},
      {0, 3, 0, 1, 1},
      {7, 3, 0, 0, 1},
      {int64_t{1} << 30, 3, 0, 1, 1},
  };
  for (const auto& c : cases) {
    for (const char* axis : {"width", "height"}) {
      std::vector<std::pair<std::string, std::string>> f = {
          {"args", "[" + num(c[0]) + "," + num(c[1]) + "," + num(c[2]) + "," + num(c[3]) + "," +
                       num(c[4]) + "," + str(axis) + "]"}};
      try {
        const AxisSize a = conv_output_size(c[0], c[1], c[2], c[3], c[4], axis);
        f.push_back({"result", obj({{"size", num(a.size)},
                                    {"exact", a.exact ? "true" : "false"},
                                    {"remainder", num(a.remainder)},
                                    {"effectiveKernel", num(a.effective_kernel)}})});
      } catch (const Error& e) {
        f.push_back({"error", str(e.what())});
      }
      out.push_back(obj(f));
    }
  }
  return list(out);
}

std::string pad_indices() {
  std::vector<std::string> out;
  for (PadMode pm : {PadMode::zero, PadMode::replicate, PadMode::reflect, PadMode::circular}) {
    for (int n = 1; n <= 5; ++n) {
      std::vector<int> idx;
      for (int i = -2 * n; i < 3 * n; ++i) idx.push_back(pad_source_index(i, n, pm));
      out.push_back(obj({{"mode", str(to_string(pm))},
                         {"n", num(n)},
                         {"from", num(-2 * n)},
                         {"index", arr(idx)}}));
    }
  }
  return list(out);
}

// --- batch norm -------------------------------------------------------------------

std::string batchnorm_cases() {
  Rng rng(2);
  std::vector<std::string> out;
  struct Case {
    const char* name;
    Shape x;
    double eps, momentum;
    bool running;
  };
  const Case cases[] = {
      {"nchw_running", {2, 3, 4, 5}, 1e-5, 0.1, true},
      {"nchw_no_running", {3, 2, 3, 3}, 1e-3, 0.1, false},
      {"features", {8, 4, 1, 1}, 1e-5, 0.5, true},
      {"m_1", {1, 2, 1, 1}, 1e-2, 0.1, true},
      {"eps_0", {4, 2, 2, 2}, 0.0, 1.0, true},
  };
  for (const Case& c : cases) {
    const TensorD x(c.x, random_values<double>(rng, c.x.count(), -2, 3));
    const std::vector<double> gamma = random_values<double>(rng, c.x.c, 0.5, 1.5);
    const std::vector<double> beta = random_values<double>(rng, c.x.c);
    std::vector<double> rm = random_values<double>(rng, c.x.c);
    std::vector<double> rv = random_values<double>(rng, c.x.c, 0.5, 2);
    const std::vector<double> rm0 = rm, rv0 = rv;
    BatchNormParams p;
    p.eps = c.eps;
    p.momentum = c.momentum;
    TensorD y;
    BatchNormSaved<double> saved;
    batchnorm_forward_train(y, saved, x, gamma, beta, p, c.running ? &rm : nullptr,
                            c.running ? &rv : nullptr);
    TensorD yi;
    batchnorm_forward_infer(yi, x, gamma, beta, rm0, rv0, p);
    TensorD xhat_i;
    batchnorm_forward_infer(xhat_i, x, std::vector<double>(c.x.c, 1.0),
                            std::vector<double>(c.x.c, 0.0), rm0, rv0, p);
    const TensorD dy(c.x, random_values<double>(rng, c.x.count()));
    BatchNormGrads<double> g;
    batchnorm_backward(g, dy, x, gamma, saved);
    std::vector<std::pair<std::string, std::string>> f = {
        {"name", str(c.name)},
        {"x", tensor(x)},
        {"gamma", arr(gamma)},
        {"beta", arr(beta)},
        {"eps", num(c.eps)},
        {"momentum", num(c.momentum)},
        {"running", c.running ? "true" : "false"},
        {"runningMean", arr(rm0)},
        {"runningVar", arr(rv0)},
        {"train", obj({{"y", tensor(y)},
                       {"mean", arr(saved.mean)},
                       {"var", arr(saved.var)},
                       {"rstd", arr(saved.rstd)},
                       {"xhat", tensor(saved.xhat)},
                       {"runningMean", c.running ? arr(rm) : "null"},
                       {"runningVar", c.running ? arr(rv) : "null"}})},
        {"infer", obj({{"y", tensor(yi)}, {"xhat", tensor(xhat_i)}})},
        {"dy", tensor(dy)},
        {"backward", obj({{"dx", tensor(g.dx)},
                          {"dxhat", tensor(g.dxhat)},
                          {"dgamma", arr(g.dgamma)},
                          {"dbeta", arr(g.dbeta)},
                          {"dvar", arr(g.dvar)},
                          {"dmu", arr(g.dmu)}})}};
    out.push_back(obj(f));
  }
  return list(out);
}

std::string batchnorm_errors() {
  std::vector<std::string> out;
  const TensorD x({2, 2, 1, 1}, {1, 2, 3, 4});
  const std::vector<double> g2(2, 1.0), b2(2, 0.0);
  auto train = [&](const std::string& name, const std::vector<double>& gamma, double eps,
                   double momentum) {
    BatchNormParams p;
    p.eps = eps;
    p.momentum = momentum;
    const std::string e = error_of([&] {
      TensorD y;
      BatchNormSaved<double> s;
      batchnorm_forward_train(y, s, x, gamma, b2, p);
    });
    out.push_back(obj({{"name", str(name)},
                       {"gammaLength", num(static_cast<int>(gamma.size()))},
                       {"eps", num(eps)},
                       {"momentum", num(momentum)},
                       {"error", str(e)}}));
  };
  train("err_gamma_count", std::vector<double>(3, 1.0), 1e-5, 0.1);
  train("err_eps_negative", g2, -1.0, 0.1);
  train("err_momentum_gt_1", g2, 1e-5, 1.5);
  {
    // All inputs equal and eps = 0: var + eps == 0.
    BatchNormParams p;
    p.eps = 0;
    const std::string e = error_of([&] {
      TensorD y;
      BatchNormSaved<double> s;
      batchnorm_forward_train(y, s, TensorD({2, 2, 1, 1}, {1, 1, 1, 1}), g2, b2, p);
    });
    out.push_back(obj({{"name", str("err_zero_variance")}, {"error", str(e)}}));
  }
  return list(out);
}

// --- images -----------------------------------------------------------------------

void write_bytes(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(context);
  const auto* p = static_cast<const uint8_t*>(data);
  out->insert(out->end(), p, p + size);
}

// A smooth, seeded test picture (1, C, H, W) in [0, 1]: gradients plus noise,
// so JPEG keeps it recognisable.
Tensor picture(Rng& rng, int c, int h, int w) {
  Tensor t({1, c, h, w});
  for (int k = 0; k < c; ++k)
    for (int i = 0; i < h; ++i)
      for (int j = 0; j < w; ++j)
        t.at(0, k, i, j) = static_cast<float>(
            0.1 + 0.8 * ((k + 1) * i + (3 - k) * j) / (4.0 * (h + w)) + 0.05 * rng.uniform());
  return t;
}

std::string decode_json(const std::vector<uint8_t>& bytes, const DecodeOptions& o,
                        const std::string& name) {
  std::vector<std::pair<std::string, std::string>> f = {
      {"name", str(name)},
      {"options", obj({{"grey", o.grey ? "true" : "false"},
                       {"maxSide", num(o.max_side)},
                       {"maxPixels", num(o.max_pixels)}})}};
  try {
    const DecodedImage d = decode_image(bytes.data(), bytes.size(), o);
    f.push_back({"image", tensor(d.pixels)});
    f.push_back({"originalWidth", num(d.original_width)});
    f.push_back({"originalHeight", num(d.original_height)});
    f.push_back({"fileChannels", num(d.file_channels)});
    f.push_back({"downscaled", d.downscaled ? "true" : "false"});
  } catch (const Error& e) {
    f.push_back({"error", str(e.what())});
  }
  return obj(f);
}

std::string image_cases(const std::string& dir) {
  Rng rng(3);
  std::vector<std::string> encodes, decodes, resizes;
  // encode_png: RGB, RGBA, grey; and the error shapes.
  const Tensor rgb = picture(rng, 3, 9, 13);
  const Tensor shapes[] = {rgb, picture(rng, 4, 5, 6), picture(rng, 1, 7, 4)};
  std::vector<uint8_t> png;
  for (const Tensor& t : shapes) {
    const std::vector<uint8_t> bytes = encode_png(t);
    if (png.empty()) png = bytes;
    encodes.push_back(obj({{"image", tensor(t)}, {"png", arr(bytes)}}));
  }
  for (const Shape& s : {Shape{1, 2, 4, 4}, Shape{2, 3, 4, 4}}) {
    const Tensor t(s);
    encodes.push_back(
        obj({{"image", tensor(t)}, {"error", str(error_of([&] { encode_png(t); }))}}));
  }
  // A JPEG of the same picture, through stb_image_write.
  std::vector<uint8_t> rgb8(static_cast<size_t>(9 * 13 * 3));
  for (int i = 0; i < 9; ++i)
    for (int j = 0; j < 13; ++j)
      for (int k = 0; k < 3; ++k)
        rgb8[static_cast<size_t>((i * 13 + j) * 3 + k)] =
            static_cast<uint8_t>(rgb.at(0, k, i, j) * 255.f + 0.5f);
  std::vector<uint8_t> jpg;
  if (!stbi_write_jpg_to_func(write_bytes, &jpg, 13, 9, 3, rgb8.data(), 90)) {
    throw Error("stbi_write_jpg_to_func failed");
  }
  std::ofstream(dir + "/sample.png", std::ios::binary)
      .write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
  std::ofstream(dir + "/sample.jpg", std::ios::binary)
      .write(reinterpret_cast<const char*>(jpg.data()), static_cast<std::streamsize>(jpg.size()));

  for (const auto& [file, bytes] :
       {std::pair<std::string, std::vector<uint8_t>>{"sample.png", png}, {"sample.jpg", jpg}}) {
    DecodeOptions o;
    decodes.push_back(decode_json(bytes, o, file + "_default"));
    o.grey = true;
    decodes.push_back(decode_json(bytes, o, file + "_grey"));
    o.grey = false;
    o.max_side = 6;
    decodes.push_back(decode_json(bytes, o, file + "_max_side_6"));
    o.max_side = 0;
    o.max_pixels = 100;  // 13 x 9 = 117 pixels: oversized
    decodes.push_back(decode_json(bytes, o, file + "_oversized"));
  }
  // Corrupt, truncated, empty data, and a header that claims a huge image.
  std::vector<uint8_t> corrupt = png;
  for (size_t i = 40; i < corrupt.size(); ++i) corrupt[i] = static_cast<uint8_t>(i * 7);
  std::vector<uint8_t> truncated(png.begin(), png.begin() + 30);
  std::vector<uint8_t> garbage = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  // IHDR width and height (big-endian, bytes 16..23): 9000 x 8000 = 72 M pixels,
  // past the default max_pixels (64 Mi) but within what stb accepts.
  std::vector<uint8_t> huge = png;
  huge[16] = 0, huge[17] = 0, huge[18] = 0x23, huge[19] = 0x28;
  huge[20] = 0, huge[21] = 0, huge[22] = 0x1f, huge[23] = 0x40;
  std::vector<std::pair<std::string, std::vector<uint8_t>>> bad = {{"corrupt", corrupt},
                                                                   {"truncated", truncated},
                                                                   {"garbage", garbage},
                                                                   {"huge_header", huge},
                                                                   {"empty", {}}};
  for (const auto& [name, bytes] : bad) {
    std::string d = decode_json(bytes, DecodeOptions{}, name);
    decodes.push_back(d.substr(0, d.size() - 1) + ",\"bytes\":" + arr(bytes) + "}");
  }
  // resize_image: down, up, grey, and the error case.
  for (const auto& [h, w] : {std::pair<int, int>{5, 7}, {18, 20}, {9, 13}, {1, 1}, {0, 4}}) {
    std::vector<std::pair<std::string, std::string>> f = {
        {"image", tensor(rgb)}, {"h", num(h)}, {"w", num(w)}};
    try {
      f.push_back({"result", tensor(resize_image(rgb, h, w))});
    } catch (const Error& e) {
      f.push_back({"error", str(e.what())});
    }
    resizes.push_back(obj(f));
  }
  return obj({{"encode", list(encodes)}, {"decode", list(decodes)}, {"resize", list(resizes)}});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output dir>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  try {
    const std::string json = obj({{"outputSize", output_sizes()},
                                  {"padSourceIndex", pad_indices()},
                                  {"conv", conv_cases()},
                                  {"convDataErrors", conv_data_errors()},
                                  {"batchnorm", batchnorm_cases()},
                                  {"batchnormErrors", batchnorm_errors()},
                                  {"images", image_cases(dir)}});
    std::ofstream f(dir + "/golden.json");
    f << json << "\n";
    if (!f) {
      std::fprintf(stderr, "cannot write %s/golden.json\n", dir.c_str());
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_golden: %s\n", e.what());
    return 1;
  }
  std::printf("wrote %s/golden.json, sample.png, sample.jpg\n", dir.c_str());
  return 0;
}
