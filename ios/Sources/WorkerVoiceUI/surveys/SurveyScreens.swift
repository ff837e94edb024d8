import SwiftUI
import UIKit
import WorkerVoice

/// Where a survey stands on this device, in the worker's language.
private func surveyStateName(_ state: OpenSurveyState, _ s: Strings) -> String {
    switch state {
    case .ready: return s["surveys-state-ready"]
    case .answered: return s["surveys-state-answered"]
    case .answeredElsewhere: return s["surveys-state-answered_elsewhere"]
    case .notDownloaded: return s["surveys-state-not_downloaded"]
    }
}

/// The surveys open to the worker, with where each stands on this device.
@MainActor
struct SurveysScreen: View {
    @Environment(\.strings) var s
    @ObservedObject var state: SurveysState
    let onOpen: (String) -> Void
    let onBack: () -> Void

    var body: some View {
        let ui = state.ui
        ScreenFrame(title: s["surveys-title"], onBack: onBack) {
            if ui.loading { Loading(text: s["surveys-loading"]) }
            ErrorMessage(text: ui.error)
            if !ui.loading && ui.surveys.isEmpty && ui.error == nil { Hint(s["surveys-empty"]) }
            ForEach(ui.surveys, id: \.id) { survey in
                let ready = survey.state == .ready
                ChoiceCard(survey.title.isEmpty ? s["surveys-title"] : survey.title,
                           selected: false,
                           hint: ready && ui.started.contains(survey.id) ? s["surveys-in-progress"] : surveyStateName(survey.state, s),
                           systemImage: ready ? "square.and.pencil" : "checkmark.circle") {
                    if ready { onOpen(survey.id) }
                }
            }
        }
    }
}

/// One survey on one scrolling page: the questions the core shows now (they
/// appear and go as answers change), each drawn by its type, with the
/// core's problems beside them once the worker tried to send.
@MainActor
struct SurveyScreen: View {
    @Environment(\.strings) var s
    @ObservedObject var state: SurveyState
    let onListen: (SurveyQuestionView) -> Void
    let onDone: () -> Void

    var body: some View {
        let ui = state.ui
        if let submitted = ui.submitted {
            ScreenFrame(title: s["survey-thanks-title"], bottom: {
                BigButton(s["common-continue"], systemImage: "checkmark", action: onDone)
            }) {
                Text(s["survey-thanks"]).font(.body)
                // What happens to the answers now, in plain words: sealed, sent later, opened by whom.
                Text(s["survey-thanks-next"]).font(.body)
                if let outcome = submitted.`case` {
                    // The receipt of the case the answers opened: shown here
                    // once, like a report's.
                    Hint(s["survey-thanks-case"])
                    LabelledValue(label: s["receipt-case"], value: outcome.receipt.caseId)
                    LabelledValue(label: s["receipt-secret"], value: outcome.receipt.secret)
                }
            }
        } else {
            ScreenFrame(title: ui.survey?.title ?? s["surveys-title"], onBack: ui.busy ? nil : state.back, bottom: {
                BigButton(s["survey-submit"], systemImage: "paperplane", enabled: ui.survey != nil, busy: ui.busy, action: state.submit)
                BigButton(s["survey-save"], enabled: ui.survey != nil && !ui.busy, outlined: true, action: state.saveAndLeave)
            }) {
                ErrorMessage(text: ui.error)
                if let survey = ui.survey {
                    if let intro = survey.intro { Text(intro).font(.body) }
                    Hint(s["survey-anonymous"])
                    if ui.showProblems && !(ui.check?.problems.isEmpty ?? true) { ErrorMessage(text: s["survey-fix"]) }
                    ForEach(ui.visible, id: \.id) { question in
                        QuestionView(question: question, answer: ui.answers[question.id], typed: ui.typed[question.id] ?? "",
                                     problem: ui.problem(question.id), state: state, onListen: onListen)
                    }
                }
            }
        }
    }
}

/// One question, drawn by its type.
@MainActor
private struct QuestionView: View {
    @Environment(\.strings) var s
    @ScaledMetric var target: CGFloat = touchTarget
    let question: SurveyQuestionView
    let answer: SurveyAnswerInput?
    let typed: String
    let problem: String?
    let state: SurveyState
    let onListen: (SurveyQuestionView) -> Void

    var body: some View {
        let q = question
        VStack(alignment: .leading, spacing: 10) {
            HStack(alignment: .top) {
                Text(q.label).font(.headline).frame(maxWidth: .infinity, alignment: .leading)
                Button { onListen(q) } label: {
                    Image(systemName: "speaker.wave.2.fill").font(.title2).frame(minWidth: target, minHeight: target)
                }
                .accessibilityLabel(s["survey-listen"])
            }
            if let help = q.help { Text(help).font(.subheadline) }
            if q.required { Text(s["survey-required"]).font(.caption).foregroundColor(.secondary) }
            kind(q)
            if let problem { Warning(text: problem) }
        }
        .padding(14)
        .background(RoundedRectangle(cornerRadius: 16).fill(Color(uiColor: .secondarySystemBackground)))
    }

    @ViewBuilder
    private func kind(_ q: SurveyQuestionView) -> some View {
        switch q.kind {
        case .yesNo:
            let yes: Bool? = { if case let .yesNo(value)? = answer { return value } else { return nil } }()
            ChoiceCard(s["survey-yes"], selected: yes == true, systemImage: "checkmark") { state.answer(q.id, .yesNo(value: true)) }
            ChoiceCard(s["survey-no"], selected: yes == false, systemImage: "xmark") { state.answer(q.id, .yesNo(value: false)) }
        case let .singleChoice(options):
            let chosen: String? = { if case let .choice(optionId)? = answer { return optionId } else { return nil } }()
            ForEach(options, id: \.id) { option in
                ChoiceCard(option.label, selected: chosen == option.id) { state.answer(q.id, .choice(optionId: option.id)) }
            }
        case let .multipleChoice(options, _, _):
            let chosen: [String] = { if case let .choices(ids)? = answer { return ids } else { return [] } }()
            ForEach(options, id: \.id) { option in
                ChoiceCard(option.label, selected: chosen.contains(option.id), multiple: true) {
                    let next = chosen.contains(option.id) ? chosen.filter { $0 != option.id } : chosen + [option.id]
                    state.answer(q.id, next.isEmpty ? nil : .choices(optionIds: next))
                }
            }
        case let .rating(min, max, minLabel, maxLabel):
            let value: Int32? = { if case let .rating(value)? = answer { return value } else { return nil } }()
            Text(s("survey-rating", ("min", min), ("max", max))).font(.subheadline)
            HStack(spacing: 6) {
                ForEach(Array(min...Swift.max(min, max)), id: \.self) { n in
                    let pick = { state.answer(q.id, .rating(value: n)) }
                    if value == n {
                        Button(action: pick) { Text("\(n)").font(.title3).frame(maxWidth: .infinity, minHeight: target) }
                            .buttonStyle(.borderedProminent)
                            .accessibilityAddTraits(.isSelected)
                    } else {
                        Button(action: pick) { Text("\(n)").font(.title3).frame(maxWidth: .infinity, minHeight: target) }
                            .buttonStyle(.bordered)
                    }
                }
            }
            if minLabel != nil || maxLabel != nil {
                HStack {
                    Text(minLabel ?? "").font(.caption)
                    Spacer()
                    Text(maxLabel ?? "").font(.caption)
                }
            }
        case .number:
            TextField(s["survey-number-label"], text: Binding(get: { typed }, set: { text in
                state.typed(q.id, text) { t in
                    Double(t.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")).map { SurveyAnswerInput.number(value: $0) }
                }
            }))
            .keyboardType(.decimalPad)
            .textFieldStyle(.roundedBorder)
            .font(.title3)
            .accessibilityLabel(s["survey-number-label"])
        case .text:
            TextEditor(text: Binding(get: { typed }, set: { text in state.typed(q.id, text) { .text(value: $0) } }))
                .frame(minHeight: 100)
                .overlay(RoundedRectangle(cornerRadius: 8).strokeBorder(Color(uiColor: .separator)))
                .accessibilityLabel(s["survey-text-label"])
        case .date:
            TextField(s["survey-date-label"], text: Binding(get: { typed }, set: { text in
                state.typed(q.id, text) { .date(value: $0.trimmingCharacters(in: .whitespaces)) }
            }))
            .keyboardType(.numbersAndPunctuation)
            .textFieldStyle(.roundedBorder)
            .font(.title3)
            .accessibilityLabel(s["survey-date-label"])
        }
    }
}
