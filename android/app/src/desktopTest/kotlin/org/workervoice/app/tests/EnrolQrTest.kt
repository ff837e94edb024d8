package org.workervoice.app.tests

import androidx.compose.ui.test.ExperimentalTestApi
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
import org.workervoice.app.enrol.QrReader

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

    private fun json(value: String) = "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\""
}
