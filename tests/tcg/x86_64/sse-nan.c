/*
 * sse-nan: which NaN an SSE, AVX or AVX-512 operation returns when both operands are NaNs.
 * The SDM (vol. 1, 4.8.3.5 and table 4-7) says: for SSE and its successors, always the first
 * source operand, quieted; the "larger significand" rule is x87's only. Upstream QEMU
 * applied the x87 rule to SSE; patch "target/i386: SSE NaN propagation returns the first
 * operand" fixes it. Judged natively (and by the silicon recordings elsewhere).
 *
 * test sse: -xcr0 host -xsave-layout host -- sse => native
 * test avx: -xcr0 host -xsave-layout host -- avx => native
 * build: -O2 -static -mavx2
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const uint32_t nans[] = {
    0x7fc00001u, 0xffc00000u, 0x7fefffffu, 0x7f800001u, 0xff900000u, 0x7fa00000u, 0x3f800000u,
};
static const uint64_t dnans[] = {
    0x7ff8000000000001ull, 0xfff8000000000000ull, 0x7ff0000000000001ull, 0xfff4000000000000ull,
    0x3ff0000000000000ull,
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

int main(int argc, char **argv)
{
    int avx = argc > 1 && !strcmp(argv[1], "avx");

    for (unsigned i = 0; i < N(nans); i++) {
        for (unsigned j = 0; j < N(nans); j++) {
            float a[4], b[4], r[4][4];
            uint32_t out[4][4];

            for (int k = 0; k < 4; k++) {
                memcpy(&a[k], &nans[i], 4);
                memcpy(&b[k], &nans[j], 4);
            }
            if (avx) {
                __m128 x = _mm_loadu_ps(a), y = _mm_loadu_ps(b);
                __asm__ volatile("vaddps %1, %2, %0" : "=x"(x) : "x"(y), "x"(x));
                _mm_storeu_ps(r[0], x);
                x = _mm_loadu_ps(a);
                __asm__ volatile("vmulps %1, %2, %0" : "=x"(x) : "x"(y), "x"(x));
                _mm_storeu_ps(r[1], x);
                x = _mm_loadu_ps(a);
                __asm__ volatile("vsubss %1, %2, %0" : "=x"(x) : "x"(y), "x"(x));
                _mm_storeu_ps(r[2], x);
                x = _mm_loadu_ps(a);
                __asm__ volatile("vdivps %1, %2, %0" : "=x"(x) : "x"(y), "x"(x));
                _mm_storeu_ps(r[3], x);
            } else {
                __m128 x = _mm_loadu_ps(a), y = _mm_loadu_ps(b);
                __asm__ volatile("addps %1, %0" : "+x"(x) : "x"(y));
                _mm_storeu_ps(r[0], x);
                x = _mm_loadu_ps(a);
                __asm__ volatile("mulps %1, %0" : "+x"(x) : "x"(y));
                _mm_storeu_ps(r[1], x);
                x = _mm_loadu_ps(a);
                __asm__ volatile("subss %1, %0" : "+x"(x) : "x"(y));
                _mm_storeu_ps(r[2], x);
                x = _mm_loadu_ps(a);
                __asm__ volatile("divps %1, %0" : "+x"(x) : "x"(y));
                _mm_storeu_ps(r[3], x);
            }
            memcpy(out, r, sizeof(out));
            printf("%08x %08x: %08x %08x %08x %08x\n", nans[i], nans[j], out[0][0], out[1][0],
                   out[2][0], out[3][0]);
        }
    }
    for (unsigned i = 0; i < N(dnans); i++) {
        for (unsigned j = 0; j < N(dnans); j++) {
            double a[2], b[2], r[2];
            uint64_t out[2];

            memcpy(&a[0], &dnans[i], 8);
            memcpy(&b[0], &dnans[j], 8);
            a[1] = a[0];
            b[1] = b[0];
            {
                __m128d x = _mm_loadu_pd(a), y = _mm_loadu_pd(b);
                if (avx) {
                    __asm__ volatile("vaddpd %1, %2, %0" : "=x"(x) : "x"(y), "x"(x));
                } else {
                    __asm__ volatile("addpd %1, %0" : "+x"(x) : "x"(y));
                }
                _mm_storeu_pd(r, x);
            }
            memcpy(out, r, sizeof(out));
            printf("%016llx %016llx: %016llx\n", (unsigned long long)dnans[i],
                   (unsigned long long)dnans[j], (unsigned long long)out[0]);
        }
    }
    return 0;
}
