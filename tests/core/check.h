// Small helpers the core's doctest files share.
#pragma once

#include <string>

#include "convplay/error.h"

namespace convplay::test {

// The message of the convplay::Error that f throws, or "" when it throws none.
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// True when part occurs in s.
inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace convplay::test
