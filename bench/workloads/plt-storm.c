/*
 * PLT resolution storm: with LD_BIND_NOT=1 every call of a library function goes through
 * glibc's lazy-binding trampoline (_dl_runtime_resolve_xsavec/_xsave), which saves and restores
 * the vector state with XSAVE(C)/XRSTOR. Built dynamically (-Wl,-z,lazy) with a tiny library.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    volatile size_t sink = 0;

    for (long i = 0; i < n; i++) {
        sink += strlen(argv[0]); /* a PLT call into libc */
    }
    return sink == 0;
}
