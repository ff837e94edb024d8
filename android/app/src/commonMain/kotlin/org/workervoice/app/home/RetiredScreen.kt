package org.workervoice.app.home

import androidx.compose.foundation.layout.size
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Lock
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import org.workervoice.app.LocalStrings
import org.workervoice.app.ui.Hint
import org.workervoice.app.ui.ScreenFrame

/**
 * A device the hub retired: what happened and what to do, nothing else. No
 * button leads anywhere (the core refuses sign-ins and holds nothing any
 * more), no name, number or report of any worker.
 */
@Composable
fun RetiredScreen() {
    val s = LocalStrings.current
    ScreenFrame(title = s["retired-title"]) {
        Icon(Icons.Filled.Lock, contentDescription = null, tint = MaterialTheme.colorScheme.primary, modifier = Modifier.size(64.dp))
        Text(s["retired-body"], style = MaterialTheme.typography.titleMedium, modifier = Modifier.testTag("retired"))
        Hint(s["retired-hint"])
    }
}
