/*
 * XSAVE images built by hand, byte by byte, with offsets and rules written out from the SDM
 * (vol. 1 13.4 layout, 13.6 init state, 13.8 XRSTOR) and the Zen 4 measurement — not from
 * libxcr0's tables.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <sys/wait.h>
#include <unistd.h>

#include "xcr0/xcr0.h"
#include "unit.h"
#include "dumps.h"

#define SZ 16384

static _Alignas(64) uint8_t a[SZ], b[SZ], c[SZ];
static struct xcr0_profile intel, amd;

/* A legacy region in its init configuration: FCW 0x37F, MXCSR 0x1F80, MXCSR_MASK 0xFFFF. */
static void legacy_init(uint8_t *p)
{
    memset(p, 0, 576);
    p[0] = 0x7f;
    p[1] = 0x03;
    wr32(p + 24, 0x1f80);
    wr32(p + 28, 0xffff);
}

static void fill(uint8_t *p, unsigned n, uint8_t seed)
{
    for (unsigned i = 0; i < n; i++) {
        p[i] = (uint8_t)(seed + i * 13);
    }
}

static void test_init_rules(void)
{
    uint8_t leg[576], z[64] = { 0 };

    legacy_init(leg);
    EXPECT(xcr0_component_is_init(XCR0_X87, leg, 512), "x87 init pattern");
    EXPECT(xcr0_component_is_init(XCR0_SSE, leg, 512), "SSE init pattern");
    leg[4] = 0x01;  /* abridged FTW: ST0 valid */
    EXPECT(!xcr0_component_is_init(XCR0_X87, leg, 512), "a valid tag is not init");
    leg[4] = 0;
    leg[0] = 0x7e;  /* FCW changed */
    EXPECT(!xcr0_component_is_init(XCR0_X87, leg, 512), "FCW 0x37e is not init");
    leg[0] = 0x7f;
    leg[40] = 1;    /* ST0 mantissa */
    EXPECT(!xcr0_component_is_init(XCR0_X87, leg, 512), "ST0 non-zero is not init");
    leg[40] = 0;
    wr32(leg + 24, 0x1fc0);    /* MXCSR DAZ: in use (see the measurement in components.c) */
    EXPECT(!xcr0_component_is_init(XCR0_SSE, leg, 512), "MXCSR 0x1fc0 is not init");
    wr32(leg + 24, 0x1f80);
    leg[300] = 1;   /* XMM8 */
    EXPECT(!xcr0_component_is_init(XCR0_SSE, leg, 512), "XMM non-zero is not init");
    EXPECT(xcr0_component_is_init(XCR0_OPMASK, z, 64), "zero opmask");
    z[63] = 1;
    EXPECT(!xcr0_component_is_init(XCR0_OPMASK, z, 64), "opmask non-zero");
    EXPECT(!xcr0_component_is_init(XCR0_OPMASK, z, 8), "short buffer is not init");
    EXPECT(!xcr0_component_is_init(40, z, 64), "undefined component");
}

