package org.workervoice.tests

import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicLong
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.Test
import org.workervoice.ClockSource
import org.workervoice.ConnectivityMonitor
import org.workervoice.WorkerVoiceException
import org.workervoice.WorkerVoiceListener
import org.workervoice.model.AttachmentType
import org.workervoice.model.DeviceMode
import org.workervoice.model.DraftAttachment
import org.workervoice.PhotoSource
import org.workervoice.attachmentLimits
import org.workervoice.localized
import org.workervoice.model.ErrorCode
import org.workervoice.model.Event
import org.workervoice.model.GrievanceDraft
import org.workervoice.model.GrievanceRoute
import org.workervoice.model.OutboxState
import org.workervoice.testing.HandlerClient
import org.workervoice.testing.HANDLER_PASSWORD
import org.workervoice.testing.KotlinMemoryKeyStore
import org.workervoice.testing.RosterWorker
import org.workervoice.testing.assertReadableMessage
import org.workervoice.testing.PIN
import org.workervoice.testing.WorkerVoiceTest
import org.workervoice.testing.assertWorkerVoiceError

/** A shared tablet: idle time-out with a clock from Kotlin, drafts that return to their worker only. */
class KioskTest : WorkerVoiceTest() {

    private class ManualClock(start: Long) : ClockSource {
        val now = AtomicLong(start)
        override fun nowMillis(): Long = now.get()
    }

    @Test
    fun aTimedOutDraftReturnsToItsWorkerAndNoOneElse() = runBlocking {
        val tablet = enrolledDevice(mode = DeviceMode.SHARED)
        val clock = ManualClock(1_800_000_000_000)
        tablet.app.setClock(clock)
        tablet.app.setIdleTimeoutSecs(60u)
        val events = CopyOnWriteArrayList<Event>()
        tablet.app.setListener(object : WorkerVoiceListener {
            override fun onEvent(event: Event) {
                events += event
            }
        })
        val (first, _) = tablet.activatedWorker(language = "vi")
        val draft = "Quản đốc giữ lương tăng ca của chúng tôi".toByteArray()
        tablet.app.saveDraft("grievance", draft)

        clock.now.addAndGet(30_000)
        assertFalse(tablet.app.checkIdle())
        clock.now.addAndGet(31_000)
        assertTrue(tablet.app.checkIdle())
        assertNull(tablet.app.currentWorker())
        assertTrue(events.any { it is Event.SessionTimedOut })
        val refused = assertWorkerVoiceError<WorkerVoiceException.Session> { tablet.app.loadDraft("grievance") }
        assertEquals(ErrorCode.NOT_LOGGED_IN, refused.code)

        val (second, _) = tablet.activatedWorker(language = "zh-CN")
        assertNull(tablet.app.loadDraft("grievance"), "the next worker sees nothing")
        tablet.app.lock()

        tablet.app.login(first.number, PIN)
        assertContentEquals(draft, tablet.app.loadDraft("grievance"))
        tablet.app.deleteDraft("grievance")
        assertNull(tablet.app.loadDraft("grievance"))
        assertTrue(second.number != first.number)
    }

    @Test
    fun aTimedOutDraftKeepsItsPhotoAndVoiceNoteForItsWorkerOnly() = runBlocking {
        val tablet = enrolledDevice(mode = DeviceMode.SHARED)
        val clock = ManualClock(1_800_000_000_000)
        tablet.app.setClock(clock)
        tablet.app.setIdleTimeoutSecs(60u)
        val (first, _) = tablet.activatedWorker(language = "vi")
        val photo = DraftAttachment("lối-thoát.jpg", AttachmentType.PHOTO, "image/jpeg", ByteArray(300_000) { (it % 251).toByte() })
        val voice = DraftAttachment("ghi-âm.wav", AttachmentType.VOICE, "audio/wav", "MARKER-voice-7731".toByteArray())
        tablet.app.saveDraft("grievance", "the words".toByteArray())
        tablet.app.saveDraftAttachments("grievance", listOf(photo, voice))
        assertSameAttachments(listOf(photo, voice), tablet.app.loadDraftAttachments("grievance"))

        clock.now.addAndGet(61_000)
        assertTrue(tablet.app.checkIdle())
        assertEquals(ErrorCode.NOT_LOGGED_IN, assertWorkerVoiceError<WorkerVoiceException.Session> { tablet.app.loadDraftAttachments("grievance") }.code)
        val marker = "MARKER-voice-7731".toByteArray()
        val plainIn = tablet.dataDir.walkTopDown().filter { it.isFile && containsBytes(it.readBytes(), marker) }.toList()
        assertEquals(emptyList(), plainIn, "the voice note is sealed on disk")

        tablet.activatedWorker(language = "zh-CN")
        assertEquals(emptyList(), tablet.app.loadDraftAttachments("grievance"), "the next worker sees nothing")
        tablet.app.lock()

        tablet.app.login(first.number, PIN)
        assertSameAttachments(listOf(photo, voice), tablet.app.loadDraftAttachments("grievance"))
        // Removing one keeps the other; deleting the draft removes them all.
        tablet.app.saveDraftAttachments("grievance", listOf(voice))
        assertSameAttachments(listOf(voice), tablet.app.loadDraftAttachments("grievance"))
        tablet.app.deleteDraft("grievance")
        assertEquals(emptyList(), tablet.app.loadDraftAttachments("grievance"))
    }

