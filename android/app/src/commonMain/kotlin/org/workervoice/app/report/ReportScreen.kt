package org.workervoice.app.report

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.ArrowForward
import androidx.compose.material.icons.automirrored.filled.Send
import androidx.compose.material.icons.filled.Edit
import androidx.compose.material.icons.filled.Home
import androidx.compose.material.icons.filled.Lock
import androidx.compose.material.icons.filled.Person
import androidx.compose.material.icons.filled.Phone
import androidx.compose.material.icons.filled.ShoppingCart
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material.icons.filled.AccountBox
import androidx.compose.material.icons.filled.Call
import androidx.compose.material.icons.filled.Delete
import androidx.compose.material.icons.filled.Close
import androidx.compose.material.icons.filled.Done
import androidx.compose.material.icons.automirrored.filled.List
import androidx.compose.material.icons.filled.PlayArrow
import androidx.compose.ui.text.input.KeyboardType
import org.workervoice.app.APP_LANGUAGES
import org.workervoice.app.LANGUAGE_ENDONYMS
import org.workervoice.app.LocalStrings
import org.workervoice.model.AttachmentType
import org.workervoice.app.Strings
import org.workervoice.app.ui.BigButton
import org.workervoice.app.ui.ChoiceCard
import org.workervoice.app.ui.ErrorMessage
import org.workervoice.app.ui.Hint
import org.workervoice.app.ui.LabelledValue
import org.workervoice.app.ui.ScreenFrame
import org.workervoice.app.ui.TOUCH_TARGET
import org.workervoice.app.ui.Warning
import org.workervoice.app.ui.categoryIcon
import org.workervoice.model.GrievanceRoute

/** One report, one step at a time, ending with a review and Send. */
@Composable
fun ReportScreen(
    ui: ReportUi,
    position: Pair<Int, Int>,
    anonymousOnly: Boolean,
    onCategory: (String) -> Unit,
    onText: (String) -> Unit,
    onAnonymous: (Boolean) -> Unit,
    onToggleRoute: (GrievanceRoute) -> Unit,
    onEdit: (ReportStep) -> Unit,
    onNext: () -> Unit,
    onBack: () -> Unit,
    onTakePhoto: () -> Unit = {},
    onChoosePhoto: () -> Unit = {},
    onRecord: () -> Unit = {},
    onStopRecording: () -> Unit = {},
    onCancelRecording: () -> Unit = {},
    onPlay: (Int) -> Unit = {},
    onDetach: (Int) -> Unit = {},
    onCallback: (Boolean) -> Unit = {},
    onPhone: (String) -> Unit = {},
    onCallTime: (String) -> Unit = {},
    onCallLanguage: (String) -> Unit = {},
) {
    val s = LocalStrings.current
    val review = ui.step == ReportStep.REVIEW
    ScreenFrame(
        title = s["report-title"],
        onBack = if (ui.busy) null else onBack,
        bottom = {
            BigButton(
                text = if (review) (if (ui.busy) s["report-sending"] else s["report-send"]) else s["common-next"],
                onClick = onNext,
                icon = if (review) Icons.AutoMirrored.Filled.Send else Icons.AutoMirrored.Filled.ArrowForward,
                enabled = ui.canContinue,
                busy = ui.busy,
                modifier = Modifier.testTag(if (review) "report-send" else "report-next"),
            )
        },
    ) {
        Text(s("report-step", "step" to position.first, "count" to position.second), style = MaterialTheme.typography.bodyMedium)
        if (anonymousOnly && ui.step == ReportStep.CATEGORY) Hint(s["report-kiosk-anonymous"])
        when (ui.step) {
            ReportStep.CATEGORY -> {
                Text(s["report-category-title"], style = MaterialTheme.typography.titleLarge)
                for (category in ui.categories) {
                    ChoiceCard(
                        title = category.label,
                        selected = category.id == ui.categoryId,
                        onClick = { onCategory(category.id) },
                        icon = categoryIcon(category.id),
                        modifier = Modifier.testTag("category-${category.id}"),
                    )
                }
            }
            ReportStep.TEXT -> {
                Text(s["report-text-title"], style = MaterialTheme.typography.titleLarge)
                Hint(s["report-text-hint"])
                OutlinedTextField(
                    value = ui.text,
                    onValueChange = onText,
                    label = { Text(s["report-text-label"]) },
                    minLines = 6,
                    textStyle = MaterialTheme.typography.bodyLarge,
                    modifier = Modifier.fillMaxWidth().testTag("report-text"),
                )
                Attachments(ui, onTakePhoto, onChoosePhoto, onRecord, onStopRecording, onCancelRecording, onPlay, onDetach)
            }
            ReportStep.IDENTITY -> {
                Text(s["report-identity-title"], style = MaterialTheme.typography.titleLarge)
                ChoiceCard(s["report-anonymous"], ui.anonymous == true, { onAnonymous(true) }, hint = s["report-anonymous-hint"], icon = Icons.Filled.Lock, modifier = Modifier.testTag("report-anonymous"))
                ChoiceCard(s["report-named"], ui.anonymous == false, { onAnonymous(false) }, hint = s["report-named-hint"], icon = Icons.Filled.Person, modifier = Modifier.testTag("report-named"))
                // A call-back gives a phone number: offered on named reports only.
                if (ui.anonymous == false) CallbackRequest(ui, onCallback, onPhone, onCallTime, onCallLanguage)
            }
            ReportStep.ROUTE -> {
                Text(s["report-route-title"], style = MaterialTheme.typography.titleLarge)
                if (ui.readers.isEmpty()) Hint(s["report-route-readers-unknown"])
                for (route in ui.offeredRoutes) {
                    val tag = route.name.lowercase()
                    val readers = ui.readersOf(route)
                    ChoiceCard(
                        title = s[routeId(route)],
                        hint = s["${routeId(route)}-hint"],
                        selected = route in ui.routes,
                        onClick = { onToggleRoute(route) },
                        icon = routeIcon(route),
                        multiple = true,
                        modifier = Modifier.testTag("route-$tag"),
                    ) {
                        if (readers != null) {
                            Text(
                                s(
                                    "report-route-readers",
                                    "organisation" to readers.organisation.ifBlank { s["report-route-unnamed"] },
                                    "count" to readers.readers,
                                ),
                                style = MaterialTheme.typography.bodyMedium,
                                modifier = Modifier.testTag("route-readers-$tag"),
                            )
                            if (readers.singleReader) Warning(s["report-route-single"], Modifier.testTag("route-single-$tag"))
                        }
                    }
                }
                if (ui.routes.isEmpty()) Hint(s["report-route-none"])
            }
            ReportStep.REVIEW -> {
                Text(s["report-review-title"], style = MaterialTheme.typography.titleLarge)
                ReviewRow(s["report-review-category"], ui.category?.label.orEmpty(), s) { onEdit(ReportStep.CATEGORY) }
                ReviewRow(s["report-review-text"], ui.text, s) { onEdit(ReportStep.TEXT) }
                ReviewRow(s["report-review-identity"], if (ui.anonymous == true) s["report-anonymous"] else s("report-review-named", "name" to ui.workerName), s) { if (!anonymousOnly) onEdit(ReportStep.IDENTITY) }
                if (ui.attachments.isNotEmpty()) {
                    ReviewRow(s["report-review-attachments"], ui.attachments.joinToString(", ") { it.name }, s) { onEdit(ReportStep.TEXT) }
                }
                if (ui.callback && ui.anonymous == false) {
                    ReviewRow(
                        s["report-review-callback"],
                        s("report-review-callback-value", "phone" to ui.phone.trim(), "time" to ui.callTime.trim(), "language" to (LANGUAGE_ENDONYMS[ui.callLanguage] ?: ui.callLanguage)),
                        s,
                    ) { onEdit(ReportStep.IDENTITY) }
                }
                ReviewRow(s["report-review-route"], ui.offeredRoutes.filter { it in ui.routes }.joinToString(", ") { s[routeId(it)] }, s) { onEdit(ReportStep.ROUTE) }
            }
        }
        ErrorMessage(ui.error)
    }
}