static void test_decode(void)
{
    struct xcr0_image im;
    char err[256];

    /* Standard, Intel: YMM_Hi128 at 0x240 (SDM table 13-1 offsets), opmask 0x440. */
    legacy_init(a);
    fill(a + 0x240, 256, 1);
    fill(a + 0x440, 64, 2);
    wr64(a + 512, 0x27);       /* x87, SSE, YMM, opmask (legality is not the image's job) */
    EXPECT(xcr0_image_decode(&intel, a, 0x480, &im, err, sizeof(err)) == 0, "decode: %s", err);
    EXPECT(!im.compacted && im.count == 4 && im.size == 0x480, "count %u size 0x%x", im.count,
           im.size);
    EXPECT(im.comp[2].nr == 2 && im.comp[2].offset == 0x240 && !im.comp[2].init, "YMM");
    EXPECT(im.comp[3].nr == 5 && im.comp[3].offset == 0x440, "opmask at 0x%x", im.comp[3].offset);
    EXPECT(im.comp[0].in_xstate_bv && im.comp[0].init, "x87 in XSTATE_BV with init values");
    EXPECT(xcr0_image_decode(&intel, a, 0x47f, &im, err, sizeof(err)) != 0, "one byte short");
    EXPECT(xcr0_image_decode(&intel, a, 575, &im, err, sizeof(err)) != 0, "no header");

    /* Compacted, AMD: XCOMP_BV = x87|SSE|YMM|opmask|CET_U: YMM 576, opmask 832, CET_U 896. */
    legacy_init(a);
    wr64(a + 512, 0x0807);
    wr64(a + 520, 0x8000000000000827ull);
    EXPECT(xcr0_image_decode(&amd, a, 912, &im, err, sizeof(err)) == 0, "decode: %s", err);
    EXPECT(im.compacted && im.size == 912 && im.count == 5, "compacted size %u count %u", im.size,
           im.count);
    EXPECT(im.comp[3].nr == 5 && im.comp[3].offset == 832 && !im.comp[3].in_xstate_bv,
           "opmask slot at %u", im.comp[3].offset);
    EXPECT(im.comp[4].nr == 11 && im.comp[4].offset == 896 && im.comp[4].in_xstate_bv, "CET_U");
    /* XSTATE_BV outside XCOMP_BV: that component has no place. */
    wr64(a + 512, 0x47);
    EXPECT(xcr0_image_decode(&amd, a, 912, &im, err, sizeof(err)) != 0, "stray XSTATE_BV bit");
    /* Standard images cannot hold supervisor state, nor components the profile lacks. */
    wr64(a + 520, 0);
    wr64(a + 512, 0x803);
    EXPECT(xcr0_image_decode(&amd, a, SZ, &im, err, sizeof(err)) != 0, "standard CET_U");
    wr64(a + 512, 0x1f);
    EXPECT(xcr0_image_decode(&amd, a, SZ, &im, err, sizeof(err)) != 0, "MPX on AMD");
}

/* Sandy Bridge-E's leaf 0xd (intel-sandybridge-e.txt): no XSAVEC. */
static const char sandybridge[] =
    "0000000d 00000000 00000007 00000340 00000340 00000000\n"
    "0000000d 00000001 00000001 00000000 00000000 00000000\n"
    "0000000d 00000002 00000100 00000240 00000000 00000000\n";

