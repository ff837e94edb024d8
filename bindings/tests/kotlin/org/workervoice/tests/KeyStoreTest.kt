package org.workervoice.tests

import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.Test
import org.workervoice.WorkerVoiceApp
import org.workervoice.WorkerVoiceException
import org.workervoice.model.DeviceMode
import org.workervoice.model.ErrorCode
import org.workervoice.testing.KotlinMemoryKeyStore
import org.workervoice.testing.PIN
import org.workervoice.testing.ThrowingKeyStore
import org.workervoice.testing.WorkerVoiceTest
import org.workervoice.testing.assertReadableMessage
import org.workervoice.testing.assertWorkerVoiceError

/** The platform key store is Kotlin code the core calls back into. */
class KeyStoreTest : WorkerVoiceTest() {

    @Test
    fun aKeyStoreThatThrowsGivesATypedErrorNotACrash() {
        val factory = newFactory()
        val code = hub.admin.issueCodes(factory.id, "personal", 1).single()
        val app = openApp(ThrowingKeyStore.unexpected(), defaultHubUrl = hub.url)

        val error = assertWorkerVoiceError<WorkerVoiceException.Platform> {
            runBlocking { app.enrol(code.code, DeviceMode.PERSONAL) }
        }

        assertEquals(ErrorCode.KEY_STORE_UNAVAILABLE, error.code)
        assertReadableMessage(error.localized)
        // The app is still usable.
        assertFalse(app.status().enrolled)
    }

    @Test
    fun aKeyStoreReportingUnavailableGivesTheSameTypedError() {
        val factory = newFactory()
        val code = hub.admin.issueCodes(factory.id, "personal", 1).single()
        val app = openApp(ThrowingKeyStore.unavailable(), defaultHubUrl = hub.url)

        val error = assertWorkerVoiceError<WorkerVoiceException.Platform> {
            runBlocking { app.enrol(code.code, DeviceMode.PERSONAL) }
        }
        assertEquals(ErrorCode.KEY_STORE_UNAVAILABLE, error.code)
    }

    @Test
    fun reopeningWithTheSameKeyStoreKeepsTheDeviceAndTheWorkersNotes() {
        val keyStore = KotlinMemoryKeyStore()
        val device = enrolledDevice(keyStore = keyStore)
        val (worker, _) = device.activatedWorker()
        device.app.saveNote("survives a restart")
        device.app.destroy()

        val reopened = openApp(keyStore, device.dataDir, defaultHubUrl = hub.url)

        assertTrue(reopened.status().enrolled)
        runBlocking { reopened.login(worker.number, PIN) }
        assertEquals(listOf("survives a restart"), reopened.listNotes(10u, 0u).map { it.text })
    }

    @Test
    fun aCopiedDatabaseWithoutItsKeyStoreCannotBeOpened() {
        val device = enrolledDevice()
        val (worker, _) = device.activatedWorker()
        device.app.saveNote("private")
        device.app.destroy()

        // The same files, but another device's (empty) key store.
        val copy: WorkerVoiceApp = openApp(KotlinMemoryKeyStore(), device.dataDir, defaultHubUrl = hub.url)

        val error = assertWorkerVoiceError<WorkerVoiceException> {
            runBlocking { copy.login(worker.number, PIN) }
        }
        assertTrue(
            error is WorkerVoiceException.Device || error is WorkerVoiceException.Session,
            "expected a Device or Session error, got $error",
        )
        assertTrue(copy.currentWorker() == null)
    }
}
