package org.workervoice.app.language

import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.intl.Locale
import org.workervoice.app.LANGUAGE_ENDONYMS
import org.workervoice.app.LocalStrings
import org.workervoice.app.ui.ChoiceCard
import org.workervoice.app.ui.ScreenFrame

/**
 * The languages the app offers, each in its own words, so a worker finds
 * theirs whatever the screen's language is now.
 */
@Composable
fun LanguageScreen(languages: List<String>, current: String, onChoose: (String) -> Unit) {
    val s = LocalStrings.current
    ScreenFrame(title = s["language-title"]) {
        for (tag in languages) {
            val name = LANGUAGE_ENDONYMS[tag] ?: Locale(tag).toLanguageTag()
            ChoiceCard(
                title = name,
                hint = if (tag == current) s["language-current"] else null,
                selected = tag == current,
                onClick = { onChoose(tag) },
                modifier = Modifier.testTag("language-$tag"),
            )
        }
    }
}
