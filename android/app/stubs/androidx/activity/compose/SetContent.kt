package androidx.activity.compose

import androidx.activity.ComponentActivity
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionContext

/** Stand-in for `androidx.activity.compose.setContent` (compile-only; see stubs/README.md). */
fun ComponentActivity.setContent(parent: CompositionContext? = null, content: @Composable () -> Unit): Unit =
    throw UnsupportedOperationException("compile-only stub")
