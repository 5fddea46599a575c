/*
 * arch-prctl: the x86 arch_prctl codes Linux has beyond FS/GS, as a program sees them.
 *
 *   arch-prctl xcomp     ARCH_GET_XCOMP_SUPP/PERM/GUEST_PERM, ARCH_REQ_XCOMP_(GUEST_)PERM for
 *                        several indices, bad pointers, an unknown code: at the host's XCR0 the
 *                        answers must be the host kernel's (native comparison)
 *   arch-prctl supp      ARCH_GET_XCOMP_SUPP and _PERM only
 *   arch-prctl xfd       AMX: XRSTOR of TILEDATA raises SIGILL until ARCH_REQ_XCOMP_PERM(18)
 *                        (Documentation/arch/x86/xstate.rst: the first use without permission
 *                        traps, and the kernel sends SIGILL)
 *   arch-prctl cpuid     CPUID faulting: ARCH_SET_CPUID(0) makes CPUID raise SIGSEGV and
 *                        ARCH_GET_CPUID return 0; ARCH_SET_CPUID(1) undoes it (Linux
 *                        Documentation: arch_prctl(2); kernel/process.c set_cpuid_mode)
 *
 * Linux's rules written out for the emulated cases: SUPP is the features the OS enabled (XCR0)
 * plus x87|SSE; PERM the same without dynamic features (AMX TILEDATA) until requested.
 *
 * test xcomp-host: -xcr0 host -xsave-layout host -- xcomp => native
 * test supp-0x7: -xcr0 0x7 -- supp => stdout supp 0x7\nperm 0x7
 * test supp-0x3: -xcr0 0x3 -- supp => stdout supp 0x3\nperm 0x3
 * test supp-amx: -xsave-layout intel -xcr0 0x602e7 -- supp => stdout supp 0x602e7\nperm 0x202e7
 * test req-amx: -xsave-layout intel -xcr0 0x602e7 -- req-amx => stdout req 18: 0\nperm 0x602e7\nreq 17: -95\nreq 20: -22
 * test xfd-amx: -xsave-layout intel -xcr0 0x602e7 -- xfd => stdout xrstor of tiledata before permission: SIGILL\nreq 18: 0\nxrstor of tiledata after permission: ok\nxrstor without tiledata: ok
 * test cpuid: -- cpuid => stdout get 1\nset 0: 0\nget 0\ncpuid: SIGSEGV\nset 1: 0\nget 1\ncpuid: ok
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <cpuid.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long ap(int code, unsigned long arg)
{
    long r = syscall(SYS_arch_prctl, code, arg);
    return r < 0 ? -errno : r;
}

static void xcomp(void)
{
    static const int idx[] = { 0, 1, 2, 5, 9, 17, 18, 19, 20, 63, 64, 1000 };
    uint64_t v;
    long r;

    v = 0xdead;
    r = ap(0x1021, (unsigned long)&v);
    printf("GET_XCOMP_SUPP %ld 0x%llx\n", r, (unsigned long long)v);
    v = 0xdead;
    r = ap(0x1022, (unsigned long)&v);
    printf("GET_XCOMP_PERM %ld 0x%llx\n", r, (unsigned long long)v);
    v = 0xdead;
    r = ap(0x1024, (unsigned long)&v);
    printf("GET_XCOMP_GUEST_PERM %ld 0x%llx\n", r, (unsigned long long)v);
    for (unsigned i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
        printf("REQ_XCOMP_PERM(%d) %ld\n", idx[i], ap(0x1023, idx[i]));
        printf("REQ_XCOMP_GUEST_PERM(%d) %ld\n", idx[i], ap(0x1025, idx[i]));
    }
    printf("GET_XCOMP_SUPP(NULL) %ld\n", ap(0x1021, 0));
    printf("GET_XCOMP_PERM(bad) %ld\n", ap(0x1022, 1));
    printf("unknown 0x1026 %ld\n", ap(0x1026, 0));
    printf("unknown 0x1000 %ld\n", ap(0x1000, 0));
}

static void supp(void)
{
    uint64_t v = 0;

    ap(0x1021, (unsigned long)&v);
    printf("supp 0x%llx\n", (unsigned long long)v);
    ap(0x1022, (unsigned long)&v);
    printf("perm 0x%llx\n", (unsigned long long)v);
}

static void req_amx(void)
{
    uint64_t v = 0;

    printf("req 18: %ld\n", ap(0x1023, 18));
    ap(0x1022, (unsigned long)&v);
    printf("perm 0x%llx\n", (unsigned long long)v);
    printf("req 17: %ld\n", ap(0x1023, 17));
    printf("req 20: %ld\n", ap(0x1023, 20));
}

static sigjmp_buf on_segv, on_ill;

static void ill(int sig)
{
    (void)sig;
    siglongjmp(on_ill, 1);
}

static uint8_t tiles[16384] __attribute__((aligned(64)));

static const char *try_xrstor(uint64_t rfbm)
{
    if (sigsetjmp(on_ill, 1) == 0) {
        __asm__ volatile("xrstor64 (%0)" : : "r"(tiles), "a"((uint32_t)rfbm),
                         "d"((uint32_t)(rfbm >> 32)) : "memory");
        return "ok";
    }
    return "SIGILL";
}

static void xfd(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = ill;
    sigaction(SIGILL, &sa, NULL);
    memcpy(tiles + 24, "\x80\x1f\0\0", 4);          /* MXCSR 0x1f80, XSTATE_BV 0 */
    printf("xrstor of tiledata before permission: %s\n", try_xrstor(1ull << 18 | 3));
    printf("req 18: %ld\n", ap(0x1023, 18));
    printf("xrstor of tiledata after permission: %s\n", try_xrstor(1ull << 18 | 3));
    printf("xrstor without tiledata: %s\n", try_xrstor(3));
}

static void segv(int sig)
{
    (void)sig;
    siglongjmp(on_segv, 1);
}

static void try_cpuid(void)
{
    volatile int faulted = 0;
    unsigned a, b, c, d;

    if (sigsetjmp(on_segv, 1) == 0) {
        __cpuid(0, a, b, c, d);
        (void)a; (void)b; (void)c; (void)d;
    } else {
        faulted = 1;
    }
    printf("cpuid: %s\n", faulted ? "SIGSEGV" : "ok");
}

static void cpuid_faulting(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = segv;
    sigaction(SIGSEGV, &sa, NULL);
    printf("get %ld\n", ap(0x1011, 0));
    printf("set 0: %ld\n", ap(0x1012, 0));
    printf("get %ld\n", ap(0x1011, 0));
    try_cpuid();
    printf("set 1: %ld\n", ap(0x1012, 1));
    printf("get %ld\n", ap(0x1011, 0));
    try_cpuid();
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "xcomp";

    if (strcmp(what, "xcomp") == 0) {
        xcomp();
    } else if (strcmp(what, "supp") == 0) {
        supp();
    } else if (strcmp(what, "req-amx") == 0) {
        req_amx();
    } else if (strcmp(what, "xfd") == 0) {
        xfd();
    } else if (strcmp(what, "cpuid") == 0) {
        cpuid_faulting();
    }
    return 0;
}
