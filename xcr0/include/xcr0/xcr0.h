/*
 * libxcr0 — a model of the x86 XCR0 register and the XSAVE state components.
 *
 * One table (xcr0/lib/components.c) describes every state component; everything else —
 * legality of an XCR0 value, layouts, CPUID leaf 0xD, the emulator's XSAVE helpers, signal
 * frames and the xcr0 command — is computed from it.
 *
 * Sources: Intel SDM vol. 1 ch. 13 "Managing state using the XSAVE feature set" (13.2 enumeration,
 * 13.3 enabling, 13.4 the XSAVE area), vol. 2 XSETBV; Linux arch/x86/kernel/fpu/xstate.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XCR0_XCR0_H
#define XCR0_XCR0_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* State component numbers (SDM 13.1; bit N of XCR0 / IA32_XSS / XSTATE_BV). */
enum xcr0_component_nr {
    XCR0_X87 = 0,
    XCR0_SSE = 1,
    XCR0_YMM = 2,
    XCR0_BNDREGS = 3,
    XCR0_BNDCSR = 4,
    XCR0_OPMASK = 5,
    XCR0_ZMM_HI256 = 6,
    XCR0_HI16_ZMM = 7,
    XCR0_PT = 8,
    XCR0_PKRU = 9,
    XCR0_PASID = 10,
    XCR0_CET_U = 11,
    XCR0_CET_S = 12,
    XCR0_HDC = 13,
    XCR0_UINTR = 14,
    XCR0_LBR = 15,
    XCR0_HWP = 16,
    XCR0_TILECFG = 17,
    XCR0_TILEDATA = 18,
    XCR0_APX = 19,
    XCR0_LWP = 62,
};

#define XCR0_BIT(nr) (UINT64_C(1) << (nr))
#define XCR0_MASK_AVX512 (XCR0_BIT(XCR0_OPMASK) | XCR0_BIT(XCR0_ZMM_HI256) | \
                          XCR0_BIT(XCR0_HI16_ZMM))
#define XCR0_MASK_MPX (XCR0_BIT(XCR0_BNDREGS) | XCR0_BIT(XCR0_BNDCSR))
#define XCR0_MASK_AMX (XCR0_BIT(XCR0_TILECFG) | XCR0_BIT(XCR0_TILEDATA))
#define XCR0_MASK_LEGACY (XCR0_BIT(XCR0_X87) | XCR0_BIT(XCR0_SSE))

/* The legacy region (FXSAVE image) and the XSAVE header (SDM 13.4.1, 13.4.2). */
#define XCR0_LEGACY_SIZE 512u
#define XCR0_HEADER_SIZE 64u
#define XCR0_EXTENDED_START (XCR0_LEGACY_SIZE + XCR0_HEADER_SIZE) /* 576 */

/* Which built-in layout profile a table offset belongs to. */
enum xcr0_builtin_profile {
    XCR0_PROFILE_INTEL,
    XCR0_PROFILE_AMD,
    XCR0_PROFILE_BUILTIN_COUNT
};

/* How to tell from a component's bytes whether it is in its initial configuration. */
enum xcr0_init_rule {
    XCR0_INIT_ZERO,  /* all bytes zero (SDM 13.6) */
    XCR0_INIT_X87,   /* FCW 0x37F, FSW 0, FTW all empty, FOP/FIP/FDP 0, ST0-7 zero */
    XCR0_INIT_SSE,   /* XMM0-15 zero (MXCSR: see xcr0_component_is_init()) */
};

struct xcr0_component {
    unsigned nr;
    const char *name;        /* command-line name: "x87", "sse", "avx", ... */
    const char *description; /* as Linux's boot log names it */
    uint32_t size;           /* CPUID.(0xD,nr).EAX */
    bool supervisor;         /* IA32_XSS component (CPUID.(0xD,nr).ECX[0]) */
    bool xfd;                /* may be armed by extended feature disable (ECX[2]) */
    enum xcr0_init_rule init_rule;
    /* Standard-format offset (CPUID.(0xD,nr).EBX) and compacted 64-byte alignment (ECX[1]) in each
     * built-in profile; offset 0 means the profile does not have the component. */
    uint32_t offset[XCR0_PROFILE_BUILTIN_COUNT];
    bool align64[XCR0_PROFILE_BUILTIN_COUNT];
};

/* The component with number nr, or NULL if nr names no defined component. */
const struct xcr0_component *xcr0_component(unsigned nr);
/* The component called name (case-insensitive; '-' equals '_'), or NULL. */
const struct xcr0_component *xcr0_component_by_name(const char *name);
/* Every bit that names a defined component. */
uint64_t xcr0_defined_mask(void);
/* Every defined supervisor (IA32_XSS) component. */
uint64_t xcr0_supervisor_mask(void);

/*
 * Parse a mask as written by a user: a number ("0xe7", "231") or a list of component names and
 * groups ("x87,sse,avx", "avx512" = opmask,zmm_hi256,hi16_zmm, "mpx", "amx"), or "host" (this
 * machine's XCR0; x86 hosts only). Returns 0, or -1 with a one-line reason in err.
 */
int xcr0_parse_mask(const char *text, uint64_t *mask, char *err, size_t errlen);

/* Write "x87|sse|avx" for a mask ("none" for 0, "bit40" for undefined bits). */
void xcr0_format_names(uint64_t mask, char *buf, size_t len);

/* The rules an XCR0 value must obey (SDM vol. 2 XSETBV, 13.3). */
enum xcr0_rule {
    XCR0_RULE_OK = 0,
    XCR0_RULE_X87_REQUIRED,      /* bit 0 must be 1 */
    XCR0_RULE_YMM_NEEDS_SSE,     /* bit 2 requires bit 1 */
    XCR0_RULE_MPX_PAIR,          /* bits 3 and 4 together */
    XCR0_RULE_AVX512_ALL,        /* bits 5, 6, 7 all or none */
    XCR0_RULE_AVX512_NEEDS_YMM,  /* bits 5-7 require bit 2 */
    XCR0_RULE_AMX_PAIR,          /* bits 17 and 18 together */
    XCR0_RULE_UNDEFINED_BIT,     /* a bit that names no state component */
    XCR0_RULE_SUPERVISOR_BIT,    /* an IA32_XSS component, never an XCR0 bit */
    XCR0_RULE_UNSUPPORTED,       /* a bit the CPU does not enumerate in CPUID.(0xD,0) */
};

/* Check xcr0 against the rules and a CPU's supported mask (CPUID.(0xD,0) EDX:EAX). */
enum xcr0_rule xcr0_check(uint64_t xcr0, uint64_t supported);
/* One line explaining why xcr0 breaks rule (names the bits). */
void xcr0_rule_explain(enum xcr0_rule rule, uint64_t xcr0, uint64_t supported,
                       char *buf, size_t len);

/* This host's XCR0 via XGETBV. Returns 0, or -1 with a reason (not x86, no OSXSAVE). */
int xcr0_host_xcr0(uint64_t *xcr0, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
