/*
 * Native cross-check: libxcr0 against the CPU this test runs on (x86-64 only; SKIP elsewhere).
 *
 * 1. For every subset RFBM of the live XCR0, XSAVE and XSAVEC write a known register state into
 *    two buffers poisoned with different bytes; a byte is "written" iff it is equal in both.
 *    libxcr0 must decode the result to exactly the components RFBM selects, at the offsets the
 *    host profile predicts, and with XSTATE_BV/XCOMP_BV as the SDM says (vol. 1 13.7 XSAVE,
 *    13.10 XSAVEC): XSTATE_BV[i] = XINUSE[i] for i in RFBM; XSAVEC: XCOMP_BV = RFBM | bit 63 and
 *    only components in use are written.
 * 2. XRSTOR on a corpus of bad (and good) headers, one for one against xcr0_image_validate():
 *    a #GP arrives as SIGSEGV (si_code SI_KERNEL), caught with sigsetjmp.
 * 3. SSE's init state: XINUSE[1] (XGETBV(1)) against xcr0_component_is_init() on the bytes.
 *
 * Nothing here hard-codes a CPU: XCR0, XINUSE and the layout all come from this machine.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "xcr0/xcr0.h"
#include "unit.h"

#if defined(__x86_64__) && defined(__linux__)

#define AREA (64u * 1024u)

static uint8_t *saved, *src, *bufa, *bufb, *img;
static uint64_t host_xcr0, usable;      /* usable: XCR0 minus XFD components we may not touch */
static struct xcr0_profile host;

static uint64_t xgetbv(uint32_t ecx)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(ecx));
    return (uint64_t)hi << 32 | lo;
}

/*
 * One asm statement from start to end, so that no compiler-generated vector code runs while
 * the test state is loaded: save the caller's state, load src, read XINUSE, save twice with
 * RFBM, restore the caller's state.
 */
static uint64_t save_twice_once(bool compacted, uint64_t rfbm, uint64_t *after)
{
    uint32_t all_lo = (uint32_t)usable, all_hi = (uint32_t)(usable >> 32);
    uint32_t r_lo = (uint32_t)rfbm, r_hi = (uint32_t)(rfbm >> 32);
    uint32_t x_lo, x_hi, y_lo, y_hi;

    if (compacted) {
        __asm__ volatile(
            "mov %[al], %%eax\n\tmov %[ah], %%edx\n\txsave64 (%[sv])\n\t"
            "xrstor64 (%[src])\n\t"
            "mov $1, %%ecx\n\txgetbv\n\tmov %%eax, %[xl]\n\tmov %%edx, %[xh]\n\t"
            "mov %[rl], %%eax\n\tmov %[rh], %%edx\n\txsavec64 (%[a])\n\txsavec64 (%[b])\n\t"
            "mov $1, %%ecx\n\txgetbv\n\tmov %%eax, %[yl]\n\tmov %%edx, %[yh]\n\t"
            "mov %[al], %%eax\n\tmov %[ah], %%edx\n\txrstor64 (%[sv])\n\t"
            : [xl] "=m"(x_lo), [xh] "=m"(x_hi), [yl] "=m"(y_lo), [yh] "=m"(y_hi)
            : [sv] "r"(saved), [src] "r"(src), [a] "r"(bufa), [b] "r"(bufb), [al] "m"(all_lo),
              [ah] "m"(all_hi), [rl] "m"(r_lo), [rh] "m"(r_hi)
            : "eax", "ecx", "edx", "memory");
    } else {
        __asm__ volatile(
            "mov %[al], %%eax\n\tmov %[ah], %%edx\n\txsave64 (%[sv])\n\t"
            "xrstor64 (%[src])\n\t"
            "mov $1, %%ecx\n\txgetbv\n\tmov %%eax, %[xl]\n\tmov %%edx, %[xh]\n\t"
            "mov %[rl], %%eax\n\tmov %[rh], %%edx\n\txsave64 (%[a])\n\txsave64 (%[b])\n\t"
            "mov $1, %%ecx\n\txgetbv\n\tmov %%eax, %[yl]\n\tmov %%edx, %[yh]\n\t"
            "mov %[al], %%eax\n\tmov %[ah], %%edx\n\txrstor64 (%[sv])\n\t"
            : [xl] "=m"(x_lo), [xh] "=m"(x_hi), [yl] "=m"(y_lo), [yh] "=m"(y_hi)
            : [sv] "r"(saved), [src] "r"(src), [a] "r"(bufa), [b] "r"(bufb), [al] "m"(all_lo),
              [ah] "m"(all_hi), [rl] "m"(r_lo), [rh] "m"(r_hi)
            : "eax", "ecx", "edx", "memory");
    }
    *after = (uint64_t)y_hi << 32 | y_lo;
    return (uint64_t)x_hi << 32 | x_lo;
}

/*
 * A context switch between the instructions changes XINUSE behind our back: Linux restores
 * PKRU with WRPKRU on the way back to user space, which sets XINUSE[9] even for the value 0
 * (observed: XGETBV(1) said 0x1, the XSAVEC right after wrote XSTATE_BV 0x201). So retry until
 * XINUSE is the same before and after and both saves wrote the same XSTATE_BV.
 */
static uint64_t save_twice(bool compacted, uint64_t rfbm, uint8_t poison_a, uint8_t poison_b)
{
    uint64_t before = 0, after = 0;

    for (int attempt = 0; attempt < 20; attempt++) {
        memset(bufa, poison_a, AREA);
        memset(bufb, poison_b, AREA);
        if (!compacted) {
            /* The header as software prepares it for XSAVE (Linux zeroes it): XSAVE writes
             * only XSTATE_BV, so bits outside RFBM keep these zeroes. */
            memset(bufa + 512, 0, 64);
            memset(bufb + 512, 0, 64);
        }
        before = save_twice_once(compacted, rfbm, &after);
        if (before == after && rd64(bufa + 512) == rd64(bufb + 512)) {
            break;
        }
    }
    return before;
}

/* The register state the saves see: the current state with recognisable, harmless contents. */
static int build_src(bool mostly_init, char *why, size_t len)
{
    uint32_t al = (uint32_t)usable, ah = (uint32_t)(usable >> 32);
    struct xcr0_layout l;
    char err[200];

    memset(src, 0, AREA);
    __asm__ volatile("mov %[al], %%eax\n\tmov %[ah], %%edx\n\txsave64 (%[p])"
                     : : [p] "r"(src), [al] "m"(al), [ah] "m"(ah) : "eax", "edx", "memory");
    if (xcr0_layout_standard(&host, usable, &l, err, sizeof(err)) != 0) {
        snprintf(why, len, "host layout: %s", err);
        return -1;
    }
    /* x87: precision control 53 bits (FCW 0x27f, all exceptions masked), so not init. */
    src[0] = 0x7f;
    src[1] = 0x02;
    /* SSE: MXCSR 0x1fa0 (precision flag set, a legal value); XMM0-15 a byte pattern. */
    wr64(src + 24, 0x0000ffff00001fa0ull);
    for (unsigned i = 160; i < 416; i++) {
        src[i] = (uint8_t)(i * 7 + 1);
    }
    /* Vector components get patterns. MPX bound registers are inert without BNDCFGU.EN, which
     * stays 0 (BNDCSR keeps its current, init, value); PKRU keeps the current value so memory
     * stays accessible; AMX, APX and anything unknown keep their current values. */
    for (unsigned i = 0; i < l.count; i++) {
        unsigned nr = l.entry[i].nr;
        if (nr == XCR0_YMM || nr == XCR0_OPMASK || nr == XCR0_ZMM_HI256 ||
            nr == XCR0_HI16_ZMM || nr == XCR0_BNDREGS) {
            for (uint32_t k = 0; k < l.entry[i].size; k++) {
                src[l.entry[i].offset + k] = (uint8_t)(nr * 31 + k * 3 + 5);
            }
        }
    }
    wr64(src + XCR0_XSTATE_BV_OFFSET, usable);
    wr64(src + XCR0_XCOMP_BV_OFFSET, 0);
    if (mostly_init) {
        /* Only x87 in XSTATE_BV, MXCSR at its default: XRSTOR initialises everything else,
         * so XINUSE is (nearly) only x87 and the init optimisation of XSAVEC shows. */
        wr64(src + XCR0_XSTATE_BV_OFFSET, XCR0_BIT(XCR0_X87));
        wr64(src + 24, 0x0000ffff00001f80ull);
    }
    return 0;
}

/* must: bytes SDM 13.4.1/13.7 say the save writes; may: bytes it is allowed to write. */
static void mark(uint8_t *m, uint32_t from, uint32_t n)
{
    memset(m + from, 1, n);
}

/*
 * Whether the x87 error pointers (FOP, FIP, FDP) are always saved. AMD CPUs without
 * CPUID 0x80000008 EBX[2] (XSAVEERPTR) save them only when an x87 exception is pending (Linux:
 * X86_BUG_FXSAVE_LEAK), so there they are allowed, not required, to be written.
 */
static bool always_saves_error_pointers(void)
{
    unsigned a, b, c, d;

    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
    if (b != 0x68747541u) {     /* "Auth"enticAMD */
        return true;
    }
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000u), "c"(0));
    if (a < 0x80000008u) {
        return false;
    }
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000008u), "c"(0));
    return b & 4u;
}

