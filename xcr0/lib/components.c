/*
 * The state component table: the one place that says what each XSAVE state component is.
 *
 * Sizes and flags: Intel SDM vol. 1 13.2 and 13.5, the CPUID dumps in tests/data/cpuid.
 * Intel standard-format offsets: the offsets every Intel CPU enumerates (and QEMU uses); the MPX
 * slot 0x3c0..0x440 is kept even on parts without MPX, and APX reuses it.
 * AMD standard-format offsets: Zen 4 (EPYC 9004 / Ryzen 7000), which packs AVX-512 right after
 * AVX because AMD never implemented MPX (rr issue #3573), and puts PKRU at 0x980.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "xcr0/xcr0.h"

#define USER false
#define SUPERVISOR true

/*
 * Columns: nr, name, description, size, user/supervisor, XFD, init rule, standard offset {intel,
 * amd}, compacted 64-byte alignment {intel, amd}, all-or-none group (XSETBV #GP unless every
 * member is enabled together; also a name for -xcr0), and the component it requires in XCR0
 * (XSETBV #GP without it; -1 none). SDM vol. 2B XSETBV, vol. 1 13.3.
 */
#define NONE (-1)
#define C(nr, name, desc, size, sup, xfd, init, off_intel, off_amd, al_intel, al_amd, group, req) \
    { nr, name, desc, size, sup, xfd, init, { off_intel, off_amd }, { al_intel, al_amd }, \
      group, req }

static const struct xcr0_component components[] = {
    C(XCR0_X87,       "x87",       "x87 floating point registers", 160,  USER, false, XCR0_INIT_X87,  0,     0,     false, false, NULL, NONE),
    C(XCR0_SSE,       "sse",       "SSE registers (XMM, MXCSR)",   256,  USER, false, XCR0_INIT_SSE,  160,   160,   false, false, NULL, NONE),
    C(XCR0_YMM,       "avx",       "AVX registers (YMM_Hi128)",    256,  USER, false, XCR0_INIT_ZERO, 0x240, 0x240, false, false, NULL, XCR0_SSE),
    C(XCR0_BNDREGS,   "bndregs",   "MPX bounds registers",         64,   USER, false, XCR0_INIT_ZERO, 0x3c0, 0,     false, false, "mpx", NONE),
    C(XCR0_BNDCSR,    "bndcsr",    "MPX BNDCFGU and BNDSTATUS",    64,   USER, false, XCR0_INIT_ZERO, 0x400, 0,     false, false, "mpx", NONE),
    C(XCR0_OPMASK,    "opmask",    "AVX-512 opmask registers k0-k7", 64, USER, false, XCR0_INIT_ZERO, 0x440, 0x340, false, false, "avx512", XCR0_YMM),
    C(XCR0_ZMM_HI256, "zmm_hi256", "AVX-512 upper halves of ZMM0-15", 512, USER, false, XCR0_INIT_ZERO, 0x480, 0x380, false, false, "avx512", XCR0_YMM),
    C(XCR0_HI16_ZMM,  "hi16_zmm",  "AVX-512 ZMM16-31",             1024, USER, false, XCR0_INIT_ZERO, 0x680, 0x580, false, false, "avx512", XCR0_YMM),
    C(XCR0_PT,        "pt",        "Processor Trace",              128,  SUPERVISOR, false, XCR0_INIT_ZERO, 0, 0, false, false, NULL, NONE),
    C(XCR0_PKRU,      "pkru",      "Protection keys (PKRU)",       8,    USER, false, XCR0_INIT_ZERO, 0xa80, 0x980, false, false, NULL, NONE),
    C(XCR0_PASID,     "pasid",     "PASID state",                  8,    SUPERVISOR, false, XCR0_INIT_ZERO, 0, 0, false, false, NULL, NONE),
    C(XCR0_CET_U,     "cet_u",     "CET user state",               16,   SUPERVISOR, false, XCR0_INIT_ZERO, 0, 0, false, false, NULL, NONE),
    C(XCR0_CET_S,     "cet_s",     "CET supervisor state",         24,   SUPERVISOR, false, XCR0_INIT_ZERO, 0, 0, false, false, NULL, NONE),
    C(XCR0_HDC,       "hdc",       "Hardware duty cycling",        8,    SUPERVISOR, false, XCR0_INIT_ZERO, 0, 0, false, false, NULL, NONE),
    C(XCR0_UINTR,     "uintr",     "User interrupts",              48,   SUPERVISOR, false, XCR0_INIT_ZERO, 0, 0, false, false, NULL, NONE),
    C(XCR0_LBR,       "lbr",       "Architectural LBRs",           808,  SUPERVISOR, false, XCR0_INIT_ZERO, 0, 0, false, false, NULL, NONE),
    C(XCR0_HWP,       "hwp",       "Hardware P-states",            8,    SUPERVISOR, false, XCR0_INIT_ZERO, 0, 0, false, false, NULL, NONE),
    C(XCR0_TILECFG,   "tilecfg",   "AMX tile configuration",       64,   USER, false, XCR0_INIT_ZERO, 0xac0, 0,     true,  false, "amx", NONE),
    C(XCR0_TILEDATA,  "tiledata",  "AMX tile data",                8192, USER, true,  XCR0_INIT_ZERO, 0xb00, 0,     true,  false, "amx", NONE),
    C(XCR0_APX,       "apx",       "APX extended GPRs R16-R31",    128,  USER, false, XCR0_INIT_ZERO, 0x3c0, 0,     false, false, NULL, NONE),
    C(XCR0_LWP,       "lwp",       "AMD lightweight profiling",    128,  USER, false, XCR0_INIT_ZERO, 0,     0,     false, false, NULL, NONE),
};

