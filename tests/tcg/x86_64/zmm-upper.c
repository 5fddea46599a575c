/*
 * zmm-upper: what VEX, legacy SSE, VZEROUPPER and VZEROALL do to the parts of the ZMM registers
 * above their own width, with AVX-512 state enabled in XCR0 (the groundwork of EVEX execution,
 * issue 15). Every component is loaded with a pattern (XRSTOR), one instruction runs, and XSAVE
 * shows, per component, whether it is initial or a hash of its bytes. Run natively and under the
 * emulator at the host's XCR0 and layout: the outputs must be identical.
 *
 * SDM vol. 1 15.5 and vol. 2 VZEROUPPER/VZEROALL:
 *   vex-xmm    VEX.128 write (vpaddd xmm1): bits MAXVL-1:128 of ZMM1 are zeroed
 *   vex-ymm    VEX.256 write (vpaddd ymm1): bits MAXVL-1:256 of ZMM1 are zeroed
 *   sse        legacy SSE write (paddd xmm1): bits MAXVL-1:128 are unchanged
 *   vzeroupper bits MAXVL-1:128 of ZMM0-15 zeroed; ZMM16-31 and the opmasks unchanged
 *   vzeroall   ZMM0-15 zeroed entirely; ZMM16-31 and the opmasks unchanged
 *
 * test host: -xcr0 host -xsave-layout host -- vex-xmm vex-ymm sse vzeroupper vzeroall => native
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "xstate-util.h"

static uint8_t img[8192] __attribute__((aligned(64)));
static uint8_t out[8192] __attribute__((aligned(64)));

#define RUN(insn)                                                                           \
    __asm__ volatile("mov $-1, %%eax\n\tmov $-1, %%edx\n\txrstor64 (%0)\n\t" insn "\n\t"    \
                     "mov $-1, %%eax\n\tmov $-1, %%edx\n\txsave64 (%1)"                      \
                     : : "r"(img), "r"(out) : "rax", "rdx", "memory")

int main(int argc, char **argv)
{
    uint64_t xcr0 = xgetbv(0);
    uint32_t b, d;

    if ((xcr0 & 0xe6) != 0xe6) {
        printf("AVX-512 state not enabled (XCR0 %#llx): nothing to compare\n",
               (unsigned long long)xcr0);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        const char *m = argv[i];

        xstate_pattern(img, sizeof(img), xcr0, xcr0, 0x21);
        memset(out, 0, sizeof(out));
        if (!strcmp(m, "vex-xmm")) {
            RUN("vpaddd %%xmm2, %%xmm1, %%xmm1");
        } else if (!strcmp(m, "vex-ymm")) {
            RUN("vpaddd %%ymm2, %%ymm1, %%ymm1");
        } else if (!strcmp(m, "sse")) {
            RUN("paddd %%xmm2, %%xmm1");
        } else if (!strcmp(m, "vzeroupper")) {
            RUN("vzeroupper");
        } else if (!strcmp(m, "vzeroall")) {
            RUN("vzeroall");
        } else {
            printf("%s: unknown\n", m);
            continue;
        }
        printf("%s:", m);
        for (int n = 1; n < 8; n++) {
            uint32_t off = 160, size = 256;

            if (!(xcr0 & (1ull << n))) {
                continue;
            }
            if (n >= 2) {
                __cpuid_count(0xd, n, size, off, b, d);
            }
            if (!(rd64(out + 512) & (1ull << n))) {
                printf(" %d=init", n);
            } else {
                printf(" %d=%08llx", n, (unsigned long long)fnv1a(out + off, size) & 0xffffffff);
            }
        }
        printf("\n");
    }
    return 0;
}
