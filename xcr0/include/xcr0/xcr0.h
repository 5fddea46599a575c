/*
 * libxcr0 — a model of the x86 XCR0 register and the XSAVE state components.
 *
 * One table (xcr0/lib/components.c) describes every state component; everything else —
 * legality of an XCR0 value, layouts, CPUID leaf 0xD, the emulator's XSAVE helpers, signal
 * frames and the xcr0 command — is computed from it.
 *
 * Sources: Intel SDM vol. 1 ch. 13 "Managing state using the XSAVE feature set" (13.2 enumeration,
 * 13.3 enabling, 13.4 the XSAVE area), vol. 2 XSETBV; Linux arch/x86/kernel/fpu/xstate.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef XCR0_XCR0_H
#define XCR0_XCR0_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* State component numbers (SDM 13.1; bit N of XCR0 / IA32_XSS / XSTATE_BV). */
enum xcr0_component_nr {
    XCR0_X87 = 0,
    XCR0_SSE = 1,
    XCR0_YMM = 2,
    XCR0_BNDREGS = 3,
    XCR0_BNDCSR = 4,
    XCR0_OPMASK = 5,
    XCR0_ZMM_HI256 = 6,
    XCR0_HI16_ZMM = 7,
    XCR0_PT = 8,
    XCR0_PKRU = 9,
    XCR0_PASID = 10,
    XCR0_CET_U = 11,
    XCR0_CET_S = 12,
    XCR0_HDC = 13,
    XCR0_UINTR = 14,
    XCR0_LBR = 15,
    XCR0_HWP = 16,
    XCR0_TILECFG = 17,
    XCR0_TILEDATA = 18,
    XCR0_APX = 19,
    XCR0_LWP = 62,
};

#define XCR0_BIT(nr) (UINT64_C(1) << (nr))
#define XCR0_MASK_AVX512 (XCR0_BIT(XCR0_OPMASK) | XCR0_BIT(XCR0_ZMM_HI256) | \
                          XCR0_BIT(XCR0_HI16_ZMM))
#define XCR0_MASK_MPX (XCR0_BIT(XCR0_BNDREGS) | XCR0_BIT(XCR0_BNDCSR))
#define XCR0_MASK_AMX (XCR0_BIT(XCR0_TILECFG) | XCR0_BIT(XCR0_TILEDATA))
#define XCR0_MASK_LEGACY (XCR0_BIT(XCR0_X87) | XCR0_BIT(XCR0_SSE))

/* The legacy region (FXSAVE image) and the XSAVE header (SDM 13.4.1, 13.4.2). */
#define XCR0_LEGACY_SIZE 512u
#define XCR0_HEADER_SIZE 64u
#define XCR0_EXTENDED_START (XCR0_LEGACY_SIZE + XCR0_HEADER_SIZE) /* 576 */

/*
 * The largest XSAVE area (standard or compacted, legacy region and header included) a profile
 * may describe, and so the largest offset or size of any one component. CPUID reports sizes in
 * 32-bit registers and the SDM sets no smaller bound, but every real CPU stays below 12 KiB
 * (Sapphire Rapids with AMX: 0x2b00). 16 MiB leaves room for made-up profiles far beyond that
 * while every sum of sizes and offsets fits in 32 bits with room to spare, and an image of that
 * size still fits in memory. (The emulator addresses at most 0xffff bytes and refuses larger
 * profiles itself, target/i386/xcr0-cpu.c.) Profiles beyond the limit are refused.
 */
#define XCR0_AREA_MAX (UINT32_C(1) << 24)

/* Which built-in layout profile a table offset belongs to. */
enum xcr0_builtin_profile {
    XCR0_PROFILE_INTEL,
    XCR0_PROFILE_AMD,
    XCR0_PROFILE_BUILTIN_COUNT
};

/* How to tell from a component's bytes whether it is in its initial configuration. */
enum xcr0_init_rule {
    XCR0_INIT_ZERO,  /* all bytes zero (SDM 13.6) */
    XCR0_INIT_X87,   /* FCW 0x37F, FSW 0, FTW all empty, FOP/FIP/FDP 0, ST0-7 zero */
    XCR0_INIT_SSE,   /* XMM0-15 zero (MXCSR: see xcr0_component_is_init()) */
};

