#!/usr/bin/env bash
# Style checks that `npm test` runs first: clang-format (the repository's
# .clang-format) on every C++ file. `lint.sh --fix` rewrites files instead.
set -euo pipefail
cd "$(dirname "$0")/.."

fix=0
[ "${1:-}" = --fix ] && fix=1

mapfile -t cxx < <(git ls-files '*.cpp' '*.h')
if [ "$fix" = 1 ]; then
  clang-format -i "${cxx[@]}"
else
  echo "== lint: clang-format on ${#cxx[@]} C++ files"
  clang-format --dry-run --Werror "${cxx[@]}"
fi
