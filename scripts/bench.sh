#!/usr/bin/env bash
# `npm run bench`: builds the module and the native peer, then races them.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
bash scripts/build.sh wasm >/dev/null
cmake --preset native-release >/dev/null
cmake --build --preset native-release --target convplay_bench -j "$JOBS" >/dev/null
node tests/bench/bench.mjs
node tests/bench/train.mjs "$@"
