package org.workervoice.tests

import kotlin.test.assertEquals
import kotlinx.coroutines.runBlocking
import org.junit.Test
import org.workervoice.WorkerVoiceException
import org.workervoice.model.ErrorCode
import org.workervoice.testing.OTHER_PIN
import org.workervoice.testing.PIN
import org.workervoice.testing.WorkerVoiceTest
import org.workervoice.testing.assertReadableMessage
import org.workervoice.testing.assertWorkerVoiceError

/** Self-registration with the factory's join code, where the programme allows it. */
class RegistrationTest : WorkerVoiceTest() {

    @Test
    fun aWorkerRegistersWithTheJoinCodeAndLogsInWithTheirPin() = runBlocking {
        val factory = newFactory(selfRegistration = true)
        val device = enrolledDevice(factory = factory)
        val joinCode = checkNotNull(factory.joinCode) { "self-registration gives a join code" }

        val wrongCode = assertWorkerVoiceError<WorkerVoiceException.Refused> {
            runBlocking { device.app.register("NOT-THE-CODE", "S-901", "Mai", "vi", PIN) }
        }
        assertEquals(ErrorCode.SELF_REGISTRATION_DISABLED, wrongCode.code)
        assertReadableMessage(wrongCode.localized)

        val profile = device.app.register(joinCode, "S-901", "Mai", "vi", PIN)
        assertEquals("vi", profile.language)
        assertEquals("vi", device.app.currentLanguage())
        device.app.lock()
        assertEquals("S-901", device.app.login("S-901", PIN).workerNumber)
        device.app.lock()

        val taken = assertWorkerVoiceError<WorkerVoiceException.Refused> {
            runBlocking { device.app.register(joinCode, "S-901", "Someone Else", "en", OTHER_PIN) }
        }
        assertEquals(ErrorCode.WORKER_EXISTS, taken.code)
    }

    @Test
    fun aFactoryWithoutSelfRegistrationRefusesIt() = runBlocking {
        val factory = newFactory(selfRegistration = false)
        val device = enrolledDevice(factory = factory)
        val refused = assertWorkerVoiceError<WorkerVoiceException.Refused> {
            runBlocking { device.app.register("ANY-CODE", "S-902", "Ana", "en", PIN) }
        }
        assertEquals(ErrorCode.SELF_REGISTRATION_DISABLED, refused.code)
    }
}
