package org.workervoice.app

import androidx.compose.ui.graphics.ImageBitmap

/**
 * What only the platform can do, behind a small interface so the shared
 * screens stay platform-free: speak text aloud (Android `TextToSpeech`, iOS
 * `AVSpeechSynthesizer`), play an audio prompt the core downloaded, and let
 * the worker pick a photo or a voice note to attach (Android's photo picker
 * and a recorder, iOS `PHPickerViewController` and `AVAudioRecorder`, a
 * file chooser on the desktop). Every method may do nothing: the screens
 * work without them.
 */
interface PlatformServices {
    /** Reads [text] aloud in [language] (a BCP 47 tag); false when the platform cannot. */
    fun speak(text: String, language: String): Boolean = false

    /** Plays the audio file at [path] (a media blob of the core); false when the platform cannot. */
    fun play(path: String): Boolean = false

    /** The picture in the file at [path] (a lesson's media), or null when it is not a picture this platform decodes. */
    fun image(path: String): ImageBitmap? = null

    /**
     * Lets the worker choose a [kind] of attachment; the chosen file's bytes
     * and a name, or null when they cancelled or the platform cannot.
     */
    suspend fun pickAttachment(kind: AttachmentKind): PickedFile? = null
}

/** A photo or a voice note. */
enum class AttachmentKind { PHOTO, VOICE_NOTE }

/** A file the worker picked: its name (shown) and its bytes (sealed by the core, never kept by the app). */
class PickedFile(val name: String, val mimeType: String, val bytes: ByteArray)

/** A platform with none of the services (tests, previews). */
object NoPlatformServices : PlatformServices
