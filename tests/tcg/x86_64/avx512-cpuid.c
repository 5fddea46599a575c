/*
 * avx512-cpuid: whether a program finds AVX-512 usable, asked three ways: CPUID leaf 7 with
 * XGETBV (SDM vol. 1, 15.2: AVX512F needs CPUID.7.0:EBX[16] and XCR0 bits 7:5 and 2:1 set),
 * glibc's own decision (CPU_FEATURE_ACTIVE, <sys/platform/x86.h>), and GCC's
 * (__builtin_cpu_supports). Each subset F, CD, BW, DQ, VL is announced by -cpu max only where
 * the machine's XCR0 enables the AVX-512 state, and can be switched off on its own.
 *
 * Expectations: natively on this host (host), and from the rule above:
 *  - at XCR0 0x7 no AVX-512 feature is announced or usable; AVX2 stays;
 *  - with -avx512bw at 0xe7, BW alone is absent, and x86-64-v4 (which needs BW) is not
 *    reached: GCC's "x86-64-v4" check is false.
 *
 * test host: -xcr0 host -xsave-layout host => native
 * test no-avx512-0x7: -xcr0 0x7 => stdout cpuid f0 cd0 bw0 dq0 vl0 avx2 1 xcr0 0x7\nglibc f0 cd0 bw0 dq0 vl0 avx2 1\ngcc f0 cd0 bw0 dq0 vl0 avx2 1 v4 0
 * test no-bw: -cpu max,-avx512bw -xcr0 0xe7 => stdout cpuid f1 cd1 bw0 dq1 vl1 avx2 1 xcr0 0xe7\nglibc f1 cd1 bw0 dq1 vl1 avx2 1\ngcc f1 cd1 bw0 dq1 vl1 avx2 1 v4 0
 * test default: => stdout cpuid f0 cd0 bw0 dq0 vl0 avx2 1 xcr0 0x21f\nglibc f0 cd0 bw0 dq0 vl0 avx2 1\ngcc f0 cd0 bw0 dq0 vl0 avx2 1 v4 0
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/platform/x86.h>

int main(void)
{
    unsigned a, b, c, d, ebx7;
    uint32_t lo = 0, hi = 0;

    __cpuid_count(1, 0, a, b, c, d);
    if (c & (1u << 27)) {   /* OSXSAVE */
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    }
    __cpuid_count(7, 0, a, ebx7, c, d);
    printf("cpuid f%u cd%u bw%u dq%u vl%u avx2 %u xcr0 %#llx\n", (ebx7 >> 16) & 1,
           (ebx7 >> 28) & 1, (ebx7 >> 30) & 1, (ebx7 >> 17) & 1, ebx7 >> 31, (ebx7 >> 5) & 1,
           (unsigned long long)hi << 32 | lo);
    printf("glibc f%d cd%d bw%d dq%d vl%d avx2 %d\n", !!CPU_FEATURE_ACTIVE(AVX512F),
           !!CPU_FEATURE_ACTIVE(AVX512CD), !!CPU_FEATURE_ACTIVE(AVX512BW),
           !!CPU_FEATURE_ACTIVE(AVX512DQ), !!CPU_FEATURE_ACTIVE(AVX512VL),
           !!CPU_FEATURE_ACTIVE(AVX2));
    __builtin_cpu_init();
    printf("gcc f%d cd%d bw%d dq%d vl%d avx2 %d v4 %d\n", !!__builtin_cpu_supports("avx512f"),
           !!__builtin_cpu_supports("avx512cd"), !!__builtin_cpu_supports("avx512bw"),
           !!__builtin_cpu_supports("avx512dq"), !!__builtin_cpu_supports("avx512vl"),
           !!__builtin_cpu_supports("avx2"), !!__builtin_cpu_supports("x86-64-v4"));
    return 0;
}
