/* Every status code, produced on purpose; outputs untouched on failure;
 * log-safe messages; the panic boundary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static unsigned char *read_in(const char *dir, const char *name, size_t *len) {
    char *path = h_join(dir, name);
    unsigned char *bytes = h_read_file(path, len);
    free(path);
    return bytes;
}

/* Fills an output with a sentinel, so "nothing written" can be checked. */
#define SENTINEL 0xA5
static int untouched(const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != SENTINEL) return 0;
    }
    return 1;
}

static void null_arguments(void) {
    percept_options options;
    percept_options_default(&options);
    unsigned char pixels[3 * 8 * 8] = {0};
    percept_pdq_hash out;
    percept_pdq_dihedral all;
    percept_hash h;
    memset(&h, 0, sizeof h);
    uint32_t d;
    memset(&out, SENTINEL, sizeof out);
    EXPECT(percept_pdq_hash_pixels(NULL, 0, 8, 8, 24, PERCEPT_PIXEL_FORMAT_RGB8,
                                   PERCEPT_PROFILE_FULL_RESOLUTION, &out),
           PERCEPT_STATUS_NULL_ARGUMENT);
    CHECK(untouched(&out, sizeof out));
    EXPECT(percept_pdq_hash_pixels(pixels, sizeof pixels, 8, 8, 24, PERCEPT_PIXEL_FORMAT_RGB8,
                                   PERCEPT_PROFILE_FULL_RESOLUTION, NULL),
           PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_pdq_dihedral_pixels(pixels, sizeof pixels, 8, 8, 24, PERCEPT_PIXEL_FORMAT_RGB8,
                                       PERCEPT_PROFILE_FULL_RESOLUTION, NULL),
           PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_pdq_hash_encoded(NULL, 10, &options, &out), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_pdq_hash_encoded(pixels, 10, NULL, &out), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_pdq_dihedral_encoded(pixels, 10, &options, NULL), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_hash_from_hex(NULL, &h), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_hash_from_hex("00", NULL), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_hash_to_hex(NULL, (char[65]){0}, 65), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_hash_to_hex(&h, NULL, 65), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_hash_distance(&h, NULL, &d), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_hash_distance(&h, &h, NULL), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_options_default(NULL), PERCEPT_STATUS_NULL_ARGUMENT);
    size_t len;
    EXPECT(percept_last_error_message(NULL, 0, NULL), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_last_error_message(NULL, 10, &len), PERCEPT_STATUS_NULL_ARGUMENT);

    percept_matcher *m = (percept_matcher *)&options; /* sentinel: must stay */
    EXPECT(percept_matcher_open_path(NULL, &options, &m), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_matcher_open_path("x.pcl", NULL, &m), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_matcher_open_path("x.pcl", &options, NULL), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_matcher_open_bytes(NULL, 0, &options, &m), PERCEPT_STATUS_NULL_ARGUMENT);
    CHECK(m == (percept_matcher *)&options);
    percept_match_result r;
    percept_list_info info;
    percept_pdq_hash one = {h, 100, PERCEPT_WEAK_BITS_UNKNOWN, 0};
    EXPECT(percept_matcher_info(NULL, &info), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_matcher_verify_checksum(NULL), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_matcher_match_hash(NULL, &one, &r), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_matcher_match_dihedral(NULL, &all, &r), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_matcher_match_pixels(NULL, pixels, sizeof pixels, 8, 8, 24,
                                        PERCEPT_PIXEL_FORMAT_RGB8, &r),
           PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_matcher_match_encoded(NULL, pixels, 1, &r), PERCEPT_STATUS_NULL_ARGUMENT);
    EXPECT(percept_matcher_entry_label(NULL, 0, NULL, 0, &len), PERCEPT_STATUS_NULL_ARGUMENT);
    /* The message names the argument, nothing more. */
    CHECKF(strstr(h_last_error(), "matcher") != NULL, "message: %s", h_last_error());
}

