/*
 * xcr0-probe: print what a user program can observe of XCR0.
 *
 *   xcr0-probe xgetbv     xcr0=0x...                       XGETBV(ECX=0)
 *   xcr0-probe default    xcr0-is-cpuid-supported=yes|no   XCR0 == CPUID.(0xD,0) EDX:EAX
 *   xcr0-probe cpuid      xsave-size=N consistent=yes|no   CPUID.(0xD,0).EBX, and whether it
 *                                                          equals max(offset+size) over XCR0
 *   xcr0-probe sigframe   sigframe xfeatures=0x.. xstate-size=N magic2=ok|bad
 *   xcr0-probe isa        avx=yes|no avx2=yes|no fma=yes|no   (libgcc's __builtin_cpu_supports)
 *   xcr0-probe leafd      CPUID leaf 0xD, sub-leaves 0 and 1 and every non-zero one up to 63,
 *                         as rows of the tests/data/cpuid format
 *   xcr0-probe avx        executes VADDPS ymm and prints "avx ok" (or dies of SIGILL)
 *   xcr0-probe xsaves     executes XSAVES (CPL 0 only: dies of SIGSEGV at CPL 3, as on hardware)
 *   xcr0-probe xrstors    the same for XRSTORS
 *   xcr0-probe all        all of the above
 *
 * Expectations below come from written rules, not from the emulator:
 *  - XGETBV(0) returns XCR0 (SDM vol. 2 XGETBV), so -xcr0 V must read back as V;
 *  - without -xcr0, XCR0 stays upstream QEMU's: every component whose feature the CPU model has
 *    (x86_cpu_reset_hold). TCG's "max" has AVX, MPX and PKU: x87|SSE|AVX|BNDREGS|BNDCSR|PKRU =
 *    0x21f. EPYC-Genoa's AVX-512 is dropped by TCG, leaving x87|SSE|AVX|PKRU = 0x207;
 *  - CPUID.(0xD,0).EBX is the standard-format size for the current XCR0 (SDM 13.2);
 *  - the signal frame's sw_bytes.xfeatures is the task's user xfeatures (= XCR0) and its
 *    xstate_size the standard-format size (Linux fpu/signal.c save_sw_bytes); 0x7 gives
 *    0x240 + 0x100 = 832;
 *  - libgcc (gcc/common/config/i386/cpuinfo.h) reports AVX, AVX2, FMA usable only when XCR0
 *    has SSE and YMM (bits 1 and 2).
 *
 * test default: -- xgetbv => stdout xcr0=0x21f
 * test default-epyc: -cpu EPYC-Genoa -- xgetbv => stdout xcr0=0x207
 * test 0x7: -xcr0 0x7 -- xgetbv => stdout xcr0=0x7
 * test 0x3: -xcr0 0x3 -- xgetbv => stdout xcr0=0x3
 * test 0x1f: -xcr0 0x1f -- xgetbv => stdout xcr0=0x1f
 * test names: -xcr0 x87,sse,avx -- xgetbv => stdout xcr0=0x7
 * test names-mpx: -xcr0 x87,sse,mpx -- xgetbv => stdout xcr0=0x1b
 * test decimal: -xcr0 3 -- xgetbv => stdout xcr0=0x3
 * test env: QEMU_XCR0=0x7 -- xgetbv => stdout xcr0=0x7
 * test env-names: QEMU_XCR0=x87,sse -- xgetbv => stdout xcr0=0x3
 * test option-over-env: QEMU_XCR0=0x3 -xcr0 0x7 -- xgetbv => stdout xcr0=0x7
 * test cpuid-0x7: -xcr0 0x7 -- cpuid => stdout xsave-size=832 consistent=yes
 * test cpuid-0x3: -xcr0 0x3 -- cpuid => stdout xsave-size=576 consistent=yes
 * test cpuid-default: -- cpuid-consistent => stdout consistent=yes
 * test sigframe-0x7: -xcr0 0x7 -- sigframe => stdout sigframe xfeatures=0x7 xstate-size=832 magic2=ok
 * test sigframe-0x3: -xcr0 0x3 -- sigframe => stdout sigframe xfeatures=0x3 xstate-size=576 magic2=ok
 * test isa-0x3: -xcr0 0x3 -- isa => stdout avx=no avx2=no fma=no
 * test isa-0x7-native: -xcr0 0x7 -- isa => native
 * test avx-0x3-sigill: -xcr0 0x3 -- avx => signal SIGILL
 * test avx-0x7: -xcr0 0x7 -- avx => stdout avx ok
 * test xsaves-host: -xcr0 host -xsave-layout host -- xsaves => native
 * test xrstors-host: -xcr0 host -xsave-layout host -- xrstors => native
 * test xsaves-sigsegv: -- xsaves => signal SIGSEGV
 * test avx-0xe7-amd: -xsave-layout amd -xcr0 0xe7 -- avx => stdout avx ok
 *
 * Leaf 0xD against real CPUs (tests/data/cpuid): with the dump as the profile, everything the dump
 * says about the XSAVE layout; with a built-in profile, the enabled components and the size.
 * test leafd-host: -xcr0 host -xsave-layout host -- leafd => native
 * test xgetbv-host: -xcr0 host -xsave-layout host -- xgetbv => native
 * test leafd-dump-zen4: -xsave-layout @cpuid/amd-zen4.txt -xcr0 0x2e7 -- leafd => leafd @cpuid/amd-zen4.txt
 * test leafd-dump-spr: -xsave-layout @cpuid/intel-sapphirerapids.txt -xcr0 0x602e7 -- leafd => leafd @cpuid/intel-sapphirerapids.txt
 * test leafd-dump-skx: -xsave-layout @cpuid/intel-skylake-sp.txt -xcr0 0x2ff -- leafd => leafd @cpuid/intel-skylake-sp.txt
 * test leafd-dump-fam15h: -xsave-layout @cpuid/amd-fam15h-lwp.txt -xcr0 0x7 -- leafd => leafd @cpuid/amd-fam15h-lwp.txt
 * test leafd-intel-0x3: -xsave-layout intel -xcr0 0x3 -- leafd => leafd-enabled 0x3 @cpuid/intel-skylake-sp.txt
 * test leafd-intel-0x7: -xsave-layout intel -xcr0 0x7 -- leafd => leafd-enabled 0x7 @cpuid/intel-skylake-sp.txt
 * test leafd-intel-0xe7: -xsave-layout intel -xcr0 0xe7 -- leafd => leafd-enabled 0xe7 @cpuid/intel-icelake-sp.txt
 * test leafd-intel-0x207: -xsave-layout intel -xcr0 0x207 -- leafd => leafd-enabled 0x207 @cpuid/intel-alderlake-hybrid.txt
 * test leafd-intel-0x2ff: -xsave-layout intel -xcr0 0x2ff -- leafd => leafd-enabled 0x2ff @cpuid/intel-skylake-sp.txt
 * test leafd-intel-0x602e7: -xsave-layout intel -xcr0 0x602e7 -- leafd => leafd-enabled 0x602e7 @cpuid/intel-sapphirerapids.txt
 * test leafd-amd-0x3: -xsave-layout amd -xcr0 0x3 -- leafd => leafd-enabled 0x3 @cpuid/amd-zen4.txt
 * test leafd-amd-0x7: -xsave-layout amd -xcr0 0x7 -- leafd => leafd-enabled 0x7 @cpuid/amd-zen4.txt
 * test leafd-amd-0xe7: -xsave-layout amd -xcr0 0xe7 -- leafd => leafd-enabled 0xe7 @cpuid/amd-zen4.txt
 * test leafd-amd-0x207: -xsave-layout amd -xcr0 0x207 -- leafd => leafd-enabled 0x207 @cpuid/amd-zen3.txt
 * test leafd-epyc-default: -cpu EPYC-Genoa -- leafd => leafd-enabled 0x207 @cpuid/amd-zen4.txt
 *
 * -xcr0 help names what the profile supports; AMD Zen 4 enumerates 0x2e7 (amd-zen4.txt, 0xD.0).
 * test help-amd: -xsave-layout amd -xcr0 help => line The amd layout (-xsave-layout) supports 0x2e7 = x87|sse|avx|opmask|zmm_hi256|hi16_zmm|pkru
 * test help-zen3-dump: -xsave-layout @cpuid/amd-zen3.txt -xcr0 help => line The amd-zen3.txt layout (-xsave-layout) supports 0x207 = x87|sse|avx|pkru
 *
 * test bad-nonsense: -xcr0 nonsense -- xgetbv => error unknown component 'nonsense'
 * test bad-no-x87: -xcr0 0x4 -- xgetbv => error x87 (bit 0) must always be enabled
 * test bad-ymm-without-sse: -xcr0 0x5 -- xgetbv => error avx (bit 2) requires sse
 * test bad-half-mpx: -xcr0 0xb -- xgetbv => error bndcsr
 * test bad-supervisor: -xcr0 0x803 -- xgetbv => error supervisor
 * test bad-no-sse: -xcr0 0x1 -- xgetbv => error lacks SSE; Linux runs x86-64 programs with x87 and SSE enabled
 * test bad-no-sse-name: -xcr0 x87 -- xgetbv => error XCR0 must include 0x3
 * test bad-undefined-bit: -xcr0 0x100003 -- xgetbv => error bit20
 * test bad-unsupported: -xsave-layout amd -xcr0 0x1f -- xgetbv => error bndregs|bndcsr not supported
 * test bad-unsupported-dump: -xsave-layout @cpuid/intel-tremont-jasperlake.txt -xcr0 0x7 -- xgetbv => error avx not supported
 * test bad-no-xsave: -cpu qemu64 -xcr0 0x3 -- xgetbv => error no XSAVE
 * test bad-truncated-dump: -xsave-layout @data/amd-zen4-truncated.txt -- xgetbv => error line 15
 * test bad-layout-name: -xsave-layout nonsense -- xgetbv => error nonsense
 * test bad-env: QEMU_XCR0=0x5 -- xgetbv => error requires sse
 * test bad-empty: -xcr0 '' -- xgetbv => error empty
 * test bad-overflow: -xcr0 0x10000000000000000 -- xgetbv => error 64 bits
 *
 * A CPUID dump is data: one the state code cannot follow is refused at start-up, whatever -xcr0
 * enables (before, the first XSAVE of /bin/true aborted on access_ptr's assertion, and a signal
 * frame was written past its end). Tried: a component of a non-architectural size (16-byte AVX,
 * 1 MiB Hi16_ZMM), an area past 64 KiB (the 16-bit X86Access size), the same with -xcr0 0x3
 * (nothing of it enabled) and through QEMU_XSAVE_LAYOUT; offsets inside the legacy region or
 * header, overlapping components and sizes beyond 2 GiB are refused by libxcr0's parser
 * (tests/unit/test-profiles.c).
 * test bad-avx-16-bytes: -xsave-layout @data/bad-avx-16-bytes.txt -- xgetbv => error avx (component 2) 16 bytes
 * test bad-avx-16-bytes-0x3: -xcr0 0x3 -xsave-layout @data/bad-avx-16-bytes.txt -- xgetbv => error its state is 256 bytes
 * test bad-1mib-component: -xsave-layout @data/bad-1mib-component.txt -- xgetbv => error hi16_zmm (component 7) 1048576 bytes
 * test bad-64kib-layout: -xsave-layout @data/bad-64kib-layout.txt -- xgetbv => error XSAVE area is 65544 bytes
 * test bad-64kib-layout-env: QEMU_XSAVE_LAYOUT=@data/bad-64kib-layout.txt -- xgetbv => error XSAVE area is 65544 bytes
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <cpuid.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

/* arch/x86/include/uapi/asm/sigcontext.h; glibc's headers may define them too */
#ifndef FP_XSTATE_MAGIC1
#define FP_XSTATE_MAGIC1 0x46505853u /* "FPXS" */
#define FP_XSTATE_MAGIC2 0x46505845u /* "FPXE" */
#endif
#define SW_BYTES_OFFSET 464          /* struct _fpx_sw_bytes in the FXSAVE image */

