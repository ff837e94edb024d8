package org.workervoice.app.ui

import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Typography
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.LocalLayoutDirection
import androidx.compose.ui.text.TextStyle
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.LayoutDirection
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import org.workervoice.app.LocalStrings
import org.workervoice.app.Strings

/** Large touch targets: no control a worker taps is smaller than this. */
val TOUCH_TARGET = 64.dp

private val Colors = lightColorScheme(
    primary = Color(0xFF1B5E50),
    onPrimary = Color.White,
    primaryContainer = Color(0xFFCDEBE3),
    onPrimaryContainer = Color(0xFF00201A),
    secondary = Color(0xFF5B4B8A),
    error = Color(0xFFB3261E),
    background = Color(0xFFFBFCFB),
    surface = Color(0xFFFBFCFB),
)

// Larger than Material's defaults: many workers read little or on a small,
// scratched screen. Sizes are in sp, so the platform's font scale applies.
private val Type = Typography(
    headlineMedium = TextStyle(fontSize = 28.sp, lineHeight = 34.sp, fontWeight = FontWeight.SemiBold),
    titleLarge = TextStyle(fontSize = 22.sp, lineHeight = 28.sp, fontWeight = FontWeight.SemiBold),
    titleMedium = TextStyle(fontSize = 19.sp, lineHeight = 25.sp, fontWeight = FontWeight.Medium),
    bodyLarge = TextStyle(fontSize = 18.sp, lineHeight = 26.sp),
    bodyMedium = TextStyle(fontSize = 16.sp, lineHeight = 22.sp),
    labelLarge = TextStyle(fontSize = 18.sp, lineHeight = 22.sp, fontWeight = FontWeight.Medium),
)

/**
 * The app's theme and its strings; mirrors the layout for right-to-left
 * languages.
 */
@Composable
fun WorkerVoiceTheme(strings: Strings, content: @Composable () -> Unit) {
    val direction = if (strings.isRightToLeft) LayoutDirection.Rtl else LayoutDirection.Ltr
    CompositionLocalProvider(LocalStrings provides strings, LocalLayoutDirection provides direction) {
        MaterialTheme(colorScheme = Colors, typography = Type, content = content)
    }
}
