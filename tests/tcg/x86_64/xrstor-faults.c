/*
 * xrstor-faults: XRSTOR of malformed and good images. For each case the program prints whether
 * XRSTOR raised #GP (SIGSEGV) and, if it did not, a hash of the state it loaded (read back with
 * XSAVE). Run natively and under the emulator with this host's XCR0 and layout: the outputs must
 * be identical, so every fault and every loaded register is the silicon's.
 *
 * The cases follow Intel SDM vol. 1 13.8 (XRSTOR) and vol. 2 "XRSTOR — Protected Mode
 * Exceptions": alignment; standard form (XSTATE_BV within XCR0, header bytes 8..23 zero, bytes
 * 24..63 not checked); compacted form (XSAVEC supported, XCOMP_BV within XCR0, XSTATE_BV within
 * XCOMP_BV, header bytes 16..63 zero); MXCSR reserved bits whenever MXCSR is loaded.
 *
 * test host: -xcr0 host -xsave-layout host => native
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <cpuid.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define AREA 16384

static uint8_t base_std[AREA] __attribute__((aligned(64)));
static uint8_t base_cmp[AREA] __attribute__((aligned(64)));
static uint8_t buf[AREA + 128] __attribute__((aligned(64)));
static uint8_t out[AREA] __attribute__((aligned(64)));
static uint64_t xcr0;
static int has_xsavec;
static sigjmp_buf on_fault;
static volatile int faulted;
static unsigned ncases;

static void segv(int sig)
{
    (void)sig;
    siglongjmp(on_fault, 1);
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (size_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 0x100000001b3ull;
    }
    return h;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static void wr64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

/*
 * Load a known state (the all-initial image), XRSTOR p with rfbm, then XSAVE everything into
 * out: one asm statement, so that no library code (which may use vector and opmask registers,
 * differently natively and emulated) runs in between.
 */
static uint8_t init_image[AREA] __attribute__((aligned(64)));

static void restore_then_save(uint8_t *p, uint64_t rfbm)
{
    __asm__ volatile("mov $-1, %%eax\n\tmov $-1, %%edx\n\txrstor64 (%4)\n\t"
                     "mov %1, %%eax\n\tmov %2, %%edx\n\txrstor64 (%0)\n\t"
                     "mov $-1, %%eax\n\tmov $-1, %%edx\n\txsave64 (%3)"
                     : : "r"(p), "r"((uint32_t)rfbm), "r"((uint32_t)(rfbm >> 32)), "r"(out),
                       "r"(init_image)
                     : "rax", "rdx", "memory");
}

/* Run one case: image src (standard or compacted base, already mutated into buf+misalign). */
static void run(const char *name, unsigned misalign, uint64_t rfbm)
{
    uint8_t *p = buf + misalign;

    memset(out, 0xa5, sizeof(out));
    faulted = 0;
    if (sigsetjmp(on_fault, 1) == 0) {
        restore_then_save(p, rfbm);
    } else {
        faulted = 1;
    }
    ncases++;
    if (faulted) {
        printf("%-44s rfbm %-18llx #GP\n", name, (unsigned long long)rfbm);
    } else {
        printf("%-44s rfbm %-18llx ok %016llx\n", name, (unsigned long long)rfbm,
               (unsigned long long)fnv1a(out, sizeof(out)));
    }
}

static uint8_t *from(const uint8_t *base, unsigned misalign)
{
    memcpy(buf + misalign, base, AREA);
    return buf + misalign;
}

