package org.workervoice.app.tests

import androidx.compose.ui.graphics.toAwtImage
import androidx.compose.ui.semantics.SemanticsNode
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SemanticsNodeInteraction
import androidx.compose.ui.test.captureToImage
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onRoot
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import java.io.File
import javax.imageio.ImageIO
import kotlin.test.assertTrue
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.MainScope
import kotlinx.coroutines.cancel
import org.junit.After
import org.workervoice.WorkerVoice
import org.workervoice.app.AppModel
import org.workervoice.app.ClasspathStrings
import org.workervoice.app.PlatformServices
import org.workervoice.app.desktop.DesktopServices
import org.workervoice.testing.HARNESS_TIMEOUT
import org.workervoice.testing.PIN
import androidx.compose.ui.test.performTextInput
import org.workervoice.testing.KotlinMemoryKeyStore
import org.workervoice.testing.WorkerVoiceTest

/** Phone-sized window for every UI test, in dp (density 1). */
const val SCREEN_WIDTH = 420
const val SCREEN_HEIGHT = 860

/** Longest wait for something the core or the hub does. */
val UI_WAIT_MS: Long = HARNESS_TIMEOUT.toMillis()

/**
 * Base of the app's UI tests: real native library, real hub on loopback
 * (from [WorkerVoiceTest]), the real [AppModel] on the Swing main
 * dispatcher with blocking calls on [Dispatchers.IO], and screenshots.
 */
@OptIn(ExperimentalTestApi::class)
abstract class AppUiTest : WorkerVoiceTest() {
    private val scopes = mutableListOf<kotlinx.coroutines.CoroutineScope>()
    private val cores = mutableListOf<WorkerVoice>()

    @After
    fun closeCores() {
        scopes.forEach { it.cancel() }
        cores.forEach { runCatching { it.close() } }
    }

    /** A fresh installation of the app: its own data directory and key store. */
    fun newInstallation(language: String, programmeKey: String?, services: PlatformServices = DesktopServices()): AppModel {
        val core = WorkerVoice.open(
            options(newDataDir(), listOf(language), hub.url, programmeKey),
            KotlinMemoryKeyStore(),
        ).also { cores += it }
        // The unsigned phase's random 0–20 s pauses (ADR 0016) only slow the
        // UI tests down: without this each sync can wait up to a minute.
        core.setUnsignedSendSpacing(0u)
        val scope = MainScope().also { scopes += it }
        return AppModel(core, scope, Dispatchers.IO, ClasspathStrings, listOf(language), services)
    }

    /** Waits until a node tagged [tag] exists, and returns it. */
    fun ComposeUiTest.awaitTag(tag: String, timeoutMs: Long = UI_WAIT_MS): SemanticsNodeInteraction {
        waitUntil(timeoutMillis = timeoutMs) { onAllNodesWithTag(tag, useUnmergedTree = true).fetchSemanticsNodes().isNotEmpty() }
        return onNodeWithTag(tag, useUnmergedTree = true)
    }

    /** Scrolls to the node tagged [tag] and taps it. */
    fun ComposeUiTest.tap(tag: String) {
        val node = awaitTag(tag)
        runCatching { node.performScrollTo() }
        node.performClick()
        waitForIdle()
    }

    /** First sign-in through the screens: worker card, then the PIN twice. */
    fun ComposeUiTest.activate(model: AppModel, number: String, activationCode: String) {
        tap("signin-activate")
        awaitTag("worker-number").performTextInput(number)
        awaitTag("activation-code").performTextInput(activationCode)
        tap("activate-next")
        typePin(PIN)
        tap("activate-next")
        typePin(PIN)
        tap("activate-next")
        awaitTag("home-report")
        waitUntil(timeoutMillis = UI_WAIT_MS) { runCatching { model.core.categories().isNotEmpty() }.getOrDefault(false) }
    }

    /** Types [digits] on the PIN pad. */
    fun ComposeUiTest.typePin(digits: String) = digits.forEach { tap("pin-$it") }

    /** The text of the node tagged [tag]. */
    fun ComposeUiTest.textOf(tag: String): String =
        awaitTag(tag).fetchSemanticsNode().config[SemanticsProperties.Text].joinToString("") { it.text }

    /**
     * Saves the screen as `<screenshots>/<language>/<name>.png` and checks
     * that no string is missing (the core's neutral mark for an unknown id).
     */
    fun ComposeUiTest.screenshot(language: String, name: String) {
        waitForIdle()
        assertTrue(onAllNodesWithText(MISSING_MARK).fetchSemanticsNodes().isEmpty(), "$language/$name shows a missing string")
        val dir = File(System.getProperty("workervoice.screenshots") ?: "target/screenshots/app", language)
        dir.mkdirs()
        ImageIO.write(onRoot().captureToImage().toAwtImage(), "png", File(dir, "$name.png"))
    }

    /** The texts inside every node tagged [tag] (each reply's words, a field's typed text). */
    fun ComposeUiTest.textsOf(tag: String): List<String> =
        onAllNodesWithTag(tag, useUnmergedTree = true).fetchSemanticsNodes().flatMap { subtree(it) }
            .flatMap { node ->
                node.config.getOrElse(SemanticsProperties.Text) { emptyList() }.map { it.text } +
                    listOfNotNull(node.config.getOrNull(SemanticsProperties.EditableText)?.text)
            }

    /** Every text on screen now (labels, buttons, typed text), for "shows nothing of …" checks. */
    fun ComposeUiTest.screenTexts(): List<String> =
        subtree(onRoot(useUnmergedTree = true).fetchSemanticsNode()).flatMap { node ->
            node.config.getOrElse(SemanticsProperties.Text) { emptyList() }.map { it.text } +
                listOfNotNull(node.config.getOrNull(SemanticsProperties.EditableText)?.text) +
                node.config.getOrElse(SemanticsProperties.ContentDescription) { emptyList() }
        }

    /** Asserts that nothing on screen contains any of [traces] (a name, a worker number, words, a case number). */
    fun ComposeUiTest.assertShowsNothingOf(vararg traces: String) {
        waitForIdle()
        val texts = screenTexts()
        for (trace in traces) {
            assertTrue(texts.none { trace in it }, "the screen still shows \"$trace\": $texts")
        }
    }

    private fun subtree(node: SemanticsNode): List<SemanticsNode> = listOf(node) + node.children.flatMap { subtree(it) }

    /** Whether a node tagged [tag] shows now. */
    fun ComposeUiTest.shows(tag: String): Boolean =
        onAllNodesWithTag(tag, useUnmergedTree = true).fetchSemanticsNodes().isNotEmpty()

    companion object {
        /** What the core shows for an unknown string id. */
        const val MISSING_MARK = "…"
    }
}
