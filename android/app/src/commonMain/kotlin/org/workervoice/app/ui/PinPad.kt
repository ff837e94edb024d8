package org.workervoice.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.border
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Clear
import androidx.compose.material3.FilledTonalButton
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalLayoutDirection
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.LayoutDirection
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import org.workervoice.app.LocalStrings

/**
 * How many digits are typed, as dots; never the digits. Screen readers hear
 * "3 digits entered".
 */
@Composable
fun PinDots(entered: Int, length: Int, modifier: Modifier = Modifier) {
    val described = LocalStrings.current("pinpad-entered", "count" to entered)
    Row(
        modifier.semantics { contentDescription = described }.testTag("pin-dots"),
        horizontalArrangement = Arrangement.spacedBy(14.dp),
    ) {
        repeat(length) { index ->
            val filled = index < entered
            Box(
                Modifier.size(20.dp)
                    .border(2.dp, MaterialTheme.colorScheme.primary, CircleShape)
                    .background(if (filled) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.surface, CircleShape),
            )
        }
    }
}

/**
 * A PIN pad of large keys (the system keyboard is small and shows the
 * digits it learns). Digits stay in phone order even in right-to-left
 * layouts, as on every phone keypad.
 */
@Composable
fun PinPad(onDigit: (Char) -> Unit, onDelete: () -> Unit, enabled: Boolean = true, modifier: Modifier = Modifier) {
    val strings = LocalStrings.current
    val rows = listOf("123", "456", "789")
    // Keypads are not mirrored: 1 stays top left in every language.
    androidx.compose.runtime.CompositionLocalProvider(LocalLayoutDirection provides LayoutDirection.Ltr) {
        Column(modifier.fillMaxWidth(), verticalArrangement = Arrangement.spacedBy(10.dp), horizontalAlignment = Alignment.CenterHorizontally) {
            for (row in rows) {
                Row(horizontalArrangement = Arrangement.spacedBy(10.dp)) {
                    for (digit in row) DigitKey(digit, onDigit, enabled)
                }
            }
            Row(horizontalArrangement = Arrangement.spacedBy(10.dp)) {
                Box(Modifier.size(width = 88.dp, height = 68.dp))
                DigitKey('0', onDigit, enabled)
                FilledTonalButton(
                    onClick = onDelete,
                    enabled = enabled,
                    modifier = Modifier.size(width = 88.dp, height = 68.dp).testTag("pin-delete"),
                ) {
                    Icon(Icons.Filled.Clear, contentDescription = strings["pinpad-delete.label"], modifier = Modifier.size(30.dp))
                }
            }
        }
    }
}

@Composable
private fun DigitKey(digit: Char, onDigit: (Char) -> Unit, enabled: Boolean) {
    FilledTonalButton(
        onClick = { onDigit(digit) },
        enabled = enabled,
        modifier = Modifier.size(width = 88.dp, height = 68.dp).testTag("pin-$digit"),
    ) {
        Text(digit.toString(), fontSize = 28.sp, fontWeight = FontWeight.SemiBold)
    }
}

/** Space between a pad and what is above it. */
@Composable
fun PadGap() = Box(Modifier.height(8.dp))
