/*
 * XSAVE-heavy workloads for the benchmarks (bench/run).
 *
 *   xsave-loop xsavec N     N rounds of XSAVEC + XRSTOR of everything XCR0 enables
 *   xsave-loop xsave N      the same with XSAVE (upstream QEMU has no XSAVEC)
 *   xsave-loop signals N    N self-signals whose handler touches AVX registers (when enabled)
 *   xsave-loop threads T N  T threads, each setting its own XCR0 with ARCH_SET_XCR0 (x87|SSE|AVX
 *                           or x87|SSE alternately) and doing N XSAVE/XRSTOR rounds
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <cpuid.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static uint8_t area[16384] __attribute__((aligned(64)));
static volatile unsigned long handled;
static int has_avx;

static void handler(int sig)
{
    (void)sig;
    if (has_avx) {
        __asm__ volatile("vpaddd %%ymm0, %%ymm1, %%ymm2" ::: "xmm2");
    }
    handled++;
}

static void *thread_main(void *arg)
{
    long n = (long)arg >> 1;
    uint64_t xcr0 = ((long)arg & 1) ? 0x7 : 0x3;
    static __thread uint8_t buf[16384] __attribute__((aligned(64)));

    __asm__ volatile("vzeroupper" ::: "memory");
    syscall(SYS_arch_prctl, 0x1fc0, xcr0); /* ARCH_SET_XCR0; fails harmlessly natively */
    for (long i = 0; i < n; i++) {
        __asm__ volatile("xsave64 (%0)\n\txrstor64 (%0)" : : "r"(buf), "a"(-1), "d"(-1)
                         : "memory");
    }
    syscall(SYS_arch_prctl, 0x1fc0, 0x7);
    return NULL;
}

int main(int argc, char **argv)
{
    unsigned a, b, c, d;
    long n = argc > 2 ? atol(argv[2]) : 1000000;

    __cpuid(1, a, b, c, d);
    if (c & (1u << 27)) {
        uint32_t lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        has_avx = (lo & 6) == 6;
    }
    if (argc > 1 && strcmp(argv[1], "xsavec") == 0) {
        memset(area, 0, sizeof(area));
        for (long i = 0; i < n; i++) {
            __asm__ volatile("xsavec64 (%0)\n\txrstor64 (%0)" : : "r"(area), "a"(-1), "d"(-1)
                             : "memory");
        }
    } else if (argc > 1 && strcmp(argv[1], "xsave") == 0) {
        memset(area, 0, sizeof(area));
        for (long i = 0; i < n; i++) {
            __asm__ volatile("xsave64 (%0)\n\txrstor64 (%0)" : : "r"(area), "a"(-1), "d"(-1)
                             : "memory");
        }
    } else if (argc > 1 && strcmp(argv[1], "signals") == 0) {
        signal(SIGUSR1, handler);
        for (long i = 0; i < n; i++) {
            raise(SIGUSR1);
        }
    } else if (argc > 3 && strcmp(argv[1], "threads") == 0) {
        int t = atoi(argv[2]);
        long rounds = atol(argv[3]);
        pthread_t *tid = calloc(t, sizeof(*tid));
        for (int i = 0; i < t; i++) {
            pthread_create(&tid[i], NULL, thread_main, (void *)((rounds << 1) | (i & 1)));
        }
        for (int i = 0; i < t; i++) {
            pthread_join(tid[i], NULL);
        }
    } else {
        fprintf(stderr, "usage: xsave-loop xsavec N | signals N | threads T N\n");
        return 1;
    }
    return 0;
}