static void test_validate(void)
{
    struct xcr0_profile sb;
    char err[256];
    const uint64_t x = 0x2ff;

    EXPECT(xcr0_profile_parse(sandybridge, sizeof(sandybridge) - 1, "sb", &sb, err,
                              sizeof(err)) == 0, "%s", err);
    legacy_init(a);
    wr64(a + 512, 0x7);
#define V(prof, xcr0, rfbm, buf, want) \
    EXPECT(xcr0_image_validate(prof, xcr0, rfbm, buf, SZ - 64) == (want), \
           "line %d: got '%s'", __LINE__, \
           xcr0_image_fault_str(xcr0_image_validate(prof, xcr0, rfbm, buf, SZ - 64)))
    /* 13.8.1 standard form */
    V(&intel, x, ~0ull, a, XCR0_IMAGE_OK);
    V(&intel, x, ~0ull, a + 16, XCR0_IMAGE_MISALIGNED);
    wr64(a + 512, 0x407);          /* bit 10 (PASID) not in XCR0 */
    V(&intel, x, ~0ull, a, XCR0_IMAGE_XSTATE_BV_NOT_IN_XCR0);
    V(&intel, x, 1, a, XCR0_IMAGE_XSTATE_BV_NOT_IN_XCR0);      /* checked against XCR0 */
    wr64(a + 512, 0x7);
    a[512 + 8] = 1;                 /* XCOMP_BV bit 0 without bit 63 */
    V(&intel, x, ~0ull, a, XCR0_IMAGE_HEADER_RESERVED);
    a[512 + 8] = 0;
    a[512 + 20] = 1;
    V(&intel, x, ~0ull, a, XCR0_IMAGE_HEADER_RESERVED);
    a[512 + 20] = 0;
    a[512 + 40] = 1;                /* bytes 24..63: not checked by the standard form */
    V(&intel, x, ~0ull, a, XCR0_IMAGE_OK);
    a[512 + 40] = 0;
    wr32(a + 24, 0x11f80);         /* MXCSR bit 16 reserved */
    V(&intel, x, ~0ull, a, XCR0_IMAGE_MXCSR_RESERVED);
    V(&intel, x, 0x4, a, XCR0_IMAGE_MXCSR_RESERVED);           /* RFBM[2] loads MXCSR too */
    V(&intel, x, 0x1, a, XCR0_IMAGE_OK);                       /* not loaded */
    wr64(a + 512, 0x1);
    V(&intel, x, ~0ull, a, XCR0_IMAGE_MXCSR_RESERVED);         /* whatever XSTATE_BV says */
    wr32(a + 24, 0x1f80);
    /* 13.8.2 compacted form */
    wr64(a + 512, 0x7);
    wr64(a + 520, 0x8000000000000007ull);
    V(&intel, x, ~0ull, a, XCR0_IMAGE_OK);
    V(&sb, 0x7, ~0ull, a, XCR0_IMAGE_NO_XSAVEC);
    wr64(a + 520, 0x8000000000000407ull);
    V(&intel, x, ~0ull, a, XCR0_IMAGE_XCOMP_BV_NOT_IN_XCR0);
    wr64(a + 520, 0x8000000000000003ull);
    V(&intel, x, ~0ull, a, XCR0_IMAGE_XSTATE_BV_NOT_IN_XCOMP_BV);
    wr64(a + 520, 0x8000000000000007ull);
    wr64(a + 512, 0x8000000000000007ull);
    V(&intel, x, ~0ull, a, XCR0_IMAGE_XSTATE_BV_NOT_IN_XCOMP_BV);
    wr64(a + 512, 0x7);
    a[512 + 16] = 1;
    V(&intel, x, ~0ull, a, XCR0_IMAGE_COMPACTED_RESERVED);
    a[512 + 16] = 0;
    a[512 + 63] = 1;
    V(&intel, x, ~0ull, a, XCR0_IMAGE_COMPACTED_RESERVED);
    a[512 + 63] = 0;
    wr32(a + 24, 0x11f80);
    V(&intel, x, ~0ull, a, XCR0_IMAGE_MXCSR_RESERVED);
    wr64(a + 512, 0x5);            /* SSE not in XSTATE_BV: MXCSR is initialised instead */
    V(&intel, x, ~0ull, a, XCR0_IMAGE_OK);
    wr64(a + 512, 0x7);
    V(&intel, x, 0x5, a, XCR0_IMAGE_OK);                       /* RFBM without SSE */
    wr32(a + 24, 0x1f80);
    V(&intel, x, ~0ull, a, XCR0_IMAGE_OK);
    EXPECT(xcr0_image_validate(&intel, x, ~0ull, a, 600) == XCR0_IMAGE_TOO_SHORT, "short");
#undef V
}

/* Zen 2 (amd-zen2.txt): component 9 is 0x40 bytes at 0x340, not PKRU's 8. */
static const char zen2[] =
    "0000000d 00000000 00000207 00000340 00000380 00000000\n"
    "0000000d 00000001 0000000f 00000340 00000000 00000000\n"
    "0000000d 00000002 00000100 00000240 00000000 00000000\n"
    "0000000d 00000009 00000040 00000340 00000000 00000000\n";

