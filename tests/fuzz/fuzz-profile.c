/*
 * libFuzzer target: CPUID dump parsing (xcr0_profile_parse), and everything a parsed profile
 * feeds (layouts, leaf 0xD generation, legality). Built by tests/fuzz/run-fuzz.sh with
 * -fsanitize=fuzzer,address,undefined; not part of the normal build.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "xcr0/xcr0.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xcr0_profile p;
    struct xcr0_layout l;
    struct xcr0_cpuid_regs r;
    char err[512];

    if (xcr0_profile_parse((const char *)data, size, "fuzz", &p, err, sizeof(err)) != 0) {
        /* Errors are one line. */
        if (strchr(err, '\n')) {
            __builtin_trap();
        }
        return 0;
    }
    for (uint32_t sub = 0; sub < 70; sub++) {
        xcr0_cpuid_leaf_d(&p, p.xcr0, sub, &r);
        xcr0_cpuid_leaf_d(&p, p.supported, sub, &r);
    }
    xcr0_layout_standard(&p, p.xcr0, &l, err, sizeof(err));
    xcr0_layout_standard(&p, p.supported, &l, err, sizeof(err));
    xcr0_layout_compacted(&p, p.xcr0 | p.xss, &l, err, sizeof(err));
    xcr0_layout_compacted(&p, p.supported | p.xss_supported, &l, err, sizeof(err));
    xcr0_check_profile(&p, p.xcr0);
    {
        /* Images laid out for the parsed profile: all init, and all in use (zero bytes). */
        static uint8_t img[1 << 16] __attribute__((aligned(64)));
        struct xcr0_image im;
        uint32_t n = xcr0_standard_size(&p, p.xcr0);
        uint64_t differ;

        memset(img, 0, sizeof(img));
        if (n >= 576 && n <= sizeof(img)) {
            memcpy(img + 512, &p.xcr0, 8);
            xcr0_image_decode(&p, img, n, &im, err, sizeof(err));
            xcr0_image_validate(&p, p.xcr0, UINT64_MAX, img, n);
            xcr0_image_compare(&p, img, n, &p, img, n, &differ, err, sizeof(err));
        }
    }
    /* The inferred dump-time XCR0 is legal and reproduces sub-leaf 0 EBX by construction. */
    if (xcr0_check_profile(&p, p.xcr0) != XCR0_RULE_OK) {
        __builtin_trap();
    }
    return 0;
}
