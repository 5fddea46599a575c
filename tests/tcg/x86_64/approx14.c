/*
 * approx14: VRCP14 and VRSQRT14, the AVX-512 approximations whose bits the SDM leaves to the
 * implementation (it bounds the error by 2^-14 and names Intel's reference code as exact).
 * Judged natively: the same inputs run on the silicon and under the emulator, and every
 * result is hashed. The inputs cover, in each MXCSR mode (DAZ, FTZ, both, neither):
 *  - every one of the 2^16 leading-fraction patterns the approximation reads, at exponents
 *    around 1.0, near the overflow and the underflow of the result, with random low bits
 *    (which it must ignore) and without them (exact powers of two);
 *  - every exponent with random fractions, every denormal width, zeros, infinities, NaNs and
 *    negative values;
 *  - float32 and float64, packed (512 bits) and scalar forms.
 * One line per instruction, size and mode: the hash of the results and MXCSR afterwards.
 *
 * test host: -cpu max,+avx512f,+avx512cd,+avx512bw,+avx512dq,+avx512vl -xcr0 host -xsave-layout host => native
 * build: -O2 -static -mavx512f
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { RCP, RSQRT };

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* FNV-1a over the bytes of v. */
static void hash_in(uint64_t *h, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++) {
        *h = (*h ^ ((v >> (8 * i)) & 0xff)) * 0x100000001b3ull;
    }
}

/* A batch of 16 float32 inputs through the packed and the scalar form. */
static void run32(int op, const uint32_t in[16], uint64_t *h_packed, uint64_t *h_scalar)
{
    uint32_t out[16];
    __m512 v;

    memcpy(&v, in, 64);
    v = op == RCP ? _mm512_rcp14_ps(v) : _mm512_rsqrt14_ps(v);
    memcpy(out, &v, 64);
    for (int i = 0; i < 16; i++) {
        hash_in(h_packed, out[i], 4);
    }
    for (int i = 0; i < 16; i += 5) {
        __m128 x, r;
        uint32_t o;

        memcpy(&x, &in[i], 4);
        r = op == RCP ? _mm_rcp14_ss(_mm_set1_ps(2.5f), x) : _mm_rsqrt14_ss(_mm_set1_ps(2.5f), x);
        memcpy(&o, &r, 4);
        hash_in(h_scalar, o, 4);
    }
}

static void run64(int op, const uint64_t in[8], uint64_t *h_packed, uint64_t *h_scalar)
{
    uint64_t out[8];
    __m512d v;

    memcpy(&v, in, 64);
    v = op == RCP ? _mm512_rcp14_pd(v) : _mm512_rsqrt14_pd(v);
    memcpy(out, &v, 64);
    for (int i = 0; i < 8; i++) {
        hash_in(h_packed, out[i], 8);
    }
    for (int i = 0; i < 8; i += 3) {
        __m128d x, r;
        uint64_t o;

        memcpy(&x, &in[i], 8);
        r = op == RCP ? _mm_rcp14_sd(_mm_set1_pd(2.5), x) : _mm_rsqrt14_sd(_mm_set1_pd(2.5), x);
        memcpy(&o, &r, 8);
        hash_in(h_scalar, o, 8);
    }
}

static const uint32_t specials32[16] = {
    0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7f800001,
    0xff912345, 0x00000001, 0x807fffff, 0x3f800000, 0xbf800000, 0x7f7fffff, 0x00800000,
    0x40800000, 0xc0000000,
};

static const uint64_t specials64[8] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x7ff0000000000000ull,
    0xfff8000000000000ull, 0x7ff0000000000001ull, 0x000fffffffffffffull,
    0x7fefffffffffffffull, 0xbff0000000000000ull,
};

/* Exponents (biased) where the table is walked in full: around 1, and the result's limits. */
static const int exps32[] = { 1, 2, 125, 126, 127, 128, 129, 200, 252, 253, 254 };
static const int exps64[] = { 1, 2, 1022, 1023, 1024, 1025, 2044, 2045, 2046 };

