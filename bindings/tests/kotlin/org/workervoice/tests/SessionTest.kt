package org.workervoice.tests

import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.Test
import org.workervoice.WorkerVoiceException
import org.workervoice.model.DeviceMode
import org.workervoice.model.ErrorCode
import org.workervoice.testing.OTHER_PIN
import org.workervoice.testing.PIN
import org.workervoice.testing.TestHub
import org.workervoice.testing.RosterWorker
import org.workervoice.testing.WRONG_PIN
import org.workervoice.testing.WorkerVoiceTest
import org.workervoice.testing.assertReadableMessage
import org.workervoice.testing.assertWorkerVoiceError
import org.workervoice.testing.looksChinese
import org.workervoice.testing.looksVietnamese
import org.workervoice.weakPinMessage

/** Activation, login, PINs and locking: the worker's way into their data. */
class SessionTest : WorkerVoiceTest() {

    @Test
    fun aWorkerActivatesWithTheirCodeAndLogsInAgainWithTheNewPin() {
        val device = enrolledDevice()
        val worker = device.rosterWorker(language = "en", name = "Nguyen Van A")

        val activated = runBlocking { device.app.activate(worker.number, worker.activationCode, PIN) }
        assertEquals(worker.number, activated.workerNumber)
        assertEquals("Nguyen Van A", activated.displayName)
        assertEquals(activated, device.app.currentWorker())
        assertEquals(activated, device.app.status().worker)

        device.app.lock()
        assertNull(device.app.currentWorker())

        val loggedIn = runBlocking { device.app.login(worker.number, PIN) }
        assertEquals(activated.workerId, loggedIn.workerId)
    }

    @Test
    fun lockingEndsTheSessionAndNotesAreRefusedUntilLogin() {
        val device = enrolledDevice()
        val (worker, _) = device.activatedWorker()
        device.app.saveNote("before lock")

        device.app.lock()

        val listing = assertWorkerVoiceError<WorkerVoiceException.Session> { device.app.listNotes(10u, 0u) }
        assertEquals(ErrorCode.NOT_LOGGED_IN, listing.code)
        assertReadableMessage(listing.localized)
        val saving = assertWorkerVoiceError<WorkerVoiceException.Session> { device.app.saveNote("after lock") }
        assertEquals(ErrorCode.NOT_LOGGED_IN, saving.code)

        runBlocking { device.app.login(worker.number, PIN) }
        assertEquals(listOf("before lock"), device.app.listNotes(10u, 0u).map { it.text })
    }

    @Test
    fun aWrongPinIsRefusedWithFewerAttemptsLeftEachTimeInTheDeviceLanguage() {
        val device = enrolledDevice(languages = listOf("zh-CN"))
        val (worker, _) = device.activatedWorker(language = "zh-CN")
        device.app.lock()

        val first = assertWorkerVoiceError<WorkerVoiceException.Pin> {
            runBlocking { device.app.login(worker.number, WRONG_PIN) }
        }
        val second = assertWorkerVoiceError<WorkerVoiceException.Pin> {
            runBlocking { device.app.login(worker.number, WRONG_PIN) }
        }

        assertEquals(ErrorCode.WRONG_PIN, first.code)
        assertEquals(ErrorCode.WRONG_PIN, second.code)
        val before = assertNotNull(first.attemptsLeft, "attemptsLeft missing")
        val after = assertNotNull(second.attemptsLeft, "attemptsLeft missing")
        assertEquals(before - 1u, after)
        assertTrue(looksChinese(second.localized), second.localized)
        assertTrue(second.localized.contains(after.toString()), second.localized)
        assertNull(device.app.currentWorker())

        // The right PIN still works, and does not give a fresh budget
        // (failures fade a day at a time instead).
        runBlocking { device.app.login(worker.number, PIN) }
        device.app.lock()
        val again = assertWorkerVoiceError<WorkerVoiceException.Pin> {
            runBlocking { device.app.login(worker.number, WRONG_PIN) }
        }
        assertEquals(after - 1u, again.attemptsLeft)
    }

