package org.workervoice.app.surveys

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.workervoice.WorkerVoice
import org.workervoice.WorkerVoiceException
import org.workervoice.localized
import org.workervoice.model.OpenSurveyView

/** What the list of surveys shows. */
data class SurveysUi(
    val surveys: List<OpenSurveyView> = emptyList(),
    /** Ids of surveys with answers saved to finish later. */
    val started: Set<String> = emptySet(),
    val loading: Boolean = true,
    val error: String? = null,
)

/**
 * The surveys open to the signed-in worker ([WorkerVoice.openSurveys]):
 * content is fetched first when the hub is in reach (a survey not yet on
 * the device shows as such); which can be answered is the core's say.
 */
class SurveysState(private val core: WorkerVoice, scope: CoroutineScope, io: CoroutineDispatcher) {
    var ui: SurveysUi by mutableStateOf(SurveysUi())
        private set

    init {
        scope.launch {
            // New surveys arrive with the content sync; without a connection, show what is here.
            runCatching { core.syncContent() }
            ui = try {
                val surveys = core.openSurveys()
                val started = withContext(io) { surveys.filter { runCatching { core.loadDraft(surveyDraftName(it.id)) }.getOrNull() != null }.map { it.id }.toSet() }
                SurveysUi(surveys, started, loading = false)
            } catch (e: WorkerVoiceException) {
                SurveysUi(loading = false, error = e.localized)
            }
        }
    }
}

/** The core draft holding a survey's unfinished answers (sealed under the worker's key). */
fun surveyDraftName(surveyId: String) = "survey:$surveyId"
