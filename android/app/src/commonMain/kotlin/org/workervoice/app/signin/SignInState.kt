package org.workervoice.app.signin

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

/** The length of a PIN the pad collects (the core's policy asks for 6 digits). */
const val PIN_LENGTH = 6

/** What the sign-in screen shows. */
data class SignInUi(
    val workerNumber: String = "",
    val pin: String = "",
    val busy: Boolean = false,
    val error: String? = null,
    /** Tries left after a wrong PIN, when the core says. */
    val attemptsLeft: Int? = null,
) {
    val canSubmit: Boolean get() = workerNumber.isNotBlank() && pin.length == PIN_LENGTH && !busy
}

/** Sign-in with worker number and PIN; the core decides (online, or offline unlock). */
class SignInState(
    private val core: WorkerVoice,
    private val scope: CoroutineScope,
    @Suppress("unused") private val strings: Strings,
    private val onSignedIn: () -> Unit,
    private val onActivate: () -> Unit,
) {
    var ui: SignInUi by mutableStateOf(SignInUi())
        private set

    private var job: Job? = null

    fun workerNumber(text: String) {
        ui = ui.copy(workerNumber = text.trim(), error = null)
    }

    fun digit(d: Char) {
        if (ui.pin.length < PIN_LENGTH && !ui.busy) ui = ui.copy(pin = ui.pin + d, error = null)
    }

    fun delete() {
        if (!ui.busy) ui = ui.copy(pin = ui.pin.dropLast(1))
    }

    fun activate() = onActivate()

    fun submit() {
        if (!ui.canSubmit) return
        ui = ui.copy(busy = true, error = null, attemptsLeft = null)
        job = scope.launch {
            try {
                core.login(ui.workerNumber, ui.pin)
                ui = SignInUi()
                onSignedIn()
            } catch (e: WorkerVoiceException) {
                val attempts = (e as? WorkerVoiceException.Pin)?.attemptsLeft?.toInt()
                // The PIN is cleared after every failure: it is never kept longer than needed.
                ui = ui.copy(busy = false, pin = "", error = e.localized, attemptsLeft = attempts)
            }
        }
    }

    fun cancel() {
        job?.cancel()
        ui = ui.copy(busy = false, pin = "")
    }
}
