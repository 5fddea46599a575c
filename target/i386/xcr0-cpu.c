/*
 * qemu-xcr0: the XSAVE model of the emulated machine (user mode).
 *
 * Upstream QEMU describes XSAVE with one table of Intel offsets (x86_ext_save_areas) and derives
 * CPUID leaf 0xD from it. A real machine's leaf 0xD depends on its vendor (AMD packs AVX-512
 * right after AVX, rr issue #3573) and on what its OS enabled. Here a libxcr0 profile is the
 * machine: CPUID leaf 0xD, the supported XCR0 bits and (in later patches) every XSAVE layout
 * come from it, so a program sees the machine it was recorded on.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "cpu.h"
#include "xcr0/xcr0.h"
#include "xcr0-cpu.h"

/* The profile is per process, like the CPU it describes; vCPUs differ only in XCR0/XINUSE. */
static struct xcr0_profile machine_profile;
static bool profile_chosen;  /* by -xsave-layout */
static bool profile_generic = true; /* a built-in vendor layout, not a real CPU's dump */
static bool profile_active;  /* x86_xcr0_init_cpu() found XSAVE and set the model up */

/*
 * CPUID.(0xD,1).EAX features this emulator executes (XSAVES/XRSTORS only as far as user mode
 * sees them: #GP). XFD needs the kernel's permission model and is not offered.
 */
#define IMPLEMENTED_XSAVE_FEATURES (XCR0_FEATURE_XSAVEOPT | XCR0_FEATURE_XSAVEC | \
                                    XCR0_FEATURE_XGETBV1 | XCR0_FEATURE_XSAVES)

int x86_xcr0_choose_profile(const char *spec, char *err, size_t errlen)
{
    if (xcr0_profile_open(spec, &machine_profile, err, errlen) != 0) {
        return -1;
    }
    profile_chosen = true;
    profile_generic = !strcmp(spec, "intel") || !strcmp(spec, "amd");
    return 0;
}

struct xcr0_vendor_rules x86_xcr0_machine_rules;
uint32_t x86_xcr0_machine_mxcsr_mask;

const struct xcr0_profile *x86_xcr0_chosen_profile(void)
{
    return profile_chosen ? &machine_profile : NULL;
}

const struct xcr0_profile *x86_xcr0_profile(void)
{
    return profile_active ? &machine_profile : NULL;
}

/*
 * The largest XSAVE area the state code can address: an X86Access holds a 16-bit size
 * (target/i386/tcg/access.h).
 */
#define MAX_XSAVE_AREA 0xffffu

/*
 * A profile is data (a CPUID dump may say anything its own consistency allows): refuse one the
 * state code cannot follow. Each component the emulator holds has its architectural size (the
 * component table); a dump giving it another would make XSAVE write past the area CPUID
 * announces, or XRSTOR read what is not there. And the whole area must be addressable.
 */
static int check_profile_fits(const struct xcr0_profile *p, char *err, size_t errlen)
{
    uint64_t held = (p->supported | p->xss_supported) & x86_xcr0_emulated_components();
    uint64_t user = p->supported & x86_xcr0_emulated_components();
    uint64_t standard = 0, compacted = XCR0_EXTENDED_START;

    for (unsigned nr = 2; nr < 64; nr++) {
        const struct xcr0_component *c = xcr0_component(nr);

        if (!(held & XCR0_BIT(nr)) || c == NULL) {
            continue;
        }
        /*
         * The architectural size, and room for what the state code writes (its rows never
         * exceed the architecture; this keeps a table edit from writing past a component).
         */
        if (p->comp[nr].size != c->size || x86_xcr0_state_len(nr) > c->size) {
            snprintf(err, errlen, "the %s layout gives %s (component %u) %u bytes in "
                     "CPUID.(0xD,%u).EAX; its state is %u bytes on every CPU", p->name,
                     c->name, nr, p->comp[nr].size, nr, c->size);
            return -1;
        }
    }
    /* Sizes are now architectural (at most 8 KiB each): 64-bit sums cannot overflow. */
    for (unsigned nr = 2; nr < 64; nr++) {
        if (user & XCR0_BIT(nr)) {
            standard = MAX(standard, (uint64_t)p->comp[nr].offset + p->comp[nr].size);
            if (p->comp[nr].align64) {
                compacted = ROUND_UP(compacted, 64);
            }
            compacted += p->comp[nr].size;
        }
    }
    if (MAX(standard, compacted) > MAX_XSAVE_AREA) {
        snprintf(err, errlen, "the %s layout's XSAVE area is %" PRIu64 " bytes; the emulator "
                 "addresses at most %u", p->name, MAX(standard, compacted), MAX_XSAVE_AREA);
        return -1;
    }
    return 0;
}

