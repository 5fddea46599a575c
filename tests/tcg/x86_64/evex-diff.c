/*
 * evex-diff: a seeded random differential tester of EVEX and opmask instructions (issue 15), in
 * the spirit of QEMU's risu. It generates encodings of the forms listed below with random
 * fields — registers 0-31, EVEX.R/X/B/R'/V', vvvv, L'L, aaa, z, b, W, ModRM, SIB, disp8 and
 * disp32, imm8 — plus, now and then, a broken prefix (reserved bits, maps, legacy prefixes
 * before 62), and runs each one from identical state: every vector, mask and MXCSR from an
 * XRSTOR image, the GPRs from a table, memory operands in two data pages followed by a
 * PROT_NONE page. Afterwards XSAVE (the components whose XSTATE_BV bit is clear count as
 * initial, so XINUSE does not enter), the GPRs, the arithmetic flags and the data pages are
 * hashed, or, if the instruction faulted, the signal, si_code and si_addr (relative to the
 * data pages).
 *
 * Run natively on a host with AVX-512 and under the emulator with AVX-512 announced: the
 * outputs must be identical. `make check` runs the short case; the long one (1 000 000
 * instructions) runs in `make check-evex`. Output: a line per block of 100 cases with the block's hash, and
 * the count of each outcome; `evex-diff SEED COUNT -v FIRST LAST` prints every case of a range
 * (encoding bytes and hash) to find the one that differs.
 *
 * Offsets of the XSAVE components come from CPUID leaf 0xD (the emulator answers with the
 * layout of -xsave-layout, here the host's).
 *
 * test short: -cpu max,+avx512f,+avx512cd,+avx512bw,+avx512dq,+avx512vl -xcr0 host -xsave-layout host -- 20261203 10000 => native
 * test long: EVEX_DIFF_BLOCK=10000 -cpu max,+avx512f,+avx512cd,+avx512bw,+avx512dq,+avx512vl -xcr0 host -xsave-layout host -- 20261204 1000000 => native
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "xstate-util.h"

/* ---- the forms: map, opcode, implied prefix, W (-1 either), shape ---- */

enum shape {
    S_VHW,     /* zmm, zmm(vvvv), zmm/m */
    S_VW,      /* zmm, zmm/m */
    S_WV,      /* zmm/m, zmm */
    S_KHW,     /* k, zmm(vvvv), zmm/m */
    S_VR,      /* zmm, r (register only) */
    S_VK,      /* zmm, k (register only) */
    S_HWI,     /* zmm(vvvv), zmm/m, imm8; ModRM.reg is the opcode extension in .ext */
    S_KW,      /* k, zmm (register only) */
    S_VSIB,    /* gather zmm <- [base + zmm*scale + disp], or scatter; a writemask */
    S_VHE,     /* xmm, xmm(vvvv), r/m (VCVTSI2SS) */
    S_GW,      /* r, xmm/m (VCVTSS2SI) */
    S_VE,      /* xmm, r/m */
    S_EV,      /* r/m, xmm */
    S_VEX_K3,  /* VEX.L1 k, k, k */
    S_VEX_K2,  /* VEX.L0 k, k (or k, m; m, k; k, r; r, k) */
    S_VEX_KSH, /* VEX.L0 66 0F3A k, k, imm8 */
};

struct form {
    unsigned char map, opcode, pp;
    signed char w;
    unsigned char shape, imm8;
    const char *name;
    unsigned char ext;
    unsigned char fl;          /* F_*: what the generator should mostly respect */
};

#define F_L0      1            /* 128 bits, no writemask: mostly L'L 0 and aaa 0 */
#define F_NOMASK  2            /* no writemask: mostly aaa 0 */
#define F_ALIGN   4            /* an aligned memory operand: base registers often aligned */

