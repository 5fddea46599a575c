# scripts/lib.sh — shared shell functions of the qemu-xcr0 build (sourced, not run).
#
# Everything that touches the system (apt) or the network (Debian's archive) lives here, so that
# configure, the Makefile and CI share one implementation.

QEMU_PIN_VERSION='1:10.0.13+ds-0+deb13u1'
QEMU_PIN_SHA256='6a0888e806c2ffc0c5f0733e974f9aea55491950d3c47c98669c8b236dde59ae'
QEMU_SUITE='trixie'

# The only QEMU flags we choose; `make baseline` uses the very same ones.
QEMU_CONFIGURE_FLAGS=(--python=/usr/bin/python3 --target-list=x86_64-linux-user
    --disable-system --disable-tools --disable-docs --disable-install-blobs
    --disable-download --enable-capstone)

msg() { printf '%s: %s\n' "${PROG:-configure}" "$*" >&2; }
die() { msg "error: $*"; exit 1; }

# Run a command as root: directly, through sudo, or fail with a clear message.
as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo "$@"
    else
        die "need root to run '$*' (run as root, or allow sudo without a password), or install it yourself"
    fi
}

cache_dir() {
    printf '%s\n' "${QEMU_XCR0_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/qemu-xcr0}"
}

# The URI of the Debian archive this system already uses, read from apt's own view of its sources
# (so a mirror configured by the admin is honoured; nothing is hard-coded).
debian_mirror() {
    local codename uri
    codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
    uri=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null |
          awk -v c="$codename" '$2 == c { print $1; exit }')
    if [ -z "$uri" ]; then
        # No index for our own codename (unusual): take any non-security Debian archive.
        uri=$(apt-get indextargets --format '$(REPO_URI)' 2>/dev/null |
              grep -v -e security -e '^$' | head -n 1)
    fi
    [ -n "$uri" ] || die "cannot find a Debian archive URI in the apt configuration (apt-get indextargets gives none); run 'apt-get update' first"
    printf '%s\n' "${uri%/}"
}

debian_codename() { (. /etc/os-release && printf '%s\n' "${VERSION_CODENAME:-unknown}"); }

# meson >= 1.5 is what QEMU 10.0 requires.
meson_ok() {
    command -v meson >/dev/null 2>&1 || return 1
    /usr/bin/python3 - "$(meson --version 2>/dev/null)" <<'EOF' 2>/dev/null
import sys
v = tuple(int(x) for x in sys.argv[1].split('.')[:2])
sys.exit(0 if v >= (1, 5) else 1)
EOF
    # QEMU's configure imports mesonbuild with /usr/bin/python3, so it must be Debian's meson.
    /usr/bin/python3 -c 'import mesonbuild' 2>/dev/null
}

# Debian 12 only: the one sources file we add, enabling bookworm-backports at its default priority
# 100 (nothing comes from it unless named) on the mirror apt already uses. $1 says what for.
enable_bookworm_backports() {
    local list=/etc/apt/sources.list.d/qemu-xcr0-bookworm-backports.sources mirror
    apt-get indextargets --format '$(RELEASE)' 2>/dev/null | grep -qx bookworm-backports && return 0
    mirror=$(debian_mirror)
    msg "enabling bookworm-backports ($list) for $1"
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$mirror" | as_root tee "$list" >/dev/null
    as_root apt-get update -qq || die "apt-get update failed"
}

