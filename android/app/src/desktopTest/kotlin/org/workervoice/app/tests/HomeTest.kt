package org.workervoice.app.tests

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.runDesktopComposeUiTest
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.test.assertTrue
import org.workervoice.ConnectivityMonitor
import org.junit.Test
import org.workervoice.app.Screen
import org.workervoice.app.WorkerVoiceUi
import org.workervoice.testing.OTHER_PIN
import org.workervoice.testing.RosterWorker

/**
 * Home and the worker's own PIN, tapped through the real UI: change the PIN
 * (the hub checks the old one) and sign in with the new one; with no
 * network a report waits on the device and home says so ("no connection",
 * what waits, "Send now"); with the network back, "Send now" delivers it
 * and home says everything is sent and when the hub was last reached.
 */
@OptIn(ExperimentalTestApi::class)
class HomeTest : AppUiTest() {
    @Test
    fun aWorkerInVietnameseChangesThePinAndSeesAQueuedReportSentWhenTheNetworkIsBack() = home("vi", "Máy may ở chuyền 3 bị hỏng.")

    @Test
    fun aWorkerInChineseChangesThePinAndSeesAQueuedReportSentWhenTheNetworkIsBack() = home("zh-CN", "三号线的缝纫机坏了。")

    @Test
    fun aWorkerInEnglishChangesThePinAndSeesAQueuedReportSentWhenTheNetworkIsBack() = home("en", "The sewing machine on line 3 is broken.")

    private fun home(language: String, words: String) {
        val (factory, _, _) = grievanceProgramme(hub)
        val code = hub.admin.issueCodes(factory.id, "personal", 1).single().code
        val number = "H${language.filter(Char::isLetter).uppercase()}${System.nanoTime() % 100000}"
        val activation = hub.admin.importRoster(factory.id, listOf(RosterWorker(number, "Linh", language))).getValue(number)
        val model = newInstallation(language, hub.admin.programmeKey())
        val network = TestConnectivity()
        model.core.setConnectivity(network)

        runDesktopComposeUiTest(SCREEN_WIDTH, SCREEN_HEIGHT) {
            setContent { WorkerVoiceUi(model) }
            awaitTag("enrol-code").performTextInput(code)
            tap("enrol-submit")
            tap("language-$language")
            activate(model, number, activation)
            waitUntil(timeoutMillis = UI_WAIT_MS) { shows("home-all-sent") }
            // The core's record of the sync that just reached the hub.
            val justNow = model.strings("home-last-sync-minutes", "count" to 0)
            waitUntil(timeoutMillis = UI_WAIT_MS) { justNow in textsOf("home-last-sync") }
            screenshot(language, "h1-home")

            // Change the PIN: the current one, then the new one twice.
            tap("home-change-pin")
            awaitTag("changepin-step-current")
            typePin(org.workervoice.testing.PIN)
            tap("changepin-next")
            awaitTag("changepin-step-new")
            typePin(OTHER_PIN)
            screenshot(language, "h2-change-pin")
            tap("changepin-next")
            awaitTag("changepin-step-repeat")
            typePin(OTHER_PIN)
            tap("changepin-next")
            awaitTag("changepin-done")
            screenshot(language, "h3-change-pin-done")
            tap("changepin-next")

            // Signed out and in again with the new PIN.
            tap("home-done")
            tap("language-$language")
            awaitTag("worker-number").performTextInput(number)
            typePin(OTHER_PIN)
            tap("signin-submit")
            awaitTag("home-report")

            // No network: the report is kept and home shows it waiting.
            network.online.set(false)
            run {
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
                awaitTag("receipt-case")
                tap("receipt-written")
                tap("receipt-continue")
                awaitTag("home-queued")
                tap("home-sync-now")
                awaitTag("home-offline")
                awaitTag("home-sync-now")
                screenshot(language, "h4-home-offline-queued")
            }

            // The network is back: "Send now" delivers it.
            network.online.set(true)
            tap("home-sync-now")
            waitUntil(timeoutMillis = UI_WAIT_MS) { shows("home-all-sent") }
            assertTrue(!shows("home-offline") && !shows("home-queued"), "nothing waits any more")
            assertTrue(model.screen is Screen.Home)
            screenshot(language, "h5-home-sent")
        }
    }
}

/** The platform's network state as the test sets it (the core asks before every sync). */
class TestConnectivity : ConnectivityMonitor {
    val online = AtomicBoolean(true)

    override fun isOnline(): Boolean = online.get()

    override fun isMetered(): Boolean = false
}
