package org.workervoice.app.cases

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Person
import androidx.compose.material3.Card
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.compose.material.icons.automirrored.filled.Send
import androidx.compose.material.icons.filled.Info
import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import java.util.Locale
import org.workervoice.app.LocalStrings
import org.workervoice.app.Strings
import org.workervoice.app.ui.BigButton
import org.workervoice.app.ui.ErrorMessage
import org.workervoice.app.ui.Hint
import org.workervoice.app.ui.ScreenFrame
import org.workervoice.app.ui.TOUCH_TARGET
import org.workervoice.app.ui.categoryIcon
import org.workervoice.model.CaseState as CaseStatus
import org.workervoice.model.MessageAuthor

/** A date in the screen's language, e.g. "5 Dec 2026, 21:30". */
fun formatTime(unixSeconds: Long, strings: Strings): String =
    DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
        .withLocale(Locale.forLanguageTag(strings.language))
        .withZone(ZoneId.systemDefault())
        .format(Instant.ofEpochSecond(unixSeconds))

/** The name of a case's state. */
fun statusName(status: CaseStatus, strings: Strings): String = strings["case-state-${status.name.lowercase()}"]

/** The signed-in worker's reports, each with its state. */
@Composable
fun CasesScreen(ui: CasesUi, onOpen: (String) -> Unit, onBack: () -> Unit) {
    val s = LocalStrings.current
    ScreenFrame(title = s["cases-title"], onBack = onBack) {
        if (ui.loading) CircularProgressIndicator()
        ErrorMessage(ui.error)
        if (!ui.loading && ui.cases.isEmpty() && ui.error == null) Hint(s["cases-empty"])
        for (case in ui.cases) {
            val date = formatTime(case.createdAt, s)
            Card(
                onClick = { onOpen(case.caseId) },
                modifier = Modifier.fillMaxWidth().heightIn(min = TOUCH_TARGET).testTag("case-${case.caseId}")
                    .semantics { contentDescription = s("cases-open", "date" to date) + ". " + statusName(case.state, s) },
            ) {
                Row(Modifier.padding(16.dp), verticalAlignment = Alignment.CenterVertically) {
                    Icon(categoryIcon(case.categoryId), contentDescription = null, modifier = Modifier.size(32.dp))
                    Column(Modifier.padding(start = 16.dp).weight(1f)) {
                        Text(date, style = MaterialTheme.typography.bodyMedium)
                        Text(case.text?.take(80).orEmpty(), style = MaterialTheme.typography.titleMedium, maxLines = 2)
                        Text(statusName(case.state, s), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.primary)
                    }
                }
            }
        }
    }
}

/** A case's conversation and the worker's answer. */
@Composable
fun CaseScreen(ui: CaseUi, caseId: String, onReply: (String) -> Unit, onSend: () -> Unit, onBack: () -> Unit) {
    val s = LocalStrings.current
    ScreenFrame(
        title = s("case-title", "case" to caseId),
        onBack = onBack,
        bottom = {
            OutlinedTextField(
                value = ui.reply,
                onValueChange = onReply,
                label = { Text(s["case-reply-label"]) },
                minLines = 2,
                modifier = Modifier.fillMaxWidth().testTag("case-reply"),
            )
            BigButton(s["case-reply-send"], onSend, icon = Icons.AutoMirrored.Filled.Send, enabled = ui.canSend, busy = ui.busy, modifier = Modifier.testTag("case-send"))
        },
    ) {
        val thread = ui.thread
        if (thread == null) {
            if (ui.error == null) CircularProgressIndicator()
        } else {
            Text(s("case-status", "status" to statusName(thread.state, s)), style = MaterialTheme.typography.titleMedium, modifier = Modifier.testTag("case-status"))
            val texts = thread.messages.filter { it.text != null }
            if (texts.none { it.author == MessageAuthor.HANDLER }) Hint(s["case-no-replies"])
            for (message in thread.messages) {
                val text = message.text
                if (text == null) {
                    message.status?.let { Row(verticalAlignment = Alignment.CenterVertically) {
                        Icon(Icons.Filled.Info, contentDescription = null, modifier = Modifier.size(20.dp))
                        Text(" ${formatTime(message.at, s)} · ${statusName(it, s)}", style = MaterialTheme.typography.bodyMedium)
                    } }
                    continue
                }
                val mine = message.author == MessageAuthor.WORKER
                Surface(
                    color = if (mine) MaterialTheme.colorScheme.primaryContainer else MaterialTheme.colorScheme.secondaryContainer,
                    shape = RoundedCornerShape(16.dp),
                    modifier = Modifier.fillMaxWidth().padding(start = if (mine) 40.dp else 0.dp, end = if (mine) 0.dp else 40.dp)
                        .testTag(if (mine) "message-mine" else "message-reply"),
                ) {
                    Column(Modifier.padding(14.dp)) {
                        Row(verticalAlignment = Alignment.CenterVertically) {
                            if (mine) Icon(Icons.Filled.Person, contentDescription = null, modifier = Modifier.size(18.dp))
                            Text(
                                "${if (mine) s["case-you"] else s["case-reply-from"]} · ${formatTime(message.at, s)}",
                                style = MaterialTheme.typography.bodyMedium,
                            )
                        }
                        Text(text, style = MaterialTheme.typography.bodyLarge)
                    }
                }
            }
        }
        ErrorMessage(ui.error)
    }
}