    @Test
    fun aDraftRefusesMoreAttachmentsThanItsReportCouldSend() = runBlocking {
        val phone = enrolledDevice()
        phone.activatedWorker()
        val limits = attachmentLimits()
        val one = DraftAttachment("p.jpg", AttachmentType.PHOTO, "image/jpeg", byteArrayOf(1))
        val tooMany = List(limits.maxCount.toInt() + 1) { one }
        val refused = assertWorkerVoiceError<WorkerVoiceException.Input> { phone.app.saveDraftAttachments("grievance", tooMany) }
        assertEquals(ErrorCode.TOO_MANY_ATTACHMENTS, refused.code)
        assertReadableMessage(refused.localized)
        val huge = DraftAttachment("v.wav", AttachmentType.VOICE, "audio/wav", ByteArray(limits.maxTotalBytes.toInt() + 1))
        assertEquals(ErrorCode.ATTACHMENTS_TOO_LARGE, assertWorkerVoiceError<WorkerVoiceException.Input> { phone.app.saveDraftAttachments("grievance", listOf(huge)) }.code)
        assertEquals(emptyList(), phone.app.loadDraftAttachments("grievance"), "a refused save keeps nothing")
    }

    @Test
    fun aSharedTabletOffersTheCameraOnlyAndAPersonalPhoneItsPhotosToo() = runBlocking {
        val tablet = enrolledDevice(mode = DeviceMode.SHARED)
        assertEquals(listOf(PhotoSource.CAMERA), tablet.app.capturePolicy().photoSources)
        val phone = enrolledDevice()
        val policy = phone.app.capturePolicy()
        assertEquals(listOf(PhotoSource.CAMERA, PhotoSource.LIBRARY), policy.photoSources)
        assertTrue(policy.photoMaxLongEdge in 640u..4096u && policy.photoJpegQuality in 1u..100u && policy.voiceMaxSeconds > 0u, "$policy")
    }

    @Test
    fun theCoreTellsTheSecondsLeftBeforeAnIdleKioskSessionEndsAndATapResetsThem() = runBlocking {
        val tablet = enrolledDevice(mode = DeviceMode.SHARED)
        val clock = ManualClock(1_800_000_000_000)
        tablet.app.setClock(clock)
        assertNull(tablet.app.idleSecondsLeft(), "nobody signed in: no countdown")
        tablet.activatedWorker(language = "vi")
        tablet.app.setIdleTimeoutSecs(60u)
        tablet.app.keepSessionAlive()
        assertEquals(60u, tablet.app.idleSecondsLeft())

        clock.now.addAndGet(44_500)
        assertEquals(16u, tablet.app.idleSecondsLeft(), "rounded up: a warning never says 0 while time is left")
        tablet.app.keepSessionAlive()
        assertEquals(60u, tablet.app.idleSecondsLeft(), "a tap counts the time-out from now")

        clock.now.addAndGet(61_000)
        tablet.app.keepSessionAlive()
        assertNull(tablet.app.currentWorker(), "a tap after the time-out does not revive the session")
        assertNull(tablet.app.idleSecondsLeft())
    }

    @Test
    fun aPersonalPhoneHasNoIdleCountdown() = runBlocking {
        val phone = enrolledDevice()
        phone.activatedWorker()
        assertNull(phone.app.idleSecondsLeft())
        phone.app.keepSessionAlive()
        assertTrue(phone.app.currentWorker() != null)
    }

    @Test
    fun theDeviceAdminSeesHealthInCountsAndCanHandTheTabletBack() = runBlocking {
        val tablet = enrolledDevice(mode = DeviceMode.SHARED)
        tablet.activatedWorker()
        tablet.app.saveNote("kept until hand-back")
        val health = tablet.app.deviceHealth()
        assertTrue(health.enrolled)
        assertEquals(DeviceMode.SHARED, health.mode)
        assertEquals(1uL, health.workerVaults)
        assertTrue(health.storageBytes > 0uL)

        tablet.app.handBackDevice()
        assertNull(tablet.app.currentWorker())
        assertFalse(tablet.app.status().enrolled)
        assertEquals(0uL, tablet.app.deviceHealth().workerVaults)
        val notEnrolled = assertWorkerVoiceError<WorkerVoiceException.Device> {
            runBlocking { tablet.app.login("W0001", PIN) }
        }
        assertEquals(ErrorCode.NOT_ENROLLED, notEnrolled.code)
    }