# Install what the build needs and is missing. The only change to the apt configuration is, on
# Debian 12, one sources file enabling bookworm-backports (default priority 100: nothing is taken
# from it unless asked for by name), used for meson and python3-pycotap.
install_deps() {
    local pkgs=() p
    # g++ and libgtest-dev: make check builds Highway's own test suite (tests/libsuite).
    local want=(gcc make git patch xz-utils pkg-config ninja-build libglib2.0-dev libcapstone-dev
                dpkg-dev python3 python3-venv ca-certificates g++ libgtest-dev)
    for p in "${want[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || pkgs+=("$p")
    done
    local need_meson=0
    meson_ok || need_meson=1
    dpkg-query -W -f='${Status}' python3-pycotap 2>/dev/null | grep -q 'install ok installed' || need_meson=1
    if [ ${#pkgs[@]} -eq 0 ] && [ $need_meson = 0 ]; then
        return 0
    fi
    msg "installing missing packages: ${pkgs[*]} $([ $need_meson = 1 ] && echo 'meson python3-pycotap')"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq || die "apt-get update failed"
    if [ ${#pkgs[@]} -gt 0 ]; then
        as_root apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null ||
            die "apt-get install ${pkgs[*]} failed"
    fi
    if [ $need_meson = 1 ]; then
        local codename
        codename=$(debian_codename)
        if [ "$codename" = bookworm ]; then
            enable_bookworm_backports "meson >= 1.5"
            as_root apt-get install -y -qq --no-install-recommends -t bookworm-backports meson python3-pycotap >/dev/null ||
                die "cannot install meson from bookworm-backports"
        else
            as_root apt-get install -y -qq --no-install-recommends meson python3-pycotap >/dev/null ||
                die "cannot install meson"
        fi
        meson_ok || die "meson >= 1.5 (importable by /usr/bin/python3) is required; found $(meson --version 2>/dev/null || echo none)"
    fi
}

# ---------------------------------------------------------------------------------------------
# aarch64 hosts (make cross-aarch64, make check-aarch64): Debian's cross toolchain, the arm64
# development packages QEMU links statically (glib, its pcre2, zlib), and Debian's qemu-user to
# run the result. The arm64 packages come from the archive apt already uses: the one change to
# the system is dpkg's foreign architecture arm64 (no sources file is written).
AARCH64_TRIPLET=aarch64-linux-gnu
AARCH64_DEV_PKGS=(libglib2.0-dev:arm64 libpcre2-dev:arm64 zlib1g-dev:arm64)

pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

install_cross_aarch64_deps() {
    local pkgs=() p
    for p in crossbuild-essential-arm64 "${AARCH64_DEV_PKGS[@]}"; do
        pkg_installed "$p" || pkgs+=("$p")
    done
    [ ${#pkgs[@]} -eq 0 ] && return 0
    export DEBIAN_FRONTEND=noninteractive
    if [ "$(dpkg --print-architecture)" != arm64 ] &&
       ! dpkg --print-foreign-architectures | grep -qx arm64; then
        msg "adding dpkg architecture arm64 (for the arm64 development packages)"
        as_root dpkg --add-architecture arm64 || die "dpkg --add-architecture arm64 failed"
    fi
    msg "installing missing packages: ${pkgs[*]}"
    as_root apt-get update -qq || die "apt-get update failed"
    as_root apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null ||
        die "apt-get install ${pkgs[*]} failed"
}

# Debian's user-mode emulator for aarch64 programs (qemu-aarch64), to run the cross build here.
# Version 10.0 or newer: bookworm's 7.2 aborts in the child when the emulator it runs forks
# ("qemu_plugin_vcpu_init_hook: assertion failed"), so on Debian 12 it comes from
# bookworm-backports (10.0.x), as meson does.
qemu_user_ok() {
    local v
    v=$(qemu-aarch64 --version 2>/dev/null | sed -n '1s/^qemu-aarch64 version \([0-9]*\)\..*/\1/p')
    [ -n "$v" ] && [ "$v" -ge 10 ]
}

install_qemu_user() {
    qemu_user_ok && return 0
    export DEBIAN_FRONTEND=noninteractive
    msg "installing qemu-user >= 10.0 (for qemu-aarch64; found: $(qemu-aarch64 --version 2>/dev/null | head -n 1 || true))"
    if [ "$(debian_codename)" = bookworm ]; then
        enable_bookworm_backports "qemu-user >= 10.0"
        as_root apt-get install -y -qq --no-install-recommends -t bookworm-backports qemu-user >/dev/null ||
            die "cannot install qemu-user from bookworm-backports"
    else
        as_root apt-get update -qq || die "apt-get update failed"
        as_root apt-get install -y -qq --no-install-recommends qemu-user >/dev/null ||
            die "apt-get install qemu-user failed"
    fi
    qemu_user_ok || die "qemu-aarch64 >= 10.0 is required; found $(qemu-aarch64 --version 2>/dev/null | head -n 1 || echo none)"
}

# Private apt state for trixie's source index: the system's sources and lists stay untouched.
apt_private() {
    local tool=$1 dir=$2; shift 2
    "$tool" -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts="$dir/sources.list.d" \
        -o Dir::State="$dir/state" -o Dir::State::Lists="$dir/state/lists" \
        -o Dir::Cache="$dir/cache" -o Dir::Etc::Preferences="$dir/preferences" \
        -o Dir::Etc::PreferencesParts="$dir/preferences.d" -o APT::Sandbox::User=root \
        -o Debug::NoLocking=1 "$@"
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# Read trixie's source index into a private apt state (the system's stay untouched); print its
# directory. "cached": only if it was never read. Also used by tests/libsuite for the sources of
# libraries with AVX-512 code.
source_index() {
    local dir mirror
    dir="$(cache_dir)/apt-$QEMU_SUITE"
    mkdir -p "$dir/sources.list.d" "$dir/preferences.d" "$dir/state/lists/partial" "$dir/cache/archives/partial" "$dir/dl"
    mirror=$(debian_mirror)
    printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
        "$mirror" "$QEMU_SUITE" > "$dir/sources.list"
    if [ "${1:-}" != cached ] || ! ls "$dir"/state/lists/*Sources* >/dev/null 2>&1; then
        msg "reading the $QEMU_SUITE source index (private apt state in $dir)"
        apt_private apt-get "$dir" update -qq >&2 || die "apt-get update for $QEMU_SUITE sources failed"
    fi
    printf '%s\n' "$dir"
}

# Print the path of the verified, cached upstream orig tarball, downloading it if needed.
fetch_qemu_tarball() {
    local cache upstream_ver tarball dir mirror ver
    cache=$(cache_dir)
    mkdir -p "$cache" || die "cannot create cache directory $cache"
    upstream_ver=${QEMU_PIN_VERSION#*:}; upstream_ver=${upstream_ver%-*}
    tarball="$cache/qemu_${upstream_ver}.orig.tar.xz"
    if [ -f "$tarball" ] && [ "$(sha256_of "$tarball")" = "$QEMU_PIN_SHA256" ]; then
        msg "using cached $tarball"
        printf '%s\n' "$tarball"; return 0
    fi
    dir=$(source_index)
    ver=$QEMU_PIN_VERSION
    if ! apt_private apt-cache "$dir" showsrc qemu 2>/dev/null | grep -qxF "Version: $ver"; then
        ver=$(apt_private apt-cache "$dir" showsrc qemu 2>/dev/null | awk '/^Version: 1:10\.0\./ { print $2 }' |
              sort -V | tail -n 1)
        [ -n "$ver" ] || die "no QEMU 10.0.x source package in $QEMU_SUITE"
        msg "warning: pinned qemu $QEMU_PIN_VERSION has left the archive; falling back to $ver (not checksum-pinned)"
    fi
    (cd "$dir/dl" && rm -f ./*.orig.tar.xz && apt_private apt-get "$dir" source --download-only -qq "qemu=$ver" >&2) ||
        die "apt-get source qemu=$ver failed"
    local got
    got=$(ls "$dir"/dl/qemu_*.orig.tar.xz 2>/dev/null | head -n 1)
    [ -n "$got" ] || die "apt-get source qemu=$ver produced no orig tarball"
    if [ "$ver" = "$QEMU_PIN_VERSION" ] && [ "$(sha256_of "$got")" != "$QEMU_PIN_SHA256" ]; then
        die "checksum mismatch for $(basename "$got"): expected $QEMU_PIN_SHA256"
    fi
    # apt-get source already checked the archive signature chain and the .dsc hashes.
    mv "$got" "$cache/" && rm -f "$dir"/dl/*
    printf '%s\n' "$cache/$(basename "$got")"
}
