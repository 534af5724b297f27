#!/usr/bin/env bash
# Runs every test: the native doctest suite under ASan + UBSan (through
# ctest), a 30 s smoke run of each fuzzer, the doctest suite compiled to WASM
# and the WASM module in Node, and the page in headless Chromium.
# `test.sh lint|native|fuzz|node|browser|soak|release` runs one group. The
# browser group ends with a 300-change soak for each of three fixed seeds
# (tests/browser/soak.mjs; `npm run soak` runs 2,000); the release group packs
# and installs the npm package and checks the release zip (tests/release/).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

which="${1:-all}"
start=$(date +%s)

if [ "$which" = all ] || [ "$which" = lint ]; then
  bash scripts/lint.sh
fi

if [ "$which" = all ] || [ "$which" = native ]; then
  echo "== native: doctest under ASan + UBSan"
  bash scripts/build.sh native
  ctest --preset native-asan
fi

if [ "$which" = all ] || [ "$which" = fuzz ]; then
  echo "== fuzz: each libFuzzer target for a 30 s smoke run (ASan + UBSan)"
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$JOBS"
  ctest --preset fuzz
fi

if [ "$which" = all ] || [ "$which" = node ] || [ "$which" = browser ] || [ "$which" = soak ]; then
  bash scripts/build.sh wasm
fi

if [ "$which" = all ] || [ "$which" = node ]; then
  if compgen -G "tests/node/*.test.mjs" >/dev/null; then
    echo "== node: golden files from the native core (tests/golden/make_golden.cpp)"
    cmake --preset native-release >/dev/null
    cmake --build --preset native-release --target convplay_golden -j "$JOBS"
    mkdir -p build/golden
    build/native-release/convplay_golden build/golden
    echo "== node: the doctest suite compiled to WASM (the kernels as they ship, with SIMD)"
    ctest --preset wasm-release
    echo "== node: the WASM module"
    node --test --test-timeout=120000 tests/node/
  fi
fi

if [ "$which" = all ] || [ "$which" = browser ]; then
  if compgen -G "tests/browser/*.test.mjs" >/dev/null; then
    echo "== browser: the release (dist/) that the release tests open"
    bash scripts/build.sh release >/dev/null
    echo "== browser: the page in headless Chromium"
    # each file runs in its own process, bounded as a whole: minutes on a loaded machine
    node --test --test-concurrency=1 --test-timeout=600000 tests/browser/
  fi
fi

if [ "$which" = all ] || [ "$which" = browser ] || [ "$which" = soak ]; then
  # SOAK_CHANGES (default 300; npm run soak: 2000); SOAK_SEED replays one run ('random'
  # draws one), else three fixed seeds: the soak's own and two that once ended with a
  # banner a fresh load of the final link did not show (own classes in the lab)
  for seed in ${SOAK_SEED:-20261130 777001 777003}; do
    echo "== soak: ${SOAK_CHANGES:-300} random changes in the page, seed $seed (tests/browser/soak.mjs)"
    SOAK_SEED=$seed node --test --test-timeout=3600000 tests/browser/soak.mjs
  done
fi

if [ "$which" = all ] || [ "$which" = release ]; then
  # the package and the zip, from dist/ (built by the browser group; alone: built here)
  if [ "$which" = release ]; then bash scripts/build.sh release >/dev/null; fi
  echo "== release: npm pack installed outside the repository (Node, a plain page, a Vite site), the zip"
  node --test --test-concurrency=1 --test-timeout=600000 tests/release/
fi

echo "== all tests passed in $(( $(date +%s) - start )) s"