static void test_convert(void)
{
    struct xcr0_profile z2;
    size_t n, m;
    uint64_t differ = 1;
    char err[256];

    /* An Intel image with AVX-512 state, standard format, 0xa88 bytes (x87..PKRU). */
    memset(a, 0, SZ);
    legacy_init(a);
    fill(a + 160, 256, 3);                  /* XMM */
    fill(a + 0x240, 256, 4);                /* YMM_Hi128 */
    fill(a + 0x440, 64, 5);                 /* opmask */
    fill(a + 0x480, 512, 6);                /* ZMM_Hi256 */
    fill(a + 0x680, 1024, 7);               /* Hi16_ZMM */
    wr32(a + 0xa80, 0x55555554);           /* PKRU */
    wr64(a + 512, 0x2e7);
    EXPECT(xcr0_image_convert(&intel, a, 0xa88, &amd, false, b, SZ, &n, err, sizeof(err)) == 0,
           "intel -> amd: %s", err);
    /* On Zen 4 the same state sits at 0x340/0x380/0x580, PKRU 0x980; size 0x988. */
    EXPECT(n == 0x988, "amd size 0x%zx", n);
    EXPECT(memcmp(b + 0x340, a + 0x440, 64) == 0 && memcmp(b + 0x380, a + 0x480, 512) == 0 &&
           memcmp(b + 0x580, a + 0x680, 1024) == 0 && memcmp(b + 0x980, a + 0xa80, 8) == 0 &&
           memcmp(b, a, 512) == 0 && rd64(b + 512) == 0x2e7 && rd64(b + 520) == 0,
           "amd bytes");
    EXPECT(xcr0_image_compare(&intel, a, 0xa88, &amd, b, n, &differ, err, sizeof(err)) == 0 &&
           differ == 0, "intel vs amd image: differ 0x%llx", (unsigned long long)differ);
    /* Compacted on AMD: 576 YMM, 832 opmask, 896 ZMM_Hi256, 1408 Hi16, 2432 PKRU, 2440 end. */
    EXPECT(xcr0_image_convert(&intel, a, 0xa88, &amd, true, c, SZ, &m, err, sizeof(err)) == 0,
           "intel -> amd compacted: %s", err);
    EXPECT(m == 2440 && rd64(c + 520) == 0x80000000000002e7ull &&
           memcmp(c + 832, a + 0x440, 64) == 0 && memcmp(c + 2432, a + 0xa80, 4) == 0,
           "compacted size %zu", m);
    /* And back: the same state. */
    EXPECT(xcr0_image_convert(&amd, c, m, &intel, false, b, SZ, &n, err, sizeof(err)) == 0,
           "amd compacted -> intel: %s", err);
    EXPECT(xcr0_image_compare(&intel, a, 0xa88, &intel, b, n, &differ, err, sizeof(err)) == 0 &&
           differ == 0, "round trip differs: 0x%llx", (unsigned long long)differ);
    EXPECT(n == 0xa88 && memcmp(a + 0x440, b + 0x440, 0x648) == 0, "round trip bytes");

    /* MPX state cannot go to AMD: refused, not dropped ... */
    fill(a + 0x3c0, 64, 8);
    wr64(a + 512, 0x2ff);
    EXPECT(xcr0_image_convert(&intel, a, 0xa88, &amd, false, b, SZ, &n, err, sizeof(err)) != 0 &&
           strstr(err, "bndregs"), "MPX state converted: '%s'", err);
    /* ... unless it is in its init state (nothing is lost). */
    memset(a + 0x3c0, 0, 128);
    EXPECT(xcr0_image_convert(&intel, a, 0xa88, &amd, false, b, SZ, &n, err, sizeof(err)) == 0 &&
           rd64(b + 512) == 0x2e7, "init MPX refused: %s", err);

    /* Sizes must agree: Zen 2's component 9 is 64 bytes, Intel's PKRU 8. */
    EXPECT(xcr0_profile_parse(zen2, sizeof(zen2) - 1, "zen2", &z2, err, sizeof(err)) == 0, "%s",
           err);
    wr64(a + 512, 0x207);
    EXPECT(xcr0_image_convert(&intel, a, 0xa88, &z2, false, b, SZ, &n, err, sizeof(err)) != 0,
           "PKRU into Zen 2's 64-byte component 9");

    /* MXCSR: compacted without SSE in XSTATE_BV means MXCSR 0x1F80 (13.8.2) ... */
    legacy_init(a);
    wr32(a + 24, 0x1fc0);
    wr64(a + 512, 0x1);
    wr64(a + 520, 0x8000000000000003ull);
    EXPECT(xcr0_image_convert(&intel, a, 576, &intel, false, b, SZ, &n, err, sizeof(err)) == 0 &&
           rd64(b + 24) == 0x0000ffff00001f80ull, "compacted -> standard MXCSR 0x%llx",
           (unsigned long long)rd64(b + 24));
    /* ... while standard XRSTOR loads MXCSR anyway (13.8.1): keep it by marking SSE in use. */
    wr64(a + 520, 0);
    EXPECT(xcr0_image_convert(&intel, a, 576, &intel, true, b, SZ, &n, err, sizeof(err)) == 0 &&
           rd64(b + 512) == 0x3 && (rd64(b + 24) & 0xffffffff) == 0x1fc0,
           "standard -> compacted keeps MXCSR");
    EXPECT(xcr0_image_compare(&intel, a, 576, &intel, b, n, &differ, err, sizeof(err)) == 0 &&
           differ == 0, "MXCSR conversion changed state 0x%llx", (unsigned long long)differ);
    EXPECT(xcr0_image_convert(&intel, a, 576, &intel, false, b, 100, &n, err, sizeof(err)) != 0,
           "output buffer too small accepted");
}