static const struct form forms[] = {
    { 1, 0x6f, 1, -1, S_VW, 0, "vmovdqa32/64 load", 0, F_ALIGN },
    { 1, 0x7f, 1, -1, S_WV, 0, "vmovdqa32/64 store", 0, F_ALIGN },
    { 1, 0x6f, 2, -1, S_VW, 0, "vmovdqu32/64 load", 0, 0 },
    { 1, 0x7f, 2, -1, S_WV, 0, "vmovdqu32/64 store", 0, 0 },
    { 1, 0x6f, 3, -1, S_VW, 0, "vmovdqu8/16 load", 0, 0 },
    { 1, 0x7f, 3, -1, S_WV, 0, "vmovdqu8/16 store", 0, 0 },
    { 1, 0x10, 0, 0, S_VW, 0, "vmovups load", 0, 0 },
    { 1, 0x11, 0, 0, S_WV, 0, "vmovups store", 0, 0 },
    { 1, 0x10, 1, 1, S_VW, 0, "vmovupd load", 0, 0 },
    { 1, 0x11, 1, 1, S_WV, 0, "vmovupd store", 0, 0 },
    { 1, 0x28, 0, 0, S_VW, 0, "vmovaps load", 0, F_ALIGN },
    { 1, 0x29, 0, 0, S_WV, 0, "vmovaps store", 0, F_ALIGN },
    { 1, 0x28, 1, 1, S_VW, 0, "vmovapd load", 0, F_ALIGN },
    { 1, 0x29, 1, 1, S_WV, 0, "vmovapd store", 0, F_ALIGN },
    { 1, 0xe7, 1, 0, S_WV, 0, "vmovntdq", 0, F_NOMASK | F_ALIGN },
    { 1, 0x10, 2, 0, S_VHW, 0, "vmovss load/merge", 0, 0 },
    { 1, 0x10, 3, 1, S_VHW, 0, "vmovsd load/merge", 0, 0 },
    { 1, 0x11, 2, 0, S_VHW, 0, "vmovss store/merge", 0, 0 },
    { 1, 0x11, 3, 1, S_VHW, 0, "vmovsd store/merge", 0, 0 },
    { 1, 0x6e, 1, -1, S_VE, 0, "vmovd/q xmm, r/m", 0, F_L0 },
    { 1, 0x7e, 1, -1, S_EV, 0, "vmovd/q r/m, xmm", 0, F_L0 },
    { 1, 0x7e, 2, 1, S_VW, 0, "vmovq xmm, xmm/m64", 0, F_L0 },
    { 1, 0xd6, 1, 1, S_WV, 0, "vmovq xmm/m64, xmm", 0, F_L0 },
    { 1, 0xdb, 1, -1, S_VHW, 0, "vpandd/q", 0, 0 },
    { 1, 0xdf, 1, -1, S_VHW, 0, "vpandnd/q", 0, 0 },
    { 1, 0xeb, 1, -1, S_VHW, 0, "vpord/q", 0, 0 },
    { 1, 0xef, 1, -1, S_VHW, 0, "vpxord/q", 0, 0 },
    { 1, 0xfc, 1, -1, S_VHW, 0, "vpaddb", 0, 0 },
    { 1, 0xfd, 1, -1, S_VHW, 0, "vpaddw", 0, 0 },
    { 1, 0xfe, 1, 0, S_VHW, 0, "vpaddd", 0, 0 },
    { 1, 0xd4, 1, 1, S_VHW, 0, "vpaddq", 0, 0 },
    { 1, 0xf8, 1, -1, S_VHW, 0, "vpsubb", 0, 0 },
    { 1, 0xf9, 1, -1, S_VHW, 0, "vpsubw", 0, 0 },
    { 1, 0xfa, 1, 0, S_VHW, 0, "vpsubd", 0, 0 },
    { 1, 0xfb, 1, 1, S_VHW, 0, "vpsubq", 0, 0 },
    { 1, 0xda, 1, -1, S_VHW, 0, "vpminub", 0, 0 },
    { 1, 0xde, 1, -1, S_VHW, 0, "vpmaxub", 0, 0 },
    { 2, 0x3a, 1, -1, S_VHW, 0, "vpminuw", 0, 0 },
    { 2, 0x3e, 1, -1, S_VHW, 0, "vpmaxuw", 0, 0 },
    { 2, 0x3b, 1, -1, S_VHW, 0, "vpminud/q", 0, 0 },
    { 2, 0x3f, 1, -1, S_VHW, 0, "vpmaxud/q", 0, 0 },
    { 2, 0x39, 1, -1, S_VHW, 0, "vpminsd/q", 0, 0 },
    { 2, 0x3d, 1, -1, S_VHW, 0, "vpmaxsd/q", 0, 0 },
    { 1, 0x74, 1, -1, S_KHW, 0, "vpcmpeqb", 0, 0 },
    { 1, 0x75, 1, -1, S_KHW, 0, "vpcmpeqw", 0, 0 },
    { 1, 0x76, 1, 0, S_KHW, 0, "vpcmpeqd", 0, 0 },
    { 2, 0x29, 1, 1, S_KHW, 0, "vpcmpeqq", 0, 0 },
    { 1, 0x64, 1, -1, S_KHW, 0, "vpcmpgtb", 0, 0 },
    { 1, 0x65, 1, -1, S_KHW, 0, "vpcmpgtw", 0, 0 },
    { 1, 0x66, 1, 0, S_KHW, 0, "vpcmpgtd", 0, 0 },
    { 2, 0x37, 1, 1, S_KHW, 0, "vpcmpgtq", 0, 0 },
    { 3, 0x3f, 1, -1, S_KHW, 1, "vpcmpb/w", 0, 0 },
    { 3, 0x3e, 1, -1, S_KHW, 1, "vpcmpub/uw", 0, 0 },
    { 3, 0x1f, 1, -1, S_KHW, 1, "vpcmpd/q", 0, 0 },
    { 3, 0x1e, 1, -1, S_KHW, 1, "vpcmpud/uq", 0, 0 },
    { 2, 0x26, 1, -1, S_KHW, 0, "vptestmb/w", 0, 0 },
    { 2, 0x27, 1, -1, S_KHW, 0, "vptestmd/q", 0, 0 },
    { 2, 0x26, 2, -1, S_KHW, 0, "vptestnmb/w", 0, 0 },
    { 2, 0x27, 2, -1, S_KHW, 0, "vptestnmd/q", 0, 0 },
    { 2, 0x7a, 1, 0, S_VR, 0, "vpbroadcastb r", 0, 0 },
    { 2, 0x7b, 1, 0, S_VR, 0, "vpbroadcastw r", 0, 0 },
    { 2, 0x7c, 1, -1, S_VR, 0, "vpbroadcastd/q r", 0, 0 },
    { 2, 0x78, 1, 0, S_VW, 0, "vpbroadcastb", 0, 0 },
    { 2, 0x79, 1, 0, S_VW, 0, "vpbroadcastw", 0, 0 },
    { 2, 0x58, 1, 0, S_VW, 0, "vpbroadcastd", 0, 0 },
    { 2, 0x59, 1, -1, S_VW, 0, "vpbroadcastq, vbroadcasti32x2", 0, 0 },
    { 2, 0x18, 1, 0, S_VW, 0, "vbroadcastss", 0, 0 },
    { 2, 0x19, 1, -1, S_VW, 0, "vbroadcastsd/f32x2", 0, 0 },
    { 2, 0x5a, 1, -1, S_VW, 0, "vbroadcasti32x4/64x2", 0, 0 },
    { 2, 0x5b, 1, -1, S_VW, 0, "vbroadcasti32x8/64x4", 0, 0 },
    { 2, 0x1a, 1, -1, S_VW, 0, "vbroadcastf32x4/64x2", 0, 0 },
    { 2, 0x1b, 1, -1, S_VW, 0, "vbroadcastf32x8/64x4", 0, 0 },
    { 3, 0x25, 1, -1, S_VHW, 1, "vpternlogd/q", 0, 0 },
    { 1, 0xec, 1, -1, S_VHW, 0, "vpaddsb", 0, 0 },
    { 1, 0xed, 1, -1, S_VHW, 0, "vpaddsw", 0, 0 },
    { 1, 0xdc, 1, -1, S_VHW, 0, "vpaddusb", 0, 0 },
    { 1, 0xdd, 1, -1, S_VHW, 0, "vpaddusw", 0, 0 },
    { 1, 0xe8, 1, -1, S_VHW, 0, "vpsubsb", 0, 0 },
    { 1, 0xe9, 1, -1, S_VHW, 0, "vpsubsw", 0, 0 },
    { 1, 0xd8, 1, -1, S_VHW, 0, "vpsubusb", 0, 0 },
    { 1, 0xd9, 1, -1, S_VHW, 0, "vpsubusw", 0, 0 },
    { 2, 0x38, 1, -1, S_VHW, 0, "vpminsb", 0, 0 },
    { 1, 0xea, 1, -1, S_VHW, 0, "vpminsw", 0, 0 },
    { 2, 0x3c, 1, -1, S_VHW, 0, "vpmaxsb", 0, 0 },
    { 1, 0xee, 1, -1, S_VHW, 0, "vpmaxsw", 0, 0 },
    { 1, 0xd5, 1, -1, S_VHW, 0, "vpmullw", 0, 0 },
    { 2, 0x40, 1, -1, S_VHW, 0, "vpmulld/q", 0, 0 },
    { 1, 0xe0, 1, -1, S_VHW, 0, "vpavgb", 0, 0 },
    { 1, 0xe3, 1, -1, S_VHW, 0, "vpavgw", 0, 0 },
    { 1, 0xe5, 1, -1, S_VHW, 0, "vpmulhw", 0, 0 },
    { 1, 0xe4, 1, -1, S_VHW, 0, "vpmulhuw", 0, 0 },
    { 2, 0x0b, 1, -1, S_VHW, 0, "vpmulhrsw", 0, 0 },
    { 1, 0xf4, 1, -1, S_VHW, 0, "vpmuludq", 0, 0 },
    { 2, 0x28, 1, -1, S_VHW, 0, "vpmuldq", 0, 0 },
    { 1, 0xf5, 1, -1, S_VHW, 0, "vpmaddwd", 0, 0 },
    { 2, 0x04, 1, -1, S_VHW, 0, "vpmaddubsw", 0, 0 },
    { 2, 0x1c, 1, -1, S_VW, 0, "vpabsb", 0, 0 },
    { 2, 0x1d, 1, -1, S_VW, 0, "vpabsw", 0, 0 },
    { 2, 0x1e, 1, -1, S_VW, 0, "vpabsd", 0, 0 },
    { 2, 0x1f, 1, -1, S_VW, 0, "vpabsq", 0, 0 },
    { 1, 0x71, 1, -1, S_HWI, 1, "vpsrlw imm", 2, 0 },
    { 1, 0x71, 1, -1, S_HWI, 1, "vpsraw imm", 4, 0 },
    { 1, 0x71, 1, -1, S_HWI, 1, "vpsllw imm", 6, 0 },
    { 1, 0x72, 1, -1, S_HWI, 1, "vprord/q imm", 0, 0 },
    { 1, 0x72, 1, -1, S_HWI, 1, "vprold/q imm", 1, 0 },
    { 1, 0x72, 1, -1, S_HWI, 1, "vpsrld imm", 2, 0 },
    { 1, 0x72, 1, -1, S_HWI, 1, "vpsrad/q imm", 4, 0 },
    { 1, 0x72, 1, -1, S_HWI, 1, "vpslld imm", 6, 0 },
    { 1, 0x73, 1, -1, S_HWI, 1, "vpsrlq imm", 2, 0 },
    { 1, 0x73, 1, -1, S_HWI, 1, "vpsllq imm", 6, 0 },
    { 1, 0xd1, 1, -1, S_VHW, 0, "vpsrlw xmm", 0, 0 },
    { 1, 0xd2, 1, -1, S_VHW, 0, "vpsrld xmm", 0, 0 },
    { 1, 0xd3, 1, -1, S_VHW, 0, "vpsrlq xmm", 0, 0 },
    { 1, 0xe1, 1, -1, S_VHW, 0, "vpsraw xmm", 0, 0 },
    { 1, 0xe2, 1, -1, S_VHW, 0, "vpsrad/q xmm", 0, 0 },
    { 1, 0xf1, 1, -1, S_VHW, 0, "vpsllw xmm", 0, 0 },
    { 1, 0xf2, 1, -1, S_VHW, 0, "vpslld xmm", 0, 0 },
    { 1, 0xf3, 1, -1, S_VHW, 0, "vpsllq xmm", 0, 0 },
    { 2, 0x47, 1, -1, S_VHW, 0, "vpsllvd/q", 0, 0 },
    { 2, 0x45, 1, -1, S_VHW, 0, "vpsrlvd/q", 0, 0 },
    { 2, 0x46, 1, -1, S_VHW, 0, "vpsravd/q", 0, 0 },
    { 2, 0x15, 1, -1, S_VHW, 0, "vprolvd/q", 0, 0 },
    { 2, 0x14, 1, -1, S_VHW, 0, "vprorvd/q", 0, 0 },
    { 2, 0x12, 1, -1, S_VHW, 0, "vpsllvw", 0, 0 },
    { 2, 0x10, 1, -1, S_VHW, 0, "vpsrlvw", 0, 0 },
    { 2, 0x11, 1, -1, S_VHW, 0, "vpsravw", 0, 0 },
    { 2, 0x00, 1, -1, S_VHW, 0, "vpshufb", 0, 0 },
    { 1, 0x70, 1, -1, S_VW, 1, "vpshufd", 0, 0 },
    { 1, 0x70, 2, -1, S_VW, 1, "vpshufhw", 0, 0 },
    { 1, 0x70, 3, -1, S_VW, 1, "vpshuflw", 0, 0 },
    { 1, 0x60, 1, -1, S_VHW, 0, "vpunpcklbw", 0, 0 },
    { 1, 0x61, 1, -1, S_VHW, 0, "vpunpcklwd", 0, 0 },
    { 1, 0x62, 1, -1, S_VHW, 0, "vpunpckldq", 0, 0 },
    { 1, 0x6c, 1, -1, S_VHW, 0, "vpunpcklqdq", 0, 0 },
    { 1, 0x68, 1, -1, S_VHW, 0, "vpunpckhbw", 0, 0 },
    { 1, 0x69, 1, -1, S_VHW, 0, "vpunpckhwd", 0, 0 },
    { 1, 0x6a, 1, -1, S_VHW, 0, "vpunpckhdq", 0, 0 },
    { 1, 0x6d, 1, -1, S_VHW, 0, "vpunpckhqdq", 0, 0 },
    { 1, 0x63, 1, -1, S_VHW, 0, "vpacksswb", 0, 0 },
    { 1, 0x67, 1, -1, S_VHW, 0, "vpackuswb", 0, 0 },
    { 1, 0x6b, 1, -1, S_VHW, 0, "vpackssdw", 0, 0 },
    { 2, 0x2b, 1, -1, S_VHW, 0, "vpackusdw", 0, 0 },
    { 3, 0x0f, 1, -1, S_VHW, 1, "vpalignr", 0, 0 },
    { 3, 0x03, 1, -1, S_VHW, 1, "valignd/q", 0, 0 },
    { 2, 0x36, 1, -1, S_VHW, 0, "vpermd/q", 0, 0 },
    { 2, 0x16, 1, -1, S_VHW, 0, "vpermps/pd", 0, 0 },
    { 2, 0x8d, 1, 1, S_VHW, 0, "vpermw", 0, 0 },
    { 3, 0x00, 1, -1, S_VW, 1, "vpermq imm", 0, 0 },
    { 3, 0x01, 1, -1, S_VW, 1, "vpermpd imm", 0, 0 },
    { 2, 0x7e, 1, -1, S_VHW, 0, "vpermt2d/q", 0, 0 },
    { 2, 0x7f, 1, -1, S_VHW, 0, "vpermt2ps/pd", 0, 0 },
    { 2, 0x7d, 1, 1, S_VHW, 0, "vpermt2w", 0, 0 },
    { 2, 0x76, 1, -1, S_VHW, 0, "vpermi2d/q", 0, 0 },
    { 2, 0x77, 1, -1, S_VHW, 0, "vpermi2ps/pd", 0, 0 },
    { 2, 0x75, 1, 1, S_VHW, 0, "vpermi2w", 0, 0 },
    { 3, 0x43, 1, -1, S_VHW, 1, "vshufi32x4/64x2", 0, 0 },
    { 3, 0x23, 1, -1, S_VHW, 1, "vshuff32x4/64x2", 0, 0 },
    { 3, 0x38, 1, -1, S_VHW, 1, "vinserti32x4/64x2", 0, 0 },
    { 3, 0x18, 1, -1, S_VHW, 1, "vinsertf32x4/64x2", 0, 0 },
    { 3, 0x3a, 1, -1, S_VHW, 1, "vinserti32x8/64x4", 0, 0 },
    { 3, 0x1a, 1, -1, S_VHW, 1, "vinsertf32x8/64x4", 0, 0 },
    { 3, 0x39, 1, -1, S_WV, 1, "vextracti32x4/64x2", 0, 0 },
    { 3, 0x19, 1, -1, S_WV, 1, "vextractf32x4/64x2", 0, 0 },
    { 3, 0x3b, 1, -1, S_WV, 1, "vextracti32x8/64x4", 0, 0 },
    { 3, 0x1b, 1, -1, S_WV, 1, "vextractf32x8/64x4", 0, 0 },
    { 2, 0x30, 1, -1, S_VW, 0, "vpmovzxbw", 0, 0 },
    { 2, 0x31, 1, -1, S_VW, 0, "vpmovzxbd", 0, 0 },
    { 2, 0x32, 1, -1, S_VW, 0, "vpmovzxbq", 0, 0 },
    { 2, 0x33, 1, -1, S_VW, 0, "vpmovzxwd", 0, 0 },
    { 2, 0x34, 1, -1, S_VW, 0, "vpmovzxwq", 0, 0 },
    { 2, 0x35, 1, -1, S_VW, 0, "vpmovzxdq", 0, 0 },
    { 2, 0x20, 1, -1, S_VW, 0, "vpmovsxbw", 0, 0 },
    { 2, 0x21, 1, -1, S_VW, 0, "vpmovsxbd", 0, 0 },
    { 2, 0x22, 1, -1, S_VW, 0, "vpmovsxbq", 0, 0 },
    { 2, 0x23, 1, -1, S_VW, 0, "vpmovsxwd", 0, 0 },
    { 2, 0x24, 1, -1, S_VW, 0, "vpmovsxwq", 0, 0 },
    { 2, 0x25, 1, -1, S_VW, 0, "vpmovsxdq", 0, 0 },
    { 2, 0x64, 1, -1, S_VHW, 0, "vpblendmd/q", 0, 0 },
    { 2, 0x65, 1, -1, S_VHW, 0, "vblendmps/pd", 0, 0 },
    { 2, 0x66, 1, -1, S_VHW, 0, "vpblendmb/w", 0, 0 },
    { 2, 0x28, 2, -1, S_VK, 0, "vpmovm2b/w", 0, 0 },
    { 2, 0x38, 2, -1, S_VK, 0, "vpmovm2d/q", 0, 0 },
    { 2, 0x29, 2, -1, S_KW, 0, "vpmovb2m/w2m", 0, 0 },
    { 2, 0x39, 2, -1, S_KW, 0, "vpmovd2m/q2m", 0, 0 },
    { 1, 0x58, 0, 0, S_VHW, 0, "vaddps", 0, 0 },
    { 1, 0x58, 1, 1, S_VHW, 0, "vaddpd", 0, 0 },
    { 1, 0x58, 2, 0, S_VHW, 0, "vaddss", 0, 0 },
    { 1, 0x58, 3, 1, S_VHW, 0, "vaddsd", 0, 0 },
    { 1, 0x5c, 0, 0, S_VHW, 0, "vsubps", 0, 0 },
    { 1, 0x5c, 1, 1, S_VHW, 0, "vsubpd", 0, 0 },
    { 1, 0x5c, 2, 0, S_VHW, 0, "vsubss", 0, 0 },
    { 1, 0x5c, 3, 1, S_VHW, 0, "vsubsd", 0, 0 },
    { 1, 0x59, 0, 0, S_VHW, 0, "vmulps", 0, 0 },
    { 1, 0x59, 1, 1, S_VHW, 0, "vmulpd", 0, 0 },
    { 1, 0x59, 2, 0, S_VHW, 0, "vmulss", 0, 0 },
    { 1, 0x59, 3, 1, S_VHW, 0, "vmulsd", 0, 0 },
    { 1, 0x5e, 0, 0, S_VHW, 0, "vdivps", 0, 0 },
    { 1, 0x5e, 1, 1, S_VHW, 0, "vdivpd", 0, 0 },
    { 1, 0x5e, 2, 0, S_VHW, 0, "vdivss", 0, 0 },
    { 1, 0x5e, 3, 1, S_VHW, 0, "vdivsd", 0, 0 },
    { 1, 0x5d, 0, 0, S_VHW, 0, "vminps", 0, 0 },
    { 1, 0x5d, 1, 1, S_VHW, 0, "vminpd", 0, 0 },
    { 1, 0x5d, 2, 0, S_VHW, 0, "vminss", 0, 0 },
    { 1, 0x5d, 3, 1, S_VHW, 0, "vminsd", 0, 0 },
    { 1, 0x5f, 0, 0, S_VHW, 0, "vmaxps", 0, 0 },
    { 1, 0x5f, 1, 1, S_VHW, 0, "vmaxpd", 0, 0 },
    { 1, 0x5f, 2, 0, S_VHW, 0, "vmaxss", 0, 0 },
    { 1, 0x5f, 3, 1, S_VHW, 0, "vmaxsd", 0, 0 },
    { 1, 0x51, 0, 0, S_VW, 0, "vsqrtps", 0, 0 },
    { 1, 0x51, 1, 1, S_VW, 0, "vsqrtpd", 0, 0 },
    { 1, 0x51, 2, 0, S_VHW, 0, "vsqrtss", 0, 0 },
    { 1, 0x51, 3, 1, S_VHW, 0, "vsqrtsd", 0, 0 },
    { 2, 0x96, 1, -1, S_VHW, 0, "vfmaddsub132", 0, 0 },
    { 2, 0x97, 1, -1, S_VHW, 0, "vfmsubadd132", 0, 0 },
    { 2, 0x98, 1, -1, S_VHW, 0, "vfmaddp132", 0, 0 },
    { 2, 0x99, 1, -1, S_VHW, 0, "vfmadds132", 0, 0 },
    { 2, 0x9a, 1, -1, S_VHW, 0, "vfmsubp132", 0, 0 },
    { 2, 0x9b, 1, -1, S_VHW, 0, "vfmsubs132", 0, 0 },
    { 2, 0x9c, 1, -1, S_VHW, 0, "vfnmaddp132", 0, 0 },
    { 2, 0x9d, 1, -1, S_VHW, 0, "vfnmadds132", 0, 0 },
    { 2, 0x9e, 1, -1, S_VHW, 0, "vfnmsubp132", 0, 0 },
    { 2, 0x9f, 1, -1, S_VHW, 0, "vfnmsubs132", 0, 0 },
    { 2, 0xa6, 1, -1, S_VHW, 0, "vfmaddsub213", 0, 0 },
    { 2, 0xa7, 1, -1, S_VHW, 0, "vfmsubadd213", 0, 0 },
    { 2, 0xa8, 1, -1, S_VHW, 0, "vfmaddp213", 0, 0 },
    { 2, 0xa9, 1, -1, S_VHW, 0, "vfmadds213", 0, 0 },
    { 2, 0xaa, 1, -1, S_VHW, 0, "vfmsubp213", 0, 0 },
    { 2, 0xab, 1, -1, S_VHW, 0, "vfmsubs213", 0, 0 },
    { 2, 0xac, 1, -1, S_VHW, 0, "vfnmaddp213", 0, 0 },
    { 2, 0xad, 1, -1, S_VHW, 0, "vfnmadds213", 0, 0 },
    { 2, 0xae, 1, -1, S_VHW, 0, "vfnmsubp213", 0, 0 },
    { 2, 0xaf, 1, -1, S_VHW, 0, "vfnmsubs213", 0, 0 },
    { 2, 0xb6, 1, -1, S_VHW, 0, "vfmaddsub231", 0, 0 },
    { 2, 0xb7, 1, -1, S_VHW, 0, "vfmsubadd231", 0, 0 },
    { 2, 0xb8, 1, -1, S_VHW, 0, "vfmaddp231", 0, 0 },
    { 2, 0xb9, 1, -1, S_VHW, 0, "vfmadds231", 0, 0 },
    { 2, 0xba, 1, -1, S_VHW, 0, "vfmsubp231", 0, 0 },
    { 2, 0xbb, 1, -1, S_VHW, 0, "vfmsubs231", 0, 0 },
    { 2, 0xbc, 1, -1, S_VHW, 0, "vfnmaddp231", 0, 0 },
    { 2, 0xbd, 1, -1, S_VHW, 0, "vfnmadds231", 0, 0 },
    { 2, 0xbe, 1, -1, S_VHW, 0, "vfnmsubp231", 0, 0 },
    { 2, 0xbf, 1, -1, S_VHW, 0, "vfnmsubs231", 0, 0 },
    { 1, 0xc2, 0, 0, S_KHW, 1, "vcmpps", 0, 0 },
    { 1, 0xc2, 1, 1, S_KHW, 1, "vcmppd", 0, 0 },
    { 1, 0xc2, 2, 0, S_KHW, 1, "vcmpss", 0, 0 },
    { 1, 0xc2, 3, 1, S_KHW, 1, "vcmpsd", 0, 0 },
    { 1, 0x54, 0, 0, S_VHW, 0, "vandps", 0, 0 },
    { 1, 0x54, 1, 1, S_VHW, 0, "vandpd", 0, 0 },
    { 1, 0x55, 0, 0, S_VHW, 0, "vandnps", 0, 0 },
    { 1, 0x55, 1, 1, S_VHW, 0, "vandnpd", 0, 0 },
    { 1, 0x56, 0, 0, S_VHW, 0, "vorps", 0, 0 },
    { 1, 0x56, 1, 1, S_VHW, 0, "vorpd", 0, 0 },
    { 1, 0x57, 0, 0, S_VHW, 0, "vxorps", 0, 0 },
    { 1, 0x57, 1, 1, S_VHW, 0, "vxorpd", 0, 0 },
    { 1, 0x14, 0, 0, S_VHW, 0, "vunpcklps", 0, 0 },
    { 1, 0x14, 1, 1, S_VHW, 0, "vunpcklpd", 0, 0 },
    { 1, 0x15, 0, 0, S_VHW, 0, "vunpckhps", 0, 0 },
    { 1, 0x15, 1, 1, S_VHW, 0, "vunpckhpd", 0, 0 },
    { 1, 0xc6, 0, 0, S_VHW, 1, "vshufps", 0, 0 },
    { 1, 0xc6, 1, 1, S_VHW, 1, "vshufpd", 0, 0 },
    { 1, 0x5b, 0, -1, S_VW, 0, "vcvtdq2ps/qq2ps", 0, 0 },
    { 1, 0x5b, 1, 0, S_VW, 0, "vcvtps2dq", 0, 0 },
    { 1, 0x5b, 2, 0, S_VW, 0, "vcvttps2dq", 0, 0 },
    { 1, 0x7a, 3, -1, S_VW, 0, "vcvtudq2ps/uqq2ps", 0, 0 },
    { 1, 0x79, 0, -1, S_VW, 0, "vcvtps2udq/pd2udq", 0, 0 },
    { 1, 0x78, 0, -1, S_VW, 0, "vcvttps2udq/pd2udq", 0, 0 },
    { 1, 0xe6, 2, -1, S_VW, 0, "vcvtdq2pd/qq2pd", 0, 0 },
    { 1, 0xe6, 3, 1, S_VW, 0, "vcvtpd2dq", 0, 0 },
    { 1, 0xe6, 1, 1, S_VW, 0, "vcvttpd2dq", 0, 0 },
    { 1, 0x7a, 2, -1, S_VW, 0, "vcvtudq2pd/uqq2pd", 0, 0 },
    { 1, 0x5a, 0, 0, S_VW, 0, "vcvtps2pd", 0, 0 },
    { 1, 0x5a, 1, 1, S_VW, 0, "vcvtpd2ps", 0, 0 },
    { 1, 0x7b, 1, -1, S_VW, 0, "vcvtpd2qq/ps2qq", 0, 0 },
    { 1, 0x7a, 1, -1, S_VW, 0, "vcvttpd2qq/ps2qq", 0, 0 },
    { 1, 0x79, 1, -1, S_VW, 0, "vcvtpd2uqq/ps2uqq", 0, 0 },
    { 1, 0x78, 1, -1, S_VW, 0, "vcvttpd2uqq/ps2uqq", 0, 0 },
    { 1, 0x73, 1, -1, S_HWI, 1, "vpslldq", 7, 0 },
    { 1, 0x73, 1, -1, S_HWI, 1, "vpsrldq", 3, 0 },
    { 1, 0xf6, 1, -1, S_VHW, 0, "vpsadbw", 0, 0 },
    { 1, 0x12, 3, 1, S_VW, 0, "vmovddup", 0, 0 },
    { 1, 0x12, 2, 0, S_VW, 0, "vmovsldup", 0, 0 },
    { 1, 0x16, 2, 0, S_VW, 0, "vmovshdup", 0, 0 },
    { 3, 0x04, 1, 0, S_VW, 1, "vpermilps imm", 0, 0 },
    { 3, 0x05, 1, 1, S_VW, 1, "vpermilpd imm", 0, 0 },
    { 2, 0x0c, 1, 0, S_VHW, 0, "vpermilps", 0, 0 },
    { 2, 0x0d, 1, 1, S_VHW, 0, "vpermilpd", 0, 0 },
    { 2, 0x30, 2, 0, S_WV, 0, "vpmovwb", 0, 0 },
    { 2, 0x31, 2, 0, S_WV, 0, "vpmovdb", 0, 0 },
    { 2, 0x32, 2, 0, S_WV, 0, "vpmovqb", 0, 0 },
    { 2, 0x33, 2, 0, S_WV, 0, "vpmovdw", 0, 0 },
    { 2, 0x34, 2, 0, S_WV, 0, "vpmovqw", 0, 0 },
    { 2, 0x35, 2, 0, S_WV, 0, "vpmovqd", 0, 0 },
    { 2, 0x20, 2, 0, S_WV, 0, "vpmovswb", 0, 0 },
    { 2, 0x21, 2, 0, S_WV, 0, "vpmovsdb", 0, 0 },
    { 2, 0x22, 2, 0, S_WV, 0, "vpmovsqb", 0, 0 },
    { 2, 0x23, 2, 0, S_WV, 0, "vpmovsdw", 0, 0 },
    { 2, 0x24, 2, 0, S_WV, 0, "vpmovsqw", 0, 0 },
    { 2, 0x25, 2, 0, S_WV, 0, "vpmovsqd", 0, 0 },
    { 2, 0x10, 2, 0, S_WV, 0, "vpmovuswb", 0, 0 },
    { 2, 0x11, 2, 0, S_WV, 0, "vpmovusdb", 0, 0 },
    { 2, 0x12, 2, 0, S_WV, 0, "vpmovusqb", 0, 0 },
    { 2, 0x13, 2, 0, S_WV, 0, "vpmovusdw", 0, 0 },
    { 2, 0x14, 2, 0, S_WV, 0, "vpmovusqw", 0, 0 },
    { 2, 0x15, 2, 0, S_WV, 0, "vpmovusqd", 0, 0 },
    { 2, 0x8b, 1, -1, S_WV, 0, "vpcompressd/q", 0, 0 },
    { 2, 0x8a, 1, -1, S_WV, 0, "vcompressps/pd", 0, 0 },
    { 2, 0x89, 1, -1, S_VW, 0, "vpexpandd/q", 0, 0 },
    { 2, 0x88, 1, -1, S_VW, 0, "vexpandps/pd", 0, 0 },
    { 2, 0x44, 1, -1, S_VW, 0, "vplzcntd/q", 0, 0 },
    { 2, 0xc4, 1, -1, S_VW, 0, "vpconflictd/q", 0, 0 },
    { 2, 0x90, 1, -1, S_VSIB, 0, "vpgatherdd/dq", 0, 0 },
    { 2, 0x91, 1, -1, S_VSIB, 0, "vpgatherqd/qq", 0, 0 },
    { 2, 0x92, 1, -1, S_VSIB, 0, "vgatherdps/dpd", 0, 0 },
    { 2, 0x93, 1, -1, S_VSIB, 0, "vgatherqps/qpd", 0, 0 },
    { 2, 0xa0, 1, -1, S_VSIB, 0, "vpscatterdd/dq", 0, 0 },
    { 2, 0xa1, 1, -1, S_VSIB, 0, "vpscatterqd/qq", 0, 0 },
    { 2, 0xa2, 1, -1, S_VSIB, 0, "vscatterdps/dpd", 0, 0 },
    { 2, 0xa3, 1, -1, S_VSIB, 0, "vscatterqps/qpd", 0, 0 },
    { 1, 0x2a, 2, -1, S_VHE, 0, "vcvtsi2ss", 0, F_NOMASK },
    { 1, 0x2a, 3, -1, S_VHE, 0, "vcvtsi2sd", 0, F_NOMASK },
    { 1, 0x7b, 2, -1, S_VHE, 0, "vcvtusi2ss", 0, F_NOMASK },
    { 1, 0x7b, 3, -1, S_VHE, 0, "vcvtusi2sd", 0, F_NOMASK },
    { 1, 0x2d, 2, -1, S_GW, 0, "vcvtss2si", 0, F_NOMASK },
    { 1, 0x2d, 3, -1, S_GW, 0, "vcvtsd2si", 0, F_NOMASK },
    { 1, 0x2c, 2, -1, S_GW, 0, "vcvttss2si", 0, F_NOMASK },
    { 1, 0x2c, 3, -1, S_GW, 0, "vcvttsd2si", 0, F_NOMASK },
    { 1, 0x79, 2, -1, S_GW, 0, "vcvtss2usi", 0, F_NOMASK },
    { 1, 0x79, 3, -1, S_GW, 0, "vcvtsd2usi", 0, F_NOMASK },
    { 1, 0x78, 2, -1, S_GW, 0, "vcvttss2usi", 0, F_NOMASK },
    { 1, 0x78, 3, -1, S_GW, 0, "vcvttsd2usi", 0, F_NOMASK },
    { 1, 0x5a, 2, 0, S_VHW, 0, "vcvtss2sd", 0, 0 },
    { 1, 0x5a, 3, 1, S_VHW, 0, "vcvtsd2ss", 0, 0 },
    { 1, 0x2e, 0, 0, S_VW, 0, "vucomiss", 0, F_NOMASK },
    { 1, 0x2e, 1, 1, S_VW, 0, "vucomisd", 0, F_NOMASK },
    { 1, 0x2f, 0, 0, S_VW, 0, "vcomiss", 0, F_NOMASK },
    { 1, 0x2f, 1, 1, S_VW, 0, "vcomisd", 0, F_NOMASK },
    { 1, 0x16, 0, 0, S_VHW, 0, "vmovhps/lhps", 0, F_L0 },
    { 1, 0x16, 1, 1, S_VHW, 0, "vmovhpd", 0, F_L0 },
    { 1, 0x12, 0, 0, S_VHW, 0, "vmovlps/hlps", 0, F_L0 },
    { 1, 0x12, 1, 1, S_VHW, 0, "vmovlpd", 0, F_L0 },
    { 1, 0x17, 0, 0, S_WV, 0, "vmovhps store", 0, F_L0 },
    { 1, 0x17, 1, 1, S_WV, 0, "vmovhpd store", 0, F_L0 },
    { 1, 0x13, 0, 0, S_WV, 0, "vmovlps store", 0, F_L0 },
    { 1, 0x13, 1, 1, S_WV, 0, "vmovlpd store", 0, F_L0 },
    { 3, 0x21, 1, 0, S_VHW, 1, "vinsertps", 0, F_L0 },
    { 3, 0x17, 1, -1, S_EV, 1, "vextractps", 0, F_L0 },
    { 3, 0x20, 1, -1, S_VHE, 1, "vpinsrb", 0, F_L0 },
    { 1, 0xc4, 1, -1, S_VHE, 1, "vpinsrw", 0, F_L0 },
    { 3, 0x22, 1, -1, S_VHE, 1, "vpinsrd/q", 0, F_L0 },
    { 3, 0x14, 1, -1, S_EV, 1, "vpextrb", 0, F_L0 },
    { 3, 0x15, 1, -1, S_EV, 1, "vpextrw", 0, F_L0 },
    { 3, 0x16, 1, -1, S_EV, 1, "vpextrd/q", 0, F_L0 },
    { 1, 0xc5, 1, -1, S_GW, 1, "vpextrw r, xmm", 0, F_L0 },
    { 2, 0x2a, 1, 0, S_VW, 0, "vmovntdqa", 0, F_NOMASK | F_ALIGN },
    { 1, 0x2b, 0, 0, S_WV, 0, "vmovntps", 0, F_NOMASK | F_ALIGN },
    { 1, 0x2b, 1, 1, S_WV, 0, "vmovntpd", 0, F_NOMASK | F_ALIGN },
    { 2, 0x4c, 1, -1, S_VW, 0, "vrcp14ps/pd", 0, 0 },
    { 2, 0x4d, 1, -1, S_VHW, 0, "vrcp14ss/sd", 0, 0 },
    { 2, 0x4e, 1, -1, S_VW, 0, "vrsqrt14ps/pd", 0, 0 },
    { 2, 0x4f, 1, -1, S_VHW, 0, "vrsqrt14ss/sd", 0, 0 },
    { 2, 0x42, 1, -1, S_VW, 0, "vgetexpps/pd", 0, 0 },
    { 2, 0x43, 1, -1, S_VHW, 0, "vgetexpss/sd", 0, 0 },
    { 3, 0x26, 1, -1, S_VW, 1, "vgetmantps/pd", 0, 0 },
    { 3, 0x27, 1, -1, S_VHW, 1, "vgetmantss/sd", 0, 0 },
    { 3, 0x08, 1, 0, S_VW, 1, "vrndscaleps", 0, 0 },
    { 3, 0x09, 1, 1, S_VW, 1, "vrndscalepd", 0, 0 },
    { 3, 0x0a, 1, 0, S_VHW, 1, "vrndscaless", 0, 0 },
    { 3, 0x0b, 1, 1, S_VHW, 1, "vrndscalesd", 0, 0 },
    { 3, 0x56, 1, -1, S_VW, 1, "vreduceps/pd", 0, 0 },
    { 3, 0x57, 1, -1, S_VHW, 1, "vreducess/sd", 0, 0 },
    { 3, 0x50, 1, -1, S_VHW, 1, "vrangeps/pd", 0, 0 },
    { 3, 0x51, 1, -1, S_VHW, 1, "vrangess/sd", 0, 0 },
    { 2, 0x2c, 1, -1, S_VHW, 0, "vscalefps/pd", 0, 0 },
    { 2, 0x2d, 1, -1, S_VHW, 0, "vscalefss/sd", 0, 0 },
    { 3, 0x54, 1, -1, S_VHW, 1, "vfixupimmps/pd", 0, 0 },
    { 3, 0x55, 1, -1, S_VHW, 1, "vfixupimmss/sd", 0, 0 },
    { 3, 0x66, 1, -1, S_KW, 1, "vfpclassps/pd", 0, 0 },
    { 3, 0x67, 1, -1, S_KW, 1, "vfpclassss/sd", 0, 0 },
    { 3, 0x42, 1, 0, S_VHW, 1, "vdbpsadbw", 0, 0 },
    { 2, 0x13, 1, 0, S_VW, 0, "vcvtph2ps", 0, 0 },
    { 3, 0x1d, 1, 0, S_WV, 1, "vcvtps2ph", 0, 0 },
    { 2, 0x2a, 2, 1, S_VK, 0, "vpbroadcastmb2q", 0, 0 },
    { 2, 0x3a, 2, 0, S_VK, 0, "vpbroadcastmw2d", 0, 0 },
    /* VEX-encoded opmask instructions. */
    { 1, 0x41, 0, -1, S_VEX_K3, 0, "kand w/q", 0, 0 },
    { 1, 0x41, 1, -1, S_VEX_K3, 0, "kand b/d", 0, 0 },
    { 1, 0x42, 0, -1, S_VEX_K3, 0, "kandn w/q", 0, 0 },
    { 1, 0x42, 1, -1, S_VEX_K3, 0, "kandn b/d", 0, 0 },
    { 1, 0x45, 0, -1, S_VEX_K3, 0, "kor w/q", 0, 0 },
    { 1, 0x45, 1, -1, S_VEX_K3, 0, "kor b/d", 0, 0 },
    { 1, 0x46, 0, -1, S_VEX_K3, 0, "kxnor w/q", 0, 0 },
    { 1, 0x46, 1, -1, S_VEX_K3, 0, "kxnor b/d", 0, 0 },
    { 1, 0x47, 0, -1, S_VEX_K3, 0, "kxor w/q", 0, 0 },
    { 1, 0x47, 1, -1, S_VEX_K3, 0, "kxor b/d", 0, 0 },
    { 1, 0x4a, 0, -1, S_VEX_K3, 0, "kadd w/q", 0, 0 },
    { 1, 0x4a, 1, -1, S_VEX_K3, 0, "kadd b/d", 0, 0 },
    { 1, 0x4b, 0, -1, S_VEX_K3, 0, "kunpckwd/dq", 0, 0 },
    { 1, 0x4b, 1, -1, S_VEX_K3, 0, "kunpckbw", 0, 0 },
    { 1, 0x44, 0, -1, S_VEX_K2, 0, "knot w/q", 0, 0 },
    { 1, 0x44, 1, -1, S_VEX_K2, 0, "knot b/d", 0, 0 },
    { 1, 0x90, 0, -1, S_VEX_K2, 0, "kmov w/q k, k/m", 0, 0 },
    { 1, 0x90, 1, -1, S_VEX_K2, 0, "kmov b/d k, k/m", 0, 0 },
    { 1, 0x91, 0, -1, S_VEX_K2, 0, "kmov w/q m, k", 0, 0 },
    { 1, 0x91, 1, -1, S_VEX_K2, 0, "kmov b/d m, k", 0, 0 },
    { 1, 0x92, 0, -1, S_VEX_K2, 0, "kmovw k, r", 0, 0 },
    { 1, 0x92, 1, -1, S_VEX_K2, 0, "kmovb k, r", 0, 0 },
    { 1, 0x92, 3, -1, S_VEX_K2, 0, "kmovd/q k, r", 0, 0 },
    { 1, 0x93, 0, -1, S_VEX_K2, 0, "kmovw r, k", 0, 0 },
    { 1, 0x93, 1, -1, S_VEX_K2, 0, "kmovb r, k", 0, 0 },
    { 1, 0x93, 3, -1, S_VEX_K2, 0, "kmovd/q r, k", 0, 0 },
    { 1, 0x98, 0, -1, S_VEX_K2, 0, "kortest w/q", 0, 0 },
    { 1, 0x98, 1, -1, S_VEX_K2, 0, "kortest b/d", 0, 0 },
    { 1, 0x99, 0, -1, S_VEX_K2, 0, "ktest w/q", 0, 0 },
    { 1, 0x99, 1, -1, S_VEX_K2, 0, "ktest b/d", 0, 0 },
    { 3, 0x30, 1, -1, S_VEX_KSH, 1, "kshiftr b/w", 0, 0 },
    { 3, 0x31, 1, -1, S_VEX_KSH, 1, "kshiftr d/q", 0, 0 },
    { 3, 0x32, 1, -1, S_VEX_KSH, 1, "kshiftl b/w", 0, 0 },
    { 3, 0x33, 1, -1, S_VEX_KSH, 1, "kshiftl d/q", 0, 0 },
};

