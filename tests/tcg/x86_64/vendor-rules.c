/*
 * vendor-rules: one mode per rule in which Intel and AMD silicon differ around XSAVE (libxcr0's
 * vendor rules, README "Vendors"). Judged by recordings of real machines only (tests/silicon/MACHINE:
 * `make record-silicon` runs it natively; `make check` replays it under the emulator with the
 * recorded CPUID dump as the profile), never by a live host of unknown generation.
 *
 *   vendor-rules idioms     XGETBV(1) after zeroing idioms (legacy SSE, VEX.128, VEX.256, with
 *                           an equal or a different destination), non-idiom writes of zero,
 *                           idioms on a register holding ones, VEX writes over upper halves,
 *                           full-width register moves, VZEROUPPER/VZEROALL, LDMXCSR by value,
 *                           and XSTATE_BV from XSAVE and XSAVEC (MXCSR alone)
 *   vendor-rules x87-hidden XGETBV(1) after x87 sequences that end in the initial visible
 *                           state (FLDZ; FSTP) and what clears or keeps the hidden in-use flag;
 *                           R0's bytes after an MMX write
 *   vendor-rules x87-pointers
 *                           bytes 0..23 that FXSAVE64, XSAVE64, XSAVEOPT64 and XSAVEC64 store
 *                           after XRSTOR of images with and without FSW.ES, after real x87
 *                           exceptions (pointers printed relative to the instruction and the
 *                           operand), FNSTENV, and FIP/FDP/FOP width through XRSTOR64/FXRSTOR64
 *   vendor-rules fcw-mxcsr  FCW as stored after XRSTOR, FXRSTOR64 and FLDCW of 16 values;
 *                           MXCSR_MASK; for each MXCSR bit 6..31 whether LDMXCSR, FXRSTOR64 and
 *                           XRSTOR accept it or raise #GP
 *   vendor-rules xsaveopt   XSAVEOPT's modified optimisation: XRSTOR from A, A overwritten, then
 *                           one instruction or none, XSAVEOPT to A: which components it rewrote
 *   vendor-rules fxsave-xsave
 *                           FXSAVE64 and XSAVE64 with RFBM = x87|SSE of the same state, into
 *                           buffers poisoned alike: the first 512 bytes must be identical on
 *                           every vendor (one legacy-region format, SDM 13.5.1, 13.5.2); shown
 *                           for loaded patterns, a pending unmasked exception and the initial
 *                           state
 *
 * Nothing here uses EVEX or opmask instructions (TCG does not execute them yet), and nothing
 * prints an absolute address.
 *
 * test idioms: -xcr0 host -xsave-layout host -- idioms => recorded
 * test x87-hidden: -xcr0 host -xsave-layout host -- x87-hidden => recorded
 * test x87-pointers: -xcr0 host -xsave-layout host -- x87-pointers => recorded
 * test fcw-mxcsr: -xcr0 host -xsave-layout host -- fcw-mxcsr => recorded
 * test xsaveopt: -xcr0 host -xsave-layout host -- xsaveopt => recorded
 * test fxsave-xsave-host: -xcr0 host -xsave-layout host -- fxsave-xsave => native
 * test bad-rules: -xsave-layout @data/bad-rules.txt -- idioms => error line 2: rules: bad value in 'xinuse=sometimes'
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xstate-util.h"

#define AREA 16384

static uint8_t init_img[AREA] __attribute__((aligned(64)));
static uint8_t img[AREA] __attribute__((aligned(64)));
static uint8_t sv[4][AREA] __attribute__((aligned(64)));
static uint8_t ones[64] __attribute__((aligned(64)));
static uint8_t zeros[64] __attribute__((aligned(64)));
static uint64_t res[16];
static uint64_t xcr0;
static int has_xsavec;

static sigjmp_buf jb;
/*
 * The signal only: the emulator's signal frames carry trapno -1 (upstream linux-user), where
 * the kernel writes the trap number.
 */
static volatile int last_sig;

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
    (void)si;
    (void)ctx;
    last_sig = sig;
    siglongjmp(jb, 1);
}

static void catch_faults(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
}

static uint16_t rd16(const uint8_t *p)
{
    uint16_t v;

    memcpy(&v, p, 2);
    return v;
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

static void wr16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);
}

static void wr32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

/* XINUSE without PKRU (the kernel's WRPKRU makes XINUSE[9] nondeterministic, xsave-diff.c). */
static uint64_t xin(uint64_t v)
{
    return v & xcr0 & ~(1ull << 9);
}

/* ---------------------------------------------------------------------------------------------
 * Steps run in one asm statement: XRSTOR of the initial image, the body, XGETBV(1) into res[]
 * after each step (XG(n)), XSAVE and XSAVEC (RFBM all) into sv[0], sv[2], XRSTOR of the
 * initial image again. %0 the initial image, %1 res, %2 ones, %3 zeros, %4 sv, %5 has_xsavec.
 */