static void test_compare(void)
{
    uint64_t differ;
    char err[256];

    /* YMM in XSTATE_BV with zero bytes == YMM not in XSTATE_BV (init is all zero, 13.6). */
    memset(a, 0, SZ);
    memset(b, 0, SZ);
    legacy_init(a);
    legacy_init(b);
    wr64(a + 512, 0x7);
    wr64(b + 512, 0x3);
    EXPECT(xcr0_image_compare(&intel, a, 0x340, &intel, b, 0x340, &differ, err, sizeof(err)) == 0
           && differ == 0, "init YMM both ways: 0x%llx", (unsigned long long)differ);
    a[0x240 + 17] = 9;
    EXPECT(xcr0_image_compare(&intel, a, 0x340, &intel, b, 0x340, &differ, err, sizeof(err)) == 0
           && differ == 0x4, "YMM byte: 0x%llx", (unsigned long long)differ);
    /* x87 outside XSTATE_BV is init even if the bytes say otherwise. */
    a[0x240 + 17] = 0;
    wr64(a + 512, 0x6);
    a[40] = 1;
    EXPECT(xcr0_image_compare(&intel, a, 0x340, &intel, b, 0x340, &differ, err, sizeof(err)) == 0
           && differ == 0, "x87 ignored outside XSTATE_BV: 0x%llx", (unsigned long long)differ);
    wr64(a + 512, 0x7);
    EXPECT(xcr0_image_compare(&intel, a, 0x340, &intel, b, 0x340, &differ, err, sizeof(err)) == 0
           && differ == 0x1, "x87 ST0: 0x%llx", (unsigned long long)differ);
    EXPECT(xcr0_image_compare(&intel, a, 100, &intel, b, 0x340, &differ, err, sizeof(err)) != 0,
           "short image compared");
}

/* The command: convert an Intel AVX-512 image for AMD, diff the two, decode the result. */
static void test_tool_roundtrip(void)
{
    char in[] = "/tmp/xcr0-img-XXXXXX", out[64], args[256], res[8192];
    int fd = mkstemp(in);
    FILE *f;

    if (fd < 0) {
        unit_fail("mkstemp failed");
        return;
    }
    close(fd);
    snprintf(out, sizeof(out), "%s.amd", in);
    memset(a, 0, SZ);
    legacy_init(a);
    fill(a + 0x440, 64, 5);                 /* opmask k0-k7 at Intel's 0x440 */
    wr64(a + 512, 0xe7);
    f = fopen(in, "wb");
    fwrite(a, 1, 0xa88, f);
    fclose(f);
    snprintf(args, sizeof(args), "convert %s %s --from intel --to amd", in, out);
    EXPECT(run_tool(args, res, sizeof(res)) == 0, "%s: %s", args, res);
    snprintf(args, sizeof(args), "diff %s %s --profile intel --profile-b amd", in, out);
    EXPECT(run_tool(args, res, sizeof(res)) == 0 && strstr(res, "same state"), "%s: %s", args,
           res);
    snprintf(args, sizeof(args), "diff %s %s --profile intel --profile-b intel", in, out);
    EXPECT(run_tool(args, res, sizeof(res)) != 0, "AMD image read with Intel offsets is the same?");
    snprintf(args, sizeof(args), "decode %s --profile amd", out);
    EXPECT(run_tool(args, res, sizeof(res)) == 0 && strstr(res, "5  opmask      0x0340") &&
           strstr(res, "XRSTOR     valid"), "%s: %s", args, res);
    snprintf(args, sizeof(args), "convert %s %s --from intel --to /nonexistent", in, out);
    EXPECT(run_tool(args, res, sizeof(res)) == 1, "bad profile accepted");
    remove(in);
    remove(out);
}

