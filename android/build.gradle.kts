// Plugin versions for the whole build. The Kotlin version matches the compiler
// the JVM tests use (scripts/test-kotlin).
plugins {
    id("com.android.library") version "8.7.3" apply false
    id("com.android.application") version "8.7.3" apply false
    id("org.jetbrains.kotlin.android") version "2.4.20" apply false
    // The Compose compiler is a Kotlin plugin: always the Kotlin version.
    id("org.jetbrains.kotlin.plugin.compose") version "2.4.20" apply false
}