/**
 * "Take a photo", "Choose a photo" (only where the core's policy offers the
 * photo library: never on a shared tablet), "Record a voice note" with its
 * recording panel, and what is attached, each removable, voice notes playable.
 */
@Composable
private fun Attachments(
    ui: ReportUi,
    onTakePhoto: () -> Unit,
    onChoosePhoto: () -> Unit,
    onRecord: () -> Unit,
    onStopRecording: () -> Unit,
    onCancelRecording: () -> Unit,
    onPlay: (Int) -> Unit,
    onDetach: (Int) -> Unit,
) {
    val s = LocalStrings.current
    Hint(s["report-attachments-hint"])
    ui.limits?.let { limits ->
        Hint(
            s("report-attachments-limits", "count" to limits.maxCount, "max" to limits.maxTotalBytes / BYTES_PER_MEGABYTE),
            Modifier.testTag("report-attachments-limits"),
        )
    }
    val recording = ui.recordingSeconds
    if (recording != null) {
        val limit = ui.capture?.voiceMaxSeconds?.toInt() ?: 0
        // Read out as it changes, so a worker who cannot read sees and hears that it records.
        Row(
            Modifier.fillMaxWidth().testTag("report-recording").semantics(mergeDescendants = true) { liveRegion = LiveRegionMode.Polite },
            verticalAlignment = Alignment.CenterVertically,
            horizontalArrangement = Arrangement.spacedBy(10.dp),
        ) {
            Icon(Icons.Filled.Call, contentDescription = null, tint = MaterialTheme.colorScheme.primary)
            Text(s("report-recording", "elapsed" to clock(recording), "max" to clock(limit)), style = MaterialTheme.typography.titleMedium)
        }
        Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.spacedBy(10.dp)) {
            BigButton(s["report-recording-stop"], onStopRecording, icon = Icons.Filled.Done, modifier = Modifier.weight(1f).testTag("report-recording-stop"))
            BigButton(s["report-recording-cancel"], onCancelRecording, icon = Icons.Filled.Close, outlined = true, modifier = Modifier.weight(1f).testTag("report-recording-cancel"))
        }
    } else if (ui.canAttach && ui.capture != null) {
        // At the core's count the buttons go: a worker is not offered what the core would refuse.
        if (ui.canTakePhoto) {
            BigButton(s["report-take-photo"], onTakePhoto, icon = Icons.Filled.AccountBox, outlined = true, busy = ui.picking, modifier = Modifier.fillMaxWidth().testTag("report-attach-camera"))
        }
        if (ui.canChoosePhoto) {
            BigButton(s["report-choose-photo"], onChoosePhoto, icon = Icons.AutoMirrored.Filled.List, outlined = true, busy = ui.picking, modifier = Modifier.fillMaxWidth().testTag("report-attach-library"))
        }
        BigButton(s["report-record-voice"], onRecord, icon = Icons.Filled.Call, outlined = true, busy = ui.picking, modifier = Modifier.fillMaxWidth().testTag("report-attach-voice"))
    }
    ui.attachmentError?.let { Warning(it, Modifier.testTag("report-attachment-refused")) }
    ui.attachments.forEachIndexed { index, attached ->
        Row(Modifier.fillMaxWidth().testTag("attachment-$index"), verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Icon(if (attached.kind == AttachmentType.PHOTO) Icons.Filled.AccountBox else Icons.Filled.Call, contentDescription = null)
            Text(attached.name, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.weight(1f))
            if (attached.kind == AttachmentType.VOICE) {
                TextButton(onClick = { onPlay(index) }, modifier = Modifier.heightIn(min = TOUCH_TARGET).testTag("attachment-play-$index")) {
                    Icon(Icons.Filled.PlayArrow, contentDescription = s("report-attachment-play", "what" to attached.name))
                }
            }
            TextButton(onClick = { onDetach(index) }, modifier = Modifier.heightIn(min = TOUCH_TARGET).testTag("attachment-remove-$index")) {
                Icon(Icons.Filled.Delete, contentDescription = s("report-attachment-remove", "what" to attached.name))
            }
        }
    }
}

