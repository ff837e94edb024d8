package org.workervoice.tests

import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.Test
import org.workervoice.WorkerVoiceException
import org.workervoice.availableLanguages
import org.workervoice.checkNewPin
import org.workervoice.code
import org.workervoice.coreVersion
import org.workervoice.model.DeviceMode
import org.workervoice.model.ErrorCode
import org.workervoice.model.WeakPinReason
import org.workervoice.newMemoryKeyStore
import org.workervoice.testing.PIN
import org.workervoice.testing.WorkerVoiceTest
import org.workervoice.testing.assertReadableMessage
import org.workervoice.testing.assertWorkerVoiceError
import org.workervoice.testing.looksChinese
import org.workervoice.testing.looksVietnamese
import org.workervoice.weakPinMessage

/** What works without a hub: top-level functions and a fresh, unenrolled app. */
class LocalApiTest : WorkerVoiceTest() {

    @Test
    fun coreVersionIsASemanticVersion() {
        assertTrue(Regex("""\d+\.\d+\.\d+.*""").matches(coreVersion()), coreVersion())
    }

    @Test
    fun theCoreSpeaksEnglishVietnameseAndChinese() {
        assertTrue(availableLanguages().containsAll(listOf("en", "vi", "zh-CN")), availableLanguages().toString())
    }

    @Test
    fun aStrongPinPassesAndWeakOnesSayWhy() {
        assertNull(checkNewPin(PIN))
        assertEquals(WeakPinReason.TOO_SHORT, checkNewPin("4829"))
        assertEquals(WeakPinReason.NOT_DIGITS, checkNewPin("48a913"))
        for (weak in listOf("123456", "000000", "111111", "121212", "987654")) {
            assertTrue(checkNewPin(weak) != null, "$weak should be refused")
        }
    }

    @Test
    fun weakPinMessagesAreInTheAskedLanguage() {
        val english = weakPinMessage(WeakPinReason.SEQUENCE, listOf("en"))
        val vietnamese = weakPinMessage(WeakPinReason.SEQUENCE, listOf("vi-VN", "en"))
        val chinese = weakPinMessage(WeakPinReason.SEQUENCE, listOf("zh-Hans-CN", "en"))
        listOf(english, vietnamese, chinese).forEach(::assertReadableMessage)
        assertTrue(looksVietnamese(vietnamese), vietnamese)
        assertTrue(looksChinese(chinese), chinese)
        assertNotEquals(english, vietnamese)
        // An unknown language falls back to English, never to a blank.
        assertEquals(english, weakPinMessage(WeakPinReason.SEQUENCE, listOf("xx")))
    }

    @Test
    fun aFreshAppIsNotEnrolledAndHasNoWorker() {
        val app = openApp()
        val status = app.status()
        assertFalse(status.enrolled)
        assertNull(status.worker)
        assertNull(app.currentWorker())
        assertEquals("en", app.currentLanguage())
    }

    @Test
    fun notesNeedALoggedInWorker() {
        val app = openApp()
        val error = assertWorkerVoiceError<WorkerVoiceException> { app.listNotes(10u, 0u) }
        assertReadableMessage(error.message.orEmpty())
        assertWorkerVoiceError<WorkerVoiceException> { app.saveNote("hello") }
    }

    @Test
    fun theDeviceLanguageCanChangeWhileTheAppRuns() {
        val app = openApp(newMemoryKeyStore(), languages = listOf("en"))
        app.setLanguages(listOf("vi"))
        assertEquals("vi", app.currentLanguage())
    }

    @Test
    fun aDataDirectoryThatIsAFileIsAStorageError() {
        val notADirectory = File(temp.root, "plain-file").apply { writeText("not a directory") }
        val error = assertWorkerVoiceError<WorkerVoiceException.Storage> { openApp(dataDir = notADirectory) }
        assertReadableMessage(error.localized)
    }

    @Test
    fun enrollingWhileTheHubIsUnreachableIsANetworkError() {
        // Port 9 (discard) on loopback: nothing listens there.
        val app = openApp(defaultHubUrl = "http://127.0.0.1:9")
        val error = assertWorkerVoiceError<WorkerVoiceException.Network> {
            runBlocking { app.enrol("ABCD-EFGH-JKMN", DeviceMode.PERSONAL) }
        }
        assertTrue(error.code in setOf(ErrorCode.NETWORK_UNAVAILABLE, ErrorCode.HUB_UNAVAILABLE), error.code.name)
        assertFalse(app.status().enrolled)
    }
}
