/*
 * libFuzzer target: XSAVE image decoding, XRSTOR validation, conversion and comparison.
 *
 * Input: byte 0 picks the profile pair and the output format, bytes 1..8 RFBM, bytes 9..72 the
 * XSAVE header (placed at 512, so short inputs reach every header rule), the rest the image's
 * other bytes from offset 0, and the image length is 576 + (the rest's length) rounded in.
 * Byte 0: bit 0 the first profile (intel/amd), bit 1 the second, bit 2 the output format
 * (compacted), bits 3-4 a dump profile for one side (bit 5: which side), bit 6 the dump with a
 * component larger than 64 KiB for that side instead, bit 7 zero-extends the image to MAXIMG
 * (so that short inputs reach that component). RFBM's high half also picks the component
 * whose byte (RFBM's low half, modulo its size) the comparison oracle flips.
 * Seeds: tests/fuzz/corpus/image (the reproducers of issue 14).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xcr0/xcr0.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Room for the big dump's 0x10348-byte standard area. */
#define MAXIMG (1u << 17)

/*
 * Changing one byte of a component that is in XSTATE_BV changes its state: the comparison must
 * say so. (A fixed 64 KiB comparison buffer once made larger components always "same".)
 */
static void flip_oracle(const struct xcr0_profile *p, const uint8_t *buf, size_t len,
                        const struct xcr0_image *img, uint64_t rfbm)
{
    const struct xcr0_image_component *c;
    uint64_t differ;
    uint8_t *copy;
    char err[512];

    if (img->count == 0) {
        return;
    }
    c = &img->comp[(uint32_t)(rfbm >> 32) % img->count];
    if (c->nr <= XCR0_SSE || !c->in_xstate_bv || c->size == 0) {
        return;
    }
    copy = aligned_alloc(64, (len + 63) & ~(size_t)63);
    if (copy == NULL) {
        return;
    }
    memcpy(copy, buf, len);
    copy[c->offset + (uint32_t)rfbm % c->size] ^= 1;
    if (xcr0_image_compare(p, buf, len, p, copy, len, &differ, err, sizeof(err)) != 0 ||
        !(differ & XCR0_BIT(c->nr))) {
        __builtin_trap();
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = { "intel", "amd" };
    /* Dump-file profiles with their quirks: no XSAVEC (Sandy Bridge-E), a 64-byte component 9
     * (Zen 2), LWP at bit 62 (family 15h). Rows from tests/data/cpuid. */
    static const char *const dumps[] = {
        "0000000d 00000000 00000007 00000340 00000340 00000000\n"
        "0000000d 00000001 00000001 00000000 00000000 00000000\n"
        "0000000d 00000002 00000100 00000240 00000000 00000000\n",
        "0000000d 00000000 00000207 00000340 00000380 00000000\n"
        "0000000d 00000001 0000000f 00000340 00000000 00000000\n"
        "0000000d 00000002 00000100 00000240 00000000 00000000\n"
        "0000000d 00000009 00000040 00000340 00000000 00000000\n",
        "0000000d 00000000 00000007 00000340 000003c0 40000000\n"
        "0000000d 00000001 00000001 00000000 00000000 00000000\n"
        "0000000d 00000002 00000100 00000240 00000000 00000000\n"
        "0000000d 0000003e 00000080 00000340 00000000 00000000\n",
    };
    /* Made up: a PKRU of 0x10008 bytes, past 64 KiB (the library takes sizes from the dump). */
    static const char big[] =
        "0000000d 00000000 00000207 00010348 00010348 00000000\n"
        "0000000d 00000001 00000001 00000000 00000000 00000000\n"
        "0000000d 00000002 00000100 00000240 00000000 00000000\n"
        "0000000d 00000009 00010008 00000340 00000000 00000000\n";
    struct xcr0_profile from, to;
    struct xcr0_image img;
    uint8_t *buf, *out;
    uint64_t rfbm = 0, differ;
    size_t len, outlen, rest;
    char err[512];
    uint8_t sel;

    if (size < 1 + 8 + 64) {
        return 0;
    }
    sel = data[0];
    memcpy(&rfbm, data + 1, 8);
    rest = size - 73;
    if (rest > MAXIMG - 576) {
        rest = MAXIMG - 576;
    }
    len = (sel & 0x80) ? MAXIMG : 576 + rest;
    /* The image's own size (rounded to 64 for aligned_alloc): a read past it is caught. */
    buf = aligned_alloc(64, (len + 63) & ~(size_t)63);
    out = aligned_alloc(64, MAXIMG);
    if (buf == NULL || out == NULL) {
        free(buf);
        free(out);
        return 0;
    }
    memset(buf, 0, len);
    /* The image's bytes, then the header on top at 512..575. */
    memcpy(buf, data + 73, rest < 512 ? rest : 512);
    if (rest > 512) {
        memcpy(buf + 576, data + 73 + 512, rest - 512);
    }
    memcpy(buf + 512, data + 9, 64);
    xcr0_profile_builtin(names[sel & 1], &from);
    xcr0_profile_builtin(names[(sel >> 1) & 1], &to);
    if (sel & 0x58) {
        /* Bits 3-4 pick a dump profile for one side (bit 5: which side); bit 6 the big one. */
        const char *t = (sel & 0x40) ? big : dumps[((sel >> 3) & 3) - 1];
        if (xcr0_profile_parse(t, strlen(t), "dump", (sel & 0x20) ? &to : &from, err,
                               sizeof(err)) != 0) {
            __builtin_trap();
        }
    }

    if (xcr0_image_decode(&from, buf, len, &img, err, sizeof(err)) == 0) {
        if (img.size > len || img.count > 64) {
            __builtin_trap();
        }
        flip_oracle(&from, buf, len, &img, rfbm);
    }
    xcr0_image_validate(&from, from.xcr0, rfbm, buf, len);
    xcr0_image_validate(&from, rfbm, UINT64_MAX, buf, len);
    xcr0_image_validate(&from, from.xcr0, rfbm, buf + 1, len - 1);
    if (xcr0_image_convert(&from, buf, len, &to, (sel >> 2) & 1, out, MAXIMG, &outlen, err,
                           sizeof(err)) == 0) {
        /* A converted image decodes, and holds the same state. */
        if (xcr0_image_decode(&to, out, outlen, &img, err, sizeof(err)) != 0) {
            __builtin_trap();
        }
        if (xcr0_image_compare(&from, buf, len, &to, out, outlen, &differ, err,
                               sizeof(err)) != 0 || differ != 0) {
            __builtin_trap();
        }
    }
    xcr0_image_compare(&from, buf, len, &to, buf, len, &differ, err, sizeof(err));
    free(buf);
    free(out);
    return 0;
}
