/* A small assertion harness for the C ABI tests: counts checks, records
 * every status the library returned, and prints "N passed, N failed". */
#ifndef PERCEPT_TEST_HARNESS_H
#define PERCEPT_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "percept.h"

extern int h_passed;
extern int h_failed;

void h_check(int ok, const char *file, int line, const char *expr);
void h_checkf(int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void h_expect(percept_status got, percept_status want, const char *file, int line,
              const char *expr);

#define CHECK(cond) h_check(!!(cond), __FILE__, __LINE__, #cond)
#define CHECKF(cond, ...) h_checkf(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* Calls `call`, records the status it returned, and checks it is `want`. */
#define EXPECT(call, want) h_expect((call), (want), __FILE__, __LINE__, #call)

/* Whether some EXPECT saw the library return `status`. */
int h_status_seen(percept_status status);

/* The last error message of this thread (static buffer). */
const char *h_last_error(void);

/* Reads a whole file (malloc'd; NULL and a message on failure). */
unsigned char *h_read_file(const char *path, size_t *len);
/* dir + "/" + name, malloc'd. */
char *h_join(const char *dir, const char *name);

/* Test groups, each in its own file. */
void test_version(const char *cargo_version);
void test_hash_text(void);
void test_reference(const char *reference_dir);
void test_pixel_formats(const char *testdata_dir);
void test_stability(void);
void test_border_trim(const char *testdata_dir);
void test_matcher(const char *testdata_dir);
void test_threads(const char *testdata_dir);
void test_errors(const char *testdata_dir);
void test_signed(const char *testdata_dir);
void test_no_hidden_threads(const char *testdata_dir, const char *large_list);

/* Matches every sample image through every entry point against a matcher
 * opened on a list with the sample list's contents (any list version or
 * signature), with the default threshold and quality, and checks the
 * answers (test_matcher.c). */
void check_sample_list_answers(const percept_matcher *m, const char *testdata_dir);

#endif