#define NFORMS (sizeof(forms) / sizeof(forms[0]))

/* ---- state ---- */

static uint64_t rng;

static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

static unsigned rndn(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* The GPRs the harness loads and stores, in this order (r15 holds the context, rsp the stack). */
enum { G_RAX, G_RCX, G_RDX, G_RBX, G_RBP, G_RSI, G_RDI, G_R8, G_R9, G_R10, G_R11, G_R12, G_R13,
       G_R14, G_FLAGS, NGPR };

struct ctx {
    uint64_t gpr_in[NGPR];     /* 0 */
    uint64_t gpr_out[NGPR];    /* 120 */
    void *code;                /* 240 */
    uint8_t *xin;              /* 248 */
    uint8_t *xout;             /* 256 */
    uint64_t rfbm;             /* 264 */
};

void run_insn(struct ctx *c);
__asm__(
    ".text\n"
    ".globl run_insn\n"
    "run_insn:\n"
    "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
    "  mov %rdi, %r15\n"
    "  mov 264(%r15), %rax\n  mov %rax, %rdx\n  shr $32, %rdx\n"
    "  mov 248(%r15), %rcx\n  xrstor64 (%rcx)\n"
    "  pushq 112(%r15)\n  popfq\n"
    "  mov 0(%r15), %rax\n  mov 8(%r15), %rcx\n  mov 16(%r15), %rdx\n  mov 24(%r15), %rbx\n"
    "  mov 32(%r15), %rbp\n  mov 40(%r15), %rsi\n  mov 48(%r15), %rdi\n  mov 56(%r15), %r8\n"
    "  mov 64(%r15), %r9\n  mov 72(%r15), %r10\n  mov 80(%r15), %r11\n  mov 88(%r15), %r12\n"
    "  mov 96(%r15), %r13\n  mov 104(%r15), %r14\n"
    "  call *240(%r15)\n"
    "  pushfq\n  popq 232(%r15)\n"
    "  mov %rax, 120(%r15)\n  mov %rcx, 128(%r15)\n  mov %rdx, 136(%r15)\n  mov %rbx, 144(%r15)\n"
    "  mov %rbp, 152(%r15)\n  mov %rsi, 160(%r15)\n  mov %rdi, 168(%r15)\n  mov %r8, 176(%r15)\n"
    "  mov %r9, 184(%r15)\n  mov %r10, 192(%r15)\n  mov %r11, 200(%r15)\n  mov %r12, 208(%r15)\n"
    "  mov %r13, 216(%r15)\n  mov %r14, 224(%r15)\n"
    "  mov 264(%r15), %rax\n  mov %rax, %rdx\n  shr $32, %rdx\n"
    "  mov 256(%r15), %rcx\n  xsave64 (%rcx)\n"
    "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
    "  ret\n");

static sigjmp_buf jump;
static volatile int fault_sig, fault_code;
static volatile uintptr_t fault_addr;

static uint8_t *fault_xstate;   /* where the handler copies the signal frame's XSAVE image */
static uint32_t fault_xstate_size;

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    const uint8_t *fp = (const uint8_t *)uc->uc_mcontext.fpregs;
    uint32_t magic1, size;

    /*
     * The state at the fault, as the kernel's frame holds it (struct _fpx_sw_bytes at 464: an
     * XSAVE image of xstate_size bytes follows when magic1 is FP_XSTATE_MAGIC1). A gather or
     * scatter that faults has done the lower elements and cleared their mask bits.
     */
    fault_xstate_size = 0;
    if (fp) {
        memcpy(&magic1, fp + 464, 4);
        memcpy(&size, fp + 480, 4);
        if (magic1 == 0x46505853u) {
            fault_xstate_size = size;
            memcpy(fault_xstate, fp, size);
        }
    }
    fault_sig = sig;
    fault_code = si->si_code;
    fault_addr = (uintptr_t)si->si_addr;
    siglongjmp(jump, 1);
}

