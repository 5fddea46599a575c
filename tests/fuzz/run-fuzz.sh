#!/bin/sh
# Build the libFuzzer targets of libxcr0 with clang (ASan + UBSan) and run each for
# FUZZ_SECONDS (default 60). Not part of `make check`; `make fuzz` runs this.
#   FUZZ_SECONDS  seconds per target; 0 only replays the seeds once (a quick regression check)
#   FUZZ_BUILD    build/output directory (default: build/fuzz under the repository)
#   CLANG         the compiler (default: clang)
#   XCR0_CPUID_DIR  CPUID dumps, more seeds for fuzz-profile (default: <repo>/tests/data/cpuid)
# Seeds: the committed corpus tests/fuzz/corpus/<target>/ (every reproducer found so far; a new
# finding's crash file belongs there once fixed), plus the CPUID dumps for fuzz-profile. New
# inputs the fuzzer finds go to $FUZZ_BUILD/corpus-<target>, never into the repository.
# Exit status: 0 if every target built and ran clean, 1 on any finding (crash, sanitizer report,
# leak, timeout, out-of-memory) or build failure.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_BUILD:-$top/build/fuzz}
secs=${FUZZ_SECONDS:-60}
cc=${CLANG:-clang}
dumps=${XCR0_CPUID_DIR:-$top/tests/data/cpuid}

case $secs in
    ''|*[!0-9]*) echo "run-fuzz: FUZZ_SECONDS='$secs' is not a whole number of seconds" >&2; exit 1 ;;
esac
command -v "$cc" >/dev/null 2>&1 || { echo "run-fuzz: $cc not found (install clang)" >&2; exit 1; }
mkdir -p "$out" || exit 1
flags="-std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 -fno-omit-frame-pointer -Wall -Wextra -Werror -I$top/xcr0/include"
libsrc=$(ls "$top"/xcr0/lib/*.c)

status=0
for t in profile image; do
    # shellcheck disable=SC2086
    if ! "$cc" $flags -o "$out/fuzz-$t" "$top/tests/fuzz/fuzz-$t.c" $libsrc; then
        echo "run-fuzz: fuzz-$t does not build" >&2
        status=1
        continue
    fi
    work="$out/corpus-$t"
    mkdir -p "$work"
    seeds="$top/tests/fuzz/corpus/$t"
    if [ "$t" = profile ] && [ -d "$dumps" ]; then
        seeds="$seeds $dumps"
    fi
    if [ "$secs" = 0 ]; then
        echo "run-fuzz: fuzz-$t replays its seeds"
        # -runs=0: execute every seed once, then stop.
        set -- -runs=0
    else
        echo "run-fuzz: fuzz-$t for ${secs}s"
        set -- -max_total_time="$secs"
    fi
    # The first directory receives new inputs; the seed directories are only read.
    # shellcheck disable=SC2086
    if ! "$out/fuzz-$t" "$@" -max_len=20000 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
            -artifact_prefix="$out/crash-$t-" "$work" $seeds >"$out/fuzz-$t.log" 2>&1; then
        echo "run-fuzz: fuzz-$t FAILED; see $out/fuzz-$t.log and $out/crash-$t-*" >&2
        tail -n 30 "$out/fuzz-$t.log" >&2
        status=1
    else
        grep -E '^stat::number_of_executed_units' "$out/fuzz-$t.log" | tail -n 1 || true
        echo "run-fuzz: fuzz-$t clean"
    fi
done
exit $status