static void make_base(void)
{
    uint32_t a, b, c, d;

    memset(base_std, 0, sizeof(base_std));
    for (unsigned i = 0; i < 512; i++) {
        base_std[i] = (uint8_t)(i * 13 + 5);
    }
    base_std[0] = 0x7f; base_std[1] = 0x03; base_std[2] = 0; base_std[3] = 0;
    base_std[4] = 0xff; base_std[5] = 0;
    for (int r = 0; r < 8; r++) {
        memset(base_std + 32 + r * 16 + 10, 0, 6);
        base_std[32 + r * 16 + 9] = 0x40;
        base_std[32 + r * 16 + 7] |= 0x80;
    }
    memcpy(base_std + 24, "\xa0\x1f\0\0", 4); /* MXCSR 0x1fa0 */
    memset(base_std + 416, 0, 96);
    for (unsigned i = 2; i < 63; i++) {
        if (!(xcr0 & (1ull << i))) {
            continue;
        }
        __cpuid_count(0xd, i, a, b, c, d);
        for (uint32_t k = 0; k < a; k++) {
            base_std[b + k] = (uint8_t)(i * 29 + k);
        }
        if (i == 4) {
            /* BNDCSR: BNDCFGU 0 keeps MPX disabled; BNDSTATUS non-zero, because a component loaded
             * with its initial bytes may later read as not in use (a context switch's XRSTORS
             * is free to notice), which would make XSTATE_BV nondeterministic. */
            memset(base_std + b, 0, 8);
            memcpy(base_std + b + 8, "\x01\0\0\0\0\0\0\0", 8);
        }
        if (i == 9) {
            memcpy(base_std + b, "\x50\x55\x55\x55\0\0\0\0", 8); /* keys 0, 1 accessible */
        }
    }
    memset(base_std + 512, 0, 64);
    wr64(base_std + 512, xcr0);
    if (has_xsavec) {
        /* The compacted twin, as XSAVEC writes it (xsave-diff checks XSAVEC against silicon). */
        memset(base_cmp, 0, sizeof(base_cmp));
        __asm__ volatile("mov $-1, %%eax\n\tmov $-1, %%edx\n\txrstor64 (%0)\n\t"
                         "xsavec64 (%1)" : : "r"(base_std), "r"(base_cmp)
                         : "rax", "rdx", "memory");
    }
}

/* The first few bits that XCR0 does not enable (for "outside XCR0" cases). */
static int missing_bits(int *bits, int max)
{
    static const int candidates[] = { 3, 4, 5, 8, 9, 10, 11, 12, 17, 18, 19, 20, 40, 62, 63 };
    int n = 0;

    for (unsigned i = 0; i < sizeof(candidates) / sizeof(candidates[0]) && n < max; i++) {
        if (!(xcr0 & (1ull << candidates[i]))) {
            bits[n++] = candidates[i];
        }
    }
    return n;
}

