/*
 * xcr0 — inspect XCR0 values and XSAVE layouts from the command line.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xcr0/xcr0.h"

static const char usage_text[] =
    "Usage: xcr0 COMMAND [ARGS]\n"
    "  describe MASK           list the state components in MASK, one per line\n"
    "  check MASK [--supported MASK]\n"
    "                          exit 0 if MASK is a legal XCR0 value, else name the broken rule\n"
    "MASK is a number (0xe7, 231), a list of components (x87,sse,avx; avx512, mpx and amx name\n"
    "groups), or 'host' (this machine's XCR0, x86 hosts only).\n";

static void fail(const char *fmt, const char *arg)
{
    fprintf(stderr, "xcr0: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

static uint64_t mask_arg(const char *text)
{
    char err[512];
    uint64_t mask;

    if (xcr0_parse_mask(text, &mask, err, sizeof(err)) != 0) {
        fail("%s", err);
    }
    return mask;
}

static int cmd_describe(int argc, char **argv)
{
    uint64_t mask;

    if (argc != 2) {
        fail("describe takes one MASK (%s)", "see xcr0 --help");
    }
    mask = mask_arg(argv[1]);
    for (unsigned nr = 0; nr < 64; nr++) {
        const struct xcr0_component *c = xcr0_component(nr);
        if (!(mask & XCR0_BIT(nr))) {
            continue;
        }
        if (c) {
            printf("%2u  %-10s %5u bytes  %-10s  %s\n", nr, c->name, (unsigned)c->size,
                   c->supervisor ? "supervisor" : "user", c->description);
        } else {
            printf("%2u  %-10s (no state component is defined for this bit)\n", nr, "?");
        }
    }
    return 0;
}

static int cmd_check(int argc, char **argv)
{
    uint64_t mask, supported = UINT64_MAX;
    enum xcr0_rule rule;
    char why[512];

    if (argc == 4 && strcmp(argv[2], "--supported") == 0) {
        supported = mask_arg(argv[3]);
    } else if (argc != 2) {
        fail("check takes MASK [--supported MASK] (%s)", "see xcr0 --help");
    }
    mask = mask_arg(argv[1]);
    rule = xcr0_check(mask, supported);
    xcr0_rule_explain(rule, mask, supported, why, sizeof(why));
    if (rule != XCR0_RULE_OK) {
        fprintf(stderr, "xcr0: 0x%llx is illegal: %s\n", (unsigned long long)mask, why);
        return 1;
    }
    printf("0x%llx: legal\n", (unsigned long long)mask);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return 1;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(argv[1], "describe") == 0) {
        return cmd_describe(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "check") == 0) {
        return cmd_check(argc - 1, argv + 1);
    }
    fail("unknown command '%s' (commands: describe, check; see xcr0 --help)", argv[1]);
    return 1;
}
