#!/usr/bin/env bash
# Builds the libFuzzer targets (the CMake preset `fuzz`: clang, ASan + UBSan,
# linked to the core library) and runs them one at a time:
#   scripts/fuzz.sh [decode|conv|all] [seconds per target, default 600]
# `npm run fuzz` runs both for 10 minutes each; `npm test` runs the 30 s
# smoke runs through ctest instead. Each run starts from the committed corpus
# (tests/fuzz/corpus/<target>/), the generated seeds (decode) and what earlier
# runs added (build/fuzz/fuzz/corpus-<target>/). A finding stops the run,
# fails this script and leaves its input in build/fuzz/fuzz/findings-<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

which="${1:-all}"
seconds="${2:-600}"
case "$which" in
  all) targets=(decode conv) ;;
  decode | conv) targets=("$which") ;;
  *)
    echo "usage: fuzz.sh [decode|conv|all] [seconds]" >&2
    exit 2
    ;;
esac

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$JOBS"
dir=build/fuzz/fuzz
for t in "${targets[@]}"; do
  seeds=(tests/fuzz/corpus/"$t")
  [ "$t" = decode ] && seeds+=("$dir/seeds-decode")
  echo "== fuzz: $t for $seconds s"
  "build/fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=8192 -timeout=120 \
    -print_final_stats=1 -artifact_prefix="$dir/findings-$t/" "$dir/corpus-$t" "${seeds[@]}"
done
