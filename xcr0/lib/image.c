/*
 * XSAVE images: decode, validate as XRSTOR would, convert between formats and profiles, compare.
 * Rules: Intel SDM vol. 1 13.4 (layout), 13.8 (XRSTOR: 13.8.1 standard form, 13.8.2 compacted
 * form), vol. 2B XRSTOR "Protected Mode Exceptions". Where the SDM leaves a choice open, the
 * behaviour measured on real hardware is written next to the code (tests/unit/test-native.c
 * re-measures it on every x86 host the tests run on).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xcr0/xcr0.h"

#define SSE_OR_YMM (XCR0_BIT(XCR0_SSE) | XCR0_BIT(XCR0_YMM))

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

static void wr64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static bool zero_bytes(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* The legacy-region areas of x87 and SSE, from the component table (the XMM registers are
 * SSE's 256 bytes at 160; x87's 160 bytes start at 0, with MXCSR inside them at 24..31). */
static uint32_t legacy_off(unsigned nr)
{
    return xcr0_component(nr)->offset[XCR0_PROFILE_INTEL];
}

static uint32_t legacy_size(unsigned nr)
{
    return xcr0_component(nr)->size;
}

static const char *comp_name(unsigned nr, char *buf, size_t len)
{
    const struct xcr0_component *c = xcr0_component(nr);

    if (c) {
        snprintf(buf, len, "%u (%s)", nr, c->name);
    } else {
        snprintf(buf, len, "%u", nr);
    }
    return buf;
}

int xcr0_image_decode(const struct xcr0_profile *p, const void *buf, size_t len,
                      struct xcr0_image *img, char *err, size_t errlen)
{
    const uint8_t *b = buf;
    struct xcr0_layout l;
    char lerr[256], name[64];
    int r;

    memset(img, 0, sizeof(*img));
    if (len < XCR0_EXTENDED_START) {
        snprintf(err, errlen, "image is %zu bytes; an XSAVE image has at least 576 (legacy "
                 "region and header)", len);
        return -1;
    }
    img->xstate_bv = rd64(b + XCR0_XSTATE_BV_OFFSET);
    img->xcomp_bv = rd64(b + XCR0_XCOMP_BV_OFFSET);
    img->mxcsr = rd32(b + XCR0_MXCSR_OFFSET);
    img->compacted = img->xcomp_bv & XCR0_XCOMP_BV_COMPACTED;
    if (img->compacted) {
        uint64_t stray = img->xstate_bv & ~img->xcomp_bv & ~XCR0_XCOMP_BV_COMPACTED;
        if (stray) {
            snprintf(err, errlen, "XSTATE_BV 0x%llx has bits XCOMP_BV 0x%llx lacks (component %s "
                     "has no place in the image)", (unsigned long long)img->xstate_bv,
                     (unsigned long long)img->xcomp_bv,
                     comp_name((unsigned)__builtin_ctzll(stray), name, sizeof(name)));
            return -1;
        }
        r = xcr0_layout_compacted(p, img->xcomp_bv | XCR0_MASK_LEGACY, &l, lerr, sizeof(lerr));
    } else {
        /* Standard format: XSTATE_BV bit 63 is no component; XRSTOR faults on it (13.8.1). */
        r = xcr0_layout_standard(p, (img->xstate_bv & ~XCR0_XCOMP_BV_COMPACTED) |
                                 XCR0_MASK_LEGACY, &l, lerr, sizeof(lerr));
    }
    if (r != 0) {
        snprintf(err, errlen, "%s image: %s", img->compacted ? "compacted" : "standard", lerr);
        return -1;
    }
    /* The layout's size is its true end (layout.c adds in 64 bits and keeps it within
     * XCR0_AREA_MAX): every component below reads inside the len bytes checked here. */
    if (l.size > len) {
        snprintf(err, errlen, "image is %zu bytes but its %s layout (0x%llx) needs %u",
                 len, img->compacted ? "compacted" : "standard", (unsigned long long)l.mask,
                 l.size);
        return -1;
    }
    img->size = l.size;
    for (unsigned nr = 0; nr < 64; nr++) {
        for (unsigned i = 0; i < l.count; i++) {
            struct xcr0_image_component *c;
            const struct xcr0_layout_entry *e = &l.entry[i];

            if (e->nr != nr) {
                continue;
            }
            c = &img->comp[img->count++];
            c->nr = nr;
            c->offset = e->offset;
            c->size = e->size;
            c->in_xstate_bv = img->xstate_bv & XCR0_BIT(nr);
            if (!c->in_xstate_bv) {
                c->init = true;
            } else if (nr <= XCR0_SSE) {
                c->init = xcr0_component_is_init(nr, b, XCR0_LEGACY_SIZE);
            } else if (xcr0_component(nr)) {
                c->init = xcr0_component_is_init(nr, b + e->offset, e->size);
            } else {
                c->init = zero_bytes(b + e->offset, e->size);
            }
        }
    }
    return 0;
}

