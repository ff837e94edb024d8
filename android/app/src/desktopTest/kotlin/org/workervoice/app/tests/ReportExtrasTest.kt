package org.workervoice.app.tests

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.runDesktopComposeUiTest
import java.awt.image.BufferedImage
import java.io.File
import javax.imageio.ImageIO
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.Test
import org.workervoice.WorkerVoiceException
import org.workervoice.app.AppModel
import org.workervoice.PhotoSource
import org.workervoice.model.AttachmentType
import org.workervoice.app.report.Attached
import org.workervoice.attachmentLimits
import org.workervoice.code
import org.workervoice.localized
import org.workervoice.model.ErrorCode
import org.workervoice.app.Screen
import org.workervoice.app.WorkerVoiceUi
import org.workervoice.app.desktop.DesktopServices
import org.workervoice.testing.HANDLER_PASSWORD
import org.workervoice.testing.Json
import org.workervoice.testing.ReaderCli
import org.workervoice.testing.RosterWorker
import org.workervoice.testing.list
import org.workervoice.testing.str

/**
 * A report with a photo and a call-back request, tapped through the real
 * UI: the photo comes through the platform's picker (on the desktop, the
 * file chooser's stand-in hands over a real PNG file), the call-back takes
 * a phone number, a time and a language; the hotline opens the report and
 * finds the same call-back and the very bytes of the photo.
 */
@OptIn(ExperimentalTestApi::class)
class ReportExtrasTest : AppUiTest() {
    @Test
    fun aWorkerInVietnameseSendsAPhotoAndACallBackRequestThatTheHotlineReads() =
        extras("vi", "Ảnh chụp lối thoát hiểm bị khóa.", "sau 6 giờ chiều")

    @Test
    fun aWorkerInChineseSendsAPhotoAndACallBackRequestThatTheHotlineReads() =
        extras("zh-CN", "安全出口被锁住了，这是照片。", "晚上 6 点以后")

    @Test
    fun aWorkerInEnglishSendsAPhotoAndACallBackRequestThatTheHotlineReads() =
        extras("en", "The fire exit is locked, here is a photo.", "after 6 pm")

    @Test
    fun aWorkerInVietnameseSeesTheAttachmentLimitsAndTheCoresRefusalAndTheReportStillSends() =
        limits("vi", "Ba ảnh về lối thoát hiểm.")

    @Test
    fun aWorkerInChineseSeesTheAttachmentLimitsAndTheCoresRefusalAndTheReportStillSends() =
        limits("zh-CN", "安全出口的三张照片。")

    @Test
    fun aWorkerInEnglishSeesTheAttachmentLimitsAndTheCoresRefusalAndTheReportStillSends() =
        limits("en", "Three photos of the fire exit.")

    /**
     * The core's limits on screen; a file over the core's total (a real
     * file one byte over 8 MiB with what is attached) and a fourth file are
     * refused with the core's own words, the report keeps what it had, the
     * buttons go at the count, and the report sends with its three photos.
     */
    private fun limits(language: String, words: String) {
        val (factory, _, hotlineId) = grievanceProgramme(hub)
        val code = hub.admin.issueCodes(factory.id, "personal", 1).single().code
        val number = "L${language.filter(Char::isLetter).uppercase()}${System.nanoTime() % 100000}"
        val activation = hub.admin.importRoster(factory.id, listOf(RosterWorker(number, "Mai", language))).getValue(number)
        val folder = temp.newFolder()
        val photos = (1..4).map { n ->
            File(folder, "photo-$n.png").also { file ->
                ImageIO.write(BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB).apply { setRGB(n, n, 0x2266CC) }, "png", file)
            }
        }
        val limits = attachmentLimits()
        // Over the total with the first photo attached: a minute from a microphone that only
        // records 48 kHz stereo (~11 MB as WAV), within the length the core allows.
        val picks = ArrayDeque(listOf(photos[0], photos[1], photos[2], photos[3]))
        val model = newInstallation(
            language,
            hub.admin.programmeKey(),
            DesktopServices(pickFrom = { picks.removeFirstOrNull() }, microphone = { tone(seconds = 60, rate = 48_000f, channels = 2) }),
        )

