/*
 * Legality of an XCR0 value: the conditions under which XSETBV raises #GP(0)
 * (Intel SDM vol. 2B "XSETBV", vol. 1 13.3; the same list as KVM's __kvm_set_xcr()).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include "xcr0/xcr0.h"

enum xcr0_rule xcr0_check(uint64_t xcr0, uint64_t supported)
{
    const uint64_t ymm = XCR0_BIT(XCR0_YMM), sse = XCR0_BIT(XCR0_SSE);
    uint64_t avx512 = xcr0 & XCR0_MASK_AVX512;

    if (xcr0 & ~xcr0_defined_mask()) {
        return XCR0_RULE_UNDEFINED_BIT;
    }
    if (xcr0 & xcr0_supervisor_mask()) {
        return XCR0_RULE_SUPERVISOR_BIT;
    }
    if (!(xcr0 & XCR0_BIT(XCR0_X87))) {
        return XCR0_RULE_X87_REQUIRED;
    }
    if ((xcr0 & ymm) && !(xcr0 & sse)) {
        return XCR0_RULE_YMM_NEEDS_SSE;
    }
    if ((xcr0 & XCR0_MASK_MPX) && (xcr0 & XCR0_MASK_MPX) != XCR0_MASK_MPX) {
        return XCR0_RULE_MPX_PAIR;
    }
    if (avx512 && avx512 != XCR0_MASK_AVX512) {
        return XCR0_RULE_AVX512_ALL;
    }
    if (avx512 && !(xcr0 & ymm)) {
        return XCR0_RULE_AVX512_NEEDS_YMM;
    }
    if ((xcr0 & XCR0_MASK_AMX) && (xcr0 & XCR0_MASK_AMX) != XCR0_MASK_AMX) {
        return XCR0_RULE_AMX_PAIR;
    }
    if (xcr0 & ~supported) {
        return XCR0_RULE_UNSUPPORTED;
    }
    return XCR0_RULE_OK;
}

void xcr0_rule_explain(enum xcr0_rule rule, uint64_t xcr0, uint64_t supported,
                       char *buf, size_t len)
{
    char names[256], sup[256];

    switch (rule) {
    case XCR0_RULE_OK:
        snprintf(buf, len, "legal");
        break;
    case XCR0_RULE_X87_REQUIRED:
        snprintf(buf, len, "x87 (bit 0) must always be enabled");
        break;
    case XCR0_RULE_YMM_NEEDS_SSE:
        snprintf(buf, len, "avx (bit 2) requires sse (bit 1)");
        break;
    case XCR0_RULE_MPX_PAIR:
        snprintf(buf, len, "bndregs (bit 3) and bndcsr (bit 4) must be enabled together");
        break;
    case XCR0_RULE_AVX512_ALL:
        snprintf(buf, len, "opmask, zmm_hi256 and hi16_zmm (bits 5-7) must be enabled together");
        break;
    case XCR0_RULE_AVX512_NEEDS_YMM:
        snprintf(buf, len, "the AVX-512 components (bits 5-7) require avx (bit 2)");
        break;
    case XCR0_RULE_AMX_PAIR:
        snprintf(buf, len, "tilecfg (bit 17) and tiledata (bit 18) must be enabled together");
        break;
    case XCR0_RULE_UNDEFINED_BIT:
        xcr0_format_names(xcr0 & ~xcr0_defined_mask(), names, sizeof(names));
        snprintf(buf, len, "%s: no state component is defined there", names);
        break;
    case XCR0_RULE_SUPERVISOR_BIT:
        xcr0_format_names(xcr0 & xcr0_supervisor_mask(), names, sizeof(names));
        snprintf(buf, len, "%s: supervisor state (IA32_XSS), never enabled in XCR0", names);
        break;
    case XCR0_RULE_UNSUPPORTED:
        xcr0_format_names(xcr0 & ~supported, names, sizeof(names));
        xcr0_format_names(supported, sup, sizeof(sup));
        snprintf(buf, len, "%s not supported by this CPU (supported: 0x%llx = %s)", names,
                 (unsigned long long)supported, sup);
        break;
    }
}
