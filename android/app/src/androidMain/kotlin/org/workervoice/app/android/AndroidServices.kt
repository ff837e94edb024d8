package org.workervoice.app.android

import android.app.Activity
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.graphics.Bitmap
import android.graphics.BitmapFactory
import android.graphics.Matrix
import android.media.ExifInterface
import android.media.MediaDataSource
import android.media.MediaPlayer
import android.media.MediaRecorder
import android.net.Uri
import android.os.Build
import android.provider.MediaStore
import java.io.ByteArrayOutputStream
import java.io.File
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.workervoice.app.PickedFile
import org.workervoice.app.PlatformServices
import org.workervoice.app.VoiceRecorder
import org.workervoice.app.enrol.QrReader
import org.workervoice.app.enrol.QrScan

/**
 * The Android platform for the shared screens: the camera (the system
 * camera's capture intent, writing into this app's private storage through
 * [CaptureProvider], so no gallery entry is made by the app), the system
 * photo picker (offered on personal phones only, as the core's policy
 * says), photos made small and metadata-free with `Bitmap`, voice notes with
 * `MediaRecorder` into private storage, playback with `MediaPlayer`, and
 * read aloud with `TextToSpeech` ([AndroidSpeech]), and the enrolment QR
 * code read from a camera picture with ZXing ([scanQr]).
 *
 * It needs the Activity on screen to start other activities and ask for
 * permissions: [MainActivity] sets [activity] and forwards the results.
 */
class AndroidServices(private val context: Context) : PlatformServices {
    /** The Activity showing now, set by [MainActivity] (null while none is). */
    var activity: Activity? = null

    private var pendingResult: Pair<Int, CompletableDeferred<Intent?>>? = null
    private var pendingPermission: Pair<Int, CompletableDeferred<Boolean>>? = null
    private var player: MediaPlayer? = null

    /** Text-to-speech, started once for the process (the engine starts asynchronously). */
    private val speech = AndroidSpeech(context)

    override fun speak(text: String, language: String): Boolean = speech.speak(text, language)

    override fun stopSpeaking() = speech.stop()

    override suspend fun takePhoto(): PickedFile? {
        if (!permission(android.Manifest.permission.CAMERA)) return null
        val host = activity ?: return null
        val file = CaptureProvider.newCapture(context)
        try {
            val intent = Intent(MediaStore.ACTION_IMAGE_CAPTURE)
                .putExtra(MediaStore.EXTRA_OUTPUT, CaptureProvider.uriOf(context, file))
                .addFlags(Intent.FLAG_GRANT_WRITE_URI_PERMISSION or Intent.FLAG_GRANT_READ_URI_PERMISSION)
            if (intent.resolveActivity(host.packageManager) == null) return null
            result(host, intent, REQUEST_CAMERA) ?: return null
            val bytes = withContext(Dispatchers.IO) { file.takeIf { it.length() > 0 }?.readBytes() } ?: return null
            return PickedFile("photo-${System.currentTimeMillis() / 1000}.jpg", "image/jpeg", bytes)
        } finally {
            // The app keeps nothing of the photo outside the report.
            file.delete()
        }
    }

