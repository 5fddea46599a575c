/*
 * Profiles read from CPUID: a dump file in the tests/data/cpuid text format, or this host.
 * Both go through one builder (profile_from_rows), which checks that the leaf 0xD sub-leaves
 * agree with each other the way the SDM says they must (vol. 2A CPUID leaf 0DH; vol. 1 13.2).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xcr0/xcr0.h"

/* IA32_XSS inference tries every subset of the supported IA32_XSS bits; real CPUs have at most
 * 7 (Emerald Rapids 0x1dd00). More than this many is rejected rather than searched. */
#define MAX_XSS_SEARCH_BITS 12

struct leaf_d {
    struct xcr0_cpuid_regs sub[64];
    unsigned line[64];      /* 0: the row is absent (reads as zero) */
    struct xcr0_cpuid_regs leaf0;
    bool have_leaf0;
    struct xcr0_cpuid_regs ext1;    /* leaf 0x80000001 (ECX[7]: AMD's MisAlignSse) */
    bool have_ext1;
    uint32_t mxcsr_mask;            /* measured (host FXSAVE), or 0: derive from the vendor */
    char vendor_line[13];           /* a dump's "# vendor:" line, "" if none */
    char rules_text[256];           /* a dump's "# rules:" line, "" if none */
    unsigned rules_line;
    unsigned last_line;
};

static int popcount64(uint64_t v)
{
    int n = 0;

    while (v) {
        v &= v - 1;
        n++;
    }
    return n;
}

/*
 * The largest legal XCR0 whose standard size is size. Legal XCR0 values are closed under union
 * (every rule is "all of a group or none" or "A needs B"), so the largest legal subset of the
 * components ending at or below size exists; if any legal XCR0 has this size, that one does.
 */
static int infer_xcr0(const struct xcr0_profile *p, uint32_t size, uint64_t *out)
{
    uint64_t user = p->supported & ~p->xss_supported;
    uint64_t s = 0, prev;

    for (unsigned nr = 0; nr < 64; nr++) {
        if (!(user & XCR0_BIT(nr))) {
            continue;
        }
        if (nr <= XCR0_SSE ? size >= XCR0_EXTENDED_START
                           : (uint64_t)p->comp[nr].offset + p->comp[nr].size <= size) {
            s |= XCR0_BIT(nr);
        }
    }
    /* Drop what breaks the table's rules (incomplete groups, missing requirements) until
     * nothing changes; what is left is the largest legal subset. */
    do {
        prev = s;
        for (uint64_t rest = s; rest; rest &= rest - 1) {
            const struct xcr0_component *c = xcr0_component((unsigned)__builtin_ctzll(rest));
            uint64_t group = c ? xcr0_group_mask(c->group) : 0;

            if ((s & group) != group) {
                s &= ~group;
            }
            if (c && c->requires >= 0 && !(s & XCR0_BIT(c->requires))) {
                s &= ~(group | XCR0_BIT(c->nr));
            }
        }
    } while (s != prev);
    if (!(s & XCR0_BIT(XCR0_X87)) || xcr0_check(s, p->supported) != XCR0_RULE_OK ||
        xcr0_standard_size(p, s) != size) {
        return -1;
    }
    *out = s;
    return 0;
}

/* IA32_XSS: the subset of the supported bits whose compacted size with XCR0 is size. Fewest
 * bits and then the smallest value win; more than one match sets xss_ambiguous. */
static int infer_xss(struct xcr0_profile *p, uint32_t size)
{
    unsigned bits[64], n = 0, matches = 0;
    uint64_t best = 0;
    int best_pc = 65;

    for (unsigned nr = 0; nr < 64; nr++) {
        if (p->xss_supported & XCR0_BIT(nr)) {
            bits[n++] = nr;
        }
    }
    for (uint32_t pick = 0; pick < (1u << n); pick++) {
        uint64_t xss = 0;
        int pc;

        for (unsigned i = 0; i < n; i++) {
            if (pick & (1u << i)) {
                xss |= XCR0_BIT(bits[i]);
            }
        }
        if (xcr0_compacted_size(p, p->xcr0 | xss) != size) {
            continue;
        }
        matches++;
        pc = popcount64(xss);
        if (pc < best_pc || (pc == best_pc && xss < best)) {
            best_pc = pc;
            best = xss;
        }
    }
    if (matches == 0) {
        return -1;
    }
    p->xss = best;
    p->xss_ambiguous = matches > 1;
    return 0;
}

