package org.workervoice.app.tests

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.runDesktopComposeUiTest
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.Test
import org.workervoice.app.Screen
import org.workervoice.app.WorkerVoiceUi
import org.workervoice.model.GrievanceRoute
import org.workervoice.testing.HANDLER_PASSWORD
import org.workervoice.testing.HandlerClient
import org.workervoice.testing.PIN
import org.workervoice.testing.RosterWorker

/**
 * A worker's first report, tapped through the real UI: enrol a phone with a
 * typed code, choose a language, activate with the worker card and a new
 * PIN, report a grievance and note the receipt — then the hotline reads the
 * very words on the hub, under the case number the screen showed, replies,
 * and the worker reads the reply under My reports and answers; a shared
 * tablet with only the receipt (nobody signed in) shows both.
 * Screenshots of every screen state in the worker's language.
 */
@OptIn(ExperimentalTestApi::class)
class FirstReportTest : AppUiTest() {
    @Test
    fun aWorkerInEnglishEnrolsReportsNotesTheReceiptAndReadsTheReplyOnASecondDevice() =
        firstReport("en", "Overtime for October has not been paid to our line.", "We will call you on Friday.", "Night shift, Tuesday is best.")

    @Test
    fun aWorkerInVietnameseEnrolsReportsNotesTheReceiptAndReadsTheReplyOnASecondDevice() =
        firstReport("vi", "Tiền tăng ca tháng 10 chưa được trả cho chuyền chúng tôi.", "Chúng tôi sẽ gọi cho bạn vào thứ Sáu.", "Ca đêm, thứ Ba.")

    @Test
    fun aWorkerInChineseEnrolsReportsNotesTheReceiptAndReadsTheReplyOnASecondDevice() =
        firstReport("zh-CN", "我们这条线十月份的加班费还没有发。", "我们会在星期五给您打电话。", "周二夜班最方便。")