    override suspend fun choosePhoto(): PickedFile? {
        val host = activity ?: return null
        val intent = if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU) {
            Intent(MediaStore.ACTION_PICK_IMAGES)
        } else {
            Intent(Intent.ACTION_GET_CONTENT).setType("image/*").addCategory(Intent.CATEGORY_OPENABLE)
        }
        val uri: Uri = result(host, intent, REQUEST_LIBRARY)?.data ?: return null
        val bytes = withContext(Dispatchers.IO) {
            runCatching { context.contentResolver.openInputStream(uri)?.use { it.readBytes() } }.getOrNull()
        } ?: return null
        return PickedFile(uri.lastPathSegment?.substringAfterLast('/') ?: "photo.jpg", "image/jpeg", bytes)
    }

    override val canScanQr: Boolean
        get() = context.packageManager.hasSystemFeature(PackageManager.FEATURE_CAMERA_ANY)

    /**
     * The enrolment QR code: a picture from the system camera (the same
     * private capture as a report's photo, deleted once read) decoded with
     * ZXing's core ([QrReader]). No live preview: the camera libraries that
     * offer one (CameraX, ML Kit) live in Google's repository.
     */
    override suspend fun scanQr(): QrScan {
        val photo = takePhoto() ?: return QrScan.Cancelled
        return withContext(Dispatchers.Default) {
            // A code filling part of a phone photo reads well at 1,600 px, in far less memory.
            val picture = downscale(photo.bytes, QR_LONG_EDGE, 90)?.let { BitmapFactory.decodeByteArray(it, 0, it.size) }
                ?: return@withContext QrScan.NotFound
            val pixels = IntArray(picture.width * picture.height)
            picture.getPixels(pixels, 0, picture.width, 0, 0, picture.width, picture.height)
            val text = QrReader.decode(picture.width, picture.height, pixels)
            picture.recycle()
            text?.let { QrScan.Read(it) } ?: QrScan.NotFound
        }
    }

    override suspend fun downscalePhoto(bytes: ByteArray, maxLongEdge: Int, jpegQuality: Int): ByteArray? =
        withContext(Dispatchers.Default) { downscale(bytes, maxLongEdge, jpegQuality) }

    override fun voiceRecorder(): VoiceRecorder = AndroidRecorder()

    /** A survey's or lesson's recorded prompt (a media file of the core's), with `MediaPlayer`. */
    override fun play(path: String): Boolean = runCatching {
        stopPlaying()
        player = MediaPlayer().apply {
            setDataSource(path)
            setOnCompletionListener { stopPlaying() }
            prepare()
            start()
        }
        true
    }.getOrDefault(false)

    override fun playClip(bytes: ByteArray, mimeType: String): Boolean = runCatching {
        stopPlaying()
        player = MediaPlayer().apply {
            setDataSource(BytesSource(bytes))
            setOnCompletionListener { stopPlaying() }
            prepare()
            start()
        }
        true
    }.getOrDefault(false)

    override fun stopPlaying() {
        player?.let { runCatching { it.stop() }; it.release() }
        player = null
    }

    /** From [MainActivity.onActivityResult]. */
    fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        val (code, deferred) = pendingResult ?: return
        if (code != requestCode) return
        pendingResult = null
        // A cancelled capture or pick answers null; an empty OK (the camera wrote to our file) a blank Intent.
        deferred.complete(if (resultCode == Activity.RESULT_OK) data ?: Intent() else null)
    }

    /** From [MainActivity.onRequestPermissionsResult]. */
    fun onPermissionResult(requestCode: Int, grantResults: IntArray) {
        val (code, deferred) = pendingPermission ?: return
        if (code != requestCode) return
        pendingPermission = null
        deferred.complete(grantResults.isNotEmpty() && grantResults.all { it == PackageManager.PERMISSION_GRANTED })
    }

    private suspend fun result(host: Activity, intent: Intent, requestCode: Int): Intent? {
        val deferred = CompletableDeferred<Intent?>()
        pendingResult?.second?.complete(null)
        pendingResult = requestCode to deferred
        return runCatching {
            host.startActivityForResult(intent, requestCode)
            deferred.await()
        }.getOrNull()
    }

    private suspend fun permission(name: String): Boolean {
        if (context.checkSelfPermission(name) == PackageManager.PERMISSION_GRANTED) return true
        val host = activity ?: return false
        val deferred = CompletableDeferred<Boolean>()
        pendingPermission?.second?.complete(false)
        pendingPermission = REQUEST_PERMISSION to deferred
        host.requestPermissions(arrayOf(name), REQUEST_PERMISSION)
        return deferred.await()
    }

    /** `MediaRecorder` into a file of the app's own (no backup, deleted once read). */
    private inner class AndroidRecorder : VoiceRecorder {
        private var recorder: MediaRecorder? = null
        private var file: File? = null

        override suspend fun start(maxSeconds: Int): Boolean {
            if (!permission(android.Manifest.permission.RECORD_AUDIO)) return false
            val out = File(File(context.noBackupFilesDir, "recordings").apply { mkdirs() }, "voice-note.m4a")
            return runCatching {
                @Suppress("DEPRECATION")
                val mic = if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.S) MediaRecorder(context) else MediaRecorder()
                mic.setAudioSource(MediaRecorder.AudioSource.MIC)
                mic.setOutputFormat(MediaRecorder.OutputFormat.MPEG_4)
                mic.setAudioEncoder(MediaRecorder.AudioEncoder.AAC)
                // Speech, small: mono AAC at 32 kbit/s (two minutes ~0.5 MB).
                mic.setAudioChannels(1)
                mic.setAudioSamplingRate(16_000)
                mic.setAudioEncodingBitRate(32_000)
                mic.setMaxDuration(maxSeconds * 1_000)
                mic.setOutputFile(out.path)
                mic.prepare()
                mic.start()
                recorder = mic
                file = out
                true
            }.getOrElse {
                out.delete()
                false
            }
        }

        override suspend fun stop(): PickedFile? = withContext(Dispatchers.IO) {
            val out = file ?: return@withContext null
            release()
            try {
                out.takeIf { it.length() > 0 }?.let { PickedFile("voice-note.m4a", "audio/mp4", it.readBytes()) }
            } finally {
                out.delete()
            }
        }

        override fun cancel() {
            val out = file
            release()
            out?.delete()
        }

        private fun release() {
            // stop() throws when nothing was recorded yet or the length was reached: the file then holds what there is.
            recorder?.let { mic ->
                runCatching { mic.stop() }
                mic.release()
            }
            recorder = null
            file = null
        }
    }

    /** A clip in memory for `MediaPlayer` (no temporary file). */
    private class BytesSource(private val bytes: ByteArray) : MediaDataSource() {
        override fun readAt(position: Long, buffer: ByteArray, offset: Int, size: Int): Int {
            if (position >= bytes.size) return -1
            val count = minOf(size.toLong(), bytes.size - position).toInt()
            System.arraycopy(bytes, position.toInt(), buffer, offset, count)
            return count
        }

        override fun getSize(): Long = bytes.size.toLong()

        override fun close() {}
    }

    private companion object {
        const val REQUEST_CAMERA = 7101
        const val REQUEST_LIBRARY = 7102
        const val REQUEST_PERMISSION = 7103
        const val QR_LONG_EDGE = 1600
    }
}