/* Run the case; fault_sig says whether (and how) it faulted. Apart, for sigsetjmp's sake. */
static __attribute__((noinline)) void run_case(struct ctx *c)
{
    fault_sig = 0;
    if (!sigsetjmp(jump, 1)) {
        run_insn(c);
    }
}

/* ---- encoding ---- */

struct insn {
    uint8_t bytes[24];
    int len;
};

static void put(struct insn *in, uint8_t b)
{
    in->bytes[in->len++] = b;
}

/*
 * A memory operand: [rbx + disp8], [rdi + disp8], [rbx + index*scale + disp8] with index rsi
 * (or r14 with X set), or [rbx + disp32]. rbx/rdi point near the end of data page 1, so a
 * vector may reach the PROT_NONE page.
 */
static void put_modrm_mem(struct insn *in, int reg, bool *x_out)
{
    unsigned kind = rndn(4);

    switch (kind) {
    case 0:
    case 1:
        put(in, 0x40 | (reg & 7) << 3 | (kind ? 7 : 3));
        put(in, (uint8_t)(int8_t)(rndn(7) - 3));
        break;
    case 2:
        *x_out = rndn(2);
        put(in, 0x44 | (reg & 7) << 3);
        put(in, rndn(4) << 6 | 6 << 3 | 3);     /* SIB: scale, index rsi (r14 with X), rbx */
        put(in, (uint8_t)(int8_t)(rndn(7) - 3));
        break;
    default:
        put(in, 0x80 | (reg & 7) << 3 | 3);
        {
            int32_t d = (int32_t)rndn(512) - 256;
            put(in, d); put(in, d >> 8); put(in, d >> 16); put(in, d >> 24);
        }
        break;
    }
}

