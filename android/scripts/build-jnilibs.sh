#!/usr/bin/env bash
# Builds the native library for the Android ABIs with cargo-ndk and puts it
# where the Gradle module expects it:
#     android/workervoice/src/main/jniLibs/{arm64-v8a,armeabi-v7a,x86_64}/libworkervoice.so
#
# Needs: rustup, the Android NDK (ANDROID_NDK_HOME, or installed by Android
# Studio's SDK Manager under $ANDROID_HOME/ndk/<version>), and cargo-ndk
# (`cargo install cargo-ndk`). Run from anywhere:
#     android/scripts/build-jnilibs.sh                release (default)
#     PROFILE=debug android/scripts/build-jnilibs.sh
#
# The libraries are left unstripped: the Android Gradle plugin strips them with
# the NDK's llvm-strip when it packages the app (keep the unstripped ones to
# symbolize native crash reports).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PROFILE="${PROFILE:-release}"
ABIS=(arm64-v8a armeabi-v7a x86_64)
RUST_TARGETS=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android)
# The lowest Android API the library supports (matches minSdk in build.gradle.kts).
ANDROID_API="${ANDROID_API:-24}"
OUT="$ROOT/android/workervoice/src/main/jniLibs"

command -v cargo-ndk >/dev/null || { echo "error: cargo-ndk not found: cargo install cargo-ndk" >&2; exit 1; }
if [ -z "${ANDROID_NDK_HOME:-}" ] && [ -d "${ANDROID_HOME:-/nonexistent}/ndk" ]; then
    ANDROID_NDK_HOME="$(find "$ANDROID_HOME/ndk" -mindepth 1 -maxdepth 1 -type d | sort -V | tail -n 1)"
    export ANDROID_NDK_HOME
fi
[ -n "${ANDROID_NDK_HOME:-}" ] || { echo "error: set ANDROID_NDK_HOME to the NDK (or ANDROID_HOME with an ndk/ folder)" >&2; exit 1; }

case "$PROFILE" in
    release) profile_flag=(--release) ;;
    debug) profile_flag=() ;;
    *) echo "error: PROFILE must be release or debug" >&2; exit 1 ;;
esac

rustup target add "${RUST_TARGETS[@]}"
targets=()
for abi in "${ABIS[@]}"; do targets+=(-t "$abi"); done

cd "$ROOT"
# `rustc --crate-type cdylib`, not `build`: the package also declares staticlib
# and lib crate types (iOS, the CLI), and built together with them the shared
# library comes out without the whole-program LTO its release profile asks
# for — 6.0 MB instead of 4.6 MB on x86_64 (measured; scripts/budgets builds
# the same way). cargo-ndk copies outputs only for `build`, so copy here.
cargo ndk --platform "$ANDROID_API" "${targets[@]}" rustc "${profile_flag[@]}" -p workervoice-bindings --lib --crate-type cdylib
profile_dir="${PROFILE}"
i=0
for abi in "${ABIS[@]}"; do
    mkdir -p "$OUT/$abi"
    cp "target/${RUST_TARGETS[$i]}/$profile_dir/libworkervoice.so" "$OUT/$abi/libworkervoice.so"
    i=$((i + 1))
done

for abi in "${ABIS[@]}"; do
    lib="$OUT/$abi/libworkervoice.so"
    [ -f "$lib" ] || { echo "error: $lib was not produced" >&2; exit 1; }
    ls -l "$lib"
done
