/*
 * Layouts. Expectations: the Linux boot log ("x86/fpu: xstate_offset[N]") recorded in the AMD
 * host dump and, natively, this machine's own boot log; the dump's CPUID rows; and sizes worked
 * out by hand here from the SDM 13.4.3 rules (compacted: bit order from 576, 64-byte alignment
 * where CPUID.(0xD,i).ECX[1] says).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <inttypes.h>
#include <string.h>
#include <sys/wait.h>

#include "xcr0/xcr0.h"
#include "unit.h"
#include "dumps.h"

struct tool_layout {
    uint64_t mask;
    unsigned size, n;
    struct { unsigned nr, off, size; } e[64];
    unsigned holes;
};

/* Run `xcr0 layout ARGS` and parse its table. */
static int tool_layout(const char *args, struct tool_layout *t)
{
    static char out[16384];
    char a[1400], *line, *save = NULL;

    memset(t, 0, sizeof(*t));
    snprintf(a, sizeof(a), "layout %s", args);
    if (run_tool(a, out, sizeof(out)) != 0) {
        unit_fail("xcr0 %s failed: %s", a, out);
        return -1;
    }
    for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        unsigned nr, off, size;
        char name[32];
        char *m = strstr(line, " of 0x");

        if (line[0] == '#' && m) {
            t->mask = strtoull(m + 4, NULL, 16);
        } else if (sscanf(line, " size total 0x%x", &size) == 1) {
            t->size = size;
        } else if (sscanf(line, " hole %31s 0x%x", name, &off) == 2) {
            t->holes++;
        } else if (sscanf(line, " %u %31s 0x%x %*u 0x%x", &nr, name, &off, &size) == 4) {
            t->e[t->n].nr = nr;
            t->e[t->n].off = off;
            t->e[t->n].size = size;
            t->n++;
        }
    }
    return 0;
}

static int find_entry(const struct tool_layout *t, unsigned nr)
{
    for (unsigned i = 0; i < t->n; i++) {
        if (t->e[i].nr == nr) {
            return (int)i;
        }
    }
    return -1;
}

/* Parse Linux's fpu boot lines (xstate_init_offsets/print_xstate_offset_size, "Enabled xstate
 * features 0x%llx, context size is %d bytes, using '%s' format."). */
struct bootlog {
    unsigned off[64], size[64];
    bool have[64];
    uint64_t features;
    unsigned context;
    bool compacted, found;
};

static void bootlog_line(struct bootlog *b, const char *l)
{
    const char *p;
    unsigned nr, off, size;
    char fmt[32];

    if ((p = strstr(l, "xstate_offset[")) &&
        sscanf(p, "xstate_offset[%u]: %u, xstate_sizes[%*u]: %u", &nr, &off, &size) == 3 &&
        nr < 64) {
        b->off[nr] = off;
        b->size[nr] = size;
        b->have[nr] = true;
    } else if ((p = strstr(l, "Enabled xstate features ")) &&
               sscanf(p, "Enabled xstate features 0x%" SCNx64 ", context size is %u bytes, "
                      "using '%31[a-z]'", &b->features, &b->context, fmt) == 3) {
        b->compacted = strcmp(fmt, "compacted") == 0;
        b->found = true;
    }
}

/* Compare a compacted `xcr0 layout` with a boot log. */
static void compare_bootlog(const struct bootlog *b, const char *args)
{
    struct tool_layout t;

    if (tool_layout(args, &t) != 0) {
        return;
    }
    EXPECT(t.mask == b->features, "%s: mask 0x%llx, kernel enabled 0x%llx", args,
           (unsigned long long)t.mask, (unsigned long long)b->features);
    EXPECT(t.size == b->context, "%s: size %u, kernel context size %u", args, t.size, b->context);
    for (unsigned nr = 2; nr < 64; nr++) {
        int i = find_entry(&t, nr);
        if (!b->have[nr]) {
            EXPECT(i < 0, "%s: component %u not in the kernel's log", args, nr);
            continue;
        }
        EXPECT(i >= 0 && t.e[i].off == b->off[nr] && t.e[i].size == b->size[nr],
               "%s: component %u at %u+%u, kernel %u+%u", args, nr, i >= 0 ? t.e[i].off : 0,
               i >= 0 ? t.e[i].size : 0, b->off[nr], b->size[nr]);
    }
}

