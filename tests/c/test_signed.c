/* Signed lists and rollback through the C ABI: the lists in
 * testdata/signed/ (made with the CLI from the sample list, see
 * testdata/signed/README.md) opened with a pinned key (require_signature,
 * trusted_public_key) and a minimum list version. A list with a flipped
 * byte anywhere, a truncated list, a list signed by another key and an
 * older list version are each refused with their own code.
 *
 * Offsets come from the documented file layout (src/db/mod.rs, "Layout",
 * and src/db/sign.rs): the header's total length (u64 at 48) is where the
 * list proper ends; its last 32 bytes are the root digest; a 104-byte
 * signature block follows (8-byte magic, 32-byte public key, 64-byte
 * signature); the section table (32 bytes per entry, count u32 at 40)
 * starts at 64. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define SIGNATURE_BLOCK_LEN 104
#define HEADER_LEN 64
#define SECTION_ENTRY_LEN 32

static unsigned char *read_in(const char *dir, const char *name, size_t *len) {
    char *path = h_join(dir, name);
    unsigned char *bytes = h_read_file(path, len);
    free(path);
    return bytes;
}

static uint64_t le(const unsigned char *p, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A public key file: 64 hex digits (and a newline). */
static int read_key(const char *testdata_dir, const char *name, uint8_t key[32]) {
    size_t len = 0;
    unsigned char *text = read_in(testdata_dir, name, &len);
    int ok = text != NULL && len >= 64;
    for (int i = 0; ok && i < 32; i++) {
        int hi = hex_digit((char)text[2 * i]), lo = hex_digit((char)text[2 * i + 1]);
        ok = hi >= 0 && lo >= 0;
        if (ok) key[i] = (uint8_t)(hi * 16 + lo);
    }
    free(text);
    CHECKF(ok, "cannot read the key %s", name);
    return ok;
}

static char *signed_path(const char *testdata_dir, const char *name) {
    char *dir = h_join(testdata_dir, "signed");
    char *path = h_join(dir, name);
    free(dir);
    return path;
}

/* Opens a file from testdata/signed by path; frees the matcher. */
static percept_status open_signed(const char *testdata_dir, const char *name,
                                  const percept_options *options) {
    char *path = signed_path(testdata_dir, name);
    percept_matcher *m = NULL;
    percept_status s = percept_matcher_open_path(path, options, &m);
    CHECKF((s == PERCEPT_STATUS_OK) == (m != NULL), "%s: status %s, matcher %p", name,
           percept_status_name(s), (void *)m);
    percept_matcher_free(m);
    free(path);
    return s;
}

static percept_status open_bytes(const unsigned char *bytes, size_t len,
                                 const percept_options *options) {
    percept_matcher *m = NULL;
    percept_status s = percept_matcher_open_bytes(bytes, len, options, &m);
    int written = m != NULL;
    percept_matcher_free(m);
    /* Outputs are written on success only (and then always). */
    if (written != (s == PERCEPT_STATUS_OK)) {
        h_checkf(0, __FILE__, __LINE__, "status %s but the matcher was %s",
                 percept_status_name(s), written ? "written" : "not written");
    }
    return s;
}

/* The struct layout C callers and the JNA/Swift wrappers rely on. */
static void layout(void) {
    CHECK(offsetof(percept_options, verify_checksum) == 44);
    CHECK(offsetof(percept_options, min_list_version) == 48);
    CHECK(offsetof(percept_options, require_signature) == 56);
    CHECK(offsetof(percept_options, trusted_public_key) == 60);
    CHECK(sizeof(percept_options) >= 92 && sizeof(percept_options) <= 96);
    CHECK(offsetof(percept_list_info, format_version) == 64);
    CHECK(offsetof(percept_list_info, is_signed) == 68);
    CHECK(offsetof(percept_list_info, signer_public_key) == 72);
    CHECK(sizeof(percept_list_info) == 104);
}

