/*
 * XSAVE area layouts (Intel SDM vol. 1 13.4 "XSAVE area") and CPUID leaf 0xD as a program sees
 * it (SDM vol. 2A CPUID, leaf 0DH). Every offset comes from a profile; a built-in profile takes
 * its offsets from the component table in components.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "xcr0/xcr0.h"

static void add_entry(struct xcr0_layout *l, unsigned nr, uint32_t offset, uint32_t size,
                      bool align64)
{
    unsigned i = l->count++;

    /* Keep the entries in offset order (insertion sort; at most 64 of them). */
    while (i > 0 && l->entry[i - 1].offset > offset) {
        l->entry[i] = l->entry[i - 1];
        i--;
    }
    l->entry[i].nr = nr;
    l->entry[i].offset = offset;
    l->entry[i].size = size;
    l->entry[i].align64 = align64;
}

static void component_name(unsigned nr, char *buf, size_t len)
{
    const struct xcr0_component *c = xcr0_component(nr);

    if (c) {
        snprintf(buf, len, "%u (%s)", nr, c->name);
    } else {
        snprintf(buf, len, "%u", nr);
    }
}

/* x87 and SSE live in the legacy region at fixed places (SDM 13.4.1); the table says where. */
static void add_legacy(struct xcr0_layout *l, uint64_t mask)
{
    for (unsigned nr = XCR0_X87; nr <= XCR0_SSE; nr++) {
        if (mask & XCR0_BIT(nr)) {
            const struct xcr0_component *c = xcr0_component(nr);
            add_entry(l, nr, c->offset[XCR0_PROFILE_INTEL], c->size, false);
        }
    }
}

/*
 * Sizes and offsets are 32-bit CPUID values, and a profile is data: add them in 64 bits and
 * refuse an area beyond XCR0_AREA_MAX, so that every size a layout reports is the real one
 * (never a sum wrapped below the components' ends) and fits its 32-bit fields.
 */
static int area_too_large(const struct xcr0_profile *p, const char *format, uint64_t mask,
                          uint64_t size, char *err, size_t errlen)
{
    if (size <= XCR0_AREA_MAX) {
        return 0;
    }
    snprintf(err, errlen, "the %s-format XSAVE area of 0x%llx on profile %s would be 0x%llx "
             "bytes; at most 0x%x (16 MiB) is allowed", format, (unsigned long long)mask,
             p->name, (unsigned long long)size, XCR0_AREA_MAX);
    return -1;
}

int xcr0_layout_standard(const struct xcr0_profile *p, uint64_t xcr0, struct xcr0_layout *l,
                         char *err, size_t errlen)
{
    uint64_t end = XCR0_EXTENDED_START;
    char name[64];

    memset(l, 0, sizeof(*l));
    l->mask = xcr0;
    add_legacy(l, xcr0);
    for (unsigned nr = 2; nr < 64; nr++) {
        const struct xcr0_profile_component *pc = &p->comp[nr];

        if (!(xcr0 & XCR0_BIT(nr))) {
            continue;
        }
        component_name(nr, name, sizeof(name));
        if (pc->size == 0) {
            snprintf(err, errlen, "component %s is not in profile %s", name, p->name);
            return -1;
        }
        if (pc->supervisor) {
            snprintf(err, errlen, "component %s is supervisor state: it has no standard-format "
                     "offset (use the compacted format)", name);
            return -1;
        }
        add_entry(l, nr, pc->offset, pc->size, false);
        if ((uint64_t)pc->offset + pc->size > end) {
            end = (uint64_t)pc->offset + pc->size;
        }
    }
    if (area_too_large(p, "standard", xcr0, end, err, errlen) != 0) {
        return -1;
    }
    /* CPUID.(0xD,0).EBX: the end of the last enabled component; the legacy region and the
     * header are always there (576 for XCR0 = 3, as Jasper Lake reports). */
    l->size = (uint32_t)end;
    return 0;
}

