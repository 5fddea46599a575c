/*
 * qemu-xcr0: the -xcr0 option of the x86 linux-user emulators.
 *
 * Upstream linux-user enables every XSAVE component the CPU model supports (x86_cpu_reset_hold).
 * -xcr0 MASK (or QEMU_XCR0=MASK) replaces that with a chosen value, as if the guest's kernel had
 * executed XSETBV with it, so a program sees the XCR0 of the machine it was recorded on.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "cpu.h"
#include "xcr0/xcr0.h"
#include "xcr0-user.h"

static bool xcr0_requested;
static uint64_t xcr0_requested_value;
static char *xcr0_requested_text;

void handle_arg_xcr0(const char *arg)
{
    char err[512];

    if (xcr0_parse_mask(arg, &xcr0_requested_value, err, sizeof(err)) != 0) {
        error_report("-xcr0 %s: %s", arg, err);
        exit(EXIT_FAILURE);
    }
    g_free(xcr0_requested_text);
    xcr0_requested_text = g_strdup(arg);
    xcr0_requested = true;
}

/* The XCR0 bits the CPU model enumerates in CPUID.(EAX=0xD,ECX=0) EDX:EAX. */
static uint64_t model_supported_xcr0(CPUX86State *env)
{
    if (!(env->features[FEAT_1_ECX] & CPUID_EXT_XSAVE)) {
        return 0;
    }
    return env->features[FEAT_XSAVE_XCR0_LO] |
           ((uint64_t)env->features[FEAT_XSAVE_XCR0_HI] << 32);
}

void xcr0_user_init_cpu(CPUX86State *env)
{
    uint64_t supported = model_supported_xcr0(env);
    enum xcr0_rule rule;
    char why[512];

    if (!xcr0_requested) {
        return;
    }
    if (!supported) {
        error_report("-xcr0 %s: the CPU model has no XSAVE, so it has no XCR0 (choose another -cpu)",
                     xcr0_requested_text);
        exit(EXIT_FAILURE);
    }
    rule = xcr0_check(xcr0_requested_value, supported);
    if (rule != XCR0_RULE_OK) {
        xcr0_rule_explain(rule, xcr0_requested_value, supported, why, sizeof(why));
        error_report("-xcr0 %s: illegal XCR0 0x%" PRIx64 ": %s", xcr0_requested_text,
                     xcr0_requested_value, why);
        exit(EXIT_FAILURE);
    }
    /* What XSETBV does (helper_xsetbv): set XCR0, then the hflags that depend on it. */
    env->xcr0 = xcr0_requested_value;
    cpu_sync_avx_hflag(env);
    cpu_sync_bndcs_hflags(env);
}