/*
 * Does XRSTOR load MXCSR from this image? Standard form: whenever RFBM[1] or RFBM[2] is set,
 * whatever XSTATE_BV says (SDM 13.8.1; measured: a standard XRSTOR with XSTATE_BV = 0 loaded
 * MXCSR 0x1FC0 from memory). Compacted form: MXCSR is SSE state, loaded only when RFBM[1] and
 * XSTATE_BV[1] are both set, otherwise initialised to 0x1F80 (measured: XSTATE_BV = 0 left MXCSR
 * 0x1F80 and XINUSE[1] = 0).
 */
static bool loads_mxcsr(bool compacted, uint64_t rfbm, uint64_t xstate_bv)
{
    if (compacted) {
        return rfbm & xstate_bv & XCR0_BIT(XCR0_SSE);
    }
    return rfbm & SSE_OR_YMM;
}

enum xcr0_image_fault xcr0_xrstor_fault(const struct xcr0_profile *p, uint64_t xcr0,
                                       uint64_t rfbm, const uint8_t header[XCR0_HEADER_SIZE],
                                       uint32_t mxcsr)
{
    uint64_t xstate_bv = rd64(header), xcomp_bv = rd64(header + 8);
    bool compacted = xcomp_bv & XCR0_XCOMP_BV_COMPACTED;

    rfbm &= xcr0;   /* XRSTOR's requested-feature bitmap is EDX:EAX AND XCR0 (13.8) */
    if (!compacted) {
        /* 13.8.1: XSTATE_BV must be a subset of XCR0; header bytes 8..23 (XCOMP_BV and the
         * next 8) must be zero. Bytes 24..63 are not checked. */
        if (xstate_bv & ~xcr0) {
            return XCR0_IMAGE_XSTATE_BV_NOT_IN_XCR0;
        }
        if (!zero_bytes(header + 8, 16)) {
            return XCR0_IMAGE_HEADER_RESERVED;
        }
    } else {
        /* 13.8.2: the compacted form needs XSAVEC; XCOMP_BV[62:0] within XCR0; XSTATE_BV within
         * XCOMP_BV; header bytes 16..63 zero. */
        if (!(p->xsave_features & XCR0_FEATURE_XSAVEC)) {
            return XCR0_IMAGE_NO_XSAVEC;
        }
        if (xcomp_bv & ~XCR0_XCOMP_BV_COMPACTED & ~xcr0) {
            return XCR0_IMAGE_XCOMP_BV_NOT_IN_XCR0;
        }
        /* Bit 63 of XCOMP_BV is the format bit, not a component: XSTATE_BV[63] = 1 faults
         * (measured on Cascade Lake; the SDM's wording leaves it open). */
        if (xstate_bv & ~(xcomp_bv & ~XCR0_XCOMP_BV_COMPACTED)) {
            return XCR0_IMAGE_XSTATE_BV_NOT_IN_XCOMP_BV;
        }
        if (!zero_bytes(header + 16, 48)) {
            return XCR0_IMAGE_COMPACTED_RESERVED;
        }
    }
    if (loads_mxcsr(compacted, rfbm, xstate_bv) && (mxcsr & ~p->mxcsr_mask)) {
        return XCR0_IMAGE_MXCSR_RESERVED;
    }
    return XCR0_IMAGE_OK;
}

