// convplay — the one error type. Every entry point validates its arguments
// once and throws Error with a message that names the values and the rule
// broken ("kernel 11 is larger than padded width 7 + 2*1 = 9"). Kernels
// behind the entry points only assert.
#pragma once

#include <stdexcept>
#include <string>

namespace convplay {

class Error : public std::invalid_argument {
 public:
  explicit Error(const std::string& what) : std::invalid_argument(what) {}
};

}  // namespace convplay
