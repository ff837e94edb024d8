package org.workervoice.tests

import java.io.File
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Test
import org.workervoice.WorkerVoiceException
import org.workervoice.WorkerVoiceListener
import org.workervoice.model.DeviceMode
import org.workervoice.model.ErrorCode
import org.workervoice.model.Event
import org.workervoice.model.QuizAnswerInput
import org.workervoice.model.QuizKind
import org.workervoice.model.QuizResponse
import org.workervoice.testing.PIN
import org.workervoice.testing.RosterWorker
import org.workervoice.testing.TestHub
import org.workervoice.testing.WorkerVoiceTest
import org.workervoice.testing.assertWorkerVoiceError

/** Training from Kotlin: download a pack with progress events, take a lesson and a quiz, earn a badge. */
class TrainingTest : WorkerVoiceTest() {
    private val ownHub = TestHub.start()

    @After
    fun stopHub() = ownHub.close()

    private fun writePack(folder: File) {
        File(folder, "exit.png").writeBytes(ByteArray(600_000) { (it * 7 % 253).toByte() })
        File(folder, "pack.json").writeText(
            """
            {"kind": "training_module", "id": "fire-safety", "languages": ["en", "vi"],
             "titles": {"en": "Fire safety", "vi": "An toàn cháy nổ"},
             "document": {
               "lessons": [{"id": "exits", "title": {"en": "Exits", "vi": "Lối thoát"},
                            "text": {"en": "Know two ways out.", "vi": "Biết hai lối thoát."},
                            "media": ["file:exit.png"]}],
               "quiz": {"pass_mark_percent": 100, "questions": [
                 {"id": "q1", "prompt": {"en": "Lifts are safe in a fire."},
                  "answer": {"type": "true_false", "correct": false}},
                 {"id": "q2", "prompt": {"en": "Which exit?"}, "answer": {"type": "single_choice",
                    "options": [{"id": "a", "text": {"en": "Stairs"}}, {"id": "b", "text": {"en": "Lift"}}],
                    "correct": "a"}}]},
               "points": {"lesson": 10, "correct_answer": 5, "passing": 20},
               "badges": [{"id": "fire-safe", "title": {"en": "Fire safe", "vi": "An toàn"},
                           "rule": {"type": "module_passed"}}]}}
            """.trimIndent(),
        )
    }

    private fun sha256(bytes: ByteArray): String =
        java.security.MessageDigest.getInstance("SHA-256").digest(bytes).joinToString("") { "%02x".format(it) }

    @Test
    fun lessonTextAndMediaFallBackFromTheWorkersLanguageToTheModulesThenToAny() = runBlocking {
        val folder = newDataDir()
        val picture = ByteArray(1_000) { 1 }
        val voiceVi = ByteArray(2_000) { 2 }
        val voiceEn = ByteArray(2_000) { 3 }
        val voiceZh = ByteArray(2_000) { 4 }
        File(folder, "exit.png").writeBytes(picture)
        File(folder, "vi.mp3").writeBytes(voiceVi)
        File(folder, "en.mp3").writeBytes(voiceEn)
        File(folder, "zh.mp3").writeBytes(voiceZh)
        File(folder, "pack.json").writeText(
            """
            {"kind": "training_module", "id": "fire-safety", "languages": ["en", "vi"],
             "titles": {"en": "Fire safety", "vi": "An toàn cháy nổ"},
             "document": {
               "lessons": [
                 {"id": "exits", "title": {"en": "Exits", "vi": "Lối thoát"},
                  "text": {"en": "Know two ways out.", "vi": "Biết hai lối thoát."},
                  "media": ["file:exit.png"],
                  "media_by_language": {"vi": ["file:vi.mp3"], "en": ["file:en.mp3"]}},
                 {"id": "alarm", "title": {"en": "Alarm"}, "text": {"en": "Walk, do not run."},
                  "media_by_language": {"zh-CN": ["file:zh.mp3"]}}],
               "quiz": {"pass_mark_percent": 100, "questions": [
                 {"id": "q1", "prompt": {"en": "Lifts are safe in a fire.", "vi": "Thang máy an toàn khi cháy."},
                  "media_by_language": {"en": ["file:en.mp3"]},
                  "answer": {"type": "true_false", "correct": false}}]}}}
            """.trimIndent(),
        )
        ownHub.publishPack(folder)
        val factory = ownHub.admin.createFactory("Language factory", false)
        val app = openApp(languages = listOf("vi"), defaultHubUrl = ownHub.url, programmeKey = ownHub.admin.programmeKey())
        app.enrol(ownHub.admin.issueCodes(factory.id, "personal", 1).single().code, DeviceMode.PERSONAL)
        val activation = ownHub.admin.importRoster(factory.id, listOf(RosterWorker("TR3", "Hoa", "vi"))).getValue("TR3")
        app.activate("TR3", activation, PIN)
        app.syncContent()

        val module = app.localizedTrainingModule("fire-safety")
        assertEquals("An toàn cháy nổ", module.title)
        val exits = module.lessons[0]
        assertEquals("Biết hai lối thoát.", exits.text)
        assertEquals(listOf(sha256(voiceVi), sha256(picture)), exits.media, "the worker's narration, then the picture")
        val alarm = module.lessons[1]
        assertEquals("Walk, do not run.", alarm.text, "no Vietnamese text: the module's default, English")
        assertEquals(listOf(sha256(voiceZh)), alarm.media, "no vi or en media: any language")
        val question = module.questions.single()
        assertEquals("Thang máy an toàn khi cháy.", question.prompt)
        assertEquals(QuizKind.TRUE_FALSE, question.kind)
        assertEquals(listOf(sha256(voiceEn)), question.media, "no Vietnamese audio: the default's")
        assertTrue(File(app.mediaPath(exits.media.first())).readBytes().contentEquals(voiceVi))
    }

