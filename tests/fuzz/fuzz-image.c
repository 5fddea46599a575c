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
