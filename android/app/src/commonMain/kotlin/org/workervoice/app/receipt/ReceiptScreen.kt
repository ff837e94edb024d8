package org.workervoice.app.receipt

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.selection.toggleable
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Check
import androidx.compose.material.icons.filled.PlayArrow
import androidx.compose.material3.Checkbox
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import org.workervoice.app.LocalStrings
import org.workervoice.app.ui.BigButton
import org.workervoice.app.ui.Hint
import org.workervoice.app.ui.ScreenFrame
import org.workervoice.app.ui.TOUCH_TARGET
import org.workervoice.model.Receipt

/**
 * The receipt, shown once: the case number and the secret, large, with
 * "I have written it down" before the worker can move on. The secret is
 * spoken character by character by screen readers, and "Read aloud" has the
 * platform's voice read both ([onReadAloud]: false when it has no voice for
 * the language, and the screen says so).
 *
 * [fromSurvey]: the case was opened by a survey's answers; the screen says
 * so, and says nothing of delivery (the case leaves with the answers after
 * the core's random delay; the survey's thanks that follow say it).
 */
@Composable
fun ReceiptScreen(receipt: Receipt, sent: Boolean, onNoted: () -> Unit, fromSurvey: Boolean = false, onReadAloud: () -> Boolean = { false }) {
    val s = LocalStrings.current
    var written by rememberSaveable(receipt.caseId) { mutableStateOf(false) }
    var noVoice by rememberSaveable(receipt.caseId) { mutableStateOf(false) }
    ScreenFrame(
        title = s["receipt-title"],
        bottom = {
            Row(
                Modifier.fillMaxWidth().heightIn(min = TOUCH_TARGET)
                    .toggleable(value = written, role = Role.Checkbox, onValueChange = { written = it })
                    .testTag("receipt-written"),
                verticalAlignment = Alignment.CenterVertically,
            ) {
                Checkbox(checked = written, onCheckedChange = null)
                Text(s["receipt-written"], style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(start = 12.dp))
            }
            BigButton(s["receipt-continue"], onNoted, icon = Icons.Filled.Check, enabled = written, modifier = Modifier.testTag("receipt-continue"))
        },
    ) {
        if (fromSurvey) Hint(s["survey-thanks-case"], Modifier.testTag("receipt-from-survey"))
        Hint(s["receipt-hint"])
        ReceiptPart(s["receipt-case"], receipt.caseId, "receipt-case")
        ReceiptPart(s["receipt-secret"], receipt.secret, "receipt-secret")
        BigButton(
            s["receipt-read-aloud"],
            { noVoice = !onReadAloud() },
            icon = Icons.Filled.PlayArrow,
            outlined = true,
            modifier = Modifier.testTag("receipt-read-aloud"),
        )
        if (noVoice) Hint(s["read-aloud-unavailable"], Modifier.testTag("read-aloud-unavailable"))
        if (!fromSurvey) {
            Text(if (sent) s["receipt-sent"] else s["receipt-queued"], style = MaterialTheme.typography.bodyLarge, modifier = Modifier.testTag("receipt-delivery"))
        }
    }
}

@Composable
private fun ReceiptPart(label: String, value: String, tag: String) {
    Surface(color = MaterialTheme.colorScheme.primaryContainer, shape = MaterialTheme.shapes.large) {
        Column(
            Modifier.fillMaxWidth().padding(18.dp).semantics(mergeDescendants = true) {
                // Spelled out, so "ABCDE" is read as letters and digits one by one.
                contentDescription = "$label: ${value.toList().joinToString(" ")}"
            },
        ) {
            Text(label, style = MaterialTheme.typography.titleMedium)
            Text(
                value,
                fontFamily = FontFamily.Monospace,
                fontSize = 30.sp,
                lineHeight = 38.sp,
                fontWeight = FontWeight.Bold,
                letterSpacing = 1.sp,
                modifier = Modifier.testTag(tag),
            )
        }
    }
}
