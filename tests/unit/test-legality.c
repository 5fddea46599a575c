/*
 * XCR0 legality, table-driven. Every expectation is written from the XSETBV #GP conditions of
 * Intel SDM vol. 2B (XSETBV — "Operation" and "Protected Mode Exceptions") and vol. 1 13.3,
 * not taken from libxcr0.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "xcr0/xcr0.h"
#include "unit.h"

#define ALL UINT64_MAX /* "the CPU supports everything": isolates the architectural rules */

static const struct {
    uint64_t xcr0, supported;
    enum xcr0_rule rule;
} cases[] = {
    /* bit 0 (x87) must be 1 */
    { 0x0, ALL, XCR0_RULE_X87_REQUIRED },
    { 0x2, ALL, XCR0_RULE_X87_REQUIRED },
    { 0x6, ALL, XCR0_RULE_X87_REQUIRED },
    { 0x1, ALL, XCR0_RULE_OK },
    { 0x3, ALL, XCR0_RULE_OK },
    /* YMM (bit 2) needs SSE (bit 1) */
    { 0x5, ALL, XCR0_RULE_YMM_NEEDS_SSE },
    { 0x7, ALL, XCR0_RULE_OK },
    /* BNDREGS (3) and BNDCSR (4) together */
    { 0x0b, ALL, XCR0_RULE_MPX_PAIR },
    { 0x13, ALL, XCR0_RULE_MPX_PAIR },
    { 0x1b, ALL, XCR0_RULE_OK },          /* Goldmont: MPX without AVX */
    { 0x1f, ALL, XCR0_RULE_OK },
    /* opmask, ZMM_Hi256, Hi16_ZMM all or none ... */
    { 0x27, ALL, XCR0_RULE_AVX512_ALL },
    { 0x47, ALL, XCR0_RULE_AVX512_ALL },
    { 0x87, ALL, XCR0_RULE_AVX512_ALL },
    { 0x67, ALL, XCR0_RULE_AVX512_ALL },
    { 0xc7, ALL, XCR0_RULE_AVX512_ALL },
    /* ... and only with YMM */
    { 0xe3, ALL, XCR0_RULE_AVX512_NEEDS_YMM },
    { 0xe7, ALL, XCR0_RULE_OK },
    { 0x2ff, ALL, XCR0_RULE_OK },
    /* TILECFG (17) and TILEDATA (18) together */
    { 0x20003, ALL, XCR0_RULE_AMX_PAIR },
    { 0x40003, ALL, XCR0_RULE_AMX_PAIR },
    { 0x602e7, ALL, XCR0_RULE_OK },
    /* supervisor (IA32_XSS) components are never XCR0 bits */
    { 0x103, ALL, XCR0_RULE_SUPERVISOR_BIT },   /* PT */
    { 0x803, ALL, XCR0_RULE_SUPERVISOR_BIT },   /* CET_U */
    { 0x1003, ALL, XCR0_RULE_SUPERVISOR_BIT },  /* CET_S */
    { 0x8003, ALL, XCR0_RULE_SUPERVISOR_BIT },  /* arch LBR */
    /* bits that name no component */
    { 0x3 | (UINT64_C(1) << 20), ALL, XCR0_RULE_UNDEFINED_BIT },
    { 0x3 | (UINT64_C(1) << 63), ALL, XCR0_RULE_UNDEFINED_BIT },
    /* AMD LWP (bit 62) is a user component */
    { 0x7 | (UINT64_C(1) << 62), ALL, XCR0_RULE_OK },
    /* the CPU must enumerate every bit in CPUID.(0xD,0) EDX:EAX */
    { 0xe7, 0x21f, XCR0_RULE_UNSUPPORTED },     /* AVX-512 on QEMU's default model */
    { 0x7, 0x3, XCR0_RULE_UNSUPPORTED },        /* AVX on Jasper Lake */
    { 0x207, 0x2e7, XCR0_RULE_OK },
    { 0x7, 0x7, XCR0_RULE_OK },
};

