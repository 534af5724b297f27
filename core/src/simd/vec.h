// convplay — the one SIMD wrapper the fast kernels are written against.
//
// A 4-lane float vector through GCC/Clang vector extensions: Emscripten with
// -msimd128 compiles it to WASM SIMD (v128.load, f32x4.mul, f32x4.add,
// v128.load32_splat), GCC and Clang natively to SSE2 or NEON. Loads and stores
// are unaligned (memcpy of 16 bytes becomes one unaligned vector load).
#pragma once

#include <cstring>

namespace convplay::simd {

typedef float f32x4 __attribute__((vector_size(16)));

// The instruction set the wrapper compiles to, for benchmark tables.
#if defined(__wasm_simd128__)
inline constexpr const char* kIsa = "wasmsimd";
#elif defined(__AVX__)
inline constexpr const char* kIsa = "avx";
#elif defined(__SSE2__)
inline constexpr const char* kIsa = "sse2";
#elif defined(__ARM_NEON)
inline constexpr const char* kIsa = "neon";
#else
inline constexpr const char* kIsa = "scalar";
#endif

inline f32x4 load(const float* p) {
  f32x4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline void store(float* p, f32x4 v) { std::memcpy(p, &v, sizeof v); }

inline f32x4 splat(float s) { return f32x4{s, s, s, s}; }

inline float lane(f32x4 v, int i) {
  float a[4];
  std::memcpy(a, &v, sizeof a);
  return a[i];
}

// (a0, a2, b0, b2): the even lanes of the 8 floats a, b (a stride-2 gather).
inline f32x4 even_lanes(f32x4 a, f32x4 b) {
#if defined(__clang__)
  return __builtin_shufflevector(a, b, 0, 2, 4, 6);
#else
  typedef int i32x4 __attribute__((vector_size(16)));
  return __builtin_shuffle(a, b, i32x4{0, 2, 4, 6});
#endif
}

// (a1, a3, b1, b3): the odd lanes of the 8 floats a, b.
inline f32x4 odd_lanes(f32x4 a, f32x4 b) {
#if defined(__clang__)
  return __builtin_shufflevector(a, b, 1, 3, 5, 7);
#else
  typedef int i32x4 __attribute__((vector_size(16)));
  return __builtin_shuffle(a, b, i32x4{1, 3, 5, 7});
#endif
}

// (v0 + v1) + (v2 + v3).
inline float hsum(f32x4 v) {
  float a[4];
  std::memcpy(a, &v, sizeof a);
  return (a[0] + a[1]) + (a[2] + a[3]);
}

}  // namespace convplay::simd
