// Plugin versions for the whole build. The Kotlin version matches the compiler
// the JVM tests use (scripts/test-kotlin).
plugins {
    id("com.android.library") version "8.7.3" apply false
    id("org.jetbrains.kotlin.android") version "2.4.20" apply false
}