/* "0-19, 62": the bits of mask as ranges, for messages saying which bits are allowed. */
static void format_ranges(uint64_t mask, char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (unsigned nr = 0; nr < 64; nr++) {
        unsigned last = nr;
        int n;

        if (!(mask & XCR0_BIT(nr))) {
            continue;
        }
        while (last + 1 < 64 && (mask & XCR0_BIT(last + 1))) {
            last++;
        }
        n = last == nr ? snprintf(buf + used, len - used, "%s%u", used ? ", " : "", nr)
                       : snprintf(buf + used, len - used, "%s%u-%u", used ? ", " : "", nr, last);
        if (n < 0 || (size_t)n >= len - used) {
            return;
        }
        used += (size_t)n;
        nr = last;
    }
}

/*
 * Build a profile from leaf 0xD. xcr0 is the recorded XCR0 if known (the host), or UINT64_MAX
 * (a dump: inferred from sub-leaf 0 EBX). Errors name the line of the row at fault.
 *
 * Every size and offset is a 32-bit CPUID value a dump may set to anything: sums are taken in
 * 64 bits, and each component and the whole area must stay within XCR0_AREA_MAX, so that no
 * layout of the profile can wrap around (two 0x7fffffff-byte components once made a compacted
 * area of "574 bytes", and decoding then read gigabytes past the image).
 */
static int profile_from_rows(struct leaf_d *d, const char *name, uint64_t xcr0,
                             struct xcr0_profile *p, char *err, size_t errlen)
{
    const struct xcr0_cpuid_regs *s0 = &d->sub[0], *s1 = &d->sub[1];
    unsigned l0 = d->line[0], l1 = d->line[1];
    uint64_t user, end = XCR0_EXTENDED_START;

