/*
 * A minimal host-side unit test framework: each test function prints one result line
 * ("PASS unit/NAME", "FAIL unit/NAME — reason" or "SKIP unit/NAME — reason"), which tests/run
 * counts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TESTS_UNIT_UNIT_H
#define TESTS_UNIT_UNIT_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_failed_total;
static int unit_failed_here;
static char unit_first_failure[512];

/* Record a failed expectation; the first one is the reason shown. */
static inline void unit_fail(const char *fmt, ...)
{
    va_list ap;

    /* UNIT_VERBOSE=1 prints every failed expectation, not just the first. */
    if (getenv("UNIT_VERBOSE")) {
        va_start(ap, fmt);
        fputs("  failed: ", stdout);
        vprintf(fmt, ap);
        putchar('\n');
        va_end(ap);
    }
    if (unit_failed_here++ == 0) {
        va_start(ap, fmt);
        vsnprintf(unit_first_failure, sizeof(unit_first_failure), fmt, ap);
        va_end(ap);
    }
}

#define EXPECT(cond, ...) do { if (!(cond)) { unit_fail(__VA_ARGS__); } } while (0)

static inline void unit_run(const char *name, void (*fn)(void))
{
    unit_failed_here = 0;
    fn();
    if (unit_failed_here) {
        unit_failed_total++;
        printf("FAIL unit/%s — %s (%d failed expectation%s)\n", name, unit_first_failure,
               unit_failed_here, unit_failed_here == 1 ? "" : "s");
    } else {
        printf("PASS unit/%s\n", name);
    }
    fflush(stdout);
}

/* A test that cannot run here (no x86 host, no CPUID dump folder): neither passes nor fails. */
static inline void unit_skip(const char *name, const char *why)
{
    printf("SKIP unit/%s — %s\n", name, why);
    fflush(stdout);
}

/* Report the expectations recorded since unit_begin() as one test called name. */
static inline void unit_begin(void)
{
    unit_failed_here = 0;
}

static inline void unit_end(const char *name)
{
    if (unit_failed_here) {
        unit_failed_total++;
        printf("FAIL unit/%s — %s (%d failed expectation%s)\n", name, unit_first_failure,
               unit_failed_here, unit_failed_here == 1 ? "" : "s");
    } else {
        printf("PASS unit/%s\n", name);
    }
    fflush(stdout);
}

/* Little-endian fields of XSAVE images (the tests run on x86 hosts or read x86 data). */
static inline uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline void wr64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static inline void wr32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

#define RUN(fn) unit_run(#fn, fn)
#define UNIT_EXIT() return unit_failed_total ? 1 : 0

#endif
