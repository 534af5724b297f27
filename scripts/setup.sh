#!/usr/bin/env bash
# Installs whatever convplay needs and is missing: Debian packages through apt
# (non-interactive) and the npm packages of package-lock.json. Safe to run
# again: it does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

# package -> a file it installs (checked instead of asking dpkg, which is slow)
declare -A need=(
  [cmake]=/usr/bin/cmake
  [g++]=/usr/bin/g++
  [doctest-dev]=/usr/include/doctest/doctest.h
  [libstb-dev]=/usr/include/stb/stb_image.h
  [emscripten]=/usr/bin/emcc
  [wabt]=/usr/bin/wasm-objdump
  [chromium]=/usr/bin/chromium
  [clang-format]=/usr/bin/clang-format
  [dataset-fashion-mnist]=/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
  [clang]=/usr/bin/clang++
  # the exported notebooks run headless in npm test (tests/node/notebook.test.mjs)
  [python3-torch]=/usr/lib/python3/dist-packages/torch/__init__.py
  [python3-nbclient]=/usr/lib/python3/dist-packages/nbclient/__init__.py
  [python3-nbformat]=/usr/lib/python3/dist-packages/nbformat/__init__.py
  [python3-ipykernel]=/usr/lib/python3/dist-packages/ipykernel/__init__.py
  [python3-matplotlib]=/usr/lib/python3/dist-packages/matplotlib/__init__.py
)
missing=()
for pkg in "${!need[@]}"; do
  [ -e "${need[$pkg]}" ] || missing+=("$pkg")
done
# libFuzzer's runtime (the fuzz preset), wherever clang's version puts it.
compgen -G "/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a" >/dev/null ||
  missing+=(libclang-rt-14-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} with apt"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: reinstall when package-lock.json is newer than what is installed.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
