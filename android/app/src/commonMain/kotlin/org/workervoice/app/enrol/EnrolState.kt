package org.workervoice.app.enrol

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch
import org.workervoice.WorkerVoice
import org.workervoice.WorkerVoiceException
import org.workervoice.app.Strings
import org.workervoice.localized
import org.workervoice.model.DeviceMode

/** What the enrol screen shows. */
data class EnrolUi(
    val code: String = "",
    val mode: DeviceMode = DeviceMode.PERSONAL,
    val busy: Boolean = false,
    /** The core's message, already localized. */
    val error: String? = null,
) {
    val canSubmit: Boolean get() = code.isNotBlank() && !busy
}

/**
 * Enrolment: the typed (or scanned) code goes to the core, which checks it
 * with the hub. The QR scanner is the platform's ([scan] with
 * `PlatformServices.scanQr`, or a shell's own calling [scanned]).
 */
class EnrolState(
    private val core: WorkerVoice,
    private val scope: CoroutineScope,
    private val strings: Strings,
    private val onEnrolled: () -> Unit,
) {
    var ui: EnrolUi by mutableStateOf(EnrolUi())
        private set

    private var job: Job? = null

    fun code(text: String) {
        ui = ui.copy(code = text, error = null)
    }

    fun mode(mode: DeviceMode) {
        ui = ui.copy(mode = mode)
    }

    /**
     * "Scan the QR code": [read] is the platform's scanner; a code read
     * enrols at once, a picture without one says so, a cancel does nothing.
     */
    fun scan(read: suspend () -> QrScan) {
        if (ui.busy) return
        ui = ui.copy(error = null)
        scope.launch {
            when (val result = read()) {
                is QrScan.Read -> scanned(result.payload)
                QrScan.NotFound -> ui = ui.copy(error = strings["enrol-scan-none"])
                QrScan.Cancelled -> {}
            }
        }
    }

    /** A QR payload from the platform's scanner: enrols at once. */
    fun scanned(payload: String) {
        ui = ui.copy(code = payload, error = null)
        submit()
    }

    fun submit() {
        if (!ui.canSubmit) return
        ui = ui.copy(busy = true, error = null)
        job = scope.launch {
            try {
                core.enrol(ui.code.trim(), ui.mode)
                ui = ui.copy(busy = false)
                onEnrolled()
            } catch (e: WorkerVoiceException) {
                ui = ui.copy(busy = false, error = e.localized)
            }
        }
    }

    /** Stops waiting for the hub (the screen's Cancel while busy). */
    fun cancel() {
        job?.cancel()
        ui = ui.copy(busy = false)
    }
}