/**
 * A photo scaled to at most [maxLongEdge] on its longer side, turned upright
 * (the EXIF orientation is applied to the pixels, then dropped with the rest
 * of the EXIF) and written as JPEG by `Bitmap.compress`, which writes no
 * metadata: no position, no camera serial. Null when it is not a picture.
 */
internal fun downscale(bytes: ByteArray, maxLongEdge: Int, jpegQuality: Int): ByteArray? {
    val bounds = BitmapFactory.Options().apply { inJustDecodeBounds = true }
    BitmapFactory.decodeByteArray(bytes, 0, bytes.size, bounds)
    if (bounds.outWidth <= 0 || bounds.outHeight <= 0) return null
    // Decode at the smallest power-of-two reduction still at least the bound (memory on low-end phones).
    var sample = 1
    while (maxOf(bounds.outWidth, bounds.outHeight) / (sample * 2) >= maxLongEdge) sample *= 2
    val decoded = BitmapFactory.decodeByteArray(bytes, 0, bytes.size, BitmapFactory.Options().apply { inSampleSize = sample }) ?: return null
    val rotation = runCatching {
        when (ExifInterface(bytes.inputStream()).getAttributeInt(ExifInterface.TAG_ORIENTATION, ExifInterface.ORIENTATION_NORMAL)) {
            ExifInterface.ORIENTATION_ROTATE_90 -> 90f
            ExifInterface.ORIENTATION_ROTATE_180 -> 180f
            ExifInterface.ORIENTATION_ROTATE_270 -> 270f
            else -> 0f
        }
    }.getOrDefault(0f)
    val longEdge = maxOf(decoded.width, decoded.height)
    val scale = if (longEdge > maxLongEdge) maxLongEdge.toFloat() / longEdge else 1f
    val matrix = Matrix().apply {
        postScale(scale, scale)
        postRotate(rotation)
    }
    val upright = Bitmap.createBitmap(decoded, 0, 0, decoded.width, decoded.height, matrix, true)
    val out = ByteArrayOutputStream()
    upright.compress(Bitmap.CompressFormat.JPEG, jpegQuality.coerceIn(1, 100), out)
    if (upright !== decoded) upright.recycle()
    decoded.recycle()
    return out.toByteArray()
}
