/* A minimal PNG reader for the tests (non-interlaced; grey at 1/2/4/8/16
 * bits, RGB and RGBA at 8/16 bits, palette and grey+alpha at 8 bits), so
 * the pixel functions can be fed the reference images' exact pixels. */
#ifndef PERCEPT_TEST_PNG_READ_H
#define PERCEPT_TEST_PNG_READ_H

#include <stddef.h>
#include <stdint.h>

#include "percept.h"

typedef struct {
    uint32_t width;
    uint32_t height;
    /* Packed rows in `format`: PERCEPT_PIXEL_FORMAT_GRAY8, _GRAY16, _RGB8,
     * _RGB16, _RGBA8 or _RGBA16 (16-bit samples native-endian). Palette
     * and grey+alpha images come out as RGB8, as the reference reads them;
     * 1/2/4-bit grey is scaled to 8 bits. */
    percept_pixel_format format;
    size_t bytes_per_pixel;
    unsigned char *pixels;
    size_t len;
} png_image;

/* 0 on success; fills `out` (free `out->pixels`). */
int png_read(const unsigned char *data, size_t len, png_image *out);

#endif
