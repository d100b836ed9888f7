#!/usr/bin/env bash
# Checks the cargo extension inside the built image, as the non-root user.
#
# The toolchain option, when it is a release such as 1.83.0, is what `rustc --version`
# must report (channels such as stable/nightly are not compared). Optional environment:
#   ROCKTS_EXPECT_RUST_TOOLCHAIN  the release to expect instead (e.g. what stable is today)
#
# Needs no network: the hello-world crate has no dependencies and builds --offline.
set -euo pipefail

fail() { echo "cargo test: $*" >&2; exit 1; }

command -v rustup >/dev/null || fail "rustup is not on PATH ($PATH)"
command -v cargo >/dev/null || fail "cargo is not on PATH ($PATH)"
command -v rustc >/dev/null || fail "rustc is not on PATH ($PATH)"

[ "${RUSTUP_HOME:-}" = /usr/local/rustup ] || fail "RUSTUP_HOME is '${RUSTUP_HOME:-}', expected /usr/local/rustup"
[ "${CARGO_HOME:-}" = /usr/local/cargo ] || fail "CARGO_HOME is '${CARGO_HOME:-}', expected /usr/local/cargo"

rustup --version
cargo --version
rustc_version="$(rustc --version)"
echo "$rustc_version"

expected="${ROCKTS_EXPECT_RUST_TOOLCHAIN:-${ROCKTS_TEST_OPTION_toolchain:?}}"
if [[ "$expected" =~ ^[0-9]+\.[0-9]+(\.[0-9]+)?$ ]]; then
    [[ "$rustc_version" == "rustc $expected"* ]] || fail "expected rustc $expected, got: $rustc_version"
fi

# The homes must be writable by this (non-root) user, or cargo install and the
# registry cache fail the first time they are used.
probe="$CARGO_HOME/.rockts-write-test-$$"
touch "$probe" || fail "CARGO_HOME ($CARGO_HOME) is not writable by $(id -un)"
rm -f "$probe"
probe="$RUSTUP_HOME/.rockts-write-test-$$"
touch "$probe" || fail "RUSTUP_HOME ($RUSTUP_HOME) is not writable by $(id -un)"
rm -f "$probe"

# Compile and run hello world: proves the linker (cc from final.apt) works.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
cargo new --vcs none --bin hello >/dev/null
cd hello
cargo build --offline --quiet
output="$(./target/debug/hello)"
[ "$output" = "Hello, world!" ] || fail "hello world printed: $output"

# Components installed by default (clippy, rustfmt) are checked when present.
if command -v cargo-clippy >/dev/null; then cargo clippy --version; fi
if command -v rustfmt >/dev/null; then rustfmt --version; fi

echo "cargo test: ok"