#define XG(n) "mov $1, %%ecx\n\txgetbv\n\tmov %%eax, 8*" #n "(%1)\n\tmov %%edx, 8*" #n "+4(%1)\n\t"
#define ALL "mov $-1, %%eax\n\tmov $-1, %%edx\n\t"
#define STEPS(fn, body)                                                                      \
    static void fn(void)                                                                     \
    {                                                                                        \
        __asm__ volatile(ALL "xrstor64 (%0)\n\t" body                                        \
                         ALL "xsave64 (%4)\n\t"                                              \
                         "cmpl $0, %5\n\tje 1f\n\t" ALL "xsavec64 2*16384(%4)\n1:\n\t"        \
                         ALL "xrstor64 (%0)\n\t"                                             \
                         : : "r"(init_img), "r"(res), "r"(ones), "r"(zeros), "r"(sv),        \
                           "m"(has_xsavec)                                                   \
                         : "rax", "rcx", "rdx", "memory");                                   \
    }

typedef struct {
    const char *name;
    void (*fn)(void);
    int steps;
} StepCase;

static void run_steps(const StepCase *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        memset(res, 0, sizeof(res));
        wr64(sv[0] + 512, ~0ull);
        wr64(sv[2] + 512, ~0ull);
        if (sigsetjmp(jb, 1) == 0) {
            cases[i].fn();
            printf("%-40s xinuse", cases[i].name);
            for (int s = 0; s < cases[i].steps; s++) {
                printf(" 0x%llx", (unsigned long long)xin(res[s]));
            }
            printf(" | xstate_bv xsave 0x%llx xsavec 0x%llx\n",
                   (unsigned long long)(rd64(sv[0] + 512) & xcr0 & ~(1ull << 9)),
                   has_xsavec ? (unsigned long long)(rd64(sv[2] + 512) & xcr0 & ~(1ull << 9))
                              : 0ull);
        } else {
            printf("%-40s signal %d\n", cases[i].name, last_sig);
        }
    }
}

/* Zeroing idioms and their neighbours (AMD-XSTATE.md 1a-1d). */
STEPS(i_init, XG(0))
STEPS(i_xorps, "xorps %%xmm3, %%xmm3\n\t" XG(0))
STEPS(i_xorpd, "xorpd %%xmm3, %%xmm3\n\t" XG(0))
STEPS(i_pxor, "pxor %%xmm3, %%xmm3\n\t" XG(0))
STEPS(i_andnps, "andnps %%xmm3, %%xmm3\n\t" XG(0))
STEPS(i_pandn, "pandn %%xmm3, %%xmm3\n\t" XG(0))
STEPS(i_pcmpgtb, "pcmpgtb %%xmm3, %%xmm3\n\t" XG(0))
STEPS(i_pcmpgtq, "pcmpgtq %%xmm3, %%xmm3\n\t" XG(0))
STEPS(i_psubb, "psubb %%xmm3, %%xmm3\n\t" XG(0))
STEPS(i_psubq, "psubq %%xmm3, %%xmm3\n\t" XG(0))
STEPS(i_psubsb, "psubsb %%xmm3, %%xmm3\n\t" XG(0))
STEPS(i_psubusb, "psubusb %%xmm3, %%xmm3\n\t" XG(0))
STEPS(i_vxorps_x, "vxorps %%xmm4, %%xmm4, %%xmm4\n\t" XG(0))
STEPS(i_vpxor_x, "vpxor %%xmm4, %%xmm4, %%xmm4\n\t" XG(0))
STEPS(i_vpsubq_x, "vpsubq %%xmm4, %%xmm4, %%xmm4\n\t" XG(0))
STEPS(i_vxorps_y, "vxorps %%ymm4, %%ymm4, %%ymm4\n\t" XG(0))
STEPS(i_vpcmpgtb_y, "vpcmpgtb %%ymm4, %%ymm4, %%ymm4\n\t" XG(0))
STEPS(i_vxorps_y_other, "vxorps %%ymm4, %%ymm4, %%ymm3\n\t" XG(0))
STEPS(i_pcmpeqb, "pcmpeqb %%xmm3, %%xmm3\n\t" XG(0))
STEPS(i_vpcmpeqb_y, "vpcmpeqb %%ymm3, %%ymm3, %%ymm3\n\t" XG(0))
STEPS(i_subps, "subps %%xmm3, %%xmm3\n\t" XG(0))
STEPS(i_movaps_same, "movaps %%xmm6, %%xmm6\n\t" XG(0))
STEPS(i_xorps_other, "xorps %%xmm4, %%xmm3\n\t" XG(0))
STEPS(i_load_zero, "movaps (%3), %%xmm3\n\t" XG(0))
STEPS(i_movd_zero, "xor %%eax, %%eax\n\tmovd %%eax, %%xmm3\n\t" XG(0))
STEPS(i_vaddps_y, "vaddps %%ymm4, %%ymm4, %%ymm4\n\t" XG(0))
STEPS(i_vmovaps_y_load_zero, "vmovaps (%3), %%ymm4\n\t" XG(0))
STEPS(i_reads_only, "movq %%xmm7, %%rax\n\tmovaps %%xmm3, (%3)\n\tptest %%xmm3, %%xmm3\n\t"
      "stmxcsr 8*15(%1)\n\t" XG(0))
