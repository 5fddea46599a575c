/*
 * glibc-evex: every implementation glibc lists for its string and memory functions
 * (__libc_ifunc_impl_list, as glibc's own string tests do), called directly over random
 * lengths, alignments, page-edge placements (the data ends at a PROT_NONE page) and embedded
 * NULs. With AVX-512 announced, the usable ones include the _evex, _evex512 and _avx512
 * variants (issue 15); each function prints the implementations it ran and a hash of their
 * results. Natively and under the emulator both must be identical: the same ifunc set and the
 * same results.
 *
 * build: -O2 -static -fno-builtin
 * test evex: -cpu max,+avx512f,+avx512bw,+avx512dq,+avx512vl -xcr0 host -xsave-layout host -- 20261203 1000 => native
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wchar.h>

struct libc_ifunc_impl {
    const char *name;
    void (*fn)(void);
    bool usable;
};
extern size_t __libc_ifunc_impl_list(const char *name, struct libc_ifunc_impl *array,
                                     size_t max);

enum sig {
    LEN, NLEN, CHR, CMP, NCMP, MEMCHR, COPY, SET, STRCPY, STRNCPY, STRSTR,
};

struct fn {
    const char *name;
    enum sig sig;
    int wide;          /* wchar_t elements */
};

static const struct fn fns[] = {
    { "strlen", LEN, 0 }, { "strnlen", NLEN, 0 }, { "wcslen", LEN, 1 }, { "wcsnlen", NLEN, 1 },
    { "strchr", CHR, 0 }, { "strchrnul", CHR, 0 }, { "strrchr", CHR, 0 },
    { "rawmemchr", CHR, 0 }, { "wcschr", CHR, 1 }, { "wcsrchr", CHR, 1 },
    { "strcmp", CMP, 0 }, { "strcasecmp", CMP, 0 }, { "wcscmp", CMP, 1 },
    { "strncmp", NCMP, 0 }, { "strncasecmp", NCMP, 0 }, { "memcmp", NCMP, 0 },
    { "__memcmpeq", NCMP, 0 }, { "wmemcmp", NCMP, 1 }, { "wcsncmp", NCMP, 1 },
    { "memchr", MEMCHR, 0 }, { "memrchr", MEMCHR, 0 }, { "wmemchr", MEMCHR, 1 },
    { "memmove", COPY, 0 }, { "memcpy", COPY, 0 }, { "mempcpy", COPY, 0 },
    { "memset", SET, 0 }, { "wmemset", SET, 1 },
    { "strcpy", STRCPY, 0 }, { "stpcpy", STRCPY, 0 }, { "strcat", STRCPY, 0 },
    { "strncpy", STRNCPY, 0 }, { "stpncpy", STRNCPY, 0 }, { "strncat", STRNCPY, 0 },
    { "strstr", STRSTR, 0 },
};

static uint64_t rng;

static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

#define REGION (64 * 1024)

static uint8_t *src_base, *dst_base;  /* each REGION bytes followed by a PROT_NONE page */

static uint64_t off(const void *p, const uint8_t *base)
{
    return p ? (uint64_t)((const uint8_t *)p - base) : UINT64_MAX;
}

/*
 * One call: a string or buffer of n elements (small alphabet, some NULs unless a string must
 * end at n) placed at an alignment or against the guard page.
 */
