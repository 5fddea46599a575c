/*
 * libFuzzer target: XSAVE image decoding, XRSTOR validation, conversion and comparison.
 *
 * Input: byte 0 picks the profile pair and the output format, bytes 1..8 RFBM, bytes 9..72 the
 * XSAVE header (placed at 512, so short inputs reach every header rule), the rest the image's
 * other bytes from offset 0, and the image length is 576 + (the rest's length) rounded in.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xcr0/xcr0.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXIMG (1u << 15)

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
    len = 576 + rest;
    buf = aligned_alloc(64, MAXIMG);
    out = aligned_alloc(64, MAXIMG);
    if (buf == NULL || out == NULL) {
        free(buf);
        free(out);
        return 0;
    }
    memset(buf, 0, MAXIMG);
    /* The image's bytes, then the header on top at 512..575. */
    memcpy(buf, data + 73, rest < 512 ? rest : 512);
    if (rest > 512) {
        memcpy(buf + 576, data + 73 + 512, rest - 512);
    }
    memcpy(buf + 512, data + 9, 64);
    xcr0_profile_builtin(names[sel & 1], &from);
    xcr0_profile_builtin(names[(sel >> 1) & 1], &to);
    if (sel & 0x18) {
        /* Bits 3-4 pick a dump profile for one side (bit 5: which side). */
        const char *t = dumps[((sel >> 3) & 3) - 1];
        if (xcr0_profile_parse(t, strlen(t), "dump", (sel & 0x20) ? &to : &from, err,
                               sizeof(err)) != 0) {
            __builtin_trap();
        }
    }

    if (xcr0_image_decode(&from, buf, len, &img, err, sizeof(err)) == 0) {
        if (img.size > len || img.count > 64) {
            __builtin_trap();
        }
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
