/*
 * Vendor rules: how Intel and AMD silicon differ where the SDM leaves room (XINUSE, the x87
 * pointers, FCW, MXCSR, XSAVES at CPL 3). One row per vendor; a profile takes the row of its
 * vendor, and a CPUID dump may choose another row or change single rules ("# rules:").
 *
 * Where each rule comes from (README "Vendors"):
 *  - intel: measured on Intel AVX-512 hosts (tests/tcg/x86_64/xsave-diff.c, xrstor-faults.c,
 *    the oracle's random cases): XINUSE set by any write, FIP restored as a canonical 48-bit
 *    address, FDP all 64 bits, FCW kept as written, XSAVES #UD where CPUID lacks it.
 *  - amd: measured on a Zen 5 part (family 0x1a model 2) in a VM, tests/silicon/amd-zen5-vm:
 *    XINUSE by value per register, pointers stored only with FSW.ES, FIP/FDP kept as 57-bit
 *    values, FCW = (v & 0x1f3f) | 0x40, XSAVES #GP at CPL 3 although the VM's CPUID hides it.
 *    Other Zen generations were not measured: these rules are an inference for them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xcr0/xcr0.h"

static const struct {
    const char *name;
    const char *vendors[2];     /* CPUID.0 vendor strings that take this row */
    struct xcr0_vendor_rules rules;
} vendor_rules[] = {
    { "intel", { "GenuineIntel" },
      { XCR0_XINUSE_BY_WRITE, XCR0_X87_POINTERS_ALWAYS, 48, 64, 0xffff, 0x0000, false, true,
        false, 0 } },
    /* Hygon's Dhyana is a Zen 1 derivative: an inference, never measured. */
    { "amd", { "AuthenticAMD", "HygonGenuine" },
      { XCR0_XINUSE_BY_VALUE, XCR0_X87_POINTERS_IF_ES, 57, 57, 0x1f3f, 0x0040, true, true,
        true, 0x20000 } },
};

#define N_VENDOR_RULES (sizeof(vendor_rules) / sizeof(vendor_rules[0]))

uint32_t xcr0_vendor_mxcsr_mask(const struct xcr0_vendor_rules *r, bool misalign_sse)
{
    return 0xffff | (misalign_sse ? r->misalign_mxcsr_bits : 0);
}

int xcr0_vendor_rules_named(const char *name, struct xcr0_vendor_rules *r)
{
    for (size_t i = 0; i < N_VENDOR_RULES; i++) {
        if (name && strcmp(name, vendor_rules[i].name) == 0) {
            *r = vendor_rules[i].rules;
            return 0;
        }
    }
    return -1;
}

void xcr0_vendor_rules_for(const char *vendor, struct xcr0_vendor_rules *r,
                           char name[XCR0_RULES_NAME_MAX])
{
    for (size_t i = 0; i < N_VENDOR_RULES; i++) {
        for (size_t v = 0; v < 2; v++) {
            if (vendor && vendor_rules[i].vendors[v] &&
                strcmp(vendor, vendor_rules[i].vendors[v]) == 0) {
                *r = vendor_rules[i].rules;
                snprintf(name, XCR0_RULES_NAME_MAX, "%s", vendor_rules[i].name);
                return;
            }
        }
    }
    *r = vendor_rules[0].rules;
    snprintf(name, XCR0_RULES_NAME_MAX, "%s", vendor_rules[0].name);
}

static int parse_number(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 0);
    if (errno || end == s || *end != '\0' || v > max || s[0] == '-') {
        return -1;
    }
    *out = v;
    return 0;
}

#define RULES_ALLOWED "intel, amd, xinuse=write|value, x87-pointers=always|if-es, " \
                      "fip-bits=1..64, fdp-bits=1..64, fcw=KEEP/SET, xsaves=gp|cpuid, " \
                      "xsaveopt-modified=yes|no, fop=insn|exception, mxcsr-mask=MASK"

