#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int h_passed = 0;
int h_failed = 0;

/* Status codes are small non-negative numbers (see percept.h). */
#define MAX_TRACKED_STATUS 128
static int seen[MAX_TRACKED_STATUS];

void h_check(int ok, const char *file, int line, const char *expr) {
    if (ok) {
        h_passed++;
    } else {
        h_failed++;
        fprintf(stderr, "FAIL %s:%d: %s\n", file, line, expr);
    }
}

void h_checkf(int ok, const char *file, int line, const char *fmt, ...) {
    if (ok) {
        h_passed++;
        return;
    }
    h_failed++;
    fprintf(stderr, "FAIL %s:%d: ", file, line);
    va_list args;
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
}

const char *h_last_error(void) {
    static char message[PERCEPT_ERROR_MESSAGE_MAX];
    size_t len = 0;
    if (percept_last_error_message(message, sizeof message, &len) != PERCEPT_STATUS_OK) {
        snprintf(message, sizeof message, "(no message)");
    }
    return message;
}

void h_expect(percept_status got, percept_status want, const char *file, int line,
              const char *expr) {
    if (got >= 0 && got < MAX_TRACKED_STATUS) {
        seen[got] = 1;
    }
    if (got == want) {
        h_passed++;
        return;
    }
    h_failed++;
    fprintf(stderr, "FAIL %s:%d: %s returned %s, expected %s (%s)\n", file, line, expr,
            percept_status_name(got), percept_status_name(want), h_last_error());
}

int h_status_seen(percept_status status) {
    return status >= 0 && status < MAX_TRACKED_STATUS && seen[status];
}

unsigned char *h_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

char *h_join(const char *dir, const char *name) {
    size_t n = strlen(dir) + 1 + strlen(name) + 1;
    char *path = malloc(n);
    if (path != NULL) {
        snprintf(path, n, "%s/%s", dir, name);
    }
    return path;
}
