/*
 * qemu-xcr0: the -xcr0 option of the x86 linux-user emulators.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef LINUX_USER_I386_XCR0_USER_H
#define LINUX_USER_I386_XCR0_USER_H

/* arg_table handler for -xcr0 / QEMU_XCR0: parses the mask, exits on bad syntax. */
void handle_arg_xcr0(const char *arg);

/* arg_table handler for -exec-follow on|off / QEMU_EXEC_FOLLOW. */
void handle_arg_exec_follow(const char *arg);

/* arg_table handler for -xsave-layout / QEMU_XSAVE_LAYOUT: loads the profile, exits on error. */
void handle_arg_xsave_layout(const char *arg);

/*
 * Apply the requested XCR0 (if any) to the initial vCPU, after the CPU model is known.
 * Exits with status 1 and a one-line reason if the value is illegal for the model.
 */
void xcr0_user_init_cpu(CPUArchState *env, const char *cpu_model);

/*
 * arch_prctl codes other than the FS/GS ones, answered as Linux answers them for the emulated
 * machine: ARCH_GET/SET_CPUID, the XCOMP codes, and qemu-xcr0's ARCH_SET_XCR0.
 */
abi_long xcr0_user_arch_prctl(CPUArchState *env, int code, abi_ulong arg2);

/*
 * #NM raised by XFD (IA32_XFD_ERR says for what): true if the process has permission, and the
 * thread's XFD is disarmed so that the instruction can run again; false for SIGILL.
 */
bool xcr0_user_xfd_fault(CPUArchState *env);

/* The XSAVE part of signal frames, as Linux builds and restores it (xcr0-user.c). */
uint64_t xcr0_sig_user_xfeatures(CPUArchState *env);
uint32_t xcr0_sig_user_size(CPUArchState *env);
abi_ulong xcr0_sig_uc_flags(CPUArchState *env);
void xcr0_sig_save(CPUArchState *env, void *buf, uint32_t extended_size);
void xcr0_sig_enter_handler(CPUArchState *env);
bool xcr0_sig_restore(CPUArchState *env, void *buf, uint32_t buflen);

/*
 * execve of path with argp: if it is an x86-64 program (or a "#!" script whose interpreter is
 * one), the argv to execve /proc/self/exe with instead (free with g_strfreev), so that it runs
 * under this emulator with the same options; NULL to exec as before.
 */
char **xcr0_user_exec_argv(const char *path, char *const *argp);

/* auxv: AT_MINSIGSTKSZ and AT_HWCAP2 as the kernel computes them for this machine. */
abi_ulong xcr0_user_minsigstksz(CPUArchState *env);
abi_ulong xcr0_user_hwcap2(CPUArchState *env);

#endif