static void invalid_arguments(const percept_matcher *m) {
    percept_hash h;
    memset(&h, SENTINEL, sizeof h);
    EXPECT(percept_hash_from_hex("abc", &h), PERCEPT_STATUS_INVALID_ARGUMENT);
    EXPECT(percept_hash_from_hex("", &h), PERCEPT_STATUS_INVALID_ARGUMENT);
    char bad[66];
    memset(bad, '0', 64);
    bad[64] = '\0';
    bad[10] = 'g';
    EXPECT(percept_hash_from_hex(bad, &h), PERCEPT_STATUS_INVALID_ARGUMENT);
    bad[10] = '0';
    bad[64] = '0'; /* 65 digits */
    bad[65] = '\0';
    EXPECT(percept_hash_from_hex(bad, &h), PERCEPT_STATUS_INVALID_ARGUMENT);
    /* 64 digits and no NUL within the first 65 bytes: refused without
     * reading further (the buffer is exactly 65 bytes). */
    char unterminated[65];
    memset(unterminated, 'a', sizeof unterminated);
    EXPECT(percept_hash_from_hex(unterminated, &h), PERCEPT_STATUS_INVALID_ARGUMENT);
    CHECK(untouched(&h, sizeof h));
    /* Messages never quote the input. */
    CHECKF(strstr(h_last_error(), "aaaa") == NULL, "message: %s", h_last_error());

    unsigned char pixels[4 * 10 * 10] = {0};
    percept_pdq_hash out;
    memset(&out, SENTINEL, sizeof out);
    const percept_profile full = PERCEPT_PROFILE_FULL_RESOLUTION;
    EXPECT(percept_pdq_hash_pixels(pixels, sizeof pixels, 0, 10, 40, PERCEPT_PIXEL_FORMAT_RGBA8,
                                   full, &out),
           PERCEPT_STATUS_INVALID_ARGUMENT);
    EXPECT(percept_pdq_hash_pixels(pixels, sizeof pixels, 10, 0, 40, PERCEPT_PIXEL_FORMAT_RGBA8,
                                   full, &out),
           PERCEPT_STATUS_INVALID_ARGUMENT);
    /* Stride shorter than a row. */
    EXPECT(percept_pdq_hash_pixels(pixels, sizeof pixels, 10, 10, 39, PERCEPT_PIXEL_FORMAT_RGBA8,
                                   full, &out),
           PERCEPT_STATUS_INVALID_ARGUMENT);
    /* Buffer one byte short. */
    EXPECT(percept_pdq_hash_pixels(pixels, sizeof pixels - 1, 10, 10, 40,
                                   PERCEPT_PIXEL_FORMAT_RGBA8, full, &out),
           PERCEPT_STATUS_INVALID_ARGUMENT);
    CHECKF(strstr(h_last_error(), "399") != NULL, "message: %s", h_last_error());
    /* Sizes whose product overflows. */
    EXPECT(percept_pdq_hash_pixels(pixels, sizeof pixels, 0xffffffffu, 0xffffffffu, (size_t)-1,
                                   PERCEPT_PIXEL_FORMAT_RGBA16, full, &out),
           PERCEPT_STATUS_INVALID_ARGUMENT);
    EXPECT(percept_pdq_hash_pixels(pixels, sizeof pixels, 10, 10, 40, PERCEPT_PIXEL_FORMAT_RGBA8,
                                   7, &out),
           PERCEPT_STATUS_INVALID_ARGUMENT);
    CHECK(untouched(&out, sizeof out));

    percept_options options;
    percept_options_default(&options);
    options.threshold = 256;
    percept_matcher *opened = NULL;
    EXPECT(percept_matcher_open_bytes(pixels, sizeof pixels, &options, &opened),
           PERCEPT_STATUS_INVALID_ARGUMENT);
    percept_options_default(&options);
    options.min_quality = 101;
    /* Hashing ignores the matching fields: these bytes fail as an image. */
    EXPECT(percept_pdq_hash_encoded(pixels, 10, &options, &out),
           PERCEPT_STATUS_UNSUPPORTED_FORMAT);
    EXPECT(percept_matcher_open_bytes(pixels, sizeof pixels, &options, &opened),
           PERCEPT_STATUS_INVALID_ARGUMENT);
    percept_options_default(&options);
    options.max_pixels = 0;
    EXPECT(percept_pdq_hash_encoded(pixels, 10, &options, &out), PERCEPT_STATUS_INVALID_ARGUMENT);
    percept_options_default(&options);
    options.verify_checksum = 2;
    EXPECT(percept_matcher_open_bytes(pixels, sizeof pixels, &options, &opened),
           PERCEPT_STATUS_INVALID_ARGUMENT);
    percept_options_default(&options);
    options.profile = 9;
    EXPECT(percept_pdq_hash_encoded(pixels, 10, &options, &out), PERCEPT_STATUS_INVALID_ARGUMENT);
    CHECK(opened == NULL);

    if (m != NULL) {
        percept_list_info info;
        EXPECT(percept_matcher_info(m, &info), PERCEPT_STATUS_OK);
        size_t len = 0;
        EXPECT(percept_matcher_entry_label(m, info.entries, NULL, 0, &len),
               PERCEPT_STATUS_INVALID_ARGUMENT);
        EXPECT(percept_matcher_entry_label(m, UINT64_MAX, NULL, 0, &len),
               PERCEPT_STATUS_INVALID_ARGUMENT);
        percept_pdq_hash one = {h, 101, PERCEPT_WEAK_BITS_UNKNOWN, 0};
        percept_match_result r;
        memset(&r, SENTINEL, sizeof r);
        EXPECT(percept_matcher_match_hash(m, &one, &r), PERCEPT_STATUS_INVALID_ARGUMENT);
        CHECK(untouched(&r, sizeof r));
    }
}

