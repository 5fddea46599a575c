/*
 * libFuzzer target: CPUID dump parsing (xcr0_profile_parse), and everything a parsed profile
 * feeds (layouts, leaf 0xD generation, legality, images in both formats). Built by
 * tests/fuzz/run-fuzz.sh with -fsanitize=fuzzer,address,undefined; not part of the normal build.
 * Seeds: tests/data/cpuid and tests/fuzz/corpus/profile (the reproducers of issue 14).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xcr0/xcr0.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A layout is sane: at least the legacy region and header, within the limit, every entry
 * inside it. (Two 0x7fffffff-byte components once gave a compacted size of 574.)
 */
static void check_layout(const struct xcr0_layout *l)
{
    if (l->size < XCR0_EXTENDED_START || l->size > XCR0_AREA_MAX || l->count > 64) {
        __builtin_trap();
    }
    for (unsigned i = 0; i < l->count; i++) {
        if ((uint64_t)l->entry[i].offset + l->entry[i].size > l->size) {
            __builtin_trap();
        }
    }
}

static void layouts(const struct xcr0_profile *p, uint64_t mask, bool compacted)
{
    struct xcr0_layout l;
    char err[512];
    int r = compacted ? xcr0_layout_compacted(p, mask, &l, err, sizeof(err))
                      : xcr0_layout_standard(p, mask, &l, err, sizeof(err));

    if (r == 0) {
        check_layout(&l);
    } else if (strchr(err, '\n')) {
        __builtin_trap();
    }
}

/*
 * An image of the profile with every component of mask in use (zero bytes), standard or
 * compacted, in a buffer of exactly its size (at least 576): decode, validate, convert to the
 * same profile in both formats, compare.
 */
static void image(const struct xcr0_profile *p, uint64_t mask, bool compacted)
{
    uint32_t n = compacted ? xcr0_compacted_size(p, mask) : xcr0_standard_size(p, mask);
    size_t len = n < XCR0_EXTENDED_START ? XCR0_EXTENDED_START : n;
    uint64_t xcomp_bv = compacted ? mask | XCR0_XCOMP_BV_COMPACTED : 0, differ;
    struct xcr0_image im;
    uint8_t *img, *out;
    size_t outlen;
    char err[512];

    if (len > (1u << 17)) {
        return;
    }
    img = aligned_alloc(64, (len + 63) & ~(size_t)63);
    out = aligned_alloc(64, 1u << 17);
    if (img == NULL || out == NULL) {
        free(img);
        free(out);
        return;
    }
    memset(img, 0, len);
    memcpy(img + XCR0_XSTATE_BV_OFFSET, &mask, 8);
    memcpy(img + XCR0_XCOMP_BV_OFFSET, &xcomp_bv, 8);
    if (xcr0_image_decode(p, img, len, &im, err, sizeof(err)) == 0 && im.size > len) {
        __builtin_trap();
    }
    xcr0_image_validate(p, p->xcr0, UINT64_MAX, img, len);
    for (int c = 0; c < 2; c++) {
        if (xcr0_image_convert(p, img, len, p, c, out, 1u << 17, &outlen, err,
                               sizeof(err)) == 0) {
            if (outlen > (1u << 17) ||
                xcr0_image_compare(p, img, len, p, out, outlen, &differ, err,
                                   sizeof(err)) != 0 || differ != 0) {
                __builtin_trap();
            }
        }
    }
    xcr0_image_compare(p, img, len, p, img, len, &differ, err, sizeof(err));
    free(img);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xcr0_profile p;
    struct xcr0_cpuid_regs r;
    char err[512], note[512];
    uint64_t user, all;

    if (xcr0_profile_parse((const char *)data, size, "fuzz", &p, err, sizeof(err)) != 0) {
        /* Errors are one line. */
        if (strchr(err, '\n')) {
            __builtin_trap();
        }
        return 0;
    }
    /* Notes are one line, and only for rows the profile ignored. */
    if (xcr0_profile_note(&p, note, sizeof(note)) != (p.ignored_subleaves != 0) ||
        strchr(note, '\n')) {
        __builtin_trap();
    }
    /* An accepted profile enumerates only components the table defines (never bit 63), and
     * ignored rows are outside what it enumerates. */
    all = p.supported | p.xss_supported;
    if ((all & ~xcr0_defined_mask()) || (p.ignored_subleaves & all)) {
        __builtin_trap();
    }
    user = p.supported & ~p.xss_supported;
    for (uint32_t sub = 0; sub < 70; sub++) {
        xcr0_cpuid_leaf_d(&p, p.xcr0, sub, &r);
        xcr0_cpuid_leaf_d(&p, p.supported, sub, &r);
    }
    /* Every layout of an accepted profile is within the limit; the largest are these. */
    layouts(&p, p.xcr0, false);
    layouts(&p, user, false);
    layouts(&p, p.xcr0 | p.xss, true);
    layouts(&p, all, true);
    if (xcr0_layout_standard(&p, user, &(struct xcr0_layout){ 0 }, err, sizeof(err)) != 0 ||
        xcr0_layout_compacted(&p, all, &(struct xcr0_layout){ 0 }, err, sizeof(err)) != 0) {
        __builtin_trap();
    }
    image(&p, p.xcr0, false);
    if (p.xsave_features & XCR0_FEATURE_XSAVEC) {
        image(&p, p.xcr0 | p.xss, true);
        image(&p, all, true);
    }
    /* The inferred dump-time XCR0 is legal and reproduces sub-leaf 0 EBX by construction. */
    if (xcr0_check_profile(&p, p.xcr0) != XCR0_RULE_OK) {
        __builtin_trap();
    }
    return 0;
}
