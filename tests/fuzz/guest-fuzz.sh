#!/bin/sh
# The guest-side fuzzer of sigreturn: tests/tcg/x86_64/sigreturn-fuzz.c damages signal frames at
# random; run natively and under the emulator with the same seed, every outcome must agree. Runs
# fresh seeds for FUZZ_SECONDS (default 60); a difference prints the seed and the first lines
# that differ (reproduce: sigreturn-fuzz SEED 2000, natively and under the emulator).
# Needs an x86-64 host (the kernel and the silicon are the judge). Exit status 1 on a difference.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${FUZZ_SECONDS:-60}
qemu=${XCR0_TEST_QEMU:-$top/build/qemu-x86_64}
out=${FUZZ_BUILD:-$top/build/fuzz}
prog=$out/sigreturn-fuzz

case $(uname -m) in
x86_64) ;;
*) echo "guest-fuzz: SKIP: needs an x86-64 host to run the guest natively"; exit 0 ;;
esac
mkdir -p "$out"
cc -O2 -static -o "$prog" "$top/tests/tcg/x86_64/sigreturn-fuzz.c"
end=$(( $(date +%s) + secs ))
seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
runs=0
while [ "$(date +%s)" -lt "$end" ]; do
    "$prog" "$seed" 2000 > "$out/native.txt"
    env -u QEMU_XCR0 -u QEMU_XSAVE_LAYOUT "$qemu" -xcr0 host -xsave-layout host \
        "$prog" "$seed" 2000 > "$out/emulated.txt" 2> "$out/emulated.err" || true
    if ! cmp -s "$out/native.txt" "$out/emulated.txt"; then
        echo "guest-fuzz: seed $seed differs from native:" >&2
        diff "$out/native.txt" "$out/emulated.txt" | head -n 10 >&2
        exit 1
    fi
    runs=$((runs + 1))
    seed=$((seed + 1))
done
echo "guest-fuzz: sigreturn-fuzz clean: $runs seeds x 2000 frames, identical to native"
