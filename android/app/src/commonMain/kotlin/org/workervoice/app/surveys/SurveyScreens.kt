package org.workervoice.app.surveys

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.widthIn
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.Send
import androidx.compose.material.icons.filled.Check
import androidx.compose.material.icons.filled.Close
import androidx.compose.material.icons.filled.Done
import androidx.compose.material.icons.filled.Edit
import androidx.compose.material.icons.filled.PlayArrow
import androidx.compose.material.icons.filled.Star
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Button
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.Icon
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.ui.unit.dp
import org.workervoice.app.LocalStrings
import org.workervoice.app.ui.BigButton
import org.workervoice.app.ui.ChoiceCard
import org.workervoice.app.ui.ErrorMessage
import org.workervoice.app.ui.Hint
import org.workervoice.app.ui.ScreenFrame
import org.workervoice.app.ui.TOUCH_TARGET
import org.workervoice.app.ui.Warning
import org.workervoice.model.OpenSurveyState
import org.workervoice.model.SurveyAnswerInput
import org.workervoice.model.SurveyQuestionKind
import org.workervoice.model.SurveyQuestionView

/** The surveys open to the worker, with where each stands on this device. */
@Composable
fun SurveysScreen(ui: SurveysUi, onOpen: (String) -> Unit, onBack: () -> Unit) {
    val s = LocalStrings.current
    ScreenFrame(title = s["surveys-title"], onBack = onBack) {
        if (ui.loading) {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                CircularProgressIndicator(Modifier.size(28.dp))
                Text(s["surveys-loading"], style = MaterialTheme.typography.bodyLarge)
            }
        }
        ErrorMessage(ui.error)
        if (!ui.loading && ui.surveys.isEmpty() && ui.error == null) Hint(s["surveys-empty"])
        for (survey in ui.surveys) {
            val ready = survey.state == OpenSurveyState.READY
            val state = if (ready && survey.id in ui.started) s["surveys-in-progress"] else s["surveys-state-${survey.state.name.lowercase()}"]
            ChoiceCard(
                title = survey.title.ifBlank { s["surveys-title"] },
                hint = state,
                selected = false,
                onClick = { if (ready) onOpen(survey.id) },
                icon = if (ready) Icons.Filled.Edit else Icons.Filled.Done,
                modifier = Modifier.testTag("survey-${survey.id}"),
            )
        }
    }
}

/**
 * One survey on one scrolling page: the questions the core shows now (they
 * appear and go as answers change), each drawn by its type, with the core's
 * problems beside them once the worker tried to send.
 */
@Composable
fun SurveyScreen(
    ui: SurveyUi,
    onAnswer: (String, SurveyAnswerInput?) -> Unit,
    onTyped: (String, String, (String) -> SurveyAnswerInput?) -> Unit,
    onListen: ((SurveyQuestionView) -> Unit)?,
    onSave: () -> Unit,
    onSubmit: () -> Unit,
    onBack: () -> Unit,
    onDone: () -> Unit,
) {
    val s = LocalStrings.current
    val survey = ui.survey
    if (ui.submitted != null) {
        ScreenFrame(
            title = s["survey-thanks-title"],
            bottom = { BigButton(s["common-continue"], onDone, icon = Icons.Filled.Check, modifier = Modifier.testTag("survey-done")) },
        ) {
            Text(s["survey-thanks"], style = MaterialTheme.typography.bodyLarge, modifier = Modifier.testTag("survey-thanks"))
            // What happens to the answers now, in plain words: sealed, sent later, opened by whom.
            Text(s["survey-thanks-next"], style = MaterialTheme.typography.bodyLarge, modifier = Modifier.testTag("survey-thanks-next"))
            if (ui.submitted.case != null) Hint(s["survey-thanks-case"])
        }
        return
    }
    ScreenFrame(
        title = survey?.title ?: s["surveys-title"],
        onBack = if (ui.busy) null else onBack,
        bottom = {
            BigButton(s["survey-submit"], onSubmit, icon = Icons.AutoMirrored.Filled.Send, busy = ui.busy, enabled = survey != null, modifier = Modifier.testTag("survey-submit"))
            BigButton(s["survey-save"], onSave, outlined = true, enabled = survey != null && !ui.busy, modifier = Modifier.testTag("survey-save"))
        },
    ) {
        ErrorMessage(ui.error)
        if (survey == null) return@ScreenFrame
        survey.intro?.let { Text(it, style = MaterialTheme.typography.bodyLarge) }
        Hint(s["survey-anonymous"])
        if (ui.showProblems && ui.check?.problems?.isNotEmpty() == true) ErrorMessage(s["survey-fix"])
        for (question in ui.visible) {
            Question(question, ui, onAnswer, onTyped, onListen)
        }
    }
}

