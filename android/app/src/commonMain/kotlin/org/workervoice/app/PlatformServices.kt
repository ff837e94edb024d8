package org.workervoice.app

import androidx.compose.ui.graphics.ImageBitmap

/**
 * What only the platform can do, behind a small interface so the shared
 * screens stay platform-free: speak text aloud (Android `TextToSpeech`, iOS
 * `AVSpeechSynthesizer`), play an audio prompt the core downloaded, take or
 * choose a photo and make it small and metadata-free, and record a voice
 * note. Which photo sources a device may offer and how large a capture may
 * be are the core's (`capturePolicy()`); the platform only does what it is
 * asked. Every method may do nothing: the screens work without them.
 */
interface PlatformServices {
    /** Reads [text] aloud in [language] (a BCP 47 tag); false when the platform cannot. */
    fun speak(text: String, language: String): Boolean = false

    /**
     * Stops reading aloud at once. Called when a session ends, a kiosk
     * locks or the device is retired: nothing of one worker is read out to
     * the next.
     */
    fun stopSpeaking() {}

    /** Plays the audio file at [path] (a media blob of the core); false when the platform cannot. */
    fun play(path: String): Boolean = false

    /** The picture in the file at [path] (a lesson's media), or null when it is not a picture this platform decodes. */
    fun image(path: String): ImageBitmap? = null

    /**
     * Takes a photo with the camera, written to the app's private storage
     * only (no gallery entry: on a shared tablet the next worker must not
     * find it) and deleted once read; its bytes, or null when the worker
     * cancelled or there is no camera.
     */
    suspend fun takePhoto(): PickedFile? = null

    /**
     * Lets the worker choose a photo from the device's photos (the system
     * picker); offered only where the core's policy names the library.
     */
    suspend fun choosePhoto(): PickedFile? = null

    /**
     * The photo in [bytes] scaled so its longer side is at most
     * [maxLongEdge] pixels and re-encoded as JPEG at [jpegQuality] (1–100)
     * with no metadata (no EXIF: no location, no camera serial); null when
     * it is not a picture this platform decodes.
     */
    suspend fun downscalePhoto(bytes: ByteArray, maxLongEdge: Int, jpegQuality: Int): ByteArray? = null

    /** Whether [scanQr] can be offered (a camera, or the desktop's file of a code's picture). */
    val canScanQr: Boolean get() = false

    /**
     * Reads the enrolment QR code: a picture from the camera (private
     * storage only, deleted once read) decoded with [org.workervoice.app.enrol.QrReader].
     */
    suspend fun scanQr(): org.workervoice.app.enrol.QrScan = org.workervoice.app.enrol.QrScan.Cancelled

    /** The microphone, for a voice note; null when there is none. */
    fun voiceRecorder(): VoiceRecorder? = null

    /** Plays a clip held in memory (a voice note not yet sent); false when the platform cannot. */
    fun playClip(bytes: ByteArray, mimeType: String): Boolean = false

    /** Stops a clip playing, if any. */
    fun stopPlaying() {}
}

/**
 * Records one voice note at a time into the app's private storage (Android
 * `MediaRecorder`, iOS `AVAudioRecorder`, the desktop's `javax.sound`).
 * The recording stops by itself at the length it was started with.
 */
interface VoiceRecorder {
    /**
     * Starts recording for at most [maxSeconds] (asking for the microphone
     * first where the platform needs that); false when it cannot be used.
     */
    suspend fun start(maxSeconds: Int): Boolean

    /** Stops; the recording's bytes (its file deleted), or null when nothing was recorded. */
    suspend fun stop(): PickedFile?

    /** Stops and throws the recording away. */
    fun cancel()
}

/** A file the worker took, chose or recorded: its name (shown) and its bytes (sealed by the core). */
class PickedFile(val name: String, val mimeType: String, val bytes: ByteArray)

/** A platform with none of the services (tests, previews). */
object NoPlatformServices : PlatformServices