    private class Switch(@Volatile var online: Boolean) : ConnectivityMonitor {
        override fun isOnline() = online
        override fun isMetered() = false
    }

    @Test
    fun anOfflineSignInSubmitsAndTheHubConfirmsItAtTheNextSync() = runBlocking {
        val (factory, _, hotlineId) = grievanceProgramme(hub)
        val tablet = openApp(KotlinMemoryKeyStore(), languages = listOf("en"), defaultHubUrl = hub.url, programmeKey = hub.admin.programmeKey())
        tablet.enrol(hub.admin.issueCodes(factory.id, "shared", 1).single().code, DeviceMode.SHARED)
        val activation = hub.admin.importRoster(factory.id, listOf(RosterWorker("KO1", "Lan", "vi"))).getValue("KO1")
        tablet.activate("KO1", activation, PIN)
        tablet.syncNow(false)
        tablet.lock()

        val network = Switch(false)
        tablet.setConnectivity(network)
        val profile = tablet.login("KO1", PIN)
        assertEquals("vi", profile.language, "the session speaks the worker's language offline too")
        assertTrue(tablet.sessionIsProvisional())
        val needsHub = assertWorkerVoiceError<WorkerVoiceException.Session> { tablet.myCases() }
        assertEquals(ErrorCode.NEEDS_HUB, needsHub.code)
        assertReadableMessage(needsHub.localized)
        val held = tablet.submitGrievance(
            GrievanceDraft("wages", "Báo cáo khi không có mạng", false, listOf(GrievanceRoute.INDEPENDENT_HOTLINE), null, emptyList()),
        )
        assertEquals(OutboxState.QUEUED, tablet.submissionStatus(held.clientId)?.state)
        assertTrue(tablet.syncNow(true).offline)

        network.online = true
        val report = tablet.syncNow(true)
        assertEquals(1u, report.signInsConfirmed)
        assertEquals(0u, report.signInsRejected)
        assertEquals(1u, report.delivered)
        assertTrue(held.receipt.caseId in HandlerClient(hub.url, hotlineId, HANDLER_PASSWORD).caseIds())
    }

    @Test
    fun aDraftWrittenOfflineReturnsToItsWorkerOnlineAndFailuresTellNothing() = runBlocking {
        val (factory, _, _) = grievanceProgramme(hub)
        val tablet = openApp(KotlinMemoryKeyStore(), languages = listOf("en"), defaultHubUrl = hub.url, programmeKey = hub.admin.programmeKey())
        tablet.enrol(hub.admin.issueCodes(factory.id, "shared", 1).single().code, DeviceMode.SHARED)
        val codes = hub.admin.importRoster(
            factory.id,
            listOf(RosterWorker("KD1", "Lan", "vi"), RosterWorker("KD2", "Wei", "zh-CN"), RosterWorker("KD3", "Ana", "en")),
        )
        tablet.activate("KD1", codes.getValue("KD1"), PIN)
        tablet.lock()
        tablet.activate("KD2", codes.getValue("KD2"), PIN)
        tablet.syncNow(false)
        tablet.lock()
        val clock = ManualClock(1_800_000_000_000)
        tablet.setClock(clock)

        val network = Switch(false)
        tablet.setConnectivity(network)
        tablet.login("KD1", PIN)
        assertTrue(tablet.sessionIsProvisional())
        val draft = "Tổ trưởng giữ thẻ của chúng tôi".toByteArray()
        tablet.saveDraft("grievance", draft)
        clock.now.addAndGet(120_000)
        assertTrue(tablet.checkIdle(), "the time-out ends an offline session too")

        // Probing the tablet offline: a worker who never used it and a number
        // that is nobody's get the same answer.
        val neverHere = assertWorkerVoiceError<WorkerVoiceException.Session> { runBlocking { tablet.login("KD3", PIN) } }
        val nobody = assertWorkerVoiceError<WorkerVoiceException.Session> { runBlocking { tablet.login("NOBODY", PIN) } }
        assertEquals(ErrorCode.OFFLINE_SIGN_IN_FAILED, neverHere.code)
        assertEquals(neverHere.code, nobody.code)
        assertEquals(neverHere.localized, nobody.localized)
        assertReadableMessage(neverHere.localized)

        network.online = true
        tablet.login("KD2", PIN)
        assertNull(tablet.loadDraft("grievance"), "the next worker sees nothing")
        assertEquals(1u, tablet.syncNow(true).signInsConfirmed)
        assertNull(tablet.loadDraft("grievance"), "confirmation moves it to its owner only")
        tablet.lock()
        tablet.login("KD1", PIN)
        assertContentEquals(draft, tablet.loadDraft("grievance"))
    }

