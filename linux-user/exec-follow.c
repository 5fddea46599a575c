/*
 * qemu-xcr0: exec follows emulation (generic linux-user).
 *
 * A program the guest execs runs under this emulator, with the options it was started with, so
 * whole process trees (shells, make, test runners) see the same emulated machine — also where
 * the host could run the program itself (an x86-64 program on an x86-64 host). The machine code
 * (linux-user/i386/xcr0-user.c) says which ELF machine is ours and which options to keep.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "elf.h"
#include "exec-follow.h"

static bool exec_follow = true;
static uint16_t follow_machine;          /* e_machine of our programs; 0: follow nothing */
static uint8_t follow_class, follow_data; /* EI_CLASS, EI_DATA */
static GPtrArray *kept_options;          /* options the followed program gets */

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

void exec_follow_machine(uint16_t e_machine, uint8_t ei_class, uint8_t ei_data)
{
    follow_machine = e_machine;
    follow_class = ei_class;
    follow_data = ei_data;
}

void exec_follow_keep_option(const char *option, const char *value)
{
    if (!kept_options) {
        kept_options = g_ptr_array_new_with_free_func(g_free);
    }
    /* The last occurrence wins, as on the command line. */
    for (guint i = 0; i + 1 < kept_options->len; i += 2) {
        if (!strcmp(g_ptr_array_index(kept_options, i), option)) {
            g_free(kept_options->pdata[i + 1]);
            kept_options->pdata[i + 1] = g_strdup(value);
            return;
        }
    }
    g_ptr_array_add(kept_options, g_strdup(option));
    g_ptr_array_add(kept_options, g_strdup(value));
}

/* Is path an ELF executable of the machine this emulator runs? */
static bool is_our_elf(const char *path)
{
    unsigned char h[20];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    bool yes;

    if (fd < 0) {
        return false;
    }
    yes = read(fd, h, sizeof(h)) == sizeof(h) && !memcmp(h, ELFMAG, SELFMAG) &&
          h[EI_CLASS] == follow_class && h[EI_DATA] == follow_data &&
          (follow_data == ELFDATA2LSB ? h[18] | h[19] << 8 : h[18] << 8 | h[19]) ==
          follow_machine;
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

char **exec_follow_argv(const char *path, char *const *argp)
{
    GPtrArray *v;
    g_autofree char *interp = NULL, *interp_arg = NULL;
    const char *run = path;

    struct stat self, target;

    if (!exec_follow || !follow_machine) {
        return NULL;
    }
    /* A program that starts the emulator itself (with options of its own) gets it directly. */
    if (stat("/proc/self/exe", &self) == 0 && stat(path, &target) == 0 &&
        self.st_dev == target.st_dev && self.st_ino == target.st_ino) {
        return NULL;
    }
    if (!is_our_elf(path)) {
        if (!read_shebang(path, &interp, &interp_arg) || !is_our_elf(interp)) {
            return NULL; /* another architecture, or not executable: exec as before */
        }
        run = interp;
    }
    v = g_ptr_array_new();
    g_ptr_array_add(v, g_strdup("/proc/self/exe"));
    for (guint i = 0; kept_options && i < kept_options->len; i++) {
        g_ptr_array_add(v, g_strdup(g_ptr_array_index(kept_options, i)));
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