enum xcr0_image_fault xcr0_image_validate(const struct xcr0_profile *p, uint64_t xcr0,
                                          uint64_t rfbm, const void *buf, size_t len)
{
    const uint8_t *b = buf;
    uint64_t xstate_bv, xcomp_bv, need;
    struct xcr0_layout l;
    char lerr[8];
    enum xcr0_image_fault f;

    if ((uintptr_t)buf & 63u) {
        return XCR0_IMAGE_MISALIGNED;
    }
    if (len < XCR0_EXTENDED_START) {
        return XCR0_IMAGE_TOO_SHORT;
    }
    f = xcr0_xrstor_fault(p, xcr0, rfbm, b + XCR0_XSTATE_BV_OFFSET, rd32(b + XCR0_MXCSR_OFFSET));
    if (f != XCR0_IMAGE_OK) {
        return f;
    }
    /* Our own check: the bytes XRSTOR would read must be there. */
    rfbm &= xcr0;
    xstate_bv = rd64(b + XCR0_XSTATE_BV_OFFSET);
    xcomp_bv = rd64(b + XCR0_XCOMP_BV_OFFSET);
    need = (rfbm & xstate_bv) & ~XCR0_MASK_LEGACY;
    if (xcomp_bv & XCR0_XCOMP_BV_COMPACTED) {
        if (xcr0_layout_compacted(p, xcomp_bv, &l, lerr, sizeof(lerr)) != 0 || l.size > len) {
            return XCR0_IMAGE_TOO_SHORT;
        }
    } else if (xcr0_layout_standard(p, need, &l, lerr, sizeof(lerr)) != 0 || l.size > len) {
        return XCR0_IMAGE_TOO_SHORT;
    }
    return XCR0_IMAGE_OK;
}

const char *xcr0_image_fault_str(enum xcr0_image_fault f)
{
    switch (f) {
    case XCR0_IMAGE_OK:
        return "valid";
    case XCR0_IMAGE_MISALIGNED:
        return "#GP: the image is not 64-byte aligned";
    case XCR0_IMAGE_TOO_SHORT:
        return "the image ends before its layout does";
    case XCR0_IMAGE_XSTATE_BV_NOT_IN_XCR0:
        return "#GP: XSTATE_BV has a bit that XCR0 does not enable (standard form)";
    case XCR0_IMAGE_HEADER_RESERVED:
        return "#GP: header bytes 8..23 (XCOMP_BV, reserved) are not zero (standard form)";
    case XCR0_IMAGE_NO_XSAVEC:
        return "#GP: compacted image (XCOMP_BV[63] = 1) on a CPU without XSAVEC";
    case XCR0_IMAGE_XCOMP_BV_NOT_IN_XCR0:
        return "#GP: XCOMP_BV has a bit that XCR0 does not enable (compacted form)";
    case XCR0_IMAGE_XSTATE_BV_NOT_IN_XCOMP_BV:
        return "#GP: XSTATE_BV has a bit that XCOMP_BV lacks (compacted form)";
    case XCR0_IMAGE_COMPACTED_RESERVED:
        return "#GP: header bytes 16..63 are not zero (compacted form)";
    case XCR0_IMAGE_MXCSR_RESERVED:
        return "#GP: MXCSR has reserved bits set";
    }
    return "unknown";
}

/* The mask of components an input image carries (see xcr0_image_convert). */
static uint64_t image_mask(const struct xcr0_profile *from, const struct xcr0_image *img,
                           size_t inlen)
{
    uint64_t m;

    if (img->compacted) {
        m = img->xcomp_bv & ~XCR0_XCOMP_BV_COMPACTED;
    } else {
        m = img->xstate_bv;
        for (unsigned nr = 2; nr < 64; nr++) {
            const struct xcr0_profile_component *pc = &from->comp[nr];
            if ((from->xcr0 & XCR0_BIT(nr)) && !pc->supervisor &&
                (uint64_t)pc->offset + pc->size <= inlen) {
                m |= XCR0_BIT(nr);
            }
        }
    }
    return m | XCR0_MASK_LEGACY;
}

