/* No hidden threads: opening a list, checking its checksum and matching
 * through the C ABI run on the calling thread. An app linking the library
 * decides its own threads; the process's thread count (the entries of
 * /proc/self/task) is the same before, during and after. The list is a
 * large one (built by scripts/test-ffi.sh), so work that a library might
 * split across a pool (its checksum, the index) is big enough to be. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static int thread_count(void) {
    DIR *d = opendir("/proc/self/task");
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.') n++;
    }
    closedir(d);
    return n;
}

static const char *IMAGES[] = {
    "images/waves-320x240.png",
    "images/waves-320x240-q85.jpg",
    "images/unrelated-200x200.jpg",
    "images/other-rgba-180x300.png",
};

void test_no_hidden_threads(const char *testdata_dir, const char *large_list) {
    int start = thread_count();
    CHECKF(start >= 1, "cannot count threads in /proc/self/task");

    percept_options opt;
    EXPECT(percept_options_default(&opt), PERCEPT_STATUS_OK);
    percept_matcher *m = NULL;
    EXPECT(percept_matcher_open_path(large_list, &opt, &m), PERCEPT_STATUS_OK);
    CHECKF(thread_count() == start, "open_path: %d threads, started with %d", thread_count(),
           start);
    if (!m) return;

    percept_list_info info;
    EXPECT(percept_matcher_info(m, &info), PERCEPT_STATUS_OK);
    CHECKF(info.entries >= 100000, "large list has %llu entries",
           (unsigned long long)info.entries);
    EXPECT(percept_matcher_verify_checksum(m), PERCEPT_STATUS_OK);
    CHECKF(thread_count() == start, "verify_checksum: %d threads, started with %d",
           thread_count(), start);

    for (size_t i = 0; i < sizeof IMAGES / sizeof IMAGES[0]; i++) {
        char *path = h_join(testdata_dir, IMAGES[i]);
        size_t len = 0;
        unsigned char *bytes = h_read_file(path, &len);
        CHECKF(bytes != NULL, "cannot read %s", path);
        if (bytes) {
            percept_match_result r;
            EXPECT(percept_matcher_match_encoded(m, bytes, len, &r), PERCEPT_STATUS_OK);
            percept_pdq_dihedral d;
            EXPECT(percept_pdq_dihedral_encoded(bytes, len, &opt, &d), PERCEPT_STATUS_OK);
            EXPECT(percept_matcher_match_dihedral(m, &d, &r), PERCEPT_STATUS_OK);
            CHECKF(thread_count() == start, "matching %s: %d threads, started with %d",
                   IMAGES[i], thread_count(), start);
        }
        free(bytes);
        free(path);
    }

    /* The same list opened from memory. */
    size_t len = 0;
    unsigned char *bytes = h_read_file(large_list, &len);
    CHECK(bytes != NULL);
    if (bytes) {
        percept_matcher *m2 = NULL;
        EXPECT(percept_matcher_open_bytes(bytes, len, &opt, &m2), PERCEPT_STATUS_OK);
        CHECKF(thread_count() == start, "open_bytes: %d threads, started with %d",
               thread_count(), start);
        percept_matcher_free(m2);
        free(bytes);
    }
    percept_matcher_free(m);
    CHECKF(thread_count() == start, "after free: %d threads, started with %d", thread_count(),
           start);
}