static uint64_t one_call(const struct fn *f, void (*fn)(void), uint64_t h)
{
    size_t es = f->wide ? sizeof(wchar_t) : 1;
    size_t maxn = rnd() % 8 ? 300 : 5000;
    size_t n = rnd() % maxn, bytes = (n + 1) * es;
    bool edge = rnd() % 3 == 0;
    size_t align = rnd() % 64 * es % 64;
    uint8_t *s = edge ? src_base + REGION - bytes : src_base + 4096 + align;
    uint8_t *d = edge ? dst_base + REGION - bytes : dst_base + 4096 + (rnd() % 64 * es % 64);
    int c = 'a' + rnd() % 4;
    bool nuls = rnd() % 4 == 0;

    for (size_t i = 0; i < n; i++) {
        int v = 'a' + rnd() % 4;
        if (nuls && rnd() % 50 == 0) {
            v = 0;
        }
        if (f->wide) {
            ((wchar_t *)s)[i] = v;
            ((wchar_t *)d)[i] = rnd() % 8 ? v : v + 1;
        } else {
            s[i] = v;
            d[i] = rnd() % 8 ? v : v + 1;
        }
    }
    if (f->wide) {
        ((wchar_t *)s)[n] = 0;
        ((wchar_t *)d)[n] = 0;
    } else {
        s[n] = 0;
        d[n] = 0;
    }
    switch (f->sig) {
    case LEN:
        return mix(h, ((size_t (*)(const void *))fn)(s));
    case NLEN:
        return mix(h, ((size_t (*)(const void *, size_t))fn)(s, rnd() % (n + 2)));
    case CHR:
        return mix(h, off(((void *(*)(const void *, int))fn)(s, f->name[0] == 'r' ? 0 : c), s));
    case CMP:
        return mix(h, ((int (*)(const void *, const void *))fn)(s, d));
    case NCMP:
        return mix(h, ((int (*)(const void *, const void *, size_t))fn)(s, d, rnd() % (n + 1)));
    case MEMCHR:
        return mix(h, off(((void *(*)(const void *, int, size_t))fn)(s, c, n), s));
    case COPY: {
        /* memmove also overlapping, both ways */
        uint8_t *to = d;
        size_t len = n * es;

        if (!strcmp(f->name, "memmove") && rnd() % 2) {
            to = s + (rnd() % 2 ? 1 : -1) * (int)(rnd() % 70);
            if (to < src_base || to + len > src_base + REGION) {
                to = s;
            }
        }
        h = mix(h, off(((void *(*)(void *, const void *, size_t))fn)(to, s, len), to));
        for (size_t i = 0; i < len; i++) {
            h = mix(h, to[i]);
        }
        return h;
    }
    case SET:
        h = mix(h, off(((void *(*)(void *, int, size_t))fn)(d, c, n), d));
        for (size_t i = 0; i < n * es; i++) {
            h = mix(h, d[i]);
        }
        return h;
    case STRCPY:
    case STRNCPY: {
        /* the destination holds a short string first (strcat appends to it) */
        size_t pre = rnd() % 20, lim = rnd() % (n + 2);
        uint8_t *to = dst_base + 8192 + rnd() % 64, *r;

        memset(to, 'z', pre);
        to[pre] = 0;
        r = f->sig == STRCPY ? ((uint8_t *(*)(void *, const void *))fn)(to, s)
                             : ((uint8_t *(*)(void *, const void *, size_t))fn)(to, s, lim);
        h = mix(h, off(r, to));
        for (size_t i = 0; i < n + pre + 2; i++) {
            h = mix(h, to[i]);
        }
        return h;
    }
    case STRSTR: {
        size_t k = rnd() % 5 + 1;
        char needle[8];

        for (size_t i = 0; i < k; i++) {
            needle[i] = 'a' + rnd() % 4;
        }
        needle[k] = 0;
        return mix(h, off(((char *(*)(const char *, const char *))fn)((char *)s, needle), s));
    }
    }
    return h;
}

int main(int argc, char **argv)
{
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
    unsigned calls = argc > 2 ? strtoul(argv[2], NULL, 0) : 200;
    long page = sysconf(_SC_PAGESIZE);
    uint8_t *m = mmap(NULL, 2 * (REGION + page), PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (m == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    src_base = m;
    dst_base = m + REGION + page;
    mprotect(m + REGION, page, PROT_NONE);
    mprotect(m + 2 * REGION + page, page, PROT_NONE);
    for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
        struct libc_ifunc_impl impl[64];
        size_t n = __libc_ifunc_impl_list(fns[i].name, impl, 64);
        uint64_t h = 0;

        printf("%s:", fns[i].name);
        for (size_t j = 0; j < n && j < 64; j++) {
            if (!impl[j].usable) {
                continue;
            }
            printf(" %s", impl[j].name);
            rng = seed * 0x9e3779b97f4a7c15ull + i + 1;  /* the same inputs for every impl */
            for (unsigned k = 0; k < calls; k++) {
                h = one_call(&fns[i], impl[j].fn, h);
            }
        }
        printf(" = %016llx\n", (unsigned long long)h);
    }
    return 0;
}
