/*
 * xsave-layout: do XSAVE and XSAVEC put every component where CPUID leaf 0xD says, by the SDM's
 * rules? With leaf 0xD itself checked against real CPU dumps (xcr0-probe's leafd cases), this
 * ties the bytes of XSAVE images at any XCR0 and layout to a real CPU.
 *
 * Rules written out here (Intel SDM vol. 1):
 *  - 13.4.2/13.7: XSAVE writes component i >= 2 at CPUID.(0xD,i).EBX, CPUID.(0xD,i).EAX bytes;
 *    XSTATE_BV[i] = XINUSE[i] for i in RFBM (all loaded here), other bits untouched;
 *  - 13.4.3/13.10: XSAVEC packs the components of RFBM in bit order from byte 576, each at the
 *    next 64-byte boundary if CPUID.(0xD,i).ECX[1]; XCOMP_BV = RFBM | 1 << 63;
 *  - the standard size CPUID.(0xD,0).EBX and the compacted size are where the last component
 *    ends; nothing beyond is written.
 * Components are loaded with a distinct pattern per component through XRSTOR, and the saved
 * bytes of each must be exactly its pattern. x87 and SSE get non-initial bytes too (an x87
 * register's data, XMM15): AMD silicon judges what XRSTOR loads by value, and a component
 * loaded with its initial bytes is not in use there (tests/silicon/amd-zen5-vm, vendor-rules). (BNDCSR gets BNDCFGU 0, so MPX stays off, and
 * BNDSTATUS 1: a component loaded with its initial bytes may later read as not in use.)
 *
 * test intel-0x7: -xsave-layout intel -xcr0 0x7 => stdout standard ok\ncompacted ok
 * test intel-0x1f: -xsave-layout intel -xcr0 0x1f => stdout standard ok\ncompacted ok
 * test intel-0xe7: -xsave-layout intel -xcr0 0xe7 => stdout standard ok\ncompacted ok
 * test intel-0x207: -xsave-layout intel -xcr0 0x207 => stdout standard ok\ncompacted ok
 * test intel-0x2ff: -xsave-layout intel -xcr0 0x2ff => stdout standard ok\ncompacted ok
 * test intel-0x602e7: -xsave-layout intel -xcr0 0x602e7 => stdout standard ok\ncompacted ok
 * test amd-0x3: -xsave-layout amd -xcr0 0x3 => stdout standard ok\ncompacted ok
 * test amd-0xe7: -xsave-layout amd -xcr0 0xe7 => stdout standard ok\ncompacted ok
 * test amd-0x2e7: -xsave-layout amd -xcr0 0x2e7 => stdout standard ok\ncompacted ok
 * test spr-0x602e7: -xsave-layout @cpuid/intel-sapphirerapids.txt -xcr0 0x602e7 => stdout standard ok\ncompacted ok
 * test zen3-0x207: -xsave-layout @cpuid/amd-zen3.txt -xcr0 0x207 => stdout standard ok\ncompacted ok
 * test sandybridge-0x7: -xsave-layout @cpuid/intel-sandybridge-e.txt -xcr0 0x7 => stdout standard ok\ncompacted n/a
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "xstate-util.h"

#define AREA 16384
#define POISON 0xa5

static uint8_t image[AREA] __attribute__((aligned(64)));
static uint8_t out[AREA] __attribute__((aligned(64)));
static uint32_t size_of[64], offset_of[64], align64[64];

static uint8_t pattern(unsigned comp, uint32_t k)
{
    return (uint8_t)(0x40 + comp * 11 + k * 3) | 1; /* never POISON, never zero */
}

static void restore_then_save(int compacted, uint64_t rfbm)
{
    if (compacted) {
        __asm__ volatile("mov $-1, %%eax\n\tmov $-1, %%edx\n\txrstor64 (%0)\n\t"
                         "mov %2, %%eax\n\tmov %3, %%edx\n\txsavec64 (%1)"
                         : : "r"(image), "r"(out), "r"((uint32_t)rfbm),
                           "r"((uint32_t)(rfbm >> 32)) : "rax", "rdx", "memory");
    } else {
        __asm__ volatile("mov $-1, %%eax\n\tmov $-1, %%edx\n\txrstor64 (%0)\n\t"
                         "mov %2, %%eax\n\tmov %3, %%edx\n\txsave64 (%1)"
                         : : "r"(image), "r"(out), "r"((uint32_t)rfbm),
                           "r"((uint32_t)(rfbm >> 32)) : "rax", "rdx", "memory");
    }
}

/* Check component i's bytes at off; returns 0 or prints the first difference. */
static int check_component(const char *form, unsigned i, uint32_t off)
{
    for (uint32_t k = 0; k < size_of[i]; k++) {
        uint8_t want = i != 4 ? pattern(i, k) : k == 8 ? 1 : 0;
        if (i == 4 && k >= 16) {
            want = POISON; /* BNDCSR's bytes 16..63 are reserved and never written (measured) */
        }
        if (out[off + k] != want) {
            printf("%s: component %u byte %u at 0x%x is 0x%02x, want 0x%02x\n", form, i, k,
                   off + k, out[off + k], want);
            return 1;
        }
    }
    return 0;
}

