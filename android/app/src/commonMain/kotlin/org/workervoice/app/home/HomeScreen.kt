package org.workervoice.app.home

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.ExitToApp
import androidx.compose.material.icons.automirrored.filled.Send
import androidx.compose.material.icons.filled.CheckCircle
import androidx.compose.material.icons.filled.Edit
import androidx.compose.material.icons.filled.List
import androidx.compose.material.icons.filled.Lock
import androidx.compose.material.icons.filled.Refresh
import androidx.compose.material.icons.filled.Search
import androidx.compose.material.icons.filled.Settings
import androidx.compose.material.icons.filled.Star
import androidx.compose.material.icons.filled.Warning
import androidx.compose.material3.Icon
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import org.workervoice.app.Activity
import org.workervoice.app.LocalStrings
import org.workervoice.app.Strings
import org.workervoice.app.ui.BigButton
import org.workervoice.app.ui.ErrorMessage
import org.workervoice.app.ui.ScreenFrame

/**
 * The signed-in worker's start: what the core is doing in the background
 * (sending, no connection, what waits, when it last reached the hub), then
 * report, my reports, surveys, training, follow up, change PIN, language,
 * and "I'm done". Every state shown is the core's ([activity], from its
 * events); the screen only words it.
 */
@Composable
fun HomeScreen(
    name: String,
    queued: Long,
    activity: Activity,
    notice: String?,
    onReport: () -> Unit,
    onFollowUp: (() -> Unit)?,
    onMyCases: () -> Unit,
    onSurveys: () -> Unit,
    onTraining: () -> Unit,
    onChangePin: () -> Unit,
    onSyncNow: () -> Unit,
    onLanguage: () -> Unit,
    onDone: () -> Unit,
    /** A shared tablet: the outbox is everyone's, so no count of it is shown. */
    shared: Boolean = false,
    /** Now, in unix seconds, for "last in touch … ago" (the caller's clock). */
    nowSeconds: Long = 0,
) {
    val s = LocalStrings.current
    ScreenFrame(
        title = if (name.isBlank()) s["app-name"] else s("home-hello", "name" to name),
        bottom = { BigButton(s["home-done"], onDone, icon = Icons.AutoMirrored.Filled.ExitToApp, outlined = true, modifier = Modifier.testTag("home-done")) },
    ) {
        BackgroundActivity(activity, queued, shared, nowSeconds, onSyncNow)
        ErrorMessage(notice)
        BigButton(s["home-report"], onReport, icon = Icons.AutoMirrored.Filled.Send, modifier = Modifier.testTag("home-report"))
        BigButton(s["home-my-cases"], onMyCases, icon = Icons.Filled.List, outlined = true, modifier = Modifier.testTag("home-my-cases"))
        BigButton(s["home-surveys"], onSurveys, icon = Icons.Filled.Edit, outlined = true, modifier = Modifier.testTag("home-surveys"))
        BigButton(s["home-training"], onTraining, icon = Icons.Filled.Star, outlined = true, modifier = Modifier.testTag("home-training"))
        if (onFollowUp != null) BigButton(s["home-follow-up"], onFollowUp, icon = Icons.Filled.Search, outlined = true, modifier = Modifier.testTag("home-follow-up"))
        BigButton(s["home-change-pin"], onChangePin, icon = Icons.Filled.Lock, outlined = true, modifier = Modifier.testTag("home-change-pin"))
        BigButton(s["home-language"], onLanguage, icon = Icons.Filled.Settings, outlined = true, modifier = Modifier.testTag("home-language"))
    }
}

/**
 * One status block: a sync under way (with its progress), or no connection,
 * or everything sent; what waits and "Send now"; reports the hub refused;
 * when the device last reached the hub. Announced politely when it changes.
 * No spinning indicator: the progress bar moves only when the core reports
 * progress (an endless animation would never let the screen settle).
 */
@Composable
private fun BackgroundActivity(activity: Activity, queued: Long, shared: Boolean, nowSeconds: Long, onSyncNow: () -> Unit) {
    val s = LocalStrings.current
    val syncing = activity.syncing
    val status = Modifier.fillMaxWidth().semantics(mergeDescendants = true) { liveRegion = LiveRegionMode.Polite }
    when {
        syncing != null -> {
            StatusLine(
                Icons.Filled.Refresh,
                if (syncing.second > 0) s("home-syncing", "done" to syncing.first, "total" to syncing.second) else s["home-sync-started"],
                status.testTag("home-syncing"),
            )
            if (syncing.second > 0) {
                LinearProgressIndicator(progress = { syncing.first.toFloat() / syncing.second }, modifier = Modifier.fillMaxWidth())
            }
        }
        activity.offline -> StatusLine(Icons.Filled.Warning, s["home-offline"], status.testTag("home-offline"), error = true)
        // Nothing waits (the core said so): everything this device wrote has reached the hub.
        activity.queued == 0L && queued == 0L -> StatusLine(Icons.Filled.CheckCircle, s["home-all-sent"], status.testTag("home-all-sent"))
    }
    if (queued > 0 && !shared) {
        Text(s("home-queued", "count" to queued), style = MaterialTheme.typography.titleMedium, modifier = Modifier.testTag("home-queued"))
    }
    if ((queued > 0 || activity.offline) && syncing == null) {
        BigButton(s["home-sync-now"], onSyncNow, icon = Icons.Filled.Refresh, outlined = true, modifier = Modifier.testTag("home-sync-now"))
    }
    if (activity.needsAttention > 0 && !shared) ErrorMessage(s("home-needs-attention", "count" to activity.needsAttention))
    Text(lastSync(s, activity.lastSyncAt, nowSeconds), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant, modifier = Modifier.testTag("home-last-sync"))
}

@Composable
private fun StatusLine(icon: ImageVector, text: String, modifier: Modifier, error: Boolean = false) {
    Row(modifier, verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(12.dp)) {
        Icon(icon, contentDescription = null, tint = if (error) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.primary)
        Text(text, style = MaterialTheme.typography.bodyLarge)
    }
}

/** "Last in touch with the hub: N minutes/hours/days ago", or "not yet". */
private fun lastSync(s: Strings, at: Long?, now: Long): String {
    if (at == null) return s["home-never-synced"]
    // A clock set back shows "just now", never a negative age.
    val minutes = ((now - at) / 60).coerceAtLeast(0)
    return when {
        minutes < 60 -> s("home-last-sync-minutes", "count" to minutes)
        minutes < 48 * 60 -> s("home-last-sync-hours", "count" to minutes / 60)
        else -> s("home-last-sync-days", "count" to minutes / (24 * 60))
    }
}