struct xcr0_component {
    unsigned nr;
    const char *name;        /* command-line name: "x87", "sse", "avx", ... */
    const char *description; /* as Linux's boot log names it */
    uint32_t size;           /* CPUID.(0xD,nr).EAX */
    bool supervisor;         /* IA32_XSS component (CPUID.(0xD,nr).ECX[0]) */
    bool xfd;                /* may be armed by extended feature disable (ECX[2]) */
    enum xcr0_init_rule init_rule;
    /* Standard-format offset (CPUID.(0xD,nr).EBX) and compacted 64-byte alignment (ECX[1]) in each
     * built-in profile; offset 0 means the profile does not have the component. */
    uint32_t offset[XCR0_PROFILE_BUILTIN_COUNT];
    bool align64[XCR0_PROFILE_BUILTIN_COUNT];
    /* XSETBV's rules (SDM vol. 2B XSETBV): the all-or-none group the component belongs to
     * ("mpx", "avx512", "amx"; NULL: none), and the component it needs enabled (-1: none). */
    const char *group;
    int requires;
};

/* The component with number nr, or NULL if nr names no defined component. */
const struct xcr0_component *xcr0_component(unsigned nr);
/* The component called name (case-insensitive; '-' equals '_'), or NULL. */
const struct xcr0_component *xcr0_component_by_name(const char *name);
/* Every bit that names a defined component. */
uint64_t xcr0_defined_mask(void);
/* Every defined supervisor (IA32_XSS) component. */
uint64_t xcr0_supervisor_mask(void);
/* Every component extended feature disable may arm (the table's xfd column): the ones Linux
 * allocates on first use, after ARCH_REQ_XCOMP_PERM (XFEATURE_MASK_USER_DYNAMIC). */
uint64_t xcr0_xfd_mask(void);

/*
 * Parse a mask as written by a user: a number ("0xe7", "231") or a list of component names and
 * groups ("x87,sse,avx", "avx512" = opmask,zmm_hi256,hi16_zmm, "mpx", "amx"), or "host" (this
 * machine's XCR0; x86 hosts only). Returns 0, or -1 with a one-line reason in err.
 */
int xcr0_parse_mask(const char *text, uint64_t *mask, char *err, size_t errlen);

/* Write "x87|sse|avx" for a mask ("none" for 0, "bit40" for undefined bits). */
void xcr0_format_names(uint64_t mask, char *buf, size_t len);

/*
 * The rules an XCR0 value must obey (SDM vol. 2 XSETBV, 13.3). The group and requirement rules
 * come from the component table's columns; the names of the old specific rules stay as aliases.
 */
enum xcr0_rule {
    XCR0_RULE_OK = 0,
    XCR0_RULE_X87_REQUIRED,      /* bit 0 must be 1 */
    XCR0_RULE_REQUIRES,          /* a component without the one it requires (table) */
    XCR0_RULE_GROUP,             /* part of an all-or-none group (table) */
    XCR0_RULE_UNDEFINED_BIT,     /* a bit that names no state component */
    XCR0_RULE_SUPERVISOR_BIT,    /* an IA32_XSS component, never an XCR0 bit */
    XCR0_RULE_UNSUPPORTED,       /* a bit the CPU does not enumerate in CPUID.(0xD,0) */
    XCR0_RULE_YMM_NEEDS_SSE = XCR0_RULE_REQUIRES,      /* bit 2 requires bit 1 */
    XCR0_RULE_AVX512_NEEDS_YMM = XCR0_RULE_REQUIRES,   /* bits 5-7 require bit 2 */
    XCR0_RULE_MPX_PAIR = XCR0_RULE_GROUP,              /* bits 3 and 4 together */
    XCR0_RULE_AVX512_ALL = XCR0_RULE_GROUP,            /* bits 5, 6, 7 all or none */
    XCR0_RULE_AMX_PAIR = XCR0_RULE_GROUP,              /* bits 17 and 18 together */
};

