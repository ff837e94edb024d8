package org.workervoice.app.tests

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.runDesktopComposeUiTest
import java.awt.Color
import java.awt.image.BufferedImage
import java.io.File
import java.nio.file.Files
import javax.imageio.ImageIO
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.Test
import org.workervoice.app.Screen
import org.workervoice.app.WorkerVoiceUi
import org.workervoice.app.training.TrainingView
import org.workervoice.testing.RosterWorker
import org.workervoice.testing.TestHub

/**
 * Training tapped through the real UI against a real hub: the module comes
 * down with the content sync, a lesson shows its picture and its recording,
 * finishing it earns points; the quiz (true or false, one choice, several,
 * an order) is graded by the core, passing earns a badge, points, a level
 * and a certificate signed by the programme; the leaderboard is opt-in and
 * shows nothing with fewer than five taking part.
 */
@OptIn(ExperimentalTestApi::class)
class TrainingUiTest : AppUiTest() {
    @Test
    fun aWorkerInVietnameseTakesALessonAndAQuizAndEarnsABadgeAndACertificate() = training("vi")

    @Test
    fun aWorkerInChineseTakesALessonAndAQuizAndEarnsABadgeAndACertificate() = training("zh-CN")

    @Test
    fun aWorkerInEnglishTakesALessonAndAQuizAndEarnsABadgeAndACertificate() = training("en")

    private fun training(language: String) {
        publishModuleOnce(hub)
        val (factory, _, _) = grievanceProgramme(hub)
        val code = hub.admin.issueCodes(factory.id, "personal", 1).single().code
        val number = "T${language.filter(Char::isLetter).uppercase()}${System.nanoTime() % 100000}"
        val activation = hub.admin.importRoster(factory.id, listOf(RosterWorker(number, "Hoa", language))).getValue(number)
        val model = newInstallation(language, hub.admin.programmeKey())

        runDesktopComposeUiTest(SCREEN_WIDTH, SCREEN_HEIGHT) {
            setContent { WorkerVoiceUi(model) }
            awaitTag("enrol-code").performTextInput(code)
            tap("enrol-submit")
            tap("language-$language")
            activate(model, number, activation)

            tap("home-training")
            awaitTag("module-$MODULE")
            awaitTag("training-progress")
            screenshot(language, "t1-training")
            tap("module-$MODULE")
            awaitTag("lesson-exits")
            screenshot(language, "t2-module")

            // A lesson with its picture (decoded by the platform) and its recording.
            tap("lesson-exits")
            awaitTag("lesson-text")
            assertTrue(shows("lesson-media-$pictureSha"), "the lesson's picture shows")
            assertTrue(shows("lesson-media-$voiceSha"), "the lesson's recording can be played")
            screenshot(language, "t3-lesson")
            tap("lesson-complete")
            awaitTag("training-outcome")
            screenshot(language, "t4-lesson-done")
            assertEquals(10uL, model.core.trainingProgress().points)
            tap("lesson-continue")

            // The quiz: every kind of question; the core grades it.
            tap("training-take-quiz")
            awaitTag("quiz-lift")
            tap("quiz-lift-false")
            tap("quiz-exit-stairs")
            tap("quiz-bring-phone")
            tap("quiz-bring-badge")
            // The order shown is "walk", "alarm"; the right one is alarm first.
            tap("quiz-order-alarm-up")
            screenshot(language, "t5-quiz")
            tap("quiz-submit")
            awaitTag("quiz-passed")
            awaitTag("new-badge-fire-safe")
            screenshot(language, "t6-quiz-passed")
            val progress = model.core.trainingProgress()
            assertEquals(listOf("fire-safe"), progress.badges)
            assertEquals(10uL + 4u * 5u + 20u, progress.points, "lesson, four right answers, the pass")
            tap("quiz-continue")
            tap("back")

            // Progress, badge and certificate on the overview.
            awaitTag("badge-fire-safe")
            waitUntil(timeoutMillis = UI_WAIT_MS) { shows("certificate-$MODULE") }
            assertTrue(textOf("training-points").contains("50"), textOf("training-points"))
            screenshot(language, "t7-training-progress")

            // The leaderboard: opt-in, nothing shown with fewer than five.
            tap("training-leaderboard")
            awaitTag("leaderboard-join")
            tap("leaderboard-join")
            awaitTag("leaderboard-you")
            assertTrue((model.screen as Screen.Training).state.ui.leaderboard?.suppressed == true)
            screenshot(language, "t8-leaderboard")
            tap("back")
            assertTrue((model.screen as Screen.Training).state.ui.view == TrainingView.Overview)
        }
    }

