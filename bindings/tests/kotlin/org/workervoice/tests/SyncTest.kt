package org.workervoice.tests

import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.After
import org.junit.Test
import org.workervoice.ConnectivityMonitor
import org.workervoice.WorkerVoiceListener
import org.workervoice.model.DeviceMode
import org.workervoice.model.Event
import org.workervoice.model.GrievanceDraft
import org.workervoice.model.GrievanceRoute
import org.workervoice.testing.HANDLER_PASSWORD
import org.workervoice.testing.HandlerClient
import org.workervoice.testing.TestHub
import org.workervoice.testing.WorkerVoiceTest

/** Sync from Kotlin: cancelling it, its progress events, and the platform's connectivity. */
class SyncTest : WorkerVoiceTest() {
    private val ownHub = TestHub.start()

    @After
    fun stopHub() = ownHub.close()

    private fun report(i: Int) =
        GrievanceDraft("wages", "report $i", true, listOf(GrievanceRoute.INDEPENDENT_HOTLINE), null, emptyList())

    /** A kiosk enrolled on [ownHub] with the programme key pinned and the directory fetched. */
    private fun kiosk(): Pair<org.workervoice.WorkerVoiceApp, String> = runBlocking {
        val (factory, _, hotline) = grievanceProgramme(ownHub)
        val app = openApp(defaultHubUrl = ownHub.url, programmeKey = ownHub.admin.programmeKey())
        app.enrol(ownHub.admin.issueCodes(factory.id, "shared", 1).single().code, DeviceMode.SHARED)
        app.syncNow(false)
        app to hotline
    }

    @Test
    fun cancellingASyncStopsPromptlyAndLosesOrDoublesNothing() = runBlocking {
        val (app, hotlineId) = kiosk()
        // A tablet sends text reports up to 1,000 to a batch: three batches,
        // so the first one's progress comes while two are still to go.
        repeat(2500) { app.submitGrievance(report(it)) }
        val events = CopyOnWriteArrayList<Event>()
        val progressed = CompletableDeferred<Unit>()
        app.setListener(object : WorkerVoiceListener {
            override fun onEvent(event: Event) {
                events += event
                if (event is Event.SyncProgress && event.done > 0u) progressed.complete(Unit)
            }
        })

        val sync = launch(Dispatchers.Default) { app.syncNow(true) }
        withTimeout(30_000) { progressed.await() }
        val started = System.nanoTime()
        sync.cancelAndJoin()
        val cancelMs = (System.nanoTime() - started) / 1_000_000
        assertTrue(cancelMs < 2_000, "cancel took $cancelMs ms")
        assertTrue(events.any { it is Event.SyncStarted })
        val partial = app.outboxSummary()
        assertEquals(2500uL, partial.queued + partial.sending + partial.delivered, "nothing lost: $partial")
        assertTrue(partial.delivered < 2500uL, "the sync was cancelled before the end: $partial")

        // The app is usable; a new sync delivers the rest, each report once.
        var pending = 1u
        while (pending > 0u) pending = app.syncNow(true).pending
        assertTrue(events.any { it is Event.SyncFinished })
        assertEquals(2500uL, app.outboxSummary().delivered)
        assertEquals(2500, HandlerClient(ownHub.url, hotlineId, HANDLER_PASSWORD).caseIds().size)
    }

    @Test
    fun aPlatformThatSaysOfflineKeepsSyncOffTheNetwork() = runBlocking {
        val (app, _) = kiosk()
        var online = false
        app.setConnectivity(object : ConnectivityMonitor {
            override fun isOnline() = online
            override fun isMetered() = false
        })
        app.submitGrievance(report(1))
        val offline = app.syncNow(true)
        assertTrue(offline.offline)
        assertEquals(1u, offline.pending)
        online = true
        val delivered = app.syncNow(true)
        assertEquals(1u, delivered.delivered)
        assertEquals(0u, delivered.pending)
    }
}
