/*
 * qemu-xcr0: helpers of the EVEX (AVX-512) translator, evex.c.inc.
 *
 * Memory: EVEX loads and stores are exact to the element. A masked-off element is neither read
 * nor written and cannot fault (SDM vol. 1 15.6.2 "memory fault suppression"); a store checks
 * every element it will write before writing any, so a fault leaves memory untouched (Bochs'
 * avx512 masked stores do the same); an unmasked vector is one access, never split.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "cpu.h"
#include "exec/cputlb.h"
#include "exec/cpu_ldst.h"
#include "exec/exec-all.h"
#include "exec/helper-proto.h"
#include "helper-tcg.h"
#include "fpu/softfloat.h"
#include <math.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "evex.h"

static uint64_t elem_get(const ZMMReg *r, unsigned esize, unsigned i)
{
    switch (esize) {
    case 1:
        return r->ZMM_B(i);
    case 2:
        return r->ZMM_W(i);
    case 4:
        return r->ZMM_L(i);
    default:
        return r->ZMM_Q(i);
    }
}

static int64_t elem_get_signed(const ZMMReg *r, unsigned esize, unsigned i)
{
    switch (esize) {
    case 1:
        return (int8_t)r->ZMM_B(i);
    case 2:
        return (int16_t)r->ZMM_W(i);
    case 4:
        return (int32_t)r->ZMM_L(i);
    default:
        return (int64_t)r->ZMM_Q(i);
    }
}

static void elem_set(ZMMReg *r, unsigned esize, unsigned i, uint64_t v)
{
    switch (esize) {
    case 1:
        r->ZMM_B(i) = v;
        break;
    case 2:
        r->ZMM_W(i) = v;
        break;
    case 4:
        r->ZMM_L(i) = v;
        break;
    default:
        r->ZMM_Q(i) = v;
        break;
    }
}

/*
 * Zero bytes len..63: an EVEX write zeroes its destination above VL (SDM vol. 1 15.5); len may
 * be as small as 2 (the result of VPMOVQB at 128 bits).
 */
static void zero_above(ZMMReg *r, unsigned len)
{
    for (unsigned i = len; i < 64 && i % 8; i++) {
        r->ZMM_B(i) = 0;
    }
    for (unsigned i = (len + 7) / 8; i < 8; i++) {
        r->ZMM_Q(i) = 0;
    }
}

static inline QEMU_ALWAYS_INLINE bool canonical(CPUX86State *env, target_ulong addr)
{
#ifdef TARGET_X86_64
    if (env->hflags & HF_CS64_MASK) {
        int bits = env->cr[4] & CR4_LA57_MASK ? 57 : 48;

        return (int64_t)addr == sextract64(addr, 0, bits);
    }
#endif
    return true;
}

static uint64_t elements_of(unsigned len, unsigned esize)
{
    return len / esize == 64 ? UINT64_MAX : (UINT64_C(1) << (len / esize)) - 1;
}

/*
 * #GP for a misaligned operand of an aligned form (SDM vol. 2 2.8, exception class E1) when
 * the mask selects any element — with none selected there is no access and no fault (measured
 * on AMD Zen 5: VMOVAPD xmm{k1}, [misaligned] faults with k1 = 1, 2 or 0xff, not with 0) —
 * and for a selected element outside the canonical range.
 */
static inline QEMU_ALWAYS_INLINE void check_gp(CPUX86State *env, target_ulong addr,
                                               unsigned len, uint32_t desc, uint64_t mask,
                                               uintptr_t ra)
{
    unsigned esize = evex_desc_esize(desc);

    if ((desc & EVEX_DESC_ALIGN) && (addr & (len - 1)) && (mask & elements_of(len, esize))) {
        raise_exception_ra(env, EXCP0D_GPF, ra);
    }
    if (canonical(env, addr) && canonical(env, addr + len - 1)) {
        return;     /* both ends canonical: every byte between is (the common case, fast) */
    }
    for (unsigned i = 0; i < len / esize; i++) {
        if ((mask >> i) & 1) {
            target_ulong a = addr + i * esize;

            if (!canonical(env, a) || !canonical(env, a + esize - 1)) {
                raise_exception_ra(env, EXCP0D_GPF, ra);
            }
        }
    }
}

/* Fault, as the access would, if [addr, addr + size) is not accessible (pages in order). */
static void probe_range(CPUX86State *env, target_ulong addr, unsigned size,
                        MMUAccessType type, uintptr_t ra)
{
    int mmu_idx = cpu_mmu_index(env_cpu(env), false);

    while (size) {
        unsigned chunk = MIN(size, -(addr | TARGET_PAGE_MASK));

        probe_access(env, addr, chunk, type, mmu_idx, ra);
        addr += chunk;
        size -= chunk;
    }
}

/*
 * Probe the selected elements: all of them when the mask selects all (one access covering
 * the vector), else each selected one.
 */
static void probe_elements(CPUX86State *env, target_ulong addr, unsigned len, unsigned esize,
                           uint64_t mask, MMUAccessType type, uintptr_t ra)
{
    uint64_t all = elements_of(len, esize);

    if ((mask & all) == all) {
        probe_range(env, addr, len, type, ra);
        return;
    }
    for (unsigned i = 0; i < len / esize; i++) {
        if ((mask >> i) & 1) {
            probe_range(env, addr + i * esize, esize, type, ra);
        }
    }
}

/*
 * A whole vector within one page, copied through the host mapping after one probe (user mode,
 * little-endian hosts): the probe faults exactly as the per-element path would (the first byte
 * is the first not accessible), and stores to pages holding translated code go through the
 * same host fault handling as cpu_st*(), helper_retaddr set. Returns false where it does not
 * apply; the callers then go element by element.
 */
/*
 * memcpy of a vector's length: constant sizes become a few host vector moves, where a
 * variable one became REP MOVSQ, whose start-up cost was a third of an EVEX load's.
 */
static inline void copy_bytes(void *d, const void *s, unsigned len)
{
    switch (len) {
    case 64:
        memcpy(d, s, 64);
        break;
    case 32:
        memcpy(d, s, 32);
        break;
    case 16:
        memcpy(d, s, 16);
        break;
    default:
        memcpy(d, s, len);
        break;
    }
}

static inline QEMU_ALWAYS_INLINE bool copy_whole(CPUX86State *env, void *vec,
                                                 target_ulong addr, unsigned len,
                                                 MMUAccessType type, uintptr_t ra)
{
#if defined(CONFIG_USER_ONLY) && !HOST_BIG_ENDIAN
    void *host;

    if ((addr ^ (addr + len - 1)) & TARGET_PAGE_MASK) {
        return false;
    }
#if defined(__x86_64__)
    /*
     * No probe on an x86-64 host: the host's own fault on an access within one page reports
     * its first byte, as the guest's silicon does, and the host fault handler (helper_retaddr
     * set) turns it into the guest's SIGSEGV at this instruction, or, for a store to a page
     * holding translated code, invalidates it and retries. The mapping mirrors the guest's
     * permissions, as for upstream's inline accesses, and a faulting access within one page
     * faults on its first host move, so nothing is half written. The probe (an interval-tree
     * walk per access) was a quarter of the time of EVEX string functions.
     */
    if (guest_range_valid_untagged(addr, len)) {
        host = g2h(env_cpu(env), addr);
    } else
#endif
    {
        host = probe_access(env, addr, len, type, cpu_mmu_index(env_cpu(env), false), ra);
    }
    if (!host) {
        return false;
    }
    set_helper_retaddr(ra);
    if (type == MMU_DATA_STORE) {
        copy_bytes(host, vec, len);
    } else {
        copy_bytes(vec, host, len);
    }
    clear_helper_retaddr();
    return true;
#else
    return false;
#endif
}

static uint64_t load_elem(CPUX86State *env, target_ulong addr, unsigned esize, uintptr_t ra)
{
    switch (esize) {
    case 1:
        return cpu_ldub_data_ra(env, addr, ra);
    case 2:
        return cpu_lduw_data_ra(env, addr, ra);
    case 4:
        return cpu_ldl_data_ra(env, addr, ra);
    default:
        return cpu_ldq_data_ra(env, addr, ra);
    }
}

static void store_elem(CPUX86State *env, target_ulong addr, unsigned esize, uint64_t v,
                       uintptr_t ra)
{
    switch (esize) {
    case 1:
        cpu_stb_data_ra(env, addr, v, ra);
        break;
    case 2:
        cpu_stw_data_ra(env, addr, v, ra);
        break;
    case 4:
        cpu_stl_data_ra(env, addr, v, ra);
        break;
    default:
        cpu_stq_data_ra(env, addr, v, ra);
        break;
    }
}

/*
 * Load len bytes at addr into *dst (a scratch register), element by element as mask selects;
 * the others are zero. An unmasked load passes an all-ones mask.
 */
void helper_evex_load(CPUX86State *env, void *dst, target_ulong addr, uint64_t mask,
                      uint32_t desc)
{
    uintptr_t ra = GETPC();
    unsigned len = evex_desc_len(desc), esize = evex_desc_esize(desc);
    ZMMReg *d = dst;

    check_gp(env, addr, len, desc, mask, ra);
    if ((mask & elements_of(len, esize)) == elements_of(len, esize) &&
        copy_whole(env, d, addr, len, MMU_DATA_LOAD, ra)) {
        return;
    }
    probe_elements(env, addr, len, esize, mask, MMU_DATA_LOAD, ra);
    for (unsigned q = 0; q < len / 8; q++) {
        /* a quadword whose elements are all selected in one access (the common case) */
        uint64_t in_q = elements_of(8, esize) << (q * 8 / esize);

        if ((mask & in_q) == in_q) {
            d->ZMM_Q(q) = cpu_ldq_le_data_ra(env, addr + q * 8, ra);
            continue;
        }
        for (unsigned i = q * 8 / esize; i < (q + 1) * 8 / esize; i++) {
            elem_set(d, esize, i, (mask >> i) & 1 ? load_elem(env, addr + i * esize, esize, ra)
                                                  : 0);
        }
    }
    for (unsigned i = len / 8 * 8 / esize; i < len / esize; i++) {
        elem_set(d, esize, i, (mask >> i) & 1 ? load_elem(env, addr + i * esize, esize, ra) : 0);
    }
}

/* Store the elements of *src that mask selects to len bytes at addr: all or none of them. */
void helper_evex_store(CPUX86State *env, target_ulong addr, void *src, uint64_t mask,
                       uint32_t desc)
{
    uintptr_t ra = GETPC();
    unsigned len = evex_desc_len(desc), esize = evex_desc_esize(desc);
    const ZMMReg *s = src;

    check_gp(env, addr, len, desc, mask, ra);
    if ((mask & elements_of(len, esize)) == elements_of(len, esize) &&
        copy_whole(env, (void *)s, addr, len, MMU_DATA_STORE, ra)) {
        return;
    }
    probe_elements(env, addr, len, esize, desc & EVEX_DESC_WHOLE ? UINT64_MAX : mask,
                   MMU_DATA_STORE, ra);
    for (unsigned q = 0; q < len / 8; q++) {
        uint64_t in_q = elements_of(8, esize) << (q * 8 / esize);

        if ((mask & in_q) == in_q) {
            cpu_stq_le_data_ra(env, addr + q * 8, s->ZMM_Q(q), ra);
            continue;
        }
        for (unsigned i = q * 8 / esize; i < (q + 1) * 8 / esize; i++) {
            if ((mask >> i) & 1) {
                store_elem(env, addr + i * esize, esize, elem_get(s, esize, i), ra);
            }
        }
    }
    for (unsigned i = len / 8 * 8 / esize; i < len / esize; i++) {
        if ((mask >> i) & 1) {
            store_elem(env, addr + i * esize, esize, elem_get(s, esize, i), ra);
        }
    }
}

/*
 * The masking epilogue (SDM vol. 1 15.6.1): element i of *dst becomes element i of *src where
 * mask bit i is set; else it keeps its value (merging) or becomes zero (zeroing, EVEX.z). Bytes
 * above the vector length are zeroed.
 */
void helper_evex_blend(void *dst, void *src, uint64_t mask, uint32_t desc)
{
    unsigned len = evex_desc_len(desc), esize = evex_desc_esize(desc);
    ZMMReg *d = dst;
    const ZMMReg *s = src;

    for (unsigned i = 0; i < len / esize; i++) {
        if ((mask >> i) & 1) {
            elem_set(d, esize, i, elem_get(s, esize, i));
        } else if (desc & EVEX_DESC_ZERO) {
            elem_set(d, esize, i, 0);
        }
    }
    zero_above(d, len);
}

/*
 * VPCMP{,U}{B,W,D,Q} predicates (imm8[2:0]; SDM vol. 2 VPCMPB): EQ, LT, LE, FALSE, NEQ, NLT,
 * NLE, TRUE. VPCMPEQ* is predicate 0 and VPCMPGT* predicate 6, both signed.
 */
/*
 * Which elements of the quadword v are nonzero, one bit each (8 / esize bits). Bytes and words
 * in a few operations (the high bit of (v & 0x7f..) + 0x7f.. | v, gathered by a multiply):
 * the compares and tests of glibc's string functions spend their time here.
 */
static unsigned lanes_nonzero(uint64_t v, unsigned esize)
{
    uint64_t hi;

    switch (esize) {
    case 1:
        hi = (((v & 0x7f7f7f7f7f7f7f7full) + 0x7f7f7f7f7f7f7f7full) | v) & 0x8080808080808080ull;
        return (hi >> 7) * 0x0102040810204080ull >> 56;
    case 2:
        hi = (((v & 0x7fff7fff7fff7fffull) + 0x7fff7fff7fff7fffull) | v) & 0x8000800080008000ull;
        return (hi >> 15 & 1) | (hi >> 30 & 2) | (hi >> 45 & 4) | (hi >> 60 & 8);
    case 4:
        return ((uint32_t)v != 0) | ((v >> 32) != 0) << 1;
    default:
        return v != 0;
    }
}

/* The elements of a and b whose AND (test) or XOR (equality) is nonzero, len / esize bits. */
static inline QEMU_ALWAYS_INLINE uint64_t elements_nonzero(const ZMMReg *a, const ZMMReg *b,
                                                            unsigned len, unsigned esize,
                                                            bool xor)
{
    uint64_t result = 0;

#if defined(__SSE2__) && !HOST_BIG_ENDIAN
    /* On x86 hosts, 16 bytes at a time: compare with zero, then the sign bits as a mask. */
    for (unsigned o = 0; o < len; o += 16) {
        __m128i va = _mm_loadu_si128((const __m128i *)((const uint8_t *)a + o));
        __m128i vb = _mm_loadu_si128((const __m128i *)((const uint8_t *)b + o));
        __m128i v = xor ? _mm_xor_si128(va, vb) : _mm_and_si128(va, vb);
        __m128i zero = _mm_setzero_si128(), z;
        unsigned bits;

        switch (esize) {
        case 1:
            bits = _mm_movemask_epi8(_mm_cmpeq_epi8(v, zero));
            break;
        case 2:
            z = _mm_cmpeq_epi16(v, zero);
            bits = _mm_movemask_epi8(_mm_packs_epi16(z, z)) & 0xff;
            break;
        case 4:
            bits = _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(v, zero)));
            break;
        default:
            z = _mm_cmpeq_epi32(v, zero);
            z = _mm_and_si128(z, _mm_shuffle_epi32(z, 0xb1));
            bits = _mm_movemask_pd(_mm_castsi128_pd(z));
            break;
        }
        result |= (uint64_t)(~bits & ((1u << (16 / esize)) - 1)) << (o / esize);
    }
    return result;