/* The members of an all-or-none group of the table ("avx512"), or 0. */
uint64_t xcr0_group_mask(const char *group);
/* "mpx = bndregs,bndcsr; avx512 = ...; amx = ..." from the table, for help texts. */
void xcr0_format_groups(char *buf, size_t len);

/* Check xcr0 against the rules and a CPU's supported mask (CPUID.(0xD,0) EDX:EAX). */
enum xcr0_rule xcr0_check(uint64_t xcr0, uint64_t supported);
/* One line explaining why xcr0 breaks rule (names the bits). */
void xcr0_rule_explain(enum xcr0_rule rule, uint64_t xcr0, uint64_t supported,
                       char *buf, size_t len);

/* This host's XCR0 via XGETBV. Returns 0, or -1 with a reason (not x86, no OSXSAVE). */
int xcr0_host_xcr0(uint64_t *xcr0, char *err, size_t errlen);

/* ---------------------------------------------------------------------------------------------
 * Init state (SDM vol. 1 13.6 "Processor tracking of XSAVE-managed state").
 *
 * For x87 and SSE, data is the 512-byte legacy region (FXSAVE image); for every other component
 * it is the component's own bytes. Returns true if the bytes are the component's initial
 * configuration: x87 FCW 0x37F, FSW 0, abridged FTW 0 (all empty), FOP/FIP/FDP 0, ST0-7 zero;
 * SSE XMM0-15 zero and MXCSR 0x1F80; everything else all zero. len must be at least 512 (x87,
 * SSE) or the component's size; a shorter buffer is "not init".
 */
bool xcr0_component_is_init(unsigned nr, const void *data, size_t len);

/* MXCSR's value in the initial configuration (SDM vol. 1 10.2.3.1). */
#define XCR0_MXCSR_INIT 0x1f80u
/* Byte offsets in the legacy region and the header (SDM 13.4.1, 13.4.2). */
#define XCR0_MXCSR_OFFSET 24u
#define XCR0_MXCSR_MASK_OFFSET 28u
#define XCR0_XSTATE_BV_OFFSET 512u
#define XCR0_XCOMP_BV_OFFSET 520u
#define XCR0_XCOMP_BV_COMPACTED (UINT64_C(1) << 63)

/* ---------------------------------------------------------------------------------------------
 * Profiles: what one CPU (with one operating system) reports in CPUID leaf 0xD.
 * A profile is a plain value: built in (xcr0_profile_builtin), parsed from a CPUID dump in the
 * tests/data/cpuid text format (xcr0_profile_parse), or read from this host (xcr0_profile_host).
 */
#define XCR0_NAME_MAX 128

struct xcr0_profile;

/*
 * Vendor rules: what the silicon does where the SDM leaves room or the vendors differ, measured
 * on each vendor's parts (README "Vendors"; AMD: family 0x1a model 2; Intel: the AVX-512 hosts
 * this project was first developed on). A profile carries one set, chosen by its vendor; a
 * CPUID dump may name another set or change single rules with a "# rules:" line.
 */
enum xcr0_xinuse_rule {
    /* Intel: a component is in use once an instruction writes it, whatever the value; XRSTOR
     * puts a component it loads in use; LDMXCSR puts SSE in use; only XRSTOR's init,
     * VZEROUPPER and VZEROALL clear. */
    XCR0_XINUSE_BY_WRITE,
    /* AMD: tracked per register and judged by value where a value is loaded: zeroing idioms,
     * VEX.128/256 writes (for the parts above them) and XRSTOR/FXRSTOR of zero leave a part
     * initial; MXCSR counts by value; x87 by value plus a hidden flag that register loads set
     * and FNINIT, FNCLEX, FLDENV, FRSTOR, FXRSTOR and XRSTOR clear. */
    XCR0_XINUSE_BY_VALUE,
};

enum xcr0_x87_pointer_rule {
    XCR0_X87_POINTERS_ALWAYS,   /* Intel: FXSAVE and XSAVE* store FOP, FIP and FDP */
    XCR0_X87_POINTERS_IF_ES,    /* AMD: only while FSW.ES = 1; zeros otherwise */
};

