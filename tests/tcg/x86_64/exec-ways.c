/*
 * exec-ways: every way a program can exec another keeps it under the emulator, with the
 * emulator's settings, and fails where the kernel fails (issue 14, item 5).
 *
 *   exec-ways fexecve PROG ARGS...   open PROG (close-on-exec) and fexecve it
 *   exec-ways memfd PROG ARGS...     copy PROG into a memfd (close-on-exec) and fexecve that
 *   exec-ways dirfd PROG ARGS...     execveat(fd of PROG's directory, its base name, 0)
 *   exec-ways chdir PROG ARGS...     chdir("/"), then execv PROG (PROG absolute): relative
 *                                    paths the emulator was started with must still work
 *   exec-ways env PROG ARGS...       put QEMU_XCR0=0x3 and QEMU_XSAVE_LAYOUT=amd in the
 *                                    environment, then execv PROG: the child must get the
 *                                    emulator's XCR0 and layout, not the guest environment's
 *   exec-ways env-bad SELF           put values no emulator option accepts in QEMU_XCR0 and
 *                                    QEMU_XSAVE_LAYOUT, then exec SELF (this program) with
 *                                    "show-env": the variables are the guest's data, which the
 *                                    child sees unchanged, and not options of its emulator
 *   exec-ways show-env X             print those two variables and XGETBV(0)
 *   exec-ways refused PROG           execs that the kernel refuses, each in a child: PROG
 *                                    copied without execute permission, a "#!PROG" script
 *                                    without it, PROG copied to a noexec tmpfs (in a private
 *                                    mount namespace; reported as unavailable without
 *                                    privileges), a directory, a missing file, an
 *                                    AT_SYMLINK_NOFOLLOW execveat of a symlink, ELF files the
 *                                    kernel refuses before the point of no return (PROG cut
 *                                    after its ELF header, or made ET_REL; /bin/true with its
 *                                    PT_INTERP pointing nowhere); the errno of each, to be
 *                                    compared with the native run
 *
 * Under the emulator the child is xcr0-probe, which prints what it sees; natively "refused"
 * must print the same lines (the kernel is the judge). Expected sizes: Intel's standard layout
 * (tests/data/cpuid/intel-skylake-sp.txt) puts Hi16_ZMM at 0x680 + 0x400 = 2688 for XCR0 0xe7;
 * the Zen 4 dump at 0x580 + 0x400 = 2432. Relative paths in the cases are relative to the
 * repository's top, tests/run's working directory.
 *
 * test fexecve: -xcr0 0x3 -- fexecve @bin/xcr0-probe xgetbv => stdout xcr0=0x3
 * test memfd: -xcr0 0x3 -- memfd @bin/xcr0-probe xgetbv => stdout xcr0=0x3
 * test dirfd: -xcr0 0x3 -- dirfd @bin/xcr0-probe xgetbv => stdout xcr0=0x3
 * test chdir-relative-layout: -xsave-layout tests/data/cpuid/amd-zen4.txt -xcr0 0xe7 -- chdir @bin/xcr0-probe cpuid => stdout xsave-size=2432 consistent=yes
 * test guest-env: -xcr0 0xe7 -- env @bin/xcr0-probe cpuid => stdout xsave-size=2688 consistent=yes
 * test guest-env-default: -- env @bin/xcr0-probe xgetbv => stdout xcr0=0x21f
 * test guest-env-bad: -xcr0 0x3 -- env-bad @bin/exec-ways => stdout QEMU_XCR0=not-a-mask QEMU_XSAVE_LAYOUT=/nonexistent xcr0=0x3
 * test refused: -xcr0 host -xsave-layout host -- refused @bin/xcr0-probe => native
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xstate-util.h"

extern char **environ;

static int copy_file(const char *from, int to_fd)
{
    char buf[65536];
    int in = open(from, O_RDONLY);
    ssize_t n;

    if (in < 0) {
        return -1;
    }
    while ((n = read(in, buf, sizeof(buf))) > 0) {
        if (write(to_fd, buf, n) != n) {
            close(in);
            return -1;
        }
    }
    close(in);
    return n < 0 ? -1 : 0;
}

static int copy_to(const char *from, const char *to, mode_t mode)
{
    int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
    int r;

    if (fd < 0) {
        return -1;
    }
    r = copy_file(from, fd);
    close(fd);
    return r | chmod(to, mode);
}

/* Exec in a child; report how it failed (the programs used never run successfully). */
static void try_exec(const char *what, int dirfd, const char *path, int flags)
{
    char *argv[] = { (char *)path, (char *)"xgetbv", NULL };
    int status;
    pid_t pid = fork();

    if (pid == 0) {
        syscall(SYS_execveat, dirfd, path, argv, environ, flags);
        printf("%s: %s\n", what, strerrorname_np(errno));
        fflush(stdout);
        _exit(0);
    }
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("%s: ran (status %#x)\n", what, status);
    }
    fflush(stdout);
}

