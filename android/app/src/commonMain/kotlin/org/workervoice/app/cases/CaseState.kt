package org.workervoice.app.cases

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
import org.workervoice.model.CaseSummary
import org.workervoice.model.CaseThread

/** What the list of my reports shows. */
data class CasesUi(val cases: List<CaseSummary> = emptyList(), val loading: Boolean = true, val error: String? = null)

/** The signed-in worker's reports on this device ([WorkerVoice.myCases]), newest first. */
class CasesState(private val core: WorkerVoice, scope: CoroutineScope, io: CoroutineDispatcher) {
    var ui: CasesUi by mutableStateOf(CasesUi())
        private set

    init {
        scope.launch {
            ui = try {
                // Replies arrive with a sync; show what is here if the hub is out of reach.
                runCatching { core.syncNow(false) }
                CasesUi(withContext(io) { core.myCases() }.sortedByDescending { it.createdAt }, loading = false)
            } catch (e: WorkerVoiceException) {
                CasesUi(loading = false, error = e.localized)
            }
        }
    }
}

/** How a case is reached: the signed-in worker's own, or anyone holding its receipt. */
sealed interface CaseAccess {
    val caseId: String

    /** A case of the signed-in worker, kept on this device. */
    data class Mine(override val caseId: String) : CaseAccess

    /** Any case, with its receipt's secret (another device, or an anonymous report). */
    data class ByReceipt(override val caseId: String, val secret: String) : CaseAccess
}

/** What a case's conversation shows. */
data class CaseUi(
    val thread: CaseThread? = null,
    val reply: String = "",
    val busy: Boolean = false,
    val error: String? = null,
) {
    val canSend: Boolean get() = reply.isNotBlank() && !busy && thread != null
}

/**
 * A case's conversation: status changes and replies, and the worker's
 * answer. Reading and answering go through the core, which opens and seals
 * the messages; with a receipt nothing is kept on the device.
 */
class CaseState(
    private val core: WorkerVoice,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
    val access: CaseAccess,
    initial: CaseThread? = null,
) {
    var ui: CaseUi by mutableStateOf(CaseUi(thread = initial))
        private set

    init {
        if (initial == null) refresh()
    }

    fun refresh() {
        scope.launch {
            ui = try {
                ui.copy(thread = load(), error = null)
            } catch (e: WorkerVoiceException) {
                ui.copy(error = e.localized)
            }
        }
    }

    private suspend fun load(): CaseThread = when (access) {
        is CaseAccess.Mine -> {
            runCatching { core.syncNow(false) }
            withContext(io) { core.caseThread(access.caseId) }
        }
        is CaseAccess.ByReceipt -> core.followUp(access.caseId, access.secret)
    }

    fun reply(text: String) {
        ui = ui.copy(reply = text, error = null)
    }

    fun send() {
        if (!ui.canSend) return
        val text = ui.reply.trim()
        ui = ui.copy(busy = true, error = null)
        scope.launch {
            ui = try {
                when (access) {
                    is CaseAccess.Mine -> core.replyToCase(access.caseId, text)
                    is CaseAccess.ByReceipt -> core.replyWithReceipt(access.caseId, access.secret, text)
                }
                CaseUi(thread = load())
            } catch (e: WorkerVoiceException) {
                ui.copy(busy = false, error = e.localized)
            }
        }
    }
}
