// convplay — the one number formatter of the core's messages: integers as
// they are; other numbers in the fewest significant digits (15, else 17)
// that read back as the same double ("0.1", "1e-08", "1000000.01"), so a
// message names exactly the value it was given or found; NaN, Infinity and
// -Infinity as JavaScript, where the messages are read, writes them.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>

namespace convplay {

inline std::string num(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  for (int digits : {15, 17}) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (digits == 17 || std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
std::string num(T v) {
  return std::to_string(v);
}

}  // namespace convplay
