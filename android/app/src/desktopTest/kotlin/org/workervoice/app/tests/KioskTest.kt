package org.workervoice.app.tests

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.runDesktopComposeUiTest
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.Test
import org.workervoice.WorkerVoiceException
import org.workervoice.app.Screen
import org.workervoice.app.WorkerVoiceUi
import org.workervoice.testing.HANDLER_PASSWORD
import org.workervoice.testing.HandlerClient

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