    memset(p, 0, sizeof(*p));
    snprintf(p->name, sizeof(p->name), "%s", name);
    if (d->vendor_line[0]) {
        snprintf(p->vendor, sizeof(p->vendor), "%s", d->vendor_line);
    } else if (d->have_leaf0) {
        memcpy(p->vendor, &d->leaf0.ebx, 4);
        memcpy(p->vendor + 4, &d->leaf0.edx, 4);
        memcpy(p->vendor + 8, &d->leaf0.ecx, 4);
        p->vendor[12] = '\0';
    }
    /* The vendor's rules (vendor.c). MXCSR_MASK: AMD adds bit 17 (MM, misaligned SSE) where
     * CPUID 0x80000001 ECX[7] (MisAlignSse) says so; every Zen part does, so a dump without
     * that row gets it too (an inference). A host measures it with FXSAVE instead. */
    xcr0_vendor_rules_for(p->vendor, &p->rules, p->rules_name);
    p->misalign_sse = !d->have_ext1 || (d->ext1.ecx & 0x80);
    p->mxcsr_mask = xcr0_vendor_mxcsr_mask(&p->rules, p->misalign_sse);
    if (d->mxcsr_mask) {
        p->mxcsr_mask = d->mxcsr_mask;
    }
    if (l0 == 0) {
        snprintf(err, errlen, "line %u: no leaf 0xd sub-leaf 0 row (0000000d 00000000 ...)",
                 d->last_line);
        return -1;
    }
    p->supported = (uint64_t)s0->edx << 32 | s0->eax;
    p->xss_supported = (uint64_t)s1->edx << 32 | s1->ecx;
    p->xsave_features = s1->eax;
    user = p->supported;
    /* SDM vol. 2A CPUID 0DH: bits 0 and 1 of sub-leaf 0 EAX are always 1. */
    if ((p->supported & XCR0_MASK_LEGACY) != XCR0_MASK_LEGACY) {
        snprintf(err, errlen, "line %u: 0xd.0 EAX bits 0 and 1 (x87, SSE) must be set", l0);
        return -1;
    }
    if (p->supported & p->xss_supported) {
        snprintf(err, errlen, "line %u: bits 0x%llx are both XCR0 (0xd.0 EDX:EAX) and IA32_XSS "
                 "(0xd.1 EDX:ECX) bits", l1 ? l1 : l0,
                 (unsigned long long)(p->supported & p->xss_supported));
        return -1;
    }
    if (p->xss_supported & XCR0_MASK_LEGACY) {
        snprintf(err, errlen, "line %u: 0xd.1 ECX names x87 or SSE as IA32_XSS state", l1);
        return -1;
    }
    /*
     * Every enumerated bit must name a component of the table. Bit 63 never does: XCR0[63] is
     * reserved for future expansion (SDM vol. 1 13.3) and is the compacted-format flag of
     * XCOMP_BV (13.4.2). An undefined bit could never be part of a legal XCR0 (XSETBV #GP,
     * xcr0_check), so `xcr0 cpuid` and every layout of "all supported components" would fail
     * later; refuse it here, on the line that enumerates it.
     */
    if ((p->supported | p->xss_supported) & ~xcr0_defined_mask()) {
        uint64_t bad = (p->supported | p->xss_supported) & ~xcr0_defined_mask();
        unsigned nr = (unsigned)__builtin_ctzll(bad);
        bool in_xss = p->xss_supported & XCR0_BIT(nr);
        char allowed[128];

        format_ranges(xcr0_defined_mask(), allowed, sizeof(allowed));
        snprintf(err, errlen, "line %u: %s enumerates bit %u, which %s; allowed bits: %s",
                 in_xss ? l1 : l0, in_xss ? "0xd.1 EDX:ECX" : "0xd.0 EDX:EAX", nr,
                 nr == 63 ? "is reserved (XCR0[63], XCOMP_BV[63] is the compacted flag)"
                          : "names no state component", allowed);
        return -1;
    }
    /* The legacy region is fixed (SDM 13.4.1); the table says where x87 and SSE are. */
    for (unsigned nr = XCR0_X87; nr <= XCR0_SSE; nr++) {
        const struct xcr0_component *c = xcr0_component(nr);
        p->comp[nr].size = c->size;
        p->comp[nr].offset = c->offset[XCR0_PROFILE_INTEL];
    }
    for (unsigned nr = 2; nr < 64; nr++) {
        const struct xcr0_cpuid_regs *r = &d->sub[nr];
        const struct xcr0_component *c = xcr0_component(nr);
        bool is_user = user & XCR0_BIT(nr), is_sup = p->xss_supported & XCR0_BIT(nr);
        unsigned line = d->line[nr] ? d->line[nr] : (is_sup ? l1 : l0);

        if (!is_user && !is_sup) {
            /* The SDM says such sub-leaves read as zero (vol. 2A CPUID 0DH, "if ECX contains
             * an invalid sub-leaf index, EAX/EBX/ECX/EDX return 0"), but a Centaur part
             * reports rows for components it does not enumerate. Software (Linux's
             * xstate.c among it) reads only the enumerated sub-leaves, so the rows are
             * ignored: recorded for xcr0_profile_note(), never a reason to refuse a CPU. */
            if (r->eax || r->ebx || r->ecx || r->edx) {
                p->ignored_subleaves |= XCR0_BIT(nr);
                if (p->ignored_line == 0) {
                    p->ignored_line = line;
                }
            }
            continue;
        }
        if (r->eax == 0) {
            snprintf(err, errlen, "line %u: component %u is enumerated but sub-leaf 0x%x reports "
                     "size 0%s", line, nr, nr, d->line[nr] ? "" : " (row missing)");
            return -1;
        }
        if ((r->ecx & 1u) != (is_sup ? 1u : 0u)) {
            snprintf(err, errlen, "line %u: sub-leaf 0x%x ECX[0] = %u but component %u is %s "
                     "state in sub-leaf %s", line, nr, r->ecx & 1u, nr,
                     is_sup ? "IA32_XSS" : "XCR0", is_sup ? "1" : "0");
            return -1;
        }
        if (c && c->supervisor != is_sup) {
            snprintf(err, errlen, "line %u: component %u (%s) is %s state, not %s", line, nr,
                     c->name, c->supervisor ? "supervisor" : "user",
                     is_sup ? "supervisor" : "user");
            return -1;
        }
        if (r->ecx & ~7u || r->edx) {
            snprintf(err, errlen, "line %u: sub-leaf 0x%x sets reserved ECX/EDX bits", line, nr);
            return -1;
        }
        if (is_sup && r->ebx != 0) {
            snprintf(err, errlen, "line %u: supervisor component %u reports a standard offset "
                     "(EBX 0x%x; must be 0)", line, nr, r->ebx);
            return -1;
        }
        if (is_user && r->ebx < XCR0_EXTENDED_START) {
            snprintf(err, errlen, "line %u: component %u's offset 0x%x is inside the legacy "
                     "region or header; components start at 0x%x or later", line, nr, r->ebx,
                     XCR0_EXTENDED_START);
            return -1;
        }
        if (r->eax > XCR0_AREA_MAX - XCR0_EXTENDED_START) {
            snprintf(err, errlen, "line %u: component %u's size 0x%x is too large; at most 0x%x "
                     "(an XSAVE area of 16 MiB less the legacy region and header)", line, nr,
                     r->eax, XCR0_AREA_MAX - XCR0_EXTENDED_START);
            return -1;
        }
        if (is_user && (uint64_t)r->ebx + r->eax > XCR0_AREA_MAX) {
            snprintf(err, errlen, "line %u: component %u ends at 0x%llx (offset 0x%x + size "
                     "0x%x); an XSAVE area may have at most 0x%x bytes (16 MiB)", line, nr,
                     (unsigned long long)r->ebx + r->eax, r->ebx, r->eax, XCR0_AREA_MAX);
            return -1;
        }
        p->comp[nr].size = r->eax;
        p->comp[nr].offset = r->ebx;
        p->comp[nr].supervisor = is_sup;
        p->comp[nr].align64 = r->ecx & 2u;
        p->comp[nr].xfd = r->ecx & 4u;
        if (is_user && (uint64_t)r->ebx + r->eax > end) {
            end = (uint64_t)r->ebx + r->eax;
        }
    }
    /* User components must not overlap in the standard format (APX and MPX never coexist:
     * Linux ea68e39190cf rejects such a CPU). */
    for (unsigned a = 2; a < 64; a++) {
        for (unsigned b = a + 1; b < 64; b++) {
            const struct xcr0_profile_component *ca = &p->comp[a], *cb = &p->comp[b];
            if (!(user & XCR0_BIT(a)) || !(user & XCR0_BIT(b))) {
                continue;
            }
            if (ca->offset < (uint64_t)cb->offset + cb->size &&
                cb->offset < (uint64_t)ca->offset + ca->size) {
                snprintf(err, errlen, "line %u: components %u and %u overlap in the standard "
                         "format (0x%x+0x%x, 0x%x+0x%x)", d->line[b] ? d->line[b] : l0, a, b,
                         ca->offset, ca->size, cb->offset, cb->size);
                return -1;
            }
        }
    }
    if (s0->ecx != end) {
        snprintf(err, errlen, "line %u: 0xd.0 ECX = 0x%x, but the supported components end at "
                 "0x%llx", l0, s0->ecx, (unsigned long long)end);
        return -1;
    }
    /* The standard area ends within the limit (each user component does); the compacted one
     * of every supported component is the largest of all compacted areas (adding a component
     * never moves a later one down), so within the limit every layout of the profile is. */
    {
        struct xcr0_layout l;
        char why[256];

        if (xcr0_layout_compacted(p, user | p->xss_supported, &l, why, sizeof(why)) != 0) {
            snprintf(err, errlen, "line %u: %s", p->xss_supported ? l1 : l0, why);
            return -1;
        }
    }
    if (xcr0 == UINT64_MAX) {
        if (infer_xcr0(p, s0->ebx, &p->xcr0) != 0) {
            snprintf(err, errlen, "line %u: 0xd.0 EBX = 0x%x is the standard size of no legal "
                     "XCR0 this CPU supports", l0, s0->ebx);
            return -1;
        }
    } else {
        p->xcr0 = xcr0;
        if (xcr0 & ~user) {
            snprintf(err, errlen, "XCR0 0x%llx has bits CPUID.(0xd,0) does not enumerate",
                     (unsigned long long)xcr0);
            return -1;
        }
        if (xcr0_standard_size(p, xcr0) != s0->ebx) {
            snprintf(err, errlen, "line %u: 0xd.0 EBX = 0x%x but XCR0 0x%llx needs 0x%x", l0,
                     s0->ebx, (unsigned long long)xcr0, xcr0_standard_size(p, xcr0));
            return -1;
        }
    }
    if ((p->xsave_features & XCR0_FEATURE_XSAVEC) && s1->ebx != 0) {
        if (popcount64(p->xss_supported) > MAX_XSS_SEARCH_BITS) {
            snprintf(err, errlen, "line %u: %d IA32_XSS components: too many to infer IA32_XSS",
                     l1, popcount64(p->xss_supported));
            return -1;
        }
        if (infer_xss(p, s1->ebx) != 0) {
            snprintf(err, errlen, "line %u: 0xd.1 EBX = 0x%x is the compacted size of no "
                     "XCR0 0x%llx | IA32_XSS", l1, s1->ebx, (unsigned long long)p->xcr0);
            return -1;
        }
    } else if (s1->ebx != 0) {
        snprintf(err, errlen, "line %u: 0xd.1 EBX = 0x%x without XSAVEC (EAX[1] = 0)", l1,
                 s1->ebx);
        return -1;
    }
    return 0;
}

