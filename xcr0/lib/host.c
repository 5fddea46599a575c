/*
 * The host's own XCR0, for "host" masks. Everything else in libxcr0 is host-independent.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include "xcr0/xcr0.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

int xcr0_host_xcr0(uint64_t *xcr0, char *err, size_t errlen)
{
    unsigned eax, ebx, ecx, edx;
    uint32_t lo, hi;

    /* XGETBV is #UD unless the OS set CR4.OSXSAVE, which CPUID.1:ECX[27] reflects. */
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27))) {
        snprintf(err, errlen, "this host's OS has not enabled XSAVE (CPUID.1:ECX.OSXSAVE = 0)");
        return -1;
    }
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    *xcr0 = ((uint64_t)hi << 32) | lo;
    return 0;
}
#else
int xcr0_host_xcr0(uint64_t *xcr0, char *err, size_t errlen)
{
    (void)xcr0;
    snprintf(err, errlen, "'host' needs an x86 host; name a value (such as 0x7) instead");
    return -1;
}
#endif
