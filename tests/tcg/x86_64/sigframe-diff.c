/*
 * sigframe-diff: the XSAVE part of signal frames and of sigreturn, run natively and under the
 * emulator at the host's XCR0 and layout; the outputs must be identical (the kernel and the
 * silicon are the expectation).
 *
 *   sigframe-diff frame     a signal arrives with a known register state on a known stack: the
 *                           handler records uc_flags, where the frame and the fpstate lie
 *                           relative to the interrupted stack pointer, sw_bytes, the header,
 *                           a hash of the whole xstate, MAGIC2, and XGETBV(1) inside the
 *                           handler; it then changes XMM0, YMM0's upper half and (if present)
 *                           opmask k1 in the frame, and after sigreturn XSAVE shows whether the
 *                           changes are live
 *   sigframe-diff corrupt   the handler damages the frame (magic1, MAGIC2, xstate_size,
 *                           xfeatures, header reserved bytes, XSTATE_BV bits, MXCSR) and the
 *                           program reports, per case in a child process, whether sigreturn
 *                           killed it and what state came back
 *   sigframe-diff auxv      AT_MINSIGSTKSZ, AT_HWCAP2 and glibc's sysconf values
 *
 * test frame-host: -xcr0 host -xsave-layout host -- frame => native
 * test corrupt-host: -xcr0 host -xsave-layout host -- corrupt => native
 * test auxv-host: -xcr0 host -xsave-layout host -- auxv => native
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "xstate-util.h"

#define AREA 16384
#define SW 464

static uint8_t image[AREA] __attribute__((aligned(64)));
static uint8_t out[AREA] __attribute__((aligned(64)));
static uint8_t stack[65536] __attribute__((aligned(64)));
static uint64_t xcr0;
static uint32_t ymm_off, opmask_off;

/* What the handler saw. */
static volatile uint64_t h_uc_flags, h_xinuse, h_sp, h_frame, h_fp, h_hash, h_bv, h_xfeat;
static volatile uint32_t h_magic1, h_ext, h_size, h_magic2;
static volatile int corruption;

static void handler(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    uint8_t *fp = (uint8_t *)uc->uc_mcontext.fpregs;

    (void)sig;
    (void)si;
    h_uc_flags = uc->uc_flags;
    h_sp = uc->uc_mcontext.gregs[REG_RSP];
    h_frame = (uintptr_t)uc;
    h_fp = (uintptr_t)fp;
    h_xinuse = xgetbv(1) & ~(1ull << 9);
    h_magic1 = *(uint32_t *)(fp + SW);
    h_ext = *(uint32_t *)(fp + SW + 4);
    h_xfeat = *(uint64_t *)(fp + SW + 8);
    h_size = *(uint32_t *)(fp + SW + 16);
    h_bv = *(uint64_t *)(fp + 512);
    h_magic2 = *(uint32_t *)(fp + h_size);
    h_hash = fnv1a(fp, h_size + 4);
    /* Live edits: XMM0, the upper half of YMM0, opmask k1. */
    for (int i = 0; i < 16; i++) {
        fp[160 + i] = (uint8_t)(0xc0 + i);
    }
    if (ymm_off) {
        for (int i = 0; i < 16; i++) {
            fp[ymm_off + i] = (uint8_t)(0xd0 + i);
        }
    }
    if (opmask_off) {
        fp[opmask_off + 8] = 0x5a;
    }
    switch (corruption) {
    case 1: *(uint32_t *)(fp + SW) ^= 1; break;                 /* magic1 */
    case 2: *(uint32_t *)(fp + h_size) ^= 1; break;             /* MAGIC2 */
    case 3: *(uint32_t *)(fp + SW + 16) += 64; break;           /* xstate_size too large */
    case 4: *(uint32_t *)(fp + SW + 16) = 512; break;           /* xstate_size too small */
    case 5: *(uint64_t *)(fp + SW + 8) = 3; break;              /* xfeatures: x87|SSE only */
    case 6: fp[512 + 16] = 1; break;                            /* header byte 16 */
    case 7: fp[512 + 40] = 1; break;                            /* header byte 40 */
    case 8: *(uint64_t *)(fp + 512) |= 1ull << 63; break;       /* XSTATE_BV bit 63 */
    case 9: *(uint64_t *)(fp + 520) = 1; break;                 /* XCOMP_BV */
    case 10: fp[26] = 1; break;                                 /* MXCSR reserved bit 16 */
    case 11: *(uint64_t *)(fp + 512) &= ~4ull; break;           /* XSTATE_BV: YMM initial */
    case 12: *(uint32_t *)(fp + SW + 4) = 600; break;           /* extended_size < xstate_size */
    default: break;
    }
}

