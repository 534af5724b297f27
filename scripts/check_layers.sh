#!/usr/bin/env bash
# The core's layers point one way: the kernels (core/src/ref, core/src/simd,
# core/src/portable, and core/src/pad.h which they share) include
# convplay/kernel_types.h and no other public header of core/include/convplay/,
# and nothing of core/src/ outside those folders. `npm test` runs this (lint.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bad=0
while IFS= read -r f; do
  while IFS= read -r line; do
    inc="${line#*\"}"
    inc="${inc%%\"*}"
    case "$inc" in
      convplay/kernel_types.h | ref/* | simd/* | portable/* | pad.h) ;;
      *)
        echo "$f includes \"$inc\": a kernel may include convplay/kernel_types.h and other kernels only" >&2
        bad=1
        ;;
    esac
  done < <(grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]+"' "$f" || true)
done < <(git ls-files core/src/ref core/src/simd core/src/portable core/src/pad.h)
if [ "$bad" = 1 ]; then
  exit 1
fi
echo "== lint: the kernels include only convplay/kernel_types.h of the public headers"