/* Acceptance: the AMD host dump (a dump-file profile) against its recorded boot log. */
static void test_amd_host_dump_bootlog(void)
{
    char path[1024], args[1400];
    struct dump d;
    struct bootlog b;
    struct tool_layout t;
    uint64_t xcr0 = 0;
    const struct dump_row *r0;

    snprintf(path, sizeof(path), "%s/this-host-amd-epyc.txt", dump_dir());
    if (dump_read(path, &d) != 0) {
        unit_skip("test_amd_host_dump_bootlog", "this-host-amd-epyc.txt not found");
        return;
    }
    unit_begin();
    memset(&b, 0, sizeof(b));
    for (int i = 0; i < d.ncomments; i++) {
        const char *x = strstr(d.comments[i], "XGETBV(0) = XCR0 = ");
        if (x) {
            xcr0 = strtoull(x + 19, NULL, 16);
        }
        bootlog_line(&b, d.comments[i]);
    }
    EXPECT(xcr0 != 0 && b.found && b.compacted, "dump lacks the XCR0 note or the boot log");
    /* Compacted: what the kernel's XSAVES area holds, XCR0 | IA32_XSS. */
    snprintf(args, sizeof(args), "0x%llx --profile '%s' --compacted --xss",
             (unsigned long long)xcr0, path);
    compare_bootlog(&b, args);
    /* Standard: the dump's own sub-leaf offsets and sub-leaf 0 EBX (size at this XCR0). */
    snprintf(args, sizeof(args), "0x%llx --profile '%s'", (unsigned long long)xcr0, path);
    r0 = dump_find(&d, 0xd, 0);
    if (tool_layout(args, &t) == 0 && r0) {
        EXPECT(t.size == r0->ebx, "standard size 0x%x, dump 0xd.0 EBX 0x%x", t.size, r0->ebx);
        for (unsigned nr = 2; nr < 64; nr++) {
            const struct dump_row *r = dump_find(&d, 0xd, nr);
            int i = find_entry(&t, nr);
            if (xcr0 & (UINT64_C(1) << nr)) {
                EXPECT(i >= 0 && r && t.e[i].off == r->ebx && t.e[i].size == r->eax,
                       "standard component %u", nr);
            }
        }
    }
    unit_end("test_amd_host_dump_bootlog");
}

/* Natively: this machine's layout (host profile, live XCR0) against its own kernel boot log. */
static void test_native_bootlog(void)
{
    FILE *p = popen("dmesg 2>/dev/null | grep 'x86/fpu:'", "r");
    char line[512];
    struct bootlog b;

    memset(&b, 0, sizeof(b));
    while (p && fgets(line, sizeof(line), p)) {
        bootlog_line(&b, line);
    }
    if (p) {
        pclose(p);
    }
#if !defined(__x86_64__) && !defined(__i386__)
    unit_skip("test_native_bootlog", "not an x86 host");
    return;
#endif
    if (!b.found) {
        unit_skip("test_native_bootlog", "the kernel's x86/fpu boot lines are not readable here");
        return;
    }
    unit_begin();
    /* The kernel's own feature set: IA32_XSS may hold more than it reports (Linux programs
     * "independent" features such as arch LBR into IA32_XSS but not into this line). */
    snprintf(line, sizeof(line), "0x%llx --profile host%s", (unsigned long long)b.features,
             b.compacted ? " --compacted" : "");
    compare_bootlog(&b, line);
    unit_end("test_native_bootlog");
}