int xcr0_image_convert(const struct xcr0_profile *from, const void *in, size_t inlen,
                       const struct xcr0_profile *to, bool compacted, void *out, size_t outcap,
                       size_t *outlen, char *err, size_t errlen)
{
    const uint8_t *ib = in;
    uint8_t *ob = out;
    struct xcr0_image img;
    struct xcr0_layout l;
    uint64_t have, mask, xstate_bv;
    char lerr[256], name[64];

    if (xcr0_image_decode(from, in, inlen, &img, err, errlen) != 0) {
        return -1;
    }
    have = to->supported | (compacted ? to->xss_supported : 0);
    mask = image_mask(from, &img, inlen) & have;
    xstate_bv = img.xstate_bv & ~XCR0_XCOMP_BV_COMPACTED;
    for (unsigned i = 0; i < img.count; i++) {
        const struct xcr0_image_component *c = &img.comp[i];
        const struct xcr0_profile_component *tc = &to->comp[c->nr];

        if (!(have & XCR0_BIT(c->nr)) || (!compacted && tc->supervisor)) {
            if (c->in_xstate_bv && !c->init) {
                snprintf(err, errlen, "component %s holds state, but profile %s%s cannot hold "
                         "it", comp_name(c->nr, name, sizeof(name)), to->name,
                         compacted ? "" : " (standard format)");
                return -1;
            }
            /* In its init state: leaving it out of the target loses nothing. */
            xstate_bv &= ~XCR0_BIT(c->nr);
            mask &= ~XCR0_BIT(c->nr);
            continue;
        }
        if (c->nr > XCR0_SSE && tc->size != c->size) {
            snprintf(err, errlen, "component %s is %u bytes in profile %s but %u in %s",
                     comp_name(c->nr, name, sizeof(name)), c->size, from->name, tc->size,
                     to->name);
            return -1;
        }
    }
    if (compacted) {
        if (!(to->xsave_features & XCR0_FEATURE_XSAVEC)) {
            snprintf(err, errlen, "profile %s has no XSAVEC: it cannot use the compacted format",
                     to->name);
            return -1;
        }
        if (xcr0_layout_compacted(to, mask, &l, lerr, sizeof(lerr)) != 0) {
            snprintf(err, errlen, "%s", lerr);
            return -1;
        }
    } else if (xcr0_layout_standard(to, mask, &l, lerr, sizeof(lerr)) != 0) {
        snprintf(err, errlen, "%s", lerr);
        return -1;
    }
    if (l.size > outcap) {
        snprintf(err, errlen, "output needs %u bytes, buffer has %zu", l.size, outcap);
        return -1;
    }
    memset(ob, 0, l.size);
    memcpy(ob, ib, XCR0_LEGACY_SIZE);
    /* MXCSR follows different rules in the two forms (see loads_mxcsr). A compacted image
     * without SSE in XSTATE_BV means MXCSR = 0x1F80; a standard one always carries MXCSR. */
    if (img.compacted && !compacted && !(xstate_bv & XCR0_BIT(XCR0_SSE))) {
        wr32(ob + XCR0_MXCSR_OFFSET, XCR0_MXCSR_INIT);
    }
    if (!img.compacted && compacted && !(xstate_bv & XCR0_BIT(XCR0_SSE)) &&
        img.mxcsr != XCR0_MXCSR_INIT) {
        /* Keep the non-default MXCSR: SSE becomes "in use" with zero XMM registers. */
        xstate_bv |= XCR0_BIT(XCR0_SSE);
        memset(ob + legacy_off(XCR0_SSE), 0, legacy_size(XCR0_SSE));
    }
    wr64(ob + XCR0_XSTATE_BV_OFFSET, xstate_bv & mask);
    wr64(ob + XCR0_XCOMP_BV_OFFSET, compacted ? (mask | XCR0_XCOMP_BV_COMPACTED) : 0);
    for (unsigned i = 0; i < img.count; i++) {
        const struct xcr0_image_component *c = &img.comp[i];

        if (c->nr <= XCR0_SSE || !(mask & XCR0_BIT(c->nr)) || !c->in_xstate_bv) {
            continue;
        }
        for (unsigned j = 0; j < l.count; j++) {
            if (l.entry[j].nr == c->nr) {
                memcpy(ob + l.entry[j].offset, ib + c->offset, c->size);
            }
        }
    }
    *outlen = l.size;
    return 0;
}

/* Component nr's state as XRSTOR would load it, copied into st (cap bytes); returns its size,
 * or SIZE_MAX if cap is too small (the caller sizes st from the images, so never). */
