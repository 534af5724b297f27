// convplay — the native side of `npm run bench`: times the layers of
// tests/bench/cases.json (given as arguments by scripts/bench.sh) through the
// core's public entry points and prints one line per case:
//   name milliseconds(median of runs)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "convplay/conv.h"

using namespace convplay;

int main(int argc, char** argv) {
  // argv: repeated groups "name N C H W K F stride pad pass"
  if ((argc - 1) % 10 != 0) {
    std::fprintf(stderr, "usage: bench_native {name N C H W K F stride pad forward|backward}...\n");
    return 2;
  }
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  for (int a = 1; a < argc; a += 10) {
    const std::string name = argv[a];
    const Shape xs{std::atoi(argv[a + 1]), std::atoi(argv[a + 2]), std::atoi(argv[a + 3]),
                   std::atoi(argv[a + 4])};
    const int f = std::atoi(argv[a + 6]);
    const Shape ws{std::atoi(argv[a + 5]), xs.c, f, f};
    Conv2dParams p;
    p.stride_h = p.stride_w = std::atoi(argv[a + 7]);
    p.pad_h = p.pad_w = std::atoi(argv[a + 8]);
    const bool backward = std::strcmp(argv[a + 9], "backward") == 0;
    Tensor x(xs), w(ws), y, dx, dw;
    std::vector<float> b(static_cast<size_t>(ws.n), 0.1f), db;
    for (auto& v : x.data) v = u(rng);
    for (auto& v : w.data) v = u(rng);
    conv2d_forward(y, x, w, b, p);
    Tensor dy(y.shape);
    for (auto& v : dy.data) v = u(rng);
    std::vector<double> ms;
    for (int run = 0; run < 7; ++run) {
      const auto t0 = std::chrono::steady_clock::now();
      if (backward) {
        conv2d_backward(dx, dw, db, dy, x, w, p);
      } else {
        conv2d_forward(y, x, w, b, p);
      }
      const auto t1 = std::chrono::steady_clock::now();
      ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%s %.3f\n", name.c_str(), ms[ms.size() / 2]);
  }
  return 0;
}
