/*
 * xcr0-tb-key: translated code is shared by threads, so what it does must not depend on the XCR0
 * of the thread that translated it. Two threads run the same code: XRSTOR of a pattern into every
 * component of their XCR0, one VEX write (VMOVAPS ymm1), XSAVE. With ZMM_Hi256 enabled the VEX
 * write zeroes zmm1[511:256] (SDM vol. 1 15.5); with it disabled there is nothing to zero.
 *
 * Thread A runs with XCR0 = host & 0x7 (AVX, no AVX-512 state), thread B with the host's XCR0,
 * one after the other, in the order given ("a-first": A translates the code first; "b-first").
 * Under the emulator each thread sets its XCR0 with arch_prctl(ARCH_SET_XCR0); natively that call
 * fails and the thread asks for its components with RFBM instead, which on silicon is the same
 * (XRSTOR and XSAVE act on RFBM & XCR0). Each thread prints a hash of what XSAVE wrote; the
 * expectation is the host's silicon.
 *
 * Before the XCR0 facts were part of the translation block key, "a-first" under the emulator
 * left the pattern in zmm1[511:256] for thread B: B ran code translated for A's XCR0.
 *
 * build: -O2 -static -pthread
 * test a-first-host: -xcr0 host -xsave-layout host -- a-first => native
 * test b-first-host: -xcr0 host -xsave-layout host -- b-first => native
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "xstate-util.h"

#define AREA 16384
#define ARCH_SET_XCR0 0x1fc0

static uint8_t image[2][AREA] __attribute__((aligned(64)));
static uint8_t out[2][AREA] __attribute__((aligned(64)));
static uint8_t ones[32] __attribute__((aligned(32)));
static uint64_t host_xcr0;

/* The shared code: one function, so both threads run the same translated block. */
__attribute__((noinline)) static void restore_write_save(uint8_t *img, uint8_t *dst,
                                                         uint64_t rfbm)
{
    __asm__ volatile("mov %2, %%eax\n\tmov %3, %%edx\n\txrstor64 (%0)\n\t"
                     "vmovaps (%4), %%ymm1\n\t"
                     "mov %2, %%eax\n\tmov %3, %%edx\n\txsave64 (%1)\n\t"
                     : : "r"(img), "r"(dst), "r"((uint32_t)rfbm), "r"((uint32_t)(rfbm >> 32)),
                       "r"(ones)
                     : "rax", "rdx", "xmm1", "memory");
}

struct job {
    int who;            /* 0: A, 1: B */
    uint64_t xcr0;
    char line[128];
};

static void *thread_main(void *arg)
{
    struct job *j = arg;
    uint32_t a, b, c, d;

    /*
     * Emulated: this thread's XCR0 (only where it differs: a thread starts with its creator's,
     * and B must run at the machine's XCR0 without any call that could flush translations).
     * Natively: the call fails (EINVAL), and RFBM does the same.
     */
    if (xgetbv(0) != j->xcr0) {
        syscall(SYS_arch_prctl, ARCH_SET_XCR0, j->xcr0);
    }
    xstate_pattern(image[j->who], AREA, j->xcr0, j->xcr0, (uint8_t)(0x30 + j->who));
    memset(out[j->who], 0xa5, AREA);
    restore_write_save(image[j->who], out[j->who], j->xcr0);
    if (j->xcr0 & (1ull << 6)) {
        /* ZMM_Hi256 of zmm1: 32 bytes at its CPUID offset + 32. */
        __cpuid_count(0xd, 6, a, b, c, d);
        int zero = 1;
        for (unsigned k = 0; k < 32; k++) {
            zero &= out[j->who][b + 32 + k] == 0;
        }
        __cpuid_count(0xd, 0, a, b, c, d);
        snprintf(j->line, sizeof(j->line), "%c 0x%llx zmm1-upper %s %016llx", 'A' + j->who,
                 (unsigned long long)j->xcr0, zero ? "zero" : "NOT zero (stale translation)",
                 (unsigned long long)fnv1a(out[j->who], b));
    } else {
        __cpuid_count(0xd, 0, a, b, c, d);
        (void)b;
        /* The standard area of XCR0 0x7 ends at 832 (YMM at 576 + 256). */
        snprintf(j->line, sizeof(j->line), "%c 0x%llx %016llx", 'A' + j->who,
                 (unsigned long long)j->xcr0, (unsigned long long)fnv1a(out[j->who], 832));
    }
    return NULL;
}

static void run(struct job *j)
{
    pthread_t t;

    pthread_create(&t, NULL, thread_main, j);
    pthread_join(t, NULL);
}

int main(int argc, char **argv)
{
    struct job a = { 0, 0, "" }, b = { 1, 0, "" };
    int a_first = argc > 1 && strcmp(argv[1], "a-first") == 0;

    host_xcr0 = xgetbv(0);
    memset(ones, 0xff, sizeof(ones));
    a.xcr0 = host_xcr0 & 0x7;
    b.xcr0 = host_xcr0;
    if (a_first) {
        run(&a);
        run(&b);
    } else {
        run(&b);
        run(&a);
    }
    printf("%s\n%s\n", a.line, b.line);
    return 0;
}
