package org.workervoice.app

import androidx.compose.runtime.staticCompositionLocalOf
import org.workervoice.AppStrings
import org.workervoice.StringArg
import org.workervoice.StringsResource

/**
 * The app's words in one chain of languages, from the core's Fluent strings
 * (one source for Android and iOS): English is built into the library, the
 * other languages ship as `.ftl` resources that [ShippedStrings] reads.
 *
 * `strings["id"]`, or `strings("id", "count" to 3)` with arguments (numbers
 * select plural forms). A missing id never shows raw: the core gives a
 * neutral mark, and the UI tests fail on it.
 */
class Strings(private val native: AppStrings) {
    /** The language most strings are in, as a BCP 47 tag. */
    val language: String = native.language()

    /** Whether layouts mirror (a right-to-left language). */
    val isRightToLeft: Boolean = native.isRightToLeft()

    operator fun get(id: String): String = native.message(id, emptyList())

    operator fun invoke(id: String, vararg args: Pair<String, Any>): String =
        native.message(
            id,
            args.map { (name, value) ->
                when (value) {
                    is Int -> StringArg.Number(name, value.toLong())
                    is Long -> StringArg.Number(name, value)
                    is UInt -> StringArg.Number(name, value.toLong())
                    is ULong -> StringArg.Number(name, value.toLong())
                    else -> StringArg.Text(name, value.toString())
                }
            },
        )

    /** Whether [id] exists (for tests). */
    fun has(id: String): Boolean = native.has(id)

    /** Problems in the shipped resources (for tests and logs); empty when all parsed. */
    fun problems(): List<String> = native.problems()

    companion object {
        /** Strings for [languages] (most preferred first) from the shipped resources. */
        fun load(languages: List<String>, shipped: ShippedStrings): Strings =
            Strings(AppStrings(languages, shipped.resources()))
    }
}

/**
 * Where the platform keeps the app's translations (Android assets, the iOS
 * bundle, the desktop class path). English is not among them: it is built
 * into the library.
 */
fun interface ShippedStrings {
    /** The Fluent source of [language], or null when the app does not ship it. */
    fun source(language: String): String?

    /** Every shipped translation, for [Strings.load]. */
    fun resources(): List<StringsResource> =
        APP_LANGUAGES.filter { it != "en" }.mapNotNull { tag -> source(tag)?.let { StringsResource(tag, it) } }
}

/** The languages the app offers, in the order of the language screen. */
val APP_LANGUAGES: List<String> = listOf("en", "vi", "zh-CN")

/**
 * Each language's own name, shown on the language screen in that language
 * (a worker who cannot read the current one must still find theirs).
 */
val LANGUAGE_ENDONYMS: Map<String, String> = mapOf(
    "en" to "English",
    "vi" to "Tiếng Việt",
    "zh-CN" to "简体中文",
)

/** Translations on the JVM class path under `/strings/<tag>.ftl` (desktop runner, tests). */
object ClasspathStrings : ShippedStrings {
    override fun source(language: String): String? =
        ClasspathStrings::class.java.getResourceAsStream("/strings/$language.ftl")?.use { it.readBytes().toString(Charsets.UTF_8) }
}

/** The strings of the screen being composed. */
val LocalStrings = staticCompositionLocalOf<Strings> { error("no Strings provided: wrap the UI in WorkerVoiceTheme") }