struct xcr0_vendor_rules {
    enum xcr0_xinuse_rule xinuse;
    enum xcr0_x87_pointer_rule x87_pointers;
    uint8_t fip_bits;       /* FIP as XRSTOR/FXRSTOR64 load it: low bits kept, the top one
                             * sign-extended (Intel 48, AMD 57) */
    uint8_t fdp_bits;       /* FDP likewise (Intel 64, AMD 57) */
    uint16_t fcw_keep;      /* FCW as loaded: (value & fcw_keep) | fcw_set */
    uint16_t fcw_set;
    bool xsaves_gp;         /* XSAVES/XRSTORS raise #GP at CPL 3 even where CPUID hides
                             * them (a hypervisor's CPUID; the silicon has them) */
    bool xsaveopt_modified; /* XSAVEOPT's modified optimisation (SDM 13.9) */
    bool fop_every_insn;    /* every non-control x87 instruction sets FOP (AMD); Intel sets
                             * it only for an unmasked exception (SDM 8.1.8), not tracked */
    uint32_t misalign_mxcsr_bits; /* MXCSR bits a CPU with MisAlignSse (CPUID 0x80000001
                                   * ECX[7]) adds to MXCSR_MASK: AMD bit 17 (MM) */
};

#define XCR0_RULES_NAME_MAX 16

/* The named rule sets ("intel", "amd"); -1 for another name. */
int xcr0_vendor_rules_named(const char *name, struct xcr0_vendor_rules *r);
/* The rule set of a CPUID.0 vendor string; unknown vendors get Intel's (upstream QEMU's
 * behaviour). Writes the set's name to name. */
void xcr0_vendor_rules_for(const char *vendor, struct xcr0_vendor_rules *r,
                           char name[XCR0_RULES_NAME_MAX]);
/*
 * Apply a "# rules:" line's text to p: an optional set name first ("intel", "amd"), then
 * key=value changes (xinuse=write|value, x87-pointers=always|if-es, fip-bits=N, fdp-bits=N,
 * fcw=KEEP/SET, xsaves=gp|cpuid, xsaveopt-modified=yes|no, fop=insn|exception,
 * mxcsr-mask=MASK). Returns 0, or -1
 * with one line naming the bad word and what is allowed.
 */
int xcr0_vendor_rules_apply(struct xcr0_profile *p, const char *text, char *err, size_t errlen);
/* MXCSR_MASK under rules r: 0xffff, plus the misaligned-SSE bits where misalign_sse. */
uint32_t xcr0_vendor_mxcsr_mask(const struct xcr0_vendor_rules *r, bool misalign_sse);
/* One "key=value" line per rule, as the "# rules:" syntax writes them. */
void xcr0_vendor_rules_format(const struct xcr0_profile *p, char *buf, size_t len);

struct xcr0_profile_component {
    uint32_t size;     /* CPUID.(0xD,i).EAX; 0: the profile has no component i */
    uint32_t offset;   /* CPUID.(0xD,i).EBX: standard-format offset (0 for supervisor) */
    bool supervisor;   /* ECX[0] */
    bool align64;      /* ECX[1]: 64-byte aligned in the compacted format */
    bool xfd;          /* ECX[2] */
};

struct xcr0_profile {
    char name[XCR0_NAME_MAX];
    char vendor[13];            /* CPUID.0 vendor string, "" if unknown */
    uint64_t supported;         /* CPUID.(0xD,0) EDX:EAX: XCR0 bits the CPU supports */
    uint64_t xss_supported;     /* CPUID.(0xD,1) EDX:ECX: IA32_XSS bits the CPU supports */
    uint64_t xss;               /* IA32_XSS as the OS enabled it (see xcr0_profile_parse) */
    uint64_t xcr0;              /* XCR0 the profile was recorded with (built-ins: all user bits) */
    uint32_t xsave_features;    /* CPUID.(0xD,1).EAX: XSAVEOPT, XSAVEC, XGETBV1, XSAVES, XFD */
    uint32_t mxcsr_mask;        /* MXCSR bits LDMXCSR, FXRSTOR and XRSTOR accept (FXSAVE's
                                 * MXCSR_MASK): 0xffff, AMD 0x2ffff with MisAlignSse */
    char rules_name[XCR0_RULES_NAME_MAX]; /* "intel", "amd", or "custom" after "# rules:" */
    bool misalign_sse;          /* CPUID 0x80000001 ECX[7]; assumed where the dump lacks it */
    struct xcr0_vendor_rules rules;
    bool xss_ambiguous;         /* more than one IA32_XSS explains 0xD.1 EBX; the smallest won */
    struct xcr0_profile_component comp[64];
    /* Sub-leaves of leaf 0xD >= 2 that describe a component 0xD.0 EDX:EAX and 0xD.1 EDX:ECX
     * do not enumerate (seen on a Centaur part): ignored, as software reading CPUID ignores
     * them; the dump line of the first one (0 for the host). See xcr0_profile_note(). */
    uint64_t ignored_subleaves;
    unsigned ignored_line;
};

