package org.workervoice.tests

import kotlin.test.assertEquals
import kotlinx.coroutines.runBlocking
import org.junit.Test
import org.workervoice.WorkerVoiceException
import org.workervoice.model.ErrorCode
import org.workervoice.testing.OTHER_PIN
import org.workervoice.testing.PIN
import org.workervoice.testing.WRONG_PIN
import org.workervoice.testing.WorkerVoiceTest
import org.workervoice.testing.assertReadableMessage
import org.workervoice.testing.assertWorkerVoiceError

/** One worker, two phones: a PIN changed on one is caught up on the other with the previous PIN, once. */
class TwoPhonesTest : WorkerVoiceTest() {

    @Test
    fun aPinChangedOnOnePhoneIsCaughtUpOnTheOther() = runBlocking {
        val phoneA = enrolledDevice()
        val (worker, _) = phoneA.activatedWorker()
        val phoneB = enrolledDevice(factory = phoneA.factory)
        phoneB.app.login(worker.number, PIN)
        phoneB.app.saveNote("on the second phone")
        phoneB.app.lock()

        phoneA.app.changePin(PIN, OTHER_PIN)

        val unreadable = assertWorkerVoiceError<WorkerVoiceException.Session> {
            runBlocking { phoneB.app.login(worker.number, OTHER_PIN) }
        }
        assertEquals(ErrorCode.VAULT_UNREADABLE, unreadable.code)
        assertReadableMessage(unreadable.localized)
        val wrong = assertWorkerVoiceError<WorkerVoiceException.Pin> {
            runBlocking { phoneB.app.loginWithPreviousPin(worker.number, OTHER_PIN, WRONG_PIN) }
        }
        assertEquals(ErrorCode.WRONG_PIN, wrong.code)

        phoneB.app.loginWithPreviousPin(worker.number, OTHER_PIN, PIN)
        assertEquals("on the second phone", phoneB.app.listNotes(10u, 0u).single().text)
        phoneB.app.lock()
        assertEquals(worker.number, phoneB.app.login(worker.number, OTHER_PIN).workerNumber)
    }
}
