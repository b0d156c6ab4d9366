/* Versions, status names, hash text and distance, pixel formats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "png_read.h"

void test_version(const char *cargo_version) {
    char header_version[64];
    snprintf(header_version, sizeof header_version, "%d.%d.%d", PERCEPT_VERSION_MAJOR,
             PERCEPT_VERSION_MINOR, PERCEPT_VERSION_PATCH);
    const char *runtime = percept_version();
    CHECK(runtime != NULL);
    CHECKF(strcmp(runtime, header_version) == 0, "runtime version %s, header %s", runtime,
           header_version);
    CHECKF(strcmp(cargo_version, header_version) == 0, "Cargo.toml version %s, header %s",
           cargo_version, header_version);
    CHECK(percept_abi_version() == PERCEPT_ABI_VERSION);

#define NAME_IS(code) CHECK(strcmp(percept_status_name(code), #code) == 0)
    NAME_IS(PERCEPT_STATUS_OK);
    NAME_IS(PERCEPT_STATUS_NULL_ARGUMENT);
    NAME_IS(PERCEPT_STATUS_INVALID_ARGUMENT);
    NAME_IS(PERCEPT_STATUS_BUFFER_TOO_SMALL);
    NAME_IS(PERCEPT_STATUS_IO_ERROR);
    NAME_IS(PERCEPT_STATUS_UNSUPPORTED_FORMAT);
    NAME_IS(PERCEPT_STATUS_IMAGE_TOO_LARGE);
    NAME_IS(PERCEPT_STATUS_DECODE_FAILED);
    NAME_IS(PERCEPT_STATUS_MALFORMED_LIST);
    NAME_IS(PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH);
    NAME_IS(PERCEPT_STATUS_UNSUPPORTED_LIST_VERSION);
    NAME_IS(PERCEPT_STATUS_LIST_TOO_LARGE);
    NAME_IS(PERCEPT_STATUS_LIST_UNSIGNED);
    NAME_IS(PERCEPT_STATUS_LIST_BAD_SIGNATURE);
    NAME_IS(PERCEPT_STATUS_LIST_UNTRUSTED_SIGNER);
    NAME_IS(PERCEPT_STATUS_LIST_ROLLED_BACK);
    NAME_IS(PERCEPT_STATUS_PANIC);
#undef NAME_IS
    CHECK(strcmp(percept_status_name(12345), "PERCEPT_STATUS_UNKNOWN") == 0);
    CHECK(strcmp(percept_status_name(-1), "PERCEPT_STATUS_UNKNOWN") == 0);
}

void test_hash_text(void) {
    const char *hex = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    const char *upper = "F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22";
    percept_hash a, b;
    EXPECT(percept_hash_from_hex(hex, &a), PERCEPT_STATUS_OK);
    /* Byte 0 is the first two hex digits. */
    CHECK(a.bytes[0] == 0xf8 && a.bytes[1] == 0xf8 && a.bytes[31] == 0x22);
    EXPECT(percept_hash_from_hex(upper, &b), PERCEPT_STATUS_OK);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    char text[PERCEPT_HASH_HEX_SIZE];
    EXPECT(percept_hash_to_hex(&b, text, sizeof text), PERCEPT_STATUS_OK);
    CHECK(strcmp(text, hex) == 0);
    CHECK(strlen(text) == PERCEPT_HASH_HEX_LEN);

    uint32_t d = 999;
    EXPECT(percept_hash_distance(&a, &b, &d), PERCEPT_STATUS_OK);
    CHECK(d == 0);
    percept_hash c = a;
    c.bytes[0] ^= 0x01;
    c.bytes[17] ^= 0x30;
    EXPECT(percept_hash_distance(&a, &c, &d), PERCEPT_STATUS_OK);
    CHECK(d == 3);
    for (int i = 0; i < 32; i++) c.bytes[i] = (uint8_t)~a.bytes[i];
    EXPECT(percept_hash_distance(&c, &a, &d), PERCEPT_STATUS_OK);
    CHECK(d == 256);
}

/* 16-bit and 4-byte formats give the same hash as the 8-bit pixels they
 * hold (16-bit: the high byte is used). */
static void same_as(const char *what, const png_image *img, const unsigned char *data, size_t len,
                    size_t stride, percept_pixel_format format, const percept_pdq_hash *want) {
    percept_pdq_hash got;
    EXPECT(percept_pdq_hash_pixels(data, len, img->width, img->height, stride, format,
                                   PERCEPT_PROFILE_FULL_RESOLUTION, &got),
           PERCEPT_STATUS_OK);
    CHECKF(memcmp(&got.hash, &want->hash, sizeof got.hash) == 0 && got.quality == want->quality
               && got.weak_bits == want->weak_bits && got.stable == want->stable,
           "%s differs from the 8-bit hash", what);
}

