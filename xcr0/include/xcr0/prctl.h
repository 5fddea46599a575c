/*
 * qemu-xcr0's arch_prctl interface (x86-64 guests of qemu-x86_64-xcr0).
 *
 *   arch_prctl(ARCH_SET_XCR0, mask)
 *
 * sets the calling thread's XCR0 to mask. Returns 0, or -1 with errno:
 *   ENODEV  XSAVE is absent, or mask has a bit outside what the process may use
 *           (ARCH_GET_XCOMP_SUPP, 0x1021: the XCR0 the emulator started the program with)
 *   EINVAL  mask breaks an XCR0 rule (no x87, AVX without SSE, half of MPX, AVX-512 or AMX)
 *           or lacks SSE, which every x86-64 Linux process has (so 0x1 is refused)
 *   EPERM   a component being turned off is in use (XGETBV(1) has its bit): put it in its
 *           initial state first (for example XRSTOR with its XSTATE_BV bit clear, VZEROUPPER)
 * Components turned on start in their initial state. Threads created afterwards inherit the
 * caller's XCR0; other threads keep theirs; a program started by execve gets the XCR0 the
 * emulator was started with. Not a Linux interface: 0x1fc0 lies outside every range Linux uses
 * (0x1001-0x1004, 0x1011-0x1012, 0x1021-0x1025, 0x1030-0x1031, 0x2001-0x2003, 0x4001-0x4004,
 * 0x5001-...), and a real kernel answers it with EINVAL.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XCR0_PRCTL_H
#define XCR0_PRCTL_H

#define ARCH_SET_XCR0 0x1fc0

#endif