#endif

    for (unsigned q = 0; q < len / 8; q++) {
        uint64_t v = xor ? a->ZMM_Q(q) ^ b->ZMM_Q(q) : a->ZMM_Q(q) & b->ZMM_Q(q);
        result |= (uint64_t)lanes_nonzero(v, esize) << (q * 8 / esize);
    }
    return result;
}

uint64_t helper_evex_cmp(void *a, void *b, uint32_t desc)
{
    unsigned len = evex_desc_len(desc), esize = evex_desc_esize(desc);
    unsigned pred = evex_desc_imm(desc) & 7;
    bool is_signed = desc & EVEX_DESC_SIGNED;
    uint64_t result = 0;

    if ((pred == 0 || pred == 4) && len >= 8) {
        /* EQ, NEQ: whole quadwords at a time */
        result = elements_nonzero(a, b, len, esize, true);
        return pred == 0 ? ~result & elements_of(len, esize) : result;
    }

    for (unsigned i = 0; i < len / esize; i++) {
        int c;
        bool bit;

        if (is_signed) {
            int64_t x = elem_get_signed(a, esize, i), y = elem_get_signed(b, esize, i);
            c = x < y ? -1 : x > y;
        } else {
            uint64_t x = elem_get(a, esize, i), y = elem_get(b, esize, i);
            c = x < y ? -1 : x > y;
        }
        switch (pred) {
        case 0:
            bit = c == 0;
            break;
        case 1:
            bit = c < 0;
            break;
        case 2:
            bit = c <= 0;
            break;
        case 3:
            bit = false;
            break;
        case 4:
            bit = c != 0;
            break;
        case 5:
            bit = c >= 0;
            break;
        case 6:
            bit = c > 0;
            break;
        default:
            bit = true;
            break;
        }
        result |= (uint64_t)bit << i;
    }
    return result;
}

/* VPTESTM: bit i = (a[i] & b[i]) != 0; VPTESTNM (EVEX_DESC_NEGATE): == 0. */
uint64_t helper_evex_ptestm(void *a, void *b, uint32_t desc)
{
    unsigned len = evex_desc_len(desc), esize = evex_desc_esize(desc);
    bool negate = desc & EVEX_DESC_NEGATE;
    uint64_t result = elements_nonzero(a, b, len, esize, false);

    return negate ? ~result & elements_of(len, esize) : result;
}

/* VPLZCNTD/Q (AVX512CD): leading zero bits of each element (the element's width for zero). */
void helper_evex_lzcnt(void *out, void *src, uint32_t desc)
{
    unsigned len = evex_desc_len(desc), esize = evex_desc_esize(desc);
    ZMMReg r;

    for (unsigned i = 0; i < len / esize; i++) {
        uint64_t v = elem_get(src, esize, i);
        elem_set(&r, esize, i, esize == 4 ? clz32(v) : clz64(v));
    }
    memcpy(out, &r, sizeof(r));
}

/*
 * VPCONFLICTD/Q (AVX512CD): element i gets a bit j for each lower element j equal to it
 * (SDM vol. 2 VPCONFLICTD).
 */
void helper_evex_conflict(void *out, void *src, uint32_t desc)
{
    unsigned len = evex_desc_len(desc), esize = evex_desc_esize(desc);
    ZMMReg r;

    for (unsigned i = 0; i < len / esize; i++) {
        uint64_t v = elem_get(src, esize, i), bits = 0;

        for (unsigned j = 0; j < i; j++) {
            bits |= (uint64_t)(elem_get(src, esize, j) == v) << j;
        }
        elem_set(&r, esize, i, bits);
    }
    memcpy(out, &r, sizeof(r));
}

static int64_t saturate(int64_t v, unsigned esize, bool is_signed)
{
    int bits = esize * 8;
    int64_t lo = is_signed ? -(INT64_C(1) << (bits - 1)) : 0;
    int64_t hi = is_signed ? (INT64_C(1) << (bits - 1)) - 1 : (INT64_C(1) << bits) - 1;

    return v < lo ? lo : v > hi ? hi : v;
}

/* One element of an operation on one count (shifts and rotates, SDM vol. 2 VPSLLW ff.). */
static uint64_t shift_elem(unsigned op, uint64_t v, uint64_t count, unsigned esize)
{
    unsigned bits = esize * 8;
    uint64_t ones = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
    int64_t sv = (int64_t)(v << (64 - bits)) >> (64 - bits);

    switch (op) {
    case EVI_SLL:
    case EVI_SLLV:
        return count >= bits ? 0 : (v << count) & ones;
    case EVI_SRL:
    case EVI_SRLV:
        return count >= bits ? 0 : (v & ones) >> count;
    case EVI_SRA:
    case EVI_SRAV:
        return (uint64_t)(sv >> (count >= bits ? bits - 1 : count)) & ones;
    case EVI_ROL:
    case EVI_ROLV:
        count %= bits;
        return count ? ((v << count) | ((v & ones) >> (bits - count))) & ones : v & ones;
    default:
        count %= bits;
        return count ? (((v & ones) >> count) | (v << (bits - count))) & ones : v & ones;
    }
}

/*
 * Element-wise integer operations that gvec has no inline form for; the descriptor's imm
 * field is an EVI_* operation, its element size the destination's.
 */
void helper_evex_binop(void *out, void *a, void *b, uint32_t desc)
{
    unsigned len = evex_desc_len(desc), esize = evex_desc_esize(desc);
    unsigned op = evex_desc_imm(desc);
    ZMMReg r;

    for (unsigned i = 0; i < len / esize; i++) {
        uint64_t x = elem_get(a, esize, i), y = elem_get(b, esize, i);
        int64_t sx = elem_get_signed(a, esize, i), sy = elem_get_signed(b, esize, i);
        uint64_t v;

        switch (op) {
        case EVI_ADDS:
            v = saturate(sx + sy, esize, true);
            break;
        case EVI_ADDUS:
            v = saturate((int64_t)(x + y), esize, false);
            break;
        case EVI_SUBS:
            v = saturate(sx - sy, esize, true);
            break;
        case EVI_SUBUS:
            v = saturate((int64_t)x - (int64_t)y, esize, false);
            break;
        case EVI_AVG:
            v = (x + y + 1) >> 1;
            break;
        case EVI_MULHS:
            v = (uint64_t)((sx * sy) >> (esize * 8));
            break;
        case EVI_MULHU:
            v = (x * y) >> (esize * 8);
            break;
        case EVI_MULHRS:
            v = (uint64_t)((((sx * sy) >> 14) + 1) >> 1);
            break;
        case EVI_MULUDQ:
            v = (x & 0xffffffff) * (y & 0xffffffff);
            break;
        case EVI_MULDQ:
            v = (uint64_t)((int64_t)(int32_t)x * (int32_t)y);
            break;
        case EVI_MADDWD:
            v = (uint64_t)((int64_t)(int16_t)x * (int16_t)y +
                           (int64_t)(int16_t)(x >> 16) * (int16_t)(y >> 16));
            break;
        case EVI_MADDUBSW:
            v = saturate((int64_t)(uint8_t)x * (int8_t)y +
                         (int64_t)(uint8_t)(x >> 8) * (int8_t)(y >> 8), 2, true);
            break;
        case EVI_SADBW:
            /* qword i: the sum of the absolute differences of its eight bytes */
            v = 0;
            for (int k = 0; k < 8; k++) {
                int d = (int)((x >> 8 * k) & 0xff) - (int)((y >> 8 * k) & 0xff);
                v += d < 0 ? -d : d;
            }
            break;
        default:
            v = shift_elem(op, x, y, esize);
            break;
        }
        elem_set(&r, esize, i, v);
    }
    memcpy(out, &r, sizeof(r));
}