static size_t effective_state(const struct xcr0_image *img, const uint8_t *b, unsigned nr,
                              uint8_t *st, size_t cap)
{
    const struct xcr0_image_component *c = NULL;
    bool present;

    for (unsigned i = 0; i < img->count; i++) {
        if (img->comp[i].nr == nr) {
            c = &img->comp[i];
        }
    }
    present = c && c->in_xstate_bv;
    if (nr == XCR0_X87) {
        uint32_t size = legacy_size(XCR0_X87);
        /* x87's area without bytes 24..31, which are MXCSR and MXCSR_MASK (SSE's). */
        memset(st, 0, size);
        if (present) {
            memcpy(st, b, size);
            memset(st + XCR0_MXCSR_OFFSET, 0, 8);
        } else {
            st[0] = 0x7f;   /* FCW 0x37F (SDM 13.6) */
            st[1] = 0x03;
        }
        return size;
    }
    if (nr == XCR0_SSE) {
        bool mx = !img->compacted || present;
        uint32_t size = legacy_size(XCR0_SSE);
        wr32(st, mx ? img->mxcsr : XCR0_MXCSR_INIT);
        if (present) {
            memcpy(st + 4, b + legacy_off(XCR0_SSE), size);
        } else {
            memset(st + 4, 0, size);
        }
        return 4 + size;
    }
    if (c == NULL) {
        return 0;
    }
    if (c->size > cap) {
        return SIZE_MAX;
    }
    if (present) {
        memcpy(st, b + c->offset, c->size);
    } else {
        memset(st, 0, c->size);
    }
    return c->size;
}

int xcr0_image_compare(const struct xcr0_profile *pa, const void *a, size_t alen,
                       const struct xcr0_profile *pb, const void *b, size_t blen,
                       uint64_t *differ, char *err, size_t errlen)
{
    struct xcr0_image ia, ib;
    size_t cap = 4 + XCR0_LEGACY_SIZE; /* MXCSR and the XMM registers, or x87's area */
    uint8_t *sa = NULL, *sb = NULL;
    char e[400];
    int ret = -1;

    *differ = 0;
    if (xcr0_image_decode(pa, a, alen, &ia, e, sizeof(e)) != 0) {
        snprintf(err, errlen, "first image: %s", e);
        return -1;
    }
    if (xcr0_image_decode(pb, b, blen, &ib, e, sizeof(e)) != 0) {
        snprintf(err, errlen, "second image: %s", e);
        return -1;
    }
    /*
     * Room for the largest component of either image. (A fixed 64 KiB once made every larger
     * component compare as 0 bytes on both sides: "same state" for images that differ.)
     * Decoded components are within XCR0_AREA_MAX.
     */
    for (unsigned i = 0; i < ia.count; i++) {
        cap = ia.comp[i].size > cap ? ia.comp[i].size : cap;
    }
    for (unsigned i = 0; i < ib.count; i++) {
        cap = ib.comp[i].size > cap ? ib.comp[i].size : cap;
    }
    sa = malloc(cap);
    sb = malloc(cap);
    if (sa == NULL || sb == NULL) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (unsigned nr = 0; nr < 64; nr++) {
        size_t na, nb;
        bool in_a = false, in_b = false;

        for (unsigned i = 0; i < ia.count; i++) {
            in_a |= ia.comp[i].nr == nr;
        }
        for (unsigned i = 0; i < ib.count; i++) {
            in_b |= ib.comp[i].nr == nr;
        }
        if (!in_a && !in_b) {
            continue;
        }
        na = effective_state(&ia, a, nr, sa, cap);
        nb = effective_state(&ib, b, nr, sb, cap);
        if (na == SIZE_MAX || nb == SIZE_MAX) {
            snprintf(err, errlen, "component %u does not fit the comparison buffer", nr);
            goto out;
        }
        /* A component one image lacks is in its init state there: all zero for nr >= 2. */
        if (!in_a) {
            na = nb;
            memset(sa, 0, na);
        }
        if (!in_b) {
            nb = na;
            memset(sb, 0, nb);
        }
        if (na != nb || memcmp(sa, sb, na) != 0) {
            *differ |= XCR0_BIT(nr);
        }
    }
    ret = 0;
out:
    free(sa);
    free(sb);
    return ret;
}