/* The rules that choose between two words: the first sets the field to 0, the second to 1. */
static const struct {
    const char *key, *word[2];
    size_t offset;
    bool is_bool;   /* a bool field; else an enum (int-sized) */
} choices[] = {
    { "xinuse", { "write", "value" }, offsetof(struct xcr0_vendor_rules, xinuse), false },
    { "x87-pointers", { "always", "if-es" },
      offsetof(struct xcr0_vendor_rules, x87_pointers), false },
    { "xsaves", { "cpuid", "gp" }, offsetof(struct xcr0_vendor_rules, xsaves_gp), true },
    { "xsaveopt-modified", { "no", "yes" },
      offsetof(struct xcr0_vendor_rules, xsaveopt_modified), true },
    { "fop", { "exception", "insn" }, offsetof(struct xcr0_vendor_rules, fop_every_insn), true },
};

/* KEEP/SET of "fcw=KEEP/SET". */
static int parse_fcw(const char *val, struct xcr0_vendor_rules *r)
{
    const char *slash = strchr(val, '/');
    char keep[16];
    unsigned long n, m;

    if (slash == NULL || (size_t)(slash - val) >= sizeof(keep)) {
        return -1;
    }
    memcpy(keep, val, (size_t)(slash - val));
    keep[slash - val] = '\0';
    if (parse_number(keep, 0xffff, &n) != 0 || parse_number(slash + 1, 0xffff, &m) != 0) {
        return -1;
    }
    r->fcw_keep = (uint16_t)n;
    r->fcw_set = (uint16_t)m;
    return 0;
}

/* One word of a "# rules:" line. */
static int apply_word(struct xcr0_profile *p, const char *word, char *err, size_t errlen)
{
    struct xcr0_vendor_rules *r = &p->rules;
    const char *eq = strchr(word, '=');
    char key[32];
    const char *val;
    unsigned long n;
    int ok;

    if (eq == NULL) {
        for (size_t i = 0; i < N_VENDOR_RULES; i++) {
            if (strcmp(word, vendor_rules[i].name) == 0) {
                *r = vendor_rules[i].rules;
                snprintf(p->rules_name, sizeof(p->rules_name), "%s", vendor_rules[i].name);
                p->mxcsr_mask = xcr0_vendor_mxcsr_mask(r, p->misalign_sse);
                return 0;
            }
        }
        snprintf(err, errlen, "rules: unknown word '%s' (allowed: " RULES_ALLOWED ")", word);
        return -1;
    }
    if ((size_t)(eq - word) >= sizeof(key)) {
        snprintf(err, errlen, "rules: unknown rule in '%s' (allowed: " RULES_ALLOWED ")", word);
        return -1;
    }
    memcpy(key, word, (size_t)(eq - word));
    key[eq - word] = '\0';
    val = eq + 1;
    snprintf(p->rules_name, sizeof(p->rules_name), "custom");
    for (size_t i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
        if (strcmp(key, choices[i].key) != 0) {
            continue;
        }
        for (int v = 0; v < 2; v++) {
            if (strcmp(val, choices[i].word[v]) == 0) {
                if (choices[i].is_bool) {
                    *(bool *)((char *)r + choices[i].offset) = v;
                } else {
                    *(int *)((char *)r + choices[i].offset) = v;
                }
                return 0;
            }
        }
        goto bad_value;
    }
    if (strcmp(key, "fip-bits") == 0 || strcmp(key, "fdp-bits") == 0) {
        ok = parse_number(val, 64, &n) == 0 && n >= 1;
        if (ok) {
            *(key[1] == 'i' ? &r->fip_bits : &r->fdp_bits) = (uint8_t)n;
        }
    } else if (strcmp(key, "fcw") == 0) {
        ok = parse_fcw(val, r) == 0;
    } else if (strcmp(key, "mxcsr-mask") == 0) {
        ok = parse_number(val, 0xffffffffu, &n) == 0;
        /* MXCSR bits 0..15 but 6 exist on every CPU with SSE2; DAZ (6) on all x86-64. */
        if (ok && (n & 0xffbf) != 0xffbf) {
            snprintf(err, errlen, "rules: mxcsr-mask=%s lacks MXCSR's architectural bits "
                     "0xffbf", val);
            return -1;
        }
        if (ok) {
            p->mxcsr_mask = (uint32_t)n;
        }
    } else {
        snprintf(err, errlen, "rules: unknown rule '%s' (allowed: " RULES_ALLOWED ")", key);
        return -1;
    }
    if (ok) {
        return 0;
    }
bad_value:
    snprintf(err, errlen, "rules: bad value in '%s' (allowed: " RULES_ALLOWED ")", word);
    return -1;
}