static int hex8(const char *s, uint32_t *v)
{
    uint32_t x = 0;

    for (int i = 0; i < 8; i++) {
        char ch = s[i];
        unsigned dgt;

        if (ch >= '0' && ch <= '9') {
            dgt = (unsigned)(ch - '0');
        } else if (ch >= 'a' && ch <= 'f') {
            dgt = (unsigned)(ch - 'a' + 10);
        } else if (ch >= 'A' && ch <= 'F') {
            dgt = (unsigned)(ch - 'A' + 10);
        } else {
            return -1;
        }
        x = x << 4 | dgt;
    }
    *v = x;
    return 0;
}

/* Parse one data row: six 8-digit hex words separated by blanks. */
static int parse_row(const char *s, size_t n, uint32_t w[6])
{
    size_t i = 0;

    for (int k = 0; k < 6; k++) {
        while (i < n && (s[i] == ' ' || s[i] == '\t')) {
            i++;
        }
        if (n - i < 8 || hex8(s + i, &w[k]) != 0) {
            return -1;
        }
        i += 8;
        if (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r') {
            return -1;
        }
    }
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) {
        i++;
    }
    return i == n ? 0 : -1;
}

/*
 * Header comments the profile reads: "# vendor: AuthenticAMD" (the CPUID.0 string, for dumps
 * without a leaf 0 row; it wins over one) and "# rules: ..." (xcr0_vendor_rules_apply).
 */
