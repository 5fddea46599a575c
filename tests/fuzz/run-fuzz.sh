#!/bin/sh
# Build the libFuzzer targets of libxcr0 with clang (ASan + UBSan) and run each for
# FUZZ_SECONDS (default 60). Not part of `make check`; `make fuzz` runs this.
#   FUZZ_BUILD   build/output directory (default: build/fuzz under the repository)
#   CLANG        the compiler (default: clang)
#   XCR0_CPUID_DIR  seed corpus of CPUID dumps (default: <repo>/tests/data/cpuid)
# Exit status: 0 if every target ran clean, 1 otherwise.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_BUILD:-$top/build/fuzz}
secs=${FUZZ_SECONDS:-60}
cc=${CLANG:-clang}
dumps=${XCR0_CPUID_DIR:-$top/tests/data/cpuid}

command -v "$cc" >/dev/null 2>&1 || { echo "run-fuzz: $cc not found (install clang)" >&2; exit 1; }
mkdir -p "$out"
flags="-std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 -fno-omit-frame-pointer -Wall -Wextra -Werror -I$top/xcr0/include"
libsrc=$(ls "$top"/xcr0/lib/*.c)

status=0
for t in profile image; do
    # shellcheck disable=SC2086
    "$cc" $flags -o "$out/fuzz-$t" "$top/tests/fuzz/fuzz-$t.c" $libsrc
    corpus="$out/corpus-$t"
    mkdir -p "$corpus"
    if [ "$t" = profile ] && [ -d "$dumps" ]; then
        cp "$dumps"/*.txt "$corpus"/ 2>/dev/null || true
    fi
    echo "run-fuzz: fuzz-$t for ${secs}s"
    if ! "$out/fuzz-$t" -max_total_time="$secs" -max_len=20000 -timeout=10 \
            -artifact_prefix="$out/crash-$t-" "$corpus" >"$out/fuzz-$t.log" 2>&1; then
        echo "run-fuzz: fuzz-$t FAILED; see $out/fuzz-$t.log and $out/crash-$t-*" >&2
        tail -n 30 "$out/fuzz-$t.log" >&2
        status=1
    else
        grep -E '^(#[0-9]+ +DONE|Done)' "$out/fuzz-$t.log" | tail -n 1 || true
        echo "run-fuzz: fuzz-$t clean"
    fi
done
exit $status