/*
 * The built-in profiles: which rows of the table each one has, and what its CPUID leaf 0xD
 * sub-leaf 1 and its operating system say. Offsets and alignment come from the table above.
 *
 * intel: the components QEMU models with Intel's offsets (x87..Hi16_ZMM, MPX, PKRU, AMX). APX
 *   keeps its offset 0x3c0 in the table but is not supported here: it reuses MPX's slot, and no
 *   CPU enumerates both (Linux ea68e39190cf refuses XSAVE if one does). XSAVES with no IA32_XSS
 *   components (QEMU's TCG has no XSAVES state; Linux on Cascade Lake enables none either).
 *   0xD.1 EAX 0x1f: XSAVEOPT, XSAVEC, XGETBV1, XSAVES and XFD (needed by AMX TILEDATA).
 * amd: Zen 4 (EPYC 9004), 0xD.0 EAX 0x2e7, 0xD.1 EAX 0xf, IA32_XSS CET_U|CET_S, which Linux
 *   enables on Zen 3 and later (that is why a user program reads 0xD.1 EBX = 0x9a8 at XCR0 0xe7
 *   on this project's reference host, see tests/data/cpuid/this-host-amd-epyc.txt).
 * MXCSR_MASK 0xffff: every bit below 16 is writable (DAZ supported) on all CPUs modelled; AMD adds
 *   bit 17 (MM), see vendor.c.
 */
static const struct {
    const char *name;
    enum xcr0_builtin_profile index;
    const char *vendor;
    uint64_t supported, xss_supported, xss;
    uint32_t xsave_features;
} builtins[] = {
    { "intel", XCR0_PROFILE_INTEL, "GenuineIntel", 0x602ff, 0, 0, 0x1f },
    { "amd", XCR0_PROFILE_AMD, "AuthenticAMD", 0x2e7, 0x1800, 0x1800, 0xf },
};

