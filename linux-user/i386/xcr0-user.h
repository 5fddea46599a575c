/*
 * qemu-xcr0: the -xcr0 option of the x86 linux-user emulators.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef LINUX_USER_I386_XCR0_USER_H
#define LINUX_USER_I386_XCR0_USER_H

/*
 * What every XCR0 of an x86-64 Linux process holds: Linux enables x87 and SSE whenever it uses
 * XSAVE (fpu__init_system_xstate() requires XFEATURE_MASK_FPSSE) and the x86-64 psABI passes
 * floating-point values in XMM registers. XSETBV would take 0x1; no Linux runs with it.
 */
#define LINUX_XCR0_REQUIRED XCR0_MASK_LEGACY

/* Linux's initial PKRU: key 0 open, every other key access-disabled (init_pkru_value). */
#define LINUX_INIT_PKRU 0x55555554u

/* arg_table handler for -xcr0 / QEMU_XCR0: parses the mask, exits on bad syntax. */
void handle_arg_xcr0(const char *arg);

/* arg_table handler for -xsave-layout / QEMU_XSAVE_LAYOUT: loads the profile, exits on error. */
void handle_arg_xsave_layout(const char *arg);

/*
 * Apply the requested XCR0 (if any) to the initial vCPU, after the CPU model is known.
 * Exits with status 1 and a one-line reason if the value is illegal for the model.
 */
void xcr0_user_init_cpu(CPUArchState *env, const char *cpu_model);

/*
 * The XCR0 the machine's OS enabled: the value the emulator started the program with. Linux
 * reports it as ARCH_GET_XCOMP_SUPP; per-thread changes stay within it. 0 without XSAVE.
 */
uint64_t xcr0_user_machine_xcr0(void);

/* The dynamic components (XFD-armed, AMX TILEDATA) the process has no permission for. */
uint64_t xcr0_user_dynamic_denied(void);

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

/* auxv: AT_MINSIGSTKSZ (xcr0-signal.c.inc, in signal.c) and AT_HWCAP2 as the kernel
 * computes them for this machine. */
abi_ulong xcr0_user_minsigstksz(CPUArchState *env);
abi_ulong xcr0_user_hwcap2(CPUArchState *env);

#endif
