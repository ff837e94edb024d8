import Foundation
import WorkerVoice

/// One survey: the core renders it in the worker's language (`loadSurvey`),
/// decides which questions show and what is wrong with an answer
/// (`checkSurvey`, after every answer), and seals and queues the response
/// (`submitSurvey`). Unfinished answers are the worker's draft in the core,
/// sealed under their key, so "save and finish later" resumes on this
/// device only for them.
@MainActor
final class SurveyState: ObservableObject {
    /// What a survey's screen shows.
    struct UI {
        var survey: SurveyView?
        var answers: [String: SurveyAnswerInput] = [:]
        /// What the fields hold as typed (numbers and dates before they parse).
        var typed: [String: String] = [:]
        /// The core's verdict on the answers so far: which questions show, and problems.
        var check: SurveyCheck?
        /// Problems show once the worker tried to send, not while they answer.
        var showProblems = false
        var busy = false
        var error: String?
        var submitted: SurveySubmitted?

        /// The questions shown now, in order (skip logic is the core's).
        var visible: [SurveyQuestionView] {
            guard let survey else { return [] }
            guard let ids = check?.visible else { return survey.questions }
            return survey.questions.filter { ids.contains($0.id) }
        }

        /// The problem the core found with `questionId`'s answer, when shown.
        func problem(_ questionId: String) -> String? {
            showProblems ? check?.problems.first { $0.questionId == questionId }?.message : nil
        }
    }

    @Published private(set) var ui = UI()
    let surveyId: String
    private let core: WorkerVoiceApp
    private let strings: Strings
    private let onLeave: () -> Void
    private var checking: Task<Void, Never>?
    private var saving: Task<Void, Never>?

    init(core: WorkerVoiceApp, strings: Strings, surveyId: String, onLeave: @escaping () -> Void) {
        self.core = core
        self.strings = strings
        self.surveyId = surveyId
        self.onLeave = onLeave
        load()
    }

    private func load() {
        let (core, id) = (self.core, surveyId)
        Task {
            do {
                let (survey, saved) = try await offMain { () throws -> (SurveyView, Data?) in
                    (try core.loadSurvey(id: id), try? core.loadDraft(name: surveyDraftName(id)))
                }
                let answers = saved.flatMap(SurveyDraft.decode)?.answers ?? [:]
                let entries = SurveyState.entries(answers, of: survey)
                let check = try await offMain { try core.checkSurvey(id: id, answers: entries) }
                ui.survey = survey
                ui.answers = answers
                ui.typed = answers.compactMapValues(SurveyState.typedText)
                ui.check = check
            } catch {
                ui.error = failureMessage(error, strings)
            }
        }
    }

    /// Sets (or, with nil, clears) the answer to `questionId`.
    func answer(_ questionId: String, _ answer: SurveyAnswerInput?) {
        ui.answers[questionId] = answer
        ui.error = nil
        changed()
    }

    /// Text typed in a field: kept as typed, and the answer is what it
    /// parses to (none while it does not).
    func typed(_ questionId: String, _ text: String, parse: (String) -> SurveyAnswerInput?) {
        ui.typed[questionId] = text
        answer(questionId, text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : parse(text))
    }

    private func changed() {
        let (core, id, answers) = (self.core, surveyId, ui.answers)
        let entries = SurveyState.entries(answers, of: ui.survey)
        checking?.cancel()
        checking = Task {
            if let check = try? await offMain({ try core.checkSurvey(id: id, answers: entries) }), !Task.isCancelled {
                ui.check = check
            }
        }
        saving?.cancel()
        saving = Task {
            do { try await Task.sleep(nanoseconds: saveDebounceNanoseconds) } catch { return }
            await save(answers)
        }
    }

    private func save(_ answers: [String: SurveyAnswerInput]) async {
        let (core, id) = (self.core, surveyId)
        let bytes = SurveyDraft(answers: answers).encode()
        _ = try? await offMain { try core.saveDraft(name: surveyDraftName(id), content: bytes) }
    }

    /// "Save and finish later": the answers stay in the worker's draft.
    func saveAndLeave() {
        saving?.cancel()
        let answers = ui.answers
        Task {
            await save(answers)
            onLeave()
        }
    }

