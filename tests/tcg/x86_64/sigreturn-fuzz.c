/*
 * sigreturn-fuzz: random damage to the XSAVE part of a signal frame, run natively and under the
 * emulator with the same seed; every outcome must be the kernel's (issue 14: a fuzzer for the
 * guest-visible XRSTOR/sigreturn headers).
 *
 *   sigreturn-fuzz SEED N    N iterations, each in a child process: a pattern state in every
 *                            component (XRSTOR), SIGUSR1, a handler that changes the frame at
 *                            random, sigreturn, and XSAVE of everything; the child prints a hash
 *                            of the registers that came back, or the parent the signal that
 *                            killed it
 *
 * The damage: sw_bytes (magic1, extended_size, xfeatures, xstate_size: random or at the edges
 * 0, 511, 512, 575, 576, 577, 832, the user size and past it), MAGIC2 (kept, moved to the new
 * xstate_size, broken), the header (XSTATE_BV, XCOMP_BV, reserved bytes), MXCSR, and the fpregs
 * pointer (NULL, or the image copied elsewhere, 16-byte aligned, possibly ending at the end of a
 * mapping). Legacy images at addresses 8 mod 16 are not tried: Linux 6.18 on AMD restores them
 * although FXRSTOR should fault (README, "Differences from Linux").
 *
 * The hash covers the XMM, YMM and AVX-512 registers, MXCSR and the x87 registers and control
 * words; not FOP/FIP/FDP or XSTATE_BV, which record how the registers got there, and not PKRU:
 * what Linux leaves in PKRU after a legacy-only restore (0, or its init_pkru_value from
 * init_fpstate) has not been measured on a host with protection keys yet.
 *
 * test host: -xcr0 host -xsave-layout host -- 20261202 300 => native
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "xstate-util.h"

#define AREA 16384
#define SW 464

static uint8_t pattern[AREA] __attribute__((aligned(64)));
static uint8_t out[AREA] __attribute__((aligned(64)));
static uint8_t copy_buf[2 * AREA] __attribute__((aligned(64)));
static uint8_t *edge;          /* a page followed by a PROT_NONE page */
static long pagesize;
static uint64_t xcr0;
static uint32_t user_size;
static unsigned long long state;

