/*
 * sigreturn-edges: what rt_sigreturn does with an fpstate a signal handler has edited in ways
 * the kernel's frame never has, run natively and under the emulator at the host's XCR0 and
 * layout; the outputs must be identical (Linux's fpu__restore_sig() and the silicon's
 * XRSTOR/FXRSTOR are the expectation).
 *
 * Each case runs in a child process: YMM0 and MXCSR are loaded, the child sends itself SIGUSR1
 * from the same asm block, the handler edits its frame, and after sigreturn the block stores
 * YMM0 and MXCSR again; the child prints them, or the parent reports the signal that killed it.
 *
 *   size576, size832   sw_bytes.xstate_size shrunk to 576 (832) with MAGIC2 moved there, the
 *                      frame's YMM0 upper half changed: check_xstate_in_sigframe() accepts it
 *                      and XRSTOR reads the whole image its header describes (issue 14: the
 *                      emulator asserted in cpu_x86_xrstor)
 *   null               uc_mcontext.fpregs = NULL after the handler set XMM0 to all ones:
 *                      fpu__clear_user_states() resets the FPU (the emulator kept XMM0)
 *   misaligned64       the whole fpstate copied to an address 16 mod 64: XRSTOR #GP, SIGSEGV
 *   misaligned-fx      the same with magic1 cleared (a legacy image, FXRSTOR, 16-byte aligned):
 *                      restored. (A legacy image 8 mod 16 is restored too on the AMD Zen 5 VM
 *                      with Linux 6.18, although FXRSTOR at that address raises #GP in user
 *                      mode there and the SDM and the kernel's code say #GP, SIGSEGV; the
 *                      emulator follows the SDM, and no case judges it until an Intel host is
 *                      measured.)
 *   legacy-end         a legacy 512-byte image ending where its mapping ends: restored (the
 *                      emulator read the whole XSAVE size and gave SIGSEGV)
 *   magic2-unmapped    valid sw_bytes whose MAGIC2 lies in an unmapped page: SIGSEGV
 *   image-unmapped     xstate_size 576 and MAGIC2 mapped, the AVX state the header asks for
 *                      not: XRSTOR faults, SIGSEGV
 *   xfeatures-x87      sw_bytes.xfeatures = x87 only: SSE, AVX are reset to initial values
 *
 * test host: -xcr0 host -xsave-layout host => native
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

#define MAGIC1 0x46505853u
#define MAGIC2 0x46505845u
#define SW_OFFSET 464 /* struct _fpx_sw_bytes in the legacy region's sw_reserved */

struct sw_bytes {
    uint32_t magic1, extended_size;
    uint64_t xfeatures;
    uint32_t xstate_size;
};

static const char *mode;
static uint8_t *page;           /* two pages, the second PROT_NONE */
static uint8_t copy_buf[16384] __attribute__((aligned(64)));
static long pagesize;

static uint32_t avx_offset(void)
{
    uint32_t a, b, c, d;

    __cpuid_count(0xd, 2, a, b, c, d);
    return b;
}

static struct sw_bytes read_sw(const uint8_t *fp)
{
    struct sw_bytes sw;

