/*
 * qemu-xcr0: arch_prctl codes beyond FS/GS, answered as Linux answers them for the emulated
 * machine (the codes are in target_syscall.h beside TARGET_ARCH_SET_GS): CPUID faulting, the
 * XCOMP permission codes and the #NM of extended feature disable they govern, and qemu-xcr0's
 * ARCH_SET_XCR0.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "cpu.h"
#include "xcr0/xcr0.h"
#include "xcr0/prctl.h"
#include "qemu.h"
#include "xcr0-cpu.h"
#include "xcr0-user.h"

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
    uint64_t supp = xcr0_user_machine_xcr0() | XCR0_MASK_LEGACY;

    return (supp & ~xcr0_xfd_mask()) | (granted & supp);
}

uint64_t xcr0_user_dynamic_denied(void)
{
    /* Every signal frame asks: the table's xfd column is read once. */
    static uint64_t dynamic;

    if (!dynamic) {
        dynamic = xcr0_xfd_mask();
    }
    return dynamic & ~xcomp_perm_granted;
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
    if (!requested || (xcr0_user_machine_xcr0() & requested) != requested) {
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
    uint64_t supp = prof ? (xcr0_user_machine_xcr0() | XCR0_MASK_LEGACY) & prof->supported : 0;

    if (!prof || (xcr0 & ~supp)) {
        return -TARGET_ENODEV;
    }
    if (xcr0_check(xcr0, supp) != XCR0_RULE_OK ||
        (xcr0 & LINUX_XCR0_REQUIRED) != LINUX_XCR0_REQUIRED) {
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
        return put_u64(arg2, xcr0_user_machine_xcr0() | XCR0_MASK_LEGACY);
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

