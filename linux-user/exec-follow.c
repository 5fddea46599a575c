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
static char **startup_env;               /* this emulator's environment when it started */

/*
 * A QEMU_* variable the guest put in a followed program's environment is the guest's data, not
 * an option for the emulator that runs the program: it travels under this prefix, which no
 * option reads, and the followed emulator gives it back to the guest under its own name.
 */
#define GUEST_VAR_PREFIX "QEMU_XCR0_GUEST_VAR_"

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
    if (!startup_env) {
        startup_env = g_get_environ();
    }
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

/* A field of the ELF file in its byte order. */
static uint64_t elf_field(const unsigned char *p, int size)
{
    uint64_t v = 0;

    for (int i = 0; i < size; i++) {
        int b = follow_data == ELFDATA2LSB ? size - 1 - i : i;

        v = v << 8 | p[b];
    }
    return v;
}

/*
 * What the kernel's load_elf_binary() checks before the point of no return, so that a file it
 * would refuse is refused here, in the calling process, not by the new emulator after this one
 * is gone: the type (ET_EXEC or ET_DYN), the program headers (their size, count and presence in
 * the file: ENOEXEC), and the interpreter of PT_INTERP (a sane path, a file that opens, with
 * ELF magic: ENOEXEC, the open's errno, ELIBBAD). 0 or an errno.
 */
static int elf_exec_check(const char *path)
{
    bool is64 = follow_class == ELFCLASS64;
    unsigned phsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
    unsigned char eh[64], ph[65536];
    uint64_t phoff, type, phent, phnum;
    int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

    if (fd < 0) {
        return errno;
    }
    if (pread(fd, eh, sizeof(eh), 0) < (is64 ? 64 : 52)) {
        close(fd);
        return ENOEXEC;
    }
    type = elf_field(eh + 16, 2);
    phoff = is64 ? elf_field(eh + 32, 8) : elf_field(eh + 28, 4);
    phent = elf_field(eh + (is64 ? 54 : 42), 2);
    phnum = elf_field(eh + (is64 ? 56 : 44), 2);
    if ((type != ET_EXEC && type != ET_DYN) || phent != phsize || phnum == 0 ||
        phnum * phsize > sizeof(ph) ||
        pread(fd, ph, phnum * phsize, phoff) != (ssize_t)(phnum * phsize)) {
        close(fd);
        return ENOEXEC;
    }
    for (uint64_t i = 0; i < phnum && !err; i++) {
        const unsigned char *p = ph + i * phsize;
        uint64_t off = elf_field(p + (is64 ? 8 : 4), is64 ? 8 : 4);
        uint64_t filesz = elf_field(p + (is64 ? 32 : 16), is64 ? 8 : 4);
        char interp[PATH_MAX];
        unsigned char magic[SELFMAG];
        int ifd;

        if (elf_field(p, 4) != PT_INTERP) {
            continue;
        }
        if (filesz > PATH_MAX || filesz < 2) {
            err = ENOEXEC;
        } else if (pread(fd, interp, filesz, off) != (ssize_t)filesz) {
            err = EIO;
        } else if (interp[filesz - 1] != '\0') {
            err = ENOEXEC;
        } else if ((ifd = open(interp, O_RDONLY | O_CLOEXEC)) < 0) {
            err = errno;
        } else {
            if (pread(ifd, magic, SELFMAG, 0) != SELFMAG || memcmp(magic, ELFMAG, SELFMAG)) {
                err = ELIBBAD;
            }
            close(ifd);
        }
    }
    close(fd);
    return err;
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

/*
 * The file execveat(dirfd, path, flags) names, as a path that still names it after this process
 * execs (a descriptor may be close-on-exec): the path itself when absolute or relative to the
 * working directory, else what /proc says the descriptor is, if that is still the same file,
 * else a duplicate of the descriptor that survives the exec (a memfd given to fexecve).
 */
static char *exec_target_path(int dirfd, const char *path, int flags)
{
    g_autofree char *fd_path = NULL, *via_fd = NULL, *link = NULL;
    struct stat want, got;

    if (path[0] == '/' || (dirfd == AT_FDCWD && !(flags & AT_EMPTY_PATH && !path[0]))) {
        return g_strdup(path);
    }
    fd_path = g_strdup_printf("/proc/self/fd/%d", dirfd);
    via_fd = path[0] ? g_build_filename(fd_path, path, NULL) : g_strdup(fd_path);
    if (stat(via_fd, &want) != 0) {
        return g_steal_pointer(&via_fd); /* the checks below report the error */
    }
    link = g_file_read_link(fd_path, NULL);
    if (link && link[0] == '/') {
        char *resolved = path[0] ? g_build_filename(link, path, NULL) : g_strdup(link);

        if (stat(resolved, &got) == 0 && got.st_dev == want.st_dev &&
            got.st_ino == want.st_ino) {
            return resolved;
        }
        g_free(resolved);
    }
    if (!path[0]) {
        int fd = fcntl(dirfd, F_DUPFD, 3);

        if (fd >= 0) {
            return g_strdup_printf("/proc/self/fd/%d", fd);
        }
    }
    return g_steal_pointer(&via_fd);
}

/*
 * What the kernel checks before it reads a file to exec (do_open_execat(), bprm_execve()): a
 * regular file the caller may execute, on a mount that allows it (faccessat(X_OK) checks the
 * same, noexec mounts included, with the effective ids), not a symlink under
 * AT_SYMLINK_NOFOLLOW. 0 or an errno.
 */
static int exec_permission(const char *path, int flags)
{
    struct stat st;

    if ((flags & AT_SYMLINK_NOFOLLOW) && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        return ELOOP;
    }
    if (stat(path, &st) != 0) {
        return errno;
    }
    if (!S_ISREG(st.st_mode)) {
        return EACCES;
    }
    if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) != 0) {
        return errno;
    }
    return 0;
}