static bool error_pointers;

static void expect_legacy(uint8_t *must, uint8_t *may, bool x87, bool mxcsr, bool sse)
{
    if (x87) {
        /* FCW FSW FTW (+1 reserved byte) FOP FIP FDP, and ST0-7 (10 bytes in 16-byte slots). */
        mark(must, 0, 5);
        if (error_pointers) {
            mark(must, 6, 18);
        }
        mark(may, 0, 24);
        for (unsigned k = 0; k < 8; k++) {
            mark(must, 32 + 16 * k, 10);
            mark(may, 32 + 16 * k, 16);
        }
    }
    if (mxcsr) {
        mark(must, 24, 8);      /* MXCSR and MXCSR_MASK */
        mark(may, 24, 8);
    }
    if (sse) {
        mark(must, 160, 256);   /* XMM0-15 */
        mark(may, 160, 256);
    }
}

static uint8_t must[AREA], may[AREA];
static uint64_t seen_xinuse;    /* union of XINUSE over one pass, for the log */

/*
 * The bytes of a component that hold state; the rest of its area is reserved and not written
 * (measured: XSAVE/XSAVEC leave bytes 16..63 of BNDCSR and 4..7 of PKRU untouched). SDM 13.5.4:
 * BNDCSR state is BNDCFGU and BNDSTATUS (8 bytes each); 13.5.7: PKRU state is the 32-bit PKRU.
 */
static uint32_t state_bytes(unsigned nr, uint32_t size)
{
    switch (nr) {
    case XCR0_BNDCSR:
        return 16;
    case XCR0_PKRU:
        return 4;
    default:
        return size;
    }
}

