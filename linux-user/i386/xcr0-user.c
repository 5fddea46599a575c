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

static bool xcr0_requested;
static uint64_t xcr0_requested_value;
static char *xcr0_requested_text;
static char *xsave_layout_text;   /* -xsave-layout as given, for exec-follow */
static char *cpu_model_text;      /* -cpu as given (NULL: the default), for exec-follow */
static bool exec_follow = true;
/*
 * The XCR0 the machine's OS enabled: the value the emulator started the program with. Linux
 * reports it as ARCH_GET_XCOMP_SUPP; per-thread changes stay within it. 0 without XSAVE.
 */
static uint64_t machine_xcr0;

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
    g_free(xsave_layout_text);
    xsave_layout_text = g_strdup(arg);
}

void handle_arg_exec_follow(const char *arg)
{
    if (!strcmp(arg, "on")) {
        exec_follow = true;
    } else if (!strcmp(arg, "off")) {
        exec_follow = false;
    } else {
        error_report("-exec-follow %s: expected on or off", arg);
        exit(EXIT_FAILURE);
    }
}

/* Linux's initial PKRU: key 0 open, every other key access-disabled (init_pkru_value). */
#define LINUX_INIT_PKRU 0x55555554u

void xcr0_user_init_cpu(CPUX86State *env, const char *cpu_model)
{
    char err[512];

    cpu_model_text = g_strdup(cpu_model);

    if (x86_xcr0_init_cpu(env, xcr0_requested ? &xcr0_requested_value : NULL,
                          err, sizeof(err)) != 0) {
        if (xcr0_requested) {
            error_report("-xcr0 %s: %s", xcr0_requested_text, err);
        } else {
            error_report("-xsave-layout: %s", err);
        }
        exit(EXIT_FAILURE);
    }
    if (x86_xcr0_profile()) {
        machine_xcr0 = env->xcr0;
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

/* ---------------------------------------------------------------------------------------------
 * arch_prctl codes beyond FS/GS (Linux arch/x86/include/uapi/asm/prctl.h).
 */
#define TARGET_ARCH_GET_CPUID             0x1011
#define TARGET_ARCH_SET_CPUID             0x1012
#define TARGET_ARCH_GET_XCOMP_SUPP        0x1021
#define TARGET_ARCH_GET_XCOMP_PERM        0x1022
#define TARGET_ARCH_REQ_XCOMP_PERM        0x1023
#define TARGET_ARCH_GET_XCOMP_GUEST_PERM  0x1024
#define TARGET_ARCH_REQ_XCOMP_GUEST_PERM  0x1025
/* XFEATURE_MAX of the kernel we answer like (Linux 6.18: APX is feature 19). */
#define KERNEL_XFEATURE_MAX 20

/*
 * Permission for dynamic components (AMX TILEDATA), per process as in Linux: fork copies it
 * with the process, exec starts a new emulator. Granted bits are kept; what is permitted is
 * always within what the process supports.
 */
static uint64_t xcomp_perm_granted, xcomp_guest_perm_granted;

static uint64_t xcomp_perm(uint64_t granted)
{
    /* fpu_user_cfg.default_features: every supported feature except the dynamic ones. */
    uint64_t supp = machine_xcr0 | XCR0_MASK_LEGACY;

    return (supp & ~xcr0_xfd_mask()) | (granted & supp);
}

static abi_long put_u64(abi_ulong addr, uint64_t val)
{
    return put_user_u64(val, addr) ? -TARGET_EFAULT : 0;
}

/* xstate_request_perm(): only a dynamic component (AMX TILEDATA) is a requestable facility. */
static abi_long request_perm(abi_ulong idx, uint64_t *granted)
{
    uint64_t requested;

    if (idx >= KERNEL_XFEATURE_MAX) {
        return -TARGET_EINVAL;
    }
    requested = XCR0_BIT(idx) & xcr0_xfd_mask();
    if (!requested || (machine_xcr0 & requested) != requested) {
        return -TARGET_EOPNOTSUPP;
    }
    *granted |= requested;
    return 0;
}

/*
 * #NM from XFD: Linux's handle_xfd_event(). A process with permission gets its larger buffer
 * and XFD disarmed for the thread, and the instruction runs again; without it, SIGILL.
 */
bool xcr0_user_xfd_fault(CPUX86State *env)
{
    uint64_t err = env->msr_xfd_err;

    env->msr_xfd_err = 0;
    if (!err || (err & ~xcomp_perm_granted)) {
        return false;
    }
    env->msr_xfd &= ~err;
    return true;
}

/* ARCH_SET_XCR0: see xcr0/include/xcr0/prctl.h for the contract. */
static abi_long set_thread_xcr0(CPUX86State *env, uint64_t xcr0)
{
    const struct xcr0_profile *prof = x86_xcr0_profile();
    /* What ARCH_GET_XCOMP_SUPP reports, within what the machine has. */
    uint64_t supp = prof ? (machine_xcr0 | XCR0_MASK_LEGACY) & prof->supported : 0;

    if (!prof || (xcr0 & ~supp)) {
        return -TARGET_ENODEV;
    }
    if (xcr0_check(xcr0, supp) != XCR0_RULE_OK) {
        return -TARGET_EINVAL;
    }
    /* Turning off a component that holds state would lose it: the RFC's intended rule. */
    if (env->xcr0 & ~xcr0 & x86_xcr0_xinuse(env)) {
        return -TARGET_EPERM;
    }
    if (xcr0 != env->xcr0) {
        x86_xcr0_set(env, xcr0);
    }
    return 0;
}

abi_long xcr0_user_arch_prctl(CPUX86State *env, int code, abi_ulong arg2)
{
    switch (code) {
    case TARGET_ARCH_GET_CPUID:
        return !env->cpuid_faulting;
    case TARGET_ARCH_SET_CPUID:
        /* Emulated CPUID faulting (per thread; CPUID then raises SIGSEGV). */
        env->cpuid_faulting = !arg2;
        return 0;
    case TARGET_ARCH_GET_XCOMP_SUPP:
        return put_u64(arg2, machine_xcr0 | XCR0_MASK_LEGACY);
    case TARGET_ARCH_GET_XCOMP_PERM:
        return put_u64(arg2, xcomp_perm(xcomp_perm_granted));
    case TARGET_ARCH_GET_XCOMP_GUEST_PERM:
        return put_u64(arg2, xcomp_perm(xcomp_guest_perm_granted));
    case TARGET_ARCH_REQ_XCOMP_PERM:
        return request_perm(arg2, &xcomp_perm_granted);
    case TARGET_ARCH_REQ_XCOMP_GUEST_PERM:
        return request_perm(arg2, &xcomp_guest_perm_granted);
    case ARCH_SET_XCR0:
        return set_thread_xcr0(env, arg2);
    default:
        return -TARGET_EINVAL;
    }
}

/* ---------------------------------------------------------------------------------------------
 * Signal frames: the XSAVE part, by Linux's rules (arch/x86/kernel/fpu/signal.c, xstate.h).
 */
/* FP_XSTATE_MAGIC1/2 of arch/x86/include/uapi/asm/sigcontext.h */
#define XCR0_SIG_MAGIC1 0x46505853u
#define XCR0_SIG_MAGIC2 0x46505845u
#define XCR0_SIG_MAGIC2_SIZE 4
#define SW_BYTES_OFFSET 464
#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4

/*
 * fpstate->user_xfeatures: the thread's XCR0, without dynamic features (AMX TILEDATA) the
 * process has no permission for: their buffer does not exist yet.
 */
uint64_t xcr0_sig_user_xfeatures(CPUX86State *env)
{
    uint64_t dynamic = xcr0_xfd_mask() & ~xcomp_perm_granted;

    return env->xcr0 & ~dynamic;
}

/* fpstate->user_size: the standard-format size of user_xfeatures. */
uint32_t xcr0_sig_user_size(CPUX86State *env)
{
    return xsave_area_size(xcr0_sig_user_xfeatures(env), false);
}

/* frame_uc_flags(): a 64-bit frame on a CPU with XSAVE. */
abi_ulong xcr0_sig_uc_flags(CPUX86State *env)
{
    abi_ulong flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;

    if (env->features[FEAT_1_ECX] & CPUID_EXT_XSAVE) {
        flags |= UC_FP_XSTATE;
    }
    return flags;
}

static bool ospke(CPUX86State *env)
{
    return env->cr[4] & CR4_PKE_MASK;
}

/*
 * copy_fpstate_to_sigframe() for XSAVE: zero the header, XSAVE the user features (dynamic ones
 * only while in use: xfeatures_need_sigframe_write), force PKRU into the frame when protection
 * keys are on (update_pkru_in_sigframe), write sw_bytes and MAGIC2, and set FP|SSE in
 * XSTATE_BV (save_xstate_epilog) so that legacy FXSAVE-style edits are restored.
 */
void xcr0_sig_save(CPUX86State *env, void *buf, uint32_t extended_size)
{
    uint8_t *b = buf;
    uint64_t user = xcr0_sig_user_xfeatures(env);
    uint32_t size = xcr0_sig_user_size(env);
    uint64_t mask = user, bv;

    if (user & XCR0_MASK_AMX) {
        mask &= x86_xcr0_xinuse(env) | ~XCR0_MASK_AMX;
    }
    memset(b + XCR0_LEGACY_SIZE, 0, XCR0_HEADER_SIZE);
    cpu_x86_xsave(env, b, size, mask);
    if (ospke(env) && (user & XCR0_BIT(XCR0_PKRU))) {
        bv = (mask & x86_xcr0_xinuse(env)) | XCR0_BIT(XCR0_PKRU);
        stq_le_p(b + XCR0_XSTATE_BV_OFFSET, bv);
        stl_le_p(b + x86_xcr0_profile()->comp[XCR0_PKRU].offset, env->pkru);
    }
    stl_le_p(b + SW_BYTES_OFFSET, XCR0_SIG_MAGIC1);
    stl_le_p(b + SW_BYTES_OFFSET + 4, extended_size);
    stq_le_p(b + SW_BYTES_OFFSET + 8, user);
    stl_le_p(b + SW_BYTES_OFFSET + 16, size);
    memset(b + SW_BYTES_OFFSET + 20, 0, 28);
    stl_le_p(b + size, XCR0_SIG_MAGIC2);
    /* Only the low 32 bits are read and written back (a __u32 access in the kernel). */
    stl_le_p(b + XCR0_XSTATE_BV_OFFSET,
             ldl_le_p(b + XCR0_XSTATE_BV_OFFSET) | (uint32_t)XCR0_MASK_LEGACY);
}

/*
 * The handler starts with the FPU in its initial state (fpu__clear_user_states) and Linux's
 * initial PKRU.
 */
void xcr0_sig_enter_handler(CPUX86State *env)
{
    x86_xcr0_init_components(env, env->xcr0);
    if (ospke(env)) {
        env->pkru = LINUX_INIT_PKRU;
    }
}

/*
 * __fpu_restore_sig() for 64-bit frames. buf holds the frame's fpstate, buflen bytes (the
 * thread's user size + MAGIC2). check_xstate_in_sigframe(): without a valid magic1, sizes and
 * MAGIC2 the frame is treated as a legacy FXSAVE image; otherwise XRSTOR with the frame's
 * xfeatures & user_xfeatures. Either way the features not restored are put in their initial
 * state. Returns false where the kernel sends SIGSEGV (XRSTOR/FXRSTOR would #GP).
 */
bool xcr0_sig_restore(CPUX86State *env, void *buf, uint32_t buflen)
{
    const uint32_t min_size = XCR0_LEGACY_SIZE + XCR0_HEADER_SIZE;
    uint8_t *b = buf;
    uint64_t user = xcr0_sig_user_xfeatures(env), restore;
    uint32_t magic1 = ldl_le_p(b + SW_BYTES_OFFSET);
    uint32_t extended_size = ldl_le_p(b + SW_BYTES_OFFSET + 4);
    uint64_t xfeatures = ldq_le_p(b + SW_BYTES_OFFSET + 8);
    uint32_t xstate_size = ldl_le_p(b + SW_BYTES_OFFSET + 16);
    bool fx_only = magic1 != XCR0_SIG_MAGIC1 || xstate_size < min_size ||
                   xstate_size > xcr0_sig_user_size(env) || xstate_size > extended_size ||
                   xstate_size + XCR0_SIG_MAGIC2_SIZE > buflen ||
                   ldl_le_p(b + xstate_size) != XCR0_SIG_MAGIC2;

    if (fx_only) {
        /* FXRSTOR faults on reserved MXCSR bits. */
        if (!x86_xcr0_fxrstor_host(env, b)) {
            return false;
        }
        restore = XCR0_MASK_LEGACY;
    } else {
        restore = xfeatures & user;
        if (!cpu_x86_xrstor(env, b, xstate_size, restore)) {
            return false;
        }
    }
    x86_xcr0_init_components(env, user & ~restore);
    return true;
}

/* ---------------------------------------------------------------------------------------------
 * auxv entries that depend on the XSAVE model (arch/x86/include/asm/elf.h ARCH_DLINFO).
 */

/* sizeof(struct sigframe_ia32) on a 64-bit kernel (its _fpstate_32 holds a u64, so it is 8-byte
 * aligned): MAX_FRAME_SIGINFO_UCTXT_SIZE with IA32 emulation. Found by the VM oracle. */
#define KERNEL_SIGFRAME_IA32_SIZE 736
#define KERNEL_FREGS_STATE_SIZE 112   /* struct fregs_state, counted in fpu__get_fpstate_size() */
#define KERNEL_FRAME_ALIGNMENT 16
#define KERNEL_MAX_XSAVE_PADDING 63

/*
 * AT_MINSIGSTKSZ = get_sigframe_size(): init_sigframe_size() adds the largest siginfo+ucontext
 * frame, its alignment padding, the largest fpstate (fpu_user_cfg.max_size: every user feature
 * the OS enabled, dynamic ones included, + MAGIC2 + an FSAVE header) and XSAVE alignment
 * padding, rounded up to FRAME_ALIGNMENT. Measured: 3632 for XCR0 0x2ff (2696 bytes).
 */
abi_ulong xcr0_user_minsigstksz(CPUX86State *env)
{
    uint32_t fpstate = sizeof(X86LegacyXSaveArea);

    if (env->features[FEAT_1_ECX] & CPUID_EXT_XSAVE) {
        fpstate = xsave_area_size(machine_xcr0, false) + XCR0_SIG_MAGIC2_SIZE;
    }
    fpstate += KERNEL_FREGS_STATE_SIZE;
    return ROUND_UP(KERNEL_SIGFRAME_IA32_SIZE + (KERNEL_FRAME_ALIGNMENT - 1) + fpstate +
                    KERNEL_MAX_XSAVE_PADDING, KERNEL_FRAME_ALIGNMENT);
}

/* ELF_HWCAP2: HWCAP2_FSGSBASE (bit 1) when the OS enabled FSGSBASE in CR4. */
abi_ulong xcr0_user_hwcap2(CPUX86State *env)
{
    return env->cr[4] & CR4_FSGSBASE_MASK ? 1 << 1 : 0;
}

/* ---------------------------------------------------------------------------------------------
 * Exec follows emulation: a program the guest execs runs under this emulator, with the options
 * it was started with, so whole process trees (shells, make, test runners) see the same
 * machine — also on x86 hosts, where the kernel would otherwise run it natively.
 */

/* Is path an x86-64 ELF executable? */
static bool is_x86_64_elf(const char *path)
{
    unsigned char h[20];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    bool yes;

    if (fd < 0) {
        return false;
    }
    yes = read(fd, h, sizeof(h)) == sizeof(h) && !memcmp(h, "\x7f" "ELF", 4) &&
          h[4] == 2 /* ELFCLASS64 */ && h[5] == 1 /* little-endian */ &&
          (h[18] | h[19] << 8) == 62 /* EM_X86_64 */;
    close(fd);
    return yes;
}

/*
 * A "#!" script: the interpreter and its optional argument, as the kernel's binfmt_script
 * reads them (the rest of the first line after the interpreter is one argument).
 */
static bool read_shebang(const char *path, char **interp, char **arg)
{
    char line[256];
    ssize_t n;
    char *p, *end;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        return false;
    }
    n = read(fd, line, sizeof(line) - 1);
    close(fd);
    if (n < 3 || line[0] != '#' || line[1] != '!') {
        return false;
    }
    line[n] = '\0';
    end = strchr(line, '\n');
    if (!end) {
        return false;
    }
    *end = '\0';
    for (p = line + 2; *p == ' ' || *p == '\t'; p++) {
    }
    if (!*p) {
        return false;
    }
    end = p + strcspn(p, " \t");
    *interp = g_strndup(p, end - p);
    for (p = end; *p == ' ' || *p == '\t'; p++) {
    }
    for (end = p + strlen(p); end > p && (end[-1] == ' ' || end[-1] == '\t'); end--) {
    }
    *arg = end > p ? g_strndup(p, end - p) : NULL;
    return true;
}

char **xcr0_user_exec_argv(const char *path, char *const *argp)
{
    GPtrArray *v;
    g_autofree char *interp = NULL, *interp_arg = NULL;
    const char *run = path;

    struct stat self, target;

    if (!exec_follow) {
        return NULL;
    }
    /* A program that starts the emulator itself (with options of its own) gets it directly. */
    if (stat("/proc/self/exe", &self) == 0 && stat(path, &target) == 0 &&
        self.st_dev == target.st_dev && self.st_ino == target.st_ino) {
        return NULL;
    }
    if (!is_x86_64_elf(path)) {
        if (!read_shebang(path, &interp, &interp_arg) || !is_x86_64_elf(interp)) {
            return NULL; /* another architecture, or not executable: exec as before */
        }
        run = interp;
    }
    v = g_ptr_array_new();
    g_ptr_array_add(v, g_strdup("/proc/self/exe"));
    if (cpu_model_text) {
        g_ptr_array_add(v, g_strdup("-cpu"));
        g_ptr_array_add(v, g_strdup(cpu_model_text));
    }
    if (xsave_layout_text) {
        g_ptr_array_add(v, g_strdup("-xsave-layout"));
        g_ptr_array_add(v, g_strdup(xsave_layout_text));
    }
    if (xcr0_requested) {
        g_ptr_array_add(v, g_strdup("-xcr0"));
        g_ptr_array_add(v, g_strdup_printf("0x%" PRIx64, xcr0_requested_value));
    }
    /* argv[0] as the caller gave it; for a script the kernel uses the interpreter's name. */
    g_ptr_array_add(v, g_strdup("-0"));
    g_ptr_array_add(v, g_strdup(interp ? interp : (argp[0] ? argp[0] : path)));
    g_ptr_array_add(v, g_strdup(run));
    if (interp) {
        if (interp_arg) {
            g_ptr_array_add(v, g_strdup(interp_arg));
        }
        g_ptr_array_add(v, g_strdup(path));
    }
    for (int i = argp[0] ? 1 : 0; argp[i]; i++) {
        g_ptr_array_add(v, g_strdup(argp[i]));
    }
    g_ptr_array_add(v, NULL);
    return (char **)g_ptr_array_free(v, false);
}
