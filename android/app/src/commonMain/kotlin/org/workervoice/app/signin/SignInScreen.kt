package org.workervoice.app.signin

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Lock
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.compose.foundation.layout.heightIn
import org.workervoice.app.LocalStrings
import org.workervoice.app.ui.BigButton
import org.workervoice.app.ui.ErrorMessage
import org.workervoice.app.ui.PinDots
import org.workervoice.app.ui.PinPad
import org.workervoice.app.ui.ScreenFrame
import org.workervoice.app.ui.TOUCH_TARGET

/** Worker number, then the PIN on a large pad. */
@Composable
fun SignInScreen(
    ui: SignInUi,
    onWorkerNumber: (String) -> Unit,
    onDigit: (Char) -> Unit,
    onDelete: () -> Unit,
    onSubmit: () -> Unit,
    onActivate: () -> Unit,
    onFollowUp: () -> Unit,
    /** Shared tablets only: an anonymous report without signing in. */
    onAnonymousReport: (() -> Unit)?,
    onBack: (() -> Unit)?,
) {
    val s = LocalStrings.current
    ScreenFrame(
        title = s["signin-title"],
        onBack = onBack,
        bottom = {
            BigButton(s["signin-submit"], onSubmit, icon = Icons.Filled.Lock, enabled = ui.canSubmit, busy = ui.busy, modifier = Modifier.testTag("signin-submit"))
        },
    ) {
        WorkerNumberField(ui.workerNumber, onWorkerNumber, s["signin-worker-number"])
        Text(s["signin-pin"], style = MaterialTheme.typography.titleMedium)
        Box(Modifier.fillMaxWidth(), contentAlignment = Alignment.Center) { PinDots(ui.pin.length, PIN_LENGTH) }
        ErrorMessage(ui.error?.let { error -> ui.attemptsLeft?.let { "$error ${s("signin-attempts-left", "count" to it)}" } ?: error })
        PinPad(onDigit, onDelete, enabled = !ui.busy)
        TextButton(onClick = onActivate, modifier = Modifier.fillMaxWidth().heightIn(min = TOUCH_TARGET).testTag("signin-activate")) {
            Text(s["signin-first-time"], style = MaterialTheme.typography.titleMedium)
        }
        if (onAnonymousReport != null) {
            BigButton(s["signin-anonymous-report"], onAnonymousReport, outlined = true, modifier = Modifier.testTag("signin-anonymous-report"))
        }
        TextButton(onClick = onFollowUp, modifier = Modifier.fillMaxWidth().heightIn(min = TOUCH_TARGET).testTag("signin-follow-up")) {
            Text(s["signin-follow-up"], style = MaterialTheme.typography.titleMedium)
        }
    }
}

/** The worker number, as on the worker card (digits and letters). */
@Composable
fun WorkerNumberField(value: String, onValue: (String) -> Unit, label: String) {
    OutlinedTextField(
        value = value,
        onValueChange = onValue,
        label = { Text(label) },
        singleLine = true,
        textStyle = MaterialTheme.typography.titleLarge,
        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Ascii),
        modifier = Modifier.fillMaxWidth().heightIn(min = TOUCH_TARGET).testTag("worker-number"),
    )
}

/** Space under a field. */
internal val FieldGap = 8.dp
