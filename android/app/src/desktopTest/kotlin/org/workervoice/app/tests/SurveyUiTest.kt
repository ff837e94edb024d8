package org.workervoice.app.tests

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.runDesktopComposeUiTest
import java.io.File
import java.nio.file.Files
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.Test
import org.workervoice.app.Screen
import org.workervoice.app.WorkerVoiceUi
import org.workervoice.app.surveys.SurveyDraft
import org.workervoice.app.surveys.surveyDraftName
import org.workervoice.model.OpenSurveyState
import org.workervoice.model.SurveyAnswerInput
import org.workervoice.testing.RosterWorker
import org.workervoice.testing.TestHub

/**
 * A survey tapped through the real UI against a real hub: the list, every
 * question type the core has, skip logic (follow-up questions appear as
 * answers change, by the core's rules), save and finish later, resume with
 * the answers back, the core's problems beside their questions, and send.
 * The answers report retaliation, which opens a case by the survey's rule:
 * its receipt (case number and secret) shows once, like a report's, before
 * the thanks.
 */
@OptIn(ExperimentalTestApi::class)
class SurveyUiTest : AppUiTest() {
    @Test
    fun aWorkerInVietnameseAnswersASurveyWithSkipLogicSavesResumesSendsAndIsShownTheReceiptOfTheCaseItOpened() = survey("vi")

    @Test
    fun aWorkerInChineseAnswersASurveyWithSkipLogicSavesResumesSendsAndIsShownTheReceiptOfTheCaseItOpened() = survey("zh-CN")

    @Test
    fun aWorkerInEnglishAnswersASurveyWithSkipLogicSavesResumesSendsAndIsShownTheReceiptOfTheCaseItOpened() = survey("en")

    private fun survey(language: String) {
        publishSurveyOnce(hub)
        val (factory, _, _) = grievanceProgramme(hub)
        val code = hub.admin.issueCodes(factory.id, "personal", 1).single().code
        val number = "S${language.filter(Char::isLetter).uppercase()}${System.nanoTime() % 100000}"
        val activation = hub.admin.importRoster(factory.id, listOf(RosterWorker(number, "Mai", language))).getValue(number)
        val model = newInstallation(language, hub.admin.programmeKey())

        runDesktopComposeUiTest(SCREEN_WIDTH, SCREEN_HEIGHT) {
            setContent { WorkerVoiceUi(model) }
            awaitTag("enrol-code").performTextInput(code)
            tap("enrol-submit")
            tap("language-$language")
            activate(model, number, activation)

            // The list: content fetched, the survey open to answer.
            tap("home-surveys")
            awaitTag("survey-$SURVEY")
            screenshot(language, "s1-surveys")
            tap("survey-$SURVEY")

            // The questions the core shows before any answer.
            awaitTag("question-interviewed")
            assertTrue(!shows("question-punished"), "a follow-up is hidden until its condition holds")
            screenshot(language, "s2-survey")

            // Skip logic: each answer brings the core's next follow-up.
            tap("answer-interviewed-yes")
            awaitTag("question-punished")
            tap("answer-punished-yes")
            awaitTag("question-how")
            tap("answer-how-threat")
            awaitTag("question-who")
            tap("answer-who-supervisor")
            screenshot(language, "s3-skip-logic")

            // Save and finish later: the answers are the worker's sealed draft.
            tap("survey-save")
            awaitTag("survey-$SURVEY")
            val saved = model.core.loadDraft(surveyDraftName(SURVEY))?.let(SurveyDraft::decode)
            assertEquals(SurveyAnswerInput.Choices(listOf("threat")), saved?.answers?.get("how"))
            screenshot(language, "s4-surveys-in-progress")

            // Resume: the answers come back, and the follow-ups with them.
            tap("survey-$SURVEY")
            awaitTag("question-who")
            // Sending with a required question unanswered: the core's problem shows beside it.
            tap("survey-submit")
            awaitTag("problem-safe")
            screenshot(language, "s5-survey-problems")

            // Every other type: rating, number, text, then the date the text brings.
            tap("answer-safe-2")
            awaitTag("answer-hours").performTextInput("48")
            awaitTag("answer-comment").performTextInput("OK")
            awaitTag("question-when")
            awaitTag("answer-when").performTextInput("2026-03-31")
            waitUntil(timeoutMillis = UI_WAIT_MS) { (model.screen as? Screen.Survey)?.state?.ui?.check?.problems?.isEmpty() == true }
            screenshot(language, "s6-survey-all-types")
            tap("survey-submit")

            // "Punished: yes" opened a case: its receipt shows, once, before the thanks.
            val caseNumber = textOf("receipt-case")
            val secret = textOf("receipt-secret")
            val receipt = (model.screen as? Screen.Receipt)?.outcome?.receipt
            assertEquals(receipt?.caseId, caseNumber, "the screen shows the case number the core filed")
            assertEquals(receipt?.secret, secret, "the screen shows the secret of the case the core filed")
            assertTrue(caseNumber.length == 11 && caseNumber[5] == '-', "case number on screen: $caseNumber")
            assertTrue(secret.filter(Char::isDigit).length >= 20, "secret on screen: $secret")
            awaitTag("receipt-from-survey")
            screenshot(language, "s7-survey-receipt")
            tap("receipt-continue")
            assertTrue(model.screen is Screen.Receipt, "Continue works only after \"I have written it down\"")
            tap("receipt-written")
            tap("receipt-continue")
            awaitTag("survey-thanks")
            // The thanks say plainly that the answers are anonymous and what happens next, in the worker's language.
            assertEquals(listOf(model.strings["survey-thanks"]), textsOf("survey-thanks"))
            assertEquals(listOf(model.strings["survey-thanks-next"]), textsOf("survey-thanks-next"))
            assertTrue("5" in textOf("survey-thanks-next"), textOf("survey-thanks-next"))
            assertTrue(!shows("receipt-case"), "the receipt is shown once")
            screenshot(language, "s7b-survey-thanks")
            assertTrue(model.core.loadDraft(surveyDraftName(SURVEY)) == null, "nothing of the answers stays as a draft")
            tap("survey-done")
            awaitTag("survey-$SURVEY")
            waitUntil(timeoutMillis = UI_WAIT_MS) {
                (model.screen as? Screen.Surveys)?.state?.ui?.surveys?.singleOrNull { it.id == SURVEY }?.state == OpenSurveyState.ANSWERED
            }
            screenshot(language, "s8-surveys-answered")
        }
    }