/* CPUID.(0xD,1).EAX bits (SDM vol. 2A CPUID, leaf 0DH sub-leaf 1). */
#define XCR0_FEATURE_XSAVEOPT 0x1u
#define XCR0_FEATURE_XSAVEC 0x2u
#define XCR0_FEATURE_XGETBV1 0x4u
#define XCR0_FEATURE_XSAVES 0x8u
#define XCR0_FEATURE_XFD 0x10u

/* Fill p with the built-in profile "intel" or "amd". Returns 0, or -1 for an unknown name. */
int xcr0_profile_builtin(const char *name, struct xcr0_profile *p);

/*
 * Parse a CPUID dump (tests/data/cpuid format: '#' comments; rows of 6 eight-digit hex words: leaf,
 * sub-leaf, EAX, EBX, ECX, EDX). Leaf 0xD sub-leaves the dump omits are zero. IA32_XSS and the
 * recorded XCR0 are derived: XCR0 is the largest legal subset of the supported mask whose
 * standard size is the recorded 0xD.0 EBX, IA32_XSS the subset of the supported IA32_XSS bits
 * whose compacted size with it is the recorded 0xD.1 EBX. Returns 0, or -1 with
 * "line N: reason" in err for a malformed or inconsistent dump, one that enumerates a bit the
 * component table does not define (or bit 63), or one with an XSAVE area beyond XCR0_AREA_MAX.
 * Sub-leaves for components 0xD.0 and 0xD.1 do not enumerate are ignored and recorded in
 * ignored_subleaves (xcr0_profile_note).
 */
int xcr0_profile_parse(const char *text, size_t len, const char *name, struct xcr0_profile *p,
                       char *err, size_t errlen);
/*
 * What the profile's source said that the profile leaves out, as one line without a newline
 * ("line N: leaf 0xd sub-leaves 0x3, 0x4 describe components that 0xd.0 EDX:EAX and 0xd.1
 * EDX:ECX do not enumerate; ignored"), or "" if nothing. Returns true if there is a note.
 * Callers show it as a note, not an error (the xcr0 command: "xcr0: note: ..." on stderr).
 */
bool xcr0_profile_note(const struct xcr0_profile *p, char *buf, size_t len);
/* xcr0_profile_parse on a file's contents. */
int xcr0_profile_load(const char *path, struct xcr0_profile *p, char *err, size_t errlen);
/* This host's profile via CPUID and XGETBV (x86 only; -1 with a reason elsewhere). */
int xcr0_profile_host(struct xcr0_profile *p, char *err, size_t errlen);
/* "intel", "amd", "host", or the path of a dump file. */
int xcr0_profile_open(const char *spec, struct xcr0_profile *p, char *err, size_t errlen);

/* xcr0_check against the profile's supported mask. */
enum xcr0_rule xcr0_check_profile(const struct xcr0_profile *p, uint64_t xcr0);

/* ---------------------------------------------------------------------------------------------
 * Layouts (SDM 13.4.3 standard format, 13.4.3 compacted format).
 */
struct xcr0_layout_entry {
    unsigned nr;
    uint32_t offset;
    uint32_t size;
    bool align64;       /* compacted format: placed on a 64-byte boundary */
};

