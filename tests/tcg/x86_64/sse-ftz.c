/*
 * sse-ftz: which results MXCSR.FTZ flushes to zero. x86 detects underflow after rounding
 * (SDM vol. 1, 10.2.3.3), at full precision with an unbounded exponent: a result just below
 * the smallest normal that rounds to it is kept, one that stays below it (even if the
 * denormal rounding would reach it) is flushed. Upstream QEMU detected it before rounding;
 * patch "target/i386: SSE flush-to-zero after rounding" fixes it. MULSS, MULSD,
 * VFMADD231SS and ADDPS in each rounding mode, with FTZ on and off, judged natively.
 *
 * test ftz: -xcr0 host -xsave-layout host => native
 * build: -O2 -static -mfma
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t f2u(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float u2f(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static uint64_t d2u(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static double u2d(uint64_t u)
{
    double d;
    memcpy(&d, &u, 8);
    return d;
}

int main(void)
{
    /* x * y lands just below, at, or just above the smallest normal (2^-126 or 2^-1022) */
    static const uint32_t fx[] = { 0x00ffffffu, 0x00fffffeu, 0x00800000u, 0x00800001u, 0x80ffffffu };
    static const uint64_t dx[] = { 0x001fffffffffffffull, 0x001ffffffffffffeull, 0x0010000000000000ull };

    for (unsigned mode = 0; mode < 8; mode++) {
        uint32_t mxcsr = 0x1f80 | (mode & 3) << 13 | (mode & 4 ? 0x8000 : 0), out;

        for (unsigned i = 0; i < sizeof(fx) / sizeof(fx[0]); i++) {
            float x = u2f(fx[i]), half = 0.5f, r1, r2, r3;
            double dxv = u2d(dx[i % 3]), dhalf = 0.5, r4;

            __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
            r1 = x;
            __asm__ volatile("mulss %1, %0" : "+x"(r1) : "x"(half));
            r2 = 0.0f;
            __asm__ volatile("vfmadd231ss %1, %2, %0" : "+x"(r2) : "x"(x), "x"(half));
            r3 = x;
            __asm__ volatile("addps %1, %0" : "+x"(r3) : "x"(u2f(0x80800000u)));
            r4 = dxv;
            __asm__ volatile("mulsd %1, %0" : "+x"(r4) : "x"(dhalf));
            __asm__ volatile("stmxcsr %0" : "=m"(out));
            __asm__ volatile("ldmxcsr %0" : : "m"((uint32_t){ 0x1f80 }));
            printf("mode %u x %08x: mulss %08x fma %08x addps %08x mulsd %016llx mxcsr %04x\n",
                   mode, fx[i], f2u(r1), f2u(r2), f2u(r3), (unsigned long long)d2u(r4), out);
        }
        {
            /* (1 + 2^-13) * 2^-126 (1 - 2^-13) = 2^-126 (1 - 2^-26): rounds to 2^-126 */
            float a = u2f(0x3f800400u), b = u2f(0x007ffc00u), r1 = a, r2 = u2f(0x00800000u);
            float p = u2f(0x17800000u), q = u2f(0x97800000u);   /* FLT_MIN - 2^-160 */
            /* the same for doubles: (1 + 2^-30) * 2^-1022 (1 - 2^-30) */
            double da = u2d(0x3ff0000004000000ull), db = u2d(0x000fffffffc00000ull), r3 = da;

            __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
            __asm__ volatile("mulss %1, %0" : "+x"(r1) : "x"(b));
            __asm__ volatile("vfmadd231ss %1, %2, %0" : "+x"(r2) : "x"(p), "x"(q));
            __asm__ volatile("mulsd %1, %0" : "+x"(r3) : "x"(db));
            __asm__ volatile("stmxcsr %0" : "=m"(out));
            __asm__ volatile("ldmxcsr %0" : : "m"((uint32_t){ 0x1f80 }));
            /* DE (a denormal operand) left out: upstream's SSE never sets it (README) */
            printf("mode %u near min: mulss %08x fma %08x mulsd %016llx mxcsr %04x\n", mode,
                   f2u(r1), f2u(r2), (unsigned long long)d2u(r3), out & ~2u);
        }
    }
    return 0;
}
