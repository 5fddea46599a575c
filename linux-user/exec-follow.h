/*
 * qemu-xcr0: exec follows emulation (generic linux-user; exec-follow.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef LINUX_USER_EXEC_FOLLOW_H
#define LINUX_USER_EXEC_FOLLOW_H

/* arg_table handler for -exec-follow on|off / QEMU_EXEC_FOLLOW. */
void handle_arg_exec_follow(const char *arg);

/* The programs to follow: ELF files of this e_machine, EI_CLASS and EI_DATA. */
void exec_follow_machine(uint16_t e_machine, uint8_t ei_class, uint8_t ei_data);

/* An option (and its value) a followed program gets, as this emulator got it. */
void exec_follow_keep_option(const char *option, const char *value);

/*
 * execve of path with argp: if it is one of our programs (or a "#!" script whose interpreter is
 * one), the argv to execve /proc/self/exe with instead (free with g_strfreev), so that it runs
 * under this emulator with the kept options; NULL to exec as before.
 */
char **exec_follow_argv(const char *path, char *const *argp);

#endif