    private fun firstReport(language: String, words: String, reply: String, answer: String) {
        var caseId = ""
        var secret = ""
        val (factory, _, hotlineId) = grievanceProgramme(hub)
        val code = hub.admin.issueCodes(factory.id, "personal", 1).single().code
        val number = "A${language.filter(Char::isLetter).uppercase()}${System.nanoTime() % 100000}"
        val activation = hub.admin.importRoster(factory.id, listOf(RosterWorker(number, "Lan", language))).getValue(number)
        // The device starts in English (a phone set to another language is the language screen's job).
        // This "device" has voices for English and Chinese, none for Vietnamese.
        val voice = RecordingVoice(voices = setOf("en", "zh-CN"))
        val model = newInstallation("en", hub.admin.programmeKey(), voice)
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
            // Who can read it, from the signed directory: the factory's committee
            // has one handler (flagged), the programme's hotline its own readers;
            // the brand has none, so it is not offered.
            awaitTag("route-readers-factory_committee")
            assertTrue("${factory.name} worker committee" in textOf("route-readers-factory_committee"), textOf("route-readers-factory_committee"))
            assertTrue(shows("route-single-factory_committee"), "a route with a single reader is flagged")
            val hotlineReaders = model.core.routeReaders().single { it.route == GrievanceRoute.INDEPENDENT_HOTLINE }.readers
            assertTrue(hotlineReaders >= 1u)
            assertTrue(hotlineReaders.toString() in textOf("route-readers-independent_hotline"), textOf("route-readers-independent_hotline"))
            assertEquals(hotlineReaders == 1u, shows("route-single-independent_hotline"))
            assertTrue(!shows("route-brand"), "no brand reader in the directory, no brand route")
            tap("route-independent_hotline")
            screenshot(language, "10-report-route")
            tap("report-next")
            awaitTag("report-send")
            screenshot(language, "11-report-review")

            val started = System.nanoTime()
            tap("report-send")
            awaitTag("receipt-case")
            sendToReceiptMs = (System.nanoTime() - started) / 1_000_000
            caseId = textOf("receipt-case")
            secret = textOf("receipt-secret")
            assertTrue(Regex("^[0-9A-Z]{5}-[0-9A-Z]{5}$").matches(caseId), "case id on screen: $caseId")
            assertTrue(secret.filter(Char::isDigit).length >= 20, "secret on screen: $secret")

            // Delivered in the background; the screen says so.
            waitUntil(timeoutMillis = UI_WAIT_MS) { (model.screen as? Screen.Receipt)?.sent == true }
            screenshot(language, "12-receipt")

            // The hotline reads the worker's words under the number on screen.
            val hotline = HandlerClient(hub.url, hotlineId, HANDLER_PASSWORD)
            assertTrue(caseId in hotline.caseIds(), "the hotline has case $caseId")
            assertEquals(words, hotline.open(caseId).first)

            // "Read aloud": the case number and the secret, character by
            // character, in the worker's language; without a voice for it,
            // the screen says so.
            tap("receipt-read-aloud")
            val (text, spokenIn) = voice.spoken.single()
            assertEquals(language, spokenIn)
            val plain = text.filterNot { it == '\u2068' || it == '\u2069' }
            assertTrue(caseId.toList().joinToString(" ") in plain && secret.toList().joinToString(" ") in plain, plain)
            assertEquals(language == "vi", shows("read-aloud-unavailable"))
            if (language == "vi") screenshot(language, "12b-receipt-no-voice")

            // "I have written it down" before moving on.
            tap("receipt-continue")
            assertTrue(model.screen is Screen.Receipt, "Continue works only after ticking the box")
            tap("receipt-written")
            screenshot(language, "13-receipt-noted")
            val stopsAtReceipt = voice.stops
            tap("receipt-continue")
            awaitTag("home-report")
            assertTrue(!shows("receipt-case"), "the receipt is shown once")
            assertTrue(voice.stops > stopsAtReceipt, "the receipt is not read on past its screen")

            // The hotline replies; the worker reads it under My reports and answers.
            hotline.setStatus(caseId, "acknowledged")
            hotline.reply(caseId, reply)
            tap("home-my-cases")
            awaitTag("case-$caseId")
            screenshot(language, "14-my-cases")
            tap("case-$caseId")
            awaitTag("message-reply")
            assertTrue(reply in textsOf("message-reply"), "the reply shows under My reports")
            screenshot(language, "15-case-reply")
            awaitTag("case-reply").performTextInput(answer)
            tap("case-send")
            waitUntil(timeoutMillis = UI_WAIT_MS) { answer in hotline.open(caseId).second }

            // "I'm done" stops any reading: nothing is read on to the next person.
            val stopsBefore = voice.stops
            runOnIdle { model.done() }
            assertTrue(voice.stops > stopsBefore, "reading stops when the worker is done")
        }

        // A second installation (a shared tablet), with only the receipt and no sign-in.
        val tablet = newInstallation(language, hub.admin.programmeKey())
        val tabletCode = hub.admin.issueCodes(factory.id, "shared", 1).single().code
        runDesktopComposeUiTest(SCREEN_WIDTH, SCREEN_HEIGHT) {
            setContent { WorkerVoiceUi(tablet) }
            awaitTag("enrol-code").performTextInput(tabletCode)
            tap("enrol-shared")
            tap("enrol-submit")
            tap("language-$language")
            tap("signin-follow-up")
            awaitTag("followup-case").performTextInput(caseId)
            awaitTag("followup-secret").performTextInput(secret)
            screenshot(language, "16-follow-up")
            tap("followup-open")
            awaitTag("message-reply")
            assertTrue(reply in textsOf("message-reply"), "the reply reached the second device")
            assertTrue(answer in textsOf("message-mine"), "the worker's answer shows too")
            screenshot(language, "17-follow-up-case")
            assertTrue(tablet.core.currentWorker() == null, "nobody signed in on the tablet")
        }
        println("  [$language] send to receipt on screen: $sendToReceiptMs ms")
    }
}