static void check_one(bool compacted, uint64_t rfbm)
{
    uint64_t xinuse, want_bv;
    struct xcr0_image im;
    struct xcr0_layout l;
    char err[256];
    const char *form = compacted ? "XSAVEC" : "XSAVE";
    uint64_t listed = 0;

    xinuse = save_twice(compacted, rfbm, 0xa5, 0x5a);
    seen_xinuse |= xinuse;
    want_bv = rfbm & xinuse;
    EXPECT(rd64(bufa + 512) == want_bv && rd64(bufb + 512) == want_bv,
           "%s RFBM 0x%llx: XSTATE_BV 0x%llx, want RFBM & XINUSE = 0x%llx", form,
           (unsigned long long)rfbm, (unsigned long long)rd64(bufa + 512),
           (unsigned long long)want_bv);
    if (compacted) {
        EXPECT(rd64(bufa + 520) == (rfbm | XCR0_XCOMP_BV_COMPACTED),
               "XSAVEC RFBM 0x%llx: XCOMP_BV 0x%llx", (unsigned long long)rfbm,
               (unsigned long long)rd64(bufa + 520));
        /* XSAVEC writes only XSTATE_BV and XCOMP_BV of the header (measured on Cascade Lake:
         * bytes 16..63 keep the poison), so software must zero them for XRSTOR to accept the
         * image (13.8.2). */
        for (unsigned i = 528; i < 576; i++) {
            EXPECT(bufa[i] == 0xa5 && bufb[i] == 0x5a, "XSAVEC RFBM 0x%llx: header byte %u "
                   "written", (unsigned long long)rfbm, i - 512);
        }
    } else {
        EXPECT(rd64(bufa + 520) == 0 && rd64(bufa + 528) == 0, "XSAVE wrote XCOMP_BV/reserved");
    }
    if (xcr0_image_decode(&host, bufa, AREA, &im, err, sizeof(err)) != 0) {
        unit_fail("%s RFBM 0x%llx: libxcr0 cannot decode: %s", form, (unsigned long long)rfbm,
                  err);
        return;
    }
    EXPECT(im.compacted == compacted && im.xstate_bv == want_bv, "%s: decoded header wrong",
           form);
    for (unsigned i = 0; i < im.count; i++) {
        if (im.comp[i].nr >= 2) {
            listed |= XCR0_BIT(im.comp[i].nr);
        }
    }
    /* Components (>= 2) the decode lists: XSAVEC: exactly RFBM (XCOMP_BV); XSAVE: the ones
     * XSTATE_BV marks, i.e. RFBM & XINUSE. */
    EXPECT(listed == ((compacted ? rfbm : want_bv) & ~XCR0_MASK_LEGACY),
           "%s RFBM 0x%llx: decode lists 0x%llx", form, (unsigned long long)rfbm,
           (unsigned long long)listed);

    /* Where the bytes went: the host profile's layout of RFBM (the offsets under test). */
    if (compacted) {
        xcr0_layout_compacted(&host, rfbm, &l, err, sizeof(err));
    } else {
        xcr0_layout_standard(&host, rfbm, &l, err, sizeof(err));
    }
    for (unsigned i = 0; i < im.count; i++) {
        for (unsigned j = 0; j < l.count; j++) {
            EXPECT(l.entry[j].nr != im.comp[i].nr || l.entry[j].offset == im.comp[i].offset,
                   "%s: decode puts %u at 0x%x, layout at 0x%x", form, im.comp[i].nr,
                   im.comp[i].offset, l.entry[j].offset);
        }
    }
    memset(must, 0, sizeof(must));
    memset(may, 0, sizeof(may));
    /* SDM 13.7 (XSAVE): every RFBM component is written, MXCSR if RFBM[1] or RFBM[2].
     * SDM 13.10 (XSAVEC): only components with XINUSE[i] = 1 (init optimisation); MXCSR with
     * SSE state when RFBM[1] and XINUSE[1]... see below. */
    {
        uint64_t w = compacted ? want_bv : rfbm;
        /* MXCSR: XSAVE writes it if RFBM[1] or RFBM[2] (13.7); XSAVEC treats it as SSE state
         * (measured: RFBM = YMM alone leaves bytes 24..31 untouched). */
        bool mx = compacted ? (w & XCR0_BIT(XCR0_SSE)) != 0
                            : (rfbm & (XCR0_BIT(XCR0_SSE) | XCR0_BIT(XCR0_YMM))) != 0;
        expect_legacy(must, may, w & XCR0_BIT(XCR0_X87), mx, w & XCR0_BIT(XCR0_SSE));
        for (unsigned j = 0; j < l.count; j++) {
            unsigned nr = l.entry[j].nr;
            if (nr >= 2 && (w & XCR0_BIT(nr))) {
                mark(must, l.entry[j].offset, state_bytes(nr, l.entry[j].size));
                mark(may, l.entry[j].offset, l.entry[j].size);
            }
        }
    }
    {
        int bad_must = -1, bad_may = -1;
        for (unsigned i = 0; i < AREA; i++) {
            bool written = bufa[i] == bufb[i];
            if (i >= 512 && i < 576) {
                continue;   /* the header, checked above */
            }
            if (must[i] && !written && bad_must < 0) {
                bad_must = (int)i;
            }
            if (written && !may[i] && bad_may < 0) {
                bad_may = (int)i;
            }
        }
        EXPECT(bad_must < 0, "%s RFBM 0x%llx XINUSE 0x%llx: byte 0x%x should be written", form,
               (unsigned long long)rfbm, (unsigned long long)xinuse, bad_must);
        EXPECT(bad_may < 0, "%s RFBM 0x%llx XINUSE 0x%llx: byte 0x%x written outside the "
               "predicted components", form, (unsigned long long)rfbm,
               (unsigned long long)xinuse, bad_may);
    }
}

static void test_native_saves(void)
{
    uint64_t bits[64];
    unsigned n = 0;
    char why[256];

    for (unsigned nr = 0; nr < 64; nr++) {
        if (usable & XCR0_BIT(nr)) {
            bits[n++] = XCR0_BIT(nr);
        }
    }
    if (n > 16) {
        unit_fail("XCR0 0x%llx has %u bits; 2^%u subsets is too many",
                  (unsigned long long)usable, n, n);
        return;
    }
    for (int pass = 0; pass < 2; pass++) {
        if (build_src(pass == 1, why, sizeof(why)) != 0) {
            unit_fail("%s", why);
            return;
        }
        for (uint32_t pick = 0; pick < (1u << n); pick++) {
            uint64_t rfbm = 0;
            for (unsigned i = 0; i < n; i++) {
                if (pick & (1u << i)) {
                    rfbm |= bits[i];
                }
            }
            check_one(false, rfbm);
            if (host.xsave_features & XCR0_FEATURE_XSAVEC) {
                check_one(true, rfbm);
            }
        }
        printf("# pass %d (%s): XCR0 0x%llx, usable 0x%llx, XINUSE seen 0x%llx, %u subsets\n",
               pass, pass ? "mostly init" : "all in use", (unsigned long long)host_xcr0,
               (unsigned long long)usable, (unsigned long long)seen_xinuse, 1u << n);
        seen_xinuse = 0;
    }
    /* Leave src as the all-in-use state for the XRSTOR corpus. */
    build_src(false, why, sizeof(why));
}

/* ---- XRSTOR corpus ---- */

static sigjmp_buf jb;
static volatile sig_atomic_t sig_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    sig_code = si->si_code;
    siglongjmp(jb, 1);
}

