package org.workervoice.app.enrol

import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Check
import androidx.compose.material.icons.filled.Person
import androidx.compose.material.icons.filled.Search
import androidx.compose.material.icons.filled.Home
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import org.workervoice.app.LocalStrings
import org.workervoice.app.ui.BigButton
import org.workervoice.app.ui.ChoiceCard
import org.workervoice.app.ui.ErrorMessage
import org.workervoice.app.ui.Hint
import org.workervoice.app.ui.ScreenFrame
import org.workervoice.model.DeviceMode

/**
 * Set up the device with the code from programme staff. [onScan] is null
 * where the platform has no camera scanner (the desktop runner); on Android
 * the shell passes its scanner, which hands the payload back.
 */
@Composable
fun EnrolScreen(
    ui: EnrolUi,
    onCode: (String) -> Unit,
    onMode: (DeviceMode) -> Unit,
    onSubmit: () -> Unit,
    onCancel: () -> Unit,
    onScan: (() -> Unit)?,
) {
    val s = LocalStrings.current
    ScreenFrame(
        title = s["enrol-title"],
        bottom = {
            BigButton(s["enrol-submit"], onSubmit, icon = Icons.Filled.Check, enabled = ui.canSubmit, busy = ui.busy, modifier = Modifier.testTag("enrol-submit"))
            if (ui.busy) BigButton(s["common-cancel"], onCancel, outlined = true)
        },
    ) {
        Hint(s["enrol-hint"])
        if (onScan != null) BigButton(s["enrol-scan"], onScan, icon = Icons.Filled.Search, outlined = true, modifier = Modifier.testTag("enrol-scan"))
        OutlinedTextField(
            value = ui.code,
            onValueChange = onCode,
            label = { Text(s["enrol-code-label"]) },
            singleLine = true,
            textStyle = MaterialTheme.typography.titleLarge,
            modifier = Modifier.fillMaxWidth().testTag("enrol-code"),
        )
        Text(s["enrol-mode-title"], style = MaterialTheme.typography.titleMedium)
        ChoiceCard(s["enrol-mode-personal"], ui.mode == DeviceMode.PERSONAL, { onMode(DeviceMode.PERSONAL) }, icon = Icons.Filled.Person, modifier = Modifier.testTag("enrol-personal"))
        ChoiceCard(s["enrol-mode-shared"], ui.mode == DeviceMode.SHARED, { onMode(DeviceMode.SHARED) }, icon = Icons.Filled.Home, modifier = Modifier.testTag("enrol-shared"))
        ErrorMessage(ui.error)
    }
}
