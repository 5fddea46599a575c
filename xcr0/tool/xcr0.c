/*
 * xcr0 — inspect XCR0 values, XSAVE layouts, CPUID leaf 0xD and XSAVE images.
 *
 * Every command: bad arguments give one line on stderr and exit status 1.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
/* syscall() for arch_prctl is a GNU/BSD extension, hidden under -std=c11. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__) && (defined(__x86_64__) || defined(__i386__))
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "xcr0/xcr0.h"

/* An image is at most the largest XSAVE area a profile may describe: any image of an accepted
 * profile can be read. */
#define MAX_IMAGE XCR0_AREA_MAX

static const char usage_text[] =
    "Usage: xcr0 COMMAND [ARGS]   (xcr0 COMMAND --help for details)\n"
    "  describe [MASK] [--profile P]       the state components in MASK; P's vendor rules\n"
    "  check MASK [--profile P]            exit 0 if MASK is a legal XCR0, else name the rule\n"
    "  layout MASK [--profile P] [--compacted] [--xss]\n"
    "                                      offsets, sizes, alignment and holes\n"
    "  cpuid [--profile P] [--xcr0 MASK]   CPUID leaf 0xd rows as in tests/data/cpuid\n"
    "  decode FILE [--profile P]           the components of an XSAVE image\n"
    "  diff A B [--profile P] [--profile-b Q]  compare two images component by component\n"
    "  convert IN OUT --from P --to Q [--compacted]\n"
    "                                      re-lay an image for another profile or format\n"
    "  host                                this machine's XCR0, XINUSE, leaf 0xd, kernel view\n"
    "MASK: a number (0xe7, 231), components (x87,sse,avx; groups avx512, mpx, amx) or 'host'.\n"
    "P: intel (default), amd, host, or a CPUID dump file in the tests/data/cpuid format.\n";

static const struct {
    const char *cmd, *help;
} helps[] = {
    { "describe", "Usage: xcr0 describe [MASK] [--profile P]\n"
      "List the state components in MASK: number, name, size, user/supervisor, description.\n"
      "With --profile, first the profile's vendor and the vendor rules its XSAVE behaviour\n"
      "follows (XINUSE, x87 pointers, FCW and MXCSR masks, XSAVES, XSAVEOPT), in the syntax of\n"
      "a CPUID dump's '# rules:' line.\n" },
    { "check", "Usage: xcr0 check MASK [--profile P | --supported MASK]\n"
      "Exit 0 if MASK is a legal XCR0 value for the profile (default: the architectural rules\n"
      "only), otherwise print the broken rule on one line and exit 1.\n" },
    { "layout", "Usage: xcr0 layout MASK [--profile P] [--compacted] [--xss]\n"
      "Print the XSAVE area layout of MASK on profile P (default intel): component, offset, size,\n"
      "64-byte alignment, and the holes between components. --compacted gives the compacted\n"
      "format (MASK is then XCOMP_BV and may include supervisor components); --xss adds the\n"
      "profile's IA32_XSS (as XSAVES would, and as Linux's boot log reports).\n" },
    { "cpuid", "Usage: xcr0 cpuid [--profile P] [--xcr0 MASK]\n"
      "Print CPUID leaf 0xd as a user program on profile P sees it with this XCR0 (default: every\n"
      "user component the profile supports): rows 'leaf sub-leaf eax ebx ecx edx' in 8-digit\n"
      "lowercase hex, sub-leaf 0, 1, then every supported component.\n" },
    { "decode", "Usage: xcr0 decode FILE [--profile P]\n"
      "Decode an XSAVE image (standard or compacted) laid out for profile P and say whether the\n"
      "profile's XRSTOR (with XCR0 = the profile's XCR0, RFBM = all) would accept it.\n" },
    { "diff", "Usage: xcr0 diff A B [--profile P] [--profile-b Q]\n"
      "Compare two XSAVE images component by component (a component outside XSTATE_BV counts as\n"
      "its init state). Exit 0 if the states are equal, 1 if they differ or on error.\n" },
    { "convert", "Usage: xcr0 convert IN OUT --from P --to Q [--compacted]\n"
      "Re-lay the XSAVE image IN (laid out for P) for profile Q, in the standard format or with\n"
      "--compacted the compacted one. State Q cannot hold is refused, never dropped.\n" },
    { "host", "Usage: xcr0 host\n"
      "Show this machine's XCR0, XGETBV(1) = XCR0 & XINUSE, CPUID leaf 0xd, the IA32_XSS that\n"
      "CPUID implies, and the kernel's ARCH_GET_XCOMP_SUPP/ARCH_GET_XCOMP_PERM (x86 Linux).\n" },
};

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
    va_list ap;

    fputs("xcr0: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static uint64_t mask_arg(const char *text)
{
    char err[512];
    uint64_t mask;

    if (xcr0_parse_mask(text, &mask, err, sizeof(err)) != 0) {
        fail("%s", err);
    }
    return mask;
}

/* What the library left out of a profile (rows it ignored): one line on stderr. */
static void profile_note(const char *spec, const struct xcr0_profile *p)
{
    char note[512];

    if (xcr0_profile_note(p, note, sizeof(note))) {
        fprintf(stderr, "xcr0: note: profile '%s': %s\n", spec, note);
    }
}

static void profile_arg(const char *spec, struct xcr0_profile *p)
{
    char err[512];

    if (xcr0_profile_open(spec, p, err, sizeof(err)) != 0) {
        fail("profile '%s': %s", spec, err);
    }
    profile_note(spec, p);
}

/* Options shared by the commands; each command says which it accepts. */
struct opts {
    const char *pos[3];
    unsigned npos;
    const char *profile, *profile_b, *from, *to, *xcr0, *supported;
    bool compacted, xss;
};

enum {
    O_PROFILE = 1, O_PROFILE_B = 2, O_FROM = 4, O_TO = 8, O_XCR0 = 16, O_SUPPORTED = 32,
    O_COMPACTED = 64, O_XSS = 128,
    O_FEWER_ARGS = 256, /* npos is a maximum, not an exact count */
};

static void parse_opts(const char *cmd, int argc, char **argv, unsigned allowed, unsigned npos,
                       struct opts *o)
{
    static const struct {
        const char *name;
        unsigned flag;
        size_t off;
    } valued[] = {
        { "--profile", O_PROFILE, offsetof(struct opts, profile) },
        { "--profile-b", O_PROFILE_B, offsetof(struct opts, profile_b) },
        { "--from", O_FROM, offsetof(struct opts, from) },
        { "--to", O_TO, offsetof(struct opts, to) },
        { "--xcr0", O_XCR0, offsetof(struct opts, xcr0) },
        { "--supported", O_SUPPORTED, offsetof(struct opts, supported) },
    };

    memset(o, 0, sizeof(*o));
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool done = false;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            for (size_t h = 0; h < sizeof(helps) / sizeof(helps[0]); h++) {
                if (strcmp(helps[h].cmd, cmd) == 0) {
                    fputs(helps[h].help, stdout);
                }
            }
            exit(0);
        }
        if ((allowed & O_COMPACTED) && strcmp(a, "--compacted") == 0) {
            o->compacted = true;
            continue;
        }
        if ((allowed & O_XSS) && strcmp(a, "--xss") == 0) {
            o->xss = true;
            continue;
        }
        for (size_t v = 0; v < sizeof(valued) / sizeof(valued[0]); v++) {
            size_t n = strlen(valued[v].name);
            const char *val = NULL;

            if (!(allowed & valued[v].flag) || strncmp(a, valued[v].name, n) != 0) {
                continue;
            }
            if (a[n] == '=') {
                val = a + n + 1;
            } else if (a[n] == '\0') {
                if (i + 1 >= argc) {
                    fail("%s: %s needs a value (see xcr0 %s --help)", cmd, a, cmd);
                }
                val = argv[++i];
            } else {
                continue;
            }
            *(const char **)((char *)o + valued[v].off) = val;
            done = true;
            break;
        }
        if (done) {
            continue;
        }
        if (a[0] == '-' && a[1] != '\0') {
            fail("%s: unknown option '%s' (see xcr0 %s --help)", cmd, a, cmd);
        }
        if (o->npos >= npos || o->npos >= sizeof(o->pos) / sizeof(o->pos[0])) {
            fail("%s: unexpected argument '%s' (see xcr0 %s --help)", cmd, a, cmd);
        }
        o->pos[o->npos++] = a;
    }
    if (o->npos != npos && !((allowed & O_FEWER_ARGS) && o->npos < npos)) {
        fail("%s: expected %u argument%s, got %u (see xcr0 %s --help)", cmd, npos,
             npos == 1 ? "" : "s", o->npos, cmd);
    }
}

