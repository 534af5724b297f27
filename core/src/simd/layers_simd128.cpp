#include "simd/layers_simd128.h"

#include <cassert>
#include <cstddef>
#include <cstring>

#include "simd/vec.h"

namespace convplay::kernels {

namespace {

using simd::f32x4;
using simd::load;
using simd::store;

typedef int32_t i32x4 __attribute__((vector_size(16)));

inline i32x4 bits(f32x4 v) {
  i32x4 r;
  std::memcpy(&r, &v, sizeof r);
  return r;
}

inline f32x4 floats(i32x4 v) {
  f32x4 r;
  std::memcpy(&r, &v, sizeof r);
  return r;
}

inline void store_i(int32_t* p, i32x4 v) { std::memcpy(p, &v, sizeof v); }

// Lanes (0, 2, 4, 6) and (1, 3, 5, 7) of the eight floats a, b.
inline void deinterleave(f32x4 a, f32x4 b, f32x4& even, f32x4& odd) {
#if defined(__clang__)
  even = __builtin_shufflevector(a, b, 0, 2, 4, 6);
  odd = __builtin_shufflevector(a, b, 1, 3, 5, 7);
#else
  even = __builtin_shuffle(a, b, i32x4{0, 2, 4, 6});
  odd = __builtin_shuffle(a, b, i32x4{1, 3, 5, 7});
#endif
}

}  // namespace

void relu_f32_fwd__simd128(Tensor& y, const Tensor& x) {
  assert(y.shape == x.shape && y.data.size() == x.data.size());
  const size_t n = x.data.size();
  const float* in = x.data.data();
  float* out = y.data.data();
  const f32x4 zero = simd::splat(0.0f);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const f32x4 v = load(in + i);
    store(out + i, floats(bits(v) & (v > zero)));
  }
  for (; i < n; ++i) out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}

void relu_f32_bwd__simd128(Tensor& dx, const Tensor& dy, const Tensor& x) {
  assert(dx.shape == x.shape && dy.shape == x.shape);
  const size_t n = x.data.size();
  const float* in = x.data.data();
  const float* g = dy.data.data();
  float* out = dx.data.data();
  const f32x4 zero = simd::splat(0.0f);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    store(out + i, floats(bits(load(g + i)) & (load(in + i) > zero)));
  }
  for (; i < n; ++i) out[i] = in[i] > 0.0f ? g[i] : 0.0f;
}

void maxpool2d_f32_fwd_2x2s2__simd128(Tensor& y, std::vector<int32_t>& argmax, const Tensor& x,
                                      const Pool2dParams& p) {
  assert(p.size == 2 && p.stride == 2);
  (void)p;
  const Shape& xs = x.shape;
  const Shape& ys = y.shape;
  assert(argmax.size() == y.data.size());
  const size_t W = static_cast<size_t>(xs.w);
  const int32_t w32 = static_cast<int32_t>(W);
  float* out = y.data.data();
  int32_t* arg = argmax.data();
  // Offsets of the window's values from its top-left corner, and of the
  // top-left corners of four neighbouring windows.
  const i32x4 off1 = {1, 1, 1, 1}, offw = {w32, w32, w32, w32}, offw1 = offw + 1;
  const i32x4 lanes = {0, 2, 4, 6};
  for (int plane = 0; plane < ys.n * ys.c; ++plane) {
    const size_t base = static_cast<size_t>(plane) * static_cast<size_t>(xs.h) * W;
    for (int i = 0; i < ys.h; ++i) {
      const size_t r0 = base + static_cast<size_t>(2 * i) * W;
      const float* x0 = x.data.data() + r0;
      const float* x1 = x0 + W;
      int j = 0;
      // Eight input columns per four outputs: 2j + 7 < W.
      for (; 2 * j + 8 <= xs.w && j + 4 <= ys.w; j += 4) {
        const size_t c = static_cast<size_t>(2 * j);
        f32x4 a, b, cc, d;
        deinterleave(load(x0 + c), load(x0 + c + 4), a, b);
        deinterleave(load(x1 + c), load(x1 + c + 4), cc, d);
        f32x4 v = a;
        i32x4 off = {0, 0, 0, 0};
        i32x4 m = b > v;
        v = floats((bits(b) & m) | (bits(v) & ~m));
        off = (off1 & m) | (off & ~m);
        m = cc > v;
        v = floats((bits(cc) & m) | (bits(v) & ~m));
        off = (offw & m) | (off & ~m);
        m = d > v;
        v = floats((bits(d) & m) | (bits(v) & ~m));
        off = (offw1 & m) | (off & ~m);
        store(out, v);
        const int32_t corner = static_cast<int32_t>(r0 + c);
        store_i(arg, off + lanes + i32x4{corner, corner, corner, corner});
        out += 4;
        arg += 4;
      }
      for (; j < ys.w; ++j) {
        const size_t c = static_cast<size_t>(2 * j);
        size_t best = r0 + c;
        float v = x0[c];
        if (x0[c + 1] > v) v = x0[c + 1], best = r0 + c + 1;
        if (x1[c] > v) v = x1[c], best = r0 + W + c;
        if (x1[c + 1] > v) v = x1[c + 1], best = r0 + W + c + 1;
        *out++ = v;
        *arg++ = static_cast<int32_t>(best);
      }
    }
  }
}

}  // namespace convplay::kernels

namespace convplay::kernels {

void linear_f32_fwd_4x4__simd128(Tensor& y, const Tensor& x, const Tensor& w,
                                 const std::vector<float>& b) {
  const size_t N = static_cast<size_t>(x.shape.n), K = static_cast<size_t>(w.shape.n);
  const size_t D = static_cast<size_t>(w.shape.c);
  assert(x.data.size() == N * D && y.data.size() == N * K && b.size() == K);
  const size_t D4 = D / 4 * 4;
  for (size_t n = 0; n < N; ++n) {
    const float* xn = x.data.data() + n * D;
    float* yn = y.data.data() + n * K;
    size_t k = 0;
    for (; k + 4 <= K; k += 4) {
      const float* wk = w.data.data() + k * D;
      f32x4 acc[4] = {simd::splat(0.0f), simd::splat(0.0f), simd::splat(0.0f), simd::splat(0.0f)};
      for (size_t d = 0; d < D4; d += 4) {
        const f32x4 xv = load(xn + d);
        for (size_t m = 0; m < 4; ++m) acc[m] = acc[m] + load(wk + m * D + d) * xv;
      }
      for (size_t m = 0; m < 4; ++m) {
        float s = simd::hsum(acc[m]);
        for (size_t d = D4; d < D; ++d) s += wk[m * D + d] * xn[d];
        yn[k + m] = b[k + m] + s;
      }
    }
    for (; k < K; ++k) {
      const float* wk = w.data.data() + k * D;
      f32x4 acc = simd::splat(0.0f);
      for (size_t d = 0; d < D4; d += 4) acc = acc + load(wk + d) * load(xn + d);
      float s = simd::hsum(acc);
      for (size_t d = D4; d < D; ++d) s += wk[d] * xn[d];
      yn[k] = b[k] + s;
    }
  }
}

}  // namespace convplay::kernels