/* GPR numbers an instruction may name (not rsp, not r15, which holds the context). */
static int rnd_gpr(void)
{
    /* Not rbx and rdi either: they hold pointers, which differ from run to run. */
    static const int ok[] = { 0, 1, 2, 5, 6, 8, 9, 10, 11, 12, 13, 14 };
    return ok[rndn(sizeof(ok) / sizeof(ok[0]))];
}

/* A VSIB instruction's index register, whose elements main() makes small offsets; or -1. */
static int vsib_reg;

/*
 * A VSIB operand: [rbx or rdi + index*scale + disp8/disp32], the index a vector register
 * 0-31 (SIB.index, EVEX.X, EVEX.V'); now and then no SIB (#UD).
 */
static void put_vsib(struct insn *in, int reg, bool *x_out, int *index_out)
{
    int index = rndn(32);
    bool disp32 = rndn(4) == 0;

    *x_out = index & 8;
    *index_out = index;
    put(in, (disp32 ? 0x80 : 0x40) | (reg & 7) << 3 | (rndn(25) ? 4 : 3));
    if ((in->bytes[in->len - 1] & 7) == 4) {
        put(in, rndn(4) << 6 | (index & 7) << 3 | (rndn(2) ? 3 : 7));
    }
    if (disp32) {
        int32_t d = (int32_t)rndn(512) - 256;
        put(in, d); put(in, d >> 8); put(in, d >> 16); put(in, d >> 24);
    } else {
        put(in, (uint8_t)(int8_t)(rndn(7) - 3));
    }
}