static void test_rule_table(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum xcr0_rule got = xcr0_check(cases[i].xcr0, cases[i].supported);
        EXPECT(got == cases[i].rule, "xcr0_check(0x%llx, supported 0x%llx) = %d, want %d",
               (unsigned long long)cases[i].xcr0, (unsigned long long)cases[i].supported,
               (int)got, (int)cases[i].rule);
    }
}

/* Every illegal verdict comes with a one-line explanation that names the bits involved. */
static void test_explanations(void)
{
    static const struct {
        uint64_t xcr0, supported;
        const char *needle;
    } want[] = {
        { 0x4, ALL, "x87" },
        { 0x5, ALL, "requires sse" },
        { 0x0b, ALL, "bndcsr" },
        { 0x27, ALL, "hi16_zmm" },
        { 0xe3, ALL, "require avx" },
        { 0x20003, ALL, "tiledata" },
        { 0x803, ALL, "cet_u" },
        { 0x100003, ALL, "bit20" },
        { 0xe7, 0x21f, "opmask|zmm_hi256|hi16_zmm not supported" },
    };
    char buf[512];

    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        enum xcr0_rule r = xcr0_check(want[i].xcr0, want[i].supported);
        xcr0_rule_explain(r, want[i].xcr0, want[i].supported, buf, sizeof(buf));
        EXPECT(strstr(buf, want[i].needle) != NULL, "explanation of 0x%llx is '%s', lacks '%s'",
               (unsigned long long)want[i].xcr0, buf, want[i].needle);
        EXPECT(strchr(buf, '\n') == NULL, "explanation of 0x%llx has a newline",
               (unsigned long long)want[i].xcr0);
    }
}

/* The table's groups and requirements are XSETBV's rules as the SDM lists them. */
static void test_table_rules(void)
{
    char groups[256];

    EXPECT(xcr0_group_mask("mpx") == 0x18 && xcr0_group_mask("avx512") == 0xe0 &&
           xcr0_group_mask("amx") == 0x60000 && xcr0_group_mask("nope") == 0 &&
           xcr0_group_mask(NULL) == 0, "groups 0x%llx 0x%llx 0x%llx",
           (unsigned long long)xcr0_group_mask("mpx"),
           (unsigned long long)xcr0_group_mask("avx512"),
           (unsigned long long)xcr0_group_mask("amx"));
    /* The header's masks are the same sets. */
    EXPECT(xcr0_group_mask("mpx") == XCR0_MASK_MPX &&
           xcr0_group_mask("avx512") == XCR0_MASK_AVX512 &&
           xcr0_group_mask("amx") == XCR0_MASK_AMX, "header masks differ from the table");
    EXPECT(xcr0_component(XCR0_YMM)->requires == XCR0_SSE &&
           xcr0_component(XCR0_OPMASK)->requires == XCR0_YMM &&
           xcr0_component(XCR0_HI16_ZMM)->requires == XCR0_YMM &&
           xcr0_component(XCR0_SSE)->requires == -1, "requirements");
    xcr0_format_groups(groups, sizeof(groups));
    EXPECT(strcmp(groups, "mpx = bndregs,bndcsr; avx512 = opmask,zmm_hi256,hi16_zmm; "
                  "amx = tilecfg,tiledata") == 0, "groups text '%s'", groups);
}

static void test_parse(void)
{
    static const struct {
        const char *text;
        int ok;
        uint64_t mask;
    } p[] = {
        { "0x7", 0, 0x7 }, { "0XE7", 0, 0xe7 }, { "231", 0, 231 }, { "7", 0, 7 },
        { "x87,sse,avx", 0, 0x7 }, { "x87,sse,avx,avx512", 0, 0xe7 }, { "X87|SSE", 0, 0x3 },
        { "x87,sse,avx,mpx", 0, 0x1f }, { "x87,sse,avx,avx512,amx", 0, 0x600e7 },
        { "x87,sse,ymm,zmm-hi256", 0, 0x47 }, { "lwp", 0, UINT64_C(1) << 62 },
        { "nonsense", -1, 0 }, { "", -1, 0 }, { "0x", -1, 0 }, { "12abc", -1, 0 },
        { "x87,", -1, 0 }, { "x87,,sse", -1, 0 }, { "0x10000000000000000", -1, 0 },
        { "18446744073709551615", 0, UINT64_MAX }, { "18446744073709551616", -1, 0 },
    };
    char err[512];

    for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
        uint64_t m = 0xdead;
        int r = xcr0_parse_mask(p[i].text, &m, err, sizeof(err));
        EXPECT(r == p[i].ok, "parse('%s') returned %d", p[i].text, r);
        EXPECT(r != 0 || m == p[i].mask, "parse('%s') = 0x%llx, want 0x%llx", p[i].text,
               (unsigned long long)m, (unsigned long long)p[i].mask);
        EXPECT(r == 0 || (strlen(err) > 0 && strchr(err, '\n') == NULL),
               "parse('%s') failed without a one-line reason", p[i].text);
    }
}