/* Every element of a shifted or rotated by count (an imm8, or the low quadword of an xmm). */
void helper_evex_shift(void *out, void *a, uint64_t count, uint32_t desc)
{
    unsigned len = evex_desc_len(desc), esize = evex_desc_esize(desc);
    unsigned op = evex_desc_imm(desc);
    ZMMReg r;

    for (unsigned i = 0; i < len / esize; i++) {
        elem_set(&r, esize, i, shift_elem(op, elem_get(a, esize, i), count, esize));
    }
    memcpy(out, &r, sizeof(r));
}

/*
 * Shuffles, permutes, packs and widening moves (EVS_*): out from a, b and d (see evex.h).
 * Lane-based ones work on each 128-bit lane, like their SSE forms (SDM vol. 2 PSHUFB, PUNPCK*,
 * PACK*, PALIGNR); the AVX-512 ones cross lanes (VPERM*, VALIGN, VSHUFI32X4, VINSERT*).
 */
void helper_evex_shuffle(void *out, void *a, void *b, void *d, uint32_t desc)
{
    unsigned len = evex_desc_len(desc), esize = evex_desc_esize(desc);
    unsigned op = evex_desc_imm(desc) & 0x1f, imm = desc >> EVEX_DESC_IMM8_SHIFT;
    unsigned n = len / esize, lanes = len / 16, per_lane = 16 / esize;
    const ZMMReg *za = a, *zb = b, *zd = d;
    ZMMReg r = { 0 };

    switch (op) {
    case EVS_PSHUFB:
        for (unsigned i = 0; i < len; i++) {
            uint8_t c = zb->ZMM_B(i);
            r.ZMM_B(i) = c & 0x80 ? 0 : za->ZMM_B((i & ~15u) + (c & 15));
        }
        break;
    case EVS_PSHUFD:
        for (unsigned i = 0; i < len / 4; i++) {
            r.ZMM_L(i) = za->ZMM_L((i & ~3u) + ((imm >> 2 * (i & 3)) & 3));
        }
        break;
    case EVS_PSHUFHW:
    case EVS_PSHUFLW:
        for (unsigned i = 0; i < len / 2; i++) {
            unsigned j = i & 7, base = i & ~7u;
            bool shuffled = op == EVS_PSHUFHW ? j >= 4 : j < 4;
            unsigned half = j & ~3u;
            r.ZMM_W(i) = shuffled ? za->ZMM_W(base + half + ((imm >> 2 * (j & 3)) & 3))
                                  : za->ZMM_W(i);
        }
        break;
    case EVS_UNPCKL:
    case EVS_UNPCKH:
        for (unsigned l = 0; l < lanes; l++) {
            unsigned from = l * per_lane + (op == EVS_UNPCKH ? per_lane / 2 : 0);
            for (unsigned i = 0; i < per_lane / 2; i++) {
                elem_set(&r, esize, l * per_lane + 2 * i, elem_get(za, esize, from + i));
                elem_set(&r, esize, l * per_lane + 2 * i + 1, elem_get(zb, esize, from + i));
            }
        }
        break;
    case EVS_PACKSS:
    case EVS_PACKUS:
        /* esize: the destination's; each lane takes half from a, half from b */
        for (unsigned l = 0; l < lanes; l++) {
            for (unsigned i = 0; i < per_lane; i++) {
                const ZMMReg *src = i < per_lane / 2 ? za : zb;
                unsigned j = l * per_lane / 2 + i % (per_lane / 2);
                int64_t v = elem_get_signed(src, esize * 2, j);
                elem_set(&r, esize, l * per_lane + i, saturate(v, esize, op == EVS_PACKSS));
            }
        }
        break;
    case EVS_PALIGNR:
        /* per lane: (a:b) >> imm bytes */
        for (unsigned l = 0; l < lanes; l++) {
            for (unsigned i = 0; i < 16; i++) {
                unsigned k = i + imm;
                r.ZMM_B(l * 16 + i) = k < 16 ? zb->ZMM_B(l * 16 + k) :
                                      k < 32 ? za->ZMM_B(l * 16 + k - 16) : 0;
            }
        }
        break;
    case EVS_VALIGN:
        /* (a:b) >> (imm mod n) elements, across the whole vector */
        for (unsigned i = 0; i < n; i++) {
            unsigned k = i + (imm & (n - 1));
            elem_set(&r, esize, i, k < n ? elem_get(zb, esize, k) : elem_get(za, esize, k - n));
        }
        break;
    case EVS_PERM:
        /* VPERMD/Q/W: indices in a, table in b */
        for (unsigned i = 0; i < n; i++) {
            elem_set(&r, esize, i, elem_get(zb, esize, elem_get(za, esize, i) & (n - 1)));
        }
        break;
    case EVS_PERMQ_IMM:
        for (unsigned i = 0; i < n; i++) {
            elem_set(&r, esize, i, elem_get(zb, esize, (i & ~3u) + ((imm >> 2 * (i & 3)) & 3)));
        }
        break;
    case EVS_PERMT2:
    case EVS_PERMI2:
        /*
         * Two tables of n elements, selected by index bit log2(n): VPERMT2 takes the indices
         * from a and the tables from d (first) and b; VPERMI2 the indices from d and the
         * tables from a (first) and b.
         */
        for (unsigned i = 0; i < n; i++) {
            uint64_t idx = elem_get(op == EVS_PERMT2 ? za : zd, esize, i);
            const ZMMReg *first = op == EVS_PERMT2 ? zd : za;
            elem_set(&r, esize, i, elem_get(idx & n ? zb : first, esize, idx & (n - 1)));
        }
        break;
    case EVS_SHUF128:
        /* 128-bit lanes: the low half of the result from a, the high half from b */
        for (unsigned l = 0; l < lanes; l++) {
            unsigned bits = lanes == 4 ? 2 : 1;
            unsigned sel = (imm >> (l * bits)) & ((1u << bits) - 1);
            r.ZMM_X(l) = (l < lanes / 2 ? za : zb)->ZMM_X(sel);
        }
        break;
    case EVS_INSERT:
        /* a with its imm-th block of esize*... bytes replaced by b: esize is the block in
         * 16-byte units (1: 128 bits, 2: 256 bits) */
        r = *za;
        for (unsigned k = 0; k < esize; k++) {
            unsigned blocks = len / (16 * esize);
            r.ZMM_X((imm & (blocks - 1)) * esize + k) = zb->ZMM_X(k);
        }
        break;
    case EVS_SHUFP:
        /* VSHUFPS: per lane, two dwords of a then two of b by imm8 pairs; VSHUFPD: per
         * qword pair, one of a and one of b by one imm8 bit each */
        for (unsigned i = 0; i < n; i++) {
            const ZMMReg *src = (i & 1 && esize == 8) || (esize == 4 && (i & 2)) ? zb : za;
            unsigned sel = esize == 4 ? (i & ~3u) + ((imm >> 2 * (i & 3)) & 3)
                                      : (i & ~1u) + ((imm >> i) & 1);
            elem_set(&r, esize, i, elem_get(src, esize, sel));
        }
        break;
    case EVS_BSLL:
    case EVS_BSRL:
        /* VPSLLDQ/VPSRLDQ: each 128-bit lane of b shifted by imm8 bytes */
        for (unsigned i = 0; i < len; i++) {
            unsigned j = i & 15, base = i & ~15u;
            int from = op == EVS_BSLL ? (int)j - (int)imm : (int)(j + imm);
            r.ZMM_B(i) = from >= 0 && from < 16 ? zb->ZMM_B(base + from) : 0;
        }
        break;
    case EVS_MOVDDUP:
        for (unsigned i = 0; i < len / 8; i++) {
            r.ZMM_Q(i) = zb->ZMM_Q(i & ~1u);
        }
        break;
    case EVS_MOVSLDUP:
    case EVS_MOVSHDUP:
        for (unsigned i = 0; i < len / 4; i++) {
            r.ZMM_L(i) = zb->ZMM_L((i & ~1u) + (op == EVS_MOVSHDUP));
        }
        break;
    case EVS_PERMIL_IMM:
    case EVS_PERMIL_VAR:
        /* within each 128-bit lane: VPERMILPS by 2-bit selectors, VPERMILPD by one bit; the
         * selectors come from imm8 (repeated per lane) or from the elements of a */
        for (unsigned i = 0; i < n; i++) {
            unsigned per = 16 / esize, lane = i / per * per, sel;
            if (op == EVS_PERMIL_IMM) {
                sel = esize == 4 ? (imm >> 2 * (i % 4)) & 3 : (imm >> (i % 8)) & 1;
                elem_set(&r, esize, i, elem_get(zb, esize, lane + sel));
            } else {
                /* VPERMILPS/PD zmm1, zmm2 (data), zmm3/m (control) */
                sel = esize == 4 ? elem_get(zb, 4, i) & 3 : (elem_get(zb, 8, i) >> 1) & 1;
                elem_set(&r, esize, i, elem_get(za, esize, lane + sel));
            }
        }
        break;
    case EVS_NARROW: {
        /* VPMOV[S|US]{WB,DB,QB,DW,QW,QD}: a's elements, truncated (imm8 0) or saturated signed
         * (1) or unsigned (2) to the result's size; len is the result's */
        unsigned src_size = 1u << ((desc >> EVEX_DESC_SRC_SHIFT) & 3);
        int64_t hi = esize == 8 ? INT64_MAX : (INT64_C(1) << (8 * esize)) - 1;
        for (unsigned i = 0; i < n; i++) {
            uint64_t v = elem_get(za, src_size, i);
            if (imm == 1) {
                v = saturate(elem_get_signed(za, src_size, i), esize, true);
            } else if (imm == 2) {
                v = v > (uint64_t)hi ? (uint64_t)hi : v;
            }
            elem_set(&r, esize, i, v);
        }
        break;
    }
    case EVS_DBPSADBW: {
        /*
         * VDBPSADBW: b's dwords shuffled by imm8 within each 128-bit lane, then per qword four
         * word sums of absolute differences: a's bytes 0-3 against the shuffled bytes 0-3 and
         * 1-4, a's bytes 4-7 against bytes 2-5 and 3-6 (SDM vol. 2 VDBPSADBW).
         */
        ZMMReg t;
        static const uint8_t a_at[4] = { 0, 0, 4, 4 }, t_at[4] = { 0, 1, 2, 3 };

        for (unsigned i = 0; i < len / 4; i++) {
            t.ZMM_L(i) = zb->ZMM_L((i & ~3u) + ((imm >> 2 * (i & 3)) & 3));
        }
        for (unsigned q = 0; q < len / 8; q++) {
            for (unsigned w = 0; w < 4; w++) {
                unsigned sum = 0;
                for (unsigned k = 0; k < 4; k++) {
                    sum += abs((int)za->ZMM_B(8 * q + a_at[w] + k) -
                               (int)t.ZMM_B(8 * q + t_at[w] + k));
                }
                r.ZMM_W(4 * q + w) = sum;
            }
        }
        break;
    }
    case EVS_ZX:
    case EVS_SX: {
        unsigned src_size = 1u << ((desc >> EVEX_DESC_SRC_SHIFT) & 3);
        for (unsigned i = 0; i < n; i++) {
            elem_set(&r, esize, i, op == EVS_SX ? (uint64_t)elem_get_signed(zb, src_size, i)
                                                 : elem_get(zb, src_size, i));
        }
        break;
    }
    }
    memcpy(out, &r, sizeof(r));
}