static uint64_t xgetbv(uint32_t ecx)
{
    uint32_t lo, hi;

    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(ecx));
    return ((uint64_t)hi << 32) | lo;
}

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
}

static void print_xgetbv(void)
{
    printf("xcr0=0x%llx\n", (unsigned long long)xgetbv(0));
}

static void print_default(void)
{
    uint32_t r[4];

    cpuid(0xd, 0, r);
    printf("xcr0-is-cpuid-supported=%s\n",
           xgetbv(0) == (((uint64_t)r[3] << 32) | r[0]) ? "yes" : "no");
}

/* SDM 13.2: CPUID.(0xD,0).EBX = size of the standard-format area for what XCR0 enables. */
static int size_consistent(uint32_t *size)
{
    uint64_t xcr0 = xgetbv(0);
    uint32_t r[4], want = 576;

    for (unsigned i = 2; i < 63; i++) {
        if (xcr0 & (1ull << i)) {
            cpuid(0xd, i, r);
            if (r[1] + r[0] > want) {
                want = r[1] + r[0];
            }
        }
    }
    cpuid(0xd, 0, r);
    *size = r[1];
    return r[1] == want;
}

static void print_cpuid(int with_size)
{
    uint32_t size;
    int ok = size_consistent(&size);

    if (with_size) {
        printf("xsave-size=%u consistent=%s\n", size, ok ? "yes" : "no");
    } else {
        printf("consistent=%s\n", ok ? "yes" : "no");
    }
}