/*
 * Upstream's own table of save areas (x86_ext_save_areas, Intel's offsets) gets the machine's
 * facts, as kvm_cpu_xsave_init() fills it from the host's CPUID: whatever upstream code reads it
 * sees the profile's offsets, sizes and flags. (Leaf 0xD and the area sizes still come from
 * libxcr0, which also knows the compacted format's alignment and the components past upstream's
 * table.)
 */
static void fill_ext_save_areas(const struct xcr0_profile *p)
{
    for (unsigned nr = 2; nr < XSAVE_STATE_AREA_COUNT; nr++) {
        ExtSaveArea *esa = &x86_ext_save_areas[nr];
        const struct xcr0_profile_component *c = &p->comp[nr];

        if (c->size == 0) {
            continue;
        }
        esa->offset = c->offset;
        esa->size = c->size;
        esa->ecx = (c->align64 ? ESA_FEATURE_ALIGN64_MASK : 0) |
                   (c->xfd ? ESA_FEATURE_XFD_MASK : 0);
    }
}

/*
 * The AVX-512 feature bits (CPUID.7.0) are announced only where the machine's XCR0 enables the
 * whole AVX-512 state: software must check both (SDM vol. 1, 15.2 "Detection of AVX-512"), and
 * a machine whose OS leaves the state off is, to its programs, a machine without AVX-512; that
 * is what -xcr0 0x7 asks for. Per-thread XCR0 changes (arch_prctl) stay within this value.
 */
static void announce_avx512(CPUX86State *env, uint64_t xcr0)
{
    if ((xcr0 & XCR0_MASK_AVX512) == XCR0_MASK_AVX512) {
        return;
    }
    env->features[FEAT_7_0_EBX] &= ~(CPUID_7_0_EBX_AVX512F | CPUID_7_0_EBX_AVX512DQ |
                                      CPUID_7_0_EBX_AVX512IFMA | CPUID_7_0_EBX_AVX512PF |
                                      CPUID_7_0_EBX_AVX512ER | CPUID_7_0_EBX_AVX512CD |
                                      CPUID_7_0_EBX_AVX512BW | CPUID_7_0_EBX_AVX512VL);
    env->features[FEAT_7_0_ECX] &= ~(CPUID_7_0_ECX_AVX512_VBMI | CPUID_7_0_ECX_AVX512_VBMI2 |
                                     CPUID_7_0_ECX_AVX512VNNI | CPUID_7_0_ECX_AVX512BITALG |
                                     CPUID_7_0_ECX_AVX512_VPOPCNTDQ);
    env->features[FEAT_7_0_EDX] &= ~(CPUID_7_0_EDX_AVX512_4VNNIW | CPUID_7_0_EDX_AVX512_4FMAPS |
                                     CPUID_7_0_EDX_AVX512_VP2INTERSECT |
                                     CPUID_7_0_EDX_AVX512_FP16);
    env->features[FEAT_7_1_EAX] &= ~CPUID_7_1_EAX_AVX512_BF16;
}

/*
 * Upstream's model XCR0 (FEAT_XSAVE_XCR0, filtered by what TCG lists) never has the AVX-512
 * state; the user asks for it with -xcr0, or with -cpu ...,+avx512f.
 */
static bool avx512_asked(CPUX86State *env)
{
    return env->user_features[FEAT_7_0_EBX] & env->features[FEAT_7_0_EBX] &
           CPUID_7_0_EBX_AVX512F;
}