    @Test
    fun messagesFollowTheWorkersRosterLanguageDuringTheirSession() {
        val device = enrolledDevice(languages = listOf("en"))
        val (_, profile) = device.activatedWorker(language = "vi")
        assertEquals("vi", profile.language)
        assertEquals("vi", device.app.currentLanguage())

        val error = assertWorkerVoiceError<WorkerVoiceException.Pin> {
            runBlocking { device.app.changePin(PIN, "123456") }
        }
        assertEquals(ErrorCode.WEAK_PIN, error.code)
        assertTrue(looksVietnamese(error.localized), error.localized)

        device.app.lock()
        assertEquals("en", device.app.currentLanguage())
    }

    @Test
    fun aWeakPinOnActivationIsRefusedWithItsReasonAndTheCodeStaysValid() {
        val device = enrolledDevice()
        val worker = device.rosterWorker()

        val error = assertWorkerVoiceError<WorkerVoiceException.Pin> {
            runBlocking { device.app.activate(worker.number, worker.activationCode, "123456") }
        }
        assertEquals(ErrorCode.WEAK_PIN, error.code)
        val reason = assertNotNull(error.weakReason, "weakReason missing")
        assertTrue(error.localized.contains(weakPinMessage(reason, listOf("en"))), error.localized)
        assertNull(device.app.currentWorker())

        runBlocking { device.app.activate(worker.number, worker.activationCode, PIN) }
        assertNotNull(device.app.currentWorker())
    }

    @Test
    fun aWrongActivationCodeIsRefused() {
        val device = enrolledDevice()
        val worker = device.rosterWorker()
        val wrongCode = worker.activationCode.reversed()

        val error = assertWorkerVoiceError<WorkerVoiceException.Pin> {
            runBlocking { device.app.activate(worker.number, wrongCode, PIN) }
        }
        assertEquals(ErrorCode.ACTIVATION_INVALID, error.code)
        assertReadableMessage(error.localized)
    }

    @Test
    fun changingThePinKeepsNotesReadableAndRetiresTheOldPin() {
        val device = enrolledDevice()
        val (worker, _) = device.activatedWorker()
        device.app.saveNotes(listOf("one", "two"))

        runBlocking { device.app.changePin(PIN, OTHER_PIN) }
        device.app.lock()

        val old = assertWorkerVoiceError<WorkerVoiceException.Pin> {
            runBlocking { device.app.login(worker.number, PIN) }
        }
        assertEquals(ErrorCode.WRONG_PIN, old.code)
        runBlocking { device.app.login(worker.number, OTHER_PIN) }
        assertEquals(setOf("one", "two"), device.app.listNotes(10u, 0u).map { it.text }.toSet())
    }

    @Test
    fun aPersonalDeviceUnlocksOfflineAfterALogin() {
        val device = enrolledDevice()
        val (worker, profile) = device.activatedWorker()
        device.app.saveNote("written online")
        device.app.lock()

        val unlocked = device.app.unlockOffline(worker.number, PIN)

        assertEquals(profile.workerId, unlocked.workerId)
        assertEquals(listOf("written online"), device.app.listNotes(10u, 0u).map { it.text })
        device.app.lock()
        val wrong = assertWorkerVoiceError<WorkerVoiceException> { device.app.unlockOffline(worker.number, WRONG_PIN) }
        assertTrue(wrong is WorkerVoiceException.Pin || wrong is WorkerVoiceException.Session, wrong.toString())
        assertNull(device.app.currentWorker())
    }

    @Test
    fun loginFallsBackToOfflineUnlockWhenTheHubIsGone() {
        // A hub of its own, to stop it mid-test.
        TestHub.start().use { ownHub ->
            val factory = ownHub.admin.createFactory("Offline factory")
            val code = ownHub.admin.issueCodes(factory.id, "personal", 1).single()
            val app = openApp(defaultHubUrl = ownHub.url)
            runBlocking { app.enrol(code.code, DeviceMode.PERSONAL) }
            val number = "OFF-1"
            val activation = ownHub.admin.importRoster(factory.id, listOf(RosterWorker(number, "Offline Worker", "en")))
            runBlocking { app.activate(number, activation.getValue(number), PIN) }
            app.saveNote("kept offline")
            app.lock()

            ownHub.close()

            val profile = runBlocking { app.login(number, PIN) }
            assertEquals(number, profile.workerNumber)
            assertEquals(listOf("kept offline"), app.listNotes(10u, 0u).map { it.text })
        }
    }
}