static uint64_t rnd(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static uint32_t pick_size(uint32_t keep)
{
    static const uint32_t edges[] = { 0, 511, 512, 575, 576, 577, 832 };

    switch (rnd() % 5) {
    case 0:
        return keep;
    case 1:
        return edges[rnd() % 7];
    case 2:
        return user_size + 64 * (rnd() % 3);
    case 3:
        return user_size - 64 * (rnd() % 4);
    default:
        return rnd() % (AREA / 2);
    }
}

static void handler(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    uint8_t *fp = (uint8_t *)uc->uc_mcontext.fpregs;
    uint32_t size, v;
    uint64_t q;

    (void)sig;
    (void)si;
    if (rnd() % 4 == 0) {
        v = rnd() % 3 ? 0 : (uint32_t)rnd();
        memcpy(fp + SW, &v, 4);                           /* magic1 */
    }
    if (rnd() % 4 == 0) {
        v = pick_size(user_size + 4);
        memcpy(fp + SW + 4, &v, 4);                       /* extended_size */
    }
    if (rnd() % 4 == 0) {
        q = rnd() % 2 ? rnd() & xcr0 : rnd();
        memcpy(fp + SW + 8, &q, 8);                       /* xfeatures */
    }
    size = user_size;
    if (rnd() % 3 == 0) {
        size = pick_size(user_size);
        memcpy(fp + SW + 16, &size, 4);                   /* xstate_size */
        /* Within the frame's fpstate: beyond it lies the interrupted stack. */
        if (rnd() % 2 && size <= user_size) {
            v = 0x46505845;
            memcpy(fp + size, &v, 4);                     /* MAGIC2 moved along */
        }
    }
    if (rnd() % 6 == 0) {
        fp[user_size + rnd() % 4] ^= 1 << (rnd() % 8);    /* MAGIC2 broken */
    }
    if (rnd() % 4 == 0) {
        q = rnd() % 2 ? rnd() & (xcr0 | 3) : rnd();
        memcpy(fp + 512, &q, 8);                          /* XSTATE_BV */
    }
    if (rnd() % 6 == 0) {
        q = rnd() % 2 ? 0 : (1ull << 63) | (rnd() & xcr0);
        memcpy(fp + 520, &q, 8);                          /* XCOMP_BV */
    }
    if (rnd() % 8 == 0) {
        fp[528 + rnd() % 48] = (uint8_t)rnd();            /* header reserved bytes */
    }
    if (rnd() % 6 == 0) {
        v = rnd() % 2 ? 0x1f80 | (rnd() & 0x3f) : (uint32_t)rnd();
        memcpy(fp + 24, &v, 4);                           /* MXCSR */
    }
    switch (rnd() % 8) {
    case 0:
        uc->uc_mcontext.fpregs = NULL;
        break;
    case 1: {
        /* Elsewhere, 16-byte aligned (16 mod 64 makes XRSTOR fault, not FXRSTOR). */
        uint8_t *to = copy_buf + 16 * (rnd() % 8);

        memcpy(to, fp, user_size + 4);
        uc->uc_mcontext.fpregs = (void *)to;
        break;
    }
    case 2: {
        /* Ending at the end of a mapping after some multiple of 64 bytes. */
        uint32_t keep = 64 * (1 + rnd() % (pagesize / 64));
        uint8_t *to = edge + pagesize - keep;

        memcpy(to, fp, keep < user_size + 4 ? keep : user_size + 4);
        uc->uc_mcontext.fpregs = (void *)to;
        break;
    }
    default:
        break;
    }
}

/* A hash of the registers: x87 control words and ST0-7, MXCSR, XMM, and the extended state. */
static uint64_t state_hash(void)
{
    uint64_t h = fnv1a(out, 6) ^ fnv1a(out + 24, 4) * 3 ^ fnv1a(out + 32, 128) * 5 ^
                 fnv1a(out + 160, 256) * 7;
    uint32_t a, b, c, d;

    for (int i = 2; i < 63; i++) {
        if ((xcr0 & (1ull << i)) && i != 9) {
            __cpuid_count(0xd, i, a, b, c, d);
            h = h * 31 + fnv1a(out + b, a);
        }
    }
    return h;
}

static void child(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    memset(out, 0, sizeof(out));
    /* One block: nothing runs between the pattern's load, the signal and the save. */
    __asm__ volatile("mov $-1, %%eax\n\tmov $-1, %%edx\n\txrstor64 (%[in])\n\t"
                     "mov %[nr], %%eax\n\tsyscall\n\t"
                     "mov $-1, %%eax\n\tmov $-1, %%edx\n\txsave64 (%[out])\n\t"
                     :
                     : [in] "r"(pattern), [out] "r"(out), [nr] "i"(SYS_kill),
                       "D"(getpid()), "S"(SIGUSR1)
                     : "rax", "rdx", "rcx", "r11", "memory");
    printf("returned %016llx\n", (unsigned long long)state_hash());
    fflush(stdout);
    _exit(0);
}

int main(int argc, char **argv)
{
    unsigned long long seed;
    uint32_t a, b, c, d;
    int n;

    if (argc != 3) {
        fprintf(stderr, "usage: sigreturn-fuzz SEED N\n");
        return 2;
    }
    seed = strtoull(argv[1], NULL, 0);
    n = atoi(argv[2]);
    __cpuid(1, a, b, c, d);
    if (!(c & (1u << 27))) {
        printf("no OSXSAVE\n");
        return 0;
    }
    xcr0 = xgetbv(0);
    __cpuid_count(0xd, 0, a, b, c, d);
    user_size = b;
    xstate_pattern(pattern, AREA, xcr0, xcr0, 0x5a);
    pagesize = sysconf(_SC_PAGESIZE);
    edge = mmap(NULL, 2 * pagesize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (edge == MAP_FAILED || mprotect(edge + pagesize, pagesize, PROT_NONE)) {
        perror("mmap");
        return 1;
    }
    for (int i = 0; i < n; i++) {
        state = seed * 0x9e3779b97f4a7c15ull + i + 1;
        printf("%d: ", i);
        run_in_child(child, "");
    }
    return 0;
}