/* ---- floating point ---- */

/*
 * Embedded rounding and SAE (SDM vol. 1 15.6.4): the instruction rounds as EVEX.RC says and
 * reports no exception, whatever MXCSR holds. Returns what fp_finish() needs to undo it.
 */
#define MXCSR_DE (1u << 1)    /* MXCSR bit 1, denormal operand (SDM vol. 1 10.2.3) */

typedef struct FpSave {
    FloatRoundMode round;
    int flags;
} FpSave;

static FpSave fp_begin(CPUX86State *env, uint32_t desc)
{
    static const FloatRoundMode rc[4] = {
        float_round_nearest_even, float_round_down, float_round_up, float_round_to_zero,
    };
    FpSave save = { get_float_rounding_mode(&env->sse_status),
                    get_float_exception_flags(&env->sse_status) };

    if (desc & EVEX_DESC_FP_ER) {
        set_float_rounding_mode(rc[(desc >> EVEX_DESC_FP_RC_SHIFT) & 3], &env->sse_status);
    }
    return save;
}

/*
 * MXCSR.DE: a denormal source was used (not flushed by DAZ). Softfloat reports it with
 * x86's rules (float_flag_input_denormal_used); upstream's SSE code leaves DE alone, so it is
 * set here directly, where MXCSR keeps the flags softfloat does not hold.
 */
static void fp_finish(CPUX86State *env, uint32_t desc, FpSave save)
{
    int flags = get_float_exception_flags(&env->sse_status);

    set_float_rounding_mode(save.round, &env->sse_status);
    if (desc & EVEX_DESC_FP_SAE) {
        set_float_exception_flags(save.flags, &env->sse_status);
        return;
    }
    if (flags & float_flag_input_denormal_used) {
        env->mxcsr |= MXCSR_DE;
        set_float_exception_flags(flags & ~float_flag_input_denormal_used, &env->sse_status);
    }
}