int main(void)
{
    uint32_t a, b, c, d;
    struct sigaction sa;
    char name[64];
    int bits[6], nbits;
    uint8_t *p;

    __cpuid_count(0xd, 1, a, b, c, d);
    has_xsavec = (a >> 1) & 1;
    {
        uint32_t lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        xcr0 = ((uint64_t)hi << 32) | lo;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = segv;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    make_base();
    memcpy(init_image + 24, "\x80\x1f\0\0", 4); /* XSTATE_BV 0: everything initial */
    nbits = missing_bits(bits, 6);

    /* Standard form: good images. */
    from(base_std, 0);
    run("std good", 0, ~0ull);
    from(base_std, 0);
    run("std good x87", 0, 1);
    from(base_std, 0);
    run("std good sse", 0, 2);
    from(base_std, 0);
    run("std good avx", 0, 4);
    from(base_std, 0);
    run("std good none", 0, 0);
    p = from(base_std, 0);
    wr64(p + 512, 0);
    run("std xstate_bv 0 (all initial)", 0, ~0ull);
    p = from(base_std, 0);
    wr64(p + 512, xcr0 & 0x5555555555555555ull);
    run("std half initial", 0, ~0ull);
    /* Alignment. */
    for (unsigned m = 8; m < 64; m *= 2) {
        from(base_std, m);
        snprintf(name, sizeof(name), "std misaligned +%u", m);
        run(name, m, ~0ull);
    }
    /* XSTATE_BV outside XCR0. */
    for (int i = 0; i < nbits; i++) {
        p = from(base_std, 0);
        wr64(p + 512, xcr0 | 1ull << bits[i]);
        snprintf(name, sizeof(name), "std xstate_bv bit %d", bits[i]);
        run(name, 0, ~0ull);
        p = from(base_std, 0);
        wr64(p + 512, xcr0 | 1ull << bits[i]);
        snprintf(name, sizeof(name), "std xstate_bv bit %d, rfbm x87", bits[i]);
        run(name, 0, 1);
    }
    /* Header bytes 8..23 must be zero; 24..63 are not checked. */
    {
        static const unsigned bytes[] = { 8, 12, 15, 16, 20, 23, 24, 32, 40, 63 };
        for (unsigned i = 0; i < sizeof(bytes) / sizeof(bytes[0]); i++) {
            p = from(base_std, 0);
            p[512 + bytes[i]] = 0x01;
            snprintf(name, sizeof(name), "std header byte %u", bytes[i]);
            run(name, 0, ~0ull);
        }
    }
    /* MXCSR reserved bits: a #GP whenever MXCSR is loaded (RFBM[1] or RFBM[2]). */
    {
        static const uint64_t rfbms[] = { ~0ull, 1, 2, 4, 3, 5 };
        for (unsigned i = 0; i < sizeof(rfbms) / sizeof(rfbms[0]); i++) {
            p = from(base_std, 0);
            p[26] = 0x01; /* MXCSR bit 16 */
            snprintf(name, sizeof(name), "std mxcsr bit 16");
            run(name, 0, rfbms[i]);
        }
        p = from(base_std, 0);
        p[27] = 0x80; /* MXCSR bit 31 */
        run("std mxcsr bit 31", 0, ~0ull);
        p = from(base_std, 0);
        p[26] = 0x01;
        wr64(p + 512, xcr0 & ~2ull);
        run("std mxcsr bit 16, xstate_bv[1] 0", 0, ~0ull);
        p = from(base_std, 0);
        p[24] = 0x40; p[25] = 0x1f; /* MXCSR 0x1f40: DAZ, legal where MXCSR_MASK has it */
        run("std mxcsr daz", 0, ~0ull);
    }

    if (has_xsavec) {
        uint64_t xcomp = rd64(base_cmp + 520);

        from(base_cmp, 0);
        run("cmp good", 0, ~0ull);
        from(base_cmp, 0);
        run("cmp good x87|sse", 0, 3);
        from(base_cmp, 0);
        run("cmp good avx", 0, 4);
        p = from(base_cmp, 0);
        wr64(p + 512, 0);
        run("cmp xstate_bv 0", 0, ~0ull);
        p = from(base_cmp, 0);
        wr64(p + 512, rd64(p + 512) & ~2ull);
        run("cmp xstate_bv[1] 0 (mxcsr to default)", 0, ~0ull);
        p = from(base_cmp, 0);
        memset(p + 512, 0, 64);
        wr64(p + 520, 1ull << 63);
        run("cmp empty xcomp_bv", 0, ~0ull);
        p = from(base_cmp, 32);
        run("cmp misaligned +32", 32, ~0ull);
        for (int i = 0; i < nbits; i++) {
            if (bits[i] == 63) {
                continue;
            }
            p = from(base_cmp, 0);
            wr64(p + 520, xcomp | 1ull << bits[i]);
            snprintf(name, sizeof(name), "cmp xcomp_bv bit %d", bits[i]);
            run(name, 0, ~0ull);
        }
        p = from(base_cmp, 0);
        wr64(p + 520, (xcomp & ~4ull));
        run("cmp xstate_bv not in xcomp_bv", 0, ~0ull);
        p = from(base_cmp, 0);
        wr64(p + 512, rd64(p + 512) | 1ull << 63);
        run("cmp xstate_bv bit 63", 0, ~0ull);
        {
            static const unsigned bytes[] = { 16, 20, 24, 32, 48, 63 };
            for (unsigned i = 0; i < sizeof(bytes) / sizeof(bytes[0]); i++) {
                p = from(base_cmp, 0);
                p[512 + bytes[i]] = 0x01;
                snprintf(name, sizeof(name), "cmp header byte %u", bytes[i]);
                run(name, 0, ~0ull);
            }
        }
        p = from(base_cmp, 0);
        p[26] = 0x01;
        run("cmp mxcsr bit 16", 0, ~0ull);
        p = from(base_cmp, 0);
        p[26] = 0x01;
        wr64(p + 512, rd64(p + 512) & ~2ull);
        run("cmp mxcsr bit 16, xstate_bv[1] 0", 0, ~0ull);
        p = from(base_cmp, 0);
        p[26] = 0x01;
        run("cmp mxcsr bit 16, rfbm avx", 0, 4);
    }
    /* Leave the state initial before libc runs again. */
    memset(base_std, 0, 576);
    memcpy(base_std + 24, "\x80\x1f\0\0", 4);
    __asm__ volatile("mov $-1, %%eax\n\tmov $-1, %%edx\n\txrstor64 (%0)" : : "r"(base_std)
                     : "rax", "rdx", "memory");
    printf("%u cases\n", ncases);
    return 0;
}
