/* Opening the sample list, matching the sample images (encoded, pixels,
 * hashes), labels, info, options, and one matcher shared by threads.
 *
 * Expected answers come from testdata/sample-list.csv (read here: line i
 * is entry id i, the file name its label, as `percept list build` imports
 * the reference CSV), from the list file's documented header (src/db/mod.rs)
 * and from distances computed here from the images' eight hashes. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "png_read.h"

#define MAX_LISTED 8

typedef struct {
    percept_hash hash;
    uint64_t id;
    char label[256];
} listed;

typedef struct {
    const char *file;
    percept_verdict verdict;
    int exact_file; /* listed by its bytes' digest */
} sample;

/* tests/cli.rs and tests/scan.rs describe these verdicts for the sample list. */
static const sample SAMPLES[] = {
    {"waves-320x240.png", PERCEPT_VERDICT_MATCH, 0},
    {"waves-320x240-rot90.png", PERCEPT_VERDICT_MATCH, 0},
    {"waves-320x240-mirrored.png", PERCEPT_VERDICT_MATCH, 0},
    {"waves-320x240-q85.jpg", PERCEPT_VERDICT_MATCH, 0},
    {"grey-200x150.png", PERCEPT_VERDICT_MATCH, 0},
    {"other-rgba-180x300.png", PERCEPT_VERDICT_MATCH, 1},
    {"unrelated-240x160.png", PERCEPT_VERDICT_NO_MATCH, 0},
    {"unrelated-200x200.jpg", PERCEPT_VERDICT_NO_MATCH, 0},
    {"flat-64x64.png", PERCEPT_VERDICT_UNRELIABLE, 0},
    {"tiny-4x4.png", PERCEPT_VERDICT_UNRELIABLE, 0},
};
#define SAMPLE_COUNT (sizeof SAMPLES / sizeof SAMPLES[0])

static int read_listed(const char *testdata_dir, listed *out) {
    char *path = h_join(testdata_dir, "sample-list.csv");
    FILE *f = fopen(path, "r");
    free(path);
    if (f == NULL) return 0;
    char line[1024];
    int n = 0;
    while (n < MAX_LISTED && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        char *first = strchr(line, ',');
        char *second = first ? strchr(first + 1, ',') : NULL;
        if (second == NULL) continue;
        *first = '\0';
        if (percept_hash_from_hex(line, &out[n].hash) != PERCEPT_STATUS_OK) continue;
        out[n].id = (uint64_t)n;
        snprintf(out[n].label, sizeof out[n].label, "%s", second + 1);
        n++;
    }
    fclose(f);
    return n;
}

static unsigned char *read_image(const char *testdata_dir, const char *file, size_t *len) {
    char *images = h_join(testdata_dir, "images");
    char *path = h_join(images, file);
    unsigned char *bytes = h_read_file(path, len);
    free(images);
    free(path);
    return bytes;
}

static uint32_t distance(const percept_hash *a, const percept_hash *b) {
    uint32_t d = 0;
    percept_hash_distance(a, b, &d);
    return d;
}

/* What the matcher should answer for an image's hashes, computed here by
 * brute force over the listed entries. */
static void expected_by_hash(const percept_pdq_dihedral *h, const listed *list, int n,
                             uint32_t threshold, uint32_t min_quality, percept_match_result *want,
                             int *best_index) {
    memset(want, 0, sizeof *want);
    want->quality = (int32_t)h->quality;
    want->weak_bits = h->weak_bits;
    want->stable = h->stable;
    want->content_quality = -1;
    *best_index = -1;
    if (h->quality < min_quality) {
        want->verdict = PERCEPT_VERDICT_UNRELIABLE;
        return;
    }
    uint32_t best = UINT32_MAX;
    for (int i = 0; i < n; i++) {
        uint32_t entry_best = UINT32_MAX, entry_variant = 0;
        for (uint32_t v = 0; v < 8; v++) {
            uint32_t d = distance(&h->hashes[v], &list[i].hash);
            if (d < entry_best) {
                entry_best = d;
                entry_variant = v;
            }
        }
        if (entry_best <= threshold) {
            want->match_count++;
            if (entry_best < best) {
                best = entry_best;
                *best_index = i;
                want->best_id = list[i].id;
                want->best_distance = entry_best;
                want->best_variant = entry_variant;
            }
        }
    }
    want->verdict = want->match_count > 0 ? PERCEPT_VERDICT_MATCH : PERCEPT_VERDICT_NO_MATCH;
}