static void widen(const png_image *img, int channels_out, unsigned char **out, size_t *len) {
    size_t n = (size_t)img->width * img->height;
    *len = n * (size_t)channels_out * 2;
    *out = malloc(*len);
    for (size_t i = 0; *out != NULL && i < n; i++) {
        for (int c = 0; c < channels_out; c++) {
            unsigned v8 = c < (int)img->bytes_per_pixel ? img->pixels[i * img->bytes_per_pixel + c]
                                                        : 0xff;
            /* Low byte deliberately unrelated: only the high byte counts. */
            uint16_t v = (uint16_t)((v8 << 8) | ((i * 37 + (size_t)c) & 0xff));
            memcpy(*out + (i * (size_t)channels_out + (size_t)c) * 2, &v, 2);
        }
    }
}

void test_pixel_formats(const char *testdata_dir) {
    static const char *names[2] = {"images/waves-320x240.png", "images/grey-200x150.png"};
    for (int k = 0; k < 2; k++) {
        char *path = h_join(testdata_dir, names[k]);
        size_t len = 0;
        unsigned char *bytes = h_read_file(path, &len);
        free(path);
        png_image img;
        int ok = bytes != NULL && png_read(bytes, len, &img) == 0;
        CHECKF(ok, "cannot read %s", names[k]);
        if (!ok) {
            free(bytes);
            continue;
        }
        percept_options options;
        EXPECT(percept_options_default(&options), PERCEPT_STATUS_OK);
        percept_pdq_hash from_file;
        EXPECT(percept_pdq_hash_encoded(bytes, len, &options, &from_file), PERCEPT_STATUS_OK);
        /* Photo-like pictures: few weak bits, a stable hash; the dihedral
         * pass reports the same stability and the same original hash. */
        CHECKF(from_file.weak_bits < PERCEPT_UNSTABLE_WEAK_BITS && from_file.stable == 1,
               "%s: %u weak bits", names[k], from_file.weak_bits);
        percept_pdq_dihedral all;
        EXPECT(percept_pdq_dihedral_encoded(bytes, len, &options, &all), PERCEPT_STATUS_OK);
        CHECK(all.weak_bits == from_file.weak_bits && all.stable == 1 && all.quality == from_file.quality
              && memcmp(&all.hashes[PERCEPT_DIHEDRAL_ORIGINAL], &from_file.hash,
                        sizeof from_file.hash) == 0);
        same_as("8-bit pixels", &img, img.pixels, img.len, (size_t)img.width * img.bytes_per_pixel,
                img.format, &from_file);
        unsigned char *wide;
        size_t wide_len;
        if (img.format == PERCEPT_PIXEL_FORMAT_RGB8) {
            widen(&img, 3, &wide, &wide_len);
            same_as("RGB16", &img, wide, wide_len, (size_t)img.width * 6,
                    PERCEPT_PIXEL_FORMAT_RGB16, &from_file);
            free(wide);
            widen(&img, 4, &wide, &wide_len);
            same_as("RGBA16", &img, wide, wide_len, (size_t)img.width * 8,
                    PERCEPT_PIXEL_FORMAT_RGBA16, &from_file);
            free(wide);
        } else {
            CHECK(img.format == PERCEPT_PIXEL_FORMAT_GRAY8);
            widen(&img, 1, &wide, &wide_len);
            same_as("GRAY16", &img, wide, wide_len, (size_t)img.width * 2,
                    PERCEPT_PIXEL_FORMAT_GRAY16, &from_file);
            free(wide);
        }
        free(img.pixels);
        free(bytes);
    }
}

/* Stability at its extremes: a flat image's DCT values all equal their
 * median (every bit weak); an image too small to hash counts as all weak. */
void test_stability(void) {
    static unsigned char flat[64 * 64];
    memset(flat, 128, sizeof flat);
    percept_pdq_hash h;
    EXPECT(percept_pdq_hash_pixels(flat, sizeof flat, 64, 64, 64, PERCEPT_PIXEL_FORMAT_GRAY8,
                                   PERCEPT_PROFILE_FULL_RESOLUTION, &h),
           PERCEPT_STATUS_OK);
    CHECKF(h.weak_bits == 256 && h.stable == 0 && h.quality == 0, "flat: %u weak bits, quality %u",
           h.weak_bits, h.quality);
    EXPECT(percept_pdq_hash_pixels(flat, 16, 4, 4, 4, PERCEPT_PIXEL_FORMAT_GRAY8,
                                   PERCEPT_PROFILE_FULL_RESOLUTION, &h),
           PERCEPT_STATUS_OK);
    CHECK(h.weak_bits == 256 && h.stable == 0);
    /* Half black, half white: every DCT value is far from the median or
     * exactly zero; the cut-off decides, and `stable` follows it. */
    for (int i = 0; i < 64 * 64; i++) flat[i] = (i % 64) < 32 ? 0 : 255;
    percept_pdq_dihedral d;
    EXPECT(percept_pdq_dihedral_pixels(flat, sizeof flat, 64, 64, 64, PERCEPT_PIXEL_FORMAT_GRAY8,
                                       PERCEPT_PROFILE_FULL_RESOLUTION, &d),
           PERCEPT_STATUS_OK);
    CHECK(d.weak_bits <= 256 && d.stable == (d.weak_bits < PERCEPT_UNSTABLE_WEAK_BITS));
}

