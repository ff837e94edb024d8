package org.workervoice.app.surveys

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import java.net.URLDecoder
import java.net.URLEncoder
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.workervoice.WorkerVoice
import org.workervoice.WorkerVoiceException
import org.workervoice.localized
import org.workervoice.model.SubmitOutcome
import org.workervoice.model.SurveyAnswerEntry
import org.workervoice.model.SurveyAnswerInput
import org.workervoice.model.SurveyCheck
import org.workervoice.model.SurveySubmitted
import org.workervoice.model.SurveyView

/** What a survey's screen shows. */
data class SurveyUi(
    val survey: SurveyView? = null,
    val answers: Map<String, SurveyAnswerInput> = emptyMap(),
    /** What the fields hold as typed (numbers and dates before they parse). */
    val typed: Map<String, String> = emptyMap(),
    /** The core's verdict on the answers so far: which questions show, and problems. */
    val check: SurveyCheck? = null,
    /** Problems are shown once the worker tried to send (not while they are still answering). */
    val showProblems: Boolean = false,
    val busy: Boolean = false,
    val error: String? = null,
    val submitted: SurveySubmitted? = null,
) {
    /** The questions shown now, in order (skip logic is the core's). */
    val visible: List<org.workervoice.model.SurveyQuestionView>
        get() {
            val survey = survey ?: return emptyList()
            val ids = check?.visible ?: return survey.questions
            return survey.questions.filter { it.id in ids }
        }

    /** The problem the core found with [questionId]'s answer, when shown. */
    fun problem(questionId: String): String? =
        if (showProblems) check?.problems?.firstOrNull { it.questionId == questionId }?.message else null
}

/**
 * One survey: the core renders it in the worker's language
 * ([WorkerVoice.loadSurvey]), decides which questions show and what is
 * wrong with an answer ([WorkerVoice.checkSurvey], after every answer), and
 * seals and queues the response ([WorkerVoice.submitSurvey]). Unfinished
 * answers are the worker's draft in the core, sealed under their key, so
 * "save and finish later" resumes on this device only for them.
 */
class SurveyState(
    private val core: WorkerVoice,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
    val surveyId: String,
    private val onLeave: () -> Unit,
    /** The answers opened a case: its receipt must be shown (once) to the worker. */
    private val onCase: (SubmitOutcome) -> Unit = {},
) {
    var ui: SurveyUi by mutableStateOf(SurveyUi())
        private set

    private var checking: Job? = null
    private var saving: Job? = null

    init {
        scope.launch {
            ui = try {
                val (survey, saved) = withContext(io) {
                    core.loadSurvey(surveyId) to runCatching { core.loadDraft(surveyDraftName(surveyId)) }.getOrNull()?.let(SurveyDraft::decode)
                }
                val answers = saved?.answers.orEmpty()
                val typed = answers.mapValues { (_, answer) -> typedText(answer) }.filterValues { it != null }.mapValues { it.value!! }
                val check = withContext(io) { core.checkSurvey(surveyId, entries(answers)) }
                ui.copy(survey = survey, answers = answers, typed = typed, check = check)
            } catch (e: WorkerVoiceException) {
                ui.copy(error = e.localized)
            }
        }
    }

    /** Sets (or, with null, clears) the answer to [questionId]. */
    fun answer(questionId: String, answer: SurveyAnswerInput?) {
        ui = ui.copy(answers = if (answer == null) ui.answers - questionId else ui.answers + (questionId to answer), error = null)
        changed()
    }

    /** Text typed in a field: kept as typed, and the answer is what it parses to (none while it does not). */
    fun typed(questionId: String, text: String, parse: (String) -> SurveyAnswerInput?) {
        ui = ui.copy(typed = ui.typed + (questionId to text))
        answer(questionId, if (text.isBlank()) null else parse(text))
    }

    private fun changed() {
        val answers = ui.answers
        checking?.cancel()
        checking = scope.launch {
            val check = withContext(io) { runCatching { core.checkSurvey(surveyId, entries(answers)) }.getOrNull() }
            if (check != null) ui = ui.copy(check = check)
        }
        saving?.cancel()
        saving = scope.launch {
            delay(SAVE_DEBOUNCE_MS)
            save(answers)
        }
    }

    private suspend fun save(answers: Map<String, SurveyAnswerInput>) {
        withContext(io) { runCatching { core.saveDraft(surveyDraftName(surveyId), SurveyDraft(answers).encode()) } }
    }

    /** "Save and finish later": the answers stay in the worker's draft. */
    fun saveAndLeave() {
        saving?.cancel()
        val answers = ui.answers
        scope.launch {
            save(answers)
            onLeave()
        }
    }

    /** Sends the answers, or shows the core's problems beside their questions. */
    fun submit() {
        if (ui.busy) return
        val answers = ui.answers
        ui = ui.copy(busy = true, error = null)
        scope.launch {
            ui = try {
                val check = withContext(io) { core.checkSurvey(surveyId, entries(answers)) }
                if (check.problems.isNotEmpty()) {
                    ui.copy(check = check, showProblems = true, busy = false)
                } else {
                    // Only what is shown is sent: answers to questions skip logic hid are dropped.
                    val shown = answers.filterKeys { it in check.visible }
                    val submitted = withContext(io) { core.submitSurvey(surveyId, entries(shown)) }
                    saving?.cancel()
                    withContext(io) { runCatching { core.deleteDraft(surveyDraftName(surveyId)) } }
                    SurveyUi(survey = ui.survey, submitted = submitted)
                }
            } catch (e: WorkerVoiceException) {
                ui.copy(busy = false, error = e.localized)
            }
            ui.submitted?.case?.let(onCase)
        }
    }

    /** Back: the answers so far are kept, as with "save and finish later". */
    fun back() = if (ui.submitted != null) onLeave() else saveAndLeave()

    private fun entries(answers: Map<String, SurveyAnswerInput>): List<SurveyAnswerEntry> =
        ui.survey?.questions?.mapNotNull { q -> answers[q.id]?.let { SurveyAnswerEntry(q.id, it) } }
            ?: answers.map { (id, answer) -> SurveyAnswerEntry(id, answer) }

    private fun typedText(answer: SurveyAnswerInput): String? = when (answer) {
        is SurveyAnswerInput.Number -> answer.value.let { if (it % 1.0 == 0.0) it.toLong().toString() else it.toString() }
        is SurveyAnswerInput.Text -> answer.value
        is SurveyAnswerInput.Date -> answer.value
        else -> null
    }
}

