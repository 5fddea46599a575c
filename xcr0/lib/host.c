/*
 * The host's own XCR0, for "host" masks. Everything else in libxcr0 is host-independent.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

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

int xcr0_host_cpuid(uint32_t leaf, uint32_t subleaf, struct xcr0_cpuid_regs *r, char *err,
                    size_t errlen)
{
    unsigned eax, ebx, ecx, edx;

    /* Leaves above the maximum return the data of the highest basic leaf (SDM CPUID); refuse. */
    if (leaf < 0x80000000u && leaf > (unsigned)__get_cpuid_max(0, NULL)) {
        snprintf(err, errlen, "CPUID leaf 0x%x is beyond this CPU's maximum basic leaf", leaf);
        return -1;
    }
    __cpuid_count(leaf, subleaf, eax, ebx, ecx, edx);
    r->eax = eax;
    r->ebx = ebx;
    r->ecx = ecx;
    r->edx = edx;
    return 0;
}

int xcr0_host_xinuse(uint64_t *xinuse, char *err, size_t errlen)
{
    struct xcr0_cpuid_regs r;
    uint64_t xcr0;
    uint32_t lo, hi;

    if (xcr0_host_xcr0(&xcr0, err, errlen) != 0 || xcr0_host_cpuid(0xd, 1, &r, err, errlen) != 0) {
        return -1;
    }
    /* XGETBV with ECX = 1 is #UD unless CPUID.(0xD,1).EAX[2] (SDM vol. 2B XGETBV). */
    if (!(r.eax & XCR0_FEATURE_XGETBV1)) {
        snprintf(err, errlen, "this CPU has no XGETBV with ECX = 1 (CPUID.(0xd,1).EAX[2] = 0)");
        return -1;
    }
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(1));
    *xinuse = ((uint64_t)hi << 32) | lo;
    return 0;
}

int xcr0_host_mxcsr_mask(uint32_t *mask, char *err, size_t errlen)
{
    /* FXSAVE's bytes 28..31; 0 there means the default 0xffbf (SDM vol. 1 11.6.6). */
    uint8_t area[512] __attribute__((aligned(16)));
    uint32_t m;

    (void)err;
    (void)errlen;
    memset(area, 0, sizeof(area));
    __asm__ volatile("fxsave %0" : "=m"(area));
    memcpy(&m, area + XCR0_MXCSR_MASK_OFFSET, sizeof(m));
    *mask = m ? m : 0xffbf;
    return 0;
}
#else
int xcr0_host_mxcsr_mask(uint32_t *mask, char *err, size_t errlen)
{
    (void)mask;
    snprintf(err, errlen, "FXSAVE needs an x86 host");
    return -1;
}

int xcr0_host_xcr0(uint64_t *xcr0, char *err, size_t errlen)
{
    (void)xcr0;
    snprintf(err, errlen, "'host' reads this machine's XCR0, which only x86 hosts have; "
             "name a value instead (such as 0x7 or x87,sse,avx)");
    return -1;
}

int xcr0_host_cpuid(uint32_t leaf, uint32_t subleaf, struct xcr0_cpuid_regs *r, char *err,
                    size_t errlen)
{
    (void)leaf;
    (void)subleaf;
    (void)r;
    snprintf(err, errlen, "CPUID needs an x86 host");
    return -1;
}

int xcr0_host_xinuse(uint64_t *xinuse, char *err, size_t errlen)
{
    (void)xinuse;
    snprintf(err, errlen, "XGETBV needs an x86 host");
    return -1;
}
#endif