static void check_label(const percept_matcher *m, uint64_t entry, const char *want) {
    size_t needed = 0;
    EXPECT(percept_matcher_entry_label(m, entry, NULL, 0, &needed),
           PERCEPT_STATUS_BUFFER_TOO_SMALL);
    CHECKF(needed == strlen(want) + 1, "label size %zu, expected %zu", needed, strlen(want) + 1);
    /* One byte short: refused, buffer untouched. */
    char buf[300];
    memset(buf, 'x', sizeof buf);
    size_t written = 0;
    EXPECT(percept_matcher_entry_label(m, entry, buf, needed - 1, &written),
           PERCEPT_STATUS_BUFFER_TOO_SMALL);
    CHECK(written == needed && buf[0] == 'x' && buf[needed - 2] == 'x');
    EXPECT(percept_matcher_entry_label(m, entry, buf, needed, &written), PERCEPT_STATUS_OK);
    CHECKF(strcmp(buf, want) == 0, "label \"%s\", expected \"%s\"", buf, want);
    CHECK(written == needed);
}

static void compare_result(const char *what, const char *file, const percept_match_result *got,
                           const percept_match_result *want) {
    CHECKF(got->verdict == want->verdict, "%s %s: verdict %u, expected %u", what, file,
           got->verdict, want->verdict);
    CHECKF(got->exact_file == want->exact_file, "%s %s: exact_file %u", what, file,
           got->exact_file);
    CHECKF(got->quality == want->quality, "%s %s: quality %d, expected %d", what, file,
           got->quality, want->quality);
    CHECKF(got->match_count == want->match_count, "%s %s: %llu matches, expected %llu", what,
           file, (unsigned long long)got->match_count, (unsigned long long)want->match_count);
    CHECKF(got->best_id == want->best_id && got->best_distance == want->best_distance
               && got->best_variant == want->best_variant,
           "%s %s: best id %llu distance %u variant %u, expected %llu %u %u", what, file,
           (unsigned long long)got->best_id, got->best_distance, got->best_variant,
           (unsigned long long)want->best_id, want->best_distance, want->best_variant);
    CHECKF(got->weak_bits == want->weak_bits && got->stable == want->stable,
           "%s %s: %u weak bits (stable %u), expected %u (%u)", what, file, got->weak_bits,
           got->stable, want->weak_bits, want->stable);
    CHECKF(got->best_trimmed == want->best_trimmed
               && got->has_content_region == want->has_content_region
               && got->content_quality == want->content_quality,
           "%s %s: trimmed %u, region %u, content quality %d", what, file, got->best_trimmed,
           got->has_content_region, got->content_quality);
}

