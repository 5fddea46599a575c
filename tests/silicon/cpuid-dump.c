/*
 * cpuid-dump: this machine's CPUID rows in the tests/data/cpuid format, for a recording in
 * tests/silicon/ (scripts/record-silicon compiles it with the host compiler, -O2 -static, and
 * adds the header comments). Runs on the first CPU the process may use, so that every row comes
 * from one logical CPU.
 *
 * Prints, one row per line, "leaf sub-leaf eax ebx ecx edx" as 8-digit lowercase hex: leaf 0,
 * leaf 1, leaf 7 sub-leaves 0 and 1, leaf 0xD sub-leaves 0 and 1 and every non-zero one up to
 * 63, 0x80000000, 0x80000001..0x80000004 and 0x80000008 (each only if the CPU has that leaf);
 * then "# XGETBV(0) = 0x%016x" (XCR0) when the OS has enabled XSAVE (CPUID.1:ECX.OSXSAVE),
 * else "# XGETBV(0) = unavailable", and with the hypervisor bit (CPUID.1:ECX[31]) set a comment
 * with leaf 0x40000000's signature. Exit status 0.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
}

static void row(uint32_t leaf, uint32_t sub)
{
    uint32_t r[4];

    cpuid(leaf, sub, r);
    printf("%08x %08x %08x %08x %08x %08x\n", leaf, sub, r[0], r[1], r[2], r[3]);
}

static void pin_to_one_cpu(void)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof(set), &set) != 0) {
        return;
    }
    for (int i = 0; i < CPU_SETSIZE; i++) {
        if (CPU_ISSET(i, &set)) {
            CPU_ZERO(&set);
            CPU_SET(i, &set);
            sched_setaffinity(0, sizeof(set), &set);
            return;
        }
    }
}

int main(void)
{
    uint32_t r[4], max, ext_max, ecx1;

    pin_to_one_cpu();
    cpuid(0, 0, r);
    max = r[0];
    row(0, 0);
    if (max >= 1) {
        row(1, 0);
    }
    if (max >= 7) {
        row(7, 0);
        row(7, 1);
    }
    if (max >= 0xd) {
        for (uint32_t s = 0; s < 64; s++) {
            cpuid(0xd, s, r);
            if (s < 2 || r[0] || r[1] || r[2] || r[3]) {
                row(0xd, s);
            }
        }
    }
    cpuid(0x80000000, 0, r);
    ext_max = r[0];
    if (ext_max >= 0x80000000 && ext_max < 0x80010000) {
        row(0x80000000, 0);
        for (uint32_t l = 0x80000001; l <= 0x80000004 && l <= ext_max; l++) {
            row(l, 0);
        }
        if (ext_max >= 0x80000008) {
            row(0x80000008, 0);
        }
    }
    cpuid(1, 0, r);
    ecx1 = max >= 1 ? r[2] : 0;
    if (ecx1 >> 27 & 1) {
        uint32_t lo, hi;

        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        printf("# XGETBV(0) = 0x%016llx\n", (unsigned long long)hi << 32 | lo);
    } else {
        printf("# XGETBV(0) = unavailable (CPUID.1:ECX.OSXSAVE = 0)\n");
    }
    if (ecx1 >> 31 & 1) {
        char sig[13];

        cpuid(0x40000000, 0, r);
        memcpy(sig, &r[1], 4);
        memcpy(sig + 4, &r[2], 4);
        memcpy(sig + 8, &r[3], 4);
        sig[12] = '\0';
        for (int i = 0; i < 12; i++) {
            if (sig[i] && (sig[i] < 0x20 || sig[i] > 0x7e)) {
                sig[i] = '.';
            }
        }
        printf("# hypervisor leaf 0x40000000: eax %08x, signature \"%s\"\n", r[0], sig);
    }
    return 0;
}