static void comment_line(struct leaf_d *d, const char *s, size_t n, unsigned line)
{
    static const char vendor_key[] = "vendor:", rules_key[] = "rules:";
    size_t k = 0;

    while (k < n && (s[k] == ' ' || s[k] == '\t')) {
        k++;
    }
    s += k;
    n -= k;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) {
        n--;
    }
    if (n > sizeof(vendor_key) - 1 && memcmp(s, vendor_key, sizeof(vendor_key) - 1) == 0) {
        s += sizeof(vendor_key) - 1;
        n -= sizeof(vendor_key) - 1;
        while (n > 0 && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        /* A vendor string is 12 characters; a longer word is a description, not one. */
        if (n > 0 && n < sizeof(d->vendor_line) && !memchr(s, ' ', n)) {
            memcpy(d->vendor_line, s, n);
            d->vendor_line[n] = '\0';
        }
    } else if (n >= sizeof(rules_key) - 1 && memcmp(s, rules_key, sizeof(rules_key) - 1) == 0) {
        s += sizeof(rules_key) - 1;
        n -= sizeof(rules_key) - 1;
        if (n >= sizeof(d->rules_text)) {
            n = sizeof(d->rules_text) - 1; /* then the last word is cut and refused */
        }
        memcpy(d->rules_text, s, n);
        d->rules_text[n] = '\0';
        if (d->rules_text[0] == '\0') {
            d->rules_text[0] = ' ';
            d->rules_text[1] = '\0';
        }
        d->rules_line = line;
    }
}

int xcr0_profile_parse(const char *text, size_t len, const char *name, struct xcr0_profile *p,
                       char *err, size_t errlen)
{
    struct leaf_d *d = calloc(1, sizeof(*d));
    size_t pos = 0;
    unsigned line = 0;
    int ret = -1;

    if (d == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    while (pos < len) {
        const char *s = text + pos;
        size_t n = 0, k = 0;
        uint32_t w[6];

        while (pos + n < len && s[n] != '\n') {
            n++;
        }
        pos += n + 1;
        line++;
        if (memchr(s, '\0', n)) {
            snprintf(err, errlen, "line %u: NUL byte (not a text file?)", line);
            goto out;
        }
        while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r')) {
            k++;
        }
        if (k < n && s[k] == '#') {
            comment_line(d, s + k + 1, n - k - 1, line);
            continue;
        }
        if (k == n) {
            continue;
        }
        if (parse_row(s, n, w) != 0) {
            snprintf(err, errlen, "line %u: expected a comment or 6 eight-digit hex words "
                     "(leaf sub-leaf eax ebx ecx edx)", line);
            goto out;
        }
        if (w[0] == 0 && w[1] == 0) {
            if (d->have_leaf0) {
                snprintf(err, errlen, "line %u: second row for leaf 0", line);
                goto out;
            }
            d->have_leaf0 = true;
            d->leaf0 = (struct xcr0_cpuid_regs){ w[2], w[3], w[4], w[5] };
        } else if (w[0] == 0x80000001u && w[1] == 0) {
            d->have_ext1 = true;
            d->ext1 = (struct xcr0_cpuid_regs){ w[2], w[3], w[4], w[5] };
        } else if (w[0] == 0xd) {
            if (w[1] >= 64) {
                snprintf(err, errlen, "line %u: leaf 0xd sub-leaf 0x%x names no state component "
                         "(0..63)", line, w[1]);
                goto out;
            }
            if (d->line[w[1]]) {
                snprintf(err, errlen, "line %u: second row for leaf 0xd sub-leaf 0x%x (first on "
                         "line %u)", line, w[1], d->line[w[1]]);
                goto out;
            }
            d->line[w[1]] = line;
            d->sub[w[1]] = (struct xcr0_cpuid_regs){ w[2], w[3], w[4], w[5] };
        }
    }
    d->last_line = line;
    ret = profile_from_rows(d, name, UINT64_MAX, p, err, errlen);
    if (ret == 0 && d->rules_text[0]) {
        char why[384];

        if (xcr0_vendor_rules_apply(p, d->rules_text, why, sizeof(why)) != 0) {
            snprintf(err, errlen, "line %u: %s", d->rules_line, why);
            ret = -1;
        }
    }
out:
    free(d);
    return ret;
}

bool xcr0_profile_note(const struct xcr0_profile *p, char *buf, size_t len)
{
    char where[32] = "", subs[256] = "";
    size_t used = 0;

    if (len == 0) {
        return p->ignored_subleaves != 0;
    }
    buf[0] = '\0';
    if (p->ignored_subleaves == 0) {
        return false;
    }
    for (uint64_t rest = p->ignored_subleaves; rest; rest &= rest - 1) {
        int n = snprintf(subs + used, sizeof(subs) - used, "%s0x%x", used ? ", " : "",
                         (unsigned)__builtin_ctzll(rest));
        if (n < 0 || (size_t)n >= sizeof(subs) - used) {
            break;
        }
        used += (size_t)n;
    }
    if (p->ignored_line) {
        snprintf(where, sizeof(where), "line %u: ", p->ignored_line);
    }
    snprintf(buf, len, "%sleaf 0xd sub-lea%s %s describe%s component%s that 0xd.0 EDX:EAX and "
             "0xd.1 EDX:ECX do not enumerate; ignored", where,
             (p->ignored_subleaves & (p->ignored_subleaves - 1)) ? "ves" : "f", subs,
             (p->ignored_subleaves & (p->ignored_subleaves - 1)) ? "" : "s",
             (p->ignored_subleaves & (p->ignored_subleaves - 1)) ? "s" : "");
    return true;
}

