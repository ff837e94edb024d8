# The worker app's desktop build (Compose Multiplatform for the JVM), shared
# by scripts/test-app and scripts/run-app. Source after common.sh.
#
# No Gradle: Maven only copies the jars named in android/app/pom.xml into
# .tools/app-jars/<hash of the pom>/, and kotlinc compiles with the Compose
# compiler plugin that ships in its lib/ (same version as the compiler).

APP_DIR="android/app"
APP_OUT="$ROOT/target/app"
COMPOSE_PLUGIN="$KOTLIN_HOME/lib/compose-compiler-plugin.jar"
# Translations ship beside the library as resources (English is built in).
APP_STRINGS_DIR="core/src/app_strings"

ensure_maven() {
    command -v mvn >/dev/null || apt_install maven
}

# Fonts with Vietnamese and CJK glyphs: Skia finds them through fontconfig.
ensure_app_fonts() {
    command -v fc-list >/dev/null || apt_install fontconfig
    local missing=()
    local fonts
    # Read fc-list whole: `grep -q` would close the pipe early and pipefail
    # would count fc-list's SIGPIPE as a missing font.
    fonts="$(fc-list)"
    grep -q "Noto Sans CJK" <<<"$fonts" || missing+=(fonts-noto-cjk)
    grep -q "NotoSans-Regular" <<<"$fonts" || missing+=(fonts-noto-core)
    if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
}

# Copies the jars of android/app/pom.xml into APP_JARS (once per pom version).
fetch_app_jars() {
    ensure_maven
    local hash
    hash="$(sha256sum "$ROOT/$APP_DIR/pom.xml" | cut -c1-16)"
    APP_JARS="$TOOLS/app-jars/$hash"
    if [ ! -f "$APP_JARS/.complete" ]; then
        log "mvn dependency:copy-dependencies ($APP_DIR/pom.xml → .tools/app-jars/$hash)"
        rm -rf "$APP_JARS"
        mkdir -p "$APP_JARS"
        timeout "$STEP_TIMEOUT" mvn -q -B -f "$ROOT/$APP_DIR/pom.xml" dependency:copy-dependencies \
            -DoutputDirectory="$APP_JARS" || die "Maven could not fetch the app's jars (see above)"
        touch "$APP_JARS/.complete"
    fi
}

# The Maven jars, minus the Kotlin standard library and coroutines core that
# kotlinc ships (one copy of each on the class path: the compiler's).
app_jars_classpath() {
    find "$APP_JARS" -name '*.jar' ! -name 'kotlin-stdlib*' ! -name 'kotlinx-coroutines-core*' | sort | paste -sd:
}

# compose_compile OUT CLASSPATH SOURCE...: like kotlin_compile, with the
# Compose compiler plugin.
compose_compile() {
    local out="$1" classpath="$2" stamp
    shift 2
    stamp="$( {
        echo "$KOTLIN_VERSION compose ${KOTLINC_EXTRA_FLAGS:-} $classpath"
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
    run_kotlinc -Xplugin="$COMPOSE_PLUGIN" ${KOTLINC_EXTRA_FLAGS:-} -cp "$classpath" -d "$out" "$@"
    echo "$stamp" >"$out/.stamp"
    echo "  compiled ${#@} files into ${out#"$ROOT"/} in $((SECONDS - started)) s"
}

# Builds everything the desktop app needs into $APP_OUT: the bindings and
# their platform-neutral layer, the shared Compose UI and the desktop runner,
# and the translations as class-path resources.
build_desktop_app() {
    log "generating bindings"
    local staging
    staging="$(mktemp -d)"
    generate_bindings_into "$staging"
    mkdir -p "$APP_OUT"
    if ! diff -r -q "$staging/$GEN_KOTLIN_DIR" "$APP_OUT/generated" >/dev/null 2>&1; then
        rm -rf "$APP_OUT/generated"
        cp -R "$staging/$GEN_KOTLIN_DIR" "$APP_OUT/generated"
    fi
    rm -rf "$staging"

    log "compiling bindings + platform-neutral Kotlin layer"
    local sources
    mapfile -t sources < <(find "$APP_OUT/generated" -name '*.kt' | sort; neutral_kotlin_sources)
    kotlin_compile "$APP_OUT/bindings" "$(main_classpath)" "${sources[@]}"

    log "compiling the shared Compose UI + desktop runner (Compose compiler plugin)"
    mapfile -t sources < <(find "$ROOT/$APP_DIR/src/commonMain" "$ROOT/$APP_DIR/src/desktopMain" -name '*.kt' | sort)
    compose_compile "$APP_OUT/main" "$APP_OUT/bindings:$(app_jars_classpath):$(main_classpath)" "${sources[@]}"

    rm -rf "$APP_OUT/resources"
    mkdir -p "$APP_OUT/resources/strings"
    find "$ROOT/$APP_STRINGS_DIR" -name '*.ftl' ! -name 'en.ftl' -exec cp {} "$APP_OUT/resources/strings/" \;
}

# Class path to run the desktop app.
app_runtime_classpath() {
    echo "$APP_OUT/main:$APP_OUT/resources:$APP_OUT/bindings:$(app_jars_classpath):$(runtime_classpath)"
}

# The Android framework API as a jar (Robolectric's android-all, Maven Central).
ANDROID_ALL="org.robolectric:android-all:15-robolectric-12650502"

# Type-checks the Android shell (android/app/src/androidMain, with the shared
# UI and the library's Android-only layer) against the real Android API,
# Compose's API from the desktop jars (same androidx.compose packages) and
# compile-only stand-ins for the few AndroidX classes it touches.
check_android_app() {
    ensure_maven
    local group artifact version jar
    IFS=: read -r group artifact version <<<"$ANDROID_ALL"
    jar="$HOME/.m2/repository/${group//.//}/$artifact/$version/$artifact-$version.jar"
    if [ ! -f "$jar" ]; then
        log "mvn dependency:get $ANDROID_ALL (the Android API, ~185 MB once)"
        timeout "$STEP_TIMEOUT" mvn -q -B dependency:get -Dartifact="$ANDROID_ALL" -Dtransitive=false \
            || die "Maven could not fetch $ANDROID_ALL"
    fi
    log "type-checking the Android shell against $ANDROID_ALL"
    local stubs sources
    mapfile -t stubs < <(find "$ROOT/$APP_DIR/stubs" -name '*.kt' | sort)
    compose_compile "$APP_OUT/androidx-stubs" "$jar:$(app_jars_classpath):$(main_classpath)" "${stubs[@]}"
    mapfile -t sources < <(find "$ROOT/$APP_DIR/src/commonMain" "$ROOT/$APP_DIR/src/androidMain" "$ROOT/$ANDROID_ONLY_KOTLIN_DIR" -name '*.kt' | sort)
    # The SDK's android.jar marks framework nullability as "recently" annotated
    # (warnings); android-all keeps the plain android.annotation ones, which
    # Kotlin would enforce: warn, as Android Studio does.
    KOTLINC_EXTRA_FLAGS="-Xnullability-annotations=@android.annotation:warn" compose_compile "$APP_OUT/android-check" \
        "$APP_OUT/androidx-stubs:$jar:$APP_OUT/bindings:$(app_jars_classpath):$(main_classpath)" "${sources[@]}"
}
