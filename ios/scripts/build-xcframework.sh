#!/usr/bin/env bash
# Builds ios/build/WorkerVoiceFFI.xcframework on a Mac: the Rust library as a
# static library for iOS devices (arm64) and the simulator (arm64 + x86_64,
# merged with lipo), with the generated C headers and module.modulemap.
#
# Needs: macOS with Xcode (xcodebuild, lipo) and rustup. Run from anywhere:
#     ios/scripts/build-xcframework.sh            release build (default)
#     PROFILE=debug ios/scripts/build-xcframework.sh
#
# The headers come from ios/Sources/WorkerVoiceFFI/include, which
# scripts/gen-bindings keeps in step with the Rust sources (run
# `scripts/gen-bindings --check` first if in doubt).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The app's translations, as WorkerVoiceUI's bundle resources (English is built into the library).
mkdir -p "$ROOT/ios/Sources/WorkerVoiceUI/strings" && find "$ROOT/core/src/app_strings" -name '*.ftl' ! -name en.ftl -exec cp {} "$ROOT/ios/Sources/WorkerVoiceUI/strings/" \;
PROFILE="${PROFILE:-release}"
IOS_DEPLOYMENT_TARGET="${IOS_DEPLOYMENT_TARGET:-15.0}"
DEVICE_TARGET="aarch64-apple-ios"
SIM_TARGETS=(aarch64-apple-ios-sim x86_64-apple-ios)
BUILD="$ROOT/ios/build"
XCFRAMEWORK="$BUILD/WorkerVoiceFFI.xcframework"
HEADERS_SRC="$ROOT/ios/Sources/WorkerVoiceFFI/include"

[ "$(uname -s)" = Darwin ] || { echo "error: build-xcframework.sh needs macOS with Xcode" >&2; exit 1; }
for tool in cargo rustup xcodebuild lipo; do
    command -v "$tool" >/dev/null || { echo "error: $tool not found" >&2; exit 1; }
done
[ -f "$HEADERS_SRC/module.modulemap" ] || { echo "error: $HEADERS_SRC has no module.modulemap (run scripts/gen-bindings)" >&2; exit 1; }

case "$PROFILE" in
    release) cargo_profile=(--release); profile_dir=release ;;
    debug) cargo_profile=(); profile_dir=debug ;;
    *) echo "error: PROFILE must be release or debug" >&2; exit 1 ;;
esac

echo "==> rustup targets"
rustup target add "$DEVICE_TARGET" "${SIM_TARGETS[@]}"

export IPHONEOS_DEPLOYMENT_TARGET="$IOS_DEPLOYMENT_TARGET"
for target in "$DEVICE_TARGET" "${SIM_TARGETS[@]}"; do
    echo "==> cargo build $PROFILE --target $target"
    # The static library alone (see android/scripts/build-jnilibs.sh: built with
    # the package's other crate types, release LTO does not apply).
    (cd "$ROOT" && cargo rustc "${cargo_profile[@]}" -p workervoice-bindings --lib --crate-type staticlib --target "$target")
done

rm -rf "$XCFRAMEWORK" "$BUILD/sim" "$BUILD/headers"
mkdir -p "$BUILD/sim" "$BUILD/headers/WorkerVoiceFFI"

echo "==> lipo: one simulator library for arm64 and x86_64"
sim_libs=()
for target in "${SIM_TARGETS[@]}"; do sim_libs+=("$ROOT/target/$target/$profile_dir/libworkervoice.a"); done
lipo -create "${sim_libs[@]}" -output "$BUILD/sim/libworkervoice.a"

# Headers in a folder named after the module: Xcode copies the Headers of
# every static-library XCFramework into one include directory, where two
# top-level module.modulemap files would collide; clang also looks for
# <ModuleName>/module.modulemap on the header search path.
cp "$HEADERS_SRC"/*.h "$HEADERS_SRC/module.modulemap" "$BUILD/headers/WorkerVoiceFFI/"

echo "==> xcodebuild -create-xcframework"
xcodebuild -create-xcframework \
    -library "$ROOT/target/$DEVICE_TARGET/$profile_dir/libworkervoice.a" -headers "$BUILD/headers" \
    -library "$BUILD/sim/libworkervoice.a" -headers "$BUILD/headers" \
    -output "$XCFRAMEWORK"

rm -rf "$BUILD/sim" "$BUILD/headers"
echo "==> $XCFRAMEWORK"
du -sh "$XCFRAMEWORK"