    @Test
    fun aHalfDoneQuizAndTheLessonPlaceComeBackAfterTheWorkerSignsInAgain() = runBlocking {
        val folder = newDataDir()
        writePack(folder)
        ownHub.publishPack(folder)
        val factory = ownHub.admin.createFactory("Resume factory", false)
        val app = openApp(languages = listOf("vi"), defaultHubUrl = ownHub.url, programmeKey = ownHub.admin.programmeKey())
        app.enrol(ownHub.admin.issueCodes(factory.id, "personal", 1).single().code, DeviceMode.PERSONAL)
        val activation = ownHub.admin.importRoster(factory.id, listOf(RosterWorker("TR2", "Minh", "vi"))).getValue("TR2")
        app.activate("TR2", activation, PIN)
        app.syncContent()

        val first = listOf(QuizAnswerInput("q1", QuizResponse.TrueFalse(false)))
        app.saveQuizAnswers("fire-safety", first)
        app.saveLessonPosition("fire-safety", "exits", 2u)
        val stray = assertWorkerVoiceError<WorkerVoiceException.Input> {
            app.saveQuizAnswers("fire-safety", listOf(QuizAnswerInput("q9", QuizResponse.TrueFalse(true))))
        }
        assertEquals(ErrorCode.INVALID_INPUT, stray.code)
        app.lock()
        app.login("TR2", PIN)

        assertEquals(first, app.quizInProgress("fire-safety"))
        assertEquals(2u, app.lessonPosition("fire-safety", "exits"))
        val quiz = app.submitQuiz("fire-safety", first + QuizAnswerInput("q2", QuizResponse.Choice("a")))
        assertTrue(quiz.passed)
        assertTrue(app.quizInProgress("fire-safety").isEmpty(), "submitting clears the saved answers")
        app.completeLesson("fire-safety", "exits")
        assertEquals(null, app.lessonPosition("fire-safety", "exits"))
    }

    @Test
    fun aWorkerTakesALessonAndAQuizAndEarnsABadgeThatSurvivesTheSync() = runBlocking {
        val folder = newDataDir()
        writePack(folder)
        ownHub.publishPack(folder)
        val factory = ownHub.admin.createFactory("Training factory", false)
        val app = openApp(languages = listOf("vi"), defaultHubUrl = ownHub.url, programmeKey = ownHub.admin.programmeKey())
        app.enrol(ownHub.admin.issueCodes(factory.id, "personal", 1).single().code, DeviceMode.PERSONAL)
        val activation = ownHub.admin.importRoster(factory.id, listOf(RosterWorker("TR1", "Lan", "vi"))).getValue("TR1")
        app.activate("TR1", activation, PIN)
        val events = CopyOnWriteArrayList<Event>()
        app.setListener(object : WorkerVoiceListener {
            override fun onEvent(event: Event) {
                events += event
            }
        })

        app.syncContent()
        assertTrue(events.filterIsInstance<Event.ContentProgress>().isNotEmpty(), "download progress")
        val module = app.loadTrainingModule("fire-safety")
        assertEquals("An toàn", module.badges.single().title["vi"])

        val lesson = app.completeLesson("fire-safety", "exits")
        assertEquals(10u, lesson.pointsEarned)
        val incomplete = assertWorkerVoiceError<WorkerVoiceException.Input> {
            app.submitQuiz("fire-safety", listOf(QuizAnswerInput("q1", QuizResponse.TrueFalse(false))))
        }
        assertEquals(ErrorCode.INVALID_INPUT, incomplete.code)
        val quiz = app.submitQuiz(
            "fire-safety",
            listOf(
                QuizAnswerInput("q1", QuizResponse.TrueFalse(false)),
                QuizAnswerInput("q2", QuizResponse.Choice("a")),
            ),
        )
        assertTrue(quiz.passed)
        assertEquals(2u, quiz.correct)
        assertEquals(listOf("fire-safe"), quiz.newBadges)
        assertEquals(40uL, quiz.progress.points)

        val report = app.syncNow(true)
        assertEquals(0u, report.pending)
        assertTrue(report.progressEvents >= 2u, "$report")
        val after = app.trainingProgress()
        assertEquals(40uL, after.points, "a sync never lowers points")
        assertEquals(listOf("fire-safe"), after.badges)
        assertEquals(1u, after.lessonsCompleted)

        val certificate = app.certificates().single()
        assertEquals("fire-safety", certificate.moduleId)
        assertEquals("Lan", app.verifyCertificate(certificate.body, certificate.signature).workerName)
        val forged = assertWorkerVoiceError<WorkerVoiceException.Refused> {
            app.verifyCertificate(certificate.body.copyOf().also { it[it.size / 2] = (it[it.size / 2] + 1).toByte() }, certificate.signature)
        }
        assertEquals(ErrorCode.CONTENT_UNVERIFIED, forged.code)
        val board = app.leaderboard(true)
        assertTrue(board.optedIn && board.suppressed && board.entries.isEmpty(), "one of fewer than five: hidden")
    }
}
