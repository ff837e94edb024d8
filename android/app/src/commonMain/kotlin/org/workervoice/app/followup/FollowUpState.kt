package org.workervoice.app.followup

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch
import org.workervoice.WorkerVoice
import org.workervoice.WorkerVoiceException
import org.workervoice.localized
import org.workervoice.model.CaseThread

/** What the follow-up screen shows. */
data class FollowUpUi(
    val caseId: String = "",
    val secret: String = "",
    val busy: Boolean = false,
    val error: String? = null,
) {
    val canOpen: Boolean get() = caseId.isNotBlank() && secret.isNotBlank() && !busy
}

/**
 * Follow-up with only a receipt, on any device and without signing in: the
 * core checks the receipt with the hub ([WorkerVoice.followUp]) and opens the
 * conversation; a wrong receipt gives the core's message.
 */
class FollowUpState(
    private val core: WorkerVoice,
    private val scope: CoroutineScope,
    private val onOpened: (caseId: String, secret: String, thread: CaseThread) -> Unit,
) {
    var ui: FollowUpUi by mutableStateOf(FollowUpUi())
        private set

    private var job: Job? = null

    fun caseId(text: String) {
        ui = ui.copy(caseId = text.uppercase(), error = null)
    }

    fun secret(text: String) {
        ui = ui.copy(secret = text, error = null)
    }

    fun open() {
        if (!ui.canOpen) return
        val caseId = ui.caseId.trim()
        val secret = ui.secret.trim()
        ui = ui.copy(busy = true, error = null)
        job = scope.launch {
            try {
                val thread = core.followUp(caseId, secret)
                // The secret leaves this screen's state once the case is open.
                ui = FollowUpUi()
                onOpened(caseId, secret, thread)
            } catch (e: WorkerVoiceException) {
                ui = ui.copy(busy = false, error = e.localized)
            }
        }
    }

    fun cancel() {
        job?.cancel()
        ui = ui.copy(busy = false)
    }
}
