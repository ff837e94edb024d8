package org.workervoice.app.tests

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.runDesktopComposeUiTest
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.Test
import org.workervoice.WorkerVoiceException
import org.workervoice.app.AppModel
import org.workervoice.app.Screen
import org.workervoice.app.WorkerVoiceUi
import org.workervoice.testing.HANDLER_PASSWORD
import org.workervoice.testing.HandlerClient
import org.workervoice.testing.PIN
import org.workervoice.testing.RosterWorker
import org.workervoice.app.report.DRAFT_NAME
import org.workervoice.app.report.ReportDraft
import org.workervoice.ClockSource
import java.util.concurrent.atomic.AtomicLong

/**
 * A shared tablet in a break room: a worker reports anonymously without
 * signing in, notes the receipt, and the tablet returns to the sign-in
 * screen holding nothing of the report.
 */
@OptIn(ExperimentalTestApi::class)
class KioskTest : AppUiTest() {
    @Test
    fun anAnonymousReportWithoutSignInLeavesNothingOnTheTabletInVietnamese() =
        anonymousReport("vi", "Quản đốc đe dọa chúng tôi sau cuộc kiểm toán.")

    @Test
    fun anAnonymousReportWithoutSignInLeavesNothingOnTheTabletInChinese() =
        anonymousReport("zh-CN", "审核之后，主管威胁了我们。")

    @Test
    fun anAnonymousReportWithoutSignInLeavesNothingOnTheTabletInEnglish() =
        anonymousReport("en", "The supervisor threatened us after the audit.")

    @Test
    fun anIdleTimeOutMidReportHidesItAndReturnsTheDraftToItsWorkerOnly() {
        val (factory, _, _) = grievanceProgramme(hub)
        val code = hub.admin.issueCodes(factory.id, "shared", 1).single().code
        val lan = "KV${System.nanoTime() % 100000}"
        val wei = "KZ${System.nanoTime() % 100000}"
        val codes = hub.admin.importRoster(factory.id, listOf(RosterWorker(lan, "Lan", "vi"), RosterWorker(wei, "Wei", "zh-CN")))
        val tablet = newInstallation("en", hub.admin.programmeKey())
        val clock = TestClock(System.currentTimeMillis())
        tablet.core.setClock(clock)
        val words = "Tổ trưởng giữ thẻ của chúng tôi"

        runDesktopComposeUiTest(SCREEN_WIDTH, SCREEN_HEIGHT) {
            setContent { WorkerVoiceUi(tablet) }
            awaitTag("enrol-code").performTextInput(code)
            tap("enrol-shared")
            tap("enrol-submit")

            // Lan, in Vietnamese, starts a report and walks away mid-sentence.
            tap("language-vi")
            activate(tablet, lan, codes.getValue(lan))
            tap("home-report")
            tap("category-wages")
            tap("report-next")
            awaitTag("report-text").performTextInput(words)
            // Her words are in the draft (saved as she types, a moment after the last key).
            waitUntil(timeoutMillis = UI_WAIT_MS) {
                runCatching { tablet.core.loadDraft(DRAFT_NAME) }.getOrNull()?.let(ReportDraft::decode)?.text == words
            }
            // The factory's time-out arrives with each sync; set the test's after the last one.
            tablet.core.setIdleTimeoutSecs(60u)
            clock.now.addAndGet(61_000)
            // The core checks every second; the app leaves the report when it says so.
            awaitTag("language-en")
            assertTrue(!shows("report-text"), "the half-written report is off the screen")
            screenshot("vi", "k4-timed-out")

            // Wei, in Chinese, signs in next: an empty report, nothing of Lan's.
            tap("language-zh-CN")
            activate(tablet, wei, codes.getValue(wei))
            tap("home-report")
            awaitTag("category-wages")
            assertTrue(tablet.core.loadDraft(DRAFT_NAME) == null, "the next worker has no draft")
            tap("back")
            tap("home-done")

            // Lan signs in again and is back in her report, words and all.
            tap("language-vi")
            awaitTag("worker-number").performTextInput(lan)
            typePin(PIN)
            tap("signin-submit")
            awaitTag("report-text")
            assertTrue(words in textsOf("report-text"), "Lan's words come back to her")
            screenshot("vi", "k5-draft-returned")
        }
    }

    private fun anonymousReport(language: String, words: String) {
        val (factory, _, hotlineId) = grievanceProgramme(hub)
        val code = hub.admin.issueCodes(factory.id, "shared", 1).single().code
        val tablet = newInstallation("en", hub.admin.programmeKey())

        runDesktopComposeUiTest(SCREEN_WIDTH, SCREEN_HEIGHT) {
            setContent { WorkerVoiceUi(tablet) }
            awaitTag("enrol-code").performTextInput(code)
            tap("enrol-shared")
            tap("enrol-submit")
            tap("language-$language")
            awaitTag("signin-anonymous-report")
            waitUntil(timeoutMillis = UI_WAIT_MS) { tablet.core.categories().isNotEmpty() }
            screenshot(language, "k1-signin-shared-tablet")

            tap("signin-anonymous-report")
            awaitTag("category-retaliation")
            screenshot(language, "k2-report-anonymous")
            tap("category-retaliation")
            tap("report-next")
            awaitTag("report-text").performTextInput(words)
            tap("report-next")
            // No identity step: straight to the route.
            tap("route-independent_hotline")
            tap("report-next")
            awaitTag("report-send")
            screenshot(language, "k3-report-review-anonymous")
            tap("report-send")
            val caseId = textOf("receipt-case")
            waitUntil(timeoutMillis = UI_WAIT_MS) { (tablet.screen as? Screen.Receipt)?.sent == true }

            val hotline = HandlerClient(hub.url, hotlineId, HANDLER_PASSWORD)
            assertEquals(words, hotline.open(caseId).first)

            tap("receipt-written")
            tap("receipt-continue")
            awaitTag("signin-anonymous-report")
            assertTrue(tablet.screen is Screen.SignIn, "back to sign-in for the next worker")
            assertTrue(!shows("receipt-case") && !shows("report-text"), "nothing of the report on screen")
        }
        // Nothing kept for anyone: there is no session to list cases with.
        val refused = runCatching { tablet.core.myCases() }.exceptionOrNull()
        assertTrue(refused is WorkerVoiceException.Session, "no cases without a session: $refused")
    }
}

/** A clock the test moves by hand (the core asks it for the time). */
class TestClock(start: Long) : ClockSource {
    val now = AtomicLong(start)

    override fun nowMillis(): Long = now.get()
}