static volatile uint64_t seen_xfeatures;
static volatile uint32_t seen_xstate_size, seen_magic1, seen_magic2;

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    const unsigned char *fp = (const unsigned char *)uc->uc_mcontext.fpregs;
    uint32_t magic1, size, magic2 = 0;
    uint64_t xfeatures;

    (void)sig;
    (void)si;
    memcpy(&magic1, fp + SW_BYTES_OFFSET, 4);
    memcpy(&xfeatures, fp + SW_BYTES_OFFSET + 8, 8);
    memcpy(&size, fp + SW_BYTES_OFFSET + 16, 4);
    if (magic1 == FP_XSTATE_MAGIC1) {
        memcpy(&magic2, fp + size, 4);
    }
    seen_magic1 = magic1;
    seen_xfeatures = xfeatures;
    seen_xstate_size = size;
    seen_magic2 = magic2;
}

static void print_sigframe(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    if (seen_magic1 != FP_XSTATE_MAGIC1) {
        printf("sigframe no-xstate magic1=0x%x\n", seen_magic1);
        return;
    }
    printf("sigframe xfeatures=0x%llx xstate-size=%u magic2=%s\n",
           (unsigned long long)seen_xfeatures, seen_xstate_size,
           seen_magic2 == FP_XSTATE_MAGIC2 ? "ok" : "bad");
}