    companion object {
        const val SURVEY = "app-check-in"
        private var published: TestHub? = null

        /** The survey, published once on the shared hub (with an analyst to read it). */
        @Synchronized
        fun publishSurveyOnce(hub: TestHub) {
            if (published === hub) return
            val folder = Files.createTempDirectory("survey-pack").toFile()
            File(folder, "question.ogg").writeBytes(ByteArray(4_000) { (it * 7 % 251).toByte() })
            File(folder, "pack.json").writeText(PACK)
            hub.admin.createAnalyst("analyst password 1")
            hub.publishPack(folder)
            folder.deleteRecursively()
            published = hub
        }

        private val PACK = """
            {"kind": "survey", "id": "$SURVEY", "languages": ["en", "vi", "zh-CN"],
             "titles": {"en": "After the audit", "vi": "Sau cuộc kiểm toán", "zh-CN": "审核之后"},
             "document": {
               "languages": ["en", "vi", "zh-CN"],
               "title": {"en": "After the audit", "vi": "Sau cuộc kiểm toán", "zh-CN": "审核之后"},
               "questions": [
                 {"id": "interviewed", "type": "yes_no", "required": true, "audio": "file:question.ogg",
                  "label": {"en": "Did the auditor talk to you?", "vi": "Kiểm toán viên có nói chuyện với bạn không?", "zh-CN": "审核员和你谈过话吗？"}},
                 {"id": "punished", "type": "yes_no", "required": true,
                  "show_if": {"equals": {"question": "interviewed", "value": true}},
                  "label": {"en": "Were you punished for it?", "vi": "Bạn có bị phạt vì điều đó không?", "zh-CN": "你因此受到惩罚了吗？"}},
                 {"id": "how", "type": "multiple_choice", "min_selected": 1, "max_selected": 2,
                  "show_if": {"equals": {"question": "punished", "value": true}},
                  "label": {"en": "How?", "vi": "Như thế nào?", "zh-CN": "怎么样？"},
                  "options": [{"id": "pay", "label": {"en": "Pay cut", "vi": "Bị trừ lương", "zh-CN": "扣工资"}},
                              {"id": "shift", "label": {"en": "Worse shifts", "vi": "Ca làm tệ hơn", "zh-CN": "更差的班次"}},
                              {"id": "threat", "label": {"en": "Threats", "vi": "Bị đe dọa", "zh-CN": "威胁"}}]},
                 {"id": "who", "type": "single_choice", "show_if": {"any_of": {"question": "how", "options": ["threat"]}},
                  "label": {"en": "Who?", "vi": "Ai?", "zh-CN": "谁？"},
                  "options": [{"id": "supervisor", "label": {"en": "Supervisor", "vi": "Tổ trưởng", "zh-CN": "主管"}},
                              {"id": "manager", "label": {"en": "Manager", "vi": "Quản lý", "zh-CN": "经理"}}]},
                 {"id": "safe", "type": "rating", "min": 1, "max": 5, "required": true,
                  "label": {"en": "How safe do you feel?", "vi": "Bạn cảm thấy an toàn đến mức nào?", "zh-CN": "你觉得有多安全？"}},
                 {"id": "hours", "type": "number", "min": 0, "max": 100, "integer": true,
                  "label": {"en": "Hours worked last week", "vi": "Số giờ làm tuần trước", "zh-CN": "上周工作小时数"}},
                 {"id": "comment", "type": "text", "max_length": 200, "label": {"en": "Anything else?", "vi": "Còn điều gì khác không?", "zh-CN": "还有什么？"}},
                 {"id": "when", "type": "date", "min": "2026-01-01", "max": "2026-12-31",
                  "show_if": {"answered": {"question": "comment"}}, "label": {"en": "Since when?", "vi": "Từ khi nào?", "zh-CN": "从什么时候开始？"}}
               ],
               "opens_case": {"when": {"equals": {"question": "punished", "value": true}}, "category_id": "retaliation"}}}
        """.trimIndent()
    }
}