int x86_xcr0_init_cpu(CPUX86State *env, const uint64_t *xcr0, char *err, size_t errlen)
{
    uint64_t value;
    enum xcr0_rule rule;

    /* Without XSAVE (no profile), FXSAVE, FLDCW and LDMXCSR follow upstream's Intel view. */
    xcr0_vendor_rules_named("intel", &x86_xcr0_machine_rules);
    x86_xcr0_machine_mxcsr_mask = 0xffff;
    if (!(env->features[FEAT_1_ECX] & CPUID_EXT_XSAVE)) {
        if (xcr0 || profile_chosen) {
            snprintf(err, errlen, "the CPU model has no XSAVE, so it has no XCR0 "
                     "(choose another -cpu)");
            return -1;
        }
        return 0;
    }
    if (!profile_chosen) {
        /*
         * The vendor's layout: named AMD models (EPYC*, Opteron_G*, ...) get AMD's offsets.
         * "max" (which TCG presents as AMD) and "host"/"base" have no model and keep Intel's,
         * the offsets upstream always used, so nothing changes without the options.
         */
        X86CPUClass *xcc = X86_CPU_GET_CLASS(env_archcpu(env));
        bool amd = IS_AMD_CPU(env) && xcc->model != NULL;
        xcr0_profile_builtin(amd ? "amd" : "intel", &machine_profile);
    }
    if (check_profile_fits(&machine_profile, err, errlen) != 0) {
        return -1;
    }
    fill_ext_save_areas(&machine_profile);
    x86_xcr0_machine_rules = machine_profile.rules;
    x86_xcr0_machine_mxcsr_mask = machine_profile.mxcsr_mask;
    profile_active = true;

    if (profile_generic) {
        /*
         * A built-in layout says where components live, not which ones the CPU has: enumerate
         * those of the CPU model (upstream's x86_cpu_enable_xsave_components() put them in
         * FEAT_XSAVE_XCR0_*), plus what -xcr0 asks for. A real CPU without AVX-512 or MPX
         * reports no sub-leaves for them, and programs notice: glibc sizes its XSAVEC buffer
         * from every sub-leaf, enabled in XCR0 or not (sysdeps/x86/cpu-features.c).
         */
        uint64_t model = (uint64_t)env->features[FEAT_XSAVE_XCR0_HI] << 32 |
                         env->features[FEAT_XSAVE_XCR0_LO];
        if (avx512_asked(env)) {
            model |= XCR0_MASK_AVX512;
        }
        machine_profile.supported &= model | XCR0_MASK_LEGACY | (xcr0 ? *xcr0 : 0);
    }

    /* What the profile's CPU enumerates in CPUID.(0xD,0) EDX:EAX and (0xD,1). */
    env->features[FEAT_XSAVE_XCR0_LO] = (uint32_t)machine_profile.supported;
    env->features[FEAT_XSAVE_XCR0_HI] = (uint32_t)(machine_profile.supported >> 32);
    /* ... less what the user switched off in -cpu (",-xsavec" models a CPU without it). */
    env->features[FEAT_XSAVE] = machine_profile.xsave_features & IMPLEMENTED_XSAVE_FEATURES &
                                ~(env->user_features[FEAT_XSAVE] & ~env->features[FEAT_XSAVE]);
    /*
     * A hypervisor may hide XSAVES in CPUID while the silicon still has it: then XSAVES and
     * XRSTORS at CPL 3 raise #GP, not #UD (measured on AMD Zen 5 in a VM, whose 0xD.1 EAX is
     * 0x7). The decoder sees the instructions; CPUID keeps the profile's answer
     * (x86_xcr0_cpuid_leaf_d masks with it).
     */
    if (machine_profile.rules.xsaves_gp &&
        (env->features[FEAT_XSAVE] & XCR0_FEATURE_XSAVEC)) {
        env->features[FEAT_XSAVE] |= XCR0_FEATURE_XSAVES;
    }

    if (xcr0) {
        value = *xcr0;
        rule = xcr0_check_profile(&machine_profile, value);
        if (rule != XCR0_RULE_OK) {
            char why[384];
            xcr0_rule_explain(rule, value, machine_profile.supported, why, sizeof(why));
            snprintf(err, errlen, "illegal XCR0 0x%" PRIx64 " for the %s layout: %s", value,
                     machine_profile.name, why);
            return -1;
        }
        if (value & ~x86_xcr0_emulated_components()) {
            char names[256];
            xcr0_format_names(value & ~x86_xcr0_emulated_components(), names, sizeof(names));
            snprintf(err, errlen, "XCR0 0x%" PRIx64 ": %s has no emulated state here", value,
                     names);
            return -1;
        }
    } else {
        /* Upstream's choice (every component the model supports), within the profile. */
        value = env->xcr0 & machine_profile.supported & x86_xcr0_emulated_components();
        /*
         * ... but AVX-512 only when asked for (-xcr0, or -cpu ...,+avx512f): its code runs
         * slower here than the AVX2 paths programs would otherwise pick, and a default that
         * changed what glibc selects would change every program under the emulator.
         */
        if (avx512_asked(env)) {
            value |= XCR0_MASK_AVX512 & machine_profile.supported;
        } else {
            value &= ~XCR0_MASK_AVX512;
        }
    }
    /* What XSETBV does (helper_xsetbv): set XCR0, then the hflags that depend on it. */
    env->xcr0 = value;
    x86_xcr0_sync_hflags(env);
    announce_avx512(env, value);
    return 0;
}

