/*
 * vector: the EVEX speed rows of make bench (issue 15).
 *
 *   vector strings ROUNDS   glibc's memcpy, memset, strlen, memchr, strcmp over 16 B-4 KiB
 *                           (glibc picks its _evex/_avx512 or _avx2 versions at start-up)
 *   vector kernels ROUNDS   GCC-vectorised loops (saxpy, dot, clamp, conversions, byte xor),
 *                           built for x86-64-v4 and for x86-64-v3
 *
 * Prints a checksum, so both builds and every runner can be checked for the same answer.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 4096

static float xa[N], ya[N], fa[N];
static double da[N], db[N];
static int32_t ia[N], ib[N];
static uint8_t ba[N], bb[N];

__attribute__((noinline)) static void saxpy(float a)
{
    for (int i = 0; i < N; i++) {
        ya[i] = a * xa[i] + ya[i];
    }
}

__attribute__((noinline)) static double dot(void)
{
    double s = 0;
    for (int i = 0; i < N; i++) {
        s += da[i] * db[i];
    }
    return s;
}

__attribute__((noinline)) static void clamp(void)
{
    for (int i = 0; i < N; i++) {
        fa[i] = fa[i] < 0 ? 0 : fa[i] > 1 ? 1 : fa[i];
    }
}

__attribute__((noinline)) static void convert(void)
{
    for (int i = 0; i < N; i++) {
        xa[i] = (float)ib[i];
        ia[i] = (int32_t)(fa[i] * 1000.0f);
    }
}

__attribute__((noinline)) static void bxor(void)
{
    for (int i = 0; i < N; i++) {
        bb[i] ^= ba[i];
    }
}

static uint64_t kernels(long rounds)
{
    uint64_t h = 0;

    for (int i = 0; i < N; i++) {
        xa[i] = (i % 97) * 0.01f;
        ya[i] = i % 13;
        fa[i] = (i % 31) * 0.1f - 1;
        da[i] = i * 1e-3;
        db[i] = i % 7;
        ib[i] = i % 1000 - 500;
        ba[i] = i * 7;
        bb[i] = i;
    }
    for (long r = 0; r < rounds; r++) {
        saxpy(0.5f);
        h += (uint64_t)dot();
        clamp();
        convert();
        bxor();
        h += (uint64_t)ia[r % N] + bb[r % N];
    }
    return h;
}

static uint64_t strings(long rounds)
{
    static char src[8192], dst[8192];
    uint64_t h = 0;

    for (int i = 0; i < 8191; i++) {
        src[i] = 'a' + i % 23;
    }
    for (long r = 0; r < rounds; r++) {
        size_t len = 16 + (size_t)(r * 2654435761u % 4080);

        memcpy(dst, src + (r & 63), len);
        dst[len] = 0;
        h += strlen(dst);
        {
            const char *p = memchr(dst, 'a' + r % 23, len);
            h += p ? (uint64_t)(p - dst) : len;
        }
        h += strcmp(dst, src + (r & 63)) < 0;
        memset(dst, (int)r, len / 2);
    }
    return h;
}

int main(int argc, char **argv)
{
    long rounds = argc > 2 ? atol(argv[2]) : 1000;

    if (argc > 1 && !strcmp(argv[1], "kernels")) {
        printf("%llu\n", (unsigned long long)kernels(rounds));
    } else if (argc > 1 && !strcmp(argv[1], "strings")) {
        printf("%llu\n", (unsigned long long)strings(rounds));
    } else {
        fprintf(stderr, "usage: vector strings|kernels ROUNDS\n");
        return 1;
    }
    return 0;
}
