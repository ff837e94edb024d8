package org.workervoice.app.desktop

import java.io.ByteArrayOutputStream
import java.io.File
import javax.sound.sampled.AudioFileFormat
import javax.sound.sampled.AudioInputStream
import javax.sound.sampled.AudioSystem
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.workervoice.app.PickedFile
import org.workervoice.app.VoiceRecorder

/**
 * A voice note on the desktop: the microphone's raw sound written to a file
 * in [folder] on a thread of its own, cut at the length it was started
 * with; at [stop] it becomes a WAV in memory and the file is deleted (also
 * at [cancel]).
 */
class DesktopRecorder(private val microphone: () -> AudioInputStream?, private val folder: File) : VoiceRecorder {
    private var source: AudioInputStream? = null
    private var writer: Thread? = null
    private var file: File? = null

    @Volatile
    private var stopping = false

    override suspend fun start(maxSeconds: Int): Boolean {
        val input = microphone() ?: return false
        val format = input.format
        // Cut at the length: bytes past it never reach the file.
        val maxBytes = format.frameRate.toLong() * maxSeconds * format.frameSize
        folder.mkdirs()
        val out = File.createTempFile("voice-note-", ".pcm", folder)
        source = input
        file = out
        writer = Thread({
            runCatching {
                out.outputStream().use { sink ->
                    val buffer = ByteArray(BUFFER_BYTES)
                    var written = 0L
                    while (!stopping && written < maxBytes) {
                        val read = input.read(buffer, 0, minOf(buffer.size.toLong(), maxBytes - written).toInt())
                        if (read < 0) break
                        sink.write(buffer, 0, read)
                        written += read
                    }
                }
            }
        }, "voice-note").apply {
            isDaemon = true
            start()
        }
        return true
    }

    override suspend fun stop(): PickedFile? = withContext(Dispatchers.IO) {
        val out = file ?: return@withContext null
        val format = source?.format ?: return@withContext null
        finish()
        try {
            val raw = out.readBytes()
            val frames = raw.size / format.frameSize
            if (frames == 0) return@withContext null
            val wav = ByteArrayOutputStream()
            AudioSystem.write(AudioInputStream(raw.inputStream(), format, frames.toLong()), AudioFileFormat.Type.WAVE, wav)
            PickedFile("voice-note.wav", "audio/wav", wav.toByteArray())
        } finally {
            out.delete()
        }
    }

    override fun cancel() {
        val out = file
        finish()
        out?.delete()
    }

    private fun finish() {
        stopping = true
        writer?.join(WRITER_JOIN_MS)
        // The microphone line closes with its stream.
        runCatching { source?.close() }
        source = null
        writer = null
        file = null
    }

    private companion object {
        const val BUFFER_BYTES = 8_192
        const val WRITER_JOIN_MS = 5_000L
    }
}
