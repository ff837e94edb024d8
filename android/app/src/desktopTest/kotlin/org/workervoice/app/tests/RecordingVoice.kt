package org.workervoice.app.tests

import org.workervoice.app.PlatformServices
import org.workervoice.app.desktop.DesktopServices

/**
 * The desktop's platform with a voice that records what it was asked to
 * read (there is no text-to-speech engine on the build machines): the
 * tests check the words and the language the screens hand to the
 * platform, and that reading stops when a session ends. [voices]: the
 * languages this "device" has a voice for; others answer "not available".
 */
class RecordingVoice(
    private val voices: Set<String>,
    inner: PlatformServices = DesktopServices(),
) : PlatformServices by inner {
    /** Every request, in order: (text, language). */
    val spoken = mutableListOf<Pair<String, String>>()

    /** How many times reading was stopped. */
    var stops = 0
        private set

    override fun speak(text: String, language: String): Boolean {
        spoken += text to language
        return language in voices
    }

    override fun stopSpeaking() {
        stops++
    }
}
