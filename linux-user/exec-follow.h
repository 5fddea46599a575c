/*
 * qemu-xcr0: exec follows emulation (generic linux-user; exec-follow.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef LINUX_USER_EXEC_FOLLOW_H
#define LINUX_USER_EXEC_FOLLOW_H

#include "qemu/envlist.h"

/* arg_table handler for -exec-follow on|off / QEMU_EXEC_FOLLOW. */
void handle_arg_exec_follow(const char *arg);

/* The programs to follow: ELF files of this e_machine, EI_CLASS and EI_DATA. */
void exec_follow_machine(uint16_t e_machine, uint8_t ei_class, uint8_t ei_data);

/* An option (and its value) a followed program gets, as this emulator got it. */
void exec_follow_keep_option(const char *option, const char *value);

/*
 * execveat(dirfd, path, argp, envp, flags) (execve: dirfd AT_FDCWD, flags 0): if it names one
 * of our programs (or a "#!" script whose interpreter is one), the argv and environment
 * (*envp_out) to execve /proc/self/exe with instead (free both with g_strfreev), so that it
 * runs under this emulator with the kept options. NULL to exec as before, or, with *err set to
 * an errno, to fail as the kernel would (a file that may not be executed).
 */
char **exec_follow_argv(int dirfd, const char *path, int flags, char *const *argp,
                        char *const *envp, char ***envp_out, int *err);

/*
 * In a followed emulator: give the guest back the QEMU_* variables its parent put in its
 * environment (exec_follow_argv hid them from this emulator's option parsing).
 */
void exec_follow_restore_env(envlist_t *envlist);

#endif
