# Sourced by the build and test scripts: the environment Debian's Emscripten
# needs (its JS optimiser finds acorn through NODE_PATH).
export NODE_PATH="${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs"
# Debian ships the system libraries prebuilt in its cache (FROZEN_CACHE: nothing
# can be built into an empty one such as ~/.cache/emscripten).
export EM_CACHE="${EM_CACHE:-/usr/share/emscripten/cache}"
JOBS="${JOBS:-$(nproc)}"
