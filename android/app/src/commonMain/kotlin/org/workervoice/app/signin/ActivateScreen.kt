package org.workervoice.app.signin

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.ArrowForward
import androidx.compose.material.icons.filled.Check
import androidx.compose.material.icons.filled.Search
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import org.workervoice.app.LocalStrings
import org.workervoice.app.ui.BigButton
import org.workervoice.app.ui.ErrorMessage
import org.workervoice.app.ui.Hint
import org.workervoice.app.ui.PinDots
import org.workervoice.app.ui.PinPad
import org.workervoice.app.ui.ScreenFrame

/**
 * First sign-in: the worker card, then a PIN chosen twice. [onScan] reads
 * the card's QR code (null where the platform has no scanner).
 */
@Composable
fun ActivateScreen(
    ui: ActivateUi,
    onWorkerNumber: (String) -> Unit,
    onActivationCode: (String) -> Unit,
    onDigit: (Char) -> Unit,
    onDelete: () -> Unit,
    onNext: () -> Unit,
    onBack: () -> Unit,
    onScan: (() -> Unit)? = null,
) {
    val s = LocalStrings.current
    val last = ui.step == ActivateStep.REPEAT_PIN
    ScreenFrame(
        title = s["activate-title"],
        onBack = onBack,
        bottom = {
            BigButton(
                if (last) s["activate-submit"] else s["common-next"],
                onNext,
                icon = if (last) Icons.Filled.Check else Icons.Filled.ArrowForward,
                enabled = ui.canContinue,
                busy = ui.busy,
                modifier = Modifier.testTag("activate-next"),
            )
        },
    ) {
        when (ui.step) {
            ActivateStep.CARD -> {
                Hint(s["activate-hint"])
                if (onScan != null) {
                    BigButton(s["activate-scan"], onScan, icon = Icons.Filled.Search, outlined = true, modifier = Modifier.testTag("activate-scan"))
                }
                WorkerNumberField(ui.workerNumber, onWorkerNumber, s["signin-worker-number"])
                OutlinedTextField(
                    value = ui.activationCode,
                    onValueChange = onActivationCode,
                    label = { Text(s["activate-code"]) },
                    singleLine = true,
                    textStyle = MaterialTheme.typography.titleLarge,
                    modifier = Modifier.fillMaxWidth().testTag("activation-code"),
                )
                ErrorMessage(ui.error)
            }
            ActivateStep.CHOOSE_PIN, ActivateStep.REPEAT_PIN -> {
                val typed = if (last) ui.repeat else ui.pin
                Text(if (last) s["activate-repeat-pin"] else s["activate-choose-pin"], style = MaterialTheme.typography.titleMedium)
                Box(Modifier.fillMaxWidth(), contentAlignment = Alignment.Center) { PinDots(typed.length, PIN_LENGTH) }
                ErrorMessage(ui.error)
                PinPad(onDigit, onDelete, enabled = !ui.busy)
            }
        }
    }
}
