package org.workervoice.tests

import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Test
import org.workervoice.WorkerVoiceException
import org.workervoice.model.CaseState
import org.workervoice.model.DeviceMode
import org.workervoice.model.ErrorCode
import org.workervoice.model.GrievanceDraft
import org.workervoice.model.GrievanceRoute
import org.workervoice.model.MessageAuthor
import org.workervoice.model.OutboxState
import org.workervoice.testing.HANDLER_PASSWORD
import org.workervoice.testing.HandlerClient
import org.workervoice.testing.KotlinMemoryKeyStore
import org.workervoice.testing.PIN
import org.workervoice.testing.RosterWorker
import org.workervoice.testing.TestHub
import org.workervoice.testing.WorkerVoiceTest
import org.workervoice.testing.assertReadableMessage
import org.workervoice.testing.assertWorkerVoiceError

/**
 * Grievances through the bindings: submit named and anonymous reports with
 * the hub down, sync when it is back, read a handler's reply, follow up from
 * another device with only the receipt.
 */
class GrievanceTest : WorkerVoiceTest() {
    // This test stops and restarts its hub, so it has its own.
    private val ownHub = TestHub.start()

    @After
    fun stopHub() = ownHub.close()

    private val password = HANDLER_PASSWORD

    private fun programme() = grievanceProgramme(ownHub)

    private fun draft(text: String, anonymous: Boolean, vararg routes: GrievanceRoute) =
        GrievanceDraft("wages", text, anonymous, routes.toList(), null, emptyList())

    @Test
    fun reportsMadeWithTheHubDownAreDeliveredAndRepliesComeBack() = runBlocking {
        val (factory, _, hotlineId) = programme()
        val key = ownHub.admin.programmeKey()
        val app = openApp(KotlinMemoryKeyStore(), languages = listOf("vi"), defaultHubUrl = ownHub.url, programmeKey = key)
        app.enrol(ownHub.admin.issueCodes(factory.id, "personal", 1).single().code, DeviceMode.PERSONAL)
        val activation = ownHub.admin.importRoster(factory.id, listOf(RosterWorker("K100", "Lan", "vi"))).getValue("K100")
        app.activate("K100", activation, PIN)
        val first = app.syncNow(false)
        assertTrue(first.directoryVersion != null)
        val wages = app.categories().single { it.id == "wages" }
        assertTrue(wages.label != "wages", "categories are labelled: ${wages.label}")

        ownHub.stop()
        val named = app.submitGrievance(draft("Tiền tăng ca tháng 10 chưa được trả.", false, GrievanceRoute.INDEPENDENT_HOTLINE))
        assertTrue(named.keptOnDevice)
        app.lock()
        val anonymous = app.submitGrievance(draft("Quản đốc đe dọa chúng tôi sau cuộc kiểm toán.", true, GrievanceRoute.INDEPENDENT_HOTLINE))
        assertFalse(anonymous.keptOnDevice)
        assertEquals(OutboxState.QUEUED, app.submissionStatus(named.clientId)?.state)
        val offline = app.syncNow(true)
        assertTrue(offline.offline)
        assertEquals(2u, offline.pending)

        ownHub.restart()
        app.login("K100", PIN)
        val online = app.syncNow(true)
        assertEquals(2u, online.delivered)
        assertEquals(OutboxState.DELIVERED, app.submissionStatus(anonymous.clientId)?.state)

        // Handler sessions live in the hub's memory: log in after the restart.
        val hotline = HandlerClient(ownHub.url, hotlineId, password)
        val caseId = named.receipt.caseId
        assertTrue(caseId in hotline.caseIds())
        assertEquals("Tiền tăng ca tháng 10 chưa được trả.", hotline.open(caseId).first)
        hotline.setStatus(caseId, "acknowledged")
        hotline.reply(caseId, "Chúng tôi sẽ gọi cho bạn vào thứ Sáu.")
        app.syncNow(false)
        val thread = app.caseThread(caseId)
        assertEquals(CaseState.ACKNOWLEDGED, thread.state)
        assertTrue(thread.messages.any { it.author == MessageAuthor.HANDLER && it.text == "Chúng tôi sẽ gọi cho bạn vào thứ Sáu." })
        assertEquals(CaseState.ACKNOWLEDGED, app.myCases().single().state)

        // The anonymous report, followed up from another device with only its receipt.
        hotline.reply(anonymous.receipt.caseId, "Cảm ơn. Chúng tôi đang điều tra.")
        val other = openApp(defaultHubUrl = ownHub.url)
        val followUp = other.followUp(anonymous.receipt.caseId, anonymous.receipt.secret)
        assertTrue(followUp.messages.any { it.text == "Cảm ơn. Chúng tôi đang điều tra." })
        other.replyWithReceipt(anonymous.receipt.caseId, anonymous.receipt.secret, "Ca đêm, thứ Ba.")
        assertTrue("Ca đêm, thứ Ba." in hotline.open(anonymous.receipt.caseId).second)
        val wrong = assertWorkerVoiceError<WorkerVoiceException.Input> {
            runBlocking { other.followUp(anonymous.receipt.caseId, "1111 2222 3333 4444 5555") }
        }
        assertEquals(ErrorCode.RECEIPT_INVALID, wrong.code)
        assertReadableMessage(wrong.localized)

        app.lock()
        val locked = assertWorkerVoiceError<WorkerVoiceException.Session> { app.myCases() }
        assertEquals(ErrorCode.NOT_LOGGED_IN, locked.code)
        // Logged out, the phone remembers nothing it sent (ADR 0016): no
        // delivered outbox row, so no delivery state either.
        assertEquals(null, app.submissionStatus(anonymous.clientId))
        assertEquals(0uL, app.outboxSummary().delivered)
    }

    @Test
    fun aDirectoryNotSignedByThePinnedKeyIsRefused() = runBlocking {
        val (factory, _, _) = programme()
        val otherProgramme = java.util.Base64.getEncoder().encodeToString(ByteArray(32) { 7 })
        val app = openApp(defaultHubUrl = ownHub.url, programmeKey = otherProgramme)
        app.enrol(ownHub.admin.issueCodes(factory.id, "shared", 1).single().code, DeviceMode.SHARED)
        val report = app.syncNow(true)
        assertTrue(report.directoryRefused)
        assertTrue(app.categories().isEmpty())
        val refused = assertWorkerVoiceError<WorkerVoiceException.Device> {
            app.submitGrievance(draft("x", true, GrievanceRoute.INDEPENDENT_HOTLINE))
        }
        assertEquals(ErrorCode.DIRECTORY_MISSING, refused.code)
    }
}
