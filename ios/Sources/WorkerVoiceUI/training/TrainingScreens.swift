import SwiftUI
import UIKit
import WorkerVoice

/// Training, one view at a time (overview, module, lesson, quiz, leaderboard).
@MainActor
struct TrainingScreen: View {
    @ObservedObject var state: TrainingState
    /// Bytes held and needed of the content download under way.
    let download: (done: UInt64, total: UInt64)?

    var body: some View {
        let ui = state.ui
        switch ui.view {
        case .overview:
            TrainingOverview(state: state, download: download)
        case let .module(id):
            if let module = ui.localized[id] { ModuleView(state: state, module: module) }
        case let .lesson(moduleId, lessonId):
            if let module = ui.localized[moduleId], let lesson = module.lessons.first(where: { $0.id == lessonId }) {
                LessonView(state: state, module: module, lesson: lesson)
            }
        case let .quiz(id):
            if let module = ui.localized[id] { QuizView(state: state, module: module) }
        case .leaderboard:
            LeaderboardView(state: state)
        }
    }
}

@MainActor
private struct TrainingOverview: View {
    @Environment(\.strings) var s
    @ObservedObject var state: TrainingState
    let download: (done: UInt64, total: UInt64)?

    var body: some View {
        let ui = state.ui
        ScreenFrame(title: s["training-title"], onBack: state.back) {
            if let download, download.total > 0 {
                Text(s("training-downloading", ("done", download.done / 1024), ("total", download.total / 1024))).font(.subheadline)
                ProgressView(value: Double(min(download.done, download.total)), total: Double(download.total))
            } else if ui.loading {
                Loading(text: s["training-loading"])
            }
            ErrorMessage(text: ui.error)
            if let progress = ui.progress {
                VStack(alignment: .leading, spacing: 6) {
                    Label(s("training-level", ("level", progress.level)), systemImage: "star.fill").font(.title2.weight(.semibold))
                    Text(s("training-points", ("points", progress.points))).font(.headline)
                    Text(s("training-streak", ("count", progress.currentStreakDays))).font(.body)
                }
                .padding(16)
                .frame(maxWidth: .infinity, alignment: .leading)
                .background(RoundedRectangle(cornerRadius: 16).fill(Color.accentColor.opacity(0.15)))
                .accessibilityElement(children: .combine)
                Text(s["training-badges"]).font(.headline).accessibilityAddTraits(.isHeader)
                if progress.badges.isEmpty { Hint(s["training-no-badges"]) }
                ForEach(progress.badges, id: \.self) { badge in
                    Label(ui.badgeTitle(badge), systemImage: "rosette").font(.body)
                }
            }
            if !ui.certificates.isEmpty {
                Text(s["training-certificates"]).font(.headline).accessibilityAddTraits(.isHeader)
                ForEach(ui.certificates, id: \.moduleId) { certificate in
                    let title = certificate.moduleTitle[s.language] ?? certificate.moduleTitle["en"] ?? certificate.moduleTitle.values.first ?? certificate.moduleId
                    LabelledValue(label: certificate.workerName,
                                  value: s("training-certificate", ("title", title), ("date", formatDate(certificate.passedAt, s))))
                }
            }
            Text(s["training-lessons"]).font(.headline).accessibilityAddTraits(.isHeader)
            if !ui.loading && ui.modules.isEmpty { Hint(s["training-empty"]) }
            ForEach(ui.modules, id: \.id) { module in
                ChoiceCard(ui.localized[module.id]?.title ?? module.title, selected: false, systemImage: "list.bullet") {
                    state.openModule(module.id)
                }
            }
            BigButton(s["training-leaderboard"], systemImage: "star", outlined: true) { state.leaderboard() }
        }
    }
}

@MainActor
private struct ModuleView: View {
    @Environment(\.strings) var s
    @ObservedObject var state: TrainingState
    let module: LocalizedModule

    var body: some View {
        ScreenFrame(title: module.title, onBack: state.back, bottom: {
            if !module.questions.isEmpty {
                BigButton(s["training-take-quiz"], systemImage: "checkmark") { state.openQuiz(module.id) }
            }
        }) {
            Text(s["training-lessons"]).font(.headline).accessibilityAddTraits(.isHeader)
            ForEach(module.lessons, id: \.id) { lesson in
                ChoiceCard(lesson.title, selected: false, hint: s["training-lesson-open"], systemImage: "play.circle") {
                    state.openLesson(module.id, lesson.id)
                }
            }
        }
    }
}