    @Test
    fun eachSessionSpeaksItsWorkersLanguageAndTheNextStartsFresh() = runBlocking {
        val tablet = enrolledDevice(mode = DeviceMode.SHARED)
        assertEquals("en", tablet.app.currentLanguage())
        tablet.activatedWorker(language = "vi")
        assertEquals("vi", tablet.app.currentLanguage())
        val (second, _) = tablet.activatedWorker(language = "zh-CN")
        assertEquals("zh-CN", tablet.app.currentLanguage(), "switching worker switches language")
        tablet.app.lock()
        assertEquals("en", tablet.app.currentLanguage(), "the start screen is back in the device's language")
        tablet.app.login(second.number, PIN)
        assertEquals("zh-CN", tablet.app.currentLanguage())
    }

    @Test
    fun aRetiredTabletShredsItselfAtItsNextSyncAndStaffSeeItsCounts() = runBlocking {
        val (factory, _, hotlineId) = grievanceProgramme(hub)
        val tablet = openApp(KotlinMemoryKeyStore(), languages = listOf("en"), defaultHubUrl = hub.url, programmeKey = hub.admin.programmeKey())
        tablet.enrol(hub.admin.issueCodes(factory.id, "shared", 1).single().code, DeviceMode.SHARED)
        val activation = hub.admin.importRoster(factory.id, listOf(RosterWorker("KR1", "Lan", "vi"))).getValue("KR1")
        tablet.activate("KR1", activation, PIN)
        tablet.saveNote("ghi chú riêng")
        tablet.lock()
        tablet.syncNow(false)
        val deviceId = tablet.status().deviceId!!
        val health = tablet.deviceHealth()
        assertTrue(health.lastSyncAt != null)
        assertEquals(0uL, health.queued)
        assertEquals(1uL, health.workerVaults)
        val (queued, needsAttention, lastSync) = hub.admin.deviceCounts(factory.id).getValue(deviceId)
        assertEquals(0L, queued)
        assertEquals(0L, needsAttention)
        assertTrue(lastSync != null)

        val pending = tablet.submitGrievance(
            GrievanceDraft("wages", "sent before the wipe", true, listOf(GrievanceRoute.INDEPENDENT_HOTLINE), null, emptyList()),
        )
        hub.admin.retireDevice(deviceId)
        val retired = assertWorkerVoiceError<WorkerVoiceException.Device> { runBlocking { tablet.syncNow(false) } }
        assertEquals(ErrorCode.DEVICE_RETIRED, retired.code)
        assertTrue(pending.receipt.caseId in HandlerClient(hub.url, hotlineId, HANDLER_PASSWORD).caseIds(), "the queue went out first")
        val after = tablet.deviceHealth()
        assertTrue(after.retired)
        assertEquals(0uL, after.workerVaults)
        assertEquals(0uL, after.queued)
        val refused = assertWorkerVoiceError<WorkerVoiceException.Device> { runBlocking { tablet.login("KR1", PIN) } }
        assertEquals(ErrorCode.DEVICE_RETIRED, refused.code)
    }

    @Test
    fun aRemoteWipeLeavesTheTabletInServiceWithNoWorkerData() = runBlocking {
        val tablet = enrolledDevice(mode = DeviceMode.SHARED)
        val (worker, _) = tablet.activatedWorker(language = "vi")
        tablet.app.saveNote("ghi chú trước khi xoá")
        tablet.app.lock()
        tablet.app.syncNow(false)
        assertEquals(1uL, tablet.app.deviceHealth().workerVaults)

        hub.admin.wipeDevice(tablet.app.status().deviceId!!)
        tablet.app.syncNow(false)
        val health = tablet.app.deviceHealth()
        assertTrue(health.enrolled)
        assertFalse(health.retired)
        assertEquals(0uL, health.workerVaults)

        tablet.app.login(worker.number, PIN)
        assertEquals(0uL, tablet.app.countNotes(), "a fresh vault: nothing of the old one")
    }
}

/** Whether [needle] occurs in [haystack]. */
private fun containsBytes(haystack: ByteArray, needle: ByteArray): Boolean =
    (0..haystack.size - needle.size).any { start -> needle.indices.all { haystack[start + it] == needle[it] } }

/** The same attachments in the same order (a generated record compares its bytes by reference). */
private fun assertSameAttachments(expected: List<DraftAttachment>, actual: List<DraftAttachment>) {
    fun summary(list: List<DraftAttachment>) = list.map { "${it.name} ${it.kind} ${it.mime} ${it.bytes.size} bytes" }
    assertEquals(summary(expected), summary(actual))
    for ((want, got) in expected.zip(actual)) assertContentEquals(want.bytes, got.bytes, want.name)
}
