package org.workervoice.tests

import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.Test
import org.workervoice.WorkerVoiceException
import org.workervoice.model.DeviceMode
import org.workervoice.model.ErrorCode
import org.workervoice.testing.KotlinMemoryKeyStore
import org.workervoice.testing.PIN
import org.workervoice.testing.RosterWorker
import org.workervoice.testing.WorkerVoiceTest
import org.workervoice.testing.assertReadableMessage
import org.workervoice.testing.assertWorkerVoiceError

/** A device joins a factory with a one-time code from programme staff. */
class EnrolmentTest : WorkerVoiceTest() {

    @Test
    fun aPersonalDeviceEnrolsWithATypedCodeAndTheDefaultHub() {
        val factory = newFactory()
        val code = hub.admin.issueCodes(factory.id, "personal", 1).single()
        val keyStore = KotlinMemoryKeyStore()
        val app = openApp(keyStore, defaultHubUrl = hub.url)

        val status = runBlocking { app.enrol(code.code, DeviceMode.PERSONAL) }

        assertTrue(status.enrolled)
        assertEquals(DeviceMode.PERSONAL, status.mode)
        assertEquals(factory.name, status.factoryName)
        assertTrue(status.deviceId?.isNotBlank() == true)
        assertEquals(status, app.status())
        // The device's secrets went to the Kotlin key store through the foreign trait.
        assertTrue(keyStore.aliases.isNotEmpty(), "no secret was created in the platform key store")
    }

    @Test
    fun aDeviceEnrolsWithAQrPayloadThatNamesTheHub() {
        val factory = newFactory()
        val code = hub.admin.issueCodes(factory.id, "personal", 1).single()
        val app = openApp(defaultHubUrl = null)

        val status = runBlocking { app.enrol(code.qrPayload, DeviceMode.PERSONAL) }

        assertTrue(status.enrolled)
        assertEquals(factory.name, status.factoryName)
        assertTrue(status.hubUrl.orEmpty().startsWith(hub.url), "hub url ${status.hubUrl}")
    }

    @Test
    fun anInvalidCodeIsRefused() {
        val app = openApp(defaultHubUrl = hub.url)
        val error = assertWorkerVoiceError<WorkerVoiceException.Refused> {
            runBlocking { app.enrol("ABCD-EFGH-JKMN", DeviceMode.PERSONAL) }
        }
        assertEquals(ErrorCode.ENROLMENT_CODE_INVALID, error.code)
        assertReadableMessage(error.localized)
        assertTrue(!app.status().enrolled)
    }

    @Test
    fun aCodeEnrolsOneDeviceOnly() {
        val factory = newFactory()
        val code = hub.admin.issueCodes(factory.id, "shared", 1).single()
        val first = openApp(defaultHubUrl = hub.url)
        val second = openApp(defaultHubUrl = hub.url)

        assertEquals(DeviceMode.SHARED, runBlocking { first.enrol(code.code, DeviceMode.SHARED) }.mode)
        val error = assertWorkerVoiceError<WorkerVoiceException.Refused> {
            runBlocking { second.enrol(code.code, DeviceMode.SHARED) }
        }
        assertEquals(ErrorCode.ENROLMENT_CODE_INVALID, error.code)
    }

    @Test
    fun aScannedWorkerCardFillsInItsNumberAndCodeAndAnotherHubsCardIsRefused() {
        val factory = newFactory()
        val code = hub.admin.issueCodes(factory.id, "personal", 1).single()
        val card = hub.admin.importRosterCards(factory.id, listOf(RosterWorker("C-7", "Thu", "vi"))).getValue("C-7")
        val app = openApp(defaultHubUrl = hub.url)
        runBlocking { app.enrol(code.code, DeviceMode.PERSONAL) }

        val read = app.readWorkerCard(card.qrPayload)
        assertEquals("C-7", read.workerNumber)
        assertEquals(card.activationCode, read.activationCode)
        val profile = runBlocking { app.activate(read.workerNumber, read.activationCode, PIN) }
        assertEquals("C-7", profile.workerNumber)

        val notACard = assertWorkerVoiceError<WorkerVoiceException.Input> { app.readWorkerCard(code.qrPayload) }
        assertEquals(ErrorCode.NOT_A_WORKER_CARD, notACard.code)
        assertReadableMessage(notACard.localized)
        val elsewhere = card.qrPayload.replace(java.net.URLEncoder.encode(hub.url, "UTF-8"), "https%3A%2F%2Fhub.elsewhere.org")
        val other = assertWorkerVoiceError<WorkerVoiceException.Input> { app.readWorkerCard(elsewhere) }
        assertEquals(ErrorCode.CARD_FOR_ANOTHER_HUB, other.code)
    }
}