/*
 * The same rules against profiles: the supported masks below are the and the CPUID
 * dumps' (intel 0x602ff: x87..Hi16_ZMM, MPX, PKRU, AMX; amd Zen 4 0x2e7; AMD family 15h with
 * LWP 0x4000000000000007), written out here.
 */
static const char fam15h[] =
    "0000000d 00000000 00000007 00000340 000003c0 40000000\n"
    "0000000d 00000001 00000001 00000000 00000000 00000000\n"
    "0000000d 00000002 00000100 00000240 00000000 00000000\n"
    "0000000d 0000003e 00000080 00000340 00000000 00000000\n";

static void test_profile_rules(void)
{
    struct xcr0_profile intel, amd, lwp;
    char err[256];
    static const struct {
        const char *profile;
        uint64_t xcr0;
        enum xcr0_rule rule;
    } t[] = {
        { "intel", 0x602ff, XCR0_RULE_OK },
        { "intel", 0x2ff, XCR0_RULE_OK },
        { "intel", 0x1b, XCR0_RULE_OK },
        { "intel", 0x80007, XCR0_RULE_UNSUPPORTED },      /* APX: shares MPX's slot */
        { "intel", 0x600e7 | (UINT64_C(1) << 62), XCR0_RULE_UNSUPPORTED },
        { "intel", 0x202ff, XCR0_RULE_AMX_PAIR },
        { "intel", 0x6, XCR0_RULE_X87_REQUIRED },
        { "amd", 0x2e7, XCR0_RULE_OK },
        { "amd", 0xe7, XCR0_RULE_OK },
        { "amd", 0x1f, XCR0_RULE_UNSUPPORTED },           /* no MPX on AMD */
        { "amd", 0x600e7, XCR0_RULE_UNSUPPORTED },        /* no AMX on Zen 4 */
        { "amd", 0x18e7, XCR0_RULE_SUPERVISOR_BIT },      /* CET is IA32_XSS state */
        { "amd", 0x67, XCR0_RULE_AVX512_ALL },
        { "amd", 0xe3, XCR0_RULE_AVX512_NEEDS_YMM },
        { "amd", 0x5, XCR0_RULE_YMM_NEEDS_SSE },
        { "lwp", 0x7 | (UINT64_C(1) << 62), XCR0_RULE_OK },
        { "lwp", 0xe7, XCR0_RULE_UNSUPPORTED },
    };

    EXPECT(xcr0_profile_builtin("intel", &intel) == 0 && xcr0_profile_builtin("amd", &amd) == 0,
           "built-ins missing");
    EXPECT(xcr0_profile_parse(fam15h, sizeof(fam15h) - 1, "lwp", &lwp, err, sizeof(err)) == 0,
           "fam15h: %s", err);
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        const struct xcr0_profile *p = strcmp(t[i].profile, "intel") == 0 ? &intel
                                     : strcmp(t[i].profile, "amd") == 0 ? &amd : &lwp;
        enum xcr0_rule got = xcr0_check_profile(p, t[i].xcr0);
        EXPECT(got == t[i].rule, "%s 0x%llx: rule %d, want %d", t[i].profile,
               (unsigned long long)t[i].xcr0, (int)got, (int)t[i].rule);
    }
}

int main(void)
{
    RUN(test_rule_table);
    RUN(test_explanations);
    RUN(test_table_rules);
    RUN(test_parse);
    RUN(test_profile_rules);
    UNIT_EXIT();
}
