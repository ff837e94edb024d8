# Shared by the scripts in scripts/: paths, tool installation, builds and
# binding generation. Source it; it does not run anything by itself.
#
# Everything is installed on demand, so each script works on a fresh Debian
# machine as root: Kotlin from npm into .tools/, JNA and JUnit from Debian,
# tree-sitter from PyPI into .tools/venv.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/.tools"
KOTLIN_VERSION="2.4.20"
KOTLIN_HOME="$TOOLS/node_modules/kotlin-compiler"
KOTLINC="$KOTLIN_HOME/bin/kotlinc"
JAVA_LIB="/usr/share/java"
BINDGEN="$ROOT/target/debug/uniffi-bindgen"
# gen-bindings also runs on macOS (for iOS developers); the rest is Linux-only.
case "$(uname -s)" in
    Darwin) DEBUG_LIB="$ROOT/target/debug/libworkervoice.dylib" ;;
    *) DEBUG_LIB="$ROOT/target/debug/libworkervoice.so" ;;
esac
# macOS has no `timeout` unless coreutils is installed: run unbounded there.
if ! command -v timeout >/dev/null; then
    timeout() { shift; "$@"; }
fi

# Where the generated bindings live in the repository. The generator owns these
# directories entirely: everything in them is rewritten by scripts/gen-bindings.
GEN_KOTLIN_DIR="android/workervoice/src/main/kotlin"
GEN_SWIFT_DIR="ios/Sources/WorkerVoice/Generated"
GEN_HEADER_DIR="ios/Sources/WorkerVoiceFFI/include"
GENERATED_DIRS=("$GEN_KOTLIN_DIR" "$GEN_SWIFT_DIR" "$GEN_HEADER_DIR")

# The uniffi namespaces the library exports (bindings crate, then core crate).
NAMESPACES=(workervoice workervoice_core)

# Time limits (seconds). A cold debug build of the workspace takes ~2 min and a
# release build ~4 min on 2 cores; the limits leave room for a slow machine.
BUILD_TIMEOUT="${BUILD_TIMEOUT:-1800}"
STEP_TIMEOUT="${STEP_TIMEOUT:-600}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

