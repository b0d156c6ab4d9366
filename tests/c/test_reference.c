/* PDQ through the C ABI against Meta's reference tables
 * (testdata/reference/generated/ tables, read at run time): every
 * decoder-independent (PNG) row, from encoded bytes and from pixels in
 * several formats and strides, single and dihedral hashes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "png_read.h"

#define MAX_COLS 32

static const char *DIHEDRAL_COLUMNS[8] = {
    "dih_orig", "dih_rot90", "dih_rot180", "dih_rot270",
    "dih_flipx", "dih_flipy", "dih_flipplus1", "dih_flipminus1",
};

typedef struct {
    char *fields[MAX_COLS];
    int count;
} row;

/* Splits `line` (modified in place) on tabs. */
static void split(char *line, row *r) {
    r->count = 0;
    char *start = line;
    for (char *p = line;; p++) {
        if (*p == '\t' || *p == '\n' || *p == '\r' || *p == '\0') {
            int end = *p == '\0' || *p == '\n' || *p == '\r';
            *p = '\0';
            if (r->count < MAX_COLS) r->fields[r->count++] = start;
            if (end) break;
            start = p + 1;
        }
    }
}

static int column(const row *header, const char *name) {
    for (int i = 0; i < header->count; i++) {
        if (strcmp(header->fields[i], name) == 0) return i;
    }
    return -1;
}

static int ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void hex_of(const percept_hash *h, char out[PERCEPT_HASH_HEX_SIZE]) {
    if (percept_hash_to_hex(h, out, PERCEPT_HASH_HEX_SIZE) != PERCEPT_STATUS_OK) {
        strcpy(out, "(hex failed)");
    }
}

typedef struct {
    const char *name;
    const char *hash;
    unsigned quality;
    const char *dihedral[8];
    unsigned dihedral_quality;
} expected;

static void compare_single(const char *what, const expected *e, const percept_pdq_hash *got) {
    char hex[PERCEPT_HASH_HEX_SIZE];
    hex_of(&got->hash, hex);
    CHECKF(strcmp(hex, e->hash) == 0, "%s %s: hash %s, expected %s", e->name, what, hex, e->hash);
    CHECKF(got->quality == e->quality, "%s %s: quality %u, expected %u", e->name, what,
           got->quality, e->quality);
}

static void compare_dihedral(const char *what, const expected *e, const percept_pdq_dihedral *got) {
    for (int v = 0; v < 8; v++) {
        char hex[PERCEPT_HASH_HEX_SIZE];
        hex_of(&got->hashes[v], hex);
        CHECKF(strcmp(hex, e->dihedral[v]) == 0, "%s %s: %s is %s, expected %s", e->name, what,
               DIHEDRAL_COLUMNS[v], hex, e->dihedral[v]);
    }
    CHECKF(got->quality == e->dihedral_quality, "%s %s: dihedral quality %u, expected %u",
           e->name, what, got->quality, e->dihedral_quality);
}

/* The same pixels in another 4-byte layout, rows `stride` bytes apart. */
static unsigned char *relayout(const png_image *img, percept_pixel_format format, size_t stride) {
    unsigned char *out = calloc((size_t)img->height, stride);
    if (out == NULL) return NULL;
    for (uint32_t y = 0; y < img->height; y++) {
        for (uint32_t x = 0; x < img->width; x++) {
            const unsigned char *s = img->pixels + ((size_t)y * img->width + x) * img->bytes_per_pixel;
            unsigned char r = s[0], g = s[1], b = s[2];
            unsigned char *d = out + (size_t)y * stride + (size_t)x * 4;
            unsigned char px[4];
            switch (format) {
            case PERCEPT_PIXEL_FORMAT_BGRA8: px[0] = b; px[1] = g; px[2] = r; px[3] = 0x80; break;
            case PERCEPT_PIXEL_FORMAT_ARGB8: px[0] = 0x80; px[1] = r; px[2] = g; px[3] = b; break;
            default: px[0] = r; px[1] = g; px[2] = b; px[3] = 0x80; break;
            }
            memcpy(d, px, 4);
        }
    }
    return out;
}

static void check_pixels(const expected *e, const png_image *img, percept_profile profile) {
    percept_pdq_hash single;
    percept_pdq_dihedral all;
    size_t stride = (size_t)img->width * img->bytes_per_pixel;
    EXPECT(percept_pdq_hash_pixels(img->pixels, img->len, img->width, img->height, stride,
                                   img->format, profile, &single),
           PERCEPT_STATUS_OK);
    compare_single("pixels", e, &single);
    EXPECT(percept_pdq_dihedral_pixels(img->pixels, img->len, img->width, img->height, stride,
                                       img->format, profile, &all),
           PERCEPT_STATUS_OK);
    compare_dihedral("pixels", e, &all);

    if (img->format != PERCEPT_PIXEL_FORMAT_RGB8 && img->format != PERCEPT_PIXEL_FORMAT_RGBA8) {
        return;
    }
    /* Other layouts, with padded rows (an odd padding, so rows are unaligned). */
    static const percept_pixel_format formats[3] = {
        PERCEPT_PIXEL_FORMAT_RGBA8, PERCEPT_PIXEL_FORMAT_BGRA8, PERCEPT_PIXEL_FORMAT_ARGB8};
    static const char *names[3] = {"RGBA8 padded", "BGRA8 padded", "ARGB8 padded"};
    for (int f = 0; f < 3; f++) {
        size_t padded = (size_t)img->width * 4 + 7;
        unsigned char *buf = relayout(img, formats[f], padded);
        CHECK(buf != NULL);
        if (buf == NULL) continue;
        /* The last row needs no padding: hand over exactly the bytes needed. */
        size_t len = padded * (img->height - 1) + (size_t)img->width * 4;
        EXPECT(percept_pdq_hash_pixels(buf, len, img->width, img->height, padded, formats[f],
                                       profile, &single),
               PERCEPT_STATUS_OK);
        compare_single(names[f], e, &single);
        free(buf);
    }
}