static const char *name_of(unsigned nr, char *buf, size_t len)
{
    const struct xcr0_component *c = xcr0_component(nr);

    if (c) {
        return c->name;
    }
    snprintf(buf, len, "bit%u", nr);
    return buf;
}

static int cmd_describe(int argc, char **argv)
{
    struct opts o;
    uint64_t mask;

    parse_opts("describe", argc, argv, O_PROFILE | O_FEWER_ARGS, 1, &o);
    if (o.profile) {
        struct xcr0_profile p;
        char rules[1024];

        profile_arg(o.profile, &p);
        xcr0_vendor_rules_format(&p, rules, sizeof(rules));
        printf("%-24s %s\n", "profile", p.name);
        printf("%-24s %s\n", "vendor", p.vendor[0] ? p.vendor : "(unknown)");
        printf("%-24s 0x%llx\n", "supported", (unsigned long long)p.supported);
        fputs(rules, stdout);
        if (o.npos == 0) {
            return 0;
        }
        printf("\n");
    } else if (o.npos == 0) {
        fail("describe: expected a MASK, or --profile P (see xcr0 describe --help)");
    }
    mask = mask_arg(o.pos[0]);
    for (unsigned nr = 0; nr < 64; nr++) {
        const struct xcr0_component *c = xcr0_component(nr);
        if (!(mask & XCR0_BIT(nr))) {
            continue;
        }
        if (c) {
            printf("%2u  %-10s %5u bytes  %-10s  %s\n", nr, c->name, (unsigned)c->size,
                   c->supervisor ? "supervisor" : "user", c->description);
        } else {
            printf("%2u  %-10s (no state component is defined for this bit)\n", nr, "?");
        }
    }
    return 0;
}

static int cmd_check(int argc, char **argv)
{
    struct opts o;
    struct xcr0_profile p;
    uint64_t mask, supported = UINT64_MAX;
    enum xcr0_rule rule;
    char why[512];

    parse_opts("check", argc, argv, O_PROFILE | O_SUPPORTED, 1, &o);
    if (o.profile && o.supported) {
        fail("check: give --profile or --supported, not both");
    }
    if (o.profile) {
        profile_arg(o.profile, &p);
        supported = p.supported;
    } else if (o.supported) {
        supported = mask_arg(o.supported);
    }
    mask = mask_arg(o.pos[0]);
    rule = xcr0_check(mask, supported);
    xcr0_rule_explain(rule, mask, supported, why, sizeof(why));
    if (rule != XCR0_RULE_OK) {
        fprintf(stderr, "xcr0: 0x%llx is illegal: %s\n", (unsigned long long)mask, why);
        return 1;
    }
    printf("0x%llx: legal\n", (unsigned long long)mask);
    return 0;
}