/* XRSTOR buf with RFBM: returns 1 if it faulted (#GP -> SIGSEGV), 0 if not. */
static int try_xrstor(const uint8_t *buf, uint64_t rfbm)
{
    uint32_t al = (uint32_t)usable, ah = (uint32_t)(usable >> 32);
    uint32_t rl = (uint32_t)rfbm, rh = (uint32_t)(rfbm >> 32);
    struct sigaction sa, old;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old);
    sig_code = 0;
    if (sigsetjmp(jb, 1) != 0) {
        /* The kernel gave the handler a clean FPU state; siglongjmp keeps it. */
        sigaction(SIGSEGV, &old, NULL);
        return 1;
    }
    __asm__ volatile(
        "mov %[al], %%eax\n\tmov %[ah], %%edx\n\txsave64 (%[sv])\n\t"
        "mov %[rl], %%eax\n\tmov %[rh], %%edx\n\txrstor64 (%[p])\n\t"
        "mov %[al], %%eax\n\tmov %[ah], %%edx\n\txrstor64 (%[sv])\n\t"
        : : [sv] "r"(saved), [p] "r"(buf), [al] "m"(al), [ah] "m"(ah), [rl] "m"(rl),
            [rh] "m"(rh)
        : "eax", "edx", "memory");
    sigaction(SIGSEGV, &old, NULL);
    return 0;
}

/* A bit XCR0 lacks (for "outside XCR0" cases): the lowest one. */
static uint64_t missing_bit(void)
{
    for (unsigned nr = 2; nr < 63; nr++) {
        if (!(host_xcr0 & XCR0_BIT(nr))) {
            return XCR0_BIT(nr);
        }
    }
    return 0;
}

enum base { STD, CMP };

struct xcase {
    const char *what;
    enum base base;
    uint64_t rfbm;          /* 0: all usable */
    int offset;             /* byte offset of the image in its buffer (misalignment) */
    void (*mutate)(uint8_t *b);
};

static void m_none(uint8_t *b) { (void)b; }
static void m_bv_outside(uint8_t *b) { wr64(b + 512, rd64(b + 512) | missing_bit()); }
static void m_bv_63(uint8_t *b) { wr64(b + 512, rd64(b + 512) | (1ull << 63)); }
static void m_bv_zero(uint8_t *b) { wr64(b + 512, 0); }
static void m_xcomp_1(uint8_t *b) { wr64(b + 520, 1); }
static void m_hdr16(uint8_t *b) { b[512 + 16] = 1; }
static void m_hdr23(uint8_t *b) { b[512 + 23] = 0x80; }
static void m_hdr24(uint8_t *b) { b[512 + 24] = 1; }
static void m_hdr63(uint8_t *b) { b[512 + 63] = 1; }
static void m_mxcsr(uint8_t *b) { b[24 + 2] = 1; }    /* MXCSR bit 16: reserved */
static void m_mxcsr_bv0(uint8_t *b) { m_mxcsr(b); wr64(b + 512, rd64(b + 512) & ~2ull); }
static void m_mxcsr_bvymm(uint8_t *b)
{
    m_mxcsr(b);
    wr64(b + 512, (rd64(b + 512) & ~2ull) | 4ull);
}
static void m_mxcsr_bv_none(uint8_t *b) { m_mxcsr(b); wr64(b + 512, 0); }
static void m_xcomp_outside(uint8_t *b) { wr64(b + 520, rd64(b + 520) | missing_bit()); }
static void m_xcomp_legacy(uint8_t *b)
{
    /* XCOMP_BV = x87|SSE only while XSTATE_BV keeps YMM: XSTATE_BV outside XCOMP_BV. */
    wr64(b + 520, (1ull << 63) | 3);
    wr64(b + 512, rd64(b + 512) & 7);
}
static void m_xcomp_only63(uint8_t *b) { wr64(b + 520, 1ull << 63); wr64(b + 512, 0); }
static void m_xcomp_sup(uint8_t *b) { wr64(b + 520, rd64(b + 520) | XCR0_BIT(XCR0_CET_U)); }