@MainActor
private struct LessonView: View {
    @Environment(\.strings) var s
    @ScaledMetric var target: CGFloat = touchTarget
    @ObservedObject var state: TrainingState
    let module: LocalizedModule
    let lesson: LocalizedLesson

    var body: some View {
        let ui = state.ui
        ScreenFrame(title: lesson.title, onBack: state.back, bottom: {
            if ui.outcome == nil {
                BigButton(s["training-complete-lesson"], systemImage: "checkmark", busy: ui.busy) {
                    state.completeLesson(module.id, lesson.id)
                }
            } else {
                BigButton(s["common-continue"], systemImage: "checkmark", action: state.back)
            }
        }) {
            ForEach(lesson.media, id: \.self) { sha in
                if let medium = ui.media[sha] {
                    if let picture = medium.picture {
                        Image(uiImage: picture)
                            .resizable()
                            .scaledToFit()
                            .frame(maxWidth: .infinity)
                            .accessibilityLabel(lesson.title)
                    } else {
                        Button { _ = state.services.play(path: medium.path) } label: {
                            Label(s["training-media-play"], systemImage: "play.fill").frame(maxWidth: .infinity, minHeight: target)
                        }
                        .buttonStyle(.bordered)
                    }
                }
            }
            Text(lesson.text).font(.body).fixedSize(horizontal: false, vertical: true)
            ErrorMessage(text: ui.error)
            if let outcome = ui.outcome { OutcomeView(outcome: outcome, badgeTitle: ui.badgeTitle, quiz: false) }
        }
    }
}

/// What a lesson or a quiz gave: the quiz's result, points, new badges, level.
private struct OutcomeView: View {
    @Environment(\.strings) var s
    let outcome: ActivityOutcome
    let badgeTitle: (String) -> String
    let quiz: Bool

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            if quiz {
                Text(s("training-quiz-result", ("count", outcome.correct), ("total", outcome.questions))).font(.title2.weight(.semibold))
                Text(outcome.passed ? s("training-quiz-passed", ("points", outcome.pointsEarned)) : s["training-quiz-failed"]).font(.body)
            } else {
                Text(s("training-lesson-points", ("points", outcome.pointsEarned))).font(.headline)
            }
            ForEach(outcome.newBadges, id: \.self) { badge in
                Label(s("training-new-badge", ("title", badgeTitle(badge))), systemImage: "rosette").font(.headline)
            }
            Text("\(s("training-points", ("points", outcome.progress.points))) · \(s("training-level", ("level", outcome.progress.level)))")
                .font(.body)
        }
        .padding(16)
        .frame(maxWidth: .infinity, alignment: .leading)
        .background(RoundedRectangle(cornerRadius: 16).fill(Color.accentColor.opacity(0.15)))
        .accessibilityElement(children: .combine)
    }
}

@MainActor
private struct QuizView: View {
    @Environment(\.strings) var s
    @ObservedObject var state: TrainingState
    let module: LocalizedModule

    var body: some View {
        let ui = state.ui
        ScreenFrame(title: s["training-quiz-title"], onBack: ui.busy ? nil : state.back, bottom: {
            if ui.outcome == nil {
                BigButton(s["training-quiz-submit"], systemImage: "checkmark", busy: ui.busy, action: state.submitQuiz)
            } else {
                BigButton(s["common-continue"], systemImage: "checkmark", action: state.back)
            }
        }) {
            Text(module.title).font(.headline)
            if let outcome = ui.outcome { OutcomeView(outcome: outcome, badgeTitle: ui.badgeTitle, quiz: true) }
            ErrorMessage(text: ui.error)
            ForEach(module.questions, id: \.id) { question in
                QuizQuestionView(question: question, answer: ui.answers[question.id], onAnswer: state.answer)
            }
        }
    }
}

private struct QuizQuestionView: View {
    @Environment(\.strings) var s
    @ScaledMetric var target: CGFloat = touchTarget
    let question: LocalizedQuestion
    let answer: QuizResponse?
    let onAnswer: (String, QuizResponse?) -> Void