static void option_errors(const char *testdata_dir, const uint8_t key_a[32]) {
    percept_options options;
    percept_options_default(&options);
    options.require_signature = 2;
    memcpy(options.trusted_public_key, key_a, 32);
    EXPECT(open_signed(testdata_dir, "sample-v2-signed-a.pcl", &options),
           PERCEPT_STATUS_INVALID_ARGUMENT);
    CHECKF(strstr(h_last_error(), "require_signature") != NULL, "message: %s", h_last_error());
    /* A required signature without a key. */
    percept_options_default(&options);
    options.require_signature = 1;
    EXPECT(open_signed(testdata_dir, "sample-v2-signed-a.pcl", &options),
           PERCEPT_STATUS_INVALID_ARGUMENT);
    /* A key that would be ignored. */
    percept_options_default(&options);
    memcpy(options.trusted_public_key, key_a, 32);
    EXPECT(open_signed(testdata_dir, "sample-v2-signed-a.pcl", &options),
           PERCEPT_STATUS_INVALID_ARGUMENT);
    /* The messages name the fields, never the key. */
    CHECKF(strstr(h_last_error(), "trusted_public_key") != NULL, "message: %s", h_last_error());
}

/* Flips every byte of a signed list in turn: each copy is refused, with
 * the code its region implies. */
static void every_flipped_byte(const unsigned char *file, size_t len,
                               const percept_options *pinned) {
    size_t list_len = (size_t)le(file + 48, 8);
    size_t table_end = HEADER_LEN + SECTION_ENTRY_LEN * (size_t)le(file + 40, 4);
    unsigned char *copy = malloc(len);
    if (copy == NULL) return;
    memcpy(copy, file, len);
    size_t accepted = 0, wrong = 0;
    int counts[128] = {0};
    for (size_t at = 0; at < len; at++) {
        copy[at] ^= 0x01;
        percept_status s = open_bytes(copy, len, pinned);
        copy[at] ^= 0x01;
        if (s >= 0 && s < 128) counts[s]++;
        percept_status want;
        if (at < table_end) {
            want = -1; /* header and section table: any refusal */
        } else if (at < list_len) {
            want = PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH; /* sections, padding, root digest */
        } else if (at < list_len + 8) {
            want = PERCEPT_STATUS_MALFORMED_LIST; /* no block: bytes after the list */
        } else {
            want = PERCEPT_STATUS_LIST_BAD_SIGNATURE; /* signer's key or signature */
        }
        if (s == PERCEPT_STATUS_OK) {
            accepted++;
            fprintf(stderr, "flip at %zu accepted\n", at);
        } else if (want >= 0 && s != want) {
            wrong++;
            fprintf(stderr, "flip at %zu: %s, expected %s\n", at, percept_status_name(s),
                    percept_status_name(want));
        }
    }
    CHECKF(accepted == 0, "%zu of %zu flipped bytes accepted", accepted, len);
    CHECKF(wrong == 0, "%zu of %zu flipped bytes refused with another code", wrong, len);
    CHECKF(counts[PERCEPT_STATUS_LIST_BAD_SIGNATURE] == SIGNATURE_BLOCK_LEN - 8
               && counts[PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH] >= (int)(list_len - table_end),
           "flips: %d bad signature, %d checksum mismatch, %d malformed",
           counts[PERCEPT_STATUS_LIST_BAD_SIGNATURE],
           counts[PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH], counts[PERCEPT_STATUS_MALFORMED_LIST]);
    free(copy);
}

/* Cuts a signed list at every length: each is refused as malformed, except
 * the cut that removes exactly the signature block, which leaves a valid
 * unsigned list: refused only because a signature is required. */
static void every_truncation(const unsigned char *file, size_t len, const percept_options *pinned) {
    size_t list_len = (size_t)le(file + 48, 8);
    size_t wrong = 0;
    for (size_t cut = 0; cut < len; cut++) {
        percept_status s = open_bytes(file, cut, pinned);
        percept_status want =
            cut == list_len ? PERCEPT_STATUS_LIST_UNSIGNED : PERCEPT_STATUS_MALFORMED_LIST;
        if (s != want) {
            wrong++;
            fprintf(stderr, "cut at %zu: %s, expected %s\n", cut, percept_status_name(s),
                    percept_status_name(want));
        }
    }
    CHECKF(wrong == 0, "%zu of %zu truncations gave another code", wrong, len);
}

