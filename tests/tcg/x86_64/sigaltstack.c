/*
 * sigaltstack: the alternate signal stack must hold the kernel's frame, whose size follows the
 * XSAVE state (a test of the kind of the kernel's sigaltstack selftest, written anew).
 *
 * A stack of AT_MINSIGSTKSZ + SIGSTKSZ bytes always works. A 2049-byte stack works only if the
 * frame fits: the rt_sigframe (440 bytes) + the XSAVE state (CPUID.(0xD,0).EBX of XCR0) + 4
 * (MAGIC2) + alignment. x87|SSE (576) and AVX (832) fit; 0x2ff (2696) and AMD's 0xe7 (2432) do
 * not, and the kernel then kills the program with SIGSEGV instead of writing past the stack.
 *
 * sigaltstack() itself refuses stacks below MINSIGSTKSZ (2048) with ENOMEM (kernel/signal.c
 * do_sigaltstack), whatever the XCR0.
 *
 * test 0x3: -xcr0 0x3 => stdout minsigstksz+sigstksz: handler ran\n2049 bytes: handler ran\n2047 bytes: ENOMEM
 * test 0x7: -xcr0 0x7 => stdout minsigstksz+sigstksz: handler ran\n2049 bytes: handler ran\n2047 bytes: ENOMEM
 * test 0x2ff: -xsave-layout intel -xcr0 0x2ff => stdout minsigstksz+sigstksz: handler ran\n2049 bytes: SIGSEGV\n2047 bytes: ENOMEM
 * test amd-0xe7: -xsave-layout amd -xcr0 0xe7 => stdout minsigstksz+sigstksz: handler ran\n2049 bytes: SIGSEGV\n2047 bytes: ENOMEM
 * test host: -xcr0 host -xsave-layout host => native
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int ran;

static void handler(int sig)
{
    (void)sig;
    ran = 1;
}

static void try_stack(const char *label, size_t size)
{
    pid_t child;
    int status;

    fflush(stdout);
    child = fork();
    if (child == 0) {
        stack_t ss = { .ss_sp = malloc(size), .ss_size = size, .ss_flags = 0 };
        struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_ONSTACK };

        if (sigaltstack(&ss, NULL) != 0) {
            printf("%s: %s\n", label, errno == ENOMEM ? "ENOMEM" : "refused");
            exit(0);
        }
        sigaction(SIGUSR1, &sa, NULL);
        raise(SIGUSR1);
        printf("%s: %s\n", label, ran ? "handler ran" : "handler did not run");
        exit(0);
    }
    waitpid(child, &status, 0);
    if (WIFSIGNALED(status)) {
        printf("%s: %s\n", label, WTERMSIG(status) == SIGSEGV ? "SIGSEGV" : "other signal");
    }
}

int main(void)
{
    try_stack("minsigstksz+sigstksz", getauxval(51) + SIGSTKSZ);
    try_stack("2049 bytes", 2049);
    try_stack("2047 bytes", 2047);
    return 0;
}