STEPS(i_ones_xorps, "movaps (%2), %%xmm3\n\t" XG(0) "xorps %%xmm3, %%xmm3\n\t" XG(1))
STEPS(i_ones_pxor, "movaps (%2), %%xmm3\n\t" XG(0) "pxor %%xmm3, %%xmm3\n\t" XG(1))
STEPS(i_ones_load_zero, "movaps (%2), %%xmm3\n\t" XG(0) "movaps (%3), %%xmm3\n\t" XG(1))
STEPS(i_ones_two, "movaps (%2), %%xmm3\n\tmovaps (%2), %%xmm5\n\t" XG(0)
      "xorps %%xmm3, %%xmm3\n\t" XG(1) "xorps %%xmm5, %%xmm5\n\t" XG(2))
STEPS(i_ones_y_vxorps_y, "vmovaps (%2), %%ymm4\n\t" XG(0) "vxorps %%ymm4, %%ymm4, %%ymm4\n\t"
      XG(1))
STEPS(i_ones_y_vxorps_x, "vmovaps (%2), %%ymm4\n\t" XG(0) "vxorps %%xmm4, %%xmm4, %%xmm4\n\t"
      XG(1))
STEPS(i_ones_y_vex128_load, "vmovaps (%2), %%ymm4\n\t" XG(0) "vmovaps (%3), %%xmm4\n\t" XG(1))
STEPS(i_ones_y_vex256_load_zero, "vmovaps (%2), %%ymm4\n\t" XG(0) "vmovaps (%3), %%ymm4\n\t"
      XG(1))
STEPS(i_ones_y_move_from_init, "vmovaps (%2), %%ymm4\n\t" XG(0) "vmovaps %%ymm6, %%ymm4\n\t"
      XG(1))
STEPS(i_move_y_from_ones, "vmovaps (%2), %%ymm6\n\tvzeroupper\n\tvmovaps (%2), %%ymm5\n\t" XG(0)
      "vmovaps %%ymm5, %%ymm4\n\t" XG(1) "vmovups %%ymm6, %%ymm5\n\t" XG(2))
STEPS(i_ones_y_legacy_xorps, "vmovaps (%2), %%ymm4\n\t" XG(0) "xorps %%xmm4, %%xmm4\n\t" XG(1)
      "vzeroupper\n\t" XG(2))
STEPS(i_ones_y_vaddps_x, "vmovaps (%2), %%ymm4\n\t" XG(0) "vaddps %%xmm4, %%xmm4, %%xmm4\n\t"
      XG(1))
STEPS(i_ones_y_two, "vmovaps (%2), %%ymm4\n\tvmovaps (%2), %%ymm5\n\t" XG(0)
      "vxorps %%ymm4, %%ymm4, %%ymm4\n\t" XG(1) "vxorps %%ymm5, %%ymm5, %%ymm5\n\t" XG(2))
STEPS(i_vzeroupper_ymm, "vmovaps (%2), %%ymm4\n\t" XG(0) "vzeroupper\n\t" XG(1))
STEPS(i_vzeroall_xmm, "movaps (%2), %%xmm3\n\t" XG(0) "vzeroall\n\t" XG(1))
STEPS(i_ldmxcsr, "ldmxcsr (%3)\n\t" XG(0))
STEPS(i_ldmxcsr_values, "movl $0x1f80, 8*14(%1)\n\tldmxcsr 8*14(%1)\n\t" XG(0)
      "movl $0x1fa0, 8*14(%1)\n\tldmxcsr 8*14(%1)\n\t" XG(1)
      "movl $0x1f80, 8*14(%1)\n\tldmxcsr 8*14(%1)\n\t" XG(2)
      "movl $0x1f81, 8*14(%1)\n\tldmxcsr 8*14(%1)\n\t" XG(3))
STEPS(i_xsave_mxcsr_only, "movl $0x1f81, 8*14(%1)\n\tldmxcsr 8*14(%1)\n\t" XG(0))

