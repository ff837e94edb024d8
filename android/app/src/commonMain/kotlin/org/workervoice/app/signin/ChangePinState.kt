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
import org.workervoice.checkNewPin
import org.workervoice.localized
import org.workervoice.weakPinMessage

/** The steps of changing the PIN. */
enum class ChangePinStep { CURRENT, NEW, REPEAT, DONE }

/** What the change-PIN screen shows. */
data class ChangePinUi(
    val step: ChangePinStep = ChangePinStep.CURRENT,
    val current: String = "",
    val pin: String = "",
    val repeat: String = "",
    val busy: Boolean = false,
    val error: String? = null,
) {
    /** The digits of the step showing. */
    val typed: String
        get() = when (step) {
            ChangePinStep.CURRENT -> current
            ChangePinStep.NEW -> pin
            ChangePinStep.REPEAT -> repeat
            ChangePinStep.DONE -> ""
        }

    val canContinue: Boolean get() = !busy && (step == ChangePinStep.DONE || typed.length == PIN_LENGTH)
}

/**
 * Changing the signed-in worker's PIN: the current one, a new one twice.
 * Strength is the core's rule ([checkNewPin]); the hub checks the current
 * PIN and the core re-wraps the vault key ([WorkerVoice.changePin], online).
 */
class ChangePinState(
    private val core: WorkerVoice,
    private val scope: CoroutineScope,
    private val strings: Strings,
    private val onLeave: () -> Unit,
) {
    var ui: ChangePinUi by mutableStateOf(ChangePinUi())
        private set

    private var job: Job? = null

    fun digit(d: Char) {
        if (ui.typed.length >= PIN_LENGTH || ui.busy) return
        ui = when (ui.step) {
            ChangePinStep.CURRENT -> ui.copy(current = ui.current + d, error = null)
            ChangePinStep.NEW -> ui.copy(pin = ui.pin + d, error = null)
            ChangePinStep.REPEAT -> ui.copy(repeat = ui.repeat + d, error = null)
            ChangePinStep.DONE -> ui
        }
    }

    fun delete() {
        ui = when (ui.step) {
            ChangePinStep.CURRENT -> ui.copy(current = ui.current.dropLast(1))
            ChangePinStep.NEW -> ui.copy(pin = ui.pin.dropLast(1))
            ChangePinStep.REPEAT -> ui.copy(repeat = ui.repeat.dropLast(1))
            ChangePinStep.DONE -> ui
        }
    }

    fun next() {
        if (!ui.canContinue) return
        when (ui.step) {
            ChangePinStep.CURRENT -> ui = ui.copy(step = ChangePinStep.NEW)
            ChangePinStep.NEW -> {
                val weak = checkNewPin(ui.pin)
                ui = if (weak != null) ui.copy(pin = "", error = weakPinMessage(weak, listOf(strings.language))) else ui.copy(step = ChangePinStep.REPEAT)
            }
            ChangePinStep.REPEAT -> if (ui.repeat != ui.pin) {
                ui = ui.copy(step = ChangePinStep.NEW, pin = "", repeat = "", error = strings["activate-pins-differ"])
            } else {
                send()
            }
            ChangePinStep.DONE -> onLeave()
        }
    }

    private fun send() {
        ui = ui.copy(busy = true, error = null)
        job = scope.launch {
            ui = try {
                core.changePin(ui.current, ui.pin)
                // The digits leave memory with the step.
                ChangePinUi(step = ChangePinStep.DONE)
            } catch (e: WorkerVoiceException) {
                // A wrong current PIN starts over; a refused new one goes back to choosing it.
                val step = if (e is WorkerVoiceException.Pin && e.weakReason != null) ChangePinStep.NEW else ChangePinStep.CURRENT
                ChangePinUi(step = step, current = if (step == ChangePinStep.NEW) ui.current else "", error = e.localized)
            }
        }
    }

    fun back() {
        if (ui.busy) return
        ui = when (ui.step) {
            ChangePinStep.CURRENT, ChangePinStep.DONE -> return onLeave()
            ChangePinStep.NEW -> ui.copy(step = ChangePinStep.CURRENT, current = "", pin = "", error = null)
            ChangePinStep.REPEAT -> ui.copy(step = ChangePinStep.NEW, pin = "", repeat = "", error = null)
        }
    }
}