    var body: some View {
        let q = question
        VStack(alignment: .leading, spacing: 10) {
            Text(q.prompt).font(.headline)
            switch q.kind {
            case .trueFalse:
                let value: Bool? = { if case let .trueFalse(value)? = answer { return value } else { return nil } }()
                ChoiceCard(s["training-quiz-true"], selected: value == true, systemImage: "checkmark") { onAnswer(q.id, .trueFalse(value: true)) }
                ChoiceCard(s["training-quiz-false"], selected: value == false, systemImage: "xmark") { onAnswer(q.id, .trueFalse(value: false)) }
            case .singleChoice:
                let chosen: String? = { if case let .choice(optionId)? = answer { return optionId } else { return nil } }()
                ForEach(q.options, id: \.id) { option in
                    ChoiceCard(option.text, selected: chosen == option.id) { onAnswer(q.id, .choice(optionId: option.id)) }
                }
            case .multipleChoice:
                let chosen: [String] = { if case let .choices(ids)? = answer { return ids } else { return [] } }()
                ForEach(q.options, id: \.id) { option in
                    ChoiceCard(option.text, selected: chosen.contains(option.id), multiple: true) {
                        let next = chosen.contains(option.id) ? chosen.filter { $0 != option.id } : chosen + [option.id]
                        onAnswer(q.id, next.isEmpty ? nil : .choices(optionIds: next))
                    }
                }
            case .ordering:
                let order: [String] = { if case let .order(ids)? = answer { return ids } else { return q.options.map(\.id) } }()
                ForEach(Array(order.enumerated()), id: \.element) { index, id in
                    let text = q.options.first { $0.id == id }?.text ?? id
                    HStack {
                        Text("\(index + 1). \(text)").font(.body).frame(maxWidth: .infinity, alignment: .leading)
                        Button { onAnswer(q.id, .order(itemIds: moved(order, index, by: -1))) } label: {
                            Image(systemName: "chevron.up").frame(minWidth: target, minHeight: target)
                        }
                        .disabled(index == 0)
                        .accessibilityLabel(s("training-quiz-up", ("what", text)))
                        Button { onAnswer(q.id, .order(itemIds: moved(order, index, by: 1))) } label: {
                            Image(systemName: "chevron.down").frame(minWidth: target, minHeight: target)
                        }
                        .disabled(index == order.count - 1)
                        .accessibilityLabel(s("training-quiz-down", ("what", text)))
                    }
                }
            }
        }
        .padding(14)
        .background(RoundedRectangle(cornerRadius: 16).fill(Color(uiColor: .secondarySystemBackground)))
    }
}

/// `order` with the item at `index` moved `by` places.
private func moved(_ order: [String], _ index: Int, by: Int) -> [String] {
    var list = order
    let item = list.remove(at: index)
    list.insert(item, at: index + by)
    return list
}

@MainActor
private struct LeaderboardView: View {
    @Environment(\.strings) var s
    @ObservedObject var state: TrainingState

    var body: some View {
        let ui = state.ui
        ScreenFrame(title: s["training-leaderboard"], onBack: state.back, bottom: {
            if let board = ui.leaderboard {
                if board.optedIn {
                    BigButton(s["training-leaderboard-leave"], busy: ui.busy, outlined: true) { state.leaderboard(optIn: false) }
                } else {
                    BigButton(s["training-leaderboard-join"], busy: ui.busy) { state.leaderboard(optIn: true) }
                }
            }
        }) {
            Hint(s["training-leaderboard-hint"])
            if ui.busy && ui.leaderboard == nil { Loading(text: nil) }
            ErrorMessage(text: ui.error)
            if let board = ui.leaderboard {
                if board.optedIn, let name = board.pseudonym {
                    Text(s("training-leaderboard-you", ("name", name))).font(.headline)
                }
                if board.suppressed { Hint(s["training-leaderboard-hidden"]) }
                ForEach(board.entries, id: \.rank) { line in
                    Text(s("training-leaderboard-line", ("rank", line.rank), ("name", line.pseudonym), ("points", line.points)))
                        .font(board.ownRank == line.rank ? .headline : .body)
                }
            }
        }
    }
}