static const StepCase idioms[] = {
    { "init", i_init, 1 },
    { "xorps x3,x3", i_xorps, 1 },
    { "xorpd x3,x3", i_xorpd, 1 },
    { "pxor x3,x3", i_pxor, 1 },
    { "andnps x3,x3", i_andnps, 1 },
    { "pandn x3,x3", i_pandn, 1 },
    { "pcmpgtb x3,x3", i_pcmpgtb, 1 },
    { "pcmpgtq x3,x3", i_pcmpgtq, 1 },
    { "psubb x3,x3", i_psubb, 1 },
    { "psubq x3,x3", i_psubq, 1 },
    { "psubsb x3,x3", i_psubsb, 1 },
    { "psubusb x3,x3", i_psubusb, 1 },
    { "vxorps x4,x4,x4", i_vxorps_x, 1 },
    { "vpxor x4,x4,x4", i_vpxor_x, 1 },
    { "vpsubq x4,x4,x4", i_vpsubq_x, 1 },
    { "vxorps y4,y4,y4", i_vxorps_y, 1 },
    { "vpcmpgtb y4,y4,y4", i_vpcmpgtb_y, 1 },
    { "vxorps y3,y4,y4 (other dest)", i_vxorps_y_other, 1 },
    { "pcmpeqb x3,x3 (no idiom)", i_pcmpeqb, 1 },
    { "vpcmpeqb y3,y3,y3 (no idiom)", i_vpcmpeqb_y, 1 },
    { "subps x3,x3 (no idiom)", i_subps, 1 },
    { "movaps x6,x6", i_movaps_same, 1 },
    { "xorps x3,x4 (zeros, no idiom)", i_xorps_other, 1 },
    { "movaps load of zero", i_load_zero, 1 },
    { "movd of 0", i_movd_zero, 1 },
    { "vaddps y4 (zeros)", i_vaddps_y, 1 },
    { "vmovaps ymm load of zero", i_vmovaps_y_load_zero, 1 },
    { "reads only", i_reads_only, 1 },
    { "ones x3, xorps x3", i_ones_xorps, 2 },
    { "ones x3, pxor x3", i_ones_pxor, 2 },
    { "ones x3, load zero x3", i_ones_load_zero, 2 },
    { "ones x3 x5, xorps x3, xorps x5", i_ones_two, 3 },
    { "ones y4, vxorps y4", i_ones_y_vxorps_y, 2 },
    { "ones y4, vxorps x4", i_ones_y_vxorps_x, 2 },
    { "ones y4, vex128 load x4", i_ones_y_vex128_load, 2 },
    { "ones y4, vex256 load zero y4", i_ones_y_vex256_load_zero, 2 },
    { "ones y4, vmovaps y6->y4", i_ones_y_move_from_init, 2 },
    { "y5 ones, vmovaps y5->y4, y6->y5", i_move_y_from_ones, 3 },
    { "ones y4, xorps x4, vzeroupper", i_ones_y_legacy_xorps, 3 },
    { "ones y4, vaddps x4", i_ones_y_vaddps_x, 2 },
    { "ones y4 y5, vxorps y4, vxorps y5", i_ones_y_two, 3 },
    { "ones y4, vzeroupper", i_vzeroupper_ymm, 2 },
    { "ones x3, vzeroall", i_vzeroall_xmm, 2 },
    { "ldmxcsr 0 (zeros)", i_ldmxcsr, 1 },
    { "ldmxcsr 1f80, 1fa0, 1f80, 1f81", i_ldmxcsr_values, 4 },
    { "ldmxcsr 1f81 (xsave bv)", i_xsave_mxcsr_only, 1 },
};

/* The x87 hidden flag (AMD-XSTATE.md 1e). */
STEPS(h_fninit, "fninit\n\t" XG(0))
STEPS(h_fldcw, "movw $0x27f, 8*14(%1)\n\tfldcw 8*14(%1)\n\t" XG(0)
      "movw $0x37f, 8*14(%1)\n\tfldcw 8*14(%1)\n\t" XG(1))
STEPS(h_fincstp, "fincstp\n\t" XG(0) "fdecstp\n\t" XG(1))
STEPS(h_misc, "fnclex\n\tfwait\n\temms\n\tffree %%st(0)\n\tfnop\n\tfnstsw %%ax\n\t" XG(0))
STEPS(h_fldz, "fldz\n\tfstp %%st(0)\n\t" XG(0))
STEPS(h_fld1, "fld1\n\tfstp %%st(0)\n\t" XG(0) "fninit\n\t" XG(1))
STEPS(h_fldz_fnclex, "fldz\n\tfstp %%st(0)\n\t" XG(0) "fnclex\n\t" XG(1))
STEPS(h_fldz_fninit, "fldz\n\tfstp %%st(0)\n\t" XG(0) "fninit\n\t" XG(1))
STEPS(h_fldz_fldenv, "fldz\n\tfstp %%st(0)\n\t" XG(0) "fnstenv 8*8(%1)\n\t" XG(1)
      "fldenv 8*8(%1)\n\t" XG(2))
STEPS(h_fldz_keep, "fldz\n\tfstp %%st(0)\n\temms\n\tfnop\n\tfnstsw %%ax\n\tlfence\n\t"
      "movw $0x37f, 8*14(%1)\n\tfldcw 8*14(%1)\n\tffree %%st(0)\n\t" XG(0))
STEPS(h_fldz_fxrstor, "fldz\n\tfstp %%st(0)\n\t" XG(0) "fxsave64 (%4)\n\tfxrstor64 (%4)\n\t"
      XG(1))
STEPS(h_fldz_xrstor, "fldz\n\tfstp %%st(0)\n\t" XG(0) "mov $1, %%eax\n\txor %%edx, %%edx\n\t"
      "xsave64 (%4)\n\tmov $1, %%eax\n\txrstor64 (%4)\n\t" XG(1))
STEPS(h_ftst, "fldz\n\tftst\n\tfstp %%st(0)\n\t" XG(0) "fnclex\n\t" XG(1) "fninit\n\t" XG(2))
STEPS(h_mmx_read, "movd %%mm0, %%eax\n\t" XG(0) "emms\n\t" XG(1))
STEPS(h_mmx_pxor, "pxor %%mm0, %%mm0\n\t" XG(0) "emms\n\t" XG(1))

static const StepCase x87_hidden[] = {
    { "fninit", h_fninit, 1 },
    { "fldcw 27f, fldcw 37f", h_fldcw, 2 },
    { "fincstp, fdecstp", h_fincstp, 2 },
    { "fnclex fwait emms ffree fnop fnstsw", h_misc, 1 },
    { "fldz; fstp", h_fldz, 1 },
    { "fld1; fstp, fninit", h_fld1, 2 },
    { "fldz; fstp, fnclex", h_fldz_fnclex, 2 },
    { "fldz; fstp, fninit", h_fldz_fninit, 2 },
    { "fldz; fstp, fnstenv, fldenv", h_fldz_fldenv, 3 },
    { "fldz; fstp, emms fnop fnstsw fldcw ffree", h_fldz_keep, 1 },
    { "fldz; fstp, fxsave64+fxrstor64", h_fldz_fxrstor, 2 },
    { "fldz; fstp, xsave+xrstor (rfbm 1)", h_fldz_xrstor, 2 },
    { "fldz; ftst; fstp, fnclex, fninit", h_ftst, 3 },
    { "movd mm0->eax, emms", h_mmx_read, 2 },
    { "pxor mm0,mm0, emms", h_mmx_pxor, 2 },
};

