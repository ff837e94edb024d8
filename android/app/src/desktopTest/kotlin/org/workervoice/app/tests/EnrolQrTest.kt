package org.workervoice.app.tests

import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.runDesktopComposeUiTest
import java.awt.Color
import java.awt.image.BufferedImage
import java.io.File
import java.util.concurrent.TimeUnit
import javax.imageio.ImageIO
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlin.test.fail
import org.junit.Test
import org.workervoice.app.Screen
import org.workervoice.app.WorkerVoiceUi
import org.workervoice.app.desktop.DesktopServices
import org.workervoice.WorkerVoiceException
import org.workervoice.app.enrol.QrReader
import org.workervoice.localized
import org.workervoice.testing.RosterWorker

/**
 * Enrolment by QR code, through the decode path Android uses (ZXing's core,
 * [QrReader]): the hub issues a code, the QR is drawn as the console draws
 * it (the console's encoder, `@paulmillr/qr` with error correction M, a
 * four-module quiet zone), and "Scan the QR code" reads the picture and
 * enrols the device. A picture without a code says so and enrols nothing.
 */
@OptIn(ExperimentalTestApi::class)
class EnrolQrTest : AppUiTest() {
    @Test
    fun aPhoneInEnglishEnrolsByScanningTheConsolesQrCode() = scan("en")

    @Test
    fun aPhoneInVietnameseEnrolsByScanningTheConsolesQrCode() = scan("vi")

    @Test
    fun aPhoneInChineseEnrolsByScanningTheConsolesQrCode() = scan("zh-CN")

    private fun scan(language: String) {
        val (factory, _, _) = grievanceProgramme(hub)
        val issued = hub.admin.issueCodes(factory.id, "personal", 1).single()
        assertTrue(issued.qrPayload.startsWith("workervoice://enrol?"), issued.qrPayload)
        val folder = temp.newFolder()
        val qr = File(folder, "code.png").also { ImageIO.write(consoleQr(issued.qrPayload, modulePx = 6), "png", it) }
        val blank = File(folder, "wall.png").also {
            ImageIO.write(BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB).apply { setRGB(10, 10, 0x808080) }, "png", it)
        }
        // The decoder alone reads back exactly what the hub issued.
        val picture = ImageIO.read(qr)
        assertEquals(issued.qrPayload, QrReader.decode(picture.width, picture.height, picture.getRGB(0, 0, picture.width, picture.height, null, 0, picture.width)))

