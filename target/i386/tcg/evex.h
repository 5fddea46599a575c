/*
 * qemu-xcr0: what the EVEX translator (evex.c.inc) and its helpers (evex-helper.c) agree on.
 *
 * A helper's 32-bit descriptor packs the vector length, the element size and a few flags, so
 * one helper serves every width and element size (as gvec's simd_desc does for TCG's own).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TARGET_I386_TCG_EVEX_H
#define TARGET_I386_TCG_EVEX_H

#define EVEX_DESC_LEN_MASK     0x7f      /* bytes: 1..64 (a vector, or one element) */
#define EVEX_DESC_ESIZE_SHIFT  7         /* log2 of the element size in bytes, 0..3 */
#define EVEX_DESC_ESIZE_MASK   (3u << EVEX_DESC_ESIZE_SHIFT)
#define EVEX_DESC_ALIGN        (1u << 9)  /* memory: #GP unless aligned to the length */
#define EVEX_DESC_ZERO         (1u << 10) /* blend: zeroing-masking (EVEX.z) */
#define EVEX_DESC_SIGNED       (1u << 11) /* compares: signed elements */
#define EVEX_DESC_NEGATE       (1u << 12) /* VPTESTNM: the mask of zero ANDs */
#define EVEX_DESC_WHOLE        (1u << 15) /* memory: a masked store checks every element */
#define EVEX_DESC_IMM_SHIFT    16        /* an imm8: compare predicate, ternlog table */

/* Element-wise integer operations of helper_evex_binop (the descriptor's imm field). */
enum {
    EVI_ADDS, EVI_ADDUS, EVI_SUBS, EVI_SUBUS, EVI_AVG, EVI_MULHS, EVI_MULHU, EVI_MULHRS,
    EVI_SLLV, EVI_SRLV, EVI_SRAV, EVI_ROLV, EVI_RORV, EVI_MULUDQ, EVI_MULDQ, EVI_MADDWD,
    EVI_MADDUBSW, EVI_SADBW,
    /* helper_evex_shift: every element by one count */
    EVI_SLL, EVI_SRL, EVI_SRA, EVI_ROL, EVI_ROR,
};

/*
 * Shuffles of helper_evex_shuffle: out from a (vvvv, or the only source), b (ModRM.rm) and d
 * (the destination's old value, a source of VPERMT2/VPERMI2); imm8 in bits 24-31.
 */
enum {
    EVS_PSHUFB, EVS_PSHUFD, EVS_PSHUFHW, EVS_PSHUFLW, EVS_UNPCKL, EVS_UNPCKH,
    EVS_PACKSS, EVS_PACKUS, EVS_PALIGNR, EVS_VALIGN, EVS_PERM, EVS_PERMQ_IMM,
    EVS_PERMT2, EVS_PERMI2, EVS_SHUF128, EVS_INSERT, EVS_ZX, EVS_SX, EVS_SHUFP,
    EVS_BSLL, EVS_BSRL, EVS_MOVDDUP, EVS_MOVSLDUP, EVS_MOVSHDUP, EVS_PERMIL_IMM, EVS_PERMIL_VAR,
    EVS_NARROW, EVS_COMPRESS, EVS_EXPAND, EVS_DBPSADBW,
};
/* Gathers and scatters (helper_evex_vsib), the imm field: */
#define EVV_SCATTER            (1u << 0)
#define EVV_INDEX_Q            (1u << 1)  /* qword indices (else dword) */
#define EVV_ADDR32             (1u << 2)  /* 32-bit addressing (67h) */
#define EVV_SCALE_SHIFT        3          /* log2 of the scale */
#define EVEX_DESC_IMM8_SHIFT   24        /* shuffles: the instruction's imm8 */
#define EVEX_DESC_SRC_SHIFT    13        /* VPMOVZX/SX: log2 of the source element size */

/* Floating point (helper_evex_fp, _fma, _fcmp): the operation in the imm field, and: */
enum { EVF_ADD, EVF_SUB, EVF_MUL, EVF_DIV, EVF_MIN, EVF_MAX, EVF_SQRT, EVF_MOV };
/*
 * Conversions (helper_evex_cvt): integer to float, float to integer (T: truncating), float to
 * float; the imm field holds the kind and, in bits 4-5, log2 of the source element size.
 */
enum { EVC_I2F, EVC_U2F, EVC_F2I, EVC_F2U, EVC_F2I_T, EVC_F2U_T, EVC_F2F, EVC_H2F, EVC_F2H };
/* The special operations (helper_evex_fpx, evex-fpx.c.inc); their imm8 in EVEX_DESC_IMM8 */
enum {
    EVX_GETEXP, EVX_GETMANT, EVX_RNDSCALE, EVX_REDUCE, EVX_RANGE, EVX_SCALEF, EVX_FIXUPIMM,
    EVX_RCP14, EVX_RSQRT14,
};
#define EVEX_DESC_FP_SCALAR    (1u << 11) /* element 0 only; 1-3 from a, the mask applied here */
#define EVEX_DESC_FP_ER        (1u << 12) /* embedded rounding: mode in EVEX_DESC_FP_RC */
#define EVEX_DESC_FP_RC_SHIFT  13
#define EVEX_DESC_FP_SAE       (1u << 15) /* suppress all exceptions (with ER too) */
/* FMA: the operand order (132, 213, 231) and the muladd flags of even and odd elements */
#define EVEX_FMA_ORDER_SHIFT   16
#define EVEX_FMA_EVEN_SHIFT    18
#define EVEX_FMA_ODD_SHIFT     22

static inline uint32_t evex_desc(unsigned len, unsigned esize_log2, uint32_t flags)
{
    return len | esize_log2 << EVEX_DESC_ESIZE_SHIFT | flags;
}

static inline unsigned evex_desc_len(uint32_t desc)
{
    return desc & EVEX_DESC_LEN_MASK;
}

static inline unsigned evex_desc_esize(uint32_t desc)
{
    return 1u << ((desc & EVEX_DESC_ESIZE_MASK) >> EVEX_DESC_ESIZE_SHIFT);
}

static inline unsigned evex_desc_imm(uint32_t desc)
{
    return (desc >> EVEX_DESC_IMM_SHIFT) & 0xff;
}

#endif