static void run_x87_hidden(void)
{
    run_steps(x87_hidden, sizeof(x87_hidden) / sizeof(x87_hidden[0]));
    /* What an MMX write leaves in the x87 register (bits 79:64 set, SDM 9.5.1). */
    __asm__ volatile(ALL "xrstor64 (%0)\n\tpxor %%mm0, %%mm0\n\temms\n\tfxsave64 (%1)\n\t"
                     ALL "xrstor64 (%0)\n\t"
                     : : "r"(init_img), "r"(sv[1]) : "rax", "rdx", "memory");
    printf("R0 after pxor mm0,mm0; emms: %016llx exponent %04x\n",
           (unsigned long long)rd64(sv[1] + 32), rd16(sv[1] + 40));
}

/* ---------------------------------------------------------------------------------------------
 * x87 pointers (AMD-XSTATE.md 2).
 */
static void make_x87(uint8_t *p, uint16_t fcw, uint16_t fsw, uint16_t fop, uint64_t fip,
                     uint64_t fdp)
{
    memset(p, 0, 4096);
    wr16(p, fcw);
    wr16(p + 2, fsw);
    wr16(p + 6, fop);
    wr64(p + 8, fip);
    wr64(p + 16, fdp);
    wr32(p + 24, 0x1f80);
    wr64(p + 512, 3);
}

/* XRSTOR img (RFBM 1), then every save form, FNSTENV into res. */
static void restore_and_save(void)
{
    __asm__ volatile(ALL "xrstor64 (%0)\n\tmov $1, %%eax\n\txor %%edx, %%edx\n\txrstor64 (%1)\n\t"
                     "fxsave64 3*16384(%2)\n\t"
                     ALL "xsave64 (%2)\n\t" ALL "xsaveopt64 16384(%2)\n\t"
                     "cmpl $0, %3\n\tje 1f\n\t" ALL "xsavec64 2*16384(%2)\n1:\n\t"
                     "fnstenv (%4)\n\t" ALL "xrstor64 (%0)\n\t"
                     : : "r"(init_img), "r"(img), "r"(sv), "m"(has_xsavec), "r"(res)
                     : "rax", "rdx", "memory");
}

static uint8_t fx[512] __attribute__((aligned(64)));

static void print_x87_bytes(const char *what, const uint8_t *p)
{
    printf("  %-10s FCW %04x FSW %04x FTW %02x b5 %02x FOP %04x FIP %016llx FDP %016llx\n",
           what, rd16(p), rd16(p + 2), p[4], p[5], rd16(p + 6),
           (unsigned long long)rd64(p + 8), (unsigned long long)rd64(p + 16));
}

static void print_saves(void)
{
    const uint8_t *env = (const uint8_t *)res;

    print_x87_bytes("fxsave64", fx);
    print_x87_bytes("xsave64", sv[0]);
    print_x87_bytes("xsaveopt64", sv[1]);
    if (has_xsavec && (rd64(sv[2] + 512) & 1)) {
        print_x87_bytes("xsavec64", sv[2]);
    }
    printf("  fnstenv    FCW %04x FSW %04x FOP %03x\n", rd16(env), rd16(env + 4),
           rd16(env + 18) & 0x7ff);
}

static uint8_t sv_fx[4][512] __attribute__((aligned(64)));

