#!/usr/bin/env bash
# `npm run bench`: builds the module (and, with --native, the native bench),
# then runs tests/bench/bench.mjs (arguments are passed on: --json, --runs N,
# --native).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
bash scripts/build.sh wasm >/dev/null
for a in "$@"; do
  if [ "$a" = --native ]; then
    cmake --preset native-release >/dev/null
    cmake --build --preset native-release --target convplay_bench -j "$JOBS" >/dev/null
  fi
done
node --no-experimental-fetch tests/bench/bench.mjs "$@"
node tests/bench/train.mjs "$@"