static const struct xcase corpus[] = {
    { "standard, valid", STD, 0, 0, m_none },
    { "standard, XSTATE_BV 0", STD, 0, 0, m_bv_zero },
    { "standard, misaligned by 16", STD, 0, 16, m_none },
    { "standard, misaligned by 8, RFBM x87", STD, 1, 8, m_none },
    { "standard, XSTATE_BV bit outside XCR0", STD, 0, 0, m_bv_outside },
    { "standard, XSTATE_BV bit outside XCR0, RFBM x87", STD, 1, 0, m_bv_outside },
    { "standard, XSTATE_BV bit 63", STD, 0, 0, m_bv_63 },
    { "standard, XCOMP_BV = 1", STD, 0, 0, m_xcomp_1 },
    { "standard, header byte 16", STD, 0, 0, m_hdr16 },
    { "standard, header byte 23", STD, 0, 0, m_hdr23 },
    { "standard, header byte 24", STD, 0, 0, m_hdr24 },
    { "standard, header byte 63", STD, 0, 0, m_hdr63 },
    { "standard, MXCSR reserved bit", STD, 0, 0, m_mxcsr },
    { "standard, MXCSR reserved bit, RFBM x87", STD, 1, 0, m_mxcsr },
    { "standard, MXCSR reserved bit, RFBM x87|YMM", STD, 5, 0, m_mxcsr },
    { "standard, MXCSR reserved bit, RFBM SSE", STD, 2, 0, m_mxcsr },
    { "standard, MXCSR reserved bit, XSTATE_BV[1] 0", STD, 0, 0, m_mxcsr_bv0 },
    { "standard, MXCSR reserved bit, XSTATE_BV 0", STD, 0, 0, m_mxcsr_bv_none },
    { "compacted, valid", CMP, 0, 0, m_none },
    { "compacted, misaligned by 32", CMP, 0, 32, m_none },
    { "compacted, XCOMP_BV bit outside XCR0", CMP, 0, 0, m_xcomp_outside },
    { "compacted, XCOMP_BV bit outside XCR0, RFBM x87", CMP, 1, 0, m_xcomp_outside },
    { "compacted, XCOMP_BV has CET_U", CMP, 0, 0, m_xcomp_sup },
    { "compacted, XSTATE_BV outside XCOMP_BV", CMP, 0, 0, m_xcomp_legacy },
    { "compacted, XSTATE_BV bit 63", CMP, 0, 0, m_bv_63 },
    { "compacted, only bit 63 (all init)", CMP, 0, 0, m_xcomp_only63 },
    { "compacted, header byte 16", CMP, 0, 0, m_hdr16 },
    { "compacted, header byte 24", CMP, 0, 0, m_hdr24 },
    { "compacted, header byte 63", CMP, 0, 0, m_hdr63 },
    { "compacted, MXCSR reserved bit", CMP, 0, 0, m_mxcsr },
    { "compacted, MXCSR reserved bit, RFBM x87", CMP, 1, 0, m_mxcsr },
    { "compacted, MXCSR reserved bit, RFBM x87|YMM", CMP, 5, 0, m_mxcsr },
    { "compacted, MXCSR reserved bit, XSTATE_BV[1] 0", CMP, 0, 0, m_mxcsr_bv0 },
    { "compacted, MXCSR reserved bit, XSTATE_BV YMM not SSE", CMP, 0, 0, m_mxcsr_bvymm },
    { "compacted, MXCSR reserved bit, XSTATE_BV 0", CMP, 0, 0, m_mxcsr_bv_none },
};

/* Each of these header mutations, with every RFBM subset of XCR0, in both forms. */
static void (*const sweep[])(uint8_t *) = {
    m_none, m_bv_zero, m_mxcsr, m_mxcsr_bv0, m_mxcsr_bvymm, m_hdr16, m_hdr24, m_bv_outside,
};

static void sweep_rfbm(void)
{
    uint64_t bits[64];
    unsigned n = 0, tried = 0, faults = 0;

    for (unsigned nr = 0; nr < 64; nr++) {
        if (usable & XCR0_BIT(nr)) {
            bits[n++] = XCR0_BIT(nr);
        }
    }
    for (int form = 0; form < 2; form++) {
        if (form == 1 && !(host.xsave_features & XCR0_FEATURE_XSAVEC)) {
            break;
        }
        save_twice(form == 1, usable, 0, 0);
        memcpy(img + AREA / 2, bufa, AREA / 2);     /* the valid image, kept aside */
        for (size_t m = 0; m < sizeof(sweep) / sizeof(sweep[0]); m++) {
            if (sweep[m] == m_bv_outside && !missing_bit()) {
                continue;
            }
            for (uint32_t pick = 0; pick < (1u << n) && n <= 12; pick++) {
                uint64_t rfbm = 0;
                enum xcr0_image_fault lib;
                int hw;

                for (unsigned i = 0; i < n; i++) {
                    if (pick & (1u << i)) {
                        rfbm |= bits[i];
                    }
                }
                memcpy(img, img + AREA / 2, AREA / 2);
                sweep[m](img);
                hw = try_xrstor(img, rfbm);
                lib = xcr0_image_validate(&host, host_xcr0, rfbm, img, AREA / 2);
                tried++;
                faults += hw;
                EXPECT(hw == (lib != XCR0_IMAGE_OK), "%s mutation %zu RFBM 0x%llx: hardware "
                       "%s, libxcr0 '%s'", form ? "compacted" : "standard", m,
                       (unsigned long long)rfbm, hw ? "faults" : "accepts",
                       xcr0_image_fault_str(lib));
            }
        }
    }
    printf("# XRSTOR sweep: %u images, %u faulted\n", tried, faults);
}

