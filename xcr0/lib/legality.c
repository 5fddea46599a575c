/*
 * Legality of an XCR0 value: the conditions under which XSETBV raises #GP(0)
 * (Intel SDM vol. 2B "XSETBV", vol. 1 13.3; the same list as KVM's __kvm_set_xcr()).
 * The group ("all or none") and requirement rules are columns of the component table
 * (components.c); this file only walks them, and words the explanation from them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "xcr0/xcr0.h"

/*
 * The first component of xcr0, in bit order, that breaks a table rule: its group is not
 * complete, or the component it requires is off. Returns the rule, and the component in *nr.
 */
static enum xcr0_rule first_table_rule(uint64_t xcr0, unsigned *nr)
{
    for (uint64_t rest = xcr0; rest; rest &= rest - 1) {
        unsigned i = (unsigned)__builtin_ctzll(rest);
        const struct xcr0_component *c = xcr0_component(i);
        uint64_t group;

        if (c == NULL) {
            continue;
        }
        group = xcr0_group_mask(c->group);
        *nr = i;
        if ((xcr0 & group) != group) {
            return XCR0_RULE_GROUP;
        }
        if (c->requires >= 0 && !(xcr0 & XCR0_BIT(c->requires))) {
            return XCR0_RULE_REQUIRES;
        }
    }
    return XCR0_RULE_OK;
}

enum xcr0_rule xcr0_check(uint64_t xcr0, uint64_t supported)
{
    enum xcr0_rule rule;
    unsigned nr;

    if (xcr0 & ~xcr0_defined_mask()) {
        return XCR0_RULE_UNDEFINED_BIT;
    }
    if (xcr0 & xcr0_supervisor_mask()) {
        return XCR0_RULE_SUPERVISOR_BIT;
    }
    if (!(xcr0 & XCR0_BIT(XCR0_X87))) {
        return XCR0_RULE_X87_REQUIRED;
    }
    rule = first_table_rule(xcr0, &nr);
    if (rule != XCR0_RULE_OK) {
        return rule;
    }
    if (xcr0 & ~supported) {
        return XCR0_RULE_UNSUPPORTED;
    }
    return XCR0_RULE_OK;
}

/*
 * "avx (bit 2)", "bndregs (bit 3) and bndcsr (bit 4)", "opmask, zmm_hi256 and hi16_zmm
 * (bits 5-7)": the components of mask, as the explanations name them.
 */
static void describe_members(uint64_t mask, char *buf, size_t len)
{
    unsigned n = (unsigned)__builtin_popcountll(mask), k = 0;
    unsigned lo = (unsigned)__builtin_ctzll(mask), hi = 63 - (unsigned)__builtin_clzll(mask);
    size_t used = 0;

    buf[0] = '\0';
    for (uint64_t rest = mask; rest; rest &= rest - 1, k++) {
        unsigned i = (unsigned)__builtin_ctzll(rest);
        const char *sep = k == 0 ? "" : k + 1 == n ? " and " : ", ";

        if (n <= 2) {
            used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s (bit %u)",
                                     sep, xcr0_component(i)->name, i);
        } else {
            used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s", sep,
                                     xcr0_component(i)->name);
        }
    }
    if (n > 2) {
        snprintf(buf + used, used < len ? len - used : 0, " (bits %u-%u)", lo, hi);
    }
}

void xcr0_rule_explain(enum xcr0_rule rule, uint64_t xcr0, uint64_t supported,
                       char *buf, size_t len)
{
    char names[256], sup[256];
    unsigned nr = 0;

    switch (rule) {
    case XCR0_RULE_OK:
        snprintf(buf, len, "legal");
        break;
    case XCR0_RULE_X87_REQUIRED:
        snprintf(buf, len, "x87 (bit 0) must always be enabled");
        break;
    case XCR0_RULE_GROUP:
    case XCR0_RULE_REQUIRES: {
        const struct xcr0_component *c;
        uint64_t who;

        if (first_table_rule(xcr0, &nr) != rule || (c = xcr0_component(nr)) == NULL) {
            snprintf(buf, len, "XCR0 0x%llx breaks no such rule", (unsigned long long)xcr0);
            break;
        }
        who = c->group ? xcr0_group_mask(c->group) : XCR0_BIT(nr);
        describe_members(who, names, sizeof(names));
        if (rule == XCR0_RULE_GROUP) {
            snprintf(buf, len, "%s must be enabled together", names);
        } else {
            describe_members(XCR0_BIT(c->requires), sup, sizeof(sup));
            snprintf(buf, len, "%s %s %s", names, __builtin_popcountll(who) > 1 ? "require"
                                                                                : "requires",
                     sup);
        }
        break;
    }
    case XCR0_RULE_UNDEFINED_BIT:
        xcr0_format_names(xcr0 & ~xcr0_defined_mask(), names, sizeof(names));
        snprintf(buf, len, "%s: no state component is defined there", names);
        break;
    case XCR0_RULE_SUPERVISOR_BIT:
        xcr0_format_names(xcr0 & xcr0_supervisor_mask(), names, sizeof(names));
        snprintf(buf, len, "%s: supervisor state (IA32_XSS), never enabled in XCR0", names);
        break;
    case XCR0_RULE_UNSUPPORTED:
        xcr0_format_names(xcr0 & ~supported, names, sizeof(names));
        xcr0_format_names(supported, sup, sizeof(sup));
        snprintf(buf, len, "%s not supported by this CPU (supported: 0x%llx = %s)", names,
                 (unsigned long long)supported, sup);
        break;
    }
}
