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
#include "qemu/help_option.h"
#include "cpu.h"
#include "xcr0/xcr0.h"
#include "xcr0-cpu.h"
#include "xcr0-user.h"

static bool xcr0_requested;
static uint64_t xcr0_requested_value;
static char *xcr0_requested_text;

/*
 * -xcr0 help: the components, and what the layout profiles support. Answered while the options
 * are read (like -cpu help), so it names the profile chosen so far, else the defaults.
 */
static void print_profile_support(const struct xcr0_profile *p, const char *note)
{
    char names[512];
    uint64_t mask = p->supported & x86_xcr0_emulated_components();

    xcr0_format_names(mask, names, sizeof(names));
    printf("The %s layout%s supports 0x%" PRIx64 " = %s\n", p->name, note, mask, names);
}

static void print_xcr0_help(void)
{
    const struct xcr0_profile *chosen = x86_xcr0_chosen_profile();
    struct xcr0_profile builtin;

    printf("XCR0 components (-xcr0 MASK, QEMU_XCR0; MASK is a number, a list such as "
           "x87,sse,avx, or host):\n");
    for (unsigned nr = 0; nr < 64; nr++) {
        const struct xcr0_component *c = xcr0_component(nr);
        if (c && !c->supervisor) {
            printf("  %2u  %-10s %5u bytes  %s\n", nr, c->name, (unsigned)c->size,
                   c->description);
        }
    }
    printf("Groups: avx512 = opmask,zmm_hi256,hi16_zmm; mpx = bndregs,bndcsr; "
           "amx = tilecfg,tiledata\n");
    if (chosen) {
        print_profile_support(chosen, " (-xsave-layout)");
        return;
    }
    xcr0_profile_builtin("intel", &builtin);
    print_profile_support(&builtin, " (default; -xsave-layout intel)");
    xcr0_profile_builtin("amd", &builtin);
    print_profile_support(&builtin, " (named AMD CPU models; -xsave-layout amd)");
}

void handle_arg_xcr0(const char *arg)
{
    char err[512];

    if (is_help_option(arg)) {
        print_xcr0_help();
        exit(EXIT_SUCCESS);
    }

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

    if (is_help_option(arg)) {
        printf("XSAVE layout profiles (-xsave-layout PROFILE, QEMU_XSAVE_LAYOUT):\n"
               "  intel   Intel's offsets: AVX-512 at 0x440/0x480/0x680, PKRU 0xa80, "
               "AMX 0xac0/0xb00\n"
               "  amd     AMD Zen 4: AVX-512 at 0x340/0x380/0x580, PKRU 0x980\n"
               "  host    this machine's CPUID leaf 0xD (x86 hosts only)\n"
               "  FILE    a real CPU's leaf 0xD: rows of 'leaf sub-leaf eax ebx ecx edx' in hex\n"
               "Default: amd for named AMD CPU models (-cpu EPYC-Genoa, ...), intel otherwise.\n");
        exit(EXIT_SUCCESS);
    }

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
