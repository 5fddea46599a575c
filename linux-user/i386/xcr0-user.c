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
#include "xcr0-cpu.h"
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

void handle_arg_xsave_layout(const char *arg)
{
    char err[512];

    if (x86_xcr0_choose_profile(arg, err, sizeof(err)) != 0) {
        error_report("-xsave-layout %s: %s", arg, err);
        exit(EXIT_FAILURE);
    }
}

void xcr0_user_init_cpu(CPUX86State *env)
{
    char err[512];

    if (x86_xcr0_init_cpu(env, xcr0_requested ? &xcr0_requested_value : NULL,
                          err, sizeof(err)) != 0) {
        if (xcr0_requested) {
            error_report("-xcr0 %s: %s", xcr0_requested_text, err);
        } else {
            error_report("-xsave-layout: %s", err);
        }
        exit(EXIT_FAILURE);
    }
}