static void refused(const char *prog)
{
    char dir[] = "/tmp/exec-ways-XXXXXX";
    char path[256];
    FILE *f;

    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(1);
    }
    snprintf(path, sizeof(path), "%s/no-x", dir);
    copy_to(prog, path, 0644);
    try_exec("elf without x", AT_FDCWD, path, 0);

    snprintf(path, sizeof(path), "%s/script", dir);
    f = fopen(path, "w");
    fprintf(f, "#!%s\n", prog);
    fclose(f);
    chmod(path, 0644);
    try_exec("script without x", AT_FDCWD, path, 0);

    snprintf(path, sizeof(path), "%s/link", dir);
    symlink(prog, path);
    try_exec("nofollow symlink", AT_FDCWD, path, AT_SYMLINK_NOFOLLOW);

    try_exec("directory", AT_FDCWD, dir, 0);

    /* ELF files load_elf_binary() refuses before the point of no return. */
    {
        static uint8_t buf[1 << 20];
        int fd = open(prog, O_RDONLY);
        ssize_t n = read(fd, buf, sizeof(buf));
        uint8_t *interp;

        close(fd);
        snprintf(path, sizeof(path), "%s/cut", dir);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
        if (write(fd, buf, 64) != 64) {
            perror("write");
        }
        close(fd);
        try_exec("elf header only", AT_FDCWD, path, 0);
        snprintf(path, sizeof(path), "%s/rel", dir);
        buf[16] = 1; /* ET_REL */
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
        if (n < 0 || write(fd, buf, n) != n) {
            perror("write");
        }
        close(fd);
        try_exec("relocatable", AT_FDCWD, path, 0);

        fd = open("/bin/true", O_RDONLY);
        n = read(fd, buf, sizeof(buf));
        close(fd);
        interp = n > 0 ? memmem(buf, n, "/lib64/ld-linux-x86-64.so.2", 27) : NULL;
        if (interp) {
            memcpy(interp, "/nonexistent/ld-linux.so.2", 27);
            snprintf(path, sizeof(path), "%s/badinterp", dir);
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
            if (write(fd, buf, n) != n) {
                perror("write");
            }
            close(fd);
            try_exec("missing interpreter", AT_FDCWD, path, 0);
        } else {
            printf("missing interpreter: no /bin/true with the usual interpreter\n");
        }
    }
    snprintf(path, sizeof(path), "%s/missing", dir);
    try_exec("missing", AT_FDCWD, path, 0);

    /* A noexec mount, private to a child's mount namespace. */
    fflush(stdout);
    if (fork() == 0) {
        snprintf(path, sizeof(path), "%s/mnt", dir);
        mkdir(path, 0755);
        if (unshare(CLONE_NEWNS) != 0 ||
            mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
            mount("tmpfs", path, "tmpfs", MS_NOEXEC, NULL) != 0) {
            printf("noexec mount: unavailable\n");
        } else {
            strcat(path, "/prog");
            copy_to(prog, path, 0755);
            try_exec("noexec mount", AT_FDCWD, path, 0);
            umount2(dirname(strdupa(path)), MNT_DETACH);
        }
        fflush(stdout);
        _exit(0);
    }
    wait(NULL);
    snprintf(path, sizeof(path), "rm -rf %s", dir);
    if (system(path) != 0) {
        return;
    }
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    char **args = argv + 2;
    int fd;

    if (argc < 3) {
        fprintf(stderr, "usage: exec-ways MODE PROG [ARGS...]\n");
        return 2;
    }
    if (!strcmp(mode, "fexecve")) {
        fd = open(args[0], O_RDONLY | O_CLOEXEC);
        fexecve(fd, args, environ);
    } else if (!strcmp(mode, "memfd")) {
        fd = memfd_create("exec-ways", MFD_CLOEXEC);
        if (copy_file(args[0], fd) == 0) {
            fexecve(fd, args, environ);
        }
    } else if (!strcmp(mode, "dirfd")) {
        char *dir = dirname(strdupa(args[0]));
        char *base = basename(strdupa(args[0]));

        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        syscall(SYS_execveat, fd, base, args, environ, 0);
    } else if (!strcmp(mode, "chdir")) {
        if (chdir("/") == 0) {
            execv(args[0], args);
        }
    } else if (!strcmp(mode, "env")) {
        setenv("QEMU_XCR0", "0x3", 1);
        setenv("QEMU_XSAVE_LAYOUT", "amd", 1);
        execv(args[0], args);
    } else if (!strcmp(mode, "env-bad")) {
        char *self_args[] = { args[0], (char *)"show-env", (char *)"x", NULL };

        setenv("QEMU_XCR0", "not-a-mask", 1);
        setenv("QEMU_XSAVE_LAYOUT", "/nonexistent", 1);
        execv(args[0], self_args);
    } else if (!strcmp(mode, "show-env")) {
        printf("QEMU_XCR0=%s QEMU_XSAVE_LAYOUT=%s xcr0=%#llx\n", getenv("QEMU_XCR0"),
               getenv("QEMU_XSAVE_LAYOUT"), (unsigned long long)xgetbv(0));
        return 0;
    } else if (!strcmp(mode, "refused")) {
        refused(args[0]);
        return 0;
    } else {
        fprintf(stderr, "exec-ways: unknown mode %s\n", mode);
        return 2;
    }
    printf("%s: exec failed: %s\n", mode, strerrorname_np(errno));
    return 1;
}