static void float32_cases(int op, unsigned mode)
{
    uint64_t hp = 0xcbf29ce484222325ull, hs = hp;
    uint32_t in[16];

    for (size_t e = 0; e < sizeof(exps32) / sizeof(exps32[0]); e++) {
        for (uint32_t top = 0; top < 65536; top += 8) {
            for (int i = 0; i < 16; i++) {
                uint32_t t = top + (i & 7), low = i < 8 ? 0 : next() & 0x7f;

                /* negative inputs for VRCP14 only: VRSQRT14 makes them all NaN */
                in[i] = (op == RCP && (i & 1) ? 0x80000000u : 0) | (uint32_t)exps32[e] << 23 |
                        t << 7 | low;
            }
            run32(op, in, &hp, &hs);
        }
    }
    for (uint32_t e = 0; e < 256; e++) {
        for (int n = 0; n < 4; n++) {
            for (int i = 0; i < 16; i++) {
                in[i] = (uint32_t)(next() & 0x807fffff) | e << 23;
            }
            run32(op, in, &hp, &hs);
        }
    }
    for (int shift = 0; shift < 23; shift++) {
        for (int i = 0; i < 16; i++) {
            in[i] = (uint32_t)(((next() & 0x7fffff) | 0x400000) >> shift) | (uint32_t)(i & 1) << 31;
        }
        run32(op, in, &hp, &hs);
    }
    run32(op, specials32, &hp, &hs);
    printf("%-7s float32 mode %u: packed %016llx scalar %016llx mxcsr %08x\n",
           op == RCP ? "rcp14" : "rsqrt14", mode, (unsigned long long)hp,
           (unsigned long long)hs, _mm_getcsr());
}

static void float64_cases(int op, unsigned mode)
{
    uint64_t hp = 0xcbf29ce484222325ull, hs = hp;
    uint64_t in[8];

    for (size_t e = 0; e < sizeof(exps64) / sizeof(exps64[0]); e++) {
        for (uint64_t top = 0; top < 65536; top += 4) {
            for (int i = 0; i < 8; i++) {
                uint64_t t = top + (i & 3), low = i < 4 ? 0 : next() & ((1ull << 36) - 1);

                in[i] = (op == RCP && (i & 1) ? 1ull << 63 : 0) | (uint64_t)exps64[e] << 52 |
                        t << 36 | low;
            }
            run64(op, in, &hp, &hs);
        }
    }
    for (uint64_t e = 0; e < 2048; e++) {
        for (int i = 0; i < 8; i++) {
            in[i] = (next() & 0x800fffffffffffffull) | e << 52;
        }
        run64(op, in, &hp, &hs);
    }
    for (int shift = 0; shift < 52; shift++) {
        for (int i = 0; i < 8; i++) {
            in[i] = (((next() & ((1ull << 52) - 1)) | 1ull << 51) >> shift) |
                    (uint64_t)(i & 1) << 63;
        }
        run64(op, in, &hp, &hs);
    }
    run64(op, specials64, &hp, &hs);
    printf("%-7s float64 mode %u: packed %016llx scalar %016llx mxcsr %08x\n",
           op == RCP ? "rcp14" : "rsqrt14", mode, (unsigned long long)hp,
           (unsigned long long)hs, _mm_getcsr());
}

int main(void)
{
    /* mode bit 0: DAZ (MXCSR bit 6), bit 1: FTZ (bit 15); every exception masked */
    for (unsigned mode = 0; mode < 4; mode++) {
        for (int op = RCP; op <= RSQRT; op++) {
            _mm_setcsr(0x1f80 | (mode & 1 ? 0x40 : 0) | (mode & 2 ? 0x8000 : 0));
            float32_cases(op, mode);
            _mm_setcsr(0x1f80 | (mode & 1 ? 0x40 : 0) | (mode & 2 ? 0x8000 : 0));
            float64_cases(op, mode);
        }
    }
    /* Unmasked exceptions: the SDM lists none for these, so an SNaN or a zero must not trap. */
    _mm_setcsr(0x0000);
    {
        uint64_t hp = 0xcbf29ce484222325ull, hs = hp;

        run32(RCP, specials32, &hp, &hs);
        run32(RSQRT, specials32, &hp, &hs);
        run64(RCP, specials64, &hp, &hs);
        run64(RSQRT, specials64, &hp, &hs);
        printf("unmasked: %016llx %016llx mxcsr %08x\n", (unsigned long long)hp,
               (unsigned long long)hs, _mm_getcsr());
    }
    return 0;
}
