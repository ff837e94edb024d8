package org.workervoice.app.ui

import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.AccountCircle
import androidx.compose.material.icons.filled.Create
import androidx.compose.material.icons.filled.DateRange
import androidx.compose.material.icons.filled.Face
import androidx.compose.material.icons.filled.Notifications
import androidx.compose.material.icons.filled.ShoppingCart
import androidx.compose.material.icons.filled.Warning
import androidx.compose.ui.graphics.vector.ImageVector

/**
 * An icon beside each category's words, for workers who read little. The
 * categories are the directory's (ids are stable); one the app does not know
 * gets the generic "write" icon. These come from Material's core set, the
 * only icons on Maven Central for Compose 1.7 — a drawn set tested with
 * workers should replace them.
 */
fun categoryIcon(id: String): ImageVector = when (id) {
    "wages" -> Icons.Filled.ShoppingCart
    "hours" -> Icons.Filled.DateRange
    "safety" -> Icons.Filled.Warning
    "harassment" -> Icons.Filled.Face
    "discrimination" -> Icons.Filled.AccountCircle
    "retaliation" -> Icons.Filled.Notifications
    else -> Icons.Filled.Create
}
