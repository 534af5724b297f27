// convplay — the one dispatch helper: how an operator chooses its kernel.
//
// A variant list (kernels.h) holds the reference first, then faster kernels;
// each variant has a `name` (the function it runs) and a `supports` predicate
// over the validated layer. The operators run the last variant that supports
// the layer; benchmarks and tests name one instead (the `_with` entry points).
#pragma once

#include <string>
#include <vector>

#include "convplay/error.h"

namespace convplay::kernels {

// The variant named `name`, which must support the layer, or, for an empty
// name, the last variant that supports it (the reference, first, supports all).
// Throws Error for an unknown name or a named variant that does not support
// the layer.
template <typename V, typename... Layer>
const V& pick_variant(const std::vector<V>& variants, const std::string& name,
                      const Layer&... layer) {
  if (name.empty()) {
    for (auto it = variants.rbegin(); it != variants.rend(); ++it) {
      if (it->supports(layer...)) return *it;
    }
    return variants.front();
  }
  for (const V& v : variants) {
    if (name != v.name) continue;
    if (!v.supports(layer...)) throw Error("kernel " + name + " does not support this layer");
    return v;
  }
  throw Error("unknown kernel '" + name + "'");
}

}  // namespace convplay::kernels
