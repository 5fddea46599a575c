/*
 * Test helpers: find the CPUID dump folder and read a dump's rows with a parser of the tests'
 * own (so that the expectations do not come from libxcr0's parser), and run the xcr0 command.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TESTS_UNIT_DUMPS_H
#define TESTS_UNIT_DUMPS_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dump_row {
    uint32_t leaf, sub, eax, ebx, ecx, edx;
};

struct dump {
    struct dump_row row[256];
    int nrows;
    char comments[64][512];  /* '#' lines, for the boot log and the XCR0 note */
    int ncomments;
};

/* XCR0_CPUID_DIR, else <repo top>/tests/data/cpuid. */
static inline const char *dump_dir(void)
{
    const char *d = getenv("XCR0_CPUID_DIR");

    return d && *d ? d : XCR0_REPO_TOP "/tests/data/cpuid";
}

static inline int dump_read(const char *path, struct dump *d)
{
    FILE *f = fopen(path, "r");
    char line[500];

    memset(d, 0, sizeof(*d));
    if (f == NULL) {
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        struct dump_row r;

        if (line[0] == '#') {
            if (d->ncomments < 64) {
                snprintf(d->comments[d->ncomments++], sizeof(d->comments[0]), "%s", line);
            }
            continue;
        }
        if (sscanf(line, "%8x %8x %8x %8x %8x %8x", &r.leaf, &r.sub, &r.eax, &r.ebx, &r.ecx,
                   &r.edx) == 6 && d->nrows < 256) {
            d->row[d->nrows++] = r;
        }
    }
    fclose(f);
    return 0;
}

/* The row for (leaf, sub), or NULL if the dump has none. */
static inline const struct dump_row *dump_find(const struct dump *d, uint32_t leaf, uint32_t sub)
{
    for (int i = 0; i < d->nrows; i++) {
        if (d->row[i].leaf == leaf && d->row[i].sub == sub) {
            return &d->row[i];
        }
    }
    return NULL;
}

static int dump_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.txt files of the dump folder, sorted; NULL if the folder is absent. */
static inline char **dump_list(int *n)
{
    DIR *dir = opendir(dump_dir());
    struct dirent *e;
    char **names = NULL;
    int cap = 0;

    *n = 0;
    if (dir == NULL) {
        return NULL;
    }
    while ((e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0) {
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, sizeof(*names) * (size_t)cap);
        }
        names[(*n)++] = strdup(e->d_name);
    }
    closedir(dir);
    if (names == NULL) {
        names = calloc(1, sizeof(*names));
    }
    qsort(names, (size_t)*n, sizeof(*names), dump_name_cmp);
    return names;
}

/* Write len bytes to a new file /tmp/xcr0-test-XXXXXX (path gets its name). Returns 0 or -1. */
static inline int temp_file(char path[64], const void *data, size_t len)
{
    int fd;
    FILE *f;
    size_t n;

    snprintf(path, 64, "/tmp/xcr0-test-XXXXXX");
    fd = mkstemp(path);
    if (fd < 0) {
        return -1;
    }
    f = fdopen(fd, "wb");
    if (f == NULL) {
        return -1;
    }
    n = fwrite(data, 1, len, f);
    return fclose(f) == 0 && n == len ? 0 : -1;
}

/* Whether the tool's output is exactly one line starting with prefix. */
static inline int one_line(const char *out, const char *prefix)
{
    const char *nl = strchr(out, '\n');

    return strncmp(out, prefix, strlen(prefix)) == 0 && nl && nl[1] == '\0';
}

/* Run the xcr0 command; its stdout goes to out. Returns the exit status. */
static inline int run_tool(const char *args, char *out, size_t cap)
{
    char cmd[2048];
    FILE *p;
    size_t n;
    int st;

    snprintf(cmd, sizeof(cmd), "'%s' %s 2>&1", XCR0_TOOL, args);
    p = popen(cmd, "r");
    if (p == NULL) {
        return -1;
    }
    n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif
