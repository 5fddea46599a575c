/*
 * xcr0-threads: XCR0 is per vCPU, and a thread starts with its creator's. Each of four threads
 * prints XGETBV(0) and CPUID.(0xD,0).EBX; all must show the value chosen with -xcr0 (a thread's
 * XCR0 is the process's on Linux, which has no per-thread XCR0 without our arch_prctl).
 *
 * build: -O2 -static -pthread
 * test 0x7: -xcr0 0x7 => stdout main 0x7 832\nthread 0 0x7 832\nthread 1 0x7 832\nthread 2 0x7 832\nthread 3 0x7 832
 * test amd-0xe7: -xsave-layout amd -xcr0 0xe7 => stdout main 0xe7 2432\nthread 0 0xe7 2432\nthread 1 0xe7 2432\nthread 2 0xe7 2432\nthread 3 0xe7 2432
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <cpuid.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

static char lines[4][64];

static void describe(char *buf, size_t len, const char *who)
{
    uint32_t lo, hi, a, b, c, d;

    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    __cpuid_count(0xd, 0, a, b, c, d);
    snprintf(buf, len, "%s 0x%llx %u", who, ((unsigned long long)hi << 32) | lo, b);
}

static void *thread_main(void *arg)
{
    int n = (int)(intptr_t)arg;
    char who[16];

    snprintf(who, sizeof(who), "thread %d", n);
    describe(lines[n], sizeof(lines[n]), who);
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    char line[64];

    describe(line, sizeof(line), "main");
    for (int i = 0; i < 4; i++) {
        pthread_create(&t[i], NULL, thread_main, (void *)(intptr_t)i);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
    }
    printf("%s\n", line);
    for (int i = 0; i < 4; i++) {
        printf("%s\n", lines[i]);
    }
    return 0;
}