int xcr0_profile_builtin(const char *name, struct xcr0_profile *p)
{
    for (size_t b = 0; b < sizeof(builtins) / sizeof(builtins[0]); b++) {
        uint64_t have;

        if (name == NULL || strcmp(name, builtins[b].name) != 0) {
            continue;
        }
        memset(p, 0, sizeof(*p));
        snprintf(p->name, sizeof(p->name), "%s", builtins[b].name);
        snprintf(p->vendor, sizeof(p->vendor), "%s", builtins[b].vendor);
        p->supported = builtins[b].supported;
        p->xss_supported = builtins[b].xss_supported;
        p->xss = builtins[b].xss;
        p->xcr0 = builtins[b].supported & ~xcr0_supervisor_mask();
        p->xsave_features = builtins[b].xsave_features;
        xcr0_vendor_rules_for(p->vendor, &p->rules, p->rules_name);
        /* Zen 4 has MisAlignSse (CPUID 0x80000001 ECX[7]), hence MXCSR bit 17 (MM). */
        p->misalign_sse = strcmp(builtins[b].vendor, "AuthenticAMD") == 0;
        p->mxcsr_mask = xcr0_vendor_mxcsr_mask(&p->rules, p->misalign_sse);
        have = p->supported | p->xss_supported;
        for (size_t i = 0; i < sizeof(components) / sizeof(components[0]); i++) {
            const struct xcr0_component *c = &components[i];
            struct xcr0_profile_component *pc = &p->comp[c->nr];

            if (!(have & XCR0_BIT(c->nr))) {
                continue;
            }
            pc->size = c->size;
            /* CPUID reports offset 0 for supervisor components (SDM vol. 2A CPUID 0DH). */
            pc->offset = c->supervisor ? 0 : c->offset[builtins[b].index];
            pc->supervisor = c->supervisor;
            pc->align64 = c->align64[builtins[b].index];
            pc->xfd = c->xfd;
        }
        return 0;
    }
    return -1;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * MXCSR is part of SSE's initial configuration. Measured on an Intel Cascade Lake (CPUID.1 EAX
 * 0x50657, XCR0 0x2ff): after a compacted XRSTOR with XSTATE_BV[1] = 0, XGETBV(1) bit 1 is 0
 * and MXCSR reads 0x1F80 (the compacted form initialises MXCSR with the XMM registers); a
 * standard XRSTOR with XSTATE_BV[1] = 0 that loads MXCSR = 0x1FC0 from memory leaves XINUSE[1]
 * = 1 although XMM0-15 are zero. So "XMM zero" alone is not init; MXCSR must be 0x1F80 too.
 * (The hardware tracks writes, not values: LDMXCSR of 0x1F80 itself also sets XINUSE[1], which
 * the SDM permits, 13.6: XINUSE[i] may be 1 while component i is in its init configuration.)
 */
bool xcr0_component_is_init(unsigned nr, const void *data, size_t len)
{
    const uint8_t *b = data;
    const struct xcr0_component *c = xcr0_component(nr);

    if (c == NULL || b == NULL) {
        return false;
    }
    switch (c->init_rule) {
    case XCR0_INIT_X87:
        if (len < XCR0_LEGACY_SIZE) {
            return false;
        }
        /* FCW 0x37F, FSW 0, abridged FTW 0 (all empty) + reserved byte, FOP 0, FIP 0, FDP 0
         * (SDM vol. 1 13.6 and 10.5.1 FXSAVE layout), then ST0-7 in bytes 32..159. */
        return b[0] == 0x7f && b[1] == 0x03 && all_zero(b + 2, 22) && all_zero(b + 32, 128);
    case XCR0_INIT_SSE:
        if (len < XCR0_LEGACY_SIZE) {
            return false;
        }
        /* XMM0-15: SSE's own area of the legacy region, as the table gives it. */
        return le32(b + XCR0_MXCSR_OFFSET) == XCR0_MXCSR_INIT &&
               all_zero(b + c->offset[XCR0_PROFILE_INTEL], c->size);
    case XCR0_INIT_ZERO:
    default:
        return len >= c->size && all_zero(b, c->size);
    }
}