static void buffers_too_small(void) {
    percept_hash h;
    memset(&h, 0x12, sizeof h);
    char text[PERCEPT_HASH_HEX_SIZE];
    memset(text, SENTINEL, sizeof text);
    EXPECT(percept_hash_to_hex(&h, text, PERCEPT_HASH_HEX_LEN), PERCEPT_STATUS_BUFFER_TOO_SMALL);
    CHECK(untouched(text, sizeof text));

    /* The two-call pattern on the last error, which it never changes. */
    EXPECT(percept_hash_from_hex("xyz", &h), PERCEPT_STATUS_INVALID_ARGUMENT);
    size_t needed = 0;
    EXPECT(percept_last_error_message(NULL, 0, &needed), PERCEPT_STATUS_BUFFER_TOO_SMALL);
    CHECK(needed > 1 && needed <= PERCEPT_ERROR_MESSAGE_MAX);
    char *small = malloc(needed);
    memset(small, SENTINEL, needed);
    size_t got = 0;
    EXPECT(percept_last_error_message(small, needed - 1, &got), PERCEPT_STATUS_BUFFER_TOO_SMALL);
    CHECK(got == needed && untouched(small, needed));
    EXPECT(percept_last_error_message(small, needed, &got), PERCEPT_STATUS_OK);
    CHECK(got == needed && strlen(small) + 1 == needed);
    CHECKF(strstr(small, "64") != NULL, "message: %s", small);
    free(small);

    /* A success empties it. */
    EXPECT(percept_hash_to_hex(&h, text, sizeof text), PERCEPT_STATUS_OK);
    EXPECT(percept_last_error_message(NULL, 0, &needed), PERCEPT_STATUS_BUFFER_TOO_SMALL);
    CHECK(needed == 1);
    char one[1] = {'x'};
    EXPECT(percept_last_error_message(one, 1, &needed), PERCEPT_STATUS_OK);
    CHECK(one[0] == '\0');
}

static void image_errors(const char *testdata_dir) {
    percept_options options;
    percept_options_default(&options);
    percept_pdq_hash out;
    memset(&out, SENTINEL, sizeof out);

    static const unsigned char not_an_image[] = "hello, this is not an image";
    EXPECT(percept_pdq_hash_encoded(not_an_image, sizeof not_an_image, &options, &out),
           PERCEPT_STATUS_UNSUPPORTED_FORMAT);
    unsigned char pixels[4 * 10 * 10] = {0};
    EXPECT(percept_pdq_hash_pixels(pixels, sizeof pixels, 10, 10, 40, 0,
                                   PERCEPT_PROFILE_FULL_RESOLUTION, &out),
           PERCEPT_STATUS_UNSUPPORTED_FORMAT);
    EXPECT(percept_pdq_hash_pixels(pixels, sizeof pixels, 10, 10, 40, 99,
                                   PERCEPT_PROFILE_FULL_RESOLUTION, &out),
           PERCEPT_STATUS_UNSUPPORTED_FORMAT);

    size_t len = 0;
    unsigned char *png = read_in(testdata_dir, "images/grey-200x150.png", &len);
    CHECK(png != NULL);
    if (png == NULL) return;
    percept_options limited = options;
    limited.max_pixels = 200 * 150 - 1;
    EXPECT(percept_pdq_hash_encoded(png, len, &limited, &out), PERCEPT_STATUS_IMAGE_TOO_LARGE);
    limited = options;
    limited.max_side = 199;
    EXPECT(percept_pdq_hash_encoded(png, len, &limited, &out), PERCEPT_STATUS_IMAGE_TOO_LARGE);
    limited = options;
    limited.max_input_bytes = len - 1;
    EXPECT(percept_pdq_hash_encoded(png, len, &limited, &out), PERCEPT_STATUS_IMAGE_TOO_LARGE);
    limited.max_input_bytes = len;
    EXPECT(percept_pdq_hash_encoded(png, len, &limited, &out), PERCEPT_STATUS_OK);
    memset(&out, SENTINEL, sizeof out);

    /* A PNG cut in half: the format is known, the data is not all there. */
    EXPECT(percept_pdq_hash_encoded(png, len / 2, &options, &out), PERCEPT_STATUS_DECODE_FAILED);
    /* Corrupt image data after a valid header. */
    unsigned char *broken = malloc(len);
    memcpy(broken, png, len);
    for (size_t i = 60; i < len - 20; i++) broken[i] ^= 0x5a;
    EXPECT(percept_pdq_hash_encoded(broken, len, &options, &out), PERCEPT_STATUS_DECODE_FAILED);
    CHECK(untouched(&out, sizeof out));
    free(broken);
    free(png);
}