void exec_follow_restore_env(envlist_t *envlist)
{
    for (char **e = startup_env; e && *e; e++) {
        if (g_str_has_prefix(*e, GUEST_VAR_PREFIX)) {
            g_autofree char *name = g_strndup(*e, strcspn(*e, "="));

            envlist_unsetenv(envlist, name);
            envlist_setenv(envlist, *e + strlen(GUEST_VAR_PREFIX));
        }
    }
}

/* The followed emulator's environment: envp with the guest's own QEMU_* variables hidden. */
static char **follow_env(char *const *envp)
{
    GPtrArray *v = g_ptr_array_new();

    for (int i = 0; envp[i]; i++) {
        bool guests = g_str_has_prefix(envp[i], "QEMU_") &&
                      !(startup_env && g_strv_contains((const char *const *)startup_env,
                                                       envp[i]));

        g_ptr_array_add(v, guests ? g_strconcat(GUEST_VAR_PREFIX, envp[i], NULL)
                                  : g_strdup(envp[i]));
    }
    g_ptr_array_add(v, NULL);
    return (char **)g_ptr_array_free(v, false);
}

char **exec_follow_argv(int dirfd, const char *path, int flags, char *const *argp,
                        char *const *envp, char ***envp_out, int *err)
{
    GPtrArray *v;
    g_autofree char *target = NULL, *interp = NULL, *interp_arg = NULL;
    const char *run;
    struct stat self, st;

    *err = 0;
    if (!exec_follow || !follow_machine) {
        return NULL;
    }
    target = exec_target_path(dirfd, path, flags);
    run = target;
    /* A program that starts the emulator itself (with options of its own) gets it directly. */
    if (stat("/proc/self/exe", &self) == 0 && stat(target, &st) == 0 &&
        self.st_dev == st.st_dev && self.st_ino == st.st_ino) {
        return NULL;
    }
    if (!is_our_elf(target)) {
        if (!read_shebang(target, &interp, &interp_arg) || !is_our_elf(interp)) {
            return NULL; /* another architecture, or not executable: exec as before */
        }
        run = interp;
    }
    /* Ours: refuse it where the kernel would, before this process is replaced. */
    *err = exec_permission(target, flags);
    if (!*err && interp) {
        *err = exec_permission(interp, 0);
    }
    if (!*err) {
        *err = elf_exec_check(run);
    }
    if (*err) {
        return NULL;
    }
    v = g_ptr_array_new();
    /* The emulator's own name, which its messages begin with. */
    g_ptr_array_add(v, g_strdup(g_get_prgname() ? g_get_prgname() : "qemu"));
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
        g_ptr_array_add(v, g_strdup(target));
    }
    for (int i = argp[0] ? 1 : 0; argp[i]; i++) {
        g_ptr_array_add(v, g_strdup(argp[i]));
    }
    g_ptr_array_add(v, NULL);
    *envp_out = follow_env(envp);
    return (char **)g_ptr_array_free(v, false);
}