int xcr0_vendor_rules_apply(struct xcr0_profile *p, const char *text, char *err, size_t errlen)
{
    const char *s = text;

    for (;;) {
        char word[64];
        size_t n = 0;

        while (*s == ' ' || *s == '\t' || *s == ',' || *s == '\r') {
            s++;
        }
        if (*s == '\0') {
            return 0;
        }
        while (s[n] && s[n] != ' ' && s[n] != '\t' && s[n] != ',' && s[n] != '\r') {
            n++;
        }
        if (n >= sizeof(word)) {
            snprintf(err, errlen, "rules: word too long (allowed: " RULES_ALLOWED ")");
            return -1;
        }
        memcpy(word, s, n);
        word[n] = '\0';
        s += n;
        if (apply_word(p, word, err, errlen) != 0) {
            return -1;
        }
    }
}

void xcr0_vendor_rules_format(const struct xcr0_profile *p, char *buf, size_t len)
{
    const struct xcr0_vendor_rules *r = &p->rules;
    bool by_value = r->xinuse == XCR0_XINUSE_BY_VALUE;
    bool if_es = r->x87_pointers == XCR0_X87_POINTERS_IF_ES;
    char fip[16], fdp[16], fcw[32], mxcsr[32];

    snprintf(fip, sizeof(fip), "fip-bits=%u", r->fip_bits);
    snprintf(fdp, sizeof(fdp), "fdp-bits=%u", r->fdp_bits);
    snprintf(fcw, sizeof(fcw), "fcw=0x%04x/0x%04x", r->fcw_keep, r->fcw_set);
    snprintf(mxcsr, sizeof(mxcsr), "mxcsr-mask=0x%x", p->mxcsr_mask);
    snprintf(buf, len,
             "%-24s %s\n"
             "%-24s %s\n%-24s %s\n%-24s %s\n%-24s %s\n%-24s %s\n%-24s %s\n"
             "%-24s %s\n%-24s %s\n%-24s %s\n",
             "rules", p->rules_name,
             by_value ? "xinuse=value" : "xinuse=write",
             by_value ? "per register; zeroing idioms and zero values loaded stay initial"
                      : "a component is in use once written",
             if_es ? "x87-pointers=if-es" : "x87-pointers=always",
             if_es ? "FOP/FIP/FDP saved only while FSW.ES = 1" : "FOP/FIP/FDP always saved",
             fip, "FIP as restored: bits kept, the top one sign-extended",
             fdp, "FDP as restored, likewise",
             fcw, "FCW as loaded: (value & KEEP) | SET",
             mxcsr, "MXCSR bits LDMXCSR, FXRSTOR and XRSTOR accept",
             r->xsaves_gp ? "xsaves=gp" : "xsaves=cpuid",
             r->xsaves_gp ? "XSAVES/XRSTORS #GP at CPL 3 even where CPUID hides them"
                          : "XSAVES/XRSTORS #UD where CPUID lacks them",
             r->xsaveopt_modified ? "xsaveopt-modified=yes" : "xsaveopt-modified=no",
             "XSAVEOPT skips what is unchanged since XRSTOR from that address",
             r->fop_every_insn ? "fop=insn" : "fop=exception",
             r->fop_every_insn ? "every non-control x87 instruction sets FOP"
                               : "FOP set only by an unmasked exception (not tracked)");
}
