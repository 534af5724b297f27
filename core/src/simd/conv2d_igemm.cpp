#include "simd/conv2d_igemm.h"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "pad.h"
#include "simd/vec.h"

namespace convplay::kernels {

namespace {

using simd::f32x4;
using simd::load;
using simd::splat;
using simd::store;

constexpr int kMR = 4;           // filters (or channels) per micro-kernel tile
constexpr int kNR = 12;          // pixels of the widest tile (4 x 12): the slack past a row
constexpr size_t kQB = 12 * 24;  // pixels per cache block (all filters run over it)
constexpr size_t kQC = 512;      // pixels per dL/dw block
constexpr size_t kBandFloats = size_t{1} << 16;  // phase images of one forward band (256 KB)

// Scratch lives for one call (the kernels' Scratch below): nothing a call
// needs stays allocated after it, so the memory a session holds never depends
// on the layers it computed before. Its buffers are not zeroed when they are
// allocated: every kernel writes (or fills) what it reads, and zeroing each
// call's buffers twice cost up to half of a backward pass.
template <typename T>
struct Buffer {
  std::unique_ptr<T[]> data;
  size_t size = 0;
};

// A buffer of at least n elements (their values unspecified).
template <typename T>
T* scratch(Buffer<T>& b, size_t n) {
  if (b.size < n) {
    b.data.reset(new T[n]);
    b.size = n;
  }
  return b.data.get();
}

// n floats from src to dst (distinct buffers), inline: for the short rows
// copied here, a call to memcpy costs more than the copy in WASM (about a
// tenth of a training step went to those calls).
inline void copy_floats(float* dst, const float* src, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) store(dst + i, load(src + i));
  for (; i < n; ++i) dst[i] = src[i];
}

// --- phase images ---------------------------------------------------------

struct Phases {
  int sh, sw;    // stride
  int hp, wp;    // padded input
  int hq, wq;    // one phase image: ceil(hp / sh) x ceil(wp / sw)
  int c;         // channels
  int i0 = 0;    // the first phase row held (a band holds rows [i0, i0 + rows))
  int rows;      // phase rows held: hq, or a band's
  size_t plane;  // rows * wq
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
  f.c = g.input.c;
  f.rows = f.hq;
  f.plane = static_cast<size_t>(f.hq) * static_cast<size_t>(f.wq);
  f.count = static_cast<size_t>(g.input.c) * f.sh * f.sw * f.plane;
  f.slack = static_cast<size_t>(f.wq) + 2 * kNR + 8;
  return f;
}

// The phase images of phase rows [i0, i0 + rows) only: a band, rows past hq
// zero.
Phases band_of(Phases f, int i0, int rows) {
  f.i0 = i0;
  f.rows = rows;
  f.plane = static_cast<size_t>(rows) * static_cast<size_t>(f.wq);
  f.count = static_cast<size_t>(f.c) * f.sh * f.sw * f.plane;
  return f;
}

// Padded coordinate -> input coordinate, or -1 for a zero.
void source_map(std::vector<int>& m, int size, int pad, PadMode mode) {
  m.resize(static_cast<size_t>(size + 2 * pad));
  for (int i = 0; i < size + 2 * pad; ++i)
    m[static_cast<size_t>(i)] = pad_index(i - pad, size, mode);
}

// Phase column v of one padded row: out[j] = padded column j*sw + v of the
// row src (w floats; cols maps padded to source columns, -1 for a zero).
void phase_row(float* out, const Phases& f, int v, const float* src, int w, int pad_w,
               const std::vector<int>& cols) {
  const auto edge = [&](int j) {
    const int pc = j * f.sw + v;
    const int sc = pc < f.wp ? cols[static_cast<size_t>(pc)] : -1;
    out[j] = sc < 0 ? 0.0f : src[sc];
  };
  // Interior columns pc in [pad_w, pad_w + w) copy src[pc - pad_w] with stride sw.
  const int j0 = std::max(0, (pad_w - v + f.sw - 1) / f.sw);
  const int j1 = std::min(f.wq, (pad_w + w - v + f.sw - 1) / f.sw);
  for (int j = 0; j < std::min(j0, f.wq); ++j) edge(j);
  if (f.sw == 1) {
    if (j1 > j0) copy_floats(out + j0, src + (j0 + v - pad_w), static_cast<size_t>(j1 - j0));
  } else {
    for (int j = j0; j < j1; ++j) out[j] = src[j * f.sw + v - pad_w];
  }
  for (int j = std::max(j0, j1); j < f.wq; ++j) edge(j);
}

// Both phase columns of one padded row for stride 2 and an even pad_w:
// out0[j], out1[j] = padded columns 2j, 2j + 1 (as phase_row), the interior
// split from 8 floats at a time.
void phase_row_s2(float* out0, float* out1, const Phases& f, const float* src, int w, int pad_w,
                  const std::vector<int>& cols) {
  const auto edge = [&](float* out, int j, int v) {
    const int pc = 2 * j + v;
    const int sc = pc < f.wp ? cols[static_cast<size_t>(pc)] : -1;
    out[j] = sc < 0 ? 0.0f : src[sc];
  };
  const int j0 = std::min(f.wq, pad_w / 2);  // padded column 2*j0 is source column 0
  for (int j = 0; j < j0; ++j) edge(out0, j, 0), edge(out1, j, 1);
  int j = j0;
  for (; j + 4 <= f.wq && 2 * j - pad_w + 8 <= w; j += 4) {
    const float* s = src + (2 * j - pad_w);
    const f32x4 a = load(s), b = load(s + 4);
    store(out0 + j, simd::even_lanes(a, b));
    store(out1 + j, simd::odd_lanes(a, b));
  }
  for (; j < f.wq; ++j) edge(out0, j, 0), edge(out1, j, 1);
}

// Writes the phase images (rows [f.i0, f.i0 + f.rows)) of one image x (C, H, W)
// into dst (f.count + f.slack floats).
void make_phases(float* dst, const Phases& f, const float* x, const Shape& xs, int pad_w,
                 const std::vector<int>& rows, const std::vector<int>& cols) {
  const size_t plane_in = static_cast<size_t>(xs.h) * static_cast<size_t>(xs.w);
  const bool s2 = f.sw == 2 && pad_w % 2 == 0;
  for (int c = 0; c < xs.c; ++c) {
    const float* xc = x + static_cast<size_t>(c) * plane_in;
    // padded rows in order (the source rows are read in order)
    for (int i = 0; i < f.rows; ++i) {
      for (int u = 0; u < f.sh; ++u) {
        // phase (c, u, v) starts at dst + ((c * sh + u) * sw + v) * plane
        float* base = dst + (static_cast<size_t>(c) * f.sh + u) * f.sw * f.plane;
        const int pr = (f.i0 + i) * f.sh + u;
        const int sr = pr < f.hp ? rows[static_cast<size_t>(pr)] : -1;
        const size_t at = static_cast<size_t>(i) * f.wq;
        if (sr < 0) {
          for (int v = 0; v < f.sw; ++v)
            std::fill(base + v * f.plane + at, base + v * f.plane + at + f.wq, 0.0f);
          continue;
        }
        const float* src = xc + static_cast<size_t>(sr) * static_cast<size_t>(xs.w);
        if (s2) {
          phase_row_s2(base + at, base + f.plane + at, f, src, xs.w, pad_w, cols);
        } else {
          for (int v = 0; v < f.sw; ++v)
            phase_row(base + v * f.plane + at, f, v, src, xs.w, pad_w, cols);
        }
      }
    }
  }
  std::fill(dst + f.count, dst + f.count + f.slack, 0.0f);
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

// acc[m][v] += w[r][m] * x[off[r] + 4v .. 4v + 3] for r in [0, R): 4 rows x 4*NV
// pixels in 4*NV accumulators. w is packed (R, 4).
template <int NV>
struct Tile {
  static constexpr int kPixels = 4 * NV;
  f32x4 a[kMR][NV];
};

// With kPanel, x is a packed panel (R, 4*NV) read in order and off is unused.
template <int NV, bool kPanel>
inline void tile_4xN(Tile<NV>& t, const float* x, const int32_t* off, int R, const float* w) {
  f32x4 acc[kMR][NV];
  for (int m = 0; m < kMR; ++m)
    for (int v = 0; v < NV; ++v) acc[m][v] = t.a[m][v];
  for (int r = 0; r < R; ++r) {
    const float* xp = kPanel ? x + static_cast<size_t>(r) * 4 * NV : x + off[r];
    f32x4 xv[NV];
    for (int v = 0; v < NV; ++v) xv[v] = load(xp + 4 * v);
    for (int m = 0; m < kMR; ++m) {
      const f32x4 wm = splat(w[m]);
      for (int v = 0; v < NV; ++v) acc[m][v] = acc[m][v] + wm * xv[v];
    }
    w += kMR;
  }
  for (int m = 0; m < kMR; ++m)
    for (int v = 0; v < NV; ++v) t.a[m][v] = acc[m][v];
}

// Where the tiles start: pixel q = i * stride + j of the B operand for rows
// i in [0, rows) and columns j in [0, cols) by steps of one tile (the last
// tile of a row may run past cols into the next row). A flat walk over Q
// pixels is {1, Q, 0}.
struct Walk {
  size_t rows, cols, stride;
};

// Runs rows [0, M) (packed (ceil(M/4), R, 4), bias per row or none) over the
// tiles of `walk` in src: emit(m0, i, j, tile) for every tile. With many row
// blocks (16 or more), each tile's inputs are first copied into a contiguous
// panel (R x 4*NV floats, which stays in L1 while every row block reads it);
// with fewer, the tile reads src in place, blocks of pixels outermost.
// Measured: 8 row blocks (S4's 32 filters) run 4% faster in place, 16 (S2's
// 64) 5 to 8% faster through the panel.
template <int NV, typename Emit>
void igemm(const float* src, const int32_t* off, int R, const float* packed, const float* bias,
           int M, const Walk& walk, Buffer<float>& panel_store, Emit&& emit) {
  constexpr int NR = 4 * NV;
  const int mb_count = (M + kMR - 1) / kMR;
  const auto init = [&](Tile<NV>& t, int mb) {
    for (int m = 0; m < kMR; ++m) {
      const f32x4 b = splat(bias ? bias[mb * kMR + m] : 0.0f);
      for (int v = 0; v < NV; ++v) t.a[m][v] = b;
    }
  };
  if (mb_count >= 16) {
    float* panel = scratch(panel_store, static_cast<size_t>(R) * NR);
    for (size_t i = 0; i < walk.rows; ++i) {
      for (size_t j = 0; j < walk.cols; j += NR) {
        const float* in = src + i * walk.stride + j;
        float* out = panel;
        for (int r = 0; r < R; ++r, out += NR) {
          const float* from = in + off[r];  // one load of off[r]: the stores may alias it
          for (int v = 0; v < NV; ++v) store(out + 4 * v, load(from + 4 * v));
        }
        for (int mb = 0; mb < mb_count; ++mb) {
          Tile<NV> t;
          init(t, mb);
          tile_4xN<NV, true>(t, panel, nullptr, R, packed + static_cast<size_t>(mb) * R * kMR);
          emit(mb * kMR, i, j, t);
        }
      }
    }
    return;
  }
  // blocks of about kQB pixels: whole tiles, (i0, j0) the first one's
  const size_t per_row = (walk.cols + NR - 1) / NR;
  const size_t block = std::max<size_t>(1, kQB / NR);
  for (size_t t0 = 0; t0 < walk.rows * per_row; t0 += block) {
    const size_t t1 = std::min(walk.rows * per_row, t0 + block);
    const size_t i0 = t0 / per_row, j0 = t0 % per_row * NR;
    for (int mb = 0; mb < mb_count; ++mb) {
      const float* wp = packed + static_cast<size_t>(mb) * R * kMR;
      size_t i = i0, j = j0;
      for (size_t t = t0; t < t1; ++t) {
        Tile<NV> tile;
        init(tile, mb);
        tile_4xN<NV, false>(tile, src + i * walk.stride + j, off, R, wp);
        emit(mb * kMR, i, j, tile);
        j += NR;
        if (j >= walk.cols) j = 0, ++i;
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
  // fresh vectors: a pack of larger weights before must not keep its capacity
  cache.source = std::vector<float>(w.data.begin(), w.data.end());
  std::vector<float>().swap(cache.packed);
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

// One call's buffers (freed when it returns).
struct Scratch {
  Buffer<float> phases, dyp, wide, dxp, dyw, bias, panel;
  std::vector<int32_t> off;
  std::vector<int> rows, cols;
  Buffer<double> dw;
};

// The packed weights of the last forward and backward-data calls, kept across
// calls (a warm call of the same layer does not repack): at most two copies
// of two weight tensors.
struct PackCaches {
  PackCache fwd, bwd;
};

PackCaches& pack_caches() {
  static thread_local PackCaches caches;
  return caches;
}

// dL/dx as a GEMM and a col2im, for a layer of stride 1, no dilation and zero
// padding whose columns stay small: cols (C*F1*F2, H2*W2) = w^T (C*F1*F2, K) x
// dL/dy (K, H2*W2), every product one the layer has (the phase kernel's padded
// dL/dy multiplies zeros, a third of its work on the tiny network's second
// layer), then row (c, a, b) of cols is added into dx[c] shifted by (a - P1,
// b - P2), clipped to the image.
bool col2im_fits(const Conv2dGeometry& g, const Conv2dParams& p) {
  if (p.stride_h != 1 || p.stride_w != 1 || p.dilation_h != 1 || p.dilation_w != 1 ||
      p.pad_mode != PadMode::zero) {
    return false;
  }
  const int64_t rows = int64_t{g.weight.c} * g.weight.h * g.weight.w;
  const int64_t q = int64_t{g.output.h} * g.output.w;
  return rows * (q + kNR) <= (int64_t{1} << 18);
}

// (ceil(M/4), K, 4) for M = C*F1*F2 rows (c, a, b), zero rows past M.
void pack_col2im(std::vector<float>& out, const Tensor& w) {
  const int M = w.shape.c * w.shape.h * w.shape.w, K = w.shape.n;
  out.assign(static_cast<size_t>((M + kMR - 1) / kMR) * K * kMR, 0.0f);
  for (int k = 0; k < K; ++k) {
    for (int m = 0; m < M; ++m) {
      out[(static_cast<size_t>(m / kMR) * K + k) * kMR + m % kMR] =
          w.data[static_cast<size_t>(k) * M + m];
    }
  }
}

// dst[0..n) += src[0..n).
inline void add_floats(float* dst, const float* src, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) store(dst + i, load(dst + i) + load(src + i));
  for (; i < n; ++i) dst[i] += src[i];
}

template <int NV>
void conv2d_bwd_data_col2im(Tensor& dx, const Tensor& dy, const Tensor& w, const Conv2dGeometry& g,
                            const Conv2dParams& p) {
  constexpr int NR = Tile<NV>::kPixels;
  const Shape& xs = g.input;
  const Shape& ys = g.output;
  const int K = ys.c, C = xs.c, F1 = g.weight.h, F2 = g.weight.w, H2 = ys.h, W2 = ys.w;
  const int M = C * F1 * F2;
  const size_t Q = static_cast<size_t>(H2) * W2;
  const size_t qpad = (Q + NR - 1) / NR * NR;
  Scratch s;
  const int key[4] = {-1, 0, 0, 0};  // not a stride: the phase kernel's packs never match it
  const std::vector<float>& packed =
      cached_pack(pack_caches().bwd, w, key, [&](std::vector<float>& out) { pack_col2im(out, w); });
  // dL/dy of one image in rows of qpad floats, zeros past Q (the tiles read whole rows)
  float* dyb = scratch(s.dyp, static_cast<size_t>(K) * qpad);
  std::fill(dyb, dyb + static_cast<size_t>(K) * qpad, 0.0f);
  float* cols = scratch(s.wide, static_cast<size_t>(M) * qpad);
  s.off.resize(static_cast<size_t>(K));
  for (int k = 0; k < K; ++k) s.off[static_cast<size_t>(k)] = static_cast<int32_t>(k * qpad);
  const size_t plane_in = static_cast<size_t>(xs.h) * xs.w;
  for (int n = 0; n < ys.n; ++n) {
    for (int k = 0; k < K; ++k) copy_floats(dyb + k * qpad, &dy.at(n, k, 0, 0), Q);
    igemm<NV>(dyb, s.off.data(), K, packed.data(), nullptr, M, Walk{1, Q, 0}, s.panel,
              [&](int m0, size_t, size_t q, const Tile<NV>& t) {
                for (int m = 0; m < std::min(kMR, M - m0); ++m) {
                  float* dst = cols + static_cast<size_t>(m0 + m) * qpad + q;
                  for (int v = 0; v < NV; ++v) store(dst + 4 * v, t.a[m][v]);
                }
              });
    float* dxn = &dx.at(n, 0, 0, 0);
    std::fill(dxn, dxn + static_cast<size_t>(C) * plane_in, 0.0f);
    for (int c = 0; c < C; ++c) {
      for (int a = 0; a < F1; ++a) {
        const int di = a - p.pad_h;  // output row i lands on input row i + di
        const int i0 = std::max(0, -di), i1 = std::min(H2, xs.h - di);
        for (int b = 0; b < F2; ++b) {
          const int dj = b - p.pad_w;
          const int j0 = std::max(0, -dj), j1 = std::min(W2, xs.w - dj);
          if (j1 <= j0) continue;
          const float* src = cols + static_cast<size_t>((c * F1 + a) * F2 + b) * qpad;
          for (int i = i0; i < i1; ++i) {
            add_floats(dxn + c * plane_in + static_cast<size_t>(i + di) * xs.w + (j0 + dj),
                       src + static_cast<size_t>(i) * W2 + j0, static_cast<size_t>(j1 - j0));
          }
        }
      }
    }
  }
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

namespace {

// Stores rows [m0, m0 + mn) of a forward tile whose first lane is output
// (i, j) into y (planes of plane_out floats, rows of W2): lanes run along a
// phase row `width` wide and wrap to the next row; lanes past W2 or past the
// last row are dropped.
template <int NV>
inline void store_tile(float* y, int m0, int mn, int i, int j, int H2, int W2, int width,
                       size_t plane_out, const Tile<NV>& t) {
  constexpr int NR = Tile<NV>::kPixels;
  if (j + NR <= W2) {
    for (int m = 0; m < mn; ++m) {
      float* dst = y + static_cast<size_t>(m0 + m) * plane_out + static_cast<size_t>(i) * W2 + j;
      for (int v = 0; v < NV; ++v) store(dst + 4 * v, t.a[m][v]);
    }
    return;
  }
  for (int m = 0; m < mn; ++m) {
    float lanes[NR];
    for (int v = 0; v < NV; ++v) store(lanes + 4 * v, t.a[m][v]);
    float* yk = y + static_cast<size_t>(m0 + m) * plane_out;
    int ii = i, jj = j;
    for (int l = 0; l < NR && ii < H2; ++l) {
      if (jj < W2) yk[static_cast<size_t>(ii) * W2 + jj] = lanes[l];
      if (++jj == width) jj = 0, ++ii;
    }
  }
}

// Output rows per band: the phase rows of a band (band + reach rows of every
// phase image) fill about kBandFloats, and a band is at least 4 * reach rows
// (so that remaking the reach's rows costs at most a quarter more).
int band_height(const Phases& f, int reach, int H2) {
  const size_t per_row = static_cast<size_t>(f.c) * f.sh * f.sw * f.wq;
  const int fit = static_cast<int>(std::min<size_t>(kBandFloats / per_row, 1 << 20));
  return std::max(1, std::min(H2, std::max(fit - reach, 4 * reach)));
}

// One band of the forward: output rows [0, H) of y (at the band's first row;
// planes of plane_out floats, rows of W2) from the band's phase images ph.
// Tiles run over each output row (none computes the phase rows' extra
// columns) when that takes fewer tiles than one walk over rows as wide as a
// phase row (wq).
template <int NV>
void fwd_band(float* y, const float* ph, const int32_t* off, int R, const float* packed,
              const float* bias, int K, int H, int W2, int wq, size_t plane_out,
              Buffer<float>& panel) {
  constexpr int NR = Tile<NV>::kPixels;
  const size_t flat_tiles = (static_cast<size_t>(H) * wq + NR - 1) / NR;
  const size_t row_tiles = static_cast<size_t>(H) * ((W2 + NR - 1) / NR);
  const bool by_rows = row_tiles < flat_tiles;
  const Walk walk =
      by_rows ? Walk{static_cast<size_t>(H), static_cast<size_t>(W2), static_cast<size_t>(wq)}
              : Walk{1, static_cast<size_t>(H) * wq, 0};
  // (i, j) of the last tile's q on a flat walk: the next tile is usually NR
  // further on, so most tiles need no division.
  size_t last_q = 0;
  int fi = 0, fj = 0;
  igemm<NV>(ph, off, R, packed, bias, K, walk, panel,
            [&](int m0, size_t ti, size_t tj, const Tile<NV>& t) {
              int i = static_cast<int>(ti), j = static_cast<int>(tj);
              if (!by_rows) {
                const size_t q = tj;
                if (q == last_q + NR) {
                  fj += NR;
                  while (fj >= wq) fj -= wq, ++fi;
                } else if (q != last_q) {
                  fi = static_cast<int>(q / wq);
                  fj = static_cast<int>(q % wq);
                }
                last_q = q;
                i = fi, j = fj;
              }
              store_tile<NV>(y, m0, std::min(kMR, K - m0), i, j, H, W2, wq, plane_out, t);
            });
}

template <int NV>
void conv2d_fwd_igemm(Tensor& y, const Tensor& x, const Tensor& w, const std::vector<float>& b,
                      const Conv2dGeometry& g, const Conv2dParams& p) {
  assert(p.mode == ConvMode::cross_correlation);  // the entry point flips the kernels
  assert(y.shape == g.output && x.shape == g.input && w.shape == g.weight);
  const Shape& xs = g.input;
  const Shape& ys = g.output;
  const int K = ys.c, H2 = ys.h, W2 = ys.w;
  const int R = g.weight.c * g.weight.h * g.weight.w;
  Scratch s;
  const Phases f = phases_of(g, p);
  source_map(s.rows, xs.h, p.pad_h, p.pad_mode);
  source_map(s.cols, xs.w, p.pad_w, p.pad_mode);
  // Output rows in bands: a band's phase rows (its rows and the taps' reach
  // below them) are made just before the tiles read them, while they are in
  // the cache.
  const int reach = (g.weight.h - 1) * p.dilation_h / f.sh;
  const int band = band_height(f, reach, H2);
  const Phases fb = band_of(f, 0, band + reach);
  tap_offsets(s.off, fb, g.weight, p);
  const int key[4] = {0, 0, 0, 0};
  const std::vector<float>& packed = cached_pack(
      pack_caches().fwd, w, key, [&](std::vector<float>& out) { pack_forward(out, w); });
  const int mpad = (K + kMR - 1) / kMR * kMR;
  float* bias = scratch(s.bias, static_cast<size_t>(mpad));
  for (int k = 0; k < mpad; ++k) bias[k] = k < K && !b.empty() ? b[static_cast<size_t>(k)] : 0.0f;
  float* ph = scratch(s.phases, fb.count + fb.slack);
  const size_t plane_out = static_cast<size_t>(H2) * W2;
  for (int n = 0; n < ys.n; ++n) {
    for (int i0 = 0; i0 < H2; i0 += band) {
      const Phases fi = band_of(f, i0, band + reach);
      make_phases(ph, fi, &x.at(n, 0, 0, 0), xs, p.pad_w, s.rows, s.cols);
      fwd_band<NV>(&y.at(n, 0, i0, 0), ph, s.off.data(), R, packed.data(), bias, K,
                   std::min(band, H2 - i0), W2, f.wq, plane_out, s.panel);
    }
  }
}

template <int NV>
void conv2d_bwd_data_igemm(Tensor& dx, const Tensor& dy, const Tensor& w, const Conv2dGeometry& g,
                           const Conv2dParams& p) {
  constexpr int NR = Tile<NV>::kPixels;
  assert(p.mode == ConvMode::cross_correlation);
  assert(dx.shape == g.input && dy.shape == g.output && w.shape == g.weight);
  const Shape& xs = g.input;
  const Shape& ys = g.output;
  const int K = ys.c, C = xs.c, H2 = ys.h, W2 = ys.w;
  Scratch s;
  const Phases f = phases_of(g, p);
  source_map(s.rows, xs.h, p.pad_h, p.pad_mode);
  source_map(s.cols, xs.w, p.pad_w, p.pad_mode);
  const std::vector<PhaseTaps> taps = phase_taps(g.weight, p);
  const int key[4] = {p.stride_h, p.stride_w, p.dilation_h, p.dilation_w};
  const std::vector<float>& packed =
      cached_pack(pack_caches().bwd, w, key,
                  [&](std::vector<float>& out) { pack_backward_data(out, w, taps); });

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
  const size_t qpad = (Q + NR - 1) / NR * NR;
  float* wide = scratch(s.wide, static_cast<size_t>(C) * qpad);
  const size_t padded_plane = static_cast<size_t>(f.hp) * f.wp;
  float* dxp = scratch(s.dxp, static_cast<size_t>(C) * padded_plane);

  for (int n = 0; n < ys.n; ++n) {
    for (int k = 0; k < K; ++k) {
      for (int i = 0; i < H2; ++i) {
        copy_floats(dyp + k * dplane + static_cast<size_t>(i + OA) * wd + OB, &dy.at(n, k, i, 0),
                    static_cast<size_t>(W2));
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
      igemm<NV>(dyp, s.off.data(), R, packed.data() + base, nullptr, C, Walk{1, Q, 0}, s.panel,
                [&](int m0, size_t, size_t q, const Tile<NV>& tile) {
                  for (int m = 0; m < std::min(kMR, C - m0); ++m) {
                    float* dst = wide + static_cast<size_t>(m0 + m) * qpad + q;
                    for (int v = 0; v < NV; ++v) store(dst + 4 * v, tile.a[m][v]);
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

}  // namespace

void conv2d_f32_fwd_igemm_4x8__simd128(Tensor& y, const Tensor& x, const Tensor& w,
                                       const std::vector<float>& b, const Conv2dGeometry& g,
                                       const Conv2dParams& p) {
  conv2d_fwd_igemm<2>(y, x, w, b, g, p);
}

void conv2d_f32_fwd_igemm_4x12__simd128(Tensor& y, const Tensor& x, const Tensor& w,
                                        const std::vector<float>& b, const Conv2dGeometry& g,
                                        const Conv2dParams& p) {
  conv2d_fwd_igemm<3>(y, x, w, b, g, p);
}

void conv2d_f32_bwd_data_igemm_4x8__simd128(Tensor& dx, const Tensor& dy, const Tensor& w,
                                            const Conv2dGeometry& g, const Conv2dParams& p) {
  if (col2im_fits(g, p)) {
    conv2d_bwd_data_col2im<2>(dx, dy, w, g, p);
    return;
  }
  conv2d_bwd_data_igemm<2>(dx, dy, w, g, p);
}

void conv2d_f32_bwd_data_igemm_4x12__simd128(Tensor& dx, const Tensor& dy, const Tensor& w,
                                             const Conv2dGeometry& g, const Conv2dParams& p) {
  conv2d_bwd_data_igemm<3>(dx, dy, w, g, p);
}

namespace {

// acc[m][t] += dy_m[q..q+3] * x_t[q..q+3] over [q0, q1): MK filters x MT taps.
template <int MK, int MT>
inline void dot_tile(double* out, size_t ld, const float* const* d, const float* const* xs,
                     size_t q0, size_t q1) {
  f32x4 acc[MK][MT];
  for (int m = 0; m < MK; ++m)
    for (int t = 0; t < MT; ++t) acc[m][t] = splat(0.0f);
  for (size_t q = q0; q < q1; q += 4) {
    f32x4 xv[MT];
    for (int t = 0; t < MT; ++t) xv[t] = load(xs[t] + q);
    for (int m = 0; m < MK; ++m) {
      const f32x4 g = load(d[m] + q);
      for (int t = 0; t < MT; ++t) acc[m][t] = acc[m][t] + g * xv[t];
    }
  }
  for (int m = 0; m < MK; ++m)
    for (int t = 0; t < MT; ++t) out[m * ld + t] += simd::hsum(acc[m][t]);
}

template <int MK, int MT>
void conv2d_bwd_filter_dot(Tensor& dw, std::vector<float>& db, const Tensor& dy, const Tensor& x,
                           const Conv2dGeometry& g, const Conv2dParams& p) {
  assert(p.mode == ConvMode::cross_correlation);
  assert(dw.shape == g.weight && dy.shape == g.output && x.shape == g.input);
  assert(static_cast<int>(db.size()) == g.weight.n);
  const Shape& xs = g.input;
  const Shape& ys = g.output;
  const int K = ys.c, H2 = ys.h, W2 = ys.w;
  const int R = g.weight.c * g.weight.h * g.weight.w;
  Scratch s;
  const Phases f = phases_of(g, p);
  source_map(s.rows, xs.h, p.pad_h, p.pad_mode);
  source_map(s.cols, xs.w, p.pad_w, p.pad_mode);
  tap_offsets(s.off, f, g.weight, p);
  float* ph = scratch(s.phases, f.count + f.slack);
  // dL/dy as wide as a phase row (zeros past W2), rounded up to whole vectors;
  // rows padded to a multiple of MK filters with zeros.
  const size_t L = (static_cast<size_t>(H2) * f.wq + 3) / 4 * 4;
  const int kpad = (K + MK - 1) / MK * MK;
  float* dyw = scratch(s.dyw, static_cast<size_t>(kpad) * L);
  std::fill(dyw, dyw + static_cast<size_t>(kpad) * L, 0.0f);
  const int rpad = (R + MT - 1) / MT * MT;
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
        copy_floats(dyw + k * L + static_cast<size_t>(i) * f.wq, src, static_cast<size_t>(W2));
        for (int j = 0; j < W2; ++j) sum += src[j];
      }
      dbias[static_cast<size_t>(k)] += sum;
    }
    for (size_t q0 = 0; q0 < L; q0 += kQC) {
      const size_t q1 = std::min(L, q0 + kQC);
      for (int k0 = 0; k0 < kpad; k0 += MK) {
        const float* d[MK];
        for (int m = 0; m < MK; ++m) d[m] = dyw + static_cast<size_t>(k0 + m) * L;
        for (int r0 = 0; r0 < rpad; r0 += MT) {
          const float* xt[MT];
          for (int t = 0; t < MT; ++t) xt[t] = ph + off[std::min(r0 + t, R - 1)];
          dot_tile<MK, MT>(acc + static_cast<size_t>(k0) * rpad + r0, static_cast<size_t>(rpad), d,
                           xt, q0, q1);
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

}  // namespace

void conv2d_f32_bwd_filter_dot_4x3__simd128(Tensor& dw, std::vector<float>& db, const Tensor& dy,
                                            const Tensor& x, const Conv2dGeometry& g,
                                            const Conv2dParams& p) {
  conv2d_bwd_filter_dot<4, 3>(dw, db, dy, x, g, p);
}

void conv2d_f32_bwd_filter_dot_4x2__simd128(Tensor& dw, std::vector<float>& db, const Tensor& dy,
                                            const Tensor& x, const Conv2dGeometry& g,
                                            const Conv2dParams& p) {
  conv2d_bwd_filter_dot<4, 2>(dw, db, dy, x, g, p);
}

void conv2d_f32_bwd_filter_dot_2x4__simd128(Tensor& dw, std::vector<float>& db, const Tensor& dy,
                                            const Tensor& x, const Conv2dGeometry& g,
                                            const Conv2dParams& p) {
  conv2d_bwd_filter_dot<2, 4>(dw, db, dy, x, g, p);
}

void conv2d_f32_bwd_igemm__simd128(Tensor& dx, Tensor& dw, std::vector<float>& db, const Tensor& dy,
                                   const Tensor& x, const Tensor& w, const Conv2dGeometry& g,
                                   const Conv2dParams& p) {
  conv2d_f32_bwd_data_igemm_4x8__simd128(dx, dy, w, g, p);
  conv2d_f32_bwd_filter_dot_4x2__simd128(dw, db, dy, x, g, p);
}

}  // namespace convplay::kernels
