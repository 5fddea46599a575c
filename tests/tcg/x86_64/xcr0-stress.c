/*
 * xcr0-stress: 64 threads change their own XCR0 at random (ARCH_SET_XCR0), load and save their
 * registers with XRSTOR/XSAVE around system calls, take signals, fork and exec, and check that
 * no thread ever sees another thread's XCR0 or register bytes (issue 14).
 *
 * The rules the checks write out (xcr0/include/xcr0/prctl.h, SDM 13):
 *  - after ARCH_SET_XCR0(m) returns 0, XGETBV(0) = m in this thread, and CPUID.(0xD,0).EBX is
 *    the standard size of m: max(576, offset + size) over the enabled components, from the
 *    sub-leaves CPUID.(0xD,i) (SDM 13.4.2); after EPERM (a component in use) XCR0 is unchanged;
 *  - XRSTOR of an image with a pattern unique to (thread, round) in every enabled component
 *    (XMM, YMM_Hi128, opmask, ZMM_Hi256, Hi16_ZMM), then sched_yield() and a signal, then XSAVE:
 *    the same bytes come back;
 *  - a signal handler sees XGETBV(0) = the thread's XCR0, and its frame's sw_bytes.xfeatures and
 *    xstate_size are XCR0 and its standard size;
 *  - a fork child has its parent thread's XCR0; a program it execs has the XCR0 the emulator
 *    was started with (the stress passes it on the command line).
 *
 * While a thread's XCR0 lacks AVX it must not call glibc's string functions (chosen for AVX at
 * start-up, they would raise SIGILL, as on hardware): the loops here are plain, the compiler
 * may not turn them into memset/memcmp calls, and failures are formatted at the end.
 *
 * build: -O2 -static -pthread -fno-tree-loop-distribute-patterns -fno-builtin
 * test 0x7: -xcr0 0x7 -- 0x7 => stdout 64 threads x 300 rounds: ok
 * test amd-0xe7: -xsave-layout amd -xcr0 0xe7 -- 0xe7 => stdout 64 threads x 300 rounds: ok
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "xstate-util.h"

#define THREADS 64
#define ROUNDS 300
#define ARCH_GET_XCOMP_SUPP 0x1021
#define ARCH_SET_XCR0 0x1fc0
#define AREA 4096

static const char *self_path;
static char *exec_argv[4];
extern char **environ;
static uint64_t start_xcr0, supp;
static uint64_t masks[8];
static int nmasks;
static atomic_int failures;
static const char *first_fmt;
static unsigned long long first_a, first_b;
static __thread uint64_t my_xcr0;
static __thread volatile int handler_ok;

/* Record a failure; printed by main (no glibc formatting here). */
static void fail(const char *fmt, unsigned long long a, unsigned long long b)
{
    if (atomic_fetch_add(&failures, 1) == 0) {
        first_fmt = fmt;
        first_a = a;
        first_b = b;
    }
}

static void fill(uint8_t *p, uint8_t v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ((volatile uint8_t *)p)[i] = v;
    }
}

static int differ(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return 1;
        }
    }
    return 0;
}

/* SDM 13.4.2 from the sub-leaves: the standard-format size of mask. */
static uint32_t standard_size(uint64_t mask)
{
    uint32_t size = 576, a, b, c, d;

    for (int i = 2; i < 63; i++) {
        if (mask & (1ull << i)) {
            __cpuid_count(0xd, i, a, b, c, d);
            if (b + a > size) {
                size = b + a;
            }
        }
    }
    return size;
}

static void xsave(uint8_t *area, uint64_t rfbm)
{
    __asm__ volatile("xsave64 (%0)" : : "r"(area), "a"((uint32_t)rfbm),
                     "d"((uint32_t)(rfbm >> 32)) : "memory");
}

static void xrstor(const uint8_t *area, uint64_t rfbm)
{
    __asm__ volatile("xrstor64 (%0)" : : "r"(area), "a"((uint32_t)rfbm),
                     "d"((uint32_t)(rfbm >> 32)) : "memory");
}

static long set_xcr0(uint64_t mask)
{
    return syscall(SYS_arch_prctl, ARCH_SET_XCR0, mask);
}

/* The bytes of component i (i = 1: XMM0-15 only) in a standard image, and where they are. */
static void component_span(int i, uint32_t *off, uint32_t *len)
{
    uint32_t a, b, c, d;

    if (i == 1) {
        *off = 160;
        *len = 256;
        return;
    }
    __cpuid_count(0xd, i, a, b, c, d);
    *off = b;
    *len = a;
}

static void handler(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    const uint8_t *fp = (const uint8_t *)uc->uc_mcontext.fpregs;
    uint64_t xfeatures = rd64(fp + 464 + 8);
    uint32_t xstate_size = (uint32_t)rd64(fp + 464 + 16);

    (void)sig;
    (void)si;
    if (xgetbv(0) != my_xcr0) {
        fail("handler: XGETBV(0) 0x%llx, thread's XCR0 0x%llx", xgetbv(0), my_xcr0);
    } else if (xfeatures != my_xcr0) {
        fail("handler: frame xfeatures 0x%llx, thread's XCR0 0x%llx", xfeatures, my_xcr0);
    } else if (xstate_size != standard_size(my_xcr0)) {
        fail("handler: frame xstate_size %llu, standard size %llu", xstate_size,
             standard_size(my_xcr0));
    }
    handler_ok = 1;
}

