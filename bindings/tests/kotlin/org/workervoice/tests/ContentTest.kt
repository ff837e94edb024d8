package org.workervoice.tests

import java.io.File
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Test
import org.workervoice.WorkerVoiceException
import org.workervoice.WorkerVoiceListener
import org.workervoice.model.DeviceMode
import org.workervoice.model.ErrorCode
import org.workervoice.model.Event
import org.workervoice.model.QuizAnswer
import org.workervoice.testing.TestHub
import org.workervoice.testing.WorkerVoiceTest
import org.workervoice.testing.assertWorkerVoiceError

/** Training content from Kotlin: a signed pack downloaded with progress events, then opened verified. */
class ContentTest : WorkerVoiceTest() {
    private val ownHub = TestHub.start()

    @After
    fun stopHub() = ownHub.close()

    private fun writePack(folder: File, picture: ByteArray) {
        File(folder, "exit.png").writeBytes(picture)
        File(folder, "pack.json").writeText(
            """
            {"kind": "training_module", "id": "fire-safety", "languages": ["en", "vi"],
             "titles": {"en": "Fire safety", "vi": "An toàn cháy nổ"},
             "document": {
               "lessons": [{"id": "exits", "title": {"en": "Exits"}, "text": {"en": "Know two ways out."},
                            "media": ["file:exit.png"]}],
               "quiz": {"pass_mark_percent": 80, "questions": [
                 {"id": "q1", "prompt": {"en": "Lifts are safe in a fire."},
                  "answer": {"type": "true_false", "correct": false}}]}}}
            """.trimIndent(),
        )
    }

    @Test
    fun aPackDownloadsWithProgressEventsAndOpensVerified() = runBlocking {
        val picture = ByteArray(900_000) { (it * 31 % 251).toByte() }
        val folder = newDataDir()
        writePack(folder, picture)
        ownHub.publishPack(folder)

        val factory = ownHub.admin.createFactory("Content factory", false)
        val app = openApp(defaultHubUrl = ownHub.url, programmeKey = ownHub.admin.programmeKey())
        app.enrol(ownHub.admin.issueCodes(factory.id, "personal", 1).single().code, DeviceMode.PERSONAL)
        val events = CopyOnWriteArrayList<Event>()
        app.setListener(object : WorkerVoiceListener {
            override fun onEvent(event: Event) {
                events += event
            }
        })

        val report = app.syncContent()
        assertTrue(report.catalogChanged)
        assertEquals(2u, report.blobsDownloaded, "the document and the picture: $report")
        assertTrue(report.refused.isEmpty())
        val progress = events.filterIsInstance<Event.ContentProgress>()
        assertTrue(progress.size >= 2, "progress events: $progress")
        assertTrue(progress.zipWithNext().all { (a, b) -> a.doneBytes <= b.doneBytes }, "never backwards")
        assertEquals(progress.last().totalBytes, progress.last().doneBytes)
        assertTrue(events.any { it is Event.ContentUpdated })

        val entry = app.contentCatalog().single()
        assertEquals("Fire safety", entry.title)
        assertTrue(entry.complete)
        val module = app.loadTrainingModule("fire-safety")
        assertEquals("An toàn cháy nổ", module.title["vi"])
        assertEquals(QuizAnswer.TrueFalse(correct = false), module.questions.single().answer)
        assertContentEquals(picture, File(app.mediaPath(module.lessons.single().media.single())).readBytes())

        assertFalse(app.syncContent().catalogChanged, "nothing new")
        val missing = assertWorkerVoiceError<WorkerVoiceException.Device> { app.loadTrainingModule("no-such-module") }
        assertEquals(ErrorCode.CONTENT_NOT_DOWNLOADED, missing.code)
    }
}
