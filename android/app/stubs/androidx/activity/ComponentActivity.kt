package androidx.activity

/** Stand-in for AndroidX's ComponentActivity (compile-only; see stubs/README.md). */
open class ComponentActivity : android.app.Activity()