/*
 * XRSTOR the pattern, move to a known stack, raise the signal with a raw tgkill (no library
 * code runs between), come back, XSAVE everything.
 */
static void run_signal(void)
{
    long pid = getpid(), tid = syscall(SYS_gettid);

    memset(out, 0xa5, sizeof(out));
    __asm__ volatile("mov $-1, %%eax\n\tmov $-1, %%edx\n\txrstor64 (%0)\n\t"
                     "mov %%rsp, %%r12\n\tmov %1, %%rsp\n\t"
                     "mov $234, %%eax\n\tmov %3, %%rdi\n\tmov %4, %%rsi\n\tmov $10, %%edx\n\t"
                     "syscall\n\t"
                     "mov %%r12, %%rsp\n\t"
                     "mov $-1, %%eax\n\tmov $-1, %%edx\n\txsave64 (%2)"
                     : : "r"(image), "r"(stack + sizeof(stack) - 8), "r"(out), "r"(pid),
                       "r"(tid)
                     : "rax", "rcx", "rdx", "rdi", "rsi", "r11", "r12", "memory");
}

static void print_frame(void)
{
    printf("uc_flags 0x%llx xinuse-in-handler 0x%llx\n", (unsigned long long)h_uc_flags,
           (unsigned long long)h_xinuse);
    printf("interrupted sp - frame %lld, - fpstate %lld\n",
           (long long)(h_sp - h_frame), (long long)(h_sp - h_fp));
    printf("magic1 0x%x extended_size %u xfeatures 0x%llx xstate_size %u magic2 0x%x\n",
           h_magic1, h_ext, (unsigned long long)h_xfeat, h_size, h_magic2);
    printf("xstate_bv 0x%llx xstate hash %016llx\n", (unsigned long long)h_bv,
           (unsigned long long)h_hash);
    printf("after sigreturn: xmm0 %02x ymm0-upper %02x k1 %02x, state hash %016llx\n", out[160],
           ymm_off ? out[ymm_off] : 0, opmask_off ? out[opmask_off + 8] : 0,
           (unsigned long long)fnv1a(out, sizeof(out)));
}

static void setup(void)
{
    uint32_t a, b, c, d;
    struct sigaction sa;

    xcr0 = xgetbv(0);
    if (xcr0 & 4) {
        __cpuid_count(0xd, 2, a, b, c, d);
        ymm_off = b;
    }
    if (xcr0 & 0x20) {
        __cpuid_count(0xd, 5, a, b, c, d);
        opmask_off = b;
    }
    xstate_pattern(image, sizeof(image), xcr0, xcr0, 0x21);
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "frame";

    setup();
    if (strcmp(what, "frame") == 0) {
        run_signal();
        print_frame();
    } else if (strcmp(what, "corrupt") == 0) {
        for (int c = 1; c <= 12; c++) {
            pid_t child;
            int status;

            fflush(stdout);
            child = fork();
            if (child == 0) {
                corruption = c;
                run_signal();
                printf("corruption %d: returned; xmm0 %02x ymm0-upper %02x state hash %016llx\n",
                       c, out[160], ymm_off ? out[ymm_off] : 0,
                       (unsigned long long)fnv1a(out, sizeof(out)));
                exit(0);
            }
            waitpid(child, &status, 0);
            if (WIFSIGNALED(status)) {
                printf("corruption %d: killed by signal %d\n", c, WTERMSIG(status));
            }
        }
    } else if (strcmp(what, "auxv") == 0) {
        printf("AT_MINSIGSTKSZ %lu AT_HWCAP2 0x%lx _SC_MINSIGSTKSZ %ld _SC_SIGSTKSZ %ld\n",
               getauxval(51), getauxval(AT_HWCAP2), sysconf(_SC_MINSIGSTKSZ),
               sysconf(_SC_SIGSTKSZ));
    }
    return 0;
}