static void run_x87_pointers(void)
{
    static const struct {
        uint16_t fcw, fsw;
    } images[] = {
        { 0x037f, 0x0000 }, { 0x037f, 0x0081 }, { 0x037f, 0x0080 }, { 0x037f, 0x8080 },
        { 0x037e, 0x0001 }, { 0x037b, 0x0004 }, { 0x0340, 0x003f }, { 0x0000, 0x0020 },
        { 0x037e, 0x0041 }, { 0x037b, 0x0001 }, { 0x037f, 0x0040 }, { 0x037f, 0x4700 },
    };
    static const uint64_t widths[] = {
        0x0100000000000000ull, 0xfedcba9876543210ull, 0x7fffffffffffffffull,
        0x8000000000000000ull, 0x0000800000000000ull, 0x00007fffffffffffull,
        0x00ffffffffffffffull, 0x1122334455667788ull,
    };
    static const uint16_t fops[] = { 0xffff, 0xf9ab, 0x0800, 0x07ff };

    for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
        make_x87(img, images[i].fcw, images[i].fsw, 0x123, 0x1122334455667788ull,
                 0x99aabbccddeeff00ull);
        memset(sv, 0xa5, sizeof(sv));
        restore_and_save();
        memcpy(fx, sv[3], sizeof(fx));
        printf("image FCW %04x FSW %04x\n", images[i].fcw, images[i].fsw);
        print_saves();
    }
    /* FIP/FDP/FOP as restored, with ES = 1 so that the saves show them. */
    for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
        make_x87(img, 0x037e, 0x0001, fops[i % 4], widths[i], ~widths[i]);
        memset(sv, 0xa5, sizeof(sv));
        restore_and_save();
        printf("width FIP %016llx FDP %016llx FOP %04x -> xsave FOP %04x FIP %016llx FDP "
               "%016llx\n", (unsigned long long)widths[i], (unsigned long long)~widths[i],
               fops[i % 4], rd16(sv[0] + 6), (unsigned long long)rd64(sv[0] + 8),
               (unsigned long long)rd64(sv[0] + 16));
        /* The same through FXRSTOR64. */
        memcpy(sv_fx[0], img, 512);
        __asm__ volatile(ALL "xrstor64 (%0)\n\tfxrstor64 (%1)\n\tfxsave64 (%2)\n\t"
                         ALL "xrstor64 (%0)\n\t"
                         : : "r"(init_img), "r"(sv_fx[0]), "r"(sv_fx[1]) : "rax", "rdx",
                           "memory");
        printf("  fxrstor64 -> fxsave64 FOP %04x FIP %016llx FDP %016llx\n", rd16(sv_fx[1] + 6),
               (unsigned long long)rd64(sv_fx[1] + 8), (unsigned long long)rd64(sv_fx[1] + 16));
    }
    /* A real unmasked #Z (FCW 0x37b): pointers relative to the FDIVS and its operand. */
    {
        static const float zero = 0.0f;
        static const uint16_t cw = 0x037b;
        uint64_t insn = 0;

        memset(sv, 0xa5, sizeof(sv));
        __asm__ volatile(ALL "xrstor64 (%0)\n\tfldcw %3\n\tfld1\n\t1: fdivs %2\n\t"
                         "lea 1b(%%rip), %%rax\n\tmov %%rax, %1\n\t"
                         ALL "xsave64 (%4)\n\tfnclex\n\t" ALL "xsave64 16384(%4)\n\t"
                         ALL "xrstor64 (%0)\n\t"
                         : : "r"(init_img), "m"(insn), "m"(zero), "m"(cw), "r"(sv)
                         : "rax", "rdx", "memory");
        printf("unmasked #Z: FSW %04x FOP %04x FIP-insn %lld FDP-operand %lld; after fnclex: "
               "FSW %04x FOP %04x FIP %016llx FDP %016llx\n", rd16(sv[0] + 2), rd16(sv[0] + 6),
               (long long)(rd64(sv[0] + 8) - insn),
               (long long)(rd64(sv[0] + 16) - (uint64_t)(uintptr_t)&zero), rd16(sv[1] + 2),
               rd16(sv[1] + 6), (unsigned long long)rd64(sv[1] + 8),
               (unsigned long long)rd64(sv[1] + 16));
    }
}

/* ---------------------------------------------------------------------------------------------
 * FCW and MXCSR (AMD-XSTATE.md 2, 3).
 */
static void run_fcw_mxcsr(void)
{
    static const uint16_t fcws[] = {
        0x0000, 0x0040, 0x0080, 0xffff, 0xf0ff, 0xe37f, 0x037f, 0x1f7f,
        0x2000, 0x4000, 0x8000, 0x0100, 0x0200, 0x0c00, 0x1000, 0x007f,
    };
    uint16_t cw[3];

    for (size_t i = 0; i < sizeof(fcws) / sizeof(fcws[0]); i++) {
        make_x87(img, fcws[i], 0, 0, 0, 0);
        memcpy(sv_fx[0], img, 512);
        __asm__ volatile(ALL "xrstor64 (%0)\n\tmov $1, %%eax\n\txor %%edx, %%edx\n\t"
                         "xrstor64 (%1)\n\tfnstcw %3\n\t"
                         "fxrstor64 (%2)\n\tfnstcw %4\n\t"
                         "fldcw (%1)\n\tfnstcw %5\n\t" ALL "xrstor64 (%0)\n\t"
                         : : "r"(init_img), "r"(img), "r"(sv_fx[0]), "m"(cw[0]), "m"(cw[1]),
                           "m"(cw[2])
                         : "rax", "rdx", "memory");
        printf("fcw %04x -> xrstor %04x fxrstor64 %04x fldcw %04x\n", fcws[i], cw[0], cw[1],
               cw[2]);
    }
    __asm__ volatile("fxsave64 %0" : "=m"(fx));
    printf("mxcsr_mask %08x\n", rd32(fx + 28));
    for (int bit = 6; bit < 32; bit++) {
        uint32_t value = 0x1f80 | (1u << bit), back[3] = { 0, 0, 0 };
        const char *how[3];
        static char buf[3][32];

        for (int form = 0; form < 3; form++) {
            make_x87(img, 0x037f, 0, 0, 0, 0);
            wr32(img + 24, value);
            wr64(img + 512, 0);
            memcpy(sv_fx[0], img, 512);
            if (sigsetjmp(jb, 1) == 0) {
                if (form == 0) {
                    __asm__ volatile(ALL "xrstor64 (%0)\n\tldmxcsr %1\n\tstmxcsr %2\n\t"
                                     ALL "xrstor64 (%0)\n\t"
                                     : : "r"(init_img), "m"(value), "m"(back[0])
                                     : "rax", "rdx", "memory");
                } else if (form == 1) {
                    __asm__ volatile(ALL "xrstor64 (%0)\n\tfxrstor64 (%1)\n\tstmxcsr %2\n\t"
                                     ALL "xrstor64 (%0)\n\t"
                                     : : "r"(init_img), "r"(sv_fx[0]), "m"(back[1])
                                     : "rax", "rdx", "memory");
                } else {
                    __asm__ volatile(ALL "xrstor64 (%0)\n\t" ALL "xrstor64 (%1)\n\t"
                                     "stmxcsr %2\n\t" ALL "xrstor64 (%0)\n\t"
                                     : : "r"(init_img), "r"(img), "m"(back[2])
                                     : "rax", "rdx", "memory");
                }
                snprintf(buf[form], sizeof(buf[form]), "%08x", back[form]);
                how[form] = buf[form];
            } else {
                /* The fault left MXCSR as it was; start over from the initial state. */
                __asm__ volatile(ALL "xrstor64 (%0)" : : "r"(init_img) : "rax", "rdx", "memory");
                snprintf(buf[form], sizeof(buf[form]), "signal %d", last_sig);
                how[form] = buf[form];
            }
        }
        printf("mxcsr bit %2d: ldmxcsr %s; fxrstor64 %s; xrstor %s\n", bit, how[0], how[1],
               how[2]);
    }
}