    companion object {
        const val MODULE = "app-fire-safety"
        private var published: TestHub? = null
        private var pictureSha = ""
        private var voiceSha = ""

        private fun sha256(bytes: ByteArray): String =
            java.security.MessageDigest.getInstance("SHA-256").digest(bytes).joinToString("") { "%02x".format(it) }

        /** The module, published once on the shared hub: a real PNG picture and a recording. */
        @Synchronized
        fun publishModuleOnce(hub: TestHub) {
            if (published === hub) return
            val folder = Files.createTempDirectory("module-pack").toFile()
            val image = BufferedImage(320, 160, BufferedImage.TYPE_INT_RGB)
            image.createGraphics().apply {
                color = Color(0x1B, 0x5E, 0x50); fillRect(0, 0, 320, 160)
                color = Color.WHITE; fillRect(40, 30, 60, 100); fillRect(220, 30, 60, 100)
                dispose()
            }
            val picture = File(folder, "exits.png")
            ImageIO.write(image, "png", picture)
            val voice = File(folder, "exits.ogg").apply { writeBytes(ByteArray(3_000) { (it * 11 % 251).toByte() }) }
            pictureSha = sha256(picture.readBytes())
            voiceSha = sha256(voice.readBytes())
            File(folder, "pack.json").writeText(PACK)
            hub.publishPack(folder)
            folder.deleteRecursively()
            published = hub
        }

        private val PACK = """
            {"kind": "training_module", "id": "$MODULE", "languages": ["en", "vi", "zh-CN"],
             "titles": {"en": "Fire safety", "vi": "An toàn cháy nổ", "zh-CN": "消防安全"},
             "document": {
               "lessons": [{"id": "exits", "title": {"en": "Exits", "vi": "Lối thoát", "zh-CN": "出口"},
                            "text": {"en": "Know two ways out of your workshop. Never use the lift in a fire.",
                                     "vi": "Biết hai lối thoát khỏi xưởng. Không bao giờ dùng thang máy khi cháy.",
                                     "zh-CN": "了解车间的两条出路。火灾时切勿使用电梯。"},
                            "media": ["file:exits.png", "file:exits.ogg"]}],
               "quiz": {"pass_mark_percent": 75, "questions": [
                 {"id": "lift", "prompt": {"en": "Lifts are safe in a fire.", "vi": "Thang máy an toàn khi cháy.", "zh-CN": "火灾时电梯是安全的。"},
                  "answer": {"type": "true_false", "correct": false}},
                 {"id": "exit", "prompt": {"en": "Which way out?", "vi": "Lối nào?", "zh-CN": "走哪条路？"},
                  "answer": {"type": "single_choice", "correct": "stairs",
                    "options": [{"id": "stairs", "text": {"en": "Stairs", "vi": "Cầu thang bộ", "zh-CN": "楼梯"}},
                                {"id": "lift", "text": {"en": "Lift", "vi": "Thang máy", "zh-CN": "电梯"}}]}},
                 {"id": "bring", "prompt": {"en": "What do you take?", "vi": "Bạn mang theo gì?", "zh-CN": "你带什么？"},
                  "answer": {"type": "multiple_choice", "correct": ["phone", "badge"],
                    "options": [{"id": "phone", "text": {"en": "Your phone", "vi": "Điện thoại", "zh-CN": "手机"}},
                                {"id": "badge", "text": {"en": "Your badge", "vi": "Thẻ công nhân", "zh-CN": "工牌"}},
                                {"id": "bag", "text": {"en": "Your bag", "vi": "Túi xách", "zh-CN": "包"}}]}},
                 {"id": "order", "prompt": {"en": "Put in order", "vi": "Sắp xếp theo thứ tự", "zh-CN": "排列顺序"},
                  "answer": {"type": "ordering", "correct_order": ["alarm", "walk"],
                    "items": [{"id": "walk", "text": {"en": "Walk out", "vi": "Đi ra ngoài", "zh-CN": "走出去"}},
                              {"id": "alarm", "text": {"en": "Raise the alarm", "vi": "Báo động", "zh-CN": "报警"}}]}}]},
               "points": {"lesson": 10, "correct_answer": 5, "passing": 20},
               "badges": [{"id": "fire-safe", "title": {"en": "Fire safe", "vi": "An toàn cháy nổ", "zh-CN": "消防达人"},
                           "rule": {"type": "module_passed"}}]}}
        """.trimIndent()
    }
}
