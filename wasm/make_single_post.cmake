# Builds the --extern-post-js of the single-file variant: the friendly API of
# convplay_wrap.mjs (its `export` keywords removed, so it is a plain script)
# and the loader that exposes createConvplay, in one function scope.
# Usage: cmake -DWRAP=... -DLOADER=... -DOUT=... -P make_single_post.cmake
file(READ ${WRAP} wrap)
file(READ ${LOADER} loader)
string(REGEX REPLACE "(^|\n)export " "\\1" wrap "${wrap}")
if(wrap MATCHES "(^|\n)(import|export)[ {]")
  message(FATAL_ERROR "${WRAP} must not import, and export only with `export ` at a line start")
endif()
file(WRITE ${OUT} "// convplay: the friendly API over the module above (generated).\n(function () {\n'use strict';\n${wrap}\n${loader}\n})();\n")