struct xcr0_layout {
    uint64_t mask;      /* XCR0 (standard) or XCOMP_BV without bit 63 (compacted) */
    bool compacted;
    uint32_t size;      /* total bytes, legacy region and header included */
    unsigned count;
    struct xcr0_layout_entry entry[64]; /* in increasing offset order; x87 and SSE first */
};

/*
 * Standard-format layout of xcr0 on profile p: every component at its CPUID offset; size is the
 * end of the last one (at least 576). Returns 0, or -1 with a reason if mask names a component
 * the profile does not have or a supervisor component, or if the area would be larger than
 * XCR0_AREA_MAX (a profile filled in by hand; parsed profiles never are).
 */
int xcr0_layout_standard(const struct xcr0_profile *p, uint64_t xcr0, struct xcr0_layout *l,
                         char *err, size_t errlen);
/*
 * Compacted-format layout of xcomp_bv (bit 63 ignored; supervisor components allowed): the
 * components of bits 2..62 packed in bit order from byte 576, each on a 64-byte boundary if the
 * profile says align64 (SDM 13.4.3). Larger than XCR0_AREA_MAX: -1, as above.
 */
int xcr0_layout_compacted(const struct xcr0_profile *p, uint64_t xcomp_bv, struct xcr0_layout *l,
                          char *err, size_t errlen);
/* Convenience: the sizes alone (0 if the mask names a component the profile lacks, or for an
 * area beyond XCR0_AREA_MAX). */
uint32_t xcr0_standard_size(const struct xcr0_profile *p, uint64_t xcr0);
uint32_t xcr0_compacted_size(const struct xcr0_profile *p, uint64_t xcomp_bv);

/* ---------------------------------------------------------------------------------------------
 * CPUID leaf 0xD as a user program on profile p with this XCR0 sees it (SDM vol. 2A CPUID).
 * Sub-leaf 0 EBX follows xcr0; sub-leaf 1 EBX is the compacted size of xcr0 | p->xss (0 without
 * XSAVEC); sub-leaves >= 2 describe every user and supervisor component the profile supports.
 */
struct xcr0_cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};
void xcr0_cpuid_leaf_d(const struct xcr0_profile *p, uint64_t xcr0, uint32_t subleaf,
                       struct xcr0_cpuid_regs *r);

/* ---------------------------------------------------------------------------------------------
 * XSAVE images.
 */
struct xcr0_image_component {
    unsigned nr;
    bool in_xstate_bv;  /* XSTATE_BV[nr]: the bytes hold the state; else the state is init */
    bool init;          /* the state is in its initial configuration (either way) */
    uint32_t offset;    /* where the bytes are (x87/SSE: the legacy region) */
    uint32_t size;
};

struct xcr0_image {
    bool compacted;     /* XCOMP_BV[63] */
    uint64_t xstate_bv, xcomp_bv;
    uint32_t mxcsr;
    uint32_t size;      /* bytes the image's layout occupies */
    unsigned count;
    /* Every component in XSTATE_BV (standard) or XCOMP_BV (compacted), plus x87 and SSE
     * (always in the legacy region), in bit order. */
    struct xcr0_image_component comp[64];
};

/*
 * Decode an image laid out for profile p. Standard format: XSTATE_BV's components at the
 * profile's offsets. Compacted: XCOMP_BV's components at their compacted offsets. Decoding does
 * not judge the header's reserved bytes (xcr0_image_validate does). Returns 0, or -1 with a
 * reason (too short, a component the profile lacks, XSTATE_BV outside XCOMP_BV).
 */
int xcr0_image_decode(const struct xcr0_profile *p, const void *buf, size_t len,
                      struct xcr0_image *img, char *err, size_t errlen);

/* Why XRSTOR raises #GP for an image (SDM vol. 1 13.8, vol. 2 XRSTOR "Protected Mode
 * Exceptions"); XCR0_IMAGE_TOO_SHORT is ours (the bytes end before the layout does). */