int xcr0_layout_compacted(const struct xcr0_profile *p, uint64_t xcomp_bv, struct xcr0_layout *l,
                          char *err, size_t errlen)
{
    uint64_t off = XCR0_EXTENDED_START;
    char name[64];

    xcomp_bv &= ~XCR0_XCOMP_BV_COMPACTED;
    memset(l, 0, sizeof(*l));
    l->mask = xcomp_bv;
    l->compacted = true;
    add_legacy(l, xcomp_bv);
    /* SDM 13.4.3: components 2..62 in XCOMP_BV follow each other in bit order from byte 576;
     * one whose CPUID.(0xD,i).ECX[1] is set starts on the next 64-byte boundary. */
    for (unsigned nr = 2; nr < 63; nr++) {
        const struct xcr0_profile_component *pc = &p->comp[nr];

        if (!(xcomp_bv & XCR0_BIT(nr))) {
            continue;
        }
        if (pc->size == 0) {
            component_name(nr, name, sizeof(name));
            snprintf(err, errlen, "component %s is not in profile %s", name, p->name);
            return -1;
        }
        if (pc->align64) {
            off = (off + 63u) & ~(uint64_t)63u;
        }
        /* At most 61 components of less than 4 GiB each: off stays far below 2^64. An entry
         * past the limit is left out; the whole layout is refused below. */
        if (off + pc->size <= XCR0_AREA_MAX) {
            add_entry(l, nr, (uint32_t)off, pc->size, pc->align64);
        }
        off += pc->size;
    }
    if (area_too_large(p, "compacted", xcomp_bv, off, err, errlen) != 0) {
        return -1;
    }
    l->size = (uint32_t)off;
    return 0;
}

uint32_t xcr0_standard_size(const struct xcr0_profile *p, uint64_t xcr0)
{
    struct xcr0_layout l;
    char err[8];

    return xcr0_layout_standard(p, xcr0, &l, err, sizeof(err)) == 0 ? l.size : 0;
}

uint32_t xcr0_compacted_size(const struct xcr0_profile *p, uint64_t xcomp_bv)
{
    struct xcr0_layout l;
    char err[8];

    return xcr0_layout_compacted(p, xcomp_bv, &l, err, sizeof(err)) == 0 ? l.size : 0;
}

void xcr0_cpuid_leaf_d(const struct xcr0_profile *p, uint64_t xcr0, uint32_t subleaf,
                       struct xcr0_cpuid_regs *r)
{
    uint64_t user = p->supported & ~p->xss_supported;

    memset(r, 0, sizeof(*r));
    if (subleaf == 0) {
        /* EDX:EAX supported XCR0 bits; EBX size for the current XCR0; ECX size for all. */
        r->eax = (uint32_t)p->supported;
        r->edx = (uint32_t)(p->supported >> 32);
        r->ebx = xcr0_standard_size(p, xcr0 & user);
        r->ecx = xcr0_standard_size(p, user);
    } else if (subleaf == 1) {
        /* EBX: compacted size of XCR0 | IA32_XSS, padding included (0 without XSAVEC, as on
         * Sandy Bridge and AMD family 15h). ECX/EDX: supported IA32_XSS bits. */
        r->eax = p->xsave_features;
        if (p->xsave_features & XCR0_FEATURE_XSAVEC) {
            r->ebx = xcr0_compacted_size(p, (xcr0 & user) | (p->xss & p->xss_supported));
        }
        r->ecx = (uint32_t)p->xss_supported;
        r->edx = (uint32_t)(p->xss_supported >> 32);
    } else if (subleaf < 64 && ((p->supported | p->xss_supported) & XCR0_BIT(subleaf))) {
        const struct xcr0_profile_component *pc = &p->comp[subleaf];

        r->eax = pc->size;
        r->ebx = pc->supervisor ? 0 : pc->offset;
        r->ecx = (pc->supervisor ? 1u : 0u) | (pc->align64 ? 2u : 0u) | (pc->xfd ? 4u : 0u);
    }
}
