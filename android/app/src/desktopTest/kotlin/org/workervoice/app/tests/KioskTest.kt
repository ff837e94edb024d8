package org.workervoice.app.tests

import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.runDesktopComposeUiTest
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.MainScope
import kotlinx.coroutines.cancel
import org.junit.Test
import org.workervoice.app.ClasspathStrings
import org.workervoice.WorkerVoiceException
import org.workervoice.app.AppModel
import org.workervoice.app.Screen
import org.workervoice.app.WorkerVoiceUi
import org.workervoice.app.desktop.DesktopServices
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
        val photo = java.io.File(temp.newFolder(), "the-locked-card-box.png")
        javax.imageio.ImageIO.write(java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", photo)
        val tablet = newInstallation("en", hub.admin.programmeKey(), DesktopServices(pickFrom = { photo }))
        val clock = TestClock(System.currentTimeMillis())
        tablet.core.setClock(clock)
        val words = "Tổ trưởng giữ thẻ của chúng tôi"
        val phone = "+84 977 000 123"

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
            // A shared tablet's photo library holds earlier workers' photos: the camera only.
            awaitTag("report-attach-camera")
            assertTrue(!shows("report-attach-library"), "no photo library on a shared tablet")
            screenshot("vi", "k3b-report-camera-only")
            tap("report-attach-camera")
            awaitTag("attachment-0")
            tap("report-next")
            tap("report-named")
            tap("report-callback")
            awaitTag("callback-phone").performTextInput(phone)
            // Her words, photo and call-back are in the draft (saved as she goes, a moment after the last key).
            waitUntil(timeoutMillis = UI_WAIT_MS) {
                val draft = runCatching { tablet.core.loadDraft(DRAFT_NAME) }.getOrNull()?.let(ReportDraft::decode)
                draft?.text == words && draft.phone == phone &&
                    runCatching { tablet.core.loadDraftAttachments(DRAFT_NAME) }.getOrNull()?.map { it.name } == listOf("the-locked-card-box.jpg")
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
            assertTrue(tablet.core.loadDraftAttachments(DRAFT_NAME).isEmpty(), "nor anyone's photo")
            assertShowsNothingOf(words, phone, "the-locked-card-box")
            tap("back")
            tap("home-done")

            // Lan signs in again and is back in her report, words and all.
            tap("language-vi")
            awaitTag("worker-number").performTextInput(lan)
            typePin(PIN)
            tap("signin-submit")
            // Where she was: the call-back with her number; one step back, her words and photo.
            awaitTag("callback-phone")
            assertTrue(phone in textsOf("callback-phone"), "Lan's call-back number comes back to her")
            screenshot("vi", "k5-draft-returned")
            tap("back")
            awaitTag("report-text")
            assertTrue(words in textsOf("report-text"), "Lan's words come back to her")
            assertTrue("the-locked-card-box.jpg" in textsOf("attachment-0"), "and her photo")
            awaitTag("attachment-0").performScrollTo()
            screenshot("vi", "k5b-draft-returned-photo")
        }
    }

    /**
     * Lan (Vietnamese), Wei (Chinese) and Ann (English) use one tablet in
     * turn. Each sees only their own draft and nothing of another's report
     * (a tablet keeps no worker's cases: they follow up with the receipt);
     * the screen after
     * "I'm done" (or after the idle countdown signs someone out) shows
     * nothing of the worker before; a half-written report goes back to its
     * writer only. The idle countdown runs on the core's clock, moved by the
     * test: no real waiting beyond the app's one-second check.
     */
    @Test
    fun threeWorkersInTurnOnOneTabletEachSeeOnlyTheirOwnAndNothingOfTheOneBefore() {
        val (factory, _, _) = grievanceProgramme(hub)
        val code = hub.admin.issueCodes(factory.id, "shared", 1).single().code
        val suffix = System.nanoTime() % 100000
        val lan = "KL$suffix"
        val wei = "KW$suffix"
        val ann = "KA$suffix"
        val codes = hub.admin.importRoster(
            factory.id,
            listOf(RosterWorker(lan, "Lan", "vi"), RosterWorker(wei, "Wei", "zh-CN"), RosterWorker(ann, "Ann", "en")),
        )
        val tablet = newInstallation("en", hub.admin.programmeKey())
        val clock = TestClock(System.currentTimeMillis())
        tablet.core.setClock(clock)
        val lanWords = "Chúng tôi phải làm thêm giờ mà không được trả lương."
        val weiWords = "组长扣了我们的身份证"

        runDesktopComposeUiTest(SCREEN_WIDTH, SCREEN_HEIGHT) {
            setContent { WorkerVoiceUi(tablet) }
            awaitTag("enrol-code").performTextInput(code)
            tap("enrol-shared")
            tap("enrol-submit")

            // Lan sends a named report, notes the receipt, and is done.
            tap("language-vi")
            activate(tablet, lan, codes.getValue(lan))
            val lanCase = sendNamedReport(lanWords)
            tap("home-done")
            awaitTag("language-en")
            assertShowsNothingOf("Lan", lan, lanCase, lanWords)
            screenshot("en", "k6-after-done")

            // Wei: nothing of Lan's; she starts a report and stops touching the tablet.
            tap("language-zh-CN")
            activate(tablet, wei, codes.getValue(wei))
            tap("home-my-cases")
            awaitTag("back")
            assertShowsNothingOf(lanCase, lanWords)
            tap("back")
            tap("home-report")
            tap("category-wages")
            tap("report-next")
            awaitTag("report-text").performTextInput(weiWords)
            waitUntil(timeoutMillis = UI_WAIT_MS) {
                runCatching { tablet.core.loadDraft(DRAFT_NAME) }.getOrNull()?.let(ReportDraft::decode)?.text == weiWords
            }
            // The factory's time-out arrives with each sync: set the test's once the last one is over.
            waitUntil(timeoutMillis = UI_WAIT_MS) { tablet.activity.syncing == null }
            tablet.core.setIdleTimeoutSecs(30u)
            tablet.core.keepSessionAlive()

            // 15 s without a tap: the core says 15 s are left; the screen counts them down over her report.
            clock.now.addAndGet(15_000)
            awaitTag("idle-countdown")
            assertTrue("15" in textOf("idle-countdown"), textOf("idle-countdown"))
            screenshot("zh-CN", "k7-idle-countdown")
            // "I'm still here": the time-out counts from now, her report stays.
            tap("idle-stay")
            waitUntil(timeoutMillis = UI_WAIT_MS) { !shows("idle-countdown") }
            assertTrue((tablet.core.idleSecondsLeft() ?: 0u) >= 25u, "the session counts from the tap")
            assertTrue(weiWords in textsOf("report-text"))
            // Again, and this time "Sign me out now": off the screen, draft kept for her.
            clock.now.addAndGet(15_000)
            tap("idle-leave")
            awaitTag("language-en")
            assertTrue(tablet.core.currentWorker() == null, "signed out")
            assertShowsNothingOf("Wei", wei, weiWords)

            // Ann: no draft and no report of the two before her.
            tap("language-en")
            activate(tablet, ann, codes.getValue(ann))
            tap("home-my-cases")
            awaitTag("back")
            assertShowsNothingOf(lanCase, lanWords)
            tap("back")
            tap("home-report")
            awaitTag("category-wages")
            assertTrue(tablet.core.loadDraft(DRAFT_NAME) == null, "Ann has no draft")
            assertShowsNothingOf(weiWords)
            tap("back")
            tap("home-done")
            awaitTag("language-en")
            assertShowsNothingOf("Ann", ann)

            // Lan again: home, not Wei's report.
            signInAgain("vi", lan)
            awaitTag("home-report")
            assertTrue(tablet.screen is Screen.Home, "no draft of anyone's opens for Lan")
            assertShowsNothingOf("Wei", weiWords)
            tap("home-done")

            // Wei again: straight back into her report, words and all.
            signInAgain("zh-CN", wei)
            awaitTag("report-text")
            assertTrue(weiWords in textsOf("report-text"), "Wei's words come back to her")
        }
    }

    /**
     * A tablet the programme retires while a worker is signed in: at its
     * next sync the core shreds what it held, and the app leaves the
     * worker's screen for one that shows nothing of anyone. Restarted, the
     * app opens on the same screen.
     */
    @Test
    fun aRetiredTabletShowsAClearScreenAndNothingOfTheWorkers() {
        val (factory, _, _) = grievanceProgramme(hub)
        val code = hub.admin.issueCodes(factory.id, "shared", 1).single().code
        val thu = "KR${System.nanoTime() % 100000}"
        val codes = hub.admin.importRoster(factory.id, listOf(RosterWorker(thu, "Thu", "vi")))
        val tablet = newInstallation("en", hub.admin.programmeKey())

        runDesktopComposeUiTest(SCREEN_WIDTH, SCREEN_HEIGHT) {
            setContent { WorkerVoiceUi(tablet) }
            awaitTag("enrol-code").performTextInput(code)
            tap("enrol-shared")
            tap("enrol-submit")
            tap("language-vi")
            activate(tablet, thu, codes.getValue(thu))
            awaitTag("home-report")

            hub.admin.retireDevice(tablet.core.status().deviceId ?: error("enrolled tablet without an id"))
            // The app's next background sync learns it.
            runOnUiThread { tablet.syncInBackground() }
            awaitTag("retired")
            assertTrue(tablet.screen is Screen.Retired)
            assertTrue(tablet.core.currentWorker() == null, "no session left")
            assertShowsNothingOf("Thu", thu)
            assertTrue(!shows("home-report") && !shows("back") && !shows("home-done"), "no way into a worker's screens")
            screenshot("en", "k8-retired")
        }
        // The app started again on the retired tablet opens on the same screen.
        val scope = MainScope()
        try {
            assertTrue(AppModel(tablet.core, scope, Dispatchers.IO, ClasspathStrings, listOf("vi")).screen is Screen.Retired)
        } finally {
            scope.cancel()
        }
    }

    /** Worker number and PIN on the sign-in screen, after choosing [language]. */
    private fun ComposeUiTest.signInAgain(language: String, number: String) {
        tap("language-$language")
        awaitTag("worker-number").performTextInput(number)
        typePin(PIN)
        tap("signin-submit")
    }

    /** A named report to the hotline, from home to the receipt noted; returns its case number. */
    private fun ComposeUiTest.sendNamedReport(words: String): String {
        tap("home-report")
        tap("category-wages")
        tap("report-next")
        awaitTag("report-text").performTextInput(words)
        tap("report-next")
        tap("report-named")
        tap("report-next")
        tap("route-independent_hotline")
        tap("report-next")
        tap("report-send")
        val caseId = textOf("receipt-case")
        tap("receipt-written")
        tap("receipt-continue")
        awaitTag("home-report")
        return caseId
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
