package org.workervoice.app.tests

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.runDesktopComposeUiTest
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.Test
import org.workervoice.app.Screen
import org.workervoice.app.WorkerVoiceUi
import org.workervoice.testing.HANDLER_PASSWORD
import org.workervoice.testing.HandlerClient
import org.workervoice.testing.PIN
import org.workervoice.testing.RosterWorker

/**
 * A worker's first report, tapped through the real UI: enrol a phone with a
 * typed code, choose a language, activate with the worker card and a new
 * PIN, report a grievance and note the receipt — then the hotline reads the
 * very words on the hub, under the case number the screen showed.
 * Screenshots of every screen state in the worker's language.
 */
@OptIn(ExperimentalTestApi::class)
class FirstReportTest : AppUiTest() {
    @Test
    fun aWorkerInEnglishEnrolsActivatesReportsAndNotesTheReceipt() =
        firstReport("en", "Overtime for October has not been paid to our line.")

    @Test
    fun aWorkerInVietnameseEnrolsActivatesReportsAndNotesTheReceipt() =
        firstReport("vi", "Tiền tăng ca tháng 10 chưa được trả cho chuyền chúng tôi.")

    @Test
    fun aWorkerInChineseEnrolsActivatesReportsAndNotesTheReceipt() =
        firstReport("zh-CN", "我们这条线十月份的加班费还没有发。")

    private fun firstReport(language: String, words: String) {
        val (factory, _, hotlineId) = grievanceProgramme(hub)
        val code = hub.admin.issueCodes(factory.id, "personal", 1).single().code
        val number = "A${language.filter(Char::isLetter).uppercase()}${System.nanoTime() % 100000}"
        val activation = hub.admin.importRoster(factory.id, listOf(RosterWorker(number, "Lan", language))).getValue(number)
        // The device starts in English (a phone set to another language is the language screen's job).
        val model = newInstallation("en", hub.admin.programmeKey())
        var sendToReceiptMs = 0L

        runDesktopComposeUiTest(SCREEN_WIDTH, SCREEN_HEIGHT) {
            setContent { WorkerVoiceUi(model) }

            // Enrol with the typed code.
            awaitTag("enrol-code").performTextInput(code)
            screenshot(language, "01-enrol")
            tap("enrol-submit")

            // Choose the language; everything after is in it.
            awaitTag("language-$language")
            screenshot(language, "02-language")
            tap("language-$language")

            // Sign-in screen, then first-time activation.
            awaitTag("signin-activate")
            screenshot(language, "03-signin")
            tap("signin-activate")
            awaitTag("activation-code")
            awaitTag("worker-number").performTextInput(number)
            awaitTag("activation-code").performTextInput(activation)
            screenshot(language, "04-activate-card")
            tap("activate-next")
            typePin(PIN)
            screenshot(language, "05-activate-pin")
            tap("activate-next")
            typePin(PIN)
            tap("activate-next")

            // Home, once the first sync brought the directory.
            awaitTag("home-report")
            waitUntil(timeoutMillis = UI_WAIT_MS) { model.core.categories().isNotEmpty() }
            screenshot(language, "06-home")
            tap("home-report")

            awaitTag("category-wages")
            screenshot(language, "07-report-category")
            tap("category-wages")
            tap("report-next")
            awaitTag("report-text").performTextInput(words)
            screenshot(language, "08-report-text")
            tap("report-next")
            awaitTag("report-anonymous")
            tap("report-named")
            screenshot(language, "09-report-identity")
            tap("report-next")
            tap("route-independent_hotline")
            screenshot(language, "10-report-route")
            tap("report-next")
            awaitTag("report-send")
            screenshot(language, "11-report-review")

            val started = System.nanoTime()
            tap("report-send")
            awaitTag("receipt-case")
            sendToReceiptMs = (System.nanoTime() - started) / 1_000_000
            val caseId = textOf("receipt-case")
            val secret = textOf("receipt-secret")
            assertTrue(Regex("^[0-9A-Z]{5}-[0-9A-Z]{5}$").matches(caseId), "case id on screen: $caseId")
            assertTrue(secret.filter(Char::isDigit).length >= 20, "secret on screen: $secret")

            // Delivered in the background; the screen says so.
            waitUntil(timeoutMillis = UI_WAIT_MS) { (model.screen as? Screen.Receipt)?.sent == true }
            screenshot(language, "12-receipt")

            // The hotline reads the worker's words under the number on screen.
            val hotline = HandlerClient(hub.url, hotlineId, HANDLER_PASSWORD)
            assertTrue(caseId in hotline.caseIds(), "the hotline has case $caseId")
            assertEquals(words, hotline.open(caseId).first)

            // "I have written it down" before moving on.
            tap("receipt-continue")
            assertTrue(model.screen is Screen.Receipt, "Continue works only after ticking the box")
            tap("receipt-written")
            screenshot(language, "13-receipt-noted")
            tap("receipt-continue")
            awaitTag("home-report")
            assertTrue(!shows("receipt-case"), "the receipt is shown once")
        }
        println("  [$language] send to receipt on screen: $sendToReceiptMs ms")
    }
}
