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
#include "xcr0/prctl.h"
#include "qemu.h"
#include "user-internals.h"
#include "xcr0-cpu.h"
#include "xcr0-user.h"
#include "elf.h"
#include "exec-follow.h"

static bool xcr0_requested;
static uint64_t xcr0_requested_value;
static char *xcr0_requested_text;
/* What xcr0_user_machine_xcr0() says. */
static uint64_t machine_xcr0;

uint64_t xcr0_user_machine_xcr0(void)
{
    return machine_xcr0;
}

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
    {
        char groups[256];

        /* The all-or-none groups of the component table (XSETBV's rules). */
        xcr0_format_groups(groups, sizeof(groups));
        printf("Groups (all or none): %s\n", groups);
    }
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
    exec_follow_keep_option("-xcr0", arg);
}

void handle_arg_xsave_layout(const char *arg)
{
    char err[512];

    if (is_help_option(arg)) {
        static const char *const builtin[][2] = {
            { "intel", "Intel's offsets" }, { "amd", "AMD Zen 4" },
        };

        printf("XSAVE layout profiles (-xsave-layout PROFILE, QEMU_XSAVE_LAYOUT):\n");
        for (size_t i = 0; i < ARRAY_SIZE(builtin); i++) {
            struct xcr0_profile p;

            /* The offsets come from the component table (xcr0/lib/components.c). */
            xcr0_profile_builtin(builtin[i][0], &p);
            printf("  %-7s %s: AVX-512 at 0x%x/0x%x/0x%x, PKRU 0x%x", builtin[i][0],
                   builtin[i][1], p.comp[XCR0_OPMASK].offset, p.comp[XCR0_ZMM_HI256].offset,
                   p.comp[XCR0_HI16_ZMM].offset, p.comp[XCR0_PKRU].offset);
            if (p.supported & XCR0_MASK_AMX) {
                printf(", AMX 0x%x/0x%x", p.comp[XCR0_TILECFG].offset,
                       p.comp[XCR0_TILEDATA].offset);
            }
            printf("; %s rules\n", p.rules_name);
        }
        printf("  host    this machine's CPUID leaf 0xD and vendor (x86 hosts only)\n"
               "  FILE    a real CPU's leaf 0xD: rows of 'leaf sub-leaf eax ebx ecx edx' in hex\n"
               "Default: amd for named AMD CPU models (-cpu EPYC-Genoa, ...), intel otherwise.\n");
        exit(EXIT_SUCCESS);
    }

    if (x86_xcr0_choose_profile(arg, err, sizeof(err)) != 0) {
        error_report("-xsave-layout %s: %s", arg, err);
        exit(EXIT_FAILURE);
    }
    /*
     * A followed program gets the same profile even after the guest changed directory: a dump
     * file by its absolute path (built-in names and "host" are no files).
     */
    if (g_file_test(arg, G_FILE_TEST_IS_REGULAR) && !g_path_is_absolute(arg)) {
        g_autofree char *abs = realpath(arg, NULL);

        exec_follow_keep_option("-xsave-layout", abs ? abs : arg);
    } else {
        exec_follow_keep_option("-xsave-layout", arg);
    }
}

void xcr0_user_init_cpu(CPUX86State *env, const char *cpu_model)
{
    char err[512];

    /* A program the guest execs runs here too, on the same machine (exec-follow.c). */
    exec_follow_machine(EM_X86_64, ELFCLASS64, ELFDATA2LSB);
    if (cpu_model) {
        exec_follow_keep_option("-cpu", cpu_model);
    }

    if (x86_xcr0_init_cpu(env, xcr0_requested ? &xcr0_requested_value : NULL,
                          err, sizeof(err)) != 0) {
        if (xcr0_requested) {
            error_report("-xcr0 %s: %s", xcr0_requested_text, err);
        } else {
            error_report("-xsave-layout: %s", err);
        }
        exit(EXIT_FAILURE);
    }
    /* The architecture's rules passed (above); then Linux's. */
    if (xcr0_requested &&
        (xcr0_requested_value & LINUX_XCR0_REQUIRED) != LINUX_XCR0_REQUIRED) {
        error_report("-xcr0 %s: XCR0 0x%" PRIx64 " lacks SSE; Linux runs x86-64 programs "
                     "with x87 and SSE enabled, so XCR0 must include 0x3 (x87,sse)",
                     xcr0_requested_text, xcr0_requested_value);
        exit(EXIT_FAILURE);
    }
    if (x86_xcr0_profile()) {
        g_autofree char *value = g_strdup_printf("0x%" PRIx64, env->xcr0);

        machine_xcr0 = env->xcr0;
        /*
         * A followed program runs on this machine whatever the guest's own environment says
         * (QEMU_XCR0, QEMU_XSAVE_LAYOUT there would otherwise choose): the XCR0 and layout in
         * effect are passed as options, which win over the environment.
         */
        exec_follow_keep_option("-xcr0", value);
        if (!x86_xcr0_chosen_profile()) {
            exec_follow_keep_option("-xsave-layout", x86_xcr0_profile()->name);
        }
    }
    /*
     * Linux arms XFD for its dynamic components (the table's xfd column: AMX TILEDATA) until
     * the process asks for permission and first uses them (fpu__init_cpu_xstate(),
     * xfd_validate_state()).
     */
    env->msr_xfd = xcr0_xfd_mask() & env->xcr0;
    /*
     * Linux enables protection keys (CR4.PKE, so CPUID reports OSPKE) on a CPU with PKU whose
     * XCR0 has PKRU, and starts every program with its initial PKRU.
     */
    if ((env->xcr0 & XCR0_BIT(XCR0_PKRU)) &&
        (env->features[FEAT_7_0_ECX] & CPUID_7_0_ECX_PKU)) {
        cpu_x86_update_cr4(env, env->cr[4] | CR4_PKE_MASK);
        env->pkru = LINUX_INIT_PKRU;
    }
}

/* ELF_HWCAP2: HWCAP2_FSGSBASE (bit 1) when the OS enabled FSGSBASE in CR4. */
abi_ulong xcr0_user_hwcap2(CPUX86State *env)
{
    return env->cr[4] & CR4_FSGSBASE_MASK ? 1 << 1 : 0;
}

