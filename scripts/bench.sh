#!/usr/bin/env bash
# `npm run bench`: builds the module and the bench build (convplay_bench_wasm:
# the module plus what only the bench calls) (and, with --native, the native bench),
# then runs tests/bench/bench.mjs (the kernels) and tests/bench/train.mjs (the
# training rows); arguments are passed on (--json, --runs N, --native;
# --train-runs N: runs of each training side, default 5).
# `--op train` runs only the training rows, `--op kernels` only the kernels.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
op=all
prev=""
for a in "$@"; do
  [ "$prev" = --op ] && op="$a"
  prev="$a"
done
case "$op" in
  all | train | kernels) ;;
  *)
    echo "bench: --op must be train or kernels, not '$op'" >&2
    exit 2
    ;;
esac
bash scripts/build.sh wasm >/dev/null
# the bench build: the page's module plus the named kernels and the peak loop
cmake --build --preset wasm-release --target convplay_bench_wasm -j "$JOBS" >/dev/null
for a in "$@"; do
  [ "$op" = train ] && break
  if [ "$a" = --native ]; then
    cmake --preset native-release >/dev/null
    cmake --build --preset native-release --target convplay_bench -j "$JOBS" >/dev/null
  fi
done
if [ "$op" != train ]; then node --no-experimental-fetch tests/bench/bench.mjs "$@"; fi
if [ "$op" != kernels ]; then node tests/bench/train.mjs "$@"; fi
