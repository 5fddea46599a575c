/*
 * Acceptance: for every real CPU dump in tests/data/cpuid that has raw leaf 0xD rows,
 * `xcr0 cpuid --profile FILE` reproduces the dump. The expectations are the dump's own rows
 * (read by the test's parser), with the one rule the SDM gives for sub-leaf 0 EBX: with every
 * supported component enabled it equals ECX (vol. 2A CPUID 0DH). A new dump added to the folder
 * is tested without code changes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <sys/wait.h>

#include "xcr0/xcr0.h"
#include "unit.h"
#include "dumps.h"

static char tool_out[65536];

static void check_dump(const char *dir, const char *file)
{
    char path[1024], args[1200], *line, *save = NULL;
    struct dump d;
    struct dump_row gen[64];
    bool have[64] = { false };
    const struct dump_row *r0, *r1;
    int st;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    dump_read(path, &d);
    r0 = dump_find(&d, 0xd, 0);
    r1 = dump_find(&d, 0xd, 1);
    snprintf(args, sizeof(args), "cpuid --profile '%s'", path);
    st = run_tool(args, tool_out, sizeof(tool_out));
    EXPECT(st == 0, "xcr0 %s exited %d: %s", args, st, tool_out);
    if (st != 0) {
        return;
    }
    for (line = strtok_r(tool_out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        struct dump_row g;
        /* Rows for components sub-leaves 0 and 1 do not enumerate are ignored, with a note. */
        if (strncmp(line, "xcr0: note: ", 12) == 0) {
            continue;
        }
        if (sscanf(line, "%8x %8x %8x %8x %8x %8x", &g.leaf, &g.sub, &g.eax, &g.ebx, &g.ecx,
                   &g.edx) != 6 || g.leaf != 0xd || g.sub >= 64 || strlen(line) != 53) {
            unit_fail("bad output row '%s'", line);
            return;
        }
        EXPECT(!have[g.sub], "sub-leaf %u printed twice", g.sub);
        gen[g.sub] = g;
        have[g.sub] = true;
    }
    EXPECT(have[0] && have[1], "sub-leaves 0 and 1 missing");
    if (!have[0] || !have[1]) {
        return;
    }
    EXPECT(gen[0].eax == r0->eax && gen[0].ecx == r0->ecx && gen[0].edx == r0->edx,
           "%s: sub-leaf 0 eax/ecx/edx %08x %08x %08x, dump %08x %08x %08x", file, gen[0].eax,
           gen[0].ecx, gen[0].edx, r0->eax, r0->ecx, r0->edx);
    EXPECT(gen[0].ebx == gen[0].ecx, "%s: all supported enabled, sub-leaf 0 EBX %08x != ECX %08x",
           file, gen[0].ebx, gen[0].ecx);
    EXPECT(r1 == NULL || gen[1].eax == r1->eax, "%s: sub-leaf 1 EAX %08x, dump %08x", file,
           gen[1].eax, r1 ? r1->eax : 0);
    /* Every enumerated user-component row (ECX[0] = 0) the dump has, and the same rows
     * printed. (Enumerated: by 0xD.0 EDX:EAX or 0xD.1 EDX:ECX, SDM vol. 2A CPUID 0DH.) */
    for (uint32_t sub = 2; sub < 64; sub++) {
        const struct dump_row *r = dump_find(&d, 0xd, sub);
        uint64_t enumerated = ((uint64_t)r0->edx << 32 | r0->eax) |
                              (r1 ? ((uint64_t)r1->edx << 32 | r1->ecx) : 0);
        bool dump_user = r && (r->eax || r->ebx || r->ecx || r->edx) && !(r->ecx & 1) &&
                         (enumerated & XCR0_BIT(sub));

        if (dump_user) {
            EXPECT(have[sub], "%s: sub-leaf 0x%x (a user component) not printed", file, sub);
            EXPECT(!have[sub] || (gen[sub].eax == r->eax && gen[sub].ebx == r->ebx &&
                                  gen[sub].ecx == r->ecx && gen[sub].edx == r->edx),
                   "%s: sub-leaf 0x%x %08x %08x %08x %08x, dump %08x %08x %08x %08x", file, sub,
                   gen[sub].eax, gen[sub].ebx, gen[sub].ecx, gen[sub].edx, r->eax, r->ebx,
                   r->ecx, r->edx);
        } else if (have[sub] && !(gen[sub].ecx & 1)) {
            unit_fail("%s: printed user sub-leaf 0x%x the dump does not have", file, sub);
        }
    }
}

/*
 * The dump was taken with some XCR0 and IA32_XSS; the profile infers them from sub-leaves 0
 * and 1 EBX. With the inferred values, the generated EBX values must be the dump's.
 */
static void check_dump_time_state(const char *dir, const char *file)
{
    char path[1024], err[512];
    struct dump d;
    struct xcr0_profile p;
    struct xcr0_cpuid_regs r;
    const struct dump_row *r0, *r1;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    dump_read(path, &d);
    r0 = dump_find(&d, 0xd, 0);
    r1 = dump_find(&d, 0xd, 1);
    if (xcr0_profile_load(path, &p, err, sizeof(err)) != 0) {
        unit_fail("%s", err);
        return;
    }
    xcr0_cpuid_leaf_d(&p, p.xcr0, 0, &r);
    EXPECT(r.ebx == r0->ebx, "%s: at XCR0 0x%llx sub-leaf 0 EBX %08x, dump %08x", file,
           (unsigned long long)p.xcr0, r.ebx, r0->ebx);
    xcr0_cpuid_leaf_d(&p, p.xcr0, 1, &r);
    EXPECT(r1 == NULL || r.ebx == r1->ebx, "%s: at XCR0 0x%llx XSS 0x%llx sub-leaf 1 EBX %08x, "
           "dump %08x", file, (unsigned long long)p.xcr0, (unsigned long long)p.xss, r.ebx,
           r1 ? r1->ebx : 0);
}

int main(void)
{
    const char *dir = dump_dir();
    int n, tested = 0;
    char **files = dump_list(&n);
    char name[300];

    if (files == NULL) {
        unit_skip("cpuid-dumps", "no CPUID dump folder (set XCR0_CPUID_DIR)");
        return 0;
    }
    for (int i = 0; i < n; i++) {
        char path[1024];
        struct dump d;

        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        snprintf(name, sizeof(name), "cpuid-dumps/%.*s", (int)(strlen(files[i]) - 4), files[i]);
        dump_read(path, &d);
        if (dump_find(&d, 0xd, 0) == NULL) {
            unit_skip(name, "no raw leaf 0xd rows in this file");
            free(files[i]);
            continue;
        }
        unit_begin();
        check_dump(dir, files[i]);
        unit_end(name);
        snprintf(name, sizeof(name), "cpuid-dumps/%.*s/dump-time-xcr0-xss",
                 (int)(strlen(files[i]) - 4), files[i]);
        unit_begin();
        check_dump_time_state(dir, files[i]);
        unit_end(name);
        tested++;
        free(files[i]);
    }
    free(files);
    if (tested == 0) {
        unit_skip("cpuid-dumps", "the folder has no dump with leaf 0xd rows");
    }
    UNIT_EXIT();
}