static int cmd_layout(int argc, char **argv)
{
    struct opts o;
    struct xcr0_profile p;
    struct xcr0_layout l;
    uint64_t mask;
    char err[512], names[512], nb[16];
    uint64_t at = 0; /* offsets and sizes are 32-bit; their sums are taken in 64 bits */
    int r;

    parse_opts("layout", argc, argv, O_PROFILE | O_COMPACTED | O_XSS, 1, &o);
    profile_arg(o.profile ? o.profile : "intel", &p);
    mask = mask_arg(o.pos[0]);
    if (o.xss) {
        mask |= p.xss;
    }
    r = o.compacted ? xcr0_layout_compacted(&p, mask, &l, err, sizeof(err))
                    : xcr0_layout_standard(&p, mask, &l, err, sizeof(err));
    if (r != 0) {
        fail("layout: %s", err);
    }
    xcr0_format_names(l.mask, names, sizeof(names));
    printf("# %s format of 0x%llx (%s) on profile %s: %u bytes (0x%x)\n",
           o.compacted ? "compacted" : "standard", (unsigned long long)l.mask, names, p.name,
           l.size, l.size);
    printf("# comp  name        offset          size            align64\n");
    for (unsigned i = 0; i < l.count; i++) {
        const struct xcr0_layout_entry *e = &l.entry[i];
        /* The legacy region and the header sit between SSE and the first extended component. */
        if (e->nr >= 2 && at < XCR0_EXTENDED_START) {
            at = XCR0_EXTENDED_START;
        }
        if (e->offset > at) {
            printf("  hole  %-10s  0x%04x %6u   0x%04x %6u\n", "-", (unsigned)at, (unsigned)at,
                   (unsigned)(e->offset - at), (unsigned)(e->offset - at));
        }
        printf("  %4u  %-10s  0x%04x %6u   0x%04x %6u   %s\n", e->nr,
               name_of(e->nr, nb, sizeof(nb)), e->offset, e->offset, e->size, e->size,
               e->align64 ? "yes" : "no");
        if ((uint64_t)e->offset + e->size > at) {
            at = (uint64_t)e->offset + e->size;
        }
    }
    printf("  size  %-10s  0x%04x %6u\n", "total", l.size, l.size);
    return 0;
}

static int cmd_cpuid(int argc, char **argv)
{
    struct opts o;
    struct xcr0_profile p;
    uint64_t xcr0;

    parse_opts("cpuid", argc, argv, O_PROFILE | O_XCR0, 0, &o);
    profile_arg(o.profile ? o.profile : "intel", &p);
    xcr0 = o.xcr0 ? mask_arg(o.xcr0) : (p.supported & ~p.xss_supported);
    if (xcr0_check_profile(&p, xcr0) != XCR0_RULE_OK) {
        char why[512];
        xcr0_rule_explain(xcr0_check_profile(&p, xcr0), xcr0, p.supported, why, sizeof(why));
        fail("cpuid: XCR0 0x%llx is illegal on %s: %s", (unsigned long long)xcr0, p.name, why);
    }
    for (uint32_t sub = 0; sub < 64; sub++) {
        struct xcr0_cpuid_regs r;

        if (sub >= 2 && !((p.supported | p.xss_supported) & XCR0_BIT(sub))) {
            continue;
        }
        xcr0_cpuid_leaf_d(&p, xcr0, sub, &r);
        printf("0000000d %08x %08x %08x %08x %08x\n", sub, r.eax, r.ebx, r.ecx, r.edx);
    }
    return 0;
}

/*
 * Read a whole image file (at most MAX_IMAGE bytes) into a 64-byte aligned buffer of the file's
 * own size (rounded up to 64 for aligned_alloc), so that a read past the image is a read past
 * the buffer, which the sanitizers see.
 */
