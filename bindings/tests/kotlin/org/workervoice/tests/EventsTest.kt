package org.workervoice.tests

import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.onSubscription
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.Test
import org.workervoice.WorkerVoice
import org.workervoice.WorkerVoiceListener
import org.workervoice.events
import org.workervoice.model.DeviceMode
import org.workervoice.model.Event
import org.workervoice.testing.HARNESS_TIMEOUT
import org.workervoice.testing.KotlinMemoryKeyStore
import org.workervoice.testing.PIN
import org.workervoice.testing.RosterWorker
import org.workervoice.testing.WorkerVoiceTest

/** The core tells the app what happened through a Kotlin listener or a Flow. */
class EventsTest : WorkerVoiceTest() {

    private class Recorder : WorkerVoiceListener {
        val events = LinkedBlockingQueue<Event>()

        override fun onEvent(event: Event) {
            events.put(event)
        }

        fun next(): Event = events.poll(HARNESS_TIMEOUT.seconds, TimeUnit.SECONDS) ?: error("no event within the timeout")
    }

    @Test
    fun aListenerHearsEnrolmentAndEverySessionStartAndEnd() {
        val factory = newFactory()
        val code = hub.admin.issueCodes(factory.id, "personal", 1).single()
        val app = openApp(defaultHubUrl = hub.url)
        val recorder = Recorder()
        app.setListener(recorder)

        runBlocking { app.enrol(code.code, DeviceMode.PERSONAL) }
        assertEquals(Event.Enrolled(factory.name), recorder.next())

        val activation = hub.admin.importRoster(factory.id, listOf(RosterWorker("EV-1", "Event Worker", "en")))
        runBlocking { app.activate("EV-1", activation.getValue("EV-1"), PIN) }
        assertEquals(Event.SessionStarted(offline = false), recorder.next())

        app.lock()
        assertEquals(Event.SessionEnded, recorder.next())

        app.unlockOffline("EV-1", PIN)
        assertEquals(Event.SessionStarted(offline = true), recorder.next())

        // Locking twice ends one session: one event.
        app.lock()
        app.lock()
        assertEquals(Event.SessionEnded, recorder.next())
        assertNull(recorder.events.poll(200, TimeUnit.MILLISECONDS))

        // A cleared listener hears nothing more.
        app.setListener(null)
        app.unlockOffline("EV-1", PIN)
        assertNull(recorder.events.poll(200, TimeUnit.MILLISECONDS))
    }

    @Test
    fun theEventFlowDeliversSessionEventsWhileCollected() {
        val device = enrolledDevice()
        val (worker, _) = device.activatedWorker()
        device.app.lock()

        runBlocking {
            val received = Channel<Event>(Channel.UNLIMITED)
            // Unconfined: the flow's listener is installed before launch returns.
            val collector = launch(Dispatchers.Unconfined) {
                device.app.events().collect { received.send(it) }
            }
            device.app.unlockOffline(worker.number, PIN)
            device.app.lock()
            withTimeout(HARNESS_TIMEOUT.toMillis()) {
                assertEquals(Event.SessionStarted(offline = true), received.receive())
                assertEquals(Event.SessionEnded, received.receive())
            }
            collector.cancel()
        }
    }

    @Test
    fun theOwnerSharesEventsAndCloseLocksAndReleasesTheApp() {
        val factory = newFactory()
        val code = hub.admin.issueCodes(factory.id, "personal", 1).single()
        val core = WorkerVoice.open(options(defaultHubUrl = hub.url), KotlinMemoryKeyStore())
        val extra = Recorder()
        core.setListener(extra)

        runBlocking {
            val subscribed = CompletableDeferred<Unit>()
            val firstThree = async(Dispatchers.Default) {
                core.events.onSubscription { subscribed.complete(Unit) }.take(3).toList()
            }
            subscribed.await()

            core.enrol(code.code, DeviceMode.PERSONAL)
            val activation = hub.admin.importRoster(factory.id, listOf(RosterWorker("OW-1", "Owner Worker", "en")))
            core.activate("OW-1", activation.getValue("OW-1"), PIN)
            core.saveNote("before close")
            core.close()

            val events = withTimeout(HARNESS_TIMEOUT.toMillis()) { firstThree.await() }
            assertEquals(
                listOf(Event.Enrolled(factory.name), Event.SessionStarted(offline = false), Event.SessionEnded),
                events,
            )
        }
        // The extra listener heard the same events.
        assertEquals(Event.Enrolled(factory.name), extra.next())

        assertTrue(core.isClosed)
        assertTrue(core.app.uniffiIsDestroyed)
        core.close() // a second close is harmless
        assertFailsWith<IllegalStateException> { core.status() }
    }
}