int xcr0_profile_load(const char *path, struct xcr0_profile *p, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int ret;
    const char *base;

    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    for (;;) {
        size_t got;

        if (len == cap) {
            char *nb;
            if (cap >= (size_t)16 << 20) {
                snprintf(err, errlen, "%s: larger than 16 MiB, not a CPUID dump", path);
                free(buf);
                fclose(f);
                return -1;
            }
            cap = cap ? cap * 2 : 8192;
            nb = realloc(buf, cap);
            if (nb == NULL) {
                snprintf(err, errlen, "%s: out of memory", path);
                free(buf);
                fclose(f);
                return -1;
            }
            buf = nb;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    base = strrchr(path, '/');
    base = base ? base + 1 : path;
    ret = xcr0_profile_parse(buf ? buf : "", len, base, p, err, errlen);
    if (ret != 0) {
        /* Prefix the file so "line N" points somewhere. */
        char tmp[512];
        snprintf(tmp, sizeof(tmp), "%s", err);
        snprintf(err, errlen, "%s: %s", path, tmp);
    }
    free(buf);
    return ret;
}

#if defined(__x86_64__) || defined(__i386__)
int xcr0_profile_host(struct xcr0_profile *p, char *err, size_t errlen)
{
    struct leaf_d *d;
    uint64_t xcr0;
    int ret;

    if (xcr0_host_xcr0(&xcr0, err, errlen) != 0) {
        return -1;
    }
    d = calloc(1, sizeof(*d));
    if (d == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (xcr0_host_cpuid(0, 0, &d->leaf0, err, errlen) != 0) {
        free(d);
        return -1;
    }
    d->have_leaf0 = true;
    if (xcr0_host_mxcsr_mask(&d->mxcsr_mask, err, errlen) != 0) {
        free(d);
        return -1;
    }
    /* "Line" numbers for host errors are sub-leaf + 1 (there is no file). */
    for (uint32_t sub = 0; sub < 64; sub++) {
        if (xcr0_host_cpuid(0xd, sub, &d->sub[sub], err, errlen) != 0) {
            free(d);
            return -1;
        }
        d->line[sub] = sub + 1;
    }
    d->last_line = 64;
    ret = profile_from_rows(d, "host", xcr0, p, err, errlen);
    free(d);
    p->ignored_line = 0; /* no file: the note names sub-leaves alone */
    if (ret != 0) {
        char tmp[512];
        snprintf(tmp, sizeof(tmp), "%s", err);
        snprintf(err, errlen, "host CPUID leaf 0xd is inconsistent (\"line\" = sub-leaf + 1): %s",
                 tmp);
    }
    return ret;
}
#else
int xcr0_profile_host(struct xcr0_profile *p, char *err, size_t errlen)
{
    (void)p;
    snprintf(err, errlen, "'host' reads this machine's CPUID leaf 0xd, which only x86 hosts "
             "have; name a profile instead (intel, amd, or a CPUID dump file)");
    return -1;
}
#endif

int xcr0_profile_open(const char *spec, struct xcr0_profile *p, char *err, size_t errlen)
{
    if (spec == NULL || *spec == '\0') {
        snprintf(err, errlen, "empty profile name (intel, amd, host, or a CPUID dump file)");
        return -1;
    }
    if (xcr0_profile_builtin(spec, p) == 0) {
        return 0;
    }
    if (strcmp(spec, "host") == 0) {
        return xcr0_profile_host(p, err, errlen);
    }
    return xcr0_profile_load(spec, p, err, errlen);
}

enum xcr0_rule xcr0_check_profile(const struct xcr0_profile *p, uint64_t xcr0)
{
    return xcr0_check(xcr0, p->supported);
}