/* ---------------------------------------------------------------------------------------------
 * XSAVEOPT's modified optimisation (AMD-XSTATE.md 4): XRSTOR from A (everything in use), A
 * overwritten with 0x5a by REP STOSB, one instruction or none, XSAVEOPT to A.
 */
static uint8_t area_a[AREA] __attribute__((aligned(64)));
static uint8_t area_b[AREA] __attribute__((aligned(64)));
static uint32_t comp_off[64], comp_size[64];

#define OPT_CASE(fn, between)                                                                \
    static void fn(void)                                                                     \
    {                                                                                        \
        __asm__ volatile(ALL "xrstor64 (%0)\n\t"                                             \
                         "mov %1, %%rdi\n\tmov %2, %%rcx\n\tmov $0x5a, %%al\n\trep stosb\n\t" \
                         between                                                             \
                         ALL "xsaveopt64 (%1)\n\t"                                           \
                         : : "r"(area_a), "r"(area_a), "r"((uint64_t)AREA), "r"(area_b),     \
                           "r"(ones)                                                         \
                         : "rax", "rcx", "rdx", "rdi", "r11", "memory");                     \
    }

OPT_CASE(o_nothing, "")
OPT_CASE(o_movaps, "movaps (%4), %%xmm3\n\t")
OPT_CASE(o_vex128, "vmovaps (%4), %%xmm3\n\t")
OPT_CASE(o_xorps, "xorps %%xmm3, %%xmm3\n\t")
OPT_CASE(o_vzeroupper, "vzeroupper\n\t")
OPT_CASE(o_fnop, "fnop\n\t")
OPT_CASE(o_fwait, "fwait\n\t")
OPT_CASE(o_emms, "emms\n\t")
OPT_CASE(o_ldmxcsr, "stmxcsr 64(%3)\n\tldmxcsr 64(%3)\n\t")
OPT_CASE(o_reads, "movq %%xmm3, %%rax\n\t")
OPT_CASE(o_getpid, "mov $39, %%eax\n\tsyscall\n\t")
OPT_CASE(o_save_elsewhere, ALL "xsave64 (%3)\n\t" ALL "xsaveopt64 (%3)\n\t")
OPT_CASE(o_xrstor_again_x87, "mov $1, %%eax\n\txor %%edx, %%edx\n\txrstor64 (%3)\n\t")
OPT_CASE(o_fxrstor, "fxrstor64 (%3)\n\t")

/* Which components XSAVEOPT rewrote: those whose bytes are no longer all 0x5a. */
static void print_rewritten(const char *name)
{
    printf("%-34s rewritten:", name);
    for (int i = 0; i < 64; i++) {
        const uint8_t *p;
        uint32_t n;
        int changed = 0;

        if (!(xcr0 & (1ull << i)) || i == 9) {
            continue;
        }
        if (i == 0) {
            p = area_a;
            n = 24;
        } else if (i == 1) {
            p = area_a + 160;
            n = 256;
        } else {
            p = area_a + comp_off[i];
            n = comp_size[i];
        }
        for (uint32_t k = 0; k < n; k++) {
            changed |= p[k] != 0x5a;
        }
        if (changed) {
            printf(" %d", i);
        }
    }
    printf(" | mxcsr %s\n", rd32(area_a + 24) != 0x5a5a5a5a ? "written" : "not written");
}