/** Seconds as m:ss (a recording's length, read the same in every language). */
private fun clock(seconds: Int): String = "${seconds / 60}:${(seconds % 60).toString().padStart(2, '0')}"

/** "Ask to be called back": phone, when, and the language of the call. */
@Composable
private fun CallbackRequest(
    ui: ReportUi,
    onCallback: (Boolean) -> Unit,
    onPhone: (String) -> Unit,
    onCallTime: (String) -> Unit,
    onCallLanguage: (String) -> Unit,
) {
    val s = LocalStrings.current
    ChoiceCard(s["report-callback"], ui.callback, { onCallback(!ui.callback) }, hint = s["report-callback-hint"], icon = Icons.Filled.Phone, multiple = true, modifier = Modifier.testTag("report-callback"))
    if (!ui.callback) return
    OutlinedTextField(
        value = ui.phone,
        onValueChange = onPhone,
        label = { Text(s["report-callback-phone"]) },
        singleLine = true,
        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Phone),
        textStyle = MaterialTheme.typography.titleLarge,
        modifier = Modifier.fillMaxWidth().testTag("callback-phone"),
    )
    OutlinedTextField(
        value = ui.callTime,
        onValueChange = onCallTime,
        label = { Text(s["report-callback-time"]) },
        singleLine = true,
        textStyle = MaterialTheme.typography.bodyLarge,
        modifier = Modifier.fillMaxWidth().testTag("callback-time"),
    )
    Text(s["report-callback-language"], style = MaterialTheme.typography.titleMedium)
    for (tag in APP_LANGUAGES) {
        ChoiceCard(LANGUAGE_ENDONYMS[tag] ?: tag, ui.callLanguage == tag, { onCallLanguage(tag) }, modifier = Modifier.testTag("callback-language-$tag"))
    }
}

@Composable
private fun ReviewRow(label: String, value: String, s: Strings, onEdit: () -> Unit) {
    Row(Modifier.fillMaxWidth(), verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        LabelledValue(label, value, Modifier.weight(1f))
        TextButton(onClick = onEdit, modifier = Modifier.heightIn(min = TOUCH_TARGET)) {
            Icon(Icons.Filled.Edit, contentDescription = s("report-change", "what" to label))
        }
    }
}

/** The core's limit is in bytes; the worker reads megabytes (MiB, as the core's own messages count them). */
private const val BYTES_PER_MEGABYTE = 1_048_576uL

/** The string id of a route's name (its hint is `<id>-hint`). */
fun routeId(route: GrievanceRoute): String = "report-route-${route.name.lowercase()}"

private fun routeIcon(route: GrievanceRoute) = when (route) {
    GrievanceRoute.FACTORY_COMMITTEE -> Icons.Filled.Home
    GrievanceRoute.INDEPENDENT_HOTLINE -> Icons.Filled.Phone
    GrievanceRoute.BRAND -> Icons.Filled.ShoppingCart
}