/* Returns the number of rows checked. */
static int check_table(const char *reference_dir, const char *table, percept_profile profile) {
    char *gen = h_join(reference_dir, "generated");
    char *path = h_join(gen, table);
    free(gen);
    FILE *f = fopen(path, "r");
    CHECKF(f != NULL, "cannot open %s", path);
    free(path);
    if (f == NULL) return 0;

    percept_options options;
    EXPECT(percept_options_default(&options), PERCEPT_STATUS_OK);
    options.profile = profile;

    static char header_line[8192], line[8192];
    row header, r;
    int have_header = 0, checked = 0, from_pixels = 0;
    int c_file = -1, c_pixels = -1, c_quality = -1, c_hash = -1, c_dq = -1, c_dih[8];
    while (fgets(have_header ? line : header_line, sizeof line, f) != NULL) {
        if ((have_header ? line : header_line)[0] == '#') continue;
        if (!have_header) {
            split(header_line, &header);
            have_header = 1;
            c_file = column(&header, "file");
            c_pixels = column(&header, "pixels");
            c_quality = column(&header, "quality");
            c_hash = column(&header, "hash");
            c_dq = column(&header, "dih_quality"); /* absent in the CLI table */
            int ok = c_file >= 0 && c_pixels >= 0 && c_quality >= 0 && c_hash >= 0;
            for (int v = 0; v < 8; v++) {
                c_dih[v] = column(&header, DIHEDRAL_COLUMNS[v]);
                ok = ok && c_dih[v] >= 0;
            }
            CHECKF(ok, "%s: missing columns", table);
            if (!ok) break;
            continue;
        }
        split(line, &r);
        if (r.count < header.count) continue;
        const char *file = r.fields[c_file];
        /* PNG rows do not depend on a decoder. The 16-bit row marked "values
         * above 255 clamp" records Pillow's conversion, not a PDQ answer;
         * its "scaled-16to8" twin is the PDQ answer for those pixels. */
        if (!ends_with(file, ".png") || strstr(r.fields[c_pixels], "values above 255 clamp")) {
            continue;
        }
        expected e;
        e.name = file;
        e.hash = r.fields[c_hash];
        e.quality = (unsigned)atoi(r.fields[c_quality]);
        for (int v = 0; v < 8; v++) e.dihedral[v] = r.fields[c_dih[v]];
        e.dihedral_quality = c_dq >= 0 ? (unsigned)atoi(r.fields[c_dq]) : e.quality;

        char *image_path = h_join(reference_dir, file);
        size_t len = 0;
        unsigned char *bytes = h_read_file(image_path, &len);
        free(image_path);
        CHECKF(bytes != NULL, "%s: unreadable", file);
        if (bytes == NULL) continue;
        checked++;

        percept_pdq_hash single;
        percept_pdq_dihedral all;
        EXPECT(percept_pdq_hash_encoded(bytes, len, &options, &single), PERCEPT_STATUS_OK);
        compare_single("encoded", &e, &single);
        EXPECT(percept_pdq_dihedral_encoded(bytes, len, &options, &all), PERCEPT_STATUS_OK);
        compare_dihedral("encoded", &e, &all);

        /* Parsing the expected hex gives the same 32 bytes. */
        percept_hash parsed;
        EXPECT(percept_hash_from_hex(e.hash, &parsed), PERCEPT_STATUS_OK);
        CHECKF(memcmp(&parsed, &single.hash, sizeof parsed) == 0, "%s: parsed hex differs", file);

        png_image img;
        if (png_read(bytes, len, &img) == 0) {
            check_pixels(&e, &img, profile);
            free(img.pixels);
            from_pixels++;
        }
        free(bytes);
    }
    fclose(f);
    printf("  %s: %d PNG rows checked from encoded bytes, %d also from pixels\n", table, checked,
           from_pixels);
    /* Every PNG row must have gone through the pixel path too. */
    CHECKF(from_pixels == checked, "%s: only %d of %d rows read as pixels", table, from_pixels,
           checked);
    return checked;
}

void test_reference(const char *reference_dir) {
    int core = check_table(reference_dir, "expected-core-fullres.tsv",
                           PERCEPT_PROFILE_FULL_RESOLUTION);
    /* testdata/reference holds 14 such rows (the full set beside the
     * checkout, ../shared/reference/pdq, 20). */
    CHECKF(core >= 14, "only %d core rows", core);
    int cli = check_table(reference_dir, "expected-cli-512nn.tsv", PERCEPT_PROFILE_CLI512);
    CHECKF(cli >= 14, "only %d CLI rows", cli);
}