    /// Sends the answers, or shows the core's problems beside their questions.
    func submit() {
        guard !ui.busy else { return }
        let (core, id, answers, survey) = (self.core, surveyId, ui.answers, ui.survey)
        ui.busy = true
        ui.error = nil
        Task {
            do {
                let check = try await offMain { try core.checkSurvey(id: id, answers: SurveyState.entries(answers, of: survey)) }
                if !check.problems.isEmpty {
                    ui.check = check
                    ui.showProblems = true
                    ui.busy = false
                    return
                }
                // Only what is shown is sent: answers to questions skip logic hid are dropped.
                let shown = answers.filter { check.visible.contains($0.key) }
                let submitted = try await offMain { try core.submitSurvey(id: id, answers: SurveyState.entries(shown, of: survey)) }
                saving?.cancel()
                _ = try? await offMain { try core.deleteDraft(name: surveyDraftName(id)) }
                ui = UI(survey: survey, submitted: submitted)
            } catch {
                ui.busy = false
                ui.error = failureMessage(error, strings)
            }
        }
    }

    /// Back: the answers so far are kept, as with "save and finish later".
    func back() {
        if ui.submitted != nil { onLeave() } else { saveAndLeave() }
    }

    /// The answers in the survey's question order.
    private nonisolated static func entries(_ answers: [String: SurveyAnswerInput], of survey: SurveyView?) -> [SurveyAnswerEntry] {
        guard let survey else {
            return answers.sorted { $0.key < $1.key }.map { SurveyAnswerEntry(questionId: $0.key, answer: $0.value) }
        }
        return survey.questions.compactMap { q in answers[q.id].map { SurveyAnswerEntry(questionId: q.id, answer: $0) } }
    }

    /// What a field shows for a saved answer (numbers, texts and dates).
    private nonisolated static func typedText(_ answer: SurveyAnswerInput) -> String? {
        switch answer {
        case let .number(value): return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case let .text(value), let .date(value): return value
        default: return nil
        }
    }
}

/// How long answering pauses before the draft is saved (0.4 s).
private let saveDebounceNanoseconds: UInt64 = 400_000_000

/// A survey's unfinished answers, as the core keeps them (opaque bytes to
/// it): a version line, then one line per answer, `kind id value…` with
/// every part form-encoded — the same format as Android's `SurveyDraft`.
struct SurveyDraft {
    var answers: [String: SurveyAnswerInput]

    private static let version = "survey-draft/1"

    func encode() -> Data {
        let lines = [SurveyDraft.version] + answers.sorted { $0.key < $1.key }.map { id, answer in SurveyDraft.line(id, answer) }
        return Data(lines.joined(separator: "\n").utf8)
    }

    private static func line(_ id: String, _ answer: SurveyAnswerInput) -> String {
        let parts: (kind: String, values: [String])
        switch answer {
        case let .choice(optionId): parts = ("choice", [optionId])
        case let .choices(optionIds): parts = ("choices", optionIds)
        case let .rating(value): parts = ("rating", [String(value)])
        case let .number(value): parts = ("number", [String(value)])
        case let .text(value): parts = ("text", [value])
        case let .yesNo(value): parts = ("yes_no", [value ? "true" : "false"])
        case let .date(value): parts = ("date", [value])
        }
        return ([parts.kind, id] + parts.values).map(formEncode).joined(separator: " ")
    }

    /// Nil for bytes this version did not write (ignored, not guessed at).
    static func decode(_ bytes: Data) -> SurveyDraft? {
        guard let source = String(data: bytes, encoding: .utf8) else { return nil }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first == version else { return nil }
        var answers: [String: SurveyAnswerInput] = [:]
        for line in lines.dropFirst() where !line.isEmpty {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false).map { formDecode(String($0)) }
            guard parts.count >= 2, parts.allSatisfy({ $0 != nil }) else { return nil }
            let words = parts.compactMap { $0 }
            let values = Array(words.dropFirst(2))
            let one = values.count == 1 ? values[0] : nil
            let answer: SurveyAnswerInput
            switch words[0] {
            case "choice":
                guard let one else { return nil }
                answer = .choice(optionId: one)
            case "choices":
                answer = .choices(optionIds: values)
            case "rating":
                guard let value = one.flatMap({ Int32($0) }) else { return nil }
                answer = .rating(value: value)
            case "number":
                guard let value = one.flatMap({ Double($0) }) else { return nil }
                answer = .number(value: value)
            case "text":
                guard let one else { return nil }
                answer = .text(value: one)
            case "yes_no":
                guard one == "true" || one == "false" else { return nil }
                answer = .yesNo(value: one == "true")
            case "date":
                guard let one else { return nil }
                answer = .date(value: one)
            default:
                return nil
            }
            answers[words[1]] = answer
        }
        return SurveyDraft(answers: answers)
    }
}

/// `application/x-www-form-urlencoded`, as Java's `URLEncoder` writes it
/// (space as `+`), so a part never holds a space or a newline.
private func formEncode(_ text: String) -> String {
    var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.*")
    allowed.insert(" ")
    let escaped = text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    return escaped.replacingOccurrences(of: " ", with: "+")
}

private func formDecode(_ text: String) -> String? {
    text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
}
