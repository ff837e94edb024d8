package org.workervoice.app.home

import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.ExitToApp
import androidx.compose.material.icons.automirrored.filled.Send
import androidx.compose.material.icons.filled.Edit
import androidx.compose.material.icons.filled.List
import androidx.compose.material.icons.filled.Search
import androidx.compose.material.icons.filled.Settings
import androidx.compose.material.icons.filled.Star
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import org.workervoice.app.LocalStrings
import org.workervoice.app.ui.BigButton
import org.workervoice.app.ui.ErrorMessage
import org.workervoice.app.ui.Hint
import org.workervoice.app.ui.ScreenFrame

/** The signed-in worker's start: report, follow up, language, done. */
@Composable
fun HomeScreen(
    name: String,
    queued: Long,
    notice: String?,
    onReport: () -> Unit,
    onFollowUp: (() -> Unit)?,
    onMyCases: () -> Unit,
    onSurveys: () -> Unit,
    onTraining: () -> Unit,
    onLanguage: () -> Unit,
    onDone: () -> Unit,
) {
    val s = LocalStrings.current
    ScreenFrame(
        title = if (name.isBlank()) s["app-name"] else s("home-hello", "name" to name),
        bottom = { BigButton(s["home-done"], onDone, icon = Icons.AutoMirrored.Filled.ExitToApp, outlined = true, modifier = Modifier.testTag("home-done")) },
    ) {
        if (queued > 0) Hint(s("home-queued", "count" to queued))
        ErrorMessage(notice)
        BigButton(s["home-report"], onReport, icon = Icons.AutoMirrored.Filled.Send, modifier = Modifier.testTag("home-report"))
        BigButton(s["home-my-cases"], onMyCases, icon = Icons.Filled.List, outlined = true, modifier = Modifier.testTag("home-my-cases"))
        BigButton(s["home-surveys"], onSurveys, icon = Icons.Filled.Edit, outlined = true, modifier = Modifier.testTag("home-surveys"))
        BigButton(s["home-training"], onTraining, icon = Icons.Filled.Star, outlined = true, modifier = Modifier.testTag("home-training"))
        if (onFollowUp != null) BigButton(s["home-follow-up"], onFollowUp, icon = Icons.Filled.Search, outlined = true, modifier = Modifier.testTag("home-follow-up"))
        BigButton(s["home-language"], onLanguage, icon = Icons.Filled.Settings, outlined = true, modifier = Modifier.testTag("home-language"))
    }
}