static uint8_t *read_image(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *tmp = NULL, *buf;
    size_t n = 0, cap = 0;

    if (f == NULL) {
        fail("%s: %s", path, strerror(errno));
    }
    for (;;) {
        size_t got;

        if (n == cap) {
            if (cap > MAX_IMAGE) {
                fail("%s: larger than %u bytes (16 MiB, the largest XSAVE area a profile may "
                     "describe), not an XSAVE image", path, MAX_IMAGE);
            }
            cap = cap ? cap * 2 : 4096;
            tmp = realloc(tmp, cap);
            if (tmp == NULL) {
                fail("out of memory");
            }
        }
        got = fread(tmp + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        fail("%s: read error", path);
    }
    fclose(f);
    if (n > MAX_IMAGE) {
        fail("%s: larger than %u bytes (16 MiB, the largest XSAVE area a profile may describe), "
             "not an XSAVE image", path, MAX_IMAGE);
    }
    buf = aligned_alloc(64, n ? (n + 63) & ~(size_t)63 : 64);
    if (buf == NULL) {
        fail("out of memory");
    }
    memcpy(buf, tmp, n);
    free(tmp);
    *len = n;
    return buf;
}

static int cmd_decode(int argc, char **argv)
{
    struct opts o;
    struct xcr0_profile p;
    struct xcr0_image img;
    enum xcr0_image_fault f;
    char err[512], names[512], nb[16];
    size_t len;
    uint8_t *buf;

    parse_opts("decode", argc, argv, O_PROFILE, 1, &o);
    profile_arg(o.profile ? o.profile : "intel", &p);
    buf = read_image(o.pos[0], &len);
    if (xcr0_image_decode(&p, buf, len, &img, err, sizeof(err)) != 0) {
        fail("decode: %s: %s", o.pos[0], err);
    }
    xcr0_format_names(img.xstate_bv, names, sizeof(names));
    printf("format     %s (%zu bytes, layout %u)\n", img.compacted ? "compacted" : "standard",
           len, img.size);
    printf("XSTATE_BV  0x%016llx  %s\n", (unsigned long long)img.xstate_bv, names);
    xcr0_format_names(img.xcomp_bv & ~XCR0_XCOMP_BV_COMPACTED, names, sizeof(names));
    printf("XCOMP_BV   0x%016llx  %s\n", (unsigned long long)img.xcomp_bv,
           img.compacted ? names : "-");
    printf("MXCSR      0x%08x\n", img.mxcsr);
    printf("# comp  name        offset  size    state\n");
    for (unsigned i = 0; i < img.count; i++) {
        const struct xcr0_image_component *c = &img.comp[i];
        printf("  %4u  %-10s  0x%04x  0x%04x  %s\n", c->nr, name_of(c->nr, nb, sizeof(nb)),
               c->offset, c->size,
               !c->in_xstate_bv ? "init (not in XSTATE_BV)" : c->init ? "in XSTATE_BV, init values"
                                                                       : "in use");
    }
    f = xcr0_image_validate(&p, p.xcr0, UINT64_MAX, buf, len);
    printf("XRSTOR     %s (XCR0 0x%llx, RFBM all)\n", xcr0_image_fault_str(f),
           (unsigned long long)p.xcr0);
    free(buf);
    return 0;
}

static int cmd_diff(int argc, char **argv)
{
    struct opts o;
    struct xcr0_profile pa, pb;
    char err[512], names[512];
    size_t la, lb;
    uint8_t *a, *b;
    uint64_t differ;

    parse_opts("diff", argc, argv, O_PROFILE | O_PROFILE_B, 2, &o);
    profile_arg(o.profile ? o.profile : "intel", &pa);
    profile_arg(o.profile_b ? o.profile_b : (o.profile ? o.profile : "intel"), &pb);
    a = read_image(o.pos[0], &la);
    b = read_image(o.pos[1], &lb);
    if (xcr0_image_compare(&pa, a, la, &pb, b, lb, &differ, err, sizeof(err)) != 0) {
        fail("diff: %s", err);
    }
    free(a);
    free(b);
    if (differ == 0) {
        printf("same state\n");
        return 0;
    }
    xcr0_format_names(differ, names, sizeof(names));
    printf("differ: %s\n", names);
    return 1;
}

static int cmd_convert(int argc, char **argv)
{
    struct opts o;
    struct xcr0_profile from, to;
    char err[512];
    size_t len, outlen;
    uint8_t *in, *out;
    FILE *f;

    parse_opts("convert", argc, argv, O_FROM | O_TO | O_COMPACTED, 2, &o);
    if (o.from == NULL || o.to == NULL) {
        fail("convert: --from P and --to Q are required (see xcr0 convert --help)");
    }
    profile_arg(o.from, &from);
    profile_arg(o.to, &to);
    in = read_image(o.pos[0], &len);
    out = malloc(MAX_IMAGE);
    if (out == NULL) {
        fail("out of memory");
    }
    if (xcr0_image_convert(&from, in, len, &to, o.compacted, out, MAX_IMAGE, &outlen, err,
                           sizeof(err)) != 0) {
        fail("convert: %s", err);
    }
    f = fopen(o.pos[1], "wb");
    if (f == NULL || fwrite(out, 1, outlen, f) != outlen || fclose(f) != 0) {
        fail("%s: %s", o.pos[1], strerror(errno));
    }
    printf("wrote %zu bytes (%s format for %s)\n", outlen, o.compacted ? "compacted" : "standard",
           to.name);
    free(in);
    free(out);
    return 0;
}

static int cmd_host(int argc, char **argv)
{
    struct opts o;
    struct xcr0_profile p;
    uint64_t xinuse;
    char err[512], names[512];

    parse_opts("host", argc, argv, 0, 0, &o);
#if !defined(__x86_64__) && !defined(__i386__)
    fail("host: this machine is not x86 and has no XCR0 or CPUID leaf 0xd; name a value or a "
         "profile instead (xcr0 cpuid --profile intel|amd|FILE --xcr0 MASK)");
#endif
    if (xcr0_profile_host(&p, err, sizeof(err)) != 0) {
        fail("host: %s", err);
    }
    profile_note("host", &p);
    xcr0_format_names(p.xcr0, names, sizeof(names));
    printf("vendor     %s\n", p.vendor);
    printf("XCR0       0x%016llx  %s\n", (unsigned long long)p.xcr0, names);
    if (xcr0_host_xinuse(&xinuse, err, sizeof(err)) == 0) {
        xcr0_format_names(xinuse, names, sizeof(names));
        printf("XGETBV(1)  0x%016llx  %s (XCR0 & XINUSE now)\n", (unsigned long long)xinuse,
               names);
    } else {
        printf("XGETBV(1)  unavailable: %s\n", err);
    }
    xcr0_format_names(p.xss, names, sizeof(names));
    printf("IA32_XSS   0x%016llx  %s (implied by CPUID.(0xd,1).EBX%s)\n",
           (unsigned long long)p.xss, names, p.xss_ambiguous ? ", ambiguous" : "");
#if defined(__linux__) && (defined(__x86_64__) || defined(__i386__))
    {
        /* ARCH_GET_XCOMP_SUPP 0x1021, ARCH_GET_XCOMP_PERM 0x1022 (Linux 5.16+, uapi prctl.h). */
        static const struct {
            long code;
            const char *name;
        } q[] = { { 0x1021, "ARCH_GET_XCOMP_SUPP" }, { 0x1022, "ARCH_GET_XCOMP_PERM" } };
        for (size_t i = 0; i < 2; i++) {
            unsigned long long v = 0;
            if (syscall(SYS_arch_prctl, q[i].code, &v) == 0) {
                xcr0_format_names(v, names, sizeof(names));
                printf("%-20s 0x%llx  %s\n", q[i].name, v, names);
            } else {
                printf("%-20s failed: %s\n", q[i].name, strerror(errno));
            }
        }
    }
#endif
    printf("# leaf 0xd as CPUID reports it here\n");
    for (uint32_t sub = 0; sub < 64; sub++) {
        struct xcr0_cpuid_regs r;
        if (xcr0_host_cpuid(0xd, sub, &r, err, sizeof(err)) != 0) {
            fail("host: %s", err);
        }
        if (sub < 2 || r.eax || r.ebx || r.ecx || r.edx) {
            printf("0000000d %08x %08x %08x %08x %08x\n", sub, r.eax, r.ebx, r.ecx, r.edx);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {
        { "describe", cmd_describe }, { "check", cmd_check }, { "layout", cmd_layout },
        { "cpuid", cmd_cpuid }, { "decode", cmd_decode }, { "diff", cmd_diff },
        { "convert", cmd_convert }, { "host", cmd_host },
    };

    if (argc < 2) {
        fail("no command given (see xcr0 --help)");
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        if (strcmp(argv[1], cmds[i].name) == 0) {
            return cmds[i].fn(argc - 1, argv + 1);
        }
    }
    fail("unknown command '%s' (see xcr0 --help)", argv[1]);
}
