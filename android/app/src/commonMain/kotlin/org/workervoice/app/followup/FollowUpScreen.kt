package org.workervoice.app.followup

import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Search
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.input.KeyboardType
import org.workervoice.app.LocalStrings
import org.workervoice.app.ui.BigButton
import org.workervoice.app.ui.ErrorMessage
import org.workervoice.app.ui.Hint
import org.workervoice.app.ui.ScreenFrame

/** Case number and secret from a receipt. */
@Composable
fun FollowUpScreen(ui: FollowUpUi, onCaseId: (String) -> Unit, onSecret: (String) -> Unit, onOpen: () -> Unit, onBack: () -> Unit) {
    val s = LocalStrings.current
    ScreenFrame(
        title = s["followup-title"],
        onBack = onBack,
        bottom = { BigButton(s["followup-open"], onOpen, icon = Icons.Filled.Search, enabled = ui.canOpen, busy = ui.busy, modifier = Modifier.testTag("followup-open")) },
    ) {
        Hint(s["followup-hint"])
        OutlinedTextField(
            value = ui.caseId,
            onValueChange = onCaseId,
            label = { Text(s["followup-case"]) },
            singleLine = true,
            textStyle = MaterialTheme.typography.titleLarge,
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Ascii),
            modifier = Modifier.fillMaxWidth().testTag("followup-case"),
        )
        OutlinedTextField(
            value = ui.secret,
            onValueChange = onSecret,
            label = { Text(s["followup-secret"]) },
            singleLine = true,
            textStyle = MaterialTheme.typography.titleLarge,
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
            modifier = Modifier.fillMaxWidth().testTag("followup-secret"),
        )
        ErrorMessage(ui.error)
    }
}
