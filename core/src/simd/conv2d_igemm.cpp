#include "simd/conv2d_igemm.h"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "pad.h"
#include "simd/vec.h"

namespace convplay::kernels {

namespace {

using simd::f32x4;
using simd::load;
using simd::splat;
using simd::store;

constexpr int kMR = 4;           // filters (or channels) per micro-kernel tile
constexpr int kNR = 12;          // pixels per micro-kernel tile: 3 f32x4
constexpr size_t kQB = 12 * 24;  // pixels per cache block (all filters run over it)
constexpr size_t kQC = 512;      // pixels per dL/dw block

// A scratch buffer that only grows: a warm call does not allocate.
template <typename T>
T* scratch(std::vector<T>& v, size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

// --- phase images ---------------------------------------------------------

struct Phases {
  int sh, sw;    // stride
  int hp, wp;    // padded input
  int hq, wq;    // one phase image: ceil(hp / sh) x ceil(wp / sw)
  size_t plane;  // hq * wq
  size_t count;  // C * sh * sw * plane
  size_t slack;  // zeroed floats after the last phase
};

Phases phases_of(const Conv2dGeometry& g, const Conv2dParams& p) {
  Phases f;
  f.sh = p.stride_h;
  f.sw = p.stride_w;
  f.hp = g.input.h + 2 * p.pad_h;
  f.wp = g.input.w + 2 * p.pad_w;
  f.hq = (f.hp + f.sh - 1) / f.sh;
  f.wq = (f.wp + f.sw - 1) / f.sw;
  f.plane = static_cast<size_t>(f.hq) * static_cast<size_t>(f.wq);
  f.count = static_cast<size_t>(g.input.c) * f.sh * f.sw * f.plane;
  f.slack = static_cast<size_t>(f.wq) + 2 * kNR + 8;
  return f;
}

// Padded coordinate -> input coordinate, or -1 for a zero.
void source_map(std::vector<int>& m, int size, int pad, PadMode mode) {
  m.resize(static_cast<size_t>(size + 2 * pad));
  for (int i = 0; i < size + 2 * pad; ++i)
    m[static_cast<size_t>(i)] = pad_index(i - pad, size, mode);
}

// Writes the phase images of one image x (C, H, W) into dst (f.count + f.slack floats).
void make_phases(float* dst, const Phases& f, const float* x, const Shape& xs, int pad_w,
                 const std::vector<int>& rows, const std::vector<int>& cols) {
  const size_t plane_in = static_cast<size_t>(xs.h) * static_cast<size_t>(xs.w);
  float* out = dst;
  for (int c = 0; c < xs.c; ++c) {
    const float* xc = x + static_cast<size_t>(c) * plane_in;
    for (int u = 0; u < f.sh; ++u) {
      for (int v = 0; v < f.sw; ++v) {
        for (int i = 0; i < f.hq; ++i, out += f.wq) {
          const int pr = i * f.sh + u;
          const int sr = pr < f.hp ? rows[static_cast<size_t>(pr)] : -1;
          if (sr < 0) {
            std::fill(out, out + f.wq, 0.0f);
            continue;
          }
          const float* src = xc + static_cast<size_t>(sr) * static_cast<size_t>(xs.w);
          // Interior columns pc in [pad_w, pad_w + W) copy src[pc - pad_w] with stride sw.
          const int j0 = std::max(0, (pad_w - v + f.sw - 1) / f.sw);
          const int j1 = std::min(f.wq, (pad_w + xs.w - v + f.sw - 1) / f.sw);
          for (int j = 0; j < std::min(j0, f.wq); ++j) {
            const int pc = j * f.sw + v;
            const int sc = pc < f.wp ? cols[static_cast<size_t>(pc)] : -1;
            out[j] = sc < 0 ? 0.0f : src[sc];
          }
          if (f.sw == 1) {
            if (j1 > j0) std::memcpy(out + j0, src + (j0 + v - pad_w), sizeof(float) * (j1 - j0));
          } else {
            for (int j = j0; j < j1; ++j) out[j] = src[j * f.sw + v - pad_w];
          }
          for (int j = std::max(j0, j1); j < f.wq; ++j) {
            const int pc = j * f.sw + v;
            const int sc = pc < f.wp ? cols[static_cast<size_t>(pc)] : -1;
            out[j] = sc < 0 ? 0.0f : src[sc];
          }
        }
      }
    }
  }
  std::fill(out, out + f.slack, 0.0f);
}

// Where tap (c, a, b) starts in the phase images, relative to output q = 0.
void tap_offsets(std::vector<int32_t>& off, const Phases& f, const Shape& ws,
                 const Conv2dParams& p) {
  off.clear();
  for (int c = 0; c < ws.c; ++c) {
    for (int a = 0; a < ws.h; ++a) {
      for (int b = 0; b < ws.w; ++b) {
        const int ra = a * p.dilation_h, rb = b * p.dilation_w;
        const size_t phase = (static_cast<size_t>(c) * f.sh + ra % f.sh) * f.sw + rb % f.sw;
        off.push_back(static_cast<int32_t>(phase * f.plane + static_cast<size_t>(ra / f.sh) * f.wq +
                                           rb / f.sw));
      }
    }
  }
}

// --- the micro-kernel -----------------------------------------------------

// acc[m][v] += w[r][m] * x[off[r] + 4v .. 4v + 3] for r in [0, R): 4 rows x 12 pixels.
// w is packed (R, 4).
struct Tile {
  f32x4 a[kMR][3];
};

inline void tile_4x12(Tile& t, const float* x, const int32_t* off, int R, const float* w) {
  f32x4 a00 = t.a[0][0], a01 = t.a[0][1], a02 = t.a[0][2];
  f32x4 a10 = t.a[1][0], a11 = t.a[1][1], a12 = t.a[1][2];
  f32x4 a20 = t.a[2][0], a21 = t.a[2][1], a22 = t.a[2][2];
  f32x4 a30 = t.a[3][0], a31 = t.a[3][1], a32 = t.a[3][2];
  for (int r = 0; r < R; ++r) {
    const float* xp = x + off[r];
    const f32x4 x0 = load(xp), x1 = load(xp + 4), x2 = load(xp + 8);
    const f32x4 w0 = splat(w[0]);
    a00 = a00 + w0 * x0;
    a01 = a01 + w0 * x1;
    a02 = a02 + w0 * x2;
    const f32x4 w1 = splat(w[1]);
    a10 = a10 + w1 * x0;
    a11 = a11 + w1 * x1;
    a12 = a12 + w1 * x2;
    const f32x4 w2 = splat(w[2]);
    a20 = a20 + w2 * x0;
    a21 = a21 + w2 * x1;
    a22 = a22 + w2 * x2;
    const f32x4 w3 = splat(w[3]);
    a30 = a30 + w3 * x0;
    a31 = a31 + w3 * x1;
    a32 = a32 + w3 * x2;
    w += kMR;
  }
  t.a[0][0] = a00, t.a[0][1] = a01, t.a[0][2] = a02;
  t.a[1][0] = a10, t.a[1][1] = a11, t.a[1][2] = a12;
  t.a[2][0] = a20, t.a[2][1] = a21, t.a[2][2] = a22;
  t.a[3][0] = a30, t.a[3][1] = a31, t.a[3][2] = a32;
}

// Runs rows [0, M) (packed (ceil(M/4), R, 4), bias per row or none) over pixels
// [0, Q) of src: emit(m0, q, tile) for every tile, pixel blocks outermost.
template <typename Emit>
void igemm(const float* src, const int32_t* off, int R, const float* packed, const float* bias,
           int M, size_t Q, Emit&& emit) {
  const int mb_count = (M + kMR - 1) / kMR;
  for (size_t q0 = 0; q0 < Q; q0 += kQB) {
    const size_t q1 = std::min(Q, q0 + kQB);
    for (int mb = 0; mb < mb_count; ++mb) {
      const float* wp = packed + static_cast<size_t>(mb) * R * kMR;
      for (size_t q = q0; q < q1; q += kNR) {
        Tile t;
        for (int m = 0; m < kMR; ++m) {
          const f32x4 b = splat(bias ? bias[mb * kMR + m] : 0.0f);
          t.a[m][0] = t.a[m][1] = t.a[m][2] = b;
        }
        tile_4x12(t, src + q, off, R, wp);
        emit(mb * kMR, q, t);
      }
    }
  }
}

// --- packed weights, cached -------------------------------------------------

struct PackCache {
  Shape shape;
  int key[4] = {0, 0, 0, 0};
  std::vector<float> source;  // the weights the pack was made from
  std::vector<float> packed;
};

// The cached pack of w for `key`, repacked by pack(out) unless shape, key and
// every weight value equal those of the last call.
template <typename Pack>
const std::vector<float>& cached_pack(PackCache& cache, const Tensor& w, const int (&key)[4],
                                      Pack&& pack) {
  if (cache.shape == w.shape && std::equal(key, key + 4, cache.key) && cache.source == w.data) {
    return cache.packed;
  }
  cache.shape = w.shape;
  std::copy(key, key + 4, cache.key);
  cache.source = w.data;
  pack(cache.packed);
  return cache.packed;
}

// Forward: (ceil(K/4), C*F1*F2, 4), zero rows past K.
void pack_forward(std::vector<float>& out, const Tensor& w) {
  const Shape& ws = w.shape;
  const int R = ws.c * ws.h * ws.w;
  const int mb_count = (ws.n + kMR - 1) / kMR;
  out.assign(static_cast<size_t>(mb_count) * R * kMR, 0.0f);
  for (int k = 0; k < ws.n; ++k) {
    for (int r = 0; r < R; ++r) {
      out[(static_cast<size_t>(k / kMR) * R + r) * kMR + k % kMR] =
          w.data[static_cast<size_t>(k) * R + r];
    }
  }
}

// The taps (a, b) whose padded offset (a*Dh, b*Dw) falls in phase (u, v).
struct PhaseTaps {
  int u, v;
  std::vector<int> a, b;
};

std::vector<PhaseTaps> phase_taps(const Shape& ws, const Conv2dParams& p) {
  std::vector<PhaseTaps> out;
  for (int u = 0; u < p.stride_h; ++u) {
    for (int v = 0; v < p.stride_w; ++v) {
      PhaseTaps t{u, v, {}, {}};
      for (int a = 0; a < ws.h; ++a) {
        for (int b = 0; b < ws.w; ++b) {
          if ((a * p.dilation_h) % p.stride_h == u && (b * p.dilation_w) % p.stride_w == v) {
            t.a.push_back(a);
            t.b.push_back(b);
          }
        }
      }
      if (!t.a.empty()) out.push_back(std::move(t));
    }
  }
  return out;
}

// dL/dx: for each phase in phase_taps order, (ceil(C/4), K*taps, 4) with
// reduction index (k, tap).
void pack_backward_data(std::vector<float>& out, const Tensor& w,
                        const std::vector<PhaseTaps>& phases) {
  const Shape& ws = w.shape;
  const int mb_count = (ws.c + kMR - 1) / kMR;
  out.clear();
  for (const PhaseTaps& t : phases) {
    const int T = static_cast<int>(t.a.size());
    const int R = ws.n * T;
    const size_t base = out.size();
    out.resize(base + static_cast<size_t>(mb_count) * R * kMR, 0.0f);
    for (int c = 0; c < ws.c; ++c) {
      for (int k = 0; k < ws.n; ++k) {
        for (int s = 0; s < T; ++s) {
          const int r = k * T + s;
          out[base + (static_cast<size_t>(c / kMR) * R + r) * kMR + c % kMR] =
              w.at(k, c, t.a[static_cast<size_t>(s)], t.b[static_cast<size_t>(s)]);
        }
      }
    }
  }
}

struct Scratch {
  std::vector<float> phases, dyp, wide, dxp, dyw, bias;
  std::vector<int32_t> off;
  std::vector<int> rows, cols;
  std::vector<double> dw;
  PackCache fwd, bwd;
};

Scratch& scratch() {
  static thread_local Scratch s;
  return s;
}

}  // namespace

bool conv2d_igemm_supported(const Conv2dGeometry& g, const Conv2dParams& p) {
  const Phases f = phases_of(g, p);
  const int64_t input = int64_t{g.input.c} * g.input.h * g.input.w;
  const int64_t limit = 4 * input + (int64_t{1} << 20);
  const int64_t padded = int64_t{g.input.c} * f.hp * f.wp;
  const int64_t phases = int64_t{g.input.c} * f.sh * f.sw * f.hq * f.wq;
  const int64_t oa = (int64_t{g.weight.h} - 1) * p.dilation_h / f.sh;
  const int64_t ob = (int64_t{g.weight.w} - 1) * p.dilation_w / f.sw;
  const int64_t dyp = int64_t{g.weight.n} * (f.hq + oa) * (f.wq + ob);
  const int64_t output = int64_t{g.output.c} * g.output.h * g.output.w;
  return padded <= limit && phases <= limit && dyp <= 4 * (input + output) + (int64_t{1} << 20);
}

void conv2d_f32_fwd_igemm_4x12__simd128(Tensor& y, const Tensor& x, const Tensor& w,
                                        const std::vector<float>& b, const Conv2dGeometry& g,
                                        const Conv2dParams& p) {
  assert(p.mode == ConvMode::cross_correlation);  // the entry point flips the kernels
  assert(y.shape == g.output && x.shape == g.input && w.shape == g.weight);
  const Shape& xs = g.input;
  const Shape& ys = g.output;
  const int K = ys.c, H2 = ys.h, W2 = ys.w;
  const int R = g.weight.c * g.weight.h * g.weight.w;
  Scratch& s = scratch();
  const Phases f = phases_of(g, p);
  source_map(s.rows, xs.h, p.pad_h, p.pad_mode);
  source_map(s.cols, xs.w, p.pad_w, p.pad_mode);
  tap_offsets(s.off, f, g.weight, p);
  const int key[4] = {0, 0, 0, 0};
  const std::vector<float>& packed =
      cached_pack(s.fwd, w, key, [&](std::vector<float>& out) { pack_forward(out, w); });
  const int mpad = (K + kMR - 1) / kMR * kMR;
  float* bias = scratch(s.bias, static_cast<size_t>(mpad));
  for (int k = 0; k < mpad; ++k) bias[k] = k < K && !b.empty() ? b[static_cast<size_t>(k)] : 0.0f;
  float* ph = scratch(s.phases, f.count + f.slack);
  const size_t Q = static_cast<size_t>(H2) * f.wq;
  const size_t plane_out = static_cast<size_t>(H2) * W2;

  for (int n = 0; n < ys.n; ++n) {
    make_phases(ph, f, &x.at(n, 0, 0, 0), xs, p.pad_w, s.rows, s.cols);
    float* yn = &y.at(n, 0, 0, 0);
    igemm(ph, s.off.data(), R, packed.data(), bias, K, Q, [&](int m0, size_t q, const Tile& t) {
      const int i = static_cast<int>(q / f.wq), j = static_cast<int>(q % f.wq);
      const int mn = std::min(kMR, K - m0);
      if (j + kNR <= W2) {
        for (int m = 0; m < mn; ++m) {
          float* dst =
              yn + static_cast<size_t>(m0 + m) * plane_out + static_cast<size_t>(i) * W2 + j;
          store(dst, t.a[m][0]);
          store(dst + 4, t.a[m][1]);
          store(dst + 8, t.a[m][2]);
        }
        return;
      }
      for (int m = 0; m < mn; ++m) {
        float lanes[kNR];
        store(lanes, t.a[m][0]);
        store(lanes + 4, t.a[m][1]);
        store(lanes + 8, t.a[m][2]);
        float* yk = yn + static_cast<size_t>(m0 + m) * plane_out;
        int ii = i, jj = j;
        for (int l = 0; l < kNR && ii < H2; ++l) {
          if (jj < W2) yk[static_cast<size_t>(ii) * W2 + jj] = lanes[l];
          if (++jj == f.wq) jj = 0, ++ii;
        }
      }
    });
  }
}

void conv2d_f32_bwd_data_igemm_4x12__simd128(Tensor& dx, const Tensor& dy, const Tensor& w,
                                             const Conv2dGeometry& g, const Conv2dParams& p) {
  assert(p.mode == ConvMode::cross_correlation);
  assert(dx.shape == g.input && dy.shape == g.output && w.shape == g.weight);
  const Shape& xs = g.input;
  const Shape& ys = g.output;
  const int K = ys.c, C = xs.c, H2 = ys.h, W2 = ys.w;
  Scratch& s = scratch();
  const Phases f = phases_of(g, p);
  source_map(s.rows, xs.h, p.pad_h, p.pad_mode);
  source_map(s.cols, xs.w, p.pad_w, p.pad_mode);
  const std::vector<PhaseTaps> taps = phase_taps(g.weight, p);
  const int key[4] = {p.stride_h, p.stride_w, p.dilation_h, p.dilation_w};
  const std::vector<float>& packed = cached_pack(
      s.bwd, w, key, [&](std::vector<float>& out) { pack_backward_data(out, w, taps); });

  // dL/dy padded by the largest tap shift (oa, ob) on top and left, as wide as a
  // phase row plus that shift: phase pixel (i, j) of tap (oa, ob) reads
  // dyp(i + OA - oa, j + OB - ob).
  const int OA = (g.weight.h - 1) * p.dilation_h / f.sh;
  const int OB = (g.weight.w - 1) * p.dilation_w / f.sw;
  const int hd = f.hq + OA, wd = f.wq + OB;
  const size_t dplane = static_cast<size_t>(hd) * wd;
  const size_t dslack = static_cast<size_t>(wd) + 2 * kNR + 8;
  float* dyp = scratch(s.dyp, K * dplane + dslack);
  std::fill(dyp, dyp + K * dplane + dslack, 0.0f);
  const size_t Q = static_cast<size_t>(f.hq) * wd;
  const size_t qpad = (Q + kNR - 1) / kNR * kNR;
  float* wide = scratch(s.wide, static_cast<size_t>(C) * qpad);
  const size_t padded_plane = static_cast<size_t>(f.hp) * f.wp;
  float* dxp = scratch(s.dxp, static_cast<size_t>(C) * padded_plane);

  for (int n = 0; n < ys.n; ++n) {
    for (int k = 0; k < K; ++k) {
      for (int i = 0; i < H2; ++i) {
        std::memcpy(dyp + k * dplane + static_cast<size_t>(i + OA) * wd + OB, &dy.at(n, k, i, 0),
                    sizeof(float) * W2);
      }
    }
    std::fill(dxp, dxp + C * padded_plane, 0.0f);
    size_t base = 0;
    for (const PhaseTaps& t : taps) {
      const int T = static_cast<int>(t.a.size());
      const int R = K * T;
      s.off.clear();
      for (int k = 0; k < K; ++k) {
        for (int j = 0; j < T; ++j) {
          const int oa = t.a[static_cast<size_t>(j)] * p.dilation_h / f.sh;
          const int ob = t.b[static_cast<size_t>(j)] * p.dilation_w / f.sw;
          s.off.push_back(
              static_cast<int32_t>(k * dplane + static_cast<size_t>(OA - oa) * wd + (OB - ob)));
        }
      }
      igemm(dyp, s.off.data(), R, packed.data() + base, nullptr, C, Q,
            [&](int m0, size_t q, const Tile& tile) {
              for (int m = 0; m < std::min(kMR, C - m0); ++m) {
                float* dst = wide + static_cast<size_t>(m0 + m) * qpad + q;
                store(dst, tile.a[m][0]);
                store(dst + 4, tile.a[m][1]);
                store(dst + 8, tile.a[m][2]);
              }
            });
      base += static_cast<size_t>((C + kMR - 1) / kMR) * R * kMR;
      // Scatter the phase into the padded gradient.
      for (int c = 0; c < C; ++c) {
        for (int i = 0; i < f.hq; ++i) {
          const int pr = i * f.sh + t.u;
          if (pr >= f.hp) break;
          const float* src = wide + c * qpad + static_cast<size_t>(i) * wd;
          float* dst = dxp + c * padded_plane + static_cast<size_t>(pr) * f.wp;
          for (int j = 0, pc = t.v; j < f.wq && pc < f.wp; ++j, pc += f.sw) dst[pc] = src[j];
        }
      }
    }
    // Fold the padded gradient back: padding sends its share to the pixel it copied.
    float* dxn = &dx.at(n, 0, 0, 0);
    std::fill(dxn, dxn + static_cast<size_t>(C) * xs.h * xs.w, 0.0f);
    for (int c = 0; c < C; ++c) {
      for (int pr = 0; pr < f.hp; ++pr) {
        const int r = s.rows[static_cast<size_t>(pr)];
        if (r < 0) continue;
        float* drow = dxn + (static_cast<size_t>(c) * xs.h + r) * xs.w;
        const float* srow = dxp + c * padded_plane + static_cast<size_t>(pr) * f.wp;
        for (int pc = 0; pc < f.wp; ++pc) {
          const int cc = s.cols[static_cast<size_t>(pc)];
          if (cc >= 0) drow[cc] += srow[pc];
        }
      }
    }
  }
}

void conv2d_f32_bwd_filter_dot_4x3__simd128(Tensor& dw, std::vector<float>& db, const Tensor& dy,
                                            const Tensor& x, const Conv2dGeometry& g,
                                            const Conv2dParams& p) {
  assert(p.mode == ConvMode::cross_correlation);
  assert(dw.shape == g.weight && dy.shape == g.output && x.shape == g.input);
  assert(static_cast<int>(db.size()) == g.weight.n);
  const Shape& xs = g.input;
  const Shape& ys = g.output;
  const int K = ys.c, H2 = ys.h, W2 = ys.w;
  const int R = g.weight.c * g.weight.h * g.weight.w;
  Scratch& s = scratch();
  const Phases f = phases_of(g, p);
  source_map(s.rows, xs.h, p.pad_h, p.pad_mode);
  source_map(s.cols, xs.w, p.pad_w, p.pad_mode);
  tap_offsets(s.off, f, g.weight, p);
  float* ph = scratch(s.phases, f.count + f.slack);
  // dL/dy as wide as a phase row (zeros past W2), rounded up to whole vectors;
  // rows padded to a multiple of 4 filters with zeros.
  const size_t L = (static_cast<size_t>(H2) * f.wq + 3) / 4 * 4;
  const int kpad = (K + 3) / 4 * 4;
  float* dyw = scratch(s.dyw, static_cast<size_t>(kpad) * L);
  std::fill(dyw, dyw + static_cast<size_t>(kpad) * L, 0.0f);
  const int rpad = (R + 2) / 3 * 3;
  double* acc = scratch(s.dw, static_cast<size_t>(kpad) * rpad);
  std::fill(acc, acc + static_cast<size_t>(kpad) * rpad, 0.0);
  std::vector<double> dbias(static_cast<size_t>(K), 0.0);
  const int32_t* off = s.off.data();

  for (int n = 0; n < ys.n; ++n) {
    make_phases(ph, f, &x.at(n, 0, 0, 0), xs, p.pad_w, s.rows, s.cols);
    for (int k = 0; k < K; ++k) {
      float sum = 0.0f;
      for (int i = 0; i < H2; ++i) {
        const float* src = &dy.at(n, k, i, 0);
        std::memcpy(dyw + k * L + static_cast<size_t>(i) * f.wq, src, sizeof(float) * W2);
        for (int j = 0; j < W2; ++j) sum += src[j];
      }
      dbias[static_cast<size_t>(k)] += sum;
    }
    for (size_t q0 = 0; q0 < L; q0 += kQC) {
      const size_t q1 = std::min(L, q0 + kQC);
      for (int k0 = 0; k0 < kpad; k0 += 4) {
        const float* d0 = dyw + k0 * L;
        const float* d1 = d0 + L;
        const float* d2 = d1 + L;
        const float* d3 = d2 + L;
        for (int r0 = 0; r0 < rpad; r0 += 3) {
          const float* x0 = ph + off[r0];
          const float* x1 = ph + off[std::min(r0 + 1, R - 1)];
          const float* x2 = ph + off[std::min(r0 + 2, R - 1)];
          f32x4 a00 = splat(0), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
          f32x4 a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
          for (size_t q = q0; q < q1; q += 4) {
            const f32x4 v0 = load(x0 + q), v1 = load(x1 + q), v2 = load(x2 + q);
            const f32x4 g0 = load(d0 + q);
            a00 = a00 + g0 * v0;
            a01 = a01 + g0 * v1;
            a02 = a02 + g0 * v2;
            const f32x4 g1 = load(d1 + q);
            a10 = a10 + g1 * v0;
            a11 = a11 + g1 * v1;
            a12 = a12 + g1 * v2;
            const f32x4 g2 = load(d2 + q);
            a20 = a20 + g2 * v0;
            a21 = a21 + g2 * v1;
            a22 = a22 + g2 * v2;
            const f32x4 g3 = load(d3 + q);
            a30 = a30 + g3 * v0;
            a31 = a31 + g3 * v1;
            a32 = a32 + g3 * v2;
          }
          double* out = acc + static_cast<size_t>(k0) * rpad + r0;
          const f32x4 sums[4][3] = {
              {a00, a01, a02}, {a10, a11, a12}, {a20, a21, a22}, {a30, a31, a32}};
          for (int m = 0; m < 4; ++m)
            for (int t = 0; t < 3; ++t) out[m * rpad + t] += simd::hsum(sums[m][t]);
        }
      }
    }
  }
  for (int k = 0; k < K; ++k) {
    for (int r = 0; r < R; ++r)
      dw.data[static_cast<size_t>(k) * R + r] =
          static_cast<float>(acc[static_cast<size_t>(k) * rpad + r]);
    db[static_cast<size_t>(k)] = static_cast<float>(dbias[static_cast<size_t>(k)]);
  }
}

void conv2d_f32_bwd_igemm__simd128(Tensor& dx, Tensor& dw, std::vector<float>& db, const Tensor& dy,
                                   const Tensor& x, const Tensor& w, const Conv2dGeometry& g,
                                   const Conv2dParams& p) {
  conv2d_f32_bwd_data_igemm_4x12__simd128(dx, dy, w, g, p);
  conv2d_f32_bwd_filter_dot_4x3__simd128(dw, db, dy, x, g, p);
}

}  // namespace convplay::kernels