/* Sizes worked out by hand from SDM 13.4.3 and the built-in offsets. */
static void test_sdm_sizes(void)
{
    struct xcr0_profile in, amd;
    struct xcr0_layout l;
    char err[256];

    xcr0_profile_builtin("intel", &in);
    xcr0_profile_builtin("amd", &amd);
    /* Standard: the end of the last component, at least 576. */
    EXPECT(xcr0_standard_size(&in, 0x3) == 576, "intel 0x3");
    EXPECT(xcr0_standard_size(&in, 0x7) == 0x340, "intel 0x7");
    EXPECT(xcr0_standard_size(&in, 0x1f) == 0x440, "intel 0x1f");
    EXPECT(xcr0_standard_size(&in, 0x2ff) == 0xa88, "intel 0x2ff");
    EXPECT(xcr0_standard_size(&in, 0x207) == 0xa88, "intel 0x207 (hole 0x340..0xa80)");
    EXPECT(xcr0_standard_size(&amd, 0x2e7) == 0x988, "amd 0x2e7");
    /* Compacted: 576 + 256 (avx) = 832, +64 bndregs, +64 bndcsr, +64 opmask, +512, +1024,
     * +8 pkru = 2568 = 0xa08 (Cascade Lake, XSS none: its 0xD.1 EBX). */
    EXPECT(xcr0_compacted_size(&in, 0x2ff) == 0xa08, "intel compacted 0x2ff: 0x%x",
           xcr0_compacted_size(&in, 0x2ff));
    /* AMX: ... PKRU ends at 2440; TILECFG aligned to 2496 (0x9c0), TILEDATA at 2560 (0xa00),
     * total 2560 + 8192 = 0x2a00. */
    EXPECT(xcr0_layout_compacted(&in, 0x602e7, &l, err, sizeof(err)) == 0 && l.size == 0x2a00 &&
           l.entry[l.count - 2].offset == 0x9c0 && l.entry[l.count - 1].offset == 0xa00,
           "intel compacted 0x602e7: size 0x%x", l.size);
    /* Bit 63 of XCOMP_BV is the format bit, not a component. */
    EXPECT(xcr0_compacted_size(&in, 0x8000000000000007ull) == 0x340, "bit 63 ignored");
    /* AMD: 0xe7 | CET_U | CET_S = 2432 + 16 + 24 = 0x9a8; with PKRU 2440 + 16 + 24 = 0x9b0. */
    EXPECT(xcr0_compacted_size(&amd, 0x18e7) == 0x9a8, "amd 0x18e7");
    EXPECT(xcr0_compacted_size(&amd, 0x1ae7) == 0x9b0, "amd 0x1ae7");
    /* Refusals: supervisor state has no standard offset; AMD has no MPX. */
    EXPECT(xcr0_layout_standard(&amd, 0x18e7, &l, err, sizeof(err)) != 0, "standard + XSS");
    EXPECT(xcr0_layout_standard(&amd, 0x1f, &l, err, sizeof(err)) != 0, "amd has no MPX");
    EXPECT(xcr0_compacted_size(&amd, 0x1f) == 0, "amd compacted MPX");
}

/* The table shows holes: Intel PKRU without AVX-512 leaves 0x340..0xa80 empty. */
static void test_tool_holes(void)
{
    struct tool_layout t;

    if (tool_layout("0x207 --profile intel", &t) == 0) {
        EXPECT(t.holes == 1 && t.size == 0xa88 && t.n == 4, "holes %u size 0x%x n %u", t.holes,
               t.size, t.n);
    }
    if (tool_layout("x87,sse,avx,avx512,pkru,amx --profile intel --compacted", &t) == 0) {
        /* The alignment padding before TILECFG (2440..2496) is a hole. */
        EXPECT(t.holes == 1 && t.size == 0x2a00, "compacted holes %u size 0x%x", t.holes,
               t.size);
    }
}

int main(void)
{
    test_amd_host_dump_bootlog();
    test_native_bootlog();
    RUN(test_sdm_sizes);
    RUN(test_tool_holes);
    UNIT_EXIT();
}
