/*
 * xsave-faults: which bytes each XSAVE-family form touches, as faults show them. An image is put
 * so that it ends where its mapping ends (a PROT_NONE page follows) after N bytes, for every N
 * in steps of 64; the program prints, per form, RFBM and header, the smallest N with which the
 * instruction completes, and the signal, si_code and si_addr (relative to the image) of the
 * fault at the next smaller N. A non-canonical operand shows what #GP gives. Run natively and
 * under the emulator at this host's XCR0 and layout: the outputs must be identical (the silicon
 * decides, SDM vol. 1 13.7-13.10 leave it open; issue 14 item 6).
 *
 * Which bytes a form touches is the vendor's microcode's choice: the case is judged by
 * recordings of real machines (tests/silicon), not live, until both vendors are measured.
 *
 * test host: -xcr0 host -xsave-layout host => recorded
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xstate-util.h"

#define MAP 16384 /* bytes before the guard page */

enum form { XSAVE, XSAVEOPT, XSAVEC, XRSTOR };
static const char *const form_names[] = { "xsave", "xsaveopt", "xsavec", "xrstor" };

static uint8_t *region;           /* MAP bytes, then a PROT_NONE page */
static uint8_t image[MAP] __attribute__((aligned(64)));
static sigjmp_buf on_fault;
static volatile int fault_sig, fault_code;
static volatile uintptr_t fault_addr;
static uint64_t xcr0;
static int has_xsaveopt, has_xsavec;

static void handler(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    fault_sig = sig;
    fault_code = si->si_code;
    fault_addr = (uintptr_t)si->si_addr;
    siglongjmp(on_fault, 1);
}

static void exec_form(enum form f, uint8_t *p, uint64_t rfbm)
{
    uint32_t lo = (uint32_t)rfbm, hi = (uint32_t)(rfbm >> 32);

    switch (f) {
    case XSAVE:
        __asm__ volatile("xsave64 (%0)" : : "r"(p), "a"(lo), "d"(hi) : "memory");
        break;
    case XSAVEOPT:
        __asm__ volatile("xsaveopt64 (%0)" : : "r"(p), "a"(lo), "d"(hi) : "memory");
        break;
    case XSAVEC:
        __asm__ volatile("xsavec64 (%0)" : : "r"(p), "a"(lo), "d"(hi) : "memory");
        break;
    case XRSTOR:
        __asm__ volatile("xrstor64 (%0)" : : "r"(p), "a"(lo), "d"(hi) : "memory");
        break;
    }
}

/* Run f with the image copied so that it ends n bytes before the guard page; 0 if it completed. */
static int attempt(enum form f, const uint8_t *src, uint32_t n, uint64_t rfbm, uint8_t **at)
{
    uint8_t *p = region + MAP - n;

    memcpy(p, src, n);
    *at = p;
    fault_sig = 0;
    if (sigsetjmp(on_fault, 1) == 0) {
        exec_form(f, p, rfbm);
        return 0;
    }
    return 1;
}

static void measure(enum form f, const char *what, const uint8_t *src, uint64_t rfbm)
{
    uint8_t *at;
    uint32_t n;

    for (n = 576; n <= 4096; n += 64) {
        if (!attempt(f, src, n, rfbm, &at)) {
            break;
        }
        if (fault_code != SEGV_ACCERR || fault_sig != SIGSEGV) {
            printf("%s %s rfbm=%#llx: signal %d code %d at any size\n", form_names[f], what,
                   (unsigned long long)rfbm, fault_sig, fault_code);
            return;
        }
    }
    printf("%s %s rfbm=%#llx: completes with %u bytes", form_names[f], what,
           (unsigned long long)rfbm, n);
    if (n > 576 && attempt(f, src, n - 64, rfbm, &at)) {
        printf("; with %u: signal %d code %d at +%ld", n - 64, fault_sig, fault_code,
               (long)(fault_addr - (uintptr_t)at));
    }
    printf("\n");
}