/* Other names a user may write for a component (the groups come from the table). */
static const struct {
    const char *name;
    uint64_t mask;
} aliases[] = {
    { "ymm",    XCR0_BIT(XCR0_YMM) },
    { "k",      XCR0_BIT(XCR0_OPMASK) },
    { "fp",     XCR0_BIT(XCR0_X87) },
};

uint64_t xcr0_group_mask(const char *group)
{
    uint64_t mask = 0;

    for (size_t i = 0; group && i < sizeof(components) / sizeof(components[0]); i++) {
        if (components[i].group && strcmp(components[i].group, group) == 0) {
            mask |= XCR0_BIT(components[i].nr);
        }
    }
    return mask;
}

/* Whether row i is the first of its group in the table (each group is listed once). */
static bool first_of_group(size_t i)
{
    if (components[i].group == NULL) {
        return false;
    }
    for (size_t j = 0; j < i; j++) {
        if (components[j].group && strcmp(components[j].group, components[i].group) == 0) {
            return false;
        }
    }
    return true;
}

void xcr0_format_groups(char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(components) / sizeof(components[0]); i++) {
        char names[256];

        if (!first_of_group(i)) {
            continue;
        }
        xcr0_format_names(xcr0_group_mask(components[i].group), names, sizeof(names));
        for (char *c = names; *c; c++) {
            *c = *c == '|' ? ',' : *c;
        }
        used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s = %s",
                                 used ? "; " : "", components[i].group, names);
    }
}

const struct xcr0_component *xcr0_component(unsigned nr)
{
    for (size_t i = 0; i < sizeof(components) / sizeof(components[0]); i++) {
        if (components[i].nr == nr) {
            return &components[i];
        }
    }
    return NULL;
}

/* Compare a user-written name: case-insensitive, '-' and '_' equal. */
static bool name_eq(const char *a, size_t alen, const char *b)
{
    size_t i;

    for (i = 0; i < alen && b[i]; i++) {
        char ca = (char)tolower((unsigned char)a[i]);
        char cb = b[i];
        if (ca == '-') {
            ca = '_';
        }
        if (ca != cb) {
            return false;
        }
    }
    return i == alen && b[i] == '\0';
}

static const struct xcr0_component *component_by_name_len(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(components) / sizeof(components[0]); i++) {
        if (name_eq(name, len, components[i].name)) {
            return &components[i];
        }
    }
    return NULL;
}

const struct xcr0_component *xcr0_component_by_name(const char *name)
{
    return component_by_name_len(name, strlen(name));
}

uint64_t xcr0_defined_mask(void)
{
    uint64_t mask = 0;

    for (size_t i = 0; i < sizeof(components) / sizeof(components[0]); i++) {
        mask |= XCR0_BIT(components[i].nr);
    }
    return mask;
}

/* The components whose flag (a bool member at offset) is set. */
static uint64_t mask_where(size_t offset)
{
    uint64_t mask = 0;

    for (size_t i = 0; i < sizeof(components) / sizeof(components[0]); i++) {
        if (*(const bool *)((const char *)&components[i] + offset)) {
            mask |= XCR0_BIT(components[i].nr);
        }
    }
    return mask;
}

/*
 * The table never changes, and these masks are asked for on hot paths (every signal frame):
 * compute each once. Racing first callers compute the same value.
 */
uint64_t xcr0_supervisor_mask(void)
{
    static uint64_t mask;

    if (!mask) {
        mask = mask_where(offsetof(struct xcr0_component, supervisor));
    }
    return mask;
}

uint64_t xcr0_xfd_mask(void)
{
    static uint64_t mask;

    if (!mask) {
        mask = mask_where(offsetof(struct xcr0_component, xfd));
    }
    return mask;
}

