#!/usr/bin/env bash
# Builds one part of convplay: native (tests, ASan + UBSan), wasm (the module),
# web (the static page in dist/, needs wasm).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

part="${1:-wasm}"
case "$part" in
  native)
    cmake --preset native-asan >/dev/null
    cmake --build --preset native-asan -j "$JOBS"
    ;;
  native-release)
    cmake --preset native-release >/dev/null
    cmake --build --preset native-release -j "$JOBS"
    ;;
  wasm)
    # The preset names Emscripten's toolchain file and node as the emulator for
    # ctest (emcmake would add an option Node 20 refuses).
    cmake --preset wasm-release >/dev/null
    cmake --build --preset wasm-release -j "$JOBS"
    ;;
  web)
    bash scripts/build.sh wasm
    npx vite build --config web/vite.config.js
    ;;
  *)
    echo "usage: build.sh native|native-release|wasm|web" >&2
    exit 2
    ;;
esac
