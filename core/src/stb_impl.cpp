// The one translation unit that compiles stb's implementations (Debian's
// libstb-dev headers). Third-party code: built without our warnings.
//
// stb_image is configured for a small surface:
// - only the formats the page offers (PNG, JPEG, BMP, GIF, TGA): PNM, PSD,
//   HDR and PIC, whose loaders carry most of stb_image 2.27's published bugs
//   (PNM 16-bit conversion overflow, HDR loops), are not compiled at all;
// - no side above kMaxImageSide = 2^15 pixels (stb checks this in every
//   loader before it allocates; decode_image's pixel cap is the finer limit);
// - every allocation zero-filled: a loader that leaves part of its buffer
//   unwritten (a truncated file, a JPEG component no scan carries) yields
//   zeros, never what an earlier image left on the heap.
#include <cstdlib>

#include "convplay/image.h"

#define STBI_NO_STDIO
#define STBI_FAILURE_USERMSG
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_BMP
#define STBI_ONLY_GIF
#define STBI_ONLY_TGA
#define STBI_MAX_DIMENSIONS convplay::kMaxImageSide
#define STBI_MALLOC(size) std::calloc(1, size)
#define STBI_REALLOC(p, size) std::realloc(p, size)
#define STBI_FREE(p) std::free(p)
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>

#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb_image_resize.h>

#define STBI_WRITE_NO_STDIO
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