static int parse_number(const char *text, uint64_t *mask)
{
    uint64_t v = 0;
    const char *p = text;
    int base = 10;

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    if (*p == '\0') {
        return -1;
    }
    for (; *p; p++) {
        int d;
        if (isdigit((unsigned char)*p)) {
            d = *p - '0';
        } else if (base == 16 && isxdigit((unsigned char)*p)) {
            d = tolower((unsigned char)*p) - 'a' + 10;
        } else {
            return -1;
        }
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) {
            return -2;
        }
        v = v * (uint64_t)base + (uint64_t)d;
    }
    *mask = v;
    return 0;
}

int xcr0_parse_mask(const char *text, uint64_t *mask, char *err, size_t errlen)
{
    uint64_t result = 0;
    const char *p = text;

    if (text == NULL || *text == '\0') {
        snprintf(err, errlen, "empty mask (write a number such as 0x7 or components such as x87,sse,avx)");
        return -1;
    }
    if (isdigit((unsigned char)text[0])) {
        int r = parse_number(text, mask);
        if (r == -2) {
            snprintf(err, errlen, "'%s' does not fit in 64 bits", text);
        } else if (r < 0) {
            snprintf(err, errlen, "'%s' is not a number (use decimal or 0x-prefixed hex)", text);
        }
        return r < 0 ? -1 : 0;
    }
    if (strcmp(text, "host") == 0) {
        return xcr0_host_xcr0(mask, err, errlen);
    }
    while (*p) {
        size_t len = strcspn(p, ",|+");
        const struct xcr0_component *c = component_by_name_len(p, len);
        bool found = false;

        if (c) {
            result |= XCR0_BIT(c->nr);
            found = true;
        }
        for (size_t i = 0; !found && i < sizeof(aliases) / sizeof(aliases[0]); i++) {
            if (name_eq(p, len, aliases[i].name)) {
                result |= aliases[i].mask;
                found = true;
            }
        }
        for (size_t i = 0; !found && i < sizeof(components) / sizeof(components[0]); i++) {
            if (components[i].group && name_eq(p, len, components[i].group)) {
                result |= xcr0_group_mask(components[i].group);
                found = true;
            }
        }
        if (!found) {
            char names[512] = "";
            size_t used = 0;
            for (size_t i = 0; i < sizeof(components) / sizeof(components[0]); i++) {
                used += (size_t)snprintf(names + used, used < sizeof(names) ? sizeof(names) - used : 0,
                                         "%s%s", i ? "," : "", components[i].name);
            }
            for (size_t i = 0; i < sizeof(components) / sizeof(components[0]); i++) {
                if (first_of_group(i)) {
                    used += (size_t)snprintf(names + used,
                                             used < sizeof(names) ? sizeof(names) - used : 0,
                                             ", %s", components[i].group);
                }
            }
            snprintf(err, errlen, "unknown component '%.*s' in '%s' (known: %s, or a number)",
                     (int)len, p, text, names);
            return -1;
        }
        p += len;
        if (*p) {
            p++;
            if (*p == '\0') {
                snprintf(err, errlen, "'%s' ends with a separator", text);
                return -1;
            }
        }
    }
    *mask = result;
    return 0;
}

void xcr0_format_names(uint64_t mask, char *buf, size_t len)
{
    size_t used = 0;

    if (len == 0) {
        return;
    }
    buf[0] = '\0';
    if (mask == 0) {
        snprintf(buf, len, "none");
        return;
    }
    for (unsigned nr = 0; nr < 64; nr++) {
        const struct xcr0_component *c;
        int n;

        if (!(mask & XCR0_BIT(nr))) {
            continue;
        }
        c = xcr0_component(nr);
        if (c) {
            n = snprintf(buf + used, len - used, "%s%s", used ? "|" : "", c->name);
        } else {
            n = snprintf(buf + used, len - used, "%sbit%u", used ? "|" : "", nr);
        }
        if (n < 0 || (size_t)n >= len - used) {
            return; /* truncated; buf stays NUL-terminated */
        }
        used += (size_t)n;
    }
}
