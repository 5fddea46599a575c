/*
 * qemu-xcr0: the XSAVE model of the emulated machine (user mode).
 *
 * One layout profile per process (Intel or AMD offsets, or a real CPU's CPUID dump) says which
 * state components exist and where XSAVE puts them; each vCPU has its own XCR0.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TARGET_I386_XCR0_CPU_H
#define TARGET_I386_XCR0_CPU_H

#include "xcr0/xcr0.h"

/*
 * What the translator knows, inside one translation block, of the XINUSE words it keeps
 * (env->xinuse, env->xinuse_vregs) and of env->xsaveopt_unmodified: bits it already set or
 * cleared, so that each is written at most once per block (tcg/xcr0-translate.c.inc).
 */
typedef struct XinuseDisas {
    uint64_t set[2], clear[2];
    uint64_t modified;      /* bits of xsaveopt_unmodified already cleared */
} XinuseDisas;

/* env->xinuse_vregs: a bit per register part, for XINUSE tracked per register. */
#define XINUSE_VREGS_XMM   UINT64_C(0x000000000000ffff) /* XMM0-15, bits 127:0 */
#define XINUSE_VREGS_YMMH  UINT64_C(0x00000000ffff0000) /* YMM0-15, bits 255:128 */
#define XINUSE_VREGS_ZMMH  UINT64_C(0x0000ffff00000000) /* ZMM0-15, bits 511:256 */
#define XINUSE_VREGS_SHIFT_YMMH 16
#define XINUSE_VREGS_SHIFT_ZMMH 32

/*
 * Choose the machine's layout profile from a -xsave-layout argument ("intel", "amd", "host" or
 * a CPUID dump file). Returns 0, or -1 with a one-line reason in err.
 */
int x86_xcr0_choose_profile(const char *spec, char *err, size_t errlen);

/*
 * Set up the first vCPU's XSAVE model once its CPU model is known: take the default profile
 * from the model's vendor unless one was chosen, make CPUID leaf 0xD and the supported-XCR0
 * mask the profile's, and set XCR0 to *xcr0 if given (else upstream's default, restricted to
 * what the profile supports). Returns 0, or -1 with a one-line reason in err.
 */
int x86_xcr0_init_cpu(CPUX86State *env, const uint64_t *xcr0, char *err, size_t errlen);

/*
 * The hflags that follow XCR0 (HF_AVX_EN, HF_MPX_EN, HF_ZMM_EN: translated code depends on them,
 * and hflags are part of a translation block's key), after any change of env->xcr0.
 */
void x86_xcr0_sync_hflags(CPUX86State *env);



/*
 * The machine's vendor rules (libxcr0: XINUSE, x87 pointers, FCW, MXCSR, XSAVES) and the MXCSR
 * bits LDMXCSR, FXRSTOR and XRSTOR accept: the profile's, or Intel's and 0xffff on a CPU model
 * without XSAVE; set by x86_xcr0_init_cpu() before the guest runs. Read on every XSAVE, XRSTOR,
 * FLDCW and signal: plain globals, not calls.
 */
extern struct xcr0_vendor_rules x86_xcr0_machine_rules;
extern uint32_t x86_xcr0_machine_mxcsr_mask;

static inline const struct xcr0_vendor_rules *x86_xcr0_rules(void)
{
    return &x86_xcr0_machine_rules;
}

static inline uint32_t x86_xcr0_mxcsr_mask(void)
{
    return x86_xcr0_machine_mxcsr_mask;
}

/* FCW as the machine stores a value loaded by FLDCW, FLDENV, FRSTOR, FXRSTOR or XRSTOR. */
static inline uint16_t x86_xcr0_fcw(uint16_t value)
{
    return (value & x86_xcr0_machine_rules.fcw_keep) | x86_xcr0_machine_rules.fcw_set;
}

/* The profile -xsave-layout chose, or NULL. */
const struct xcr0_profile *x86_xcr0_chosen_profile(void);

/* The machine's profile; NULL before x86_xcr0_init_cpu() or for a CPU without XSAVE. */
const struct xcr0_profile *x86_xcr0_profile(void);

/*
 * CPUID leaf 0xD for this vCPU as a user program on the profile's machine sees it. Returns
 * false (and leaves the registers alone) if the XSAVE model is not in use.
 */
bool x86_xcr0_cpuid_leaf_d(CPUX86State *env, uint32_t count, uint32_t *eax, uint32_t *ebx,
                           uint32_t *ecx, uint32_t *edx);

/*
 * The size of an XSAVE area holding mask in the standard or compacted format on the machine's
 * profile (what upstream's xsave_area_size() computes from Intel's offsets). Only valid while
 * x86_xcr0_profile() is not NULL.
 */
uint32_t x86_xcr0_area_size(uint64_t mask, bool compacted);

/*
 * A bit of env->xinuse that is no state component: LDMXCSR wrote MXCSR since the last XRSTOR
 * (hardware then counts SSE as in use even for MXCSR 0x1F80; see tcg/xcr0-xsave.c.inc).
 */
#define XINUSE_MXCSR (UINT64_C(1) << 63)

/* Implemented in tcg/xcr0-xsave.c.inc (part of fpu_helper.c). */
/* The components XSAVE/XRSTOR can hold here (a profile may describe more). */
uint64_t x86_xcr0_emulated_components(void);
/* The bytes XRSTOR reads from an image with this header (XSTATE_BV, XCOMP_BV) and RFBM. */
uint32_t x86_xcr0_xrstor_extent(CPUX86State *env, uint64_t xstate_bv, uint64_t xcomp_bv,
                                uint64_t rfbm);
/* Bytes the state code reads and writes for component nr (0: the emulator lacks it). */
unsigned x86_xcr0_state_len(unsigned nr);
/* FXRSTOR of a legacy image in host memory (signal frames; user mode only); false where
 * FXRSTOR would raise #GP (a reserved MXCSR bit). */
bool x86_xcr0_fxrstor_host(CPUX86State *env, void *host);
/* FXSAVE and FXRSTOR (helpers): the legacy region as XSAVE/XRSTOR write and read it. */
void x86_xcr0_fxsave(CPUX86State *env, target_ulong ptr, uintptr_t ra);
void x86_xcr0_fxrstor(CPUX86State *env, target_ulong ptr, uintptr_t ra);
/* LDMXCSR: #GP(0) for a bit outside MXCSR_MASK (SDM vol. 2 LDMXCSR), else load it. */
void x86_xcr0_ldmxcsr(CPUX86State *env, uint32_t value, uintptr_t ra);
/* Put the components of mask in their initial configuration (XRSTOR with XSTATE_BV[i] 0). */
void x86_xcr0_init_components(CPUX86State *env, uint64_t mask);
/* Set this vCPU's XCR0 (already checked); components turned on start initial. */
void x86_xcr0_set(CPUX86State *env, uint64_t xcr0);
/* XINUSE & XCR0, what XGETBV(1) returns. */
uint64_t x86_xcr0_xinuse(CPUX86State *env);

#endif
