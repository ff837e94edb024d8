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
import org.workervoice.app.enrol.QrScan
import org.workervoice.checkNewPin
import org.workervoice.localized
import org.workervoice.weakPinMessage

/** The steps of a first sign-in. */
enum class ActivateStep { CARD, CHOOSE_PIN, REPEAT_PIN }

/** What the activation screen shows. */
data class ActivateUi(
    val step: ActivateStep = ActivateStep.CARD,
    val workerNumber: String = "",
    val activationCode: String = "",
    val pin: String = "",
    val repeat: String = "",
    val busy: Boolean = false,
    /** A localized message: the core's, or the app's "PINs differ". */
    val error: String? = null,
) {
    val canContinue: Boolean
        get() = !busy && when (step) {
            ActivateStep.CARD -> workerNumber.isNotBlank() && activationCode.isNotBlank()
            ActivateStep.CHOOSE_PIN -> pin.length == PIN_LENGTH
            ActivateStep.REPEAT_PIN -> repeat.length == PIN_LENGTH
        }
}

/**
 * First sign-in: worker number and activation code from the worker card
 * (typed, or read from the card's QR code by [scan]), then a new PIN twice. Whether a PIN is strong enough is the core's rule
 * ([checkNewPin]); the message is the core's, in the screen's language.
 */
class ActivateState(
    private val core: WorkerVoice,
    private val scope: CoroutineScope,
    private val strings: Strings,
    private val onActivated: () -> Unit,
    private val onBack: () -> Unit,
) {
    var ui: ActivateUi by mutableStateOf(ActivateUi())
        private set

    private var job: Job? = null

    fun workerNumber(text: String) {
        ui = ui.copy(workerNumber = text.trim(), error = null)
    }

    fun activationCode(text: String) {
        ui = ui.copy(activationCode = text, error = null)
    }

    /**
     * "Scan your worker card": [read] is the platform's scanner. The core
     * reads the card for this device's hub and the two fields are filled in
     * (the worker checks them and goes on); a code that is not a card, or a
     * card for another programme, says so in the core's words.
     */
    fun scan(read: suspend () -> QrScan) {
        if (ui.busy || ui.step != ActivateStep.CARD) return
        ui = ui.copy(error = null)
        scope.launch {
            when (val result = read()) {
                is QrScan.Read -> scanned(result.payload)
                QrScan.NotFound -> ui = ui.copy(error = strings["activate-scan-none"])
                QrScan.Cancelled -> {}
            }
        }
    }

    /** A QR payload from the platform's scanner: fills in the card's fields. */
    fun scanned(payload: String) {
        ui = try {
            val card = core.readWorkerCard(payload)
            ui.copy(workerNumber = card.workerNumber, activationCode = card.activationCode, error = null)
        } catch (e: WorkerVoiceException) {
            ui.copy(error = e.localized)
        }
    }

    fun digit(d: Char) {
        ui = when (ui.step) {
            ActivateStep.CHOOSE_PIN -> if (ui.pin.length < PIN_LENGTH) ui.copy(pin = ui.pin + d, error = null) else ui
            ActivateStep.REPEAT_PIN -> if (ui.repeat.length < PIN_LENGTH) ui.copy(repeat = ui.repeat + d, error = null) else ui
            ActivateStep.CARD -> ui
        }
    }

    fun delete() {
        ui = when (ui.step) {
            ActivateStep.CHOOSE_PIN -> ui.copy(pin = ui.pin.dropLast(1))
            ActivateStep.REPEAT_PIN -> ui.copy(repeat = ui.repeat.dropLast(1))
            ActivateStep.CARD -> ui
        }
    }

    fun back() {
        ui = when (ui.step) {
            ActivateStep.CARD -> return onBack()
            ActivateStep.CHOOSE_PIN -> ui.copy(step = ActivateStep.CARD, pin = "", error = null)
            ActivateStep.REPEAT_PIN -> ui.copy(step = ActivateStep.CHOOSE_PIN, pin = "", repeat = "", error = null)
        }
    }

    fun next() {
        if (!ui.canContinue) return
        when (ui.step) {
            ActivateStep.CARD -> ui = ui.copy(step = ActivateStep.CHOOSE_PIN)
            ActivateStep.CHOOSE_PIN -> {
                val weak = checkNewPin(ui.pin)
                ui = if (weak != null) {
                    ui.copy(pin = "", error = weakPinMessage(weak, listOf(strings.language)))
                } else {
                    ui.copy(step = ActivateStep.REPEAT_PIN)
                }
            }
            ActivateStep.REPEAT_PIN -> if (ui.repeat != ui.pin) {
                ui = ui.copy(step = ActivateStep.CHOOSE_PIN, pin = "", repeat = "", error = strings["activate-pins-differ"])
            } else {
                send()
            }
        }
    }

    private fun send() {
        ui = ui.copy(busy = true, error = null)
        job = scope.launch {
            try {
                core.activate(ui.workerNumber, ui.activationCode.trim(), ui.pin)
                ui = ActivateUi()
                onActivated()
            } catch (e: WorkerVoiceException) {
                // A wrong card goes back to the card; a refused PIN to choosing one.
                val step = if (e is WorkerVoiceException.Pin && e.weakReason != null) ActivateStep.CHOOSE_PIN else ActivateStep.CARD
                ui = ui.copy(busy = false, step = step, pin = "", repeat = "", error = e.localized)
            }
        }
    }

    fun cancel() {
        job?.cancel()
        ui = ui.copy(busy = false)
    }
}
