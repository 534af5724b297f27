#!/usr/bin/env bash
# Builds a libFuzzer target of tests/fuzz/ with clang (ASan + UBSan) and runs
# it for a while: scripts/fuzz.sh decode|conv [seconds, default 60].
# Needs clang and libclang-rt-14-dev (installed here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: fuzz.sh decode|conv [seconds]}"
seconds="${2:-60}"
if [ ! -e /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
fi
out=build/fuzz
mkdir -p "$out/corpus-$target"
srcs=(core/src/tensor.cpp core/src/conv.cpp core/src/ref/conv2d_ref.cpp core/src/fast/conv2d_rows.cpp
      core/src/batchnorm.cpp core/src/image.cpp)
flags=(-std=c++17 -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
       -Icore/include -Icore/src -isystem /usr/include/stb)
# stb's decoders do int arithmetic that overflows on corrupt data (garbage
# values, not memory errors): for stb, UBSan's overflow and shift checks are
# off; ASan and every other check stay on.
clang++ "${flags[@]}" -fno-sanitize=signed-integer-overflow,shift -w -c core/src/stb_impl.cpp -o "$out/stb_impl.o"
clang++ "${flags[@]}" -fsanitize=fuzzer "tests/fuzz/fuzz_$target.cpp" "${srcs[@]}" "$out/stb_impl.o" \
  -o "$out/fuzz_$target"
"$out/fuzz_$target" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=4096 "$out/corpus-$target"