static void print_isa(void)
{
    __builtin_cpu_init();
    printf("avx=%s avx2=%s fma=%s\n",
           __builtin_cpu_supports("avx") ? "yes" : "no",
           __builtin_cpu_supports("avx2") ? "yes" : "no",
           __builtin_cpu_supports("fma") ? "yes" : "no");
}

static void print_leafd(void)
{
    uint32_t r[4];

    for (unsigned i = 0; i < 64; i++) {
        cpuid(0xd, i, r);
        if (i < 2 || r[0] || r[1] || r[2] || r[3]) {
            printf("0000000d %08x %08x %08x %08x %08x\n", i, r[0], r[1], r[2], r[3]);
        }
    }
}

static unsigned char area[16384] __attribute__((aligned(64)));

static void run_privileged(int restore)
{
    if (restore) {
        __asm__ volatile("xrstors64 (%0)" : : "r"(area), "a"(-1), "d"(-1) : "memory");
    } else {
        __asm__ volatile("xsaves64 (%0)" : : "r"(area), "a"(-1), "d"(-1) : "memory");
    }
    printf("%s executed\n", restore ? "xrstors" : "xsaves");
}

static void run_avx(void)
{
    __asm__ volatile("vaddps %%ymm0, %%ymm1, %%ymm2" ::: "xmm2");
    printf("avx ok\n");
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "all";
    int all = strcmp(what, "all") == 0;

    if (all || strcmp(what, "xgetbv") == 0) {
        print_xgetbv();
    }
    if (all || strcmp(what, "default") == 0) {
        print_default();
    }
    if (all || strcmp(what, "cpuid") == 0) {
        print_cpuid(1);
    }
    if (strcmp(what, "cpuid-consistent") == 0) {
        print_cpuid(0);
    }
    if (all || strcmp(what, "sigframe") == 0) {
        print_sigframe();
    }
    if (all || strcmp(what, "isa") == 0) {
        print_isa();
    }
    if (strcmp(what, "leafd") == 0) {
        print_leafd();
    }
    if (strcmp(what, "avx") == 0) {
        run_avx();
    }
    if (strcmp(what, "xsaves") == 0 || strcmp(what, "xrstors") == 0) {
        fflush(stdout);
        run_privileged(strcmp(what, "xrstors") == 0);
    }
    return 0;
}