static void check_fork(void)
{
    int status;
    pid_t pid = fork();

    if (pid == 0) {
        if (xgetbv(0) != my_xcr0) {
            _exit(2);
        }
        syscall(SYS_execve, self_path, exec_argv, environ);
        _exit(3);
    }
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fail("fork/exec child status 0x%llx (thread XCR0 0x%llx)", status, my_xcr0);
    }
}

static void *thread_main(void *arg)
{
    int id = (int)(intptr_t)arg;
    uint8_t *in = aligned_alloc(64, AREA), *out = aligned_alloc(64, AREA);
    unsigned seed = 0x9e3779b9u * (id + 1);

    my_xcr0 = xgetbv(0);
    for (int round = 0; round < ROUNDS && !atomic_load(&failures); round++) {
        uint64_t want = masks[rand_r(&seed) % nmasks];
        long r;

        /* Everything initial (XRSTOR with XSTATE_BV 0), so that any mask may be set. */
        fill(in, 0, AREA);
        fill(out, 0xee, AREA);
        in[0] = 0x7f;
        in[1] = 0x03;
        in[24] = 0x80;
        in[25] = 0x1f;
        xrstor(in, my_xcr0);
        r = set_xcr0(want);
        if (r == 0) {
            my_xcr0 = want;
        } else {
            fail("ARCH_SET_XCR0(0x%llx) with all state initial: errno %llu", want, errno);
        }
        if (xgetbv(0) != my_xcr0) {
            fail("XGETBV(0) 0x%llx after setting 0x%llx", xgetbv(0), my_xcr0);
        }
        {
            uint32_t a, b, c, d;

            __cpuid_count(0xd, 0, a, b, c, d);
            if (b != standard_size(my_xcr0)) {
                fail("CPUID.(0xD,0).EBX %llu, standard size of XCR0 %llu", b,
                     standard_size(my_xcr0));
            }
        }
        /* A pattern unique to (thread, round) in every enabled component. */
        for (int i = 1; i < 8; i++) {
            uint32_t off, len;

            if (!(my_xcr0 & (1ull << i))) {
                continue;
            }
            component_span(i, &off, &len);
            for (uint32_t j = 0; j < len; j++) {
                in[off + j] = (uint8_t)(id * 31 + round * 7 + i * 3 + j);
            }
        }
        wr64(in + 512, my_xcr0 & ~1ull);
        xrstor(in, my_xcr0);
        sched_yield();
        if (round % 3 == 0) {
            handler_ok = 0;
            syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
            if (!handler_ok) {
                fail("signal %llu not handled in round %llu", SIGUSR1, round);
            }
        }
        xsave(out, my_xcr0);
        for (int i = 1; i < 8; i++) {
            uint32_t off, len;

            if (!(my_xcr0 & (1ull << i))) {
                continue;
            }
            component_span(i, &off, &len);
            if (differ(in + off, out + off, len)) {
                fail("component %llu changed between XRSTOR and XSAVE (XCR0 0x%llx)", i,
                     my_xcr0);
            }
        }
        if (id % 16 == 0 && round % 100 == 50) {
            check_fork();
        }
    }
    free(in);
    free(out);
    return NULL;
}

int main(int argc, char **argv)
{
    static const uint64_t candidates[] = { 0x3, 0x7, 0xe7, 0x1f, 0xff };
    pthread_t t[THREADS];
    struct sigaction sa;

    if (argc == 3 && !strcmp(argv[1], "check-exec")) {
        return xgetbv(0) == strtoull(argv[2], NULL, 0) ? 0 : 4;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: xcr0-stress XCR0-AT-START\n");
        return 2;
    }
    self_path = "/proc/self/exe";
    exec_argv[0] = (char *)self_path;
    exec_argv[1] = (char *)"check-exec";
    exec_argv[2] = argv[1];
    start_xcr0 = xgetbv(0);
    if (start_xcr0 != strtoull(argv[1], NULL, 0) ||
        syscall(SYS_arch_prctl, ARCH_GET_XCOMP_SUPP, &supp) != 0) {
        printf("not started with XCR0 %s under the emulator\n", argv[1]);
        return 1;
    }
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
        if (!(candidates[i] & ~supp)) {
            masks[nmasks++] = candidates[i];
        }
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    for (int i = 0; i < THREADS; i++) {
        pthread_create(&t[i], NULL, thread_main, (void *)(intptr_t)i);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
    }
    if (atomic_load(&failures)) {
        printf("%d failures; first: ", atomic_load(&failures));
        printf(first_fmt, first_a, first_b);
        printf("\n");
        return 1;
    }
    printf("%d threads x %d rounds: ok\n", THREADS, ROUNDS);
    return 0;
}
