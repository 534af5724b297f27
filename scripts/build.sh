#!/usr/bin/env bash
# Builds one part of convplay: native (tests, ASan + UBSan), wasm (the module),
# web (the static page in dist/, needs wasm), release (`npm run build`: dist/
# ready to copy to a static host: the full page, dist/embed.js with the
# example course page, its manifest custom-elements.json and typings
# embed.d.ts, the single-file page dist/convplay.html and the module alone in
# dist/module/; prints each file's raw and gzip size).
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
  release)
    bash scripts/build.sh wasm
    npx vite build --config web/vite.config.js --logLevel warn
    npx vite build --config web/vite/embed.config.js --logLevel warn
    # the element's manifest and typings, from its source, checked against its attribute list
    npx custom-elements-manifest analyze --config custom-elements-manifest.config.mjs --quiet
    node scripts/element-types.mjs dist/embed.d.ts
    node scripts/check-manifest.mjs dist/custom-elements.json
    npx vite build --config web/vite/single-file.config.js --logLevel warn
    cp build/single/convplay.html dist/convplay.html
    # the module alone (its JS API, .d.ts, single file) for the package's exports
    mkdir -p dist/module
    (cd build/wasm-release/dist && cp ./*.mjs ./*.d.ts convplay_core.wasm convplay_lab.wasm \
      convplay.single.js package.json "$OLDPWD/dist/module/")
    echo "dist/: raw and gzip -9 bytes"
    (cd dist && find . -type f ! -name '*.png' ! -name '*.jpg' | sort | while read -r f; do
      printf '%-44s %10s %10s\n' "${f#./}" "$(wc -c <"$f")" "$(gzip -9 -c "$f" | wc -c)"
    done)
    ;;
  *)
    echo "usage: build.sh native|native-release|wasm|web|release" >&2
    exit 2
    ;;
esac
