package org.workervoice.tests

import kotlin.system.measureTimeMillis
import kotlin.test.assertEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import org.junit.Test
import org.workervoice.testing.PIN
import org.workervoice.testing.WorkerVoiceTest

/** Network calls are suspend functions: cancelling the coroutine stops waiting at once. */
class CancellationTest : WorkerVoiceTest() {

    @Test
    fun aCancelledLoginReturnsPromptlyAndLeavesTheAppUsable() {
        val device = enrolledDevice()
        val (worker, _) = device.activatedWorker()
        device.app.saveNote("still here")
        device.app.lock()

        runBlocking {
            // A timeout far shorter than a login (PBKDF2 alone takes ~0.3 s).
            val timedOut: Long
            val elapsed = measureTimeMillis {
                timedOut = withTimeoutOrNull(5) { device.app.login(worker.number, PIN) }?.let { 1L } ?: 0L
            }
            assertEquals(0L, timedOut, "login finished within 5 ms")
            assertTrue(elapsed < 1_000, "withTimeout took $elapsed ms to return")

            // Cancelling a running login from outside.
            val job = launch(Dispatchers.Default, start = CoroutineStart.DEFAULT) {
                device.app.login(worker.number, PIN)
            }
            delay(20)
            val cancelMs = measureTimeMillis { job.cancelAndJoin() }
            assertTrue(cancelMs < 1_000, "cancelAndJoin took $cancelMs ms")
        }
        // Whatever the cancelled calls had done, nobody is logged in...
        assertNull(device.app.currentWorker())

        // ...and the app works normally afterwards.
        runBlocking { device.app.login(worker.number, PIN) }
        assertEquals(listOf("still here"), device.app.listNotes(10u, 0u).map { it.text })
    }
}
