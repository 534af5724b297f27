#!/usr/bin/env bash
# Style checks that `npm test` runs first: clang-format (the repository's
# .clang-format) on every C++ file; ESLint (eslint.config.js) and Prettier
# (.prettierrc.json) on the JavaScript of web/, tests/ and wasm/js.
# `lint.sh --fix` rewrites files instead (npm run format). Also the kernels'
# includes (scripts/check_layers.sh: the core's layers point one way) and the
# page's panels (scripts/check_panels.mjs: no panel imports another).
set -euo pipefail
cd "$(dirname "$0")/.."

fix=0
[ "${1:-}" = --fix ] && fix=1

mapfile -t cxx < <(git ls-files '*.cpp' '*.h')
js=(web tests wasm/js eslint.config.js)
if [ "$fix" = 1 ]; then
  clang-format -i "${cxx[@]}"
  npx --no-install prettier --log-level warn --write "${js[@]}"
  npx --no-install eslint --fix "${js[@]}"
else
  bash scripts/check_layers.sh
  node scripts/check_panels.mjs
  echo "== lint: clang-format on ${#cxx[@]} C++ files"
  clang-format --dry-run --Werror "${cxx[@]}"
  echo "== lint: eslint and prettier on the JavaScript (web/, tests/, wasm/js)"
  npx --no-install eslint "${js[@]}"
  npx --no-install prettier --check --log-level warn "${js[@]}"
fi