void test_signed(const char *testdata_dir) {
    layout();
    uint8_t key_a[32], key_b[32];
    if (!read_key(testdata_dir, "signed/test-key-a.pub", key_a)
        || !read_key(testdata_dir, "signed/test-key-b.pub", key_b)) {
        return;
    }
    CHECK(memcmp(key_a, key_b, 32) != 0);
    option_errors(testdata_dir, key_a);

    percept_options pinned;
    percept_options_default(&pinned);
    pinned.require_signature = 1;
    memcpy(pinned.trusted_public_key, key_a, 32);

    /* Version 2 signed by A: opens, says who signed it, and still answers
     * as the sample list does. */
    size_t len = 0;
    unsigned char *v2a = read_in(testdata_dir, "signed/sample-v2-signed-a.pcl", &len);
    CHECK(v2a != NULL && len > HEADER_LEN + SIGNATURE_BLOCK_LEN);
    if (v2a == NULL || len <= HEADER_LEN + SIGNATURE_BLOCK_LEN) return;
    size_t list_len = (size_t)le(v2a + 48, 8);
    CHECKF(list_len + SIGNATURE_BLOCK_LEN == len && memcmp(v2a + list_len, "PRCPTSIG", 8) == 0,
           "list length %zu, file %zu: not one signature block after the list", list_len, len);
    CHECK(memcmp(v2a + list_len + 8, key_a, 32) == 0);

    char *path = signed_path(testdata_dir, "sample-v2-signed-a.pcl");
    percept_matcher *m = NULL;
    pinned.min_list_version = 2;
    EXPECT(percept_matcher_open_path(path, &pinned, &m), PERCEPT_STATUS_OK);
    free(path);
    percept_list_info info_a;
    memset(&info_a, 0, sizeof info_a);
    if (m != NULL) {
        EXPECT(percept_matcher_info(m, &info_a), PERCEPT_STATUS_OK);
        CHECK(info_a.list_version == 2 && info_a.list_version == le(v2a + 16, 8));
        CHECK(info_a.is_signed == 1 && memcmp(info_a.signer_public_key, key_a, 32) == 0);
        CHECK(info_a.size_bytes == len && info_a.entries == 2 && info_a.file_digests == 1);
        /* The root digest: the last 32 bytes of the list proper. */
        CHECK(memcmp(info_a.checksum, v2a + list_len - 32, 32) == 0);
        EXPECT(percept_matcher_verify_checksum(m), PERCEPT_STATUS_OK);
        check_sample_list_answers(m, testdata_dir);
        percept_matcher_free(m);
    }
    /* From memory too, and with the checksum deferred (it is still
     * verified: a signature requires it). */
    percept_options pinned_deferred = pinned;
    pinned_deferred.verify_checksum = 0;
    EXPECT(open_bytes(v2a, len, &pinned_deferred), PERCEPT_STATUS_OK);

    /* Version 2 signed by B: untrusted under A, fine under B. Same body,
     * so the same root digest. */
    EXPECT(open_signed(testdata_dir, "sample-v2-signed-b.pcl", &pinned),
           PERCEPT_STATUS_LIST_UNTRUSTED_SIGNER);
    CHECKF(strstr(h_last_error(), "untrusted") != NULL, "message: %s", h_last_error());
    percept_options pinned_b = pinned;
    memcpy(pinned_b.trusted_public_key, key_b, 32);
    EXPECT(open_signed(testdata_dir, "sample-v2-signed-a.pcl", &pinned_b),
           PERCEPT_STATUS_LIST_UNTRUSTED_SIGNER);
    path = signed_path(testdata_dir, "sample-v2-signed-b.pcl");
    m = NULL;
    EXPECT(percept_matcher_open_path(path, &pinned_b, &m), PERCEPT_STATUS_OK);
    free(path);
    if (m != NULL) {
        percept_list_info info_b;
        EXPECT(percept_matcher_info(m, &info_b), PERCEPT_STATUS_OK);
        CHECK(info_b.is_signed == 1 && memcmp(info_b.signer_public_key, key_b, 32) == 0);
        CHECK(memcmp(info_b.checksum, info_a.checksum, 32) == 0);
        percept_matcher_free(m);
    }

    /* Version 1 signed by A: a rollback once version 2 was seen. */
    EXPECT(open_signed(testdata_dir, "sample-v1-signed-a.pcl", &pinned),
           PERCEPT_STATUS_LIST_ROLLED_BACK);
    CHECKF(strstr(h_last_error(), "older") != NULL, "message: %s", h_last_error());
    percept_options pinned_v1 = pinned;
    pinned_v1.min_list_version = 1;
    EXPECT(open_signed(testdata_dir, "sample-v1-signed-a.pcl", &pinned_v1), PERCEPT_STATUS_OK);
    /* Rollback protection works without signatures too. */
    percept_options unsigned_v2;
    percept_options_default(&unsigned_v2);
    unsigned_v2.min_list_version = 2;
    EXPECT(open_signed(testdata_dir, "sample-v1-signed-a.pcl", &unsigned_v2),
           PERCEPT_STATUS_LIST_ROLLED_BACK);
    EXPECT(open_signed(testdata_dir, "sample-v2-signed-b.pcl", &unsigned_v2), PERCEPT_STATUS_OK);
    percept_options pinned_v3 = pinned;
    pinned_v3.min_list_version = 3;
    EXPECT(open_signed(testdata_dir, "sample-v2-signed-a.pcl", &pinned_v3),
           PERCEPT_STATUS_LIST_ROLLED_BACK);

    /* The unsigned sample list: refused when a signature is required. */
    path = h_join(testdata_dir, "sample-list.pcl");
    m = NULL;
    pinned_v1.min_list_version = 0;
    EXPECT(percept_matcher_open_path(path, &pinned_v1, &m), PERCEPT_STATUS_LIST_UNSIGNED);
    CHECK(m == NULL);
    percept_matcher_free(m);
    free(path);
    CHECKF(strstr(h_last_error(), "not signed") != NULL, "message: %s", h_last_error());

    unsigned char *copy = malloc(len);
    if (copy != NULL) {
        /* The last byte (in the signature) flipped: a bad signature, also
         * when no signature is required. */
        memcpy(copy, v2a, len);
        copy[len - 1] ^= 0x01;
        EXPECT(open_bytes(copy, len, &pinned), PERCEPT_STATUS_LIST_BAD_SIGNATURE);
        percept_options plain;
        percept_options_default(&plain);
        EXPECT(open_bytes(copy, len, &plain), PERCEPT_STATUS_LIST_BAD_SIGNATURE);
        /* A byte of the first section flipped: the checksum catches it
         * (verified even with verify_checksum 0, since a signature is
         * required). */
        memcpy(copy, v2a, len);
        size_t first_section = (size_t)le(v2a + HEADER_LEN + 8, 8);
        CHECK(first_section >= HEADER_LEN && first_section < list_len - 32);
        copy[first_section] ^= 0x40;
        EXPECT(open_bytes(copy, len, &pinned), PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH);
        EXPECT(open_bytes(copy, len, &pinned_deferred), PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH);
        /* Without a required signature and with the check deferred, the
         * signature vouches for the stored digest only: the list opens and
         * the deferred check finds the change. */
        percept_options deferred;
        percept_options_default(&deferred);
        deferred.verify_checksum = 0;
        m = NULL;
        EXPECT(percept_matcher_open_bytes(copy, len, &deferred, &m), PERCEPT_STATUS_OK);
        if (m != NULL) {
            EXPECT(percept_matcher_verify_checksum(m), PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH);
            percept_matcher_free(m);
        }
        /* A flipped bit in the list version (signed, so it cannot be
         * raised to get past a rollback check). */
        memcpy(copy, v2a, len);
        copy[16] ^= 0x04;
        EXPECT(open_bytes(copy, len, &pinned), PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH);
        /* Truncated: in the signature, at the end of the list proper
         * (signature gone), inside the body, inside the header. */
        EXPECT(open_bytes(v2a, len - 1, &pinned), PERCEPT_STATUS_MALFORMED_LIST);
        EXPECT(open_bytes(v2a, list_len + 8, &pinned), PERCEPT_STATUS_MALFORMED_LIST);
        EXPECT(open_bytes(v2a, list_len, &pinned), PERCEPT_STATUS_LIST_UNSIGNED);
        EXPECT(open_bytes(v2a, list_len, &plain), PERCEPT_STATUS_OK);
        EXPECT(open_bytes(v2a, list_len - 1, &pinned), PERCEPT_STATUS_MALFORMED_LIST);
        EXPECT(open_bytes(v2a, len / 2, &pinned), PERCEPT_STATUS_MALFORMED_LIST);
        EXPECT(open_bytes(v2a, 40, &pinned), PERCEPT_STATUS_MALFORMED_LIST);
        EXPECT(open_bytes(v2a, 0, &pinned), PERCEPT_STATUS_MALFORMED_LIST);
        free(copy);
    }

    every_flipped_byte(v2a, len, &pinned);
    every_truncation(v2a, len, &pinned);
    free(v2a);
}