@Composable
private fun Question(
    q: SurveyQuestionView,
    ui: SurveyUi,
    onAnswer: (String, SurveyAnswerInput?) -> Unit,
    onTyped: (String, String, (String) -> SurveyAnswerInput?) -> Unit,
    onListen: ((SurveyQuestionView) -> Unit)?,
) {
    val s = LocalStrings.current
    val answer = ui.answers[q.id]
    Surface(shape = MaterialTheme.shapes.large, color = MaterialTheme.colorScheme.surfaceVariant, modifier = Modifier.fillMaxWidth().testTag("question-${q.id}")) {
        Column(Modifier.padding(14.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(q.label, style = MaterialTheme.typography.titleMedium, modifier = Modifier.weight(1f))
                if (onListen != null) {
                    TextButton(onClick = { onListen(q) }, modifier = Modifier.size(TOUCH_TARGET).testTag("listen-${q.id}")) {
                        Icon(Icons.Filled.PlayArrow, contentDescription = s["survey-listen"])
                    }
                }
            }
            q.help?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
            if (q.required) Text(s["survey-required"], style = MaterialTheme.typography.labelMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
            when (val kind = q.kind) {
                is SurveyQuestionKind.YesNo -> {
                    val yes = (answer as? SurveyAnswerInput.YesNo)?.value
                    ChoiceCard(s["survey-yes"], yes == true, { onAnswer(q.id, SurveyAnswerInput.YesNo(true)) }, icon = Icons.Filled.Check, modifier = Modifier.testTag("answer-${q.id}-yes"))
                    ChoiceCard(s["survey-no"], yes == false, { onAnswer(q.id, SurveyAnswerInput.YesNo(false)) }, icon = Icons.Filled.Close, modifier = Modifier.testTag("answer-${q.id}-no"))
                }
                is SurveyQuestionKind.SingleChoice -> for (option in kind.options) {
                    val chosen = (answer as? SurveyAnswerInput.Choice)?.optionId == option.id
                    ChoiceCard(option.label, chosen, { onAnswer(q.id, SurveyAnswerInput.Choice(option.id)) }, modifier = Modifier.testTag("answer-${q.id}-${option.id}"))
                }
                is SurveyQuestionKind.MultipleChoice -> {
                    val chosen = (answer as? SurveyAnswerInput.Choices)?.optionIds.orEmpty()
                    for (option in kind.options) {
                        ChoiceCard(
                            option.label,
                            option.id in chosen,
                            {
                                val next = if (option.id in chosen) chosen - option.id else chosen + option.id
                                onAnswer(q.id, if (next.isEmpty()) null else SurveyAnswerInput.Choices(next))
                            },
                            multiple = true,
                            modifier = Modifier.testTag("answer-${q.id}-${option.id}"),
                        )
                    }
                }
                is SurveyQuestionKind.Rating -> {
                    val value = (answer as? SurveyAnswerInput.Rating)?.value
                    Text(s("survey-rating", "min" to kind.min, "max" to kind.max), style = MaterialTheme.typography.bodyMedium)
                    Row(horizontalArrangement = Arrangement.spacedBy(6.dp), modifier = Modifier.fillMaxWidth()) {
                        for (n in kind.min..kind.max) {
                            val pick = { onAnswer(q.id, SurveyAnswerInput.Rating(n)) }
                            val mod = Modifier.weight(1f).heightIn(min = TOUCH_TARGET).widthIn(min = 40.dp).testTag("answer-${q.id}-$n")
                            if (value == n) Button(onClick = pick, modifier = mod) { Text("$n") } else OutlinedButton(onClick = pick, modifier = mod) { Text("$n") }
                        }
                    }
                    if (kind.minLabel != null || kind.maxLabel != null) {
                        Row(Modifier.fillMaxWidth()) {
                            Text(kind.minLabel.orEmpty(), style = MaterialTheme.typography.bodySmall, modifier = Modifier.weight(1f))
                            Text(kind.maxLabel.orEmpty(), style = MaterialTheme.typography.bodySmall)
                        }
                    }
                    if (value != null) Icon(Icons.Filled.Star, contentDescription = null, tint = MaterialTheme.colorScheme.primary)
                }
                is SurveyQuestionKind.Number -> OutlinedTextField(
                    value = ui.typed[q.id].orEmpty(),
                    onValueChange = { text -> onTyped(q.id, text) { t -> t.trim().replace(',', '.').toDoubleOrNull()?.let { SurveyAnswerInput.Number(it) } } },
                    label = { Text(s["survey-number-label"]) },
                    singleLine = true,
                    keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Decimal),
                    modifier = Modifier.fillMaxWidth().testTag("answer-${q.id}"),
                )
                is SurveyQuestionKind.Text -> OutlinedTextField(
                    value = ui.typed[q.id].orEmpty(),
                    onValueChange = { text -> onTyped(q.id, text) { SurveyAnswerInput.Text(it) } },
                    label = { Text(s["survey-text-label"]) },
                    minLines = 3,
                    modifier = Modifier.fillMaxWidth().testTag("answer-${q.id}"),
                )
                is SurveyQuestionKind.Date -> OutlinedTextField(
                    value = ui.typed[q.id].orEmpty(),
                    onValueChange = { text -> onTyped(q.id, text) { SurveyAnswerInput.Date(it.trim()) } },
                    label = { Text(s["survey-date-label"]) },
                    singleLine = true,
                    modifier = Modifier.fillMaxWidth().testTag("answer-${q.id}"),
                )
            }
            ui.problem(q.id)?.let { Warning(it, Modifier.testTag("problem-${q.id}")) }
        }
    }
}