/* min/max as x86 does: the second operand if either is a NaN or both are zeros (MINPS). */
static uint64_t fp_op(CPUX86State *env, unsigned op, unsigned esize, uint64_t x, uint64_t y)
{
    float_status *st = &env->sse_status;
    uint64_t v;

    if (op == EVF_MOV) {
        return y;               /* VMOVSS/VMOVSD: no arithmetic, no exception */
    }

    if (esize == 4) {
        float32 a = make_float32(x), b = make_float32(y);
        switch (op) {
        case EVF_ADD:
            return float32_val(float32_add(a, b, st));
        case EVF_SUB:
            return float32_val(float32_sub(a, b, st));
        case EVF_MUL:
            return float32_val(float32_mul(a, b, st));
        case EVF_DIV:
            return float32_val(float32_div(a, b, st));
        case EVF_MIN:
        case EVF_MAX:
            v = op == EVF_MIN ? (float32_lt(a, b, st) ? x : y) : (float32_lt(b, a, st) ? x : y);
            /* with DAZ, a denormal operand counts as (and is returned as) a signed zero */
            if (get_flush_inputs_to_zero(st) && float32_is_zero_or_denormal(make_float32(v))) {
                v &= 0x80000000u;
            }
            return v;
        default:
            return float32_val(float32_sqrt(b, st));
        }
    } else {
        float64 a = make_float64(x), b = make_float64(y);
        switch (op) {
        case EVF_ADD:
            return float64_val(float64_add(a, b, st));
        case EVF_SUB:
            return float64_val(float64_sub(a, b, st));
        case EVF_MUL:
            return float64_val(float64_mul(a, b, st));
        case EVF_DIV:
            return float64_val(float64_div(a, b, st));
        case EVF_MIN:
        case EVF_MAX:
            v = op == EVF_MIN ? (float64_lt(a, b, st) ? x : y) : (float64_lt(b, a, st) ? x : y);
            if (get_flush_inputs_to_zero(st) && float64_is_zero_or_denormal(make_float64(v))) {
                v &= UINT64_C(0x8000000000000000);
            }
            return v;
        default:
            return float64_val(float64_sqrt(b, st));
        }
    }
}

/*
 * Scalar forms compute element 0 under mask bit 0 (else keep d's, or zero), take elements 1-3
 * (of 128 bits) from a and zero the rest; packed forms compute the selected elements only, so
 * masked-off ones raise no exception (SDM vol. 1 15.6.1), and leave the blend to the epilogue.
 */
static void fp_store(ZMMReg *r, const ZMMReg *a, const ZMMReg *d, uint32_t desc,
                     uint64_t mask, uint64_t v0)
{
    unsigned esize = evex_desc_esize(desc);

    *r = *a;
    zero_above(r, 16);
    elem_set(r, esize, 0, (mask & 1) ? v0 : desc & EVEX_DESC_ZERO ? 0 : elem_get(d, esize, 0));
}

/* One element's result: element i of the sources, the operation in desc. */
typedef uint64_t FpElemFn(CPUX86State *env, uint32_t desc, const ZMMReg *d, const ZMMReg *a,
                          const ZMMReg *b, unsigned i);

/*
 * The frame of every floating-point helper: rounding and exception flags around it (fp_begin,
 * fp_finish), then a scalar form's element 0 (elements 1-3 from upper, fp_store) or each
 * selected element of a packed form, into out. Always inlined, with fn: no call per element.
 */
static inline QEMU_ALWAYS_INLINE void fp_apply(CPUX86State *env, void *out,
                                                const ZMMReg *upper, const ZMMReg *d,
                                                const ZMMReg *a, const ZMMReg *b,
                                                uint64_t mask, uint32_t desc, FpElemFn *fn)
{
    unsigned len = evex_desc_len(desc), esize = evex_desc_esize(desc);
    FpSave save = fp_begin(env, desc);
    ZMMReg r = { 0 };

    if (desc & EVEX_DESC_FP_SCALAR) {
        fp_store(&r, upper, d, desc, mask, mask & 1 ? fn(env, desc, d, a, b, 0) : 0);
    } else {
        for (unsigned i = 0; i < len / esize; i++) {
            if ((mask >> i) & 1) {
                elem_set(&r, esize, i, fn(env, desc, d, a, b, i));
            }
        }
    }
    fp_finish(env, desc, save);
    memcpy(out, &r, sizeof(r));
}

static inline QEMU_ALWAYS_INLINE uint64_t fp_elem(CPUX86State *env, uint32_t desc,
                                                  const ZMMReg *d, const ZMMReg *a,
                                                  const ZMMReg *b, unsigned i)
{
    unsigned esize = evex_desc_esize(desc);

    return fp_op(env, evex_desc_imm(desc), esize, elem_get(a, esize, i), elem_get(b, esize, i));
}

void helper_evex_fp(CPUX86State *env, void *out, void *a, void *b, void *d, uint64_t mask,
                    uint32_t desc)
{
    fp_apply(env, out, a, d, a, b, mask, desc, fp_elem);
}

/*
 * VFMADD/VFMSUB/VFNMADD/VFNMSUB/VFMADDSUB/VFMSUBADD 132, 213, 231: d is the destination's
 * old value, a vvvv, b ModRM.rm (SDM vol. 2 VFMADD132PS).
 */
static inline QEMU_ALWAYS_INLINE uint64_t fma_elem(CPUX86State *env, uint32_t desc,
                                                   const ZMMReg *d, const ZMMReg *a,
                                                   const ZMMReg *b, unsigned i)
{
    unsigned esize = evex_desc_esize(desc);
    int flags = (desc >> (i & 1 ? EVEX_FMA_ODD_SHIFT : EVEX_FMA_EVEN_SHIFT)) & 15;
    uint64_t dv = elem_get(d, esize, i), av = elem_get(a, esize, i), bv = elem_get(b, esize, i);
    uint64_t x, y, z;

    switch ((desc >> EVEX_FMA_ORDER_SHIFT) & 3) {
    case 0:             /* 132: d * b + a */
        x = dv, y = bv, z = av;
        break;
    case 1:             /* 213: a * d + b */
        x = av, y = dv, z = bv;
        break;
    default:            /* 231: a * b + d */
        x = av, y = bv, z = dv;
        break;
    }
    if (esize == 4) {
        return float32_val(float32_muladd(make_float32(x), make_float32(y), make_float32(z),
                                          flags, &env->sse_status));
    }
    return float64_val(float64_muladd(make_float64(x), make_float64(y), make_float64(z),
                                      flags, &env->sse_status));
}

void helper_evex_fma(CPUX86State *env, void *out, void *d, void *a, void *b, uint64_t mask,
                     uint32_t desc)
{
    /* the upper elements of a scalar FMA come from the destination */
    fp_apply(env, out, d, d, a, b, mask, desc, fma_elem);
}

/*
 * VCMPPS/PD/SS/SD into a mask: imm8[4:0] is one of 32 predicates (SDM vol. 2 VCMPPS table
 * 3-1): a relation, and whether a QNaN operand signals invalid. Only selected elements are
 * compared (and can raise exceptions).
 */
uint64_t helper_evex_fcmp(CPUX86State *env, void *a, void *b, uint64_t mask, uint32_t desc)
{
    /* relation bits: which of less, equal, greater, unordered make the predicate true */
    static const uint8_t rel[16] = {
        0x2, 0x1, 0x3, 0x8, 0xd, 0xe, 0xc, 0x7, 0xa, 0x9, 0xb, 0x0, 0x5, 0x6, 0x4, 0xf,
    };
    static const uint16_t signaling = 0x6666;   /* predicates 1, 2, 5, 6, 9, 10, 13, 14 */
    unsigned len = evex_desc_len(desc), esize = evex_desc_esize(desc);
    unsigned pred = (desc >> EVEX_DESC_IMM8_SHIFT) & 31;
    bool sig = ((signaling >> (pred & 15)) & 1) ^ (pred >> 4);
    FpSave save = fp_begin(env, desc);
    unsigned n = desc & EVEX_DESC_FP_SCALAR ? 1 : len / esize;
    uint64_t result = 0;

    for (unsigned i = 0; i < n; i++) {
        FloatRelation fr;
        int bit;

        if (!((mask >> i) & 1)) {
            continue;
        }
        if (esize == 4) {
            float32 x = make_float32(elem_get(a, 4, i)), y = make_float32(elem_get(b, 4, i));
            fr = sig ? float32_compare(x, y, &env->sse_status)
                     : float32_compare_quiet(x, y, &env->sse_status);
        } else {
            float64 x = make_float64(elem_get(a, 8, i)), y = make_float64(elem_get(b, 8, i));
            fr = sig ? float64_compare(x, y, &env->sse_status)
                     : float64_compare_quiet(x, y, &env->sse_status);
        }
        bit = fr == float_relation_less ? 1 : fr == float_relation_equal ? 2 :
              fr == float_relation_greater ? 4 : 8;
        result |= (uint64_t)((rel[pred & 15] & bit) != 0) << i;
    }
    fp_finish(env, desc, save);
    return result;
}

