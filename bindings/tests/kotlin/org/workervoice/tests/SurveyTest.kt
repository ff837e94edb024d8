package org.workervoice.tests

import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Test
import org.workervoice.WorkerVoiceException
import org.workervoice.model.DeviceMode
import org.workervoice.model.ErrorCode
import org.workervoice.model.OpenSurveyState
import org.workervoice.model.SurveyAnswerEntry
import org.workervoice.model.SurveyAnswerInput
import org.workervoice.model.SurveyQuestionKind
import org.workervoice.testing.PIN
import org.workervoice.testing.RosterWorker
import org.workervoice.testing.TestHub
import org.workervoice.testing.WorkerVoiceTest
import org.workervoice.testing.assertWorkerVoiceError
import org.workervoice.testing.looksChinese

/**
 * A survey with every question type, skip logic and three languages, answered through the bindings:
 * a missing translation falls back, invalid answers are refused with messages in the worker's language.
 */
class SurveyTest : WorkerVoiceTest() {
    private val ownHub = TestHub.start()

    @After
    fun stopHub() = ownHub.close()

    private fun writeSurvey(folder: File) {
        File(folder, "question.ogg").writeBytes(ByteArray(20_000) { (it * 13 % 251).toByte() })
        File(folder, "pack.json").writeText(
            """
            {"kind": "survey", "id": "post-audit", "languages": ["en", "vi", "zh-CN"],
             "titles": {"en": "After the audit", "vi": "Sau cuộc kiểm toán", "zh-CN": "审核之后"},
             "document": {
               "languages": ["en", "vi", "zh-CN"],
               "title": {"en": "After the audit", "vi": "Sau cuộc kiểm toán", "zh-CN": "审核之后"},
               "questions": [
                 {"id": "interviewed", "type": "yes_no", "required": true, "audio": "file:question.ogg",
                  "label": {"en": "Did the auditor talk to you?", "vi": "Kiểm toán viên có nói chuyện với bạn không?"}},
                 {"id": "punished", "type": "yes_no", "required": true,
                  "show_if": {"equals": {"question": "interviewed", "value": true}},
                  "label": {"en": "Were you punished for it?", "zh-CN": "你因此受到惩罚了吗？"}},
                 {"id": "how", "type": "multiple_choice", "min_selected": 1, "max_selected": 2,
                  "show_if": {"equals": {"question": "punished", "value": true}},
                  "label": {"en": "How?", "zh-CN": "怎么样？"},
                  "options": [{"id": "pay", "label": {"en": "Pay cut", "zh-CN": "扣工资"}},
                              {"id": "shift", "label": {"en": "Worse shifts", "zh-CN": "更差的班次"}},
                              {"id": "threat", "label": {"en": "Threats", "zh-CN": "威胁"}}]},
                 {"id": "who", "type": "single_choice", "show_if": {"any_of": {"question": "how", "options": ["threat"]}},
                  "label": {"en": "Who?", "zh-CN": "谁？"},
                  "options": [{"id": "supervisor", "label": {"en": "Supervisor", "zh-CN": "主管"}},
                              {"id": "manager", "label": {"en": "Manager", "zh-CN": "经理"}}]},
                 {"id": "safe", "type": "rating", "min": 1, "max": 5, "required": true,
                  "label": {"en": "How safe do you feel?", "zh-CN": "你觉得有多安全？"}},
                 {"id": "hours", "type": "number", "min": 0, "max": 100, "integer": true,
                  "label": {"en": "Hours worked last week", "zh-CN": "上周工作小时数"}},
                 {"id": "comment", "type": "text", "max_length": 20, "label": {"en": "Anything else?", "zh-CN": "还有什么？"}},
                 {"id": "when", "type": "date", "min": "2026-01-01", "max": "2026-12-31",
                  "show_if": {"answered": {"question": "comment"}}, "label": {"en": "Since when?", "zh-CN": "从什么时候开始？"}}
               ]}}
            """.trimIndent(),
        )
    }

    private fun answer(id: String, input: SurveyAnswerInput) = SurveyAnswerEntry(id, input)

