// convplay — what the network and its trainer share inside the core: the
// random numbers (splitmix64 and Box-Muller written out, not <random>'s
// distributions, whose output differs between standard libraries, so a seed
// gives the same network and the same order of images natively and in WASM)
// and the sum of squares of a vector.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace convplay::detail {

inline uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Uniform in (0, 1): 53 random bits, never 0.
inline double uniform(uint64_t& state) {
  return (static_cast<double>(splitmix64(state) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

inline double normal(uint64_t& state) {
  const double u1 = uniform(state), u2 = uniform(state);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

template <typename T>
double sum_squares(const std::vector<T>& v) {
  double s = 0.0;
  for (T x : v) s += static_cast<double>(x) * static_cast<double>(x);
  return s;
}

}  // namespace convplay::detail
