# Sourced by the build and test scripts: the environment Debian's Emscripten
# needs (its JS optimiser finds acorn through NODE_PATH).
export NODE_PATH="${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs"
export EM_CACHE="${EM_CACHE:-$HOME/.cache/emscripten}"
JOBS="${JOBS:-$(nproc)}"
