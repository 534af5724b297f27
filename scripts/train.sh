#!/usr/bin/env bash
# `npm run train [-- options]`: trains the default "tiny" network on
# Fashion-MNIST natively (the full 60,000 / 10,000 set), or with --wasm
# through the WASM module in Node on the page's subset. The last line printed
# is one JSON object. Options: tests/train/train_native.cpp, train_wasm.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

wasm=0
args=()
for a in "$@"; do
  if [ "$a" = --wasm ]; then wasm=1; else args+=("$a"); fi
done
if [ "$wasm" = 1 ]; then
  bash scripts/build.sh wasm >/dev/null
  exec node tests/train/train_wasm.mjs "${args[@]}"
fi
cmake --preset native-release >/dev/null
cmake --build --preset native-release --target convplay_train -j "$JOBS" >/dev/null
exec build/native-release/convplay_train "${args[@]}"