static void gen_evex(struct insn *in, const struct form *f)
{
    int reg = rndn(32), rm = rndn(32), vvvv = rndn(32), ll, aaa, w;
    bool z, b, mem, x = false;
    uint8_t p0, p1, p2;
    unsigned bad = rndn(60);
    struct insn tail = { .len = 0 };

    /* Not the other W of a fixed-W form: that is often another subset's instruction. */
    w = f->w < 0 ? (int)rndn(2) : f->w;
    ll = rndn(16) ? (int)rndn(3) : 3;
    aaa = rndn(3) ? (int)rndn(8) : 0;
    z = aaa ? rndn(3) == 0 : rndn(30) == 0;     /* zeroing without a mask is #UD */
    b = rndn(6) == 0;
    mem = rndn(2);
    if (f->shape == S_VR || f->shape == S_VE || f->shape == S_EV || f->shape == S_VHE) {
        rm = rnd_gpr() | (rndn(8) ? 0 : 16);
    }
    if (f->shape == S_GW) {
        reg = rnd_gpr() | (rndn(8) ? 0 : 16);
    }
    if (f->shape == S_EV) {
        reg = rndn(32);
    }
    /* Operands that name no vvvv mostly encode it as unused (1111b, V' 1). */
    if (f->shape != S_VHW && f->shape != S_KHW && f->shape != S_VHE && rndn(10)) {
        vvvv = 0;
    }
    if ((f->shape == S_KHW || f->shape == S_KW) && rndn(10)) {
        reg &= 7;
    }
    if (f->shape == S_HWI) {
        reg = f->ext | (rndn(10) ? 0 : rndn(4) << 3);
    }
    if ((f->fl & F_L0) && rndn(4)) {
        ll = 0;
    }
    if ((f->fl & (F_L0 | F_NOMASK)) && rndn(4)) {
        aaa = 0;
        z = rndn(30) == 0;
    }
    vsib_reg = -1;
    if (f->shape == S_VSIB) {
        mem = rndn(20);
        aaa = rndn(15) ? 1 + (int)rndn(7) : 0;
        z = rndn(20) == 0;
        b = rndn(20) == 0;
    }
    if (mem && f->shape == S_VSIB) {
        put_vsib(&tail, reg, &x, &vsib_reg);
        /* V' is the index's bit 4; vvvv must be 1111b */
        vvvv = (rndn(15) ? 0 : (int)rndn(16)) | (vsib_reg & 16);
        if (rndn(25) == 0) {
            reg = vsib_reg;     /* a gather into its own index is #UD */
            tail.bytes[0] = (tail.bytes[0] & ~0x38) | (reg & 7) << 3;
        }
    } else if (mem) {
        put_modrm_mem(&tail, reg, &x);
    } else {
        put(&tail, 0xc0 | (reg & 7) << 3 | (rm & 7));
        x = rm & 16;
    }
    if (f->imm8) {
        put(&tail, rnd());
    }

    p0 = (!(reg & 8)) << 7 | (!x) << 6 | (!(mem ? 0 : rm & 8)) << 5 | (!(reg & 16)) << 4 |
         f->map;
    p1 = w << 7 | ((~vvvv & 15) << 3) | 4 | f->pp;
    p2 = z << 7 | ll << 5 | b << 4 | (!(vvvv & 16)) << 3 | aaa;
    switch (bad) {
    case 0:
        p0 |= 8;               /* reserved bit */
        break;
    case 1:
        p1 &= ~4;              /* must be one */
        break;
    case 2:
        p0 = (p0 & ~7) | (rndn(2) ? 0 : 4 + rndn(4));  /* maps 0, 4-7 */
        break;
    case 3:
        put(in, rndn(2) ? 0x66 : 0xf3);   /* no legacy prefix before 62 */
        break;
    case 4:
        put(in, 0x40 | rndn(16));         /* nor REX */
        break;
    }
    put(in, 0x62);
    put(in, p0);
    put(in, p1);
    put(in, p2);
    put(in, f->opcode);
    memcpy(in->bytes + in->len, tail.bytes, tail.len);
    in->len += tail.len;
}

