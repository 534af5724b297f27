// Small helpers the core's doctest files share.
#pragma once

#include <string>
#include <vector>

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

// Every variant of an operation: its dispatch list (reference first), then
// the variants the dispatch never picks.
template <typename V>
std::vector<V> every_variant(const std::vector<V>& dispatched, const std::vector<V>& unpicked) {
  std::vector<V> all = dispatched;
  all.insert(all.end(), unpicked.begin(), unpicked.end());
  return all;
}

}  // namespace convplay::test
