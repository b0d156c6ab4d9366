/* The C ABI tests:
 *   percept_test TESTDATA_DIR PDQ_REFERENCE_DIR CARGO_VERSION LARGE_LIST
 * (PDQ_REFERENCE_DIR: testdata/reference, or Meta's full set with the same
 * layout; LARGE_LIST: a list of at least 100,000 entries, for the thread test)
 * Ends with "N passed, N failed"; exits non-zero on any failure. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

/* Every status the header declares; each must be produced by some test. */
static const struct {
    percept_status code;
    const char *name;
} STATUSES[] = {
#define S(code) {code, #code}
    S(PERCEPT_STATUS_OK),
    S(PERCEPT_STATUS_NULL_ARGUMENT),
    S(PERCEPT_STATUS_INVALID_ARGUMENT),
    S(PERCEPT_STATUS_BUFFER_TOO_SMALL),
    S(PERCEPT_STATUS_IO_ERROR),
    S(PERCEPT_STATUS_UNSUPPORTED_FORMAT),
    S(PERCEPT_STATUS_IMAGE_TOO_LARGE),
    S(PERCEPT_STATUS_DECODE_FAILED),
    S(PERCEPT_STATUS_MALFORMED_LIST),
    S(PERCEPT_STATUS_LIST_CHECKSUM_MISMATCH),
    S(PERCEPT_STATUS_UNSUPPORTED_LIST_VERSION),
    S(PERCEPT_STATUS_LIST_TOO_LARGE),
    S(PERCEPT_STATUS_LIST_UNSIGNED),
    S(PERCEPT_STATUS_LIST_BAD_SIGNATURE),
    S(PERCEPT_STATUS_LIST_UNTRUSTED_SIGNER),
    S(PERCEPT_STATUS_LIST_ROLLED_BACK),
    S(PERCEPT_STATUS_PANIC),
#undef S
};

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s TESTDATA_DIR PDQ_REFERENCE_DIR CARGO_VERSION LARGE_LIST\n",
                argv[0]);
        return 2;
    }
    const char *testdata = argv[1], *reference = argv[2], *cargo_version = argv[3];
    const char *large_list = argv[4];
    printf("percept %s (ABI %u)\n", percept_version(), percept_abi_version());

    /* First, while the process has only the threads it started with. */
    test_no_hidden_threads(testdata, large_list);

    test_version(cargo_version);
    test_hash_text();
    test_reference(reference);
    test_pixel_formats(testdata);
    test_stability();
    test_matcher(testdata);
    test_border_trim(testdata);
    test_threads(testdata);
    test_errors(testdata);
    test_signed(testdata);

    /* Machine-readable for scripts/check-ffi-coverage.py. */
    printf("statuses produced:");
    for (size_t i = 0; i < sizeof STATUSES / sizeof STATUSES[0]; i++) {
        if (h_status_seen(STATUSES[i].code)) printf(" %d", STATUSES[i].code);
    }
    printf("\n");
    for (size_t i = 0; i < sizeof STATUSES / sizeof STATUSES[0]; i++) {
        CHECKF(h_status_seen(STATUSES[i].code), "no test produced %s", STATUSES[i].name);
    }
    printf("%d passed, %d failed\n", h_passed, h_failed);
    return h_failed == 0 ? 0 : 1;
}