static void gen_vex_k(struct insn *in, const struct form *f)
{
    int reg = rndn(8), rm = rndn(8), vvvv = rndn(8), w = rndn(2);
    bool r = rndn(10) == 0, bx = rndn(10) == 0, mem = false;
    int l = f->shape == S_VEX_K3 ? 1 : 0;
    struct insn tail = { .len = 0 };
    bool x = false;

    if (rndn(15) == 0) {
        l ^= 1;
    }
    if (f->shape != S_VEX_K3 && rndn(10)) {
        vvvv = 0;
    }
    if (rndn(12) == 0) {
        vvvv |= 8;
    }
    if (f->opcode == 0x92 || f->opcode == 0x93) {
        /* A GPR in rm (92) or reg (93). */
        int g = rnd_gpr();
        if (f->opcode == 0x92) {
            rm = g & 7;
            bx = g & 8;
        } else {
            reg = g & 7;
            r = g & 8;
        }
    }
    if (f->opcode == 0x90 || f->opcode == 0x91) {
        mem = f->opcode == 0x91 ? rndn(8) != 0 : rndn(2);
    }
    if (mem) {
        bx = false;
        put_modrm_mem(&tail, reg, &x);
    } else {
        put(&tail, 0xc0 | reg << 3 | rm);
    }
    if (f->imm8) {
        put(&tail, rndn(4) ? rndn(70) : rnd());
    }
    put(in, 0xc4);
    put(in, (!r) << 7 | (!x) << 6 | (!bx) << 5 | f->map);
    put(in, w << 7 | ((~vvvv & 15) << 3) | l << 2 | f->pp);
    put(in, f->opcode);
    memcpy(in->bytes + in->len, tail.bytes, tail.len);
    in->len += tail.len;
}

/* ---- hashing ---- */

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

static uint64_t hash_words(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 8 <= n; i += 8) {
        h = mix(h, rd64(p + i));
    }
    return h;
}

static uint32_t comp_off[8], comp_size[8];

/* Registers from the XSAVE image; a component whose XSTATE_BV bit is clear is initial (zero). */
static uint64_t hash_xstate(uint64_t h, const uint8_t *x, uint64_t rfbm)
{
    uint64_t bv = rd64(x + 512);
    static const uint8_t zero[1024];

    if (getenv("EVEX_DIFF_BV")) {
        h = mix(h, bv);     /* XINUSE as XSAVE reports it (not yet compared by default) */
    }

    h = mix(h, rd64(x + 24) & 0xffffffff);                 /* MXCSR */
    h = hash_words(h, bv & 2 ? x + 160 : zero, 256);        /* XMM0-15 */
    for (int i = 2; i < 8; i++) {
        if (!(rfbm & (1ull << i)) || !comp_size[i]) {
            continue;
        }
        h = hash_words(h, bv & (1ull << i) ? x + comp_off[i] : zero, comp_size[i]);
    }
    return h;
}

/*
 * The 64 bytes of vector register reg in an XSAVE image: bytes 0-15 in the legacy area, 16-31
 * in AVX, 32-63 in ZMM_Hi256; ZMM16-31 whole in Hi16_ZMM. Their XSTATE_BV bits are set.
 */
static void set_vreg(uint8_t *x, int reg, const uint8_t *v)
{
    if (reg < 16) {
        memcpy(x + 160 + 16 * reg, v, 16);
        memcpy(x + comp_off[2] + 16 * reg, v + 16, 16);
        memcpy(x + comp_off[6] + 32 * reg, v + 32, 32);
        wr64(x + 512, rd64(x + 512) | 0x46);
    } else {
        memcpy(x + comp_off[7] + 64 * (reg - 16), v, 64);
        wr64(x + 512, rd64(x + 512) | 0x80);
    }
}

/*
 * Floating-point values random bits seldom give: zeros, infinities, NaNs (quiet and
 * signalling), denormals, the largest and smallest normals, small integers and halves (ties
 * for rounding), as a qword (double) or two dwords (float).
 */
static uint64_t special_word(void)
{
    static const uint64_t d[] = {
        0, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
        0x7ff8000000000000ull, 0xfff8000000000001ull, 0x7ff4000000000000ull,
        0x0000000000000001ull, 0x800fffffffffffffull, 0x0010000000000000ull,
        0x7fefffffffffffffull, 0x3ff0000000000000ull, 0xc004000000000000ull,
        0x4004000000000000ull, 0x3fe0000000000000ull, 0x43e0000000000000ull,
    };
    static const uint32_t f[] = {
        0, 0x80000000u, 0x7f800000u, 0xff800000u, 0x7fc00000u, 0xffc00001u, 0x7fa00000u,
        0x00000001u, 0x807fffffu, 0x00800000u, 0x7f7fffffu, 0x3f800000u, 0xc0200000u,
        0x40200000u, 0x3f000000u, 0x4f000000u,
    };
    if (rndn(2)) {
        return d[rndn(16)] ^ (rndn(4) ? 0 : rnd() & 0xfff);     /* sometimes payload bits */
    }
    return (uint64_t)f[rndn(16)] << 32 | f[rndn(16)];
}

/* Now and then, special values in some vector registers' elements. */
static void sprinkle_specials(uint8_t *x)
{
    uint8_t v[64];

    for (int reg = 0; reg < 32; reg++) {
        if (rndn(3)) {
            continue;
        }
        for (int i = 0; i < 64; i += 8) {
            wr64(v + i, 0);
        }
        if (reg < 16) {
            memcpy(v, x + 160 + 16 * reg, 16);
            memcpy(v + 16, x + comp_off[2] + 16 * reg, 16);
            memcpy(v + 32, x + comp_off[6] + 32 * reg, 32);
        } else {
            memcpy(v, x + comp_off[7] + 64 * (reg - 16), 64);
        }
        for (int i = 0; i < 64; i += 8) {
            if (rndn(2)) {
                wr64(v + i, special_word());
            }
        }
        set_vreg(x, reg, v);
    }
}

/*
 * A VSIB index: elements of small signed offsets, so the addresses fall in the data pages,
 * overlap, and reach the PROT_NONE page; now and then, with qword indices, one whose address
 * is not canonical (#GP in the middle of the elements). Never a far canonical address: what
 * lies there differs between the native and the emulated run.
 */
static void set_vsib_index(uint8_t *x, int reg, bool qword)
{
    uint8_t v[64];

    for (int i = 0; i < 64; i += 8) {
        int32_t lo = (int32_t)rndn(96) - 48, hi = (int32_t)rndn(96) - 48;
        uint64_t q = qword ? (uint64_t)(int64_t)lo : ((uint64_t)(uint32_t)hi << 32 | (uint32_t)lo);

        if (qword && rndn(24) == 0) {
            q ^= (0x08000000ull + rndn(0x10000000)) << 32;      /* << scale: bits 59-62 */
        }
        wr64(v + i, q);
    }
    set_vreg(x, reg, v);
}

/* ---- main ---- */

