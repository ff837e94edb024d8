package org.workervoice.app.signin

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.ArrowForward
import androidx.compose.material.icons.filled.Check
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import org.workervoice.app.LocalStrings
import org.workervoice.app.ui.BigButton
import org.workervoice.app.ui.ErrorMessage
import org.workervoice.app.ui.PinDots
import org.workervoice.app.ui.PinPad
import org.workervoice.app.ui.ScreenFrame

/** Change my PIN: the current PIN, then a new one twice, on the PIN pad. */
@Composable
fun ChangePinScreen(ui: ChangePinUi, onDigit: (Char) -> Unit, onDelete: () -> Unit, onNext: () -> Unit, onBack: () -> Unit) {
    val s = LocalStrings.current
    val done = ui.step == ChangePinStep.DONE
    val last = ui.step == ChangePinStep.REPEAT
    ScreenFrame(
        title = s["changepin-title"],
        onBack = if (ui.busy || done) null else onBack,
        bottom = {
            BigButton(
                when {
                    done -> s["common-continue"]
                    last -> s["changepin-submit"]
                    else -> s["common-next"]
                },
                onNext,
                icon = if (last || done) Icons.Filled.Check else Icons.AutoMirrored.Filled.ArrowForward,
                enabled = ui.canContinue,
                busy = ui.busy,
                modifier = Modifier.testTag("changepin-next"),
            )
        },
    ) {
        if (done) {
            Text(s["changepin-done"], style = MaterialTheme.typography.titleMedium, modifier = Modifier.testTag("changepin-done"))
            return@ScreenFrame
        }
        val prompt = when (ui.step) {
            ChangePinStep.CURRENT -> s["changepin-current"]
            ChangePinStep.NEW -> s["changepin-new"]
            else -> s["changepin-repeat"]
        }
        Text(prompt, style = MaterialTheme.typography.titleMedium, modifier = Modifier.testTag("changepin-step-${ui.step.name.lowercase()}"))
        Box(Modifier.fillMaxWidth(), contentAlignment = Alignment.Center) { PinDots(ui.typed.length, PIN_LENGTH) }
        ErrorMessage(ui.error)
        PinPad(onDigit, onDelete, enabled = !ui.busy)
    }
}
