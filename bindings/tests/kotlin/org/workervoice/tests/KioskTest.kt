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
import org.workervoice.WorkerVoiceException
import org.workervoice.WorkerVoiceListener
import org.workervoice.model.DeviceMode
import org.workervoice.model.ErrorCode
import org.workervoice.model.Event
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
}