static void test_native_xrstor(void)
{
    uint64_t all = usable;

    for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
        const struct xcase *c = &corpus[i];
        uint64_t rfbm = c->rfbm ? c->rfbm & all : all;
        uint8_t *b = img + c->offset;
        int hw, code;
        enum xcr0_image_fault lib;

        if (c->base == CMP && !(host.xsave_features & XCR0_FEATURE_XSAVEC)) {
            continue;
        }
        if ((c->mutate == m_bv_outside || c->mutate == m_xcomp_outside) && !missing_bit()) {
            continue;
        }
        /* A valid image of the test state, then the mutation. */
        save_twice(c->base == CMP, all, 0, 0);
        memset(img, 0, AREA);
        memcpy(b, bufa, AREA - 64);
        c->mutate(b);
        hw = try_xrstor(b, rfbm);
        code = sig_code;
        lib = xcr0_image_validate(&host, host_xcr0, rfbm, b, AREA - 64);
        EXPECT(!hw || code == 0x80, "%s: SIGSEGV si_code %d is not a #GP (SI_KERNEL)", c->what,
               code);
        EXPECT(hw == (lib != XCR0_IMAGE_OK), "%s (RFBM 0x%llx): hardware %s, libxcr0 '%s'",
               c->what, (unsigned long long)rfbm, hw ? "faults" : "accepts",
               xcr0_image_fault_str(lib));
    }
    sweep_rfbm();
}

/* ---- XRSTOR then XSAVE: the state libxcr0 says an image holds is the state the CPU loads ---- */

static uint8_t *out_area;

static void restore_then_save(const uint8_t *image)
{
    uint32_t al = (uint32_t)usable, ah = (uint32_t)(usable >> 32);

    memset(out_area, 0, AREA);
    __asm__ volatile(
        "mov %[al], %%eax\n\tmov %[ah], %%edx\n\txsave64 (%[sv])\n\t"
        "xrstor64 (%[p])\n\txsave64 (%[o])\n\t"
        "xrstor64 (%[sv])\n\t"
        : : [sv] "r"(saved), [p] "r"(image), [o] "r"(out_area), [al] "m"(al), [ah] "m"(ah)
        : "eax", "edx", "memory");
}

/*
 * For every XSTATE_BV subset, both forms and two MXCSR values: XRSTOR the image (RFBM = all),
 * XSAVE what the CPU then holds, and ask xcr0_image_compare whether the two images hold the
 * same state. This checks the init rules and the MXCSR rules of both forms against hardware.
 */
static void test_native_restore_save(void)
{
    uint64_t bits[64];
    unsigned n = 0, tried = 0;
    char err[256];

    for (unsigned nr = 0; nr < 64; nr++) {
        if (usable & XCR0_BIT(nr)) {
            bits[n++] = XCR0_BIT(nr);
        }
    }
    for (int form = 0; form < 2 && n <= 12; form++) {
        if (form == 1 && !(host.xsave_features & XCR0_FEATURE_XSAVEC)) {
            break;
        }
        save_twice(form == 1, usable, 0, 0);
        memcpy(img + AREA / 2, bufa, AREA / 2);
        for (int mx = 0; mx < 2; mx++) {
            for (uint32_t pick = 0; pick < (1u << n); pick++) {
                uint64_t bv = 0, differ = 0;

                for (unsigned i = 0; i < n; i++) {
                    if (pick & (1u << i)) {
                        bv |= bits[i];
                    }
                }
                memcpy(img, img + AREA / 2, AREA / 2);
                wr64(img + 512, bv);
                wr64(img + 24, mx ? 0x0000ffff00001fc0ull : 0x0000ffff00001f80ull);
                restore_then_save(img);
                tried++;
                if (xcr0_image_compare(&host, img, AREA / 2, &host, out_area, AREA / 2, &differ,
                                       err, sizeof(err)) != 0) {
                    unit_fail("compare: %s", err);
                    return;
                }
                EXPECT(differ == 0, "%s image XSTATE_BV 0x%llx MXCSR %s: after XRSTOR+XSAVE, "
                       "libxcr0 sees different state in 0x%llx", form ? "compacted" : "standard",
                       (unsigned long long)bv, mx ? "0x1fc0" : "0x1f80",
                       (unsigned long long)differ);
            }
        }
    }
    printf("# XRSTOR+XSAVE round trips: %u\n", tried);
}