int main(int argc, char **argv)
{
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
    unsigned count = argc > 2 ? strtoul(argv[2], NULL, 0) : 1000;
    long vfirst = -1, vlast = -1;
    uint64_t xcr0 = xgetbv(0), block = 0, total = 0;
    unsigned outcomes[4] = { 0 };   /* ok, SIGILL, SIGSEGV, other */
    uint32_t a, b, c, d;
    uint8_t *code, *data, *xin, *xout, *pool;
    struct sigaction sa;
    static struct ctx ctx;
    long page = sysconf(_SC_PAGESIZE);
    /* cases per hash line: EVEX_DIFF_BLOCK (the long run prints fewer lines) */
    const char *block_env = getenv("EVEX_DIFF_BLOCK");
    unsigned block_len = block_env && strtoul(block_env, NULL, 0) ? strtoul(block_env, NULL, 0)
                                                                  : 100;

    if (argc > 5 && !strcmp(argv[3], "-v")) {
        vfirst = strtol(argv[4], NULL, 0);
        vlast = strtol(argv[5], NULL, 0);
    }
    __cpuid_count(7, 0, a, b, c, d);
    if ((xcr0 & 0xe6) != 0xe6 || (b & 0xd0030000u) != 0xd0030000u) {
        /* AVX512F (16), DQ (17), CD (28), BW (30), VL (31) */
        printf("no AVX-512 F/CD/DQ/BW/VL with its state enabled (XCR0 %#llx): nothing to compare\n",
               (unsigned long long)xcr0);
        return 0;
    }
    for (int i = 2; i < 8; i++) {
        if (xcr0 & (1ull << i)) {
            __cpuid_count(0xd, i, a, b, c, d);
            comp_size[i] = a;
            comp_off[i] = b;
        }
    }
    __cpuid_count(0xd, 0, a, b, c, d);
    xin = aligned_alloc(64, (b + 63) & ~63u);
    xout = aligned_alloc(64, (b + 63) & ~63u);
    code = mmap(NULL, page, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    data = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    pool = malloc(4 * page);
    if (!xin || !xout || code == MAP_FAILED || data == MAP_FAILED || !pool) {
        perror("alloc");
        return 1;
    }
    mprotect(data + 2 * page, page, PROT_NONE);
    rng = seed * 0x9e3779b97f4a7c15ull + 1;
    for (long i = 0; i < 4 * page; i += 8) {
        wr64(pool + i, rndn(4) ? rnd() : special_word());
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    ctx.rfbm = xcr0 & 0xe7;
    ctx.xin = xin;
    ctx.xout = xout;
    fault_xstate = aligned_alloc(64, 65536);
    ctx.code = code;

    for (unsigned n = 0; n < count; n++) {
        const struct form *f = &forms[rndn(NFORMS)];
        struct insn in = { .len = 0 };
        uint64_t h = 0;
        unsigned outcome;

        /* The state: vectors and masks (masks: random, zero, all ones or sparse), MXCSR. */
        xstate_pattern(xin, b, ctx.rfbm, ctx.rfbm, (uint8_t)rnd());
        for (uint32_t i = 0; i < 256; i += 8) {
            wr64(xin + 160 + i, rnd());
        }
        for (int i = 2; i < 8; i++) {
            if (i == 3 || i == 4) {
                continue;       /* MPX: random bytes could enable it */
            }
            for (uint32_t k = 0; k < comp_size[i]; k += 8) {
                wr64(xin + comp_off[i] + k, rnd());
            }
        }
        /* Now and then some components start in their initial configuration (XSTATE_BV clear) */
        if (rndn(3) == 0) {
            wr64(xin + 512, ctx.rfbm & ~(rnd() & 0xe4));
        }
        if (comp_size[5]) {
            for (int k = 1; k < 8; k++) {
                static const uint64_t special[] = { 0, ~0ull, 0x5555555555555555ull, 1 };
                if (rndn(3) == 0) {
                    wr64(xin + comp_off[5] + 8 * k, special[rndn(4)]);
                }
            }
        }
        /* MXCSR: all exceptions masked; any rounding mode, sometimes DAZ and FTZ */
        {
            uint32_t mxcsr = 0x1f80 | (uint32_t)(rnd() & 0x6000) | (rndn(4) ? 0 : 0x8040);
            memcpy(xin + 24, &mxcsr, 4);
        }
        memset(xout, 0, b);
        memcpy(data, pool + rndn(2 * page / 8) * 8, 2 * page);
        for (int g = 0; g < G_FLAGS; g++) {
            ctx.gpr_in[g] = rnd();
        }
        ctx.gpr_in[G_RBX] = (uint64_t)(data + page + (rndn(4) ? page - 64 + rndn(64) : rndn(page)));
        ctx.gpr_in[G_RDI] = (uint64_t)(data + page + (rndn(2) ? page - 128 + rndn(128) : rndn(page)));
        ctx.gpr_in[G_RSI] = rndn(9);
        ctx.gpr_in[G_R14] = rndn(9);
        ctx.gpr_in[G_FLAGS] = 0x202 | (rnd() & 0x8d5);

        if (f->shape >= S_VEX_K3) {
            gen_vex_k(&in, f);
        } else {
            gen_evex(&in, f);
        }
        if (rndn(3) == 0) {
            sprinkle_specials(xin);
        }
        if (vsib_reg >= 0) {
            set_vsib_index(xin, vsib_reg, f->opcode & 1);
        }
        if ((f->fl & F_ALIGN) && rndn(2)) {
            ctx.gpr_in[G_RBX] &= ~63ull;
            ctx.gpr_in[G_RDI] &= ~63ull;
        }
        memcpy(code, in.bytes, in.len);
        code[in.len] = 0xc3;

        run_case(&ctx);
        if (fault_sig) {
            memcpy(xout, fault_xstate, fault_xstate_size < b ? fault_xstate_size : b);
            uintptr_t ad = fault_addr, rel = ad - (uintptr_t)data;
            h = mix(mix(mix(h, fault_sig), fault_code), rel < 3 * (uintptr_t)page ? rel : ad ? 1 : 0);
            if (fault_xstate_size >= b) {
                h = hash_xstate(h, xout, ctx.rfbm);     /* the registers at the fault */
            }
            outcome = fault_sig == SIGILL ? 1 : fault_sig == SIGSEGV ? 2 : 3;
        } else {
            h = hash_xstate(h, xout, ctx.rfbm);
            for (int g = 0; g < G_FLAGS; g++) {
                /* Pointers into the data pages differ between runs: hash their offsets. */
                uint64_t v = ctx.gpr_out[g], rel = v - (uint64_t)data;
                h = mix(h, rel < 3 * (uint64_t)page ? rel ^ 0xdada : v);
            }
            h = mix(h, ctx.gpr_out[G_FLAGS] & 0x8d5);
            outcome = 0;
        }
        h = hash_words(h, data, 2 * page);
        outcomes[outcome]++;
        if ((long)n >= vfirst && (long)n <= vlast) {
            printf("%6u %-22s", n, f->name);
            for (int i = 0; i < in.len; i++) {
                printf(" %02x", in.bytes[i]);
            }
            if (getenv("EVEX_DIFF_PARTS") && !fault_sig) {
                printf(" [mxcsr %x bv %llx", (unsigned)rd64(xout + 24) & 0xffffffff,
                       (unsigned long long)rd64(xout + 512));
                printf(" xmm %llx", (unsigned long long)hash_words(0, xout + 160, 256));
                for (int i = 2; i < 8; i++) {
                    if (comp_size[i]) {
                        printf(" c%d %llx", i,
                               (unsigned long long)hash_words(0, xout + comp_off[i], comp_size[i]));
                    }
                }
                printf(" gpr %llx fl %llx]", (unsigned long long)hash_words(0, (uint8_t *)ctx.gpr_out, 8 * G_FLAGS),
                       (unsigned long long)ctx.gpr_out[G_FLAGS]);
            }
            if (getenv("EVEX_DIFF_DUMP")) {
                /* the whole state in and out, a register a line */
                for (int pass = 0; pass < 2; pass++) {
                    const uint8_t *x = pass ? xout : xin;
                    printf("\n  %s mxcsr %08x bv %llx", pass ? "out" : "in ",
                           (unsigned)rd64(x + 24) & 0xffffffff, (unsigned long long)rd64(x + 512));
                    for (int r = 0; r < 32; r++) {
                        uint8_t v[64] = { 0 };
                        if (r < 16) {
                            memcpy(v, x + 160 + 16 * r, 16);
                            memcpy(v + 16, x + comp_off[2] + 16 * r, 16);
                            memcpy(v + 32, x + comp_off[6] + 32 * r, 32);
                        } else {
                            memcpy(v, x + comp_off[7] + 64 * (r - 16), 64);
                        }
                        printf("\n  %s z%-2d", pass ? "out" : "in ", r);
                        for (int i = 56; i >= 0; i -= 8) {
                            printf(" %016llx", (unsigned long long)rd64(v + i));
                        }
                    }
                    for (int k = 0; k < 8; k++) {
                        printf("\n  %s k%d %016llx", pass ? "out" : "in ", k,
                               (unsigned long long)rd64(x + comp_off[5] + 8 * k));
                    }
                }
                printf("\n");
            }
            if (fault_sig) {
                uintptr_t rel = fault_addr - (uintptr_t)data;
                uintptr_t crel = fault_addr - (uintptr_t)code;
                printf(" [code %d addr %s%#lx rbx+%#lx rdi+%#lx]", fault_code,
                       rel < 3 * (uintptr_t)page ? "data+" : crel < (uintptr_t)page ? "code+" : "",
                       rel < 3 * (uintptr_t)page ? (unsigned long)rel :
                       crel < (uintptr_t)page ? (unsigned long)crel : (unsigned long)fault_addr,
                       (unsigned long)(ctx.gpr_in[G_RBX] - (uintptr_t)data),
                       (unsigned long)(ctx.gpr_in[G_RDI] - (uintptr_t)data));
            }
            printf("  -> %s %016llx\n",
                   fault_sig ? (fault_sig == SIGILL ? "ILL" : fault_sig == SIGSEGV ? "SEGV" : "SIG")
                             : "ok", (unsigned long long)h);
        }
        block = mix(block, h);
        total = mix(total, h);
        if (n % block_len == block_len - 1 || n + 1 == count) {
            printf("cases %u-%u: %016llx\n", n / block_len * block_len, n,
                   (unsigned long long)block);
            block = 0;
        }
    }
    printf("%u cases: %u ran, %u SIGILL, %u SIGSEGV, %u other; total %016llx\n", count,
           outcomes[0], outcomes[1], outcomes[2], outcomes[3], (unsigned long long)total);
    return 0;
}