static void run_xsaveopt(void)
{
    static const struct {
        const char *name;
        void (*fn)(void);
        int b_same; /* area_b: 1 = a copy of the pattern (for XRSTOR/FXRSTOR from it) */
    } cases[] = {
        { "nothing", o_nothing, 0 },
        { "movaps to xmm3", o_movaps, 0 },
        { "vex.128 load to xmm3", o_vex128, 0 },
        { "xorps xmm3", o_xorps, 0 },
        { "vzeroupper", o_vzeroupper, 0 },
        { "fnop", o_fnop, 0 },
        { "fwait", o_fwait, 0 },
        { "emms", o_emms, 0 },
        { "stmxcsr+ldmxcsr", o_ldmxcsr, 0 },
        { "movq xmm3->rax", o_reads, 0 },
        { "getpid", o_getpid, 0 },
        { "xsave+xsaveopt to B", o_save_elsewhere, 0 },
        { "xrstor B (rfbm x87)", o_xrstor_again_x87, 1 },
        { "fxrstor64 B", o_fxrstor, 1 },
    };
    uint32_t a, b, c, d;

    for (int i = 2; i < 64; i++) {
        if (xcr0 & (1ull << i)) {
            __cpuid_count(0xd, i, a, b, c, d);
            comp_size[i] = a;
            comp_off[i] = b;
        }
    }
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        /* Everything in use; PKRU left alone (the kernel's WRPKRU touches it). */
        xstate_pattern(img, AREA, xcr0, xcr0 & ~(1ull << 9), (uint8_t)(0x40 + i));
        memcpy(area_b, img, AREA);
        if (!cases[i].b_same) {
            memset(area_b, 0, AREA);
        }
        /* area_a holds the image XRSTOR reads; the case overwrites it before XSAVEOPT. */
        memcpy(area_a, img, AREA);
        cases[i].fn();
        print_rewritten(cases[i].name);
    }
}

/* ---------------------------------------------------------------------------------------------
 * FXSAVE against XSAVE (RFBM = 3) of one state.
 */
static void run_fxsave_xsave(void)
{
    static const float zero = 0.0f;
    static const uint16_t cw = 0x037b;

    for (int state = 0; state < 4; state++) {
        unsigned first = 512;

        memset(sv[0], 0xa5, 512);
        memset(sv[1], 0xa5, 512);
        if (state < 2) {
            /* A pattern in x87 and SSE; state 1 with an unmasked exception flag (ES = 1). */
            xstate_pattern(img, AREA, xcr0, 3, (uint8_t)(0x11 * (state + 1)));
            if (state == 1) {
                wr16(img, 0x037e);
                wr16(img + 2, 0x0001);
            }
            __asm__ volatile(ALL "xrstor64 (%0)\n\tmov $3, %%eax\n\txor %%edx, %%edx\n\t"
                             "xrstor64 (%1)\n\tfxsave64 (%2)\n\t"
                             "mov $3, %%eax\n\txor %%edx, %%edx\n\txsave64 (%3)\n\t"
                             ALL "xrstor64 (%0)\n\t"
                             : : "r"(init_img), "r"(img), "r"(sv[0]), "r"(sv[1])
                             : "rax", "rdx", "memory");
        } else if (state == 2) {
            /* A real pending #Z: pointers of the FDIVS. */
            __asm__ volatile(ALL "xrstor64 (%0)\n\tfldcw %4\n\tfld1\n\tfdivs %3\n\t"
                             "fxsave64 (%1)\n\tmov $3, %%eax\n\txor %%edx, %%edx\n\t"
                             "xsave64 (%2)\n\t" ALL "xrstor64 (%0)\n\t"
                             : : "r"(init_img), "r"(sv[0]), "r"(sv[1]), "m"(zero), "m"(cw)
                             : "rax", "rdx", "memory");
        } else {
            __asm__ volatile(ALL "xrstor64 (%0)\n\tfxsave64 (%1)\n\t"
                             "mov $3, %%eax\n\txor %%edx, %%edx\n\txsave64 (%2)\n\t"
                             : : "r"(init_img), "r"(sv[0]), "r"(sv[1]) : "rax", "rdx", "memory");
        }
        for (unsigned k = 0; k < 512 && first == 512; k++) {
            if (sv[0][k] != sv[1][k]) {
                first = k;
            }
        }
        if (first == 512) {
            printf("state %d: fxsave64 and xsave64 (rfbm 3) identical in bytes 0..511\n", state);
        } else {
            printf("state %d: first difference at byte %u: fxsave64 %02x, xsave64 %02x\n", state,
                   first, sv[0][first], sv[1][first]);
        }
    }
}

int main(int argc, char **argv)
{
    uint32_t a, b, c, d;
    const char *mode = argc > 1 ? argv[1] : "";

    xcr0 = xgetbv(0);
    __cpuid_count(0xd, 1, a, b, c, d);
    has_xsavec = (a >> 1) & 1;
    wr32(init_img + 24, 0x1f80);
    memset(ones, 0xff, sizeof(ones));
    catch_faults();
    if (strcmp(mode, "idioms") == 0) {
        run_steps(idioms, sizeof(idioms) / sizeof(idioms[0]));
    } else if (strcmp(mode, "x87-hidden") == 0) {
        run_x87_hidden();
    } else if (strcmp(mode, "x87-pointers") == 0) {
        run_x87_pointers();
    } else if (strcmp(mode, "fcw-mxcsr") == 0) {
        run_fcw_mxcsr();
    } else if (strcmp(mode, "xsaveopt") == 0) {
        run_xsaveopt();
    } else if (strcmp(mode, "fxsave-xsave") == 0) {
        run_fxsave_xsave();
    } else {
        fprintf(stderr, "usage: vendor-rules idioms|x87-hidden|x87-pointers|fcw-mxcsr|xsaveopt|"
                "fxsave-xsave\n");
        return 2;
    }
    return 0;
}
