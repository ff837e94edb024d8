package org.workervoice.app.desktop

import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.toComposeImageBitmap
import java.awt.FileDialog
import java.awt.Frame
import java.io.File
import java.nio.file.Files
import javax.imageio.ImageIO
import javax.sound.sampled.AudioFormat
import javax.sound.sampled.AudioInputStream
import javax.sound.sampled.AudioSystem
import javax.sound.sampled.Clip
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.workervoice.PhotoSource
import org.workervoice.app.PickedFile
import org.workervoice.app.PlatformServices
import org.workervoice.app.VoiceRecorder
import org.workervoice.app.enrol.QrReader
import org.workervoice.app.enrol.QrScan

/**
 * The desktop runner's platform: pictures decoded by Skia; photos through
 * the system's file dialog (a desktop has no camera to speak of: "Take a
 * photo" opens the dialog too), made small by [PhotoDownscaler]; voice
 * notes recorded with `javax.sound` ([DesktopRecorder]) and played with a
 * `Clip`; the enrolment QR code read from a picture file with the same
 * ZXing decoder as Android ([QrReader]). Tests and scripts hand over files
 * ([pickFrom]) and a microphone's sound ([microphone]) instead of the
 * dialog and a sound card. No text-to-speech on the desktop (none on the
 * build machines): that call reports that it did nothing.
 */
class DesktopServices(
    private val pickFrom: (PhotoSource) -> File? = ::chooseFile,
    private val microphone: () -> AudioInputStream? = ::openMicrophone,
    /** Where recordings are written while they last (the app's private storage). */
    private val recordings: File = Files.createTempDirectory("workervoice-recordings").toFile(),
) : PlatformServices {
    private var playing: Clip? = null

    override fun image(path: String): ImageBitmap? = runCatching {
        org.jetbrains.skia.Image.makeFromEncoded(File(path).readBytes()).toComposeImageBitmap()
    }.getOrNull()

    override suspend fun takePhoto(): PickedFile? = pick(PhotoSource.CAMERA)

    override suspend fun choosePhoto(): PickedFile? = pick(PhotoSource.LIBRARY)

    private suspend fun pick(source: PhotoSource): PickedFile? = withContext(Dispatchers.IO) {
        val file = pickFrom(source) ?: return@withContext null
        PickedFile(file.name, Files.probeContentType(file.toPath()) ?: "application/octet-stream", file.readBytes())
    }

    /** A picture of the code from a file (the dialog, or what a test hands over): a desktop has no camera to hold up. */
    override val canScanQr: Boolean get() = true

    override suspend fun scanQr(): QrScan = withContext(Dispatchers.IO) {
        val file = pickFrom(PhotoSource.CAMERA) ?: return@withContext QrScan.Cancelled
        val image = runCatching { ImageIO.read(file) }.getOrNull() ?: return@withContext QrScan.NotFound
        val pixels = image.getRGB(0, 0, image.width, image.height, null, 0, image.width)
        QrReader.decode(image.width, image.height, pixels)?.let { QrScan.Read(it) } ?: QrScan.NotFound
    }

    override suspend fun downscalePhoto(bytes: ByteArray, maxLongEdge: Int, jpegQuality: Int): ByteArray? =
        withContext(Dispatchers.Default) { PhotoDownscaler.downscale(bytes, maxLongEdge, jpegQuality) }

    override fun voiceRecorder(): VoiceRecorder = DesktopRecorder(microphone, recordings)

    override fun playClip(bytes: ByteArray, mimeType: String): Boolean = runCatching {
        stopPlaying()
        val clip = AudioSystem.getClip()
        clip.open(AudioSystem.getAudioInputStream(bytes.inputStream()))
        clip.start()
        playing = clip
        true
    }.getOrDefault(false)

    override fun stopPlaying() {
        playing?.let { runCatching { it.stop(); it.close() } }
        playing = null
    }
}

/** The system's file dialog (blocking; called off the UI thread). */
private fun chooseFile(source: PhotoSource): File? {
    val dialog = FileDialog(null as Frame?, source.name.lowercase(), FileDialog.LOAD)
    dialog.isVisible = true
    val name = dialog.file ?: return null
    return File(dialog.directory, name)
}

/** The sound card's microphone at [VOICE_FORMAT], or null when there is none (headless, no permission). */
private fun openMicrophone(): AudioInputStream? = runCatching {
    val line = AudioSystem.getTargetDataLine(VOICE_FORMAT)
    line.open(VOICE_FORMAT)
    line.start()
    AudioInputStream(line)
}.getOrNull()

/** Speech, small: 8 kHz, 16-bit, mono (16 KB a second; two minutes ~1.9 MB). */
val VOICE_FORMAT = AudioFormat(8_000f, 16, 1, true, false)