int main(void)
{
    static const uint64_t rfbms[] = { 0x1, 0x2, 0x3, 0x4, 0x7, 0x20, 0x40, 0x80, 0xe0, 0xe7,
                                      0x200, 0x207, ~0ull };
    struct sigaction sa;
    uint32_t a, b, c, d;
    uint8_t std_img[4096] __attribute__((aligned(64)));
    uint8_t cmp_img[4096] __attribute__((aligned(64)));

    __cpuid(1, a, b, c, d);
    if (!(c & (1u << 27))) {
        printf("no OSXSAVE\n");
        return 0;
    }
    xcr0 = xgetbv(0);
    __cpuid_count(0xd, 1, a, b, c, d);
    has_xsaveopt = a & 1;
    has_xsavec = a & 2;
    region = mmap(NULL, MAP + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED || mprotect(region + MAP, 4096, PROT_NONE)) {
        perror("mmap");
        return 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);

    /* Valid images of the current state: standard (XSAVE) and compacted (XSAVEC). */
    memset(std_img, 0, sizeof(std_img));
    memset(cmp_img, 0, sizeof(cmp_img));
    __asm__ volatile("xsave64 (%0)" : : "r"(std_img), "a"(-1), "d"(-1) : "memory");
    if (has_xsavec) {
        __asm__ volatile("xsavec64 (%0)" : : "r"(cmp_img), "a"(-1), "d"(-1) : "memory");
    }
    for (size_t i = 0; i < sizeof(rfbms) / sizeof(rfbms[0]); i++) {
        uint64_t rfbm = rfbms[i];
        uint8_t img[4096] __attribute__((aligned(64)));

        if (rfbm != ~0ull && (rfbm & ~xcr0)) {
            continue;
        }
        measure(XSAVE, "std", std_img, rfbm);
        if (has_xsaveopt) {
            measure(XSAVEOPT, "std", std_img, rfbm);
        }
        if (has_xsavec) {
            measure(XSAVEC, "cmp", cmp_img, rfbm);
        }
        /* XRSTOR, standard: XSTATE_BV all of XCR0, or none. */
        memcpy(img, std_img, sizeof(img));
        wr64(img + 512, xcr0);
        measure(XRSTOR, "std bv=xcr0", img, rfbm);
        wr64(img + 512, 0);
        measure(XRSTOR, "std bv=0", img, rfbm);
        if (has_xsavec) {
            /* Compacted: XCOMP_BV = XCR0 with XSTATE_BV XCR0 or 0, and XCOMP_BV = RFBM. */
            memcpy(img, cmp_img, sizeof(img));
            wr64(img + 512, xcr0);
            measure(XRSTOR, "cmp xcomp=xcr0 bv=xcr0", img, rfbm);
            wr64(img + 512, 0);
            measure(XRSTOR, "cmp xcomp=xcr0 bv=0", img, rfbm);
            if (rfbm != ~0ull) {
                __asm__ volatile("xsavec64 (%0)" : : "r"(img), "a"((uint32_t)rfbm), "d"(0)
                                 : "memory");
                /* XSTATE_BV as if all were in use: what XINUSE says depends on the process. */
                wr64(img + 512, rfbm & xcr0);
                measure(XRSTOR, "cmp xcomp=rfbm", img, rfbm);
            }
        }
    }
    /* A non-canonical operand: #GP, which Linux reports as SI_KERNEL with address 0. */
    fault_sig = 0;
    if (sigsetjmp(on_fault, 1) == 0) {
        exec_form(XSAVE, (uint8_t *)0x8000000000000000ull, xcr0);
    }
    printf("xsave non-canonical: signal %d code %d addr %#lx\n", fault_sig, fault_code,
           (unsigned long)fault_addr);
    fault_sig = 0;
    if (sigsetjmp(on_fault, 1) == 0) {
        exec_form(XRSTOR, (uint8_t *)0x8000000000000000ull, xcr0);
    }
    printf("xrstor non-canonical: signal %d code %d addr %#lx\n", fault_sig, fault_code,
           (unsigned long)fault_addr);
    (void)image;
    return 0;
}