static uint64_t le(const unsigned char *p, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

static void check_info(const percept_matcher *m, const unsigned char *file, size_t len, int n) {
    percept_list_info info;
    EXPECT(percept_matcher_info(m, &info), PERCEPT_STATUS_OK);
    CHECK(info.entries == (uint64_t)n);
    CHECK(info.file_digests == 1);
    CHECK(info.size_bytes == len);
    /* Header fields at the offsets src/db/mod.rs documents. */
    CHECK(info.format_version == (uint32_t)le(file + 8, 4));
    CHECK(info.list_version == le(file + 16, 8));
    /* The stored checksum is the file's last 32 bytes. */
    CHECK(len >= 32 && memcmp(info.checksum, file + len - 32, 32) == 0);
    /* The sample list is unsigned. */
    static const uint8_t zeros[32];
    CHECK(info.is_signed == 0 && memcmp(info.signer_public_key, zeros, 32) == 0);
}

/* Matches every sample through every entry point and checks the answers. */
static void check_samples(const percept_matcher *m, const char *testdata_dir, const listed *list,
                          int n, uint32_t threshold, uint32_t min_quality) {
    percept_options options;
    percept_options_default(&options);
    int counts[3] = {0, 0, 0};
    for (size_t s = 0; s < SAMPLE_COUNT; s++) {
        const char *file = SAMPLES[s].file;
        size_t len = 0;
        unsigned char *bytes = read_image(testdata_dir, file, &len);
        CHECKF(bytes != NULL, "cannot read %s", file);
        if (bytes == NULL) continue;

        percept_pdq_dihedral hashes;
        EXPECT(percept_pdq_dihedral_encoded(bytes, len, &options, &hashes), PERCEPT_STATUS_OK);
        percept_match_result want, got;
        int best_index;
        expected_by_hash(&hashes, list, n, threshold, min_quality, &want, &best_index);

        /* By hashes, by pixels: never the exact-file path. */
        EXPECT(percept_matcher_match_dihedral(m, &hashes, &got), PERCEPT_STATUS_OK);
        compare_result("dihedral", file, &got, &want);
        png_image img;
        if (png_read(bytes, len, &img) == 0) {
            EXPECT(percept_matcher_match_pixels(m, img.pixels, img.len, img.width, img.height,
                                                (size_t)img.width * img.bytes_per_pixel,
                                                img.format, &got),
                   PERCEPT_STATUS_OK);
            compare_result("pixels", file, &got, &want);
            free(img.pixels);
        }

        /* Encoded bytes: a listed file is known by its digest first. */
        if (SAMPLES[s].exact_file) {
            memset(&want, 0, sizeof want);
            want.verdict = PERCEPT_VERDICT_MATCH;
            want.exact_file = 1;
            want.quality = -1;
            want.weak_bits = PERCEPT_WEAK_BITS_UNKNOWN;
            want.content_quality = -1;
        }
        EXPECT(percept_matcher_match_encoded(m, bytes, len, &got), PERCEPT_STATUS_OK);
        compare_result("encoded", file, &got, &want);
        if (got.verdict <= PERCEPT_VERDICT_UNRELIABLE) counts[got.verdict]++;
        if (threshold == 31 && min_quality == 50) {
            CHECKF(got.verdict == SAMPLES[s].verdict, "%s: verdict %u, the tests say %u", file,
                   got.verdict, SAMPLES[s].verdict);
        }
        if (got.match_count > 0 && best_index >= 0) {
            check_label(m, got.best_entry, list[best_index].label);
        }
        free(bytes);
    }
    if (threshold == 31 && min_quality == 50) {
        /* `percept scan` on the same folder: 6 match, 2 no-match, 2 unreliable. */
        CHECK(counts[PERCEPT_VERDICT_MATCH] == 6 && counts[PERCEPT_VERDICT_NO_MATCH] == 2
              && counts[PERCEPT_VERDICT_UNRELIABLE] == 2);
    }
}

void check_sample_list_answers(const percept_matcher *m, const char *testdata_dir) {
    listed list[MAX_LISTED];
    int n = read_listed(testdata_dir, list);
    CHECKF(n == 2, "sample-list.csv has %d hashes", n);
    check_samples(m, testdata_dir, list, n, 31, 50);
}

void test_matcher(const char *testdata_dir) {
    listed list[MAX_LISTED];
    int n = read_listed(testdata_dir, list);
    CHECKF(n == 2, "sample-list.csv has %d hashes", n);
    char *list_path = h_join(testdata_dir, "sample-list.pcl");
    size_t list_len = 0;
    unsigned char *list_bytes = h_read_file(list_path, &list_len);
    CHECK(list_bytes != NULL);

    percept_options options;
    EXPECT(percept_options_default(&options), PERCEPT_STATUS_OK);
    CHECK(options.threshold == 31 && options.min_quality == 50 && options.verify_checksum == 1
          && options.profile == PERCEPT_PROFILE_FULL_RESOLUTION
          && options.apply_exif_orientation == 0);
    /* The documented defaults (src/input/decode.rs, DecodeLimits). */
    CHECK(options.max_pixels == 67108864u && options.max_alloc_bytes == 209715200u
          && options.max_input_bytes == 268435456u && options.max_side == 65535);
    static const uint8_t no_key[32];
    CHECK(options.min_list_version == 0 && options.require_signature == 0
          && memcmp(options.trusted_public_key, no_key, 32) == 0);
    CHECK(options.border_trim == 1);

    percept_matcher *m = NULL;
    EXPECT(percept_matcher_open_path(list_path, &options, &m), PERCEPT_STATUS_OK);
    CHECK(m != NULL);
    if (m != NULL && list_bytes != NULL) {
        check_info(m, list_bytes, list_len, n);
        check_samples(m, testdata_dir, list, n, 31, 50);
        EXPECT(percept_matcher_verify_checksum(m), PERCEPT_STATUS_OK);

        /* One hash: the listed hash itself, then too low a quality, then
         * its complement (256 bits away from it). */
        percept_pdq_hash one = {list[0].hash, 100, PERCEPT_WEAK_BITS_UNKNOWN, 1};
        percept_match_result r;
        EXPECT(percept_matcher_match_hash(m, &one, &r), PERCEPT_STATUS_OK);
        uint64_t within = 0;
        for (int i = 0; i < n; i++) within += distance(&list[i].hash, &one.hash) <= 31;
        CHECK(r.verdict == PERCEPT_VERDICT_MATCH && r.best_distance == 0 && r.best_id == list[0].id
              && r.best_variant == PERCEPT_DIHEDRAL_ORIGINAL && r.match_count == within
              && r.quality == 100 && r.exact_file == 0);
        /* Stability is the caller's, reported back; `stable` in is ignored. */
        CHECK(r.weak_bits == PERCEPT_WEAK_BITS_UNKNOWN && r.stable == 0 && r.best_trimmed == 0
              && r.has_content_region == 0 && r.content_quality == -1);
        static const uint32_t weak[4] = {0, 31, 32, 256};
        for (int i = 0; i < 4; i++) {
            one.weak_bits = weak[i];
            one.stable = 7;
            EXPECT(percept_matcher_match_hash(m, &one, &r), PERCEPT_STATUS_OK);
            CHECKF(r.weak_bits == weak[i] && r.stable == (weak[i] < 32u),
                   "weak bits %u in: %u out, stable %u", weak[i], r.weak_bits, r.stable);
        }
        one.weak_bits = 257;
        EXPECT(percept_matcher_match_hash(m, &one, &r), PERCEPT_STATUS_OK);
        CHECK(r.verdict == PERCEPT_VERDICT_MATCH && r.weak_bits == PERCEPT_WEAK_BITS_UNKNOWN);
        check_label(m, r.best_entry, list[0].label);
        one.quality = 49;
        EXPECT(percept_matcher_match_hash(m, &one, &r), PERCEPT_STATUS_OK);
        CHECK(r.verdict == PERCEPT_VERDICT_UNRELIABLE && r.match_count == 0 && r.quality == 49);
        for (int i = 0; i < 32; i++) one.hash.bytes[i] = (uint8_t)~list[0].hash.bytes[i];
        one.quality = 100;
        int far = 1;
        for (int i = 0; i < n; i++) far = far && distance(&list[i].hash, &one.hash) > 31;
        EXPECT(percept_matcher_match_hash(m, &one, &r), PERCEPT_STATUS_OK);
        CHECK(far && r.verdict == PERCEPT_VERDICT_NO_MATCH && r.match_count == 0);
    }
    percept_matcher_free(m);
    percept_matcher_free(NULL); /* a no-op */

    /* The same list from memory, unverified at open, other options. */
    options.verify_checksum = 0;
    options.threshold = 0;
    options.min_quality = 0;
    m = NULL;
    if (list_bytes != NULL) {
        EXPECT(percept_matcher_open_bytes(list_bytes, list_len, &options, &m), PERCEPT_STATUS_OK);
    }
    if (m != NULL) {
        check_info(m, list_bytes, list_len, n);
        EXPECT(percept_matcher_verify_checksum(m), PERCEPT_STATUS_OK);
        check_samples(m, testdata_dir, list, n, 0, 0);
        /* tests/scan.rs: the JPEG copy is a few bits away, so no match at 0. */
        size_t len = 0;
        unsigned char *jpeg = read_image(testdata_dir, "waves-320x240-q85.jpg", &len);
        percept_match_result r;
        if (jpeg != NULL) {
            EXPECT(percept_matcher_match_encoded(m, jpeg, len, &r), PERCEPT_STATUS_OK);
            CHECK(r.verdict == PERCEPT_VERDICT_NO_MATCH);
        }
        free(jpeg);
        percept_matcher_free(m);
    }
    free(list_bytes);
    free(list_path);
}

/* ---- border trim ---- */

/* `picture` (RGB8) at (x, y) on a w x h canvas of one colour. */
static unsigned char *on_canvas(const png_image *picture, uint32_t w, uint32_t h, uint32_t x,
                                uint32_t y, unsigned char fill, size_t *len) {
    *len = (size_t)w * h * 3;
    unsigned char *px = malloc(*len);
    if (px == NULL) return NULL;
    memset(px, fill, *len);
    for (uint32_t row = 0; row < picture->height; row++) {
        memcpy(px + ((size_t)(y + row) * w + x) * 3,
               picture->pixels + (size_t)row * picture->width * 3, (size_t)picture->width * 3);
    }
    return px;
}

/* A listed picture letterboxed (black bars) and on a white canvas: no match
 * from the whole image; with border_trim (the default) a match from the
 * picture inside the borders, at distance 0, with its region. */
void test_border_trim(const char *testdata_dir) {
    size_t len = 0;
    unsigned char *bytes = read_image(testdata_dir, "waves-320x240.png", &len);
    png_image picture;
    int ok = bytes != NULL && png_read(bytes, len, &picture) == 0;
    CHECK(ok && picture.format == PERCEPT_PIXEL_FORMAT_RGB8);
    free(bytes);
    if (!ok) return;
    char *list_path = h_join(testdata_dir, "sample-list.pcl");
    percept_options options;
    percept_options_default(&options);
    percept_matcher *trimming = NULL, *plain = NULL;
    EXPECT(percept_matcher_open_path(list_path, &options, &trimming), PERCEPT_STATUS_OK);
    options.border_trim = 0;
    EXPECT(percept_matcher_open_path(list_path, &options, &plain), PERCEPT_STATUS_OK);
    options.border_trim = 2;
    percept_matcher *refused = NULL;
    EXPECT(percept_matcher_open_path(list_path, &options, &refused),
           PERCEPT_STATUS_INVALID_ARGUMENT);
    CHECK(refused == NULL);
    free(list_path);
    static const struct {
        uint32_t w, h, x, y;
        unsigned char fill;
    } cases[] = {{320, 400, 0, 80, 0}, {720, 1280, 150, 400, 255}};
    for (size_t c = 0; trimming != NULL && plain != NULL && c < 2; c++) {
        size_t px_len = 0;
        unsigned char *px = on_canvas(&picture, cases[c].w, cases[c].h, cases[c].x, cases[c].y,
                                      cases[c].fill, &px_len);
        CHECK(px != NULL);
        if (px == NULL) continue;
        percept_match_result without, with;
        EXPECT(percept_matcher_match_pixels(plain, px, px_len, cases[c].w, cases[c].h,
                                            (size_t)cases[c].w * 3, PERCEPT_PIXEL_FORMAT_RGB8,
                                            &without),
               PERCEPT_STATUS_OK);
        CHECKF(without.verdict == PERCEPT_VERDICT_NO_MATCH && without.has_content_region == 0
                   && without.content_quality == -1 && without.best_trimmed == 0,
               "case %zu without trim: verdict %u", c, without.verdict);
        EXPECT(percept_matcher_match_pixels(trimming, px, px_len, cases[c].w, cases[c].h,
                                            (size_t)cases[c].w * 3, PERCEPT_PIXEL_FORMAT_RGB8,
                                            &with),
               PERCEPT_STATUS_OK);
        CHECKF(with.verdict == PERCEPT_VERDICT_MATCH && with.best_trimmed == 1
                   && with.best_distance == 0 && with.has_content_region == 1
                   && with.content_x == cases[c].x && with.content_y == cases[c].y
                   && with.content_width == 320 && with.content_height == 240
                   && with.content_quality == 100,
               "case %zu with trim: verdict %u trimmed %u region %u (%u,%u %ux%u) quality %d", c,
               with.verdict, with.best_trimmed, with.has_content_region, with.content_x,
               with.content_y, with.content_width, with.content_height, with.content_quality);
        /* The whole image's stability and quality, as without trimming. */
        CHECK(with.weak_bits == without.weak_bits && with.quality == without.quality);
        free(px);
    }
    free(picture.pixels);
    percept_matcher_free(trimming);
    percept_matcher_free(plain);
}

/* ---- one matcher, several threads ---- */

#define THREADS 4
#define ROUNDS 3

typedef struct {
    const percept_matcher *matcher;
    unsigned char *images[SAMPLE_COUNT];
    size_t lens[SAMPLE_COUNT];
    percept_match_result expected[SAMPLE_COUNT];
} shared_work;

typedef struct {
    const shared_work *work;
    int mismatches;
    int own_error_seen;
} thread_result;

/* Field by field: memcmp would read any padding. */
static int same_result(const percept_match_result *a, const percept_match_result *b) {
    return a->match_count == b->match_count && a->best_id == b->best_id
           && a->best_entry == b->best_entry && a->verdict == b->verdict
           && a->exact_file == b->exact_file && a->quality == b->quality
           && a->best_distance == b->best_distance && a->best_variant == b->best_variant
           && a->best_trimmed == b->best_trimmed && a->weak_bits == b->weak_bits
           && a->stable == b->stable && a->has_content_region == b->has_content_region
           && a->content_x == b->content_x && a->content_y == b->content_y
           && a->content_width == b->content_width && a->content_height == b->content_height
           && a->content_quality == b->content_quality;
}

static void *worker(void *arg) {
    thread_result *res = arg;
    const shared_work *w = res->work;
    for (int round = 0; round < ROUNDS; round++) {
        for (size_t s = 0; s < SAMPLE_COUNT; s++) {
            percept_match_result r;
            if (percept_matcher_match_encoded(w->matcher, w->images[s], w->lens[s], &r)
                    != PERCEPT_STATUS_OK
                || !same_result(&r, &w->expected[s])) {
                res->mismatches++;
            }
        }
    }
    /* A failure here sets this thread's message only. */
    percept_hash h;
    if (percept_hash_from_hex("not hex", &h) == PERCEPT_STATUS_INVALID_ARGUMENT) {
        char msg[PERCEPT_ERROR_MESSAGE_MAX];
        size_t len = 0;
        res->own_error_seen = percept_last_error_message(msg, sizeof msg, &len)
                                  == PERCEPT_STATUS_OK
                              && len > 1;
    }
    return NULL;
}

void test_threads(const char *testdata_dir) {
    char *list_path = h_join(testdata_dir, "sample-list.pcl");
    percept_options options;
    percept_options_default(&options);
    percept_matcher *m = NULL;
    EXPECT(percept_matcher_open_path(list_path, &options, &m), PERCEPT_STATUS_OK);
    free(list_path);
    if (m == NULL) return;
    shared_work work;
    memset(&work, 0, sizeof work);
    work.matcher = m;
    for (size_t s = 0; s < SAMPLE_COUNT; s++) {
        work.images[s] = read_image(testdata_dir, SAMPLES[s].file, &work.lens[s]);
        EXPECT(percept_matcher_match_encoded(m, work.images[s], work.lens[s], &work.expected[s]),
               PERCEPT_STATUS_OK);
    }
    /* This thread's last call succeeded: its message is empty. */
    pthread_t threads[THREADS];
    thread_result results[THREADS];
    for (int t = 0; t < THREADS; t++) {
        results[t].work = &work;
        results[t].mismatches = 0;
        results[t].own_error_seen = 0;
        CHECK(pthread_create(&threads[t], NULL, worker, &results[t]) == 0);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        CHECKF(results[t].mismatches == 0, "thread %d: %d answers differ", t,
               results[t].mismatches);
        CHECK(results[t].own_error_seen);
    }
    CHECKF(strcmp(h_last_error(), "") == 0, "other threads' errors leaked: \"%s\"",
           h_last_error());
    for (size_t s = 0; s < SAMPLE_COUNT; s++) free(work.images[s]);
    percept_matcher_free(m);
}