static void put_le(unsigned char *p, uint64_t v, int n) {
    for (int i = 0; i < n; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void list_errors(const char *testdata_dir) {
    percept_options options;
    percept_options_default(&options);
    percept_matcher *m = NULL;

    EXPECT(percept_matcher_open_path("/nonexistent-percept-dir/secret-name.pcl", &options, &m),
           PERCEPT_STATUS_IO_ERROR);
    CHECKF(strstr(h_last_error(), "secret") == NULL && strstr(h_last_error(), "nonexistent") == NULL,
           "the message leaks the path: %s", h_last_error());
    /* A folder is not a list either. */
    EXPECT(percept_matcher_open_path(testdata_dir, &options, &m), PERCEPT_STATUS_IO_ERROR);

    size_t len = 0;
    unsigned char *list = read_in(testdata_dir, "sample-list.pcl", &len);
    CHECK(list != NULL && len > 128);
    if (list == NULL) return;
    unsigned char *copy = malloc(len);

    static const unsigned char junk[] = "this is not a percept list at all, not even close";
    EXPECT(percept_matcher_open_bytes(junk, sizeof junk, &options, &m),
           PERCEPT_STATUS_MALFORMED_LIST);
    EXPECT(percept_matcher_open_bytes(list, 100, &options, &m), PERCEPT_STATUS_MALFORMED_LIST);
    EXPECT(percept_matcher_open_bytes(list, 0, &options, &m), PERCEPT_STATUS_MALFORMED_LIST);
    EXPECT(percept_matcher_open_bytes(list, len - 1, &options, &m), PERCEPT_STATUS_MALFORMED_LIST);

    /* A flipped bit in the stored checksum (the last 32 bytes). */
    memcpy(copy, list, len);
    copy[len - 1] ^= 0x01;
    EXPECT(percept_matcher_open_bytes(copy, len, &options, &m),
           PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH);
    /* Deferred: opens, then the check fails. */
    percept_options deferred = options;
    deferred.verify_checksum = 0;
    EXPECT(percept_matcher_open_bytes(copy, len, &deferred, &m), PERCEPT_STATUS_OK);
    if (m != NULL) {
        EXPECT(percept_matcher_verify_checksum(m), PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH);
        percept_matcher_free(m);
        m = NULL;
    }

    /* Format version (u32 at offset 8) from the future. */
    memcpy(copy, list, len);
    put_le(copy + 8, 99, 4);
    EXPECT(percept_matcher_open_bytes(copy, len, &options, &m),
           PERCEPT_STATUS_UNSUPPORTED_LIST_VERSION);
    /* An entry count (u64 at offset 24) beyond what this build supports. */
    memcpy(copy, list, len);
    put_le(copy + 24, (uint64_t)1 << 40, 8);
    EXPECT(percept_matcher_open_bytes(copy, len, &options, &m), PERCEPT_STATUS_LIST_TOO_LARGE);
    /* Bad magic. */
    memcpy(copy, list, len);
    copy[0] = 'X';
    EXPECT(percept_matcher_open_bytes(copy, len, &options, &m), PERCEPT_STATUS_MALFORMED_LIST);
    CHECK(m == NULL);
    free(copy);
    free(list);
}

static void panic_boundary(void) {
#if defined(PERCEPT_TESTING)
    EXPECT(percept_testing_panic(), PERCEPT_STATUS_PANIC);
    CHECKF(strstr(h_last_error(), "panic") != NULL, "message: %s", h_last_error());
    /* The library is still usable. */
    percept_options options;
    EXPECT(percept_options_default(&options), PERCEPT_STATUS_OK);
    EXPECT(percept_testing_panic(), PERCEPT_STATUS_PANIC);
#else
    CHECKF(0, "built without PERCEPT_TESTING: the panic boundary is not tested");
#endif
}

void test_errors(const char *testdata_dir) {
    null_arguments();
    percept_options options;
    percept_options_default(&options);
    percept_matcher *m = NULL;
    char *path = h_join(testdata_dir, "sample-list.pcl");
    EXPECT(percept_matcher_open_path(path, &options, &m), PERCEPT_STATUS_OK);
    free(path);
    invalid_arguments(m);
    percept_matcher_free(m);
    buffers_too_small();
    image_errors(testdata_dir);
    list_errors(testdata_dir);
    panic_boundary();
}