APT_UPDATED=0
apt_install() {
    command -v apt-get >/dev/null || die "apt-get not found: install $* by hand"
    if [ "$APT_UPDATED" = 0 ]; then
        log "apt-get update"
        timeout "$STEP_TIMEOUT" apt-get update -qq
        APT_UPDATED=1
    fi
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive timeout "$STEP_TIMEOUT" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_java() {
    if ! command -v java >/dev/null || ! command -v javac >/dev/null; then
        apt_install openjdk-17-jdk-headless
    fi
}

# kotlinc 2.4.20 from npm into .tools/ (its lib/ also has kotlin-test and coroutines).
ensure_kotlinc() {
    ensure_java
    if [ ! -x "$KOTLINC" ]; then
        command -v npm >/dev/null || apt_install nodejs npm
        log "npm install kotlin-compiler@$KOTLIN_VERSION into .tools"
        mkdir -p "$TOOLS"
        timeout "$STEP_TIMEOUT" npm install --prefix "$TOOLS" --no-audit --no-fund "kotlin-compiler@$KOTLIN_VERSION" >/dev/null
    fi
    [ -x "$KOTLINC" ] || die "kotlinc not found at $KOTLINC"
}

# JNA (the generated Kotlin calls the library through it) and JUnit 4 from Debian.
ensure_java_libs() {
    local missing=()
    [ -f "$JAVA_LIB/jna.jar" ] || missing+=(libjna-java)
    [ -f "$JAVA_LIB/junit4.jar" ] || missing+=(junit4)
    if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
    [ -f "$JAVA_LIB/hamcrest-core.jar" ] || apt_install libhamcrest-java
}

kotlin_lib() { echo "$KOTLIN_HOME/lib/$1"; }

# Classpath for compiling the generated bindings and the platform-neutral layer.
main_classpath() {
    echo "$JAVA_LIB/jna.jar:$(kotlin_lib kotlinx-coroutines-core-jvm.jar)"
}

# kotlinc, quietly, bounded in time. Arguments are passed through.
run_kotlinc() {
    JAVA_OPTS="${JAVA_OPTS:--Xmx1536m}" timeout "$STEP_TIMEOUT" "$KOTLINC" -jvm-target 17 -nowarn "$@"
}

# The debug library and the pinned uniffi-bindgen, in one cargo invocation so
# that `uniffi` resolves to the same features for both (building them one after
# the other would recompile the core each time).
build_debug_library() {
    log "cargo build -p workervoice-bindings -p uniffi-bindgen (debug)"
    (cd "$ROOT" && timeout "$BUILD_TIMEOUT" cargo build -q -p workervoice-bindings -p uniffi-bindgen)
}

# The hub on its own invocation, for the same reason.
build_hub() {
    log "cargo build -p workervoice-hub -p workervoice-keyholder -p wv-reader (debug)"
    (cd "$ROOT" && timeout "$BUILD_TIMEOUT" cargo build -q -p workervoice-hub -p workervoice-keyholder -p wv-reader)
}

# Generates every binding from the debug library into OUT, laid out like the
# repository (OUT/android/..., OUT/ios/...), so that the result can be copied
# over the committed files or compared with them.
generate_bindings_into() {
    local out="$1" raw
    raw="$(mktemp -d)"
    [ -f "$DEBUG_LIB" ] || die "$DEBUG_LIB missing: build it first"

    # Kotlin: one file per namespace, in the packages uniffi.toml names.
    timeout "$STEP_TIMEOUT" "$BINDGEN" generate "$DEBUG_LIB" -l kotlin -o "$out/$GEN_KOTLIN_DIR" \
        --no-format --config "$ROOT/uniffi.toml" >/dev/null

    # Swift: both namespaces share the Swift module `WorkerVoice`, so uniffi
    # names both outputs WorkerVoice.swift / WorkerVoiceFFI.h. Generate one
    # namespace at a time and give each file its namespace's name.
    local ns
    mkdir -p "$out/$GEN_SWIFT_DIR" "$out/$GEN_HEADER_DIR"
    for ns in "${NAMESPACES[@]}"; do
        timeout "$STEP_TIMEOUT" "$BINDGEN" generate "$DEBUG_LIB" -l swift -o "$raw/$ns" --crate "$ns" \
            --no-format --config "$ROOT/uniffi.toml" >/dev/null
        [ -f "$raw/$ns/WorkerVoice.swift" ] || die "uniffi-bindgen wrote no Swift for $ns"
        cp "$raw/$ns/WorkerVoice.swift" "$out/$GEN_SWIFT_DIR/$ns.swift"
        cp "$raw/$ns/WorkerVoiceFFI.h" "$out/$GEN_HEADER_DIR/${ns}FFI.h"
    done

    # One clang module, WorkerVoiceFFI, over both headers (the Swift files say
    # `import WorkerVoiceFFI`). The `use` lines are uniffi's own.
    {
        echo "// Generated by scripts/gen-bindings: do not edit."
        echo "module WorkerVoiceFFI {"
        for ns in "${NAMESPACES[@]}"; do echo "    header \"${ns}FFI.h\""; done
        echo "    export *"
        grep -E '^\s*use "' "$raw/${NAMESPACES[0]}/WorkerVoiceFFI.modulemap" || true
        echo "}"
    } >"$out/$GEN_HEADER_DIR/module.modulemap"
    rm -rf "$raw"
}

# Hand-written Kotlin of the Android library: platform-neutral files (compiled
# and tested on the JVM) and the Android-only package (type-checked against
# android/stubs).
HANDWRITTEN_KOTLIN_DIR="android/workervoice/src/main/java"
ANDROID_ONLY_KOTLIN_DIR="$HANDWRITTEN_KOTLIN_DIR/org/workervoice/android"

neutral_kotlin_sources() {
    find "$ROOT/$HANDWRITTEN_KOTLIN_DIR" -name '*.kt' -not -path "$ROOT/$ANDROID_ONLY_KOTLIN_DIR/*" | sort
}

# kotlin_compile OUT CLASSPATH SOURCE...: compiles into OUT, skipped when the
# sources, the classpath and the compiler are unchanged since the last run.
kotlin_compile() {
    local out="$1" classpath="$2" stamp
    shift 2
    # Directories on the classpath that were compiled here carry their own stamp.
    stamp="$( {
        echo "$KOTLIN_VERSION $classpath"
        local entry
        for entry in ${classpath//:/ }; do [ -f "$entry/.stamp" ] && cat "$entry/.stamp"; done
        cat "$@"
    } | sha256sum | cut -d' ' -f1)"
    if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ]; then
        echo "  up to date: ${out#"$ROOT"/}"
        return 0
    fi
    rm -rf "$out"
    mkdir -p "$out"
    local started=$SECONDS
    run_kotlinc -cp "$classpath" -d "$out" "$@"
    echo "$stamp" >"$out/.stamp"
    echo "  compiled ${#@} files into ${out#"$ROOT"/} in $((SECONDS - started)) s"
}

# Runtime classpath pieces from the Kotlin distribution and Debian.
runtime_classpath() {
    echo "$(kotlin_lib kotlin-stdlib.jar):$(kotlin_lib kotlinx-coroutines-core-jvm.jar):$JAVA_LIB/jna.jar"
}

test_classpath() {
    echo "$(runtime_classpath):$(kotlin_lib kotlin-test.jar):$(kotlin_lib kotlin-test-junit.jar):$JAVA_LIB/junit4.jar:$JAVA_LIB/hamcrest-core.jar"
}
