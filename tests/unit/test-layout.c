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

/*
 * Issue 14: sizes and offsets are 32-bit CPUID values a dump may set to anything. Two
 * supervisor components of 0x7fffffff bytes made a compacted area of 576 + 0xfffffffe bytes,
 * which 32-bit sums wrapped to 574 (the dump's 0xD.1 EBX 0x23e "matched" it); `xcr0 decode`
 * then read gigabytes past the image and `xcr0 convert` copied 2 GiB. Every such profile is
 * refused, in one line naming what is wrong and the limit (16 MiB, XCR0_AREA_MAX); what stays
 * below it keeps working.
 */
static void test_area_limits(void)
{
    static const struct {
        const char *what, *text, *needle;
    } bad[] = {
        { "wrapped compacted size",
          "0000000d 00000000 00000003 00000240 00000240 00000000\n"
          "0000000d 00000001 0000000f 0000023e 00001800 00000000\n"
          "0000000d 0000000b 7fffffff 00000000 00000001 00000000\n"
          "0000000d 0000000c 7fffffff 00000000 00000001 00000000\n",
          "line 3: component 11's size 0x7fffffff is too large; at most 0xfffdc0" },
        { "compacted sum beyond 16 MiB",
          "0000000d 00000000 00000003 00000240 00000240 00000000\n"
          "0000000d 00000001 0000000f 01400240 00001800 00000000\n"
          "0000000d 0000000b 00a00000 00000000 00000001 00000000\n"
          "0000000d 0000000c 00a00000 00000000 00000001 00000000\n",
          "would be 0x1400240 bytes; at most 0x1000000 (16 MiB)" },
        { "user component past 16 MiB",
          "0000000d 00000000 00000207 01000248 01000248 00000000\n"
          "0000000d 00000002 00000100 00000240 00000000 00000000\n"
          "0000000d 00000009 00000008 01000240 00000000 00000000\n",
          "line 3: component 9 ends at 0x1000248" },
    };
    /* Within the limit: a 1 MiB Hi16_ZMM (tests/tcg/x86_64/data/bad-1mib-component.txt, which
     * the emulator refuses for its own reasons) is a profile the library can lay out. */
    static const char big[] =
        "0000000d 00000000 000000e7 00100580 00100580 00000000\n"
        "0000000d 00000001 00000001 00000000 00000000 00000000\n"
        "0000000d 00000002 00000100 00000240 00000000 00000000\n"
        "0000000d 00000005 00000040 00000340 00000000 00000000\n"
        "0000000d 00000006 00000200 00000380 00000000 00000000\n"
        "0000000d 00000007 00100000 00000580 00000000 00000000\n";
    static _Alignas(64) uint8_t img[1024];
    struct xcr0_profile p;
    struct xcr0_layout l;
    struct xcr0_image im;
    char err[512], dump[64], image[64], out_path[80], args[400], out[4096];
    int st;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        EXPECT(xcr0_profile_parse(bad[i].text, strlen(bad[i].text), "t", &p, err,
                                  sizeof(err)) == -1, "%s: accepted", bad[i].what);
        EXPECT(strstr(err, bad[i].needle) && !strchr(err, '\n'), "%s: error '%s' lacks '%s'",
               bad[i].what, err, bad[i].needle);
    }
    EXPECT(xcr0_profile_parse(big, sizeof(big) - 1, "big", &p, err, sizeof(err)) == 0 &&
           xcr0_standard_size(&p, 0xe7) == 0x100580 &&
           xcr0_compacted_size(&p, 0xe7) == 0x100580, "1 MiB Hi16_ZMM: %s", err);

    /* A profile filled in by hand (it is a plain struct) meets the same limit in the layouts:
     * no wrapped size, and decoding refuses rather than reading past the image. */
    xcr0_profile_builtin("intel", &p);
    p.xss_supported = 0x1800;
    for (unsigned nr = 11; nr <= 12; nr++) {
        p.comp[nr] = (struct xcr0_profile_component){ 0x7fffffffu, 0, true, false, false };
    }
    err[0] = '\0';
    st = xcr0_layout_compacted(&p, 0x1803, &l, err, sizeof(err));
    EXPECT(st == -1 && strstr(err, "at most 0x1000000") && !strchr(err, '\n'),
           "hand-made profile: compacted layout of 0x1803 gave %d, size %u: '%s'", st,
           st == 0 ? l.size : 0, err);
    EXPECT(xcr0_compacted_size(&p, 0x1803) == 0, "compacted size 0x%x",
           xcr0_compacted_size(&p, 0x1803));
    p.comp[9].offset = 0xfffffff8u;
    EXPECT(xcr0_standard_size(&p, 0x207) == 0, "standard size past 4 GiB: 0x%x",
           xcr0_standard_size(&p, 0x207));
    memset(img, 0, sizeof(img));
    img[0] = 0x7f;
    img[1] = 0x03;
    wr32(img + 24, 0x1f80);
    wr64(img + 512, 0x1800);
    wr64(img + 520, 0x8000000000001803ull);
    if (st == -1) { /* the old code read 2 GiB past img here */
        EXPECT(xcr0_image_decode(&p, img, 576, &im, err, sizeof(err)) == -1 &&
               !strchr(err, '\n'), "hand-made profile: image decoded");
    }

    /* The command: one line and exit 1, where it used to die of SIGSEGV (decode) or copy
     * 2 GiB (convert). */
    if (temp_file(dump, bad[0].text, strlen(bad[0].text)) != 0 ||
        temp_file(image, img, sizeof(img)) != 0) {
        unit_fail("cannot write temporary files");
        return;
    }
    snprintf(out_path, sizeof(out_path), "%s.out", image);
    snprintf(args, sizeof(args), "decode %s --profile %s", image, dump);
    st = run_tool(args, out, sizeof(out));
    EXPECT(st == 1 && one_line(out, "xcr0: ") && strstr(out, "at most"), "xcr0 %s: exit %d, '%s'",
           args, st, out);
    snprintf(args, sizeof(args), "convert %s %s --from %s --to %s --compacted", image, out_path,
             dump, dump);
    st = run_tool(args, out, sizeof(out));
    EXPECT(st == 1 && one_line(out, "xcr0: ") && strstr(out, "at most"), "xcr0 %s: exit %d, '%s'",
           args, st, out);
    snprintf(args, sizeof(args), "layout 0x1803 --compacted --profile %s", dump);
    st = run_tool(args, out, sizeof(out));
    EXPECT(st == 1 && one_line(out, "xcr0: "), "xcr0 %s: exit %d, '%s'", args, st, out);
    remove(dump);
    remove(image);
    remove(out_path);
}

int main(void)
{
    test_amd_host_dump_bootlog();
    test_native_bootlog();
    RUN(test_sdm_sizes);
    RUN(test_tool_holes);
    RUN(test_area_limits);
    UNIT_EXIT();
}