    @Test
    fun aWorkerAnswersASurveyWithSkipLogicFallbacksAndLocalizedErrors() = runBlocking {
        val folder = newDataDir()
        writeSurvey(folder)
        ownHub.admin.createAnalyst("analyst password 1")
        ownHub.publishPack(folder)
        val factory = ownHub.admin.createFactory("Survey factory", false)
        val app = openApp(languages = listOf("zh-CN"), defaultHubUrl = ownHub.url, programmeKey = ownHub.admin.programmeKey())
        app.enrol(ownHub.admin.issueCodes(factory.id, "personal", 1).single().code, DeviceMode.PERSONAL)
        val activation = ownHub.admin.importRoster(factory.id, listOf(RosterWorker("SV1", "Wei", "zh-CN"))).getValue("SV1")
        app.activate("SV1", activation, PIN)
        app.syncContent()

        val survey = app.loadSurvey("post-audit")
        assertEquals("审核之后", survey.title)
        assertEquals(8, survey.questions.size)
        val interviewed = survey.questions.first { it.id == "interviewed" }
        assertEquals("Did the auditor talk to you?", interviewed.label, "no Chinese: the survey's first language")
        assertTrue(File(app.mediaPath(interviewed.audioSha256!!)).length() == 20_000L, "the audio prompt is on the device")
        assertEquals("你因此受到惩罚了吗？", survey.questions.first { it.id == "punished" }.label)
        val how = survey.questions.first { it.id == "how" }.kind as SurveyQuestionKind.MultipleChoice
        assertEquals(listOf("扣工资", "更差的班次", "威胁"), how.options.map { it.label })
        assertTrue(survey.questions.first { it.id == "safe" }.kind is SurveyQuestionKind.Rating)

        val empty = app.checkSurvey("post-audit", emptyList())
        assertEquals(listOf("interviewed", "safe", "hours", "comment"), empty.visible)
        assertEquals(setOf("interviewed", "safe"), empty.problems.map { it.questionId }.toSet())
        assertTrue(empty.problems.all { it.code == "required" && looksChinese(it.message) }, "${empty.problems}")

        val bad = app.checkSurvey(
            "post-audit",
            listOf(
                answer("interviewed", SurveyAnswerInput.YesNo(true)),
                answer("punished", SurveyAnswerInput.YesNo(true)),
                answer("how", SurveyAnswerInput.Choices(listOf("pay", "shift", "threat"))),
                answer("safe", SurveyAnswerInput.Rating(9)),
                answer("hours", SurveyAnswerInput.Number(7.5)),
                answer("comment", SurveyAnswerInput.Text("x".repeat(30))),
                answer("when", SurveyAnswerInput.Date("2026-02-30")),
            ),
        )
        assertTrue(bad.visible.containsAll(listOf("punished", "how", "who", "when")), "follow-ups shown: ${bad.visible}")
        val codes = bad.problems.associate { it.questionId to it.code }
        assertEquals(
            mapOf("how" to "too_many", "safe" to "out_of_range", "hours" to "not_whole", "comment" to "too_many", "when" to "bad_date"),
            codes,
        )
        val range = bad.problems.first { it.questionId == "safe" }.message
        assertTrue(looksChinese(range) && "1" in range && "5" in range, range)

        val good = app.checkSurvey(
            "post-audit",
            listOf(
                answer("interviewed", SurveyAnswerInput.YesNo(false)),
                answer("safe", SurveyAnswerInput.Rating(4)),
                answer("hours", SurveyAnswerInput.Number(48.0)),
            ),
        )
        assertTrue(good.problems.isEmpty(), "${good.problems}")
        assertFalse("punished" in good.visible)

        // Submitting: the worker's one token is fetched while online, the answers
        // go sealed and anonymous, and the survey cannot be answered twice.
        app.setSurveySendDelay(0u)
        val open = app.openSurveys()
        assertEquals(OpenSurveyState.READY, open.single { it.id == "post-audit" }.state)
        val answers = listOf(
            answer("interviewed", SurveyAnswerInput.YesNo(false)),
            answer("safe", SurveyAnswerInput.Rating(4)),
        )
        val submitted = app.submitSurvey("post-audit", answers)
        assertEquals(null, submitted.case, "no case rule in this survey")
        val twice = assertWorkerVoiceError<WorkerVoiceException.Refused> { app.submitSurvey("post-audit", answers) }
        assertEquals(ErrorCode.ALREADY_ANSWERED, twice.code)
        assertTrue(looksChinese(twice.localized), twice.localized)
        assertEquals(1u, app.syncNow(true).delivered)
        assertEquals(OpenSurveyState.ANSWERED, app.openSurveys().single { it.id == "post-audit" }.state)
    }
}