/*
 * Issue 14: `xcr0 diff` said "same state" for images that differ in a component larger than
 * 64 KiB: the comparison copied each component into a fixed 64 KiB buffer and gave a larger
 * one 0 bytes on both sides. A made-up profile with a PKRU of 0x10008 bytes (the library takes
 * sizes from the dump; only the emulator insists on the architectural 8) and two images that
 * differ in its last bytes, past 64 KiB.
 */
static void test_compare_large_component(void)
{
    static const char text[] =
        "# made up: component 9 of 0x10008 bytes at 0x340\n"
        "0000000d 00000000 00000207 00010348 00010348 00000000\n"
        "0000000d 00000001 00000001 00000000 00000000 00000000\n"
        "0000000d 00000002 00000100 00000240 00000000 00000000\n"
        "0000000d 00000009 00010008 00000340 00000000 00000000\n";
    const size_t n = 0x10348;
    struct xcr0_profile p;
    uint8_t *x = aligned_alloc(64, 0x10380), *y = aligned_alloc(64, 0x10380);
    uint64_t differ = 0;
    char err[512] = "", dump[64] = "", fx[64] = "", fy[64] = "", args[300], res[4096];
    int st;

    if (x == NULL || y == NULL || xcr0_profile_parse(text, sizeof(text) - 1, "big-pkru", &p, err,
                                                     sizeof(err)) != 0) {
        unit_fail("setup: %s", err);
        goto out;
    }
    memset(x, 0, n);
    legacy_init(x);
    wr64(x + 512, 0x207);
    fill(x + 0x340, 0x10008, 7);
    memcpy(y, x, n);
    EXPECT(xcr0_image_compare(&p, x, n, &p, y, n, &differ, err, sizeof(err)) == 0 && differ == 0,
           "equal images: 0x%llx %s", (unsigned long long)differ, err);
    y[0x340 + 0x10004] ^= 1;   /* past the first 64 KiB of the component */
    EXPECT(xcr0_image_compare(&p, x, n, &p, y, n, &differ, err, sizeof(err)) == 0 &&
           differ == XCR0_BIT(XCR0_PKRU), "images differing at 0x%x: differ 0x%llx %s",
           0x340 + 0x10004, (unsigned long long)differ, err);
    /* Outside XSTATE_BV the component is init (all zero): the bytes no longer count. */
    wr64(x + 512, 0x7);
    wr64(y + 512, 0x7);
    EXPECT(xcr0_image_compare(&p, x, n, &p, y, n, &differ, err, sizeof(err)) == 0 && differ == 0,
           "init PKRU: differ 0x%llx %s", (unsigned long long)differ, err);
    wr64(x + 512, 0x207);
    wr64(y + 512, 0x207);

    if (temp_file(dump, text, sizeof(text) - 1) != 0 || temp_file(fx, x, n) != 0 ||
        temp_file(fy, y, n) != 0) {
        unit_fail("cannot write temporary files");
        goto out;
    }
    snprintf(args, sizeof(args), "diff %s %s --profile %s", fx, fy, dump);
    st = run_tool(args, res, sizeof(res));
    EXPECT(st == 1 && strcmp(res, "differ: pkru\n") == 0, "xcr0 %s: exit %d, '%s'", args, st,
           res);
    snprintf(args, sizeof(args), "diff %s %s --profile %s", fx, fx, dump);
    st = run_tool(args, res, sizeof(res));
    EXPECT(st == 0 && strcmp(res, "same state\n") == 0, "xcr0 %s: exit %d, '%s'", args, st, res);
out:
    remove(dump);
    remove(fx);
    remove(fy);
    free(x);
    free(y);
}

int main(void)
{
    xcr0_profile_builtin("intel", &intel);
    xcr0_profile_builtin("amd", &amd);
    RUN(test_init_rules);
    RUN(test_decode);
    RUN(test_validate);
    RUN(test_convert);
    RUN(test_compare);
    RUN(test_tool_roundtrip);
    RUN(test_compare_large_component);
    UNIT_EXIT();
}
