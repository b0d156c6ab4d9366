#include "png_read.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static uint32_t be32(const unsigned char *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static int paeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    if (pa <= pb && pa <= pc) return a;
    if (pb <= pc) return b;
    return c;
}

/* Undoes the per-row filters in place; `raw` holds height x (1 + stride). */
static int unfilter(unsigned char *raw, uint32_t height, size_t stride, size_t bpp) {
    unsigned char *prev = NULL;
    for (uint32_t y = 0; y < height; y++) {
        unsigned char *row = raw + (size_t)y * (stride + 1);
        int type = row[0];
        unsigned char *cur = row + 1;
        for (size_t i = 0; i < stride; i++) {
            int a = i >= bpp ? cur[i - bpp] : 0;
            int b = prev ? prev[i] : 0;
            int c = (prev && i >= bpp) ? prev[i - bpp] : 0;
            int add;
            switch (type) {
            case 0: add = 0; break;
            case 1: add = a; break;
            case 2: add = b; break;
            case 3: add = (a + b) / 2; break;
            case 4: add = paeth(a, b, c); break;
            default: return -1;
            }
            cur[i] = (unsigned char)(cur[i] + add);
        }
        prev = cur;
    }
    return 0;
}

int png_read(const unsigned char *data, size_t len, png_image *out) {
    static const unsigned char signature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
    if (len < 8 || memcmp(data, signature, 8) != 0) return -1;
    uint32_t width = 0, height = 0;
    int depth = 0, colour = -1;
    unsigned char palette[256 * 3];
    size_t palette_len = 0;
    unsigned char *idat = NULL;
    size_t idat_len = 0;
    size_t at = 8;
    int ok = 0;
    while (at + 12 <= len) {
        uint32_t n = be32(data + at);
        const unsigned char *type = data + at + 4;
        const unsigned char *body = data + at + 8;
        if (n > len - at - 12) break;
        if (memcmp(type, "IHDR", 4) == 0 && n >= 13) {
            width = be32(body);
            height = be32(body + 4);
            depth = body[8];
            colour = body[9];
            if (body[12] != 0) break; /* interlaced: not needed here */
        } else if (memcmp(type, "PLTE", 4) == 0 && n <= sizeof palette) {
            memcpy(palette, body, n);
            palette_len = n / 3;
        } else if (memcmp(type, "IDAT", 4) == 0) {
            unsigned char *more = realloc(idat, idat_len + n);
            if (more == NULL) break;
            idat = more;
            memcpy(idat + idat_len, body, n);
            idat_len += n;
        } else if (memcmp(type, "IEND", 4) == 0) {
            ok = 1;
            break;
        }
        at += 12 + (size_t)n;
    }
    int channels = colour == 0 ? 1 : colour == 2 ? 3 : colour == 3 ? 1 : colour == 4 ? 2
                 : colour == 6 ? 4 : 0;
    if (!ok || width == 0 || height == 0 || channels == 0) {
        free(idat);
        return -1;
    }
    size_t bits = (size_t)channels * (size_t)depth;
    size_t stride = ((size_t)width * bits + 7) / 8;
    size_t bpp = bits < 8 ? 1 : bits / 8;
    uLongf raw_len = (uLongf)((stride + 1) * height);
    unsigned char *raw = malloc(raw_len);
    if (raw == NULL || uncompress(raw, &raw_len, idat, (uLong)idat_len) != Z_OK
        || raw_len != (stride + 1) * height || unfilter(raw, height, stride, bpp) != 0) {
        free(raw);
        free(idat);
        return -1;
    }
    free(idat);

    out->width = width;
    out->height = height;
    size_t pixels = (size_t)width * height;
    if (depth == 16) {
        out->format = colour == 0 ? PERCEPT_PIXEL_FORMAT_GRAY16
                    : colour == 2 ? PERCEPT_PIXEL_FORMAT_RGB16 : PERCEPT_PIXEL_FORMAT_RGBA16;
        if (colour != 0 && colour != 2 && colour != 6) {
            free(raw);
            return -1;
        }
        out->bytes_per_pixel = (size_t)channels * 2;
    } else if (colour == 3 || colour == 4) {
        out->format = PERCEPT_PIXEL_FORMAT_RGB8;
        out->bytes_per_pixel = 3;
    } else {
        out->format = colour == 0 ? PERCEPT_PIXEL_FORMAT_GRAY8
                    : colour == 2 ? PERCEPT_PIXEL_FORMAT_RGB8 : PERCEPT_PIXEL_FORMAT_RGBA8;
        out->bytes_per_pixel = (size_t)channels;
    }
    out->len = pixels * out->bytes_per_pixel;
    out->pixels = malloc(out->len);
    if (out->pixels == NULL) {
        free(raw);
        return -1;
    }
    for (uint32_t y = 0; y < height; y++) {
        const unsigned char *src = raw + (size_t)y * (stride + 1) + 1;
        unsigned char *dst = out->pixels + (size_t)y * width * out->bytes_per_pixel;
        for (uint32_t x = 0; x < width; x++) {
            if (depth == 16) {
                for (int c = 0; c < channels; c++) {
                    const unsigned char *s = src + ((size_t)x * channels + c) * 2;
                    uint16_t v = (uint16_t)((s[0] << 8) | s[1]);
                    memcpy(dst + ((size_t)x * channels + c) * 2, &v, 2);
                }
            } else if (depth < 8) { /* grey only */
                int per_byte = 8 / depth;
                int shift = 8 - depth * (x % per_byte + 1);
                int v = (src[x / per_byte] >> shift) & ((1 << depth) - 1);
                dst[x] = (unsigned char)(v * 255 / ((1 << depth) - 1));
            } else if (colour == 3) {
                unsigned idx = src[x];
                if (idx >= palette_len) {
                    free(raw);
                    free(out->pixels);
                    return -1;
                }
                memcpy(dst + (size_t)x * 3, palette + idx * 3, 3);
            } else if (colour == 4) {
                memset(dst + (size_t)x * 3, src[(size_t)x * 2], 3);
            } else {
                memcpy(dst + (size_t)x * channels, src + (size_t)x * channels, (size_t)channels);
            }
        }
    }
    free(raw);
    return 0;
}