        runDesktopComposeUiTest(SCREEN_WIDTH, SCREEN_HEIGHT) {
            setContent { WorkerVoiceUi(model) }
            awaitTag("enrol-code").performTextInput(code)
            tap("enrol-submit")
            tap("language-$language")
            activate(model, number, activation)

            tap("home-report")
            tap("category-safety")
            tap("report-next")
            awaitTag("report-text").performTextInput(words)
            val shown = textOf("report-attachments-limits")
            assertTrue(limits.maxCount.toString() in shown && "${limits.maxTotalBytes / (1024uL * 1024uL)}" in shown, shown)

            tap("report-attach-camera")
            awaitTag("attachment-0")
            // Too large together: the core's refusal, in the worker's language; nothing added.
            tap("report-attach-voice")
            awaitTag("report-recording")
            tap("report-recording-stop")
            awaitTag("report-attachment-refused")
            val tooLargeRefusal = refusal(model, listOf(1L, limits.maxTotalBytes.toLong()))
            assertEquals(ErrorCode.ATTACHMENTS_TOO_LARGE, tooLargeRefusal.code)
            assertEquals(listOf(tooLargeRefusal.localized), textsOf("report-attachment-refused"))
            assertTrue(!shows("attachment-1"), "the refused file is not attached")
            screenshot(language, "r4-report-attachment-too-large")

            // Up to the count: the buttons go.
            tap("report-attach-library")
            awaitTag("attachment-1")
            assertTrue(!shows("report-attachment-refused"), "a file the core accepts clears the refusal")
            tap("report-attach-camera")
            awaitTag("attachment-2")
            assertTrue(
                listOf("report-attach-camera", "report-attach-library", "report-attach-voice").none { shows(it) },
                "no add buttons at the core's count",
            )

            // A fourth file all the same (a picker that hands over more): the core refuses it.
            runOnUiThread { (model.screen as Screen.Report).state.takePhoto() }
            awaitTag("report-attachment-refused")
            val tooMany = refusal(model, photos.map { it.length() })
            assertEquals(ErrorCode.TOO_MANY_ATTACHMENTS, tooMany.code)
            assertEquals(listOf(tooMany.localized), textsOf("report-attachment-refused"))
            assertTrue(!shows("attachment-3"), "the fourth file is not attached")
            screenshot(language, "r5-report-attachments-full")

            // The report sends with the three photos it had.
            tap("report-next")
            tap("report-anonymous")
            tap("report-next")
            tap("route-independent_hotline")
            tap("report-next")
            tap("report-send")
            val caseId = textOf("receipt-case")
            waitUntil(timeoutMillis = UI_WAIT_MS) { (model.screen as? Screen.Receipt)?.sent == true }
            val view = Json.parse(ReaderCli.run(hub.url, hotlineId, HANDLER_PASSWORD, "open", caseId))
            val content = (view as Map<*, *>)["content"]
            assertEquals(words, content.str("text"))
            assertEquals(3, content.list("attachments").size, "the report keeps the three photos it had")
        }
    }

    /** The core's refusal of attachments of these [sizes] (what the screen must show as is). */
    private fun refusal(model: AppModel, sizes: List<Long>): WorkerVoiceException {
        val error = runCatching { model.core.checkAttachments(sizes.map { it.toULong() }) }.exceptionOrNull()
        return error as? WorkerVoiceException ?: throw AssertionError("the core refuses attachments of $sizes, got $error")
    }

    private fun extras(language: String, words: String, callTime: String) {
        val (factory, _, hotlineId) = grievanceProgramme(hub)
        val code = hub.admin.issueCodes(factory.id, "personal", 1).single().code
        val number = "R${language.filter(Char::isLetter).uppercase()}${System.nanoTime() % 100000}"
        val activation = hub.admin.importRoster(factory.id, listOf(RosterWorker(number, "Mai", language))).getValue(number)
        val photo = File(temp.newFolder(), "fire-exit.png")
        ImageIO.write(BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB).apply { setRGB(3, 4, 0xCC2200) }, "png", photo)
        val asked = mutableListOf<PhotoSource>()
        val model = newInstallation(
            language,
            hub.admin.programmeKey(),
            DesktopServices(pickFrom = { source -> asked += source; photo }, microphone = { tone(seconds = 3) }),
        )
        val phone = "+84 912 345 678"
        lateinit var attached: List<Attached>

        runDesktopComposeUiTest(SCREEN_WIDTH, SCREEN_HEIGHT) {
            setContent { WorkerVoiceUi(model) }
            awaitTag("enrol-code").performTextInput(code)
            tap("enrol-submit")
            tap("language-$language")
            activate(model, number, activation)

            tap("home-report")
            tap("category-safety")
            tap("report-next")
            awaitTag("report-text").performTextInput(words)
            // A personal phone offers its photos as well as the camera.
            awaitTag("report-attach-camera")
            tap("report-attach-library")
            awaitTag("attachment-0")
            assertTrue("fire-exit.jpg" in textsOf("attachment-0"), textsOf("attachment-0").toString())
            assertEquals(listOf(PhotoSource.LIBRARY), asked)
            // A voice note: recording, then kept as an attachment that can be played or removed.
            tap("report-attach-voice")
            awaitTag("report-recording")
            screenshot(language, "r0-report-recording")
            tap("report-recording-stop")
            awaitTag("attachment-1")
            awaitTag("attachment-play-1")
            assertTrue(!shows("attachment-play-0"), "a photo has no play button")
            attached = (model.screen as Screen.Report).state.ui.attachments
            assertEquals(listOf(AttachmentType.PHOTO, AttachmentType.VOICE), attached.map { it.kind })
            awaitTag("attachment-1").performScrollTo()
            screenshot(language, "r1-report-photo")
            tap("report-next")
            tap("report-named")
            tap("report-callback")
            awaitTag("callback-phone").performTextInput(phone)
            awaitTag("callback-time").performTextInput(callTime)
            tap("callback-language-$language")
            screenshot(language, "r2-report-callback")
            tap("report-next")
            tap("route-independent_hotline")
            tap("report-next")
            awaitTag("report-send")
            screenshot(language, "r3-report-review-extras")
            tap("report-send")
            val caseId = textOf("receipt-case")
            waitUntil(timeoutMillis = UI_WAIT_MS) { (model.screen as? Screen.Receipt)?.sent == true }

            // The hotline's reader opens it: the call-back as asked, the photo byte for byte.
            val view = Json.parse(ReaderCli.run(hub.url, hotlineId, HANDLER_PASSWORD, "open", caseId))
            val content = (view as Map<*, *>)["content"]
            assertEquals(words, content.str("text"))
            val callback = (content as Map<*, *>)["callback"]
            assertEquals(phone, callback.str("phone"))
            assertEquals(callTime, callback.str("preferred_time"))
            assertEquals(language, callback.str("language"))
            // The photo as the app made it (a JPEG without metadata) and the voice note, byte for byte.
            val sent = content.list("attachments")
            assertEquals(listOf("image/jpeg", "audio/wav"), sent.map { it.str("mime") })
            for ((index, attachment) in sent.withIndex()) {
                val opened = File(temp.newFolder(), "opened-$index")
                ReaderCli.run(hub.url, hotlineId, HANDLER_PASSWORD, "attachment", caseId, attachment.str("attachment_id"), opened.path)
                assertTrue(attached[index].bytes.contentEquals(opened.readBytes()), "the hotline gets the very bytes of attachment $index")
            }
            assertTrue(attached[0].bytes.take(2) == listOf(0xFF.toByte(), 0xD8.toByte()), "the photo travels as JPEG")
            val voice = javax.sound.sampled.AudioSystem.getAudioInputStream(attached[1].bytes.inputStream())
            assertEquals(3L * 8_000, voice.frameLength, "three seconds of the microphone's sound")
        }
    }
}

/**
 * A microphone's sound for the desktop recorder in tests: [seconds] of a
 * 440 Hz tone, 16-bit PCM at [rate] with [channels], delivered at once.
 */
fun tone(seconds: Int, rate: Float = 8_000f, channels: Int = 1): javax.sound.sampled.AudioInputStream {
    val format = javax.sound.sampled.AudioFormat(rate, 16, channels, true, false)
    val frames = (rate * seconds).toInt()
    val bytes = ByteArray(frames * format.frameSize)
    for (frame in 0 until frames) {
        val sample = (Math.sin(2 * Math.PI * 440 * frame / rate) * 8_000).toInt()
        for (channel in 0 until channels) {
            val at = frame * format.frameSize + channel * 2
            bytes[at] = sample.toByte()
            bytes[at + 1] = (sample shr 8).toByte()
        }
    }
    return javax.sound.sampled.AudioInputStream(bytes.inputStream(), format, frames.toLong())
}