enum xcr0_image_fault {
    XCR0_IMAGE_OK = 0,
    XCR0_IMAGE_MISALIGNED,            /* address not 64-byte aligned */
    XCR0_IMAGE_TOO_SHORT,
    XCR0_IMAGE_XSTATE_BV_NOT_IN_XCR0, /* standard: XSTATE_BV has a bit XCR0 lacks */
    XCR0_IMAGE_HEADER_RESERVED,       /* standard: header bytes 8..23 (XCOMP_BV, reserved) */
    XCR0_IMAGE_NO_XSAVEC,             /* compacted image, CPU without XSAVEC */
    XCR0_IMAGE_XCOMP_BV_NOT_IN_XCR0,  /* compacted: XCOMP_BV bit 0..62 not in XCR0 */
    XCR0_IMAGE_XSTATE_BV_NOT_IN_XCOMP_BV, /* compacted: XSTATE_BV has a bit XCOMP_BV lacks */
    XCR0_IMAGE_COMPACTED_RESERVED,    /* compacted: header bytes 16..63 not zero */
    XCR0_IMAGE_MXCSR_RESERVED,        /* MXCSR would be loaded with a reserved bit set */
};

/*
 * Validate buf as XRSTOR with EDX:EAX = rfbm would on profile p with this xcr0 (the address
 * alignment of buf is checked too). Returns the first #GP reason, or XCR0_IMAGE_OK.
 */
enum xcr0_image_fault xcr0_image_validate(const struct xcr0_profile *p, uint64_t xcr0,
                                          uint64_t rfbm, const void *buf, size_t len);
/*
 * The architectural part of xcr0_image_validate (what an emulator needs for each XRSTOR): the
 * #GP conditions of the 64-byte header and of MXCSR, given the image's MXCSR (bytes 24..27).
 */
enum xcr0_image_fault xcr0_xrstor_fault(const struct xcr0_profile *p, uint64_t xcr0,
                                       uint64_t rfbm, const uint8_t header[XCR0_HEADER_SIZE],
                                       uint32_t mxcsr);
const char *xcr0_image_fault_str(enum xcr0_image_fault f);

/*
 * Convert an image laid out for profile from into one for profile to (standard, or compacted
 * if compacted). Components kept: the input's (XCOMP_BV, or for a standard image every component
 * of from->xcr0 that fits in the input, plus XSTATE_BV) that the target supports. A component
 * whose state is not init and which the target does not support is refused (-1), never dropped.
 * The legacy region is copied unchanged, except that MXCSR keeps its meaning across formats: a
 * compacted image without SSE in XSTATE_BV means MXCSR = 0x1F80 (written so in a standard
 * output), and a standard image's MXCSR, which XRSTOR always loads, makes SSE "in use" in a
 * compacted output if it is not 0x1F80. On success *outlen is the output size.
 */
int xcr0_image_convert(const struct xcr0_profile *from, const void *in, size_t inlen,
                       const struct xcr0_profile *to, bool compacted, void *out, size_t outcap,
                       size_t *outlen, char *err, size_t errlen);

/*
 * Compare two images component by component (each decoded with its own profile; components
 * not in XSTATE_BV compare as their init state). *differ gets a bit per component whose state
 * differs (MXCSR counts as SSE). Returns 0, or -1 with a reason if either image does not decode.
 */
int xcr0_image_compare(const struct xcr0_profile *pa, const void *a, size_t alen,
                       const struct xcr0_profile *pb, const void *b, size_t blen,
                       uint64_t *differ, char *err, size_t errlen);

/* ---------------------------------------------------------------------------------------------
 * Host (x86 only; -1 with a reason elsewhere).
 */
/* XGETBV(1) = XCR0 & XINUSE; needs CPUID.(0xD,1).EAX[2]. */
int xcr0_host_xinuse(uint64_t *xinuse, char *err, size_t errlen);
/* MXCSR_MASK as this CPU's FXSAVE stores it (0xffff if it stores 0, SDM 11.6.6). */
int xcr0_host_mxcsr_mask(uint32_t *mask, char *err, size_t errlen);
/* CPUID leaf/sub-leaf. */
int xcr0_host_cpuid(uint32_t leaf, uint32_t subleaf, struct xcr0_cpuid_regs *r, char *err,
                    size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