/* ---- SSE init state ---- */

static void test_native_sse_init(void)
{
    uint32_t mx_daz = 0x1fc0;
    uint64_t x_init, x_ld;
    uint32_t r_lo = 2, r_hi = 0;

    /* Init SSE with a compacted XRSTOR whose XSTATE_BV[1] = 0, read XINUSE, save SSE; then
     * LDMXCSR a non-default value (XMM still zero), read XINUSE, save again. */
    memset(src, 0, 1024);
    wr64(src + 520, (1ull << 63) | 3);
    memset(bufa, 0, 1024);
    memset(bufb, 0, 1024);
    if (!(host.xsave_features & XCR0_FEATURE_XSAVEC)) {
        unit_skip("test_native_sse_init", "no XSAVEC to initialise SSE state");
        return;
    }
    unit_begin();
    __asm__ volatile(
        "mov $3, %%eax\n\txor %%edx, %%edx\n\txsave64 (%[sv])\n\t"
        "mov $2, %%eax\n\txrstor64 (%[src])\n\t"
        "mov $1, %%ecx\n\txgetbv\n\tmov %%eax, %[xi]\n\t"
        "mov %[rl], %%eax\n\tmov %[rh], %%edx\n\txsave64 (%[a])\n\t"
        "ldmxcsr %[daz]\n\t"
        "mov $1, %%ecx\n\txgetbv\n\tmov %%eax, %[xl]\n\t"
        "mov %[rl], %%eax\n\tmov %[rh], %%edx\n\txsave64 (%[b])\n\t"
        "mov $3, %%eax\n\txor %%edx, %%edx\n\txrstor64 (%[sv])\n\t"
        : [xi] "=m"(x_init), [xl] "=m"(x_ld)
        : [sv] "r"(saved), [src] "r"(src), [a] "r"(bufa), [b] "r"(bufb), [daz] "m"(mx_daz),
          [rl] "m"(r_lo), [rh] "m"(r_hi)
        : "eax", "ecx", "edx", "memory");
    x_init &= 0xffffffff;
    x_ld &= 0xffffffff;
    EXPECT(!(x_init & 2), "XINUSE[1] = 1 right after initialising SSE");
    EXPECT(xcr0_component_is_init(XCR0_SSE, bufa, 512), "init SSE bytes judged not init");
    EXPECT(x_ld & 2, "XINUSE[1] = 0 after LDMXCSR 0x1fc0");
    EXPECT(!xcr0_component_is_init(XCR0_SSE, bufb, 512),
           "MXCSR 0x1fc0 with zero XMM judged init, but the CPU says SSE is in use");
    unit_end("test_native_sse_init");
}

int main(void)
{
    char err[256];
    unsigned a, b, c, d;

    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    if (!(c & (1u << 27))) {
        unit_skip("native", "the OS has not enabled XSAVE (OSXSAVE = 0)");
        return 0;
    }
    if (xcr0_profile_host(&host, err, sizeof(err)) != 0) {
        printf("FAIL unit/native — host profile: %s\n", err);
        return 1;
    }
    host_xcr0 = xgetbv(0);
    usable = host_xcr0;
    error_pointers = always_saves_error_pointers();
    /* XFD-capable components (AMX TILEDATA) fault (#NM -> SIGILL) until the process asks for
     * permission (ARCH_REQ_XCOMP_PERM 0x1023, Linux Documentation/arch/x86/xstate.rst). */
    for (unsigned nr = 2; nr < 64; nr++) {
        if ((usable & XCR0_BIT(nr)) && host.comp[nr].xfd &&
            syscall(SYS_arch_prctl, 0x1023, (unsigned long)nr) != 0) {
            usable &= ~XCR0_BIT(nr);
            if (nr == XCR0_TILEDATA) {
                usable &= ~XCR0_BIT(XCR0_TILECFG);
            }
        }
    }
    saved = aligned_alloc(64, AREA);
    src = aligned_alloc(64, AREA);
    bufa = aligned_alloc(64, AREA);
    bufb = aligned_alloc(64, AREA);
    img = aligned_alloc(64, AREA);
    out_area = aligned_alloc(64, AREA);
    memset(saved, 0, AREA);
    RUN(test_native_saves);
    RUN(test_native_xrstor);
    RUN(test_native_restore_save);
    test_native_sse_init();
    UNIT_EXIT();
}

#else
int main(void)
{
    unit_skip("native", "not an x86-64 Linux host");
    return 0;
}
#endif
