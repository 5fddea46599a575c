# qemu-xcr0 — top-level Makefile. `make demo` and `make check` do everything on a fresh machine.
#
#   make               configure if needed, then build build/qemu-x86_64 and build/xcr0
#   make demo          build, then show a program observing different XCR0 values
#   make check         build, then run every test (tests/run)
#   make check-oracle  only the reference oracle: the real Linux kernel in a VM judges the emulator
#   make check-evex    the long EVEX differential run (1 000 000 instructions): native and recorded
#   make cross-aarch64 cross build for aarch64 Linux: build/aarch64/qemu-x86_64 and build/aarch64/xcr0
#   make check-aarch64 run the aarch64 build under qemu-aarch64 and compare it with the x86-64 build
#   make bench         benchmarks: native vs upstream vs ours (bench/run; not part of check)
#   make bench-callgrind  host instructions per XSAVE, signal, PLT call, MiB: ours vs upstream
#   make fuzz          libFuzzer targets of libxcr0 under ASan/UBSan, 60 s each (FUZZ_SECONDS)
#   make check-fuzz    those, and the guest sigreturn fuzzer against native (tests/fuzz/)
#   make check-sanitize  the emulator built with ASan+UBSan (build/sanitize): guest cases, fuzzers
#   make record-silicon  record this x86-64 machine's native outputs in tests/silicon/ (NAME=, FORCE=1)
#   make baseline      build unpatched upstream (same version and flags) in build/upstream/
#   make check-series  build upstream + patches 1..k for every k (is the series bisectable?)
#   make export-patches  turn the commits in build/qemu-src back into patches/
#   make install       install qemu-x86_64-xcr0 and xcr0 under $(DESTDIR)$(PREFIX)
#   make clean / distclean

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
NINJA ?= ninja
B := build

.PHONY: all demo check check-oracle fuzz bench bench-callgrind baseline install clean distclean \
        export-patches reset-tree tree cross-aarch64 check-aarch64 check-series record-silicon \
        check-fuzz check-sanitize check-evex

all: $(B)/qemu-x86_64 $(B)/xcr0

# ./configure runs once; it writes build/config.mk. Re-run it by hand to change options.
$(B)/config.mk: configure scripts/lib.sh
	./configure $(CONFIGURE_ARGS)
	@touch $@

# Re-apply the series when patches/ changed, and link new files of ours into the tree.
tree: $(B)/config.mk
	@scripts/tree series
	@scripts/tree overlay

# ninja decides what is stale; these rules always ask it.
$(B)/qemu-x86_64: tree FORCE
	@$(NINJA) -C $(B)/qemu-build qemu-x86_64
	@ln -sfn qemu-build/qemu-x86_64 $@

$(B)/xcr0: $(B)/config.mk FORCE
	@$(NINJA) -C $(B)/xcr0-build
	@ln -sfn xcr0-build/xcr0/xcr0 $@

demo: all
	@tests/demo

check: all
	@tests/run

check-oracle: all
	@tests/run 'oracle/*'

check-evex: all
	@TESTS_LONG=1 tests/run 'evex-diff/*' 'silicon/*/evex-diff/*'

# The aarch64 build shares build/qemu-src (patches and our files) with the native one.
cross-aarch64: tree
	@scripts/cross-aarch64

check-aarch64: all cross-aarch64
	@scripts/cross-aarch64 runner
	@tests/check-aarch64

fuzz:
	tests/fuzz/run-fuzz.sh

check-fuzz: all
	tests/fuzz/run-fuzz.sh
	tests/fuzz/guest-fuzz.sh

check-sanitize: all
	scripts/sanitize build
	scripts/sanitize run

# Needs no emulator: builds the guest programs and runs them natively (scripts/record-silicon).
record-silicon:
	@scripts/record-silicon $(if $(NAME),--name '$(NAME)') $(if $(filter 1,$(FORCE)),--force)

bench: all
	bench/run $(BENCH_ARGS)

bench-callgrind: all
	bench/callgrind

baseline: $(B)/upstream/qemu-x86_64

$(B)/upstream/qemu-x86_64: $(B)/config.mk
	scripts/baseline

check-series: $(B)/config.mk
	scripts/check-series

export-patches:
	scripts/tree export

reset-tree: $(B)/config.mk
	scripts/tree reset

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(B)/qemu-build/qemu-x86_64 $(DESTDIR)$(BINDIR)/qemu-x86_64-xcr0
	meson configure -Dprefix=$(PREFIX) -Dbindir=$(BINDIR) $(B)/xcr0-build >/dev/null
	meson install --quiet -C $(B)/xcr0-build --destdir "$(DESTDIR)"

clean:
	-test -d $(B)/qemu-build && $(NINJA) -C $(B)/qemu-build clean >/dev/null
	-test -d $(B)/xcr0-build && $(NINJA) -C $(B)/xcr0-build clean >/dev/null
	-test -d $(B)/aarch64/qemu-build && $(NINJA) -C $(B)/aarch64/qemu-build clean >/dev/null
	-test -d $(B)/aarch64/xcr0-build && $(NINJA) -C $(B)/aarch64/xcr0-build clean >/dev/null
	rm -rf $(B)/tests $(B)/qemu-x86_64 $(B)/xcr0

distclean:
	rm -rf $(B)

FORCE:
