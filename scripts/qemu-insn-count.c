/*
 * A minimal QEMU TCG plugin that counts executed guest instructions, for
 * scripts/arm-instructions.sh (wall time under emulation means nothing;
 * an instruction count is deterministic).
 *
 * Build:  gcc -O2 -shared -fPIC -o libinsncount.so scripts/qemu-insn-count.c
 * Use:    qemu-aarch64 -plugin ./libinsncount.so,out=FILE[,mode=tb|inline] PROG ARGS
 * At exit it writes "insns N" to FILE (or to stderr without out=).
 *
 * Modes:
 *   tb (default)  At translation, each block gets an execution callback
 *                 carrying its instruction count; the callback adds it to a
 *                 counter of the vCPU (guest thread) that runs the block.
 *                 One counter per thread, so threads never race on one.
 *                 A block counts whole: only a fault in its middle (a
 *                 SIGSEGV the guest handles) would overcount, which these
 *                 programs do not do.
 *   inline        Each instruction gets an inline "add 1" to one shared
 *                 counter (no call per block, so faster). QEMU's inline add
 *                 is not atomic: two guest threads running at the same
 *                 time can lose counts.
 *
 * Debian does not ship QEMU's plugin header (its qemu package lists
 * qemu-plugin.h in debian/not-installed), so the few declarations used are
 * written out below. They follow the public plugin API, version 1, as in
 * QEMU 7.2's include/qemu/qemu-plugin.h (Debian 12's qemu-user); the loader
 * refuses a plugin whose qemu_plugin_version it does not support, and
 * qemu_plugin_install checks the API range QEMU reports.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- The plugin API subset (C ABI of QEMU's plugin interface). ---- */
#define EXPORT __attribute__((visibility("default")))
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t {
    const char *target_name;
    struct {
        int min;
        int cur;
    } version;
    bool system_emulation;
    union {
        struct {
            int smp_vcpus;
            int max_vcpus;
        } system;
    };
} qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn, enum qemu_plugin_op op,
                                                void *ptr, uint64_t imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);

EXPORT int qemu_plugin_version = 1;

/* ---- The counter. ---- */

/* One counter per vCPU index, each on its own cache line. In user mode a
 * guest thread is a vCPU; indexes of exited threads may be reused, which
 * is fine as only the sum is reported. */
#define SLOTS 1024
static struct {
    uint64_t n;
    char pad[56];
} per_vcpu[SLOTS];
static _Atomic uint64_t overflow; /* vCPU index >= SLOTS (never expected) */
static uint64_t shared_count;     /* inline mode */
static bool inline_mode;
static const char *out_path;

static void on_block(unsigned int vcpu, void *udata)
{
    uint64_t n = (uint64_t)(uintptr_t)udata;
    if (vcpu < SLOTS) {
        per_vcpu[vcpu].n += n;
    } else {
        atomic_fetch_add(&overflow, n);
    }
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    if (inline_mode) {
        for (size_t i = 0; i < n; i++) {
            qemu_plugin_register_vcpu_insn_exec_inline(qemu_plugin_tb_get_insn(tb, i),
                                                       QEMU_PLUGIN_INLINE_ADD_U64, &shared_count, 1);
        }
    } else {
        qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)n);
    }
}

static void at_exit_cb(qemu_plugin_id_t id, void *udata)
{
    (void)id;
    (void)udata;
    uint64_t total = shared_count + atomic_load(&overflow);
    for (size_t i = 0; i < SLOTS; i++) {
        total += per_vcpu[i].n;
    }
    FILE *f = out_path ? fopen(out_path, "w") : stderr;
    if (!f) {
        perror(out_path);
        return;
    }
    fprintf(f, "insns %llu\n", (unsigned long long)total);
    if (f != stderr) {
        fclose(f);
    }
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    if (info->version.min > 1 || info->version.cur < 1) {
        fprintf(stderr, "qemu-insn-count: QEMU plugin API %d..%d lacks version 1\n", info->version.min,
                info->version.cur);
        return -1;
    }
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "out=", 4) == 0) {
            out_path = argv[i] + 4;
        } else if (strcmp(argv[i], "mode=inline") == 0) {
            inline_mode = true;
        } else if (strcmp(argv[i], "mode=tb") == 0) {
            inline_mode = false;
        } else {
            fprintf(stderr, "qemu-insn-count: unknown argument %s (out=FILE, mode=tb|inline)\n", argv[i]);
            return -1;
        }
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, at_exit_cb, NULL);
    return 0;
}