/*
 * One conversion; float to integer gives the integer indefinite value when the result does
 * not fit or the source is a NaN (SDM vol. 1 4.8.3.7: 80000000H signed, FFFFFFFFH unsigned
 * for the AVX-512 unsigned forms), where softfloat would saturate.
 */
static uint64_t cvt_one(CPUX86State *env, unsigned kind, unsigned from, unsigned to,
                        uint64_t v)
{
    float_status *st = &env->sse_status;
    int old = get_float_exception_flags(st);
    uint64_t r;

    switch (kind) {
    case EVC_I2F:
        if (to == 4) {
            r = float32_val(from == 4 ? int32_to_float32(v, st) : int64_to_float32(v, st));
        } else {
            r = float64_val(from == 4 ? int32_to_float64(v, st) : int64_to_float64(v, st));
        }
        return r;
    case EVC_U2F:
        if (to == 4) {
            r = float32_val(from == 4 ? uint32_to_float32(v, st) : uint64_to_float32(v, st));
        } else {
            r = float64_val(from == 4 ? uint32_to_float64(v, st) : uint64_to_float64(v, st));
        }
        return r;
    case EVC_F2F:
        return to == 8 ? float64_val(float32_to_float64(make_float32(v), st))
                       : float32_val(float64_to_float32(make_float64(v), st));
    case EVC_H2F: {
        /* exact: a denormal half is neither flushed (DAZ) nor reported (DE) (measured) */
        bool daz = get_flush_inputs_to_zero(st);

        set_flush_inputs_to_zero(false, st);
        r = float32_val(float16_to_float32(make_float16(v), true, st));
        set_flush_inputs_to_zero(daz, st);
        set_float_exception_flags(get_float_exception_flags(st) &
                                  ~float_flag_input_denormal_used, st);
        return r;
    }
    case EVC_F2H: {
        /* FTZ does not apply: denormal halves are produced (measured) */
        bool ftz = get_flush_to_zero(st);

        set_flush_to_zero(false, st);
        r = float16_val(float32_to_float16(make_float32(v), true, st));
        set_flush_to_zero(ftz, st);
        return r;
    }
    }
    set_float_exception_flags(old & ~float_flag_invalid, st);
    {
        bool t = kind == EVC_F2I_T || kind == EVC_F2U_T;
        bool u = kind == EVC_F2U || kind == EVC_F2U_T;

        if (from == 4) {
            float32 f = make_float32(v);
            if (to == 4) {
                r = u ? (t ? float32_to_uint32_round_to_zero(f, st) : float32_to_uint32(f, st))
                      : (uint32_t)(t ? float32_to_int32_round_to_zero(f, st)
                                     : float32_to_int32(f, st));
            } else {
                r = u ? (t ? float32_to_uint64_round_to_zero(f, st) : float32_to_uint64(f, st))
                      : (uint64_t)(t ? float32_to_int64_round_to_zero(f, st)
                                     : float32_to_int64(f, st));
            }
        } else {
            float64 f = make_float64(v);
            if (to == 4) {
                r = u ? (t ? float64_to_uint32_round_to_zero(f, st) : float64_to_uint32(f, st))
                      : (uint32_t)(t ? float64_to_int32_round_to_zero(f, st)
                                     : float64_to_int32(f, st));
            } else {
                r = u ? (t ? float64_to_uint64_round_to_zero(f, st) : float64_to_uint64(f, st))
                      : (uint64_t)(t ? float64_to_int64_round_to_zero(f, st)
                                     : float64_to_int64(f, st));
            }
        }
        if (get_float_exception_flags(st) & float_flag_invalid) {
            r = u ? (to == 4 ? UINT32_MAX : UINT64_MAX)
                  : (to == 4 ? UINT64_C(0x80000000) : UINT64_C(0x8000000000000000));
            /* x86 reports only invalid then, not inexact */
            set_float_exception_flags((get_float_exception_flags(st) & ~float_flag_inexact) |
                                      (old & float_flag_inexact), st);
        }
        set_float_exception_flags(get_float_exception_flags(st) | old, st);
    }
    return r;
}

/* VCVT*: element i of the source to element i of the result (len and esize: the result's). */
/*
 * a: vvvv (scalar forms: elements 1-3), src: the source, d: the destination's old value
 * (scalar forms: element 0 under a zero mask bit with merging).
 */
static inline QEMU_ALWAYS_INLINE uint64_t cvt_elem(CPUX86State *env, uint32_t desc,
                                                   const ZMMReg *d, const ZMMReg *a,
                                                   const ZMMReg *src, unsigned i)
{
    unsigned from = 1u << ((evex_desc_imm(desc) >> 4) & 3);

    return cvt_one(env, evex_desc_imm(desc) & 15, from, evex_desc_esize(desc),
                   elem_get(src, from, i));
}

void helper_evex_cvt(CPUX86State *env, void *out, void *a, void *src, void *d, uint64_t mask,
                     uint32_t desc)
{
    fp_apply(env, out, a, d, a, src, mask, desc, cvt_elem);
}

#include "evex-fpx.c.inc"

/*
 * VGETEXP, VGETMANT, VRNDSCALE, VREDUCE, VRCP14, VRSQRT14 (one source, b), VRANGE, VSCALEF
 * (a and b), VFIXUPIMM (d, a and the table b): packed, or element 0 of a scalar form
 * (EVEX_DESC_FP_SCALAR).
 */
static inline QEMU_ALWAYS_INLINE uint64_t fpx_elem(CPUX86State *env, uint32_t desc,
                                                   const ZMMReg *d, const ZMMReg *a,
                                                   const ZMMReg *b, unsigned i)
{
    unsigned esize = evex_desc_esize(desc);

    return fx_op(env, evex_desc_imm(desc), esize, elem_get(d, esize, i), elem_get(a, esize, i),
                 elem_get(b, esize, i), desc >> EVEX_DESC_IMM8_SHIFT);
}

void helper_evex_fpx(CPUX86State *env, void *out, void *a, void *b, void *d, uint64_t mask,
                     uint32_t desc)
{
    fp_apply(env, out, a, d, a, b, mask, desc, fpx_elem);
}

/* VFPCLASS into a mask: imm8 (EVEX_DESC_IMM8) selects the classes. */
uint64_t helper_evex_fpclass(CPUX86State *env, void *b, uint64_t mask, uint32_t desc)
{
    unsigned len = evex_desc_len(desc), esize = evex_desc_esize(desc);
    unsigned imm = desc >> EVEX_DESC_IMM8_SHIFT, n = desc & EVEX_DESC_FP_SCALAR ? 1 : len / esize;
    const FpFormat *f = esize == 4 ? &fmt32 : &fmt64;
    uint64_t k = 0;

    for (unsigned i = 0; i < n; i++) {
        if (((mask >> i) & 1) && fx_fpclass(f, elem_get(b, esize, i), imm, &env->sse_status)) {
            k |= 1ull << i;
        }
    }
    return k;
}