int main(void)
{
    uint64_t xcr0 = xgetbv(0), bv;
    uint32_t a, b, c, d, std_size, end = 576, next = 576;
    int has_xsavec, bad = 0;

    /* Linux: AMX TILEDATA needs permission before first use (else SIGILL). */
    if (xcr0 & (1ull << 18)) {
        syscall(SYS_arch_prctl, 0x1023, 18);
    }
    __cpuid_count(0xd, 0, a, std_size, c, d);
    __cpuid_count(0xd, 1, a, b, c, d);
    has_xsavec = (a >> 1) & 1;
    for (unsigned i = 2; i < 63; i++) {
        if (xcr0 & (1ull << i)) {
            __cpuid_count(0xd, i, size_of[i], offset_of[i], c, d);
            align64[i] = (c >> 1) & 1;
        }
    }

    /* A standard image holding every component of XCR0 with its pattern. */
    memset(image, 0, sizeof(image));
    image[24] = 0x80; image[25] = 0x1f;        /* MXCSR 0x1f80 */
    image[0] = 0x7f; image[1] = 0x03;          /* FCW 0x37f */
    image[32 + 7 * 16] = 0x01;                 /* ST7's data (its tag says empty) */
    image[160 + 15 * 16] = 0x01;               /* XMM15 */
    for (unsigned i = 2; i < 63; i++) {
        if (xcr0 & (1ull << i)) {
            for (uint32_t k = 0; k < size_of[i]; k++) {
                image[offset_of[i] + k] = i != 4 ? pattern(i, k) : k == 8 ? 1 : 0;
            }
            if (i == 9) {
                memcpy(image + offset_of[i], "\x50\x55\x55\x55\0\0\0\0", 8); /* keys 0, 1 open */
            }
        }
    }
    memcpy(image + 512, &xcr0, 8);

    memset(out, POISON, sizeof(out));
    restore_then_save(0, xcr0);
    memcpy(&bv, out + 512, 8);
    /* XSAVE writes the RFBM bits of XSTATE_BV and leaves the others (and the poison) alone. */
    if (bv != (xcr0 | (0xa5a5a5a5a5a5a5a5ull & ~xcr0))) {
        printf("standard: XSTATE_BV 0x%llx, want 0x%llx\n", (unsigned long long)bv,
               (unsigned long long)xcr0);
        bad = 1;
    }
    for (unsigned i = 2; i < 63 && !bad; i++) {
        if (xcr0 & (1ull << i)) {
            if (offset_of[i] + size_of[i] > end) {
                end = offset_of[i] + size_of[i];
            }
            if (i == 9) {
                bad |= memcmp(out + offset_of[9], "\x50\x55\x55\x55\xa5\xa5\xa5\xa5", 8) != 0;
                if (bad) {
                    printf("standard: PKRU bytes wrong\n");
                }
                continue;
            }
            bad |= check_component("standard", i, offset_of[i]);
        }
    }
    if (!bad && end != std_size) {
        printf("standard: components end at 0x%x, CPUID.(0xD,0).EBX says 0x%x\n", end, std_size);
        bad = 1;
    }
    for (uint32_t k = std_size; k < AREA && !bad; k++) {
        if (out[k] != POISON) {
            printf("standard: byte 0x%x beyond the area written\n", k);
            bad = 1;
        }
    }
    printf(bad ? "standard bad\n" : "standard ok\n");

    if (!has_xsavec) {
        printf("compacted n/a\n");
        return 0;
    }
    bad = 0;
    memset(out, POISON, sizeof(out));
    restore_then_save(1, xcr0);
    memcpy(&bv, out + 520, 8);
    if (bv != (xcr0 | 1ull << 63)) {
        printf("compacted: XCOMP_BV 0x%llx\n", (unsigned long long)bv);
        bad = 1;
    }
    for (unsigned i = 2; i < 63 && !bad; i++) {
        if (!(xcr0 & (1ull << i))) {
            continue;
        }
        if (align64[i]) {
            next = (next + 63) & ~63u;
        }
        if (i == 9) {
            if (memcmp(out + next, "\x50\x55\x55\x55\xa5\xa5\xa5\xa5", 8) != 0) {
                printf("compacted: PKRU bytes wrong at 0x%x\n", next);
                bad = 1;
            }
        } else {
            bad |= check_component("compacted", i, next);
        }
        next += size_of[i];
    }
    for (uint32_t k = next; k < AREA && !bad; k++) {
        if (out[k] != POISON) {
            printf("compacted: byte 0x%x beyond the area written\n", k);
            bad = 1;
        }
    }
    printf(bad ? "compacted bad\n" : "compacted ok\n");
    return 0;
}