    memcpy(&sw.magic1, fp + SW_OFFSET, 4);
    memcpy(&sw.extended_size, fp + SW_OFFSET + 4, 4);
    memcpy(&sw.xfeatures, fp + SW_OFFSET + 8, 8);
    memcpy(&sw.xstate_size, fp + SW_OFFSET + 16, 4);
    return sw;
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void handler(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    uint8_t *fp = (uint8_t *)uc->uc_mcontext.fpregs;
    struct sw_bytes sw = read_sw(fp);
    uint32_t full = sw.xstate_size + 4;

    (void)sig;
    (void)si;
    if (!strcmp(mode, "size576") || !strcmp(mode, "size832")) {
        uint32_t size = !strcmp(mode, "size576") ? 576 : 832;

        memset(fp + avx_offset(), 0xa5, 16);
        put32(fp + SW_OFFSET + 16, size);
        put32(fp + size, MAGIC2);
    } else if (!strcmp(mode, "null")) {
        uc->uc_mcontext.fpregs = NULL;
        __asm__ volatile("pcmpeqd %%xmm0, %%xmm0" ::: "xmm0");
    } else if (!strcmp(mode, "misaligned64")) {
        memcpy(copy_buf + 16, fp, full);
        uc->uc_mcontext.fpregs = (void *)(copy_buf + 16);
    } else if (!strcmp(mode, "misaligned-fx")) {
        unsigned off = 16;

        memcpy(copy_buf + off, fp, 512);
        put32(copy_buf + off + SW_OFFSET, 0);
        copy_buf[off + 160] ^= 0xff; /* XMM0's low byte: visible if restored */
        uc->uc_mcontext.fpregs = (void *)(copy_buf + off);
    } else if (!strcmp(mode, "legacy-end")) {
        uint8_t *img = page + pagesize - 512;

        memcpy(img, fp, 512);
        put32(img + SW_OFFSET, 0);
        img[160] ^= 0xff;
        uc->uc_mcontext.fpregs = (void *)img;
    } else if (!strcmp(mode, "magic2-unmapped")) {
        /* The image ends exactly at the mapping's end: MAGIC2 is the next page's first word. */
        uint32_t room = sw.xstate_size & ~63u;
        uint8_t *img = page + pagesize - room;

        memcpy(img, fp, room);
        put32(img + SW_OFFSET + 16, room);
        put32(img + SW_OFFSET + 4, room + 4);
        uc->uc_mcontext.fpregs = (void *)img;
    } else if (!strcmp(mode, "image-unmapped")) {
        /* 640 bytes mapped: xstate_size 576 and MAGIC2 fit, the AVX state XRSTOR reads not. */
        uint8_t *img = page + pagesize - 640;

        memcpy(img, fp, 640);
        put32(img + SW_OFFSET + 16, 576);
        put32(img + 576, MAGIC2);
        uc->uc_mcontext.fpregs = (void *)img;
    } else if (!strcmp(mode, "xfeatures-x87")) {
        uint64_t x87 = 1;

        memcpy(fp + SW_OFFSET + 8, &x87, 8);
    }
}

static void child(void)
{
    static const uint8_t in[32] = {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
        17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
    };
    uint8_t out[32];
    uint32_t mxcsr_in = 0x1fa0, mxcsr_out;
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    /* One block: nothing between the loads, the signal's return and the stores. */
    __asm__ volatile("vmovdqu (%[in]), %%ymm0\n\t"
                     "ldmxcsr (%[mxi])\n\t"
                     "syscall\n\t"
                     "vmovdqu %%ymm0, (%[out])\n\t"
                     "stmxcsr (%[mxo])\n\t"
                     :
                     : [in] "r"(in), [out] "r"(out), [mxi] "r"(&mxcsr_in),
                       [mxo] "r"(&mxcsr_out), "a"(SYS_kill), "D"(getpid()), "S"(SIGUSR1)
                     : "rcx", "r11", "memory", "xmm0");
    printf("%s: returned ymm0", mode);
    for (int i = 0; i < 32; i++) {
        printf("%s%02x", i == 16 ? ":" : (i ? "" : " "), out[i]);
    }
    printf(" mxcsr %#x\n", mxcsr_out);
    fflush(stdout);
    _exit(0);
}

int main(void)
{
    static const char *const modes[] = {
        "size576", "size832", "null", "misaligned64", "misaligned-fx",
        "legacy-end", "magic2-unmapped", "image-unmapped", "xfeatures-x87",
    };
    uint32_t a, b, c, d;

    __cpuid(1, a, b, c, d);
    if (!(c & (1u << 28)) || (xgetbv(0) & 6) != 6) {
        printf("no AVX enabled: nothing to compare\n");
        return 0;
    }
    pagesize = sysconf(_SC_PAGESIZE);
    page = mmap(NULL, 2 * pagesize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED || mprotect(page + pagesize, pagesize, PROT_NONE)) {
        perror("mmap");
        return 1;
    }
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        char label[64];

        mode = modes[i];
        snprintf(label, sizeof(label), "%s: ", mode);
        run_in_child(child, label);
    }
    return 0;
}