/*
 * VCOMISS/SD and VUCOMISS/SD (imm 1: quiet, invalid only for SNaN): ZF, PF, CF as
 * unordered 111, less 001, equal 100, greater 000; OF, SF, AF cleared.
 */
void helper_evex_comis(CPUX86State *env, void *a, void *b, uint32_t desc)
{
    static const uint32_t eflags[4] = { CC_C, CC_Z, 0, CC_Z | CC_P | CC_C };
    float_status *st = &env->sse_status;
    bool quiet = evex_desc_imm(desc);
    FpSave save = fp_begin(env, desc);
    FloatRelation r;

    if (evex_desc_esize(desc) == 4) {
        float32 x = make_float32(elem_get(a, 4, 0)), y = make_float32(elem_get(b, 4, 0));
        r = quiet ? float32_compare_quiet(x, y, st) : float32_compare(x, y, st);
    } else {
        float64 x = make_float64(elem_get(a, 8, 0)), y = make_float64(elem_get(b, 8, 0));
        r = quiet ? float64_compare_quiet(x, y, st) : float64_compare(x, y, st);
    }
    fp_finish(env, desc, save);
    env->cc_src = eflags[r + 1];
}

/* ---- compress and expand (VPCOMPRESS*, VCOMPRESSP*, VPEXPAND*, VEXPANDP*) ---- */

/*
 * Register forms (EVS_COMPRESS, EVS_EXPAND in the imm field): the selected elements of src
 * packed to the low end, or the low elements of src spread over the selected positions; the
 * other elements keep d's value (merging) or are zeroed. The mask (all ones without one) is
 * applied here, not by the epilogue.
 */
void helper_evex_select(void *out, void *src, void *d, uint64_t mask, uint32_t desc)
{
    unsigned len = evex_desc_len(desc), esize = evex_desc_esize(desc);
    bool compress = evex_desc_imm(desc) == EVS_COMPRESS;
    unsigned n = len / esize, j = 0;
    ZMMReg r = { 0 };

    for (unsigned i = 0; i < n; i++) {
        if (!(desc & EVEX_DESC_ZERO)) {
            elem_set(&r, esize, i, elem_get(d, esize, i));
        }
    }
    for (unsigned i = 0; i < n; i++) {
        if ((mask >> i) & 1) {
            if (compress) {
                elem_set(&r, esize, j++, elem_get(src, esize, i));
            } else {
                elem_set(&r, esize, i, elem_get(src, esize, j++));
            }
        }
    }
    memcpy(out, &r, sizeof(r));
}

static unsigned selected(uint64_t mask, unsigned len, unsigned esize)
{
    return ctpop64(mask & elements_of(len, esize));
}

/* Compress to memory: the selected elements, contiguous, and only their bytes are touched. */
void helper_evex_compress_store(CPUX86State *env, target_ulong addr, void *src, uint64_t mask,
                                uint32_t desc)
{
    uintptr_t ra = GETPC();
    unsigned len = evex_desc_len(desc), esize = evex_desc_esize(desc);
    unsigned count = selected(mask, len, esize), j = 0;

    check_gp(env, addr, count * esize, evex_desc(count * esize, 0, 0),
             count ? UINT64_MAX : 0, ra);
    probe_range(env, addr, count * esize, MMU_DATA_STORE, ra);
    for (unsigned i = 0; i < len / esize; i++) {
        if ((mask >> i) & 1) {
            store_elem(env, addr + esize * j++, esize, elem_get(src, esize, i), ra);
        }
    }
}

/* Expand from memory: as many contiguous elements as the mask selects, read and spread. */
void helper_evex_expand_load(CPUX86State *env, void *out, target_ulong addr, void *d,
                             uint64_t mask, uint32_t desc)
{
    uintptr_t ra = GETPC();
    unsigned len = evex_desc_len(desc), esize = evex_desc_esize(desc);
    unsigned count = selected(mask, len, esize);
    ZMMReg loaded = { 0 };

    check_gp(env, addr, count * esize, evex_desc(count * esize, 0, 0),
             count ? UINT64_MAX : 0, ra);
    probe_range(env, addr, count * esize, MMU_DATA_LOAD, ra);
    for (unsigned j = 0; j < count; j++) {
        elem_set(&loaded, esize, j, load_elem(env, addr + esize * j, esize, ra));
    }
    helper_evex_select(out, &loaded, d, mask,
                       (desc & ~(0xffu << EVEX_DESC_IMM_SHIFT)) |
                       EVS_EXPAND << EVEX_DESC_IMM_SHIFT);
}

/*
 * Gathers and scatters (VPGATHER*, VGATHER*, VPSCATTER*, VSCATTER*; SDM vol. 2, "VPGATHERDD"
 * and "VPSCATTERDD"): element i at base + sign-extended index[i] << scale, for each element the
 * mask selects, from the lowest up. Each completed element clears its mask bit at once, so a
 * fault leaves the lower elements done and their bits clear, as the SDM requires and the
 * silicon does; the instruction can be restarted. Afterwards the whole mask is zero and a
 * gather zeroes its destination above the elements it has. A fault leaves the mask's upper
 * bits, and zeroes above the elements only if one was loaded (measured on AMD Zen 5: a fault
 * on the first selected element leaves the destination whole).
 */
void helper_evex_vsib(CPUX86State *env, void *data, void *index, void *kreg, target_ulong base,
                      uint32_t desc)
{
    uintptr_t ra = GETPC();
    unsigned esize = evex_desc_esize(desc), n = evex_desc_len(desc) / esize;
    unsigned how = evex_desc_imm(desc), isize = how & EVV_INDEX_Q ? 8 : 4;
    unsigned scale = (how >> EVV_SCALE_SHIFT) & 3;
    uint64_t *k = kreg;
    ZMMReg *v = data;

    for (unsigned i = 0; i < n; i++) {
        target_ulong addr;

        if (!((*k >> i) & 1)) {
            continue;
        }
        addr = base + ((target_ulong)elem_get_signed(index, isize, i) << scale);
        if (how & EVV_ADDR32) {
            addr = (uint32_t)addr;
        }
        if (!canonical(env, addr) || !canonical(env, addr + esize - 1)) {
            raise_exception_ra(env, EXCP0D_GPF, ra);
        }
        /* first, so a fault reports the element's own address, not an aligned word's */
        probe_range(env, addr, esize, how & EVV_SCATTER ? MMU_DATA_STORE : MMU_DATA_LOAD, ra);
        if (how & EVV_SCATTER) {
            store_elem(env, addr, esize, elem_get(v, esize, i), ra);
        } else {
            elem_set(v, esize, i, load_elem(env, addr, esize, ra));
            /*
             * The register is written: zeroed above VL, also when a later element faults.
             * VL is the index's length: with qword indices and dword data, the data's upper
             * half stays until the instruction completes (measured).
             */
            memset((uint8_t *)v + n * MAX(esize, isize), 0, sizeof(ZMMReg) - n * MAX(esize, isize));
        }
        *k &= ~(1ull << i);
    }
    *k = 0;
    if (!(how & EVV_SCATTER)) {
        memset((uint8_t *)v + n * esize, 0, sizeof(ZMMReg) - n * esize);
    }
}
