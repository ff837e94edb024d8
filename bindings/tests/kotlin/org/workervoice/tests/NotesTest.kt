package org.workervoice.tests

import java.util.concurrent.Callable
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.Test
import org.workervoice.testing.HARNESS_TIMEOUT
import org.workervoice.testing.WorkerVoiceTest

/** A worker's private notes: saved and read in pages, from any thread. */
class NotesTest : WorkerVoiceTest() {

    @Test
    fun aThousandNotesComeBackInOneListCall() {
        val device = enrolledDevice()
        device.activatedWorker()
        val texts = (1..1000).map { "note $it: đã ghi 已记录 ✓" }

        val ids = device.app.saveNotes(texts)

        assertEquals(1000, ids.toSet().size)
        assertEquals(1000uL, device.app.countNotes())
        val page = device.app.listNotes(1000u, 0u)
        assertEquals(1000, page.size)
        assertEquals(texts.toSet(), page.map { it.text }.toSet())
        assertEquals(ids.toSet(), page.map { it.id }.toSet())
        // Newest first.
        assertTrue(page.zipWithNext().all { (a, b) -> a.createdAtMs >= b.createdAtMs })
        // Paging past the end returns the rest.
        assertEquals(5, device.app.listNotes(10u, 995u).size)
    }

    @Test
    fun aNoteKeepsItsTextExactly() {
        val device = enrolledDevice()
        device.activatedWorker()
        val text = "Tăng ca không lương — 加班没有工资 — \"quotes\" \\ back\nslash 🙂"

        val id = device.app.saveNote(text)

        val note = device.app.listNotes(1u, 0u).single()
        assertEquals(id, note.id)
        assertEquals(text, note.text)
        assertTrue(note.createdAtMs > 1_600_000_000_000, "createdAtMs ${note.createdAtMs}")
    }

    @Test
    fun eightThreadsSaveAndListNotesAtTheSameTime() {
        val device = enrolledDevice()
        device.activatedWorker()
        val threads = 8
        val perThread = 25
        val start = CyclicBarrier(threads)
        val pool = Executors.newFixedThreadPool(threads)
        try {
            val results = (0 until threads).map { thread ->
                pool.submit(Callable {
                    start.await(HARNESS_TIMEOUT.seconds, TimeUnit.SECONDS)
                    repeat(perThread) { i ->
                        device.app.saveNote("thread $thread note $i")
                        val page = device.app.listNotes(50u, 0u)
                        check(page.isNotEmpty())
                    }
                    device.app.countNotes()
                })
            }
            results.forEach { it.get(HARNESS_TIMEOUT.seconds, TimeUnit.SECONDS) }
        } finally {
            pool.shutdownNow()
        }

        assertEquals((threads * perThread).toULong(), device.app.countNotes())
        val all = device.app.listNotes(1000u, 0u).map { it.text }.toSet()
        assertEquals(threads * perThread, all.size)
        assertTrue("thread 7 note 24" in all)
    }
}