void x86_xcr0_sync_hflags(CPUX86State *env)
{
    cpu_sync_avx_hflag(env);
    cpu_sync_bndcs_hflags(env);
    if (env->xcr0 & XCR0_BIT(XCR0_ZMM_HI256)) {
        env->hflags |= HF_ZMM_EN_MASK;
    } else {
        env->hflags &= ~HF_ZMM_EN_MASK;
    }
}

bool x86_xcr0_cpuid_leaf_d(CPUX86State *env, uint32_t count, uint32_t *eax, uint32_t *ebx,
                           uint32_t *ecx, uint32_t *edx)
{
    struct xcr0_cpuid_regs r;

    if (!profile_active) {
        return false;
    }
    xcr0_cpuid_leaf_d(&machine_profile, env->xcr0, count, &r);
    if (count == 1) {
        /*
         * Report only what this emulator executes and the model has (x86_xcr0_init_cpu); the
         * rest of the sub-leaf is the profile's.
         */
        r.eax &= env->features[FEAT_XSAVE] & machine_profile.xsave_features;
        if (!(r.eax & (XCR0_FEATURE_XSAVEC | XCR0_FEATURE_XSAVES))) {
            r.ebx = 0; /* as on CPUs without compaction (Sandy Bridge, AMD family 15h) */
        }
    }
    *eax = r.eax;
    *ebx = r.ebx;
    *ecx = r.ecx;
    *edx = r.edx;
    return true;
}

/*
 * Every XSAVE and XRSTOR asks for the size of its area, with the same few masks each time, and
 * a layout is not free to compute: each thread remembers the last few (the profile never
 * changes, so the answers never go stale).
 */
#define AREA_SIZE_CACHE 4
static __thread struct {
    /* The mask with x87 set (sizes never depend on the legacy bits, and 0 marks an empty slot)
     * and bit 63 standing for "compacted". */
    uint64_t key;
    uint32_t size;
} area_size_cache[AREA_SIZE_CACHE];
static __thread unsigned area_size_next;

uint32_t x86_xcr0_area_size(uint64_t mask, bool compacted)
{
    uint64_t key;
    uint32_t size;

    /* Only components the profile has can be in mask (it comes from XCR0 and IA32_XSS). */
    mask &= machine_profile.supported | machine_profile.xss;
    key = mask | XCR0_BIT(XCR0_X87) | (compacted ? XCR0_XCOMP_BV_COMPACTED : 0);
    for (unsigned i = 0; i < AREA_SIZE_CACHE; i++) {
        if (area_size_cache[i].key == key) {
            return area_size_cache[i].size;
        }
    }
    size = compacted ? xcr0_compacted_size(&machine_profile, mask)
                     : xcr0_standard_size(&machine_profile, mask);
    area_size_cache[area_size_next].key = key;
    area_size_cache[area_size_next].size = size;
    area_size_next = (area_size_next + 1) % AREA_SIZE_CACHE;
    return size;
}