        val pictures = ArrayDeque(listOf(blank, qr))
        val model = newInstallation(language, hub.admin.programmeKey(), DesktopServices(pickFrom = { pictures.removeFirstOrNull() }))
        runDesktopComposeUiTest(SCREEN_WIDTH, SCREEN_HEIGHT) {
            setContent { WorkerVoiceUi(model) }
            awaitTag("enrol-scan")
            screenshot(language, "01a-enrol-scan")

            // A picture with no code in it: the screen says so; nothing enrolled.
            tap("enrol-scan")
            awaitTag("error")
            assertEquals(listOf(model.strings["enrol-scan-none"]), textsOf("error"))
            assertTrue(!model.core.status().enrolled)
            screenshot(language, "01b-enrol-scan-none")

            // The console's QR code: read, handed to the core, enrolled.
            tap("enrol-scan")
            waitUntil(timeoutMillis = UI_WAIT_MS) { model.screen is Screen.Language }
            assertTrue(model.core.status().enrolled, "the scanned code enrolled the device")
        }
    }

    @Test
    fun aWorkerInEnglishActivatesByScanningTheirWorkerCard() = card("en")

    @Test
    fun aWorkerInVietnameseActivatesByScanningTheirWorkerCard() = card("vi")

    /**
     * The worker card's QR code (`workervoice://activate?…`, written by the
     * hub, drawn as the console draws it) fills in the worker number and
     * the activation code; the set-up QR code on the same screen is not a
     * card and says so in the worker's language; the card's fields then
     * activate the worker with a chosen PIN.
     */
    private fun card(language: String) {
        val (factory, _, _) = grievanceProgramme(hub)
        val enrolment = hub.admin.issueCodes(factory.id, "personal", 1).single()
        val number = "Q${language.filter(Char::isLetter).uppercase()}${System.nanoTime() % 100000}"
        val codes = hub.admin.importRosterCards(factory.id, listOf(RosterWorker(number, "Thu", language))).getValue(number)
        assertTrue(codes.qrPayload.startsWith("workervoice://activate?"), codes.qrPayload)
        val folder = temp.newFolder()
        val cardQr = File(folder, "card.png").also { ImageIO.write(consoleQr(codes.qrPayload, modulePx = 6), "png", it) }
        val setUpQr = File(folder, "setup.png").also { ImageIO.write(consoleQr(enrolment.qrPayload, modulePx = 6), "png", it) }
        val pictures = ArrayDeque(listOf(setUpQr, cardQr))
        val model = newInstallation(language, hub.admin.programmeKey(), DesktopServices(pickFrom = { pictures.removeFirstOrNull() }))
        runDesktopComposeUiTest(SCREEN_WIDTH, SCREEN_HEIGHT) {
            setContent { WorkerVoiceUi(model) }
            awaitTag("enrol-code").performTextInput(enrolment.code)
            tap("enrol-submit")
            tap("language-$language")
            tap("signin-activate")
            awaitTag("activate-scan")
            screenshot(language, "02a-activate-scan")

            // The set-up code is not a worker card: the core's message, nothing filled in.
            tap("activate-scan")
            awaitTag("error")
            val notACard = runCatching { model.core.readWorkerCard(enrolment.qrPayload) }.exceptionOrNull() as WorkerVoiceException
            assertEquals(listOf(notACard.localized), textsOf("error"))
            assertEquals("", fieldText("worker-number"))
            screenshot(language, "02b-activate-scan-not-a-card")

            // The card: both fields filled in, the error gone.
            tap("activate-scan")
            waitUntil(timeoutMillis = UI_WAIT_MS) { !shows("error") }
            assertEquals(number, fieldText("worker-number"))
            assertEquals(codes.activationCode, fieldText("activation-code"))
            screenshot(language, "02c-activate-scan-filled")
            tap("activate-next")
            typePin(org.workervoice.testing.PIN)
            tap("activate-next")
            typePin(org.workervoice.testing.PIN)
            tap("activate-next")
            awaitTag("home-report")
            assertEquals(number, model.core.currentWorker()?.workerNumber)
        }
    }

    /**
     * The QR code of [text] as the console draws it (console/src/qr.ts):
     * the matrix from the console's own encoder, black modules on white
     * with a quiet zone of four, here [modulePx] pixels a module.
     */
    private fun consoleQr(text: String, modulePx: Int): BufferedImage {
        val encoder = System.getProperty("workervoice.qrjs") ?: fail("workervoice.qrjs: the console's QR encoder (set by scripts/test-app)")
        val script = """
            const { encodeQR } = await import(${json(File(encoder, "index.js").toURI().toString())});
            const matrix = encodeQR(process.argv[1], 'raw', { ecc: 'medium', border: 0 });
            console.log(matrix.map((row) => row.map((dark) => (dark ? '1' : '0')).join('')).join('\n'));
        """.trimIndent()
        val process = ProcessBuilder("node", "--input-type=module", "-e", script, text).redirectErrorStream(true).start()
        val output = process.inputStream.bufferedReader().readText()
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, "node: $output")
        val rows = output.lines().filter { it.isNotBlank() }
        val quiet = 4
        val size = (rows.size + 2 * quiet) * modulePx
        val image = BufferedImage(size, size, BufferedImage.TYPE_INT_RGB)
        val g = image.createGraphics()
        g.color = Color.WHITE
        g.fillRect(0, 0, size, size)
        g.color = Color.BLACK
        rows.forEachIndexed { y, row ->
            row.forEachIndexed { x, dark -> if (dark == '1') g.fillRect((x + quiet) * modulePx, (y + quiet) * modulePx, modulePx, modulePx) }
        }
        g.dispose()
        return image
    }

    /** What is typed in the text field tagged [tag]. */
    private fun ComposeUiTest.fieldText(tag: String): String =
        awaitTag(tag).fetchSemanticsNode().config.getOrNull(SemanticsProperties.EditableText)?.text.orEmpty()

    private fun json(value: String) = "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\""
}