private const val SAVE_DEBOUNCE_MS = 400L

/**
 * A survey's unfinished answers, as the core keeps them (opaque bytes to
 * it): a version line, then one line per answer, `kind id value…` with
 * every part URL-encoded.
 */
data class SurveyDraft(val answers: Map<String, SurveyAnswerInput>) {
    fun encode(): ByteArray = (listOf(VERSION) + answers.map { (id, answer) -> line(id, answer) })
        .joinToString("\n").toByteArray(Charsets.UTF_8)

    private fun line(id: String, answer: SurveyAnswerInput): String {
        val (kind, values) = when (answer) {
            is SurveyAnswerInput.Choice -> "choice" to listOf(answer.optionId)
            is SurveyAnswerInput.Choices -> "choices" to answer.optionIds
            is SurveyAnswerInput.Rating -> "rating" to listOf(answer.value.toString())
            is SurveyAnswerInput.Number -> "number" to listOf(answer.value.toString())
            is SurveyAnswerInput.Text -> "text" to listOf(answer.value)
            is SurveyAnswerInput.YesNo -> "yes_no" to listOf(answer.value.toString())
            is SurveyAnswerInput.Date -> "date" to listOf(answer.value)
        }
        return (listOf(kind, id) + values).joinToString(" ") { URLEncoder.encode(it, "UTF-8") }
    }

    companion object {
        private const val VERSION = "survey-draft/1"

        /** Null for bytes this version did not write (ignored, not guessed at). */
        fun decode(bytes: ByteArray): SurveyDraft? {
            val lines = bytes.toString(Charsets.UTF_8).split("\n")
            if (lines.firstOrNull() != VERSION) return null
            val answers = mutableMapOf<String, SurveyAnswerInput>()
            for (line in lines.drop(1).filter { it.isNotEmpty() }) {
                val parts = line.split(" ").map { URLDecoder.decode(it, "UTF-8") }
                if (parts.size < 2) return null
                val values = parts.drop(2)
                val one = values.singleOrNull()
                answers[parts[1]] = when (parts[0]) {
                    "choice" -> SurveyAnswerInput.Choice(one ?: return null)
                    "choices" -> SurveyAnswerInput.Choices(values)
                    "rating" -> SurveyAnswerInput.Rating(one?.toIntOrNull() ?: return null)
                    "number" -> SurveyAnswerInput.Number(one?.toDoubleOrNull() ?: return null)
                    "text" -> SurveyAnswerInput.Text(one ?: return null)
                    "yes_no" -> SurveyAnswerInput.YesNo(one?.toBooleanStrictOrNull() ?: return null)
                    "date" -> SurveyAnswerInput.Date(one ?: return null)
                    else -> return null
                }
            }
            return SurveyDraft(answers)
        }
    }
}
