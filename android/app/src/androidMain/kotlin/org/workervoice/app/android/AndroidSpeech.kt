package org.workervoice.app.android

import android.content.Context
import android.speech.tts.TextToSpeech
import java.util.Locale

/**
 * Read aloud with the platform's `TextToSpeech`: one engine for the process,
 * started once (its start is asynchronous; a request made before it is ready
 * waits for it). The voice follows the worker's language, falling back from
 * `zh-CN` to `zh`; when the device has no voice data for it the answer is a
 * plain "not available" (false), never Vietnamese read with an English voice.
 *
 * [stop] is called when a session ends or a kiosk locks: nothing one worker
 * asked to hear goes on being read to the next.
 */
class AndroidSpeech(context: Context) {
    private enum class State { STARTING, READY, FAILED }

    @Volatile private var state = State.STARTING

    /** A request made while the engine was still starting: (text, language). */
    private var waiting: Pair<String, String>? = null

    private val engine: TextToSpeech = TextToSpeech(context.applicationContext) { status ->
        synchronized(this) {
            state = if (status == TextToSpeech.SUCCESS) State.READY else State.FAILED
            val request = waiting
            waiting = null
            if (request != null && state == State.READY) say(request.first, request.second)
        }
    }

    /**
     * Reads [text] in [language] (BCP 47); false when the engine failed to
     * start or has no voice for the language (the screen then says so).
     */
    fun speak(text: String, language: String): Boolean = synchronized(this) {
        when (state) {
            State.FAILED -> false
            // Most engines start in well under a second, long before a
            // receipt or a survey is on screen; if not, the request waits.
            State.STARTING -> { waiting = text to language; true }
            State.READY -> say(text, language)
        }
    }

    /** Stops reading at once and forgets a waiting request. */
    fun stop() {
        synchronized(this) {
            waiting = null
            if (state == State.READY) engine.stop()
        }
    }

    /** Frees the engine (the process is done with it). */
    fun shutdown() {
        stop()
        engine.shutdown()
    }

    private fun say(text: String, language: String): Boolean {
        val locale = voiceFor(language) ?: return false
        if (engine.setLanguage(locale) < TextToSpeech.LANG_AVAILABLE) return false
        return engine.speak(text, TextToSpeech.QUEUE_FLUSH, null, UTTERANCE_ID) == TextToSpeech.SUCCESS
    }

    /** The worker's language, else its base language, if the engine has a voice with its data installed. */
    private fun voiceFor(language: String): Locale? {
        val exact = Locale.forLanguageTag(language)
        return listOf(exact, Locale(exact.language)).firstOrNull { locale ->
            // LANG_MISSING_DATA (-1) and LANG_NOT_SUPPORTED (-2): no usable voice.
            locale.language.isNotEmpty() && engine.isLanguageAvailable(locale) >= TextToSpeech.LANG_AVAILABLE
        }
    }

    private companion object {
        const val UTTERANCE_ID = "workervoice-read-aloud"
    }
}
