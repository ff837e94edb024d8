package org.workervoice.app.tests

import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.Test
import org.workervoice.app.APP_LANGUAGES
import org.workervoice.app.ClasspathStrings
import org.workervoice.app.Strings

/** The app's strings as the shells load them: English built in, translations from resources. */
class StringsTest {
    @Test
    fun everyOfferedLanguageLoadsFromTheShippedResourcesWithoutProblems() {
        for (tag in APP_LANGUAGES) {
            val strings = Strings.load(listOf(tag), ClasspathStrings)
            assertEquals(tag, strings.language)
            assertTrue(strings.problems().isEmpty(), "$tag: ${strings.problems()}")
        }
    }

    @Test
    fun translationsDifferFromEnglishAndPluralsTakeTheirArguments() {
        val en = Strings.load(listOf("en"), ClasspathStrings)
        val vi = Strings.load(listOf("vi-VN"), ClasspathStrings)
        val zh = Strings.load(listOf("zh-Hans-CN"), ClasspathStrings)
        assertTrue(en["signin-title"] != vi["signin-title"] && vi["signin-title"] != zh["signin-title"])
        assertEquals("zh-CN", zh.language)
        assertTrue("3" in en("pinpad-entered", "count" to 3))
        assertTrue("Lan" in vi("home-hello", "name" to "Lan"))
    }

    @Test
    fun aLanguageTheAppDoesNotShipFallsBackToEnglish() {
        val strings = Strings.load(listOf("sw"), ClasspathStrings)
        assertEquals("en", strings.language)
        assertEquals(Strings.load(listOf("en"), ClasspathStrings)["report-send"], strings["report-send"])
    }
}
