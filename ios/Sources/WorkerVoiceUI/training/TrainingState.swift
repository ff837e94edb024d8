import Foundation
import UIKit
import WorkerVoice

/// Where the worker is inside training.
enum TrainingView: Equatable {
    /// Progress, badges, certificates and the modules.
    case overview
    /// One module: its lessons and its quiz.
    case module(String)
    /// One lesson, with its media.
    case lesson(moduleId: String, lessonId: String)
    /// A module's quiz.
    case quiz(String)
    /// The factory's opt-in leaderboard.
    case leaderboard
}

/// The catalog's kind for training modules.
let trainingModuleKind = "training_module"

/// A lesson's medium: the file the core keeps, and the picture in it if it is one.
struct LessonMedia {
    let path: String
    let picture: UIImage?
}

/// Training: lessons with their media, quizzes, points, level, badges,
/// streak, certificates and the leaderboard, all the core's — it grades the
/// quiz, counts points once, decides badges (the programme signs
/// certificates). The app renders what it returns.
@MainActor
final class TrainingState: ObservableObject {
    /// What the training screens show.
    struct UI {
        var view = TrainingView.overview
        var loading = true
        var progress: TrainingProgress?
        /// The training modules of the catalog held on this device.
        var modules: [ContentEntry] = []
        /// Each held module in the worker's language (the core picks texts and media).
        var localized: [String: LocalizedModule] = [:]
        var certificates: [CertificateView] = []
        /// What the last lesson or quiz gave (points, badges, the quiz's result).
        var outcome: ActivityOutcome?
        /// The quiz's answers so far, by question.
        var answers: [String: QuizResponse] = [:]
        var leaderboard: Leaderboard?
        /// Each lesson medium on the device, by SHA-256.
        var media: [String: LessonMedia] = [:]
        var busy = false
        var error: String?

        /// A badge's name in the worker's language, from the module that defines it.
        func badgeTitle(_ id: String) -> String {
            localized.values.lazy.flatMap(\.badges).first { $0.id == id }?.text ?? id
        }
    }

    @Published private(set) var ui = UI()
    let services: PlatformServices
    private let core: WorkerVoiceApp
    private let strings: Strings
    private let onLeave: () -> Void

    init(core: WorkerVoiceApp, strings: Strings, services: PlatformServices, onLeave: @escaping () -> Void) {
        self.core = core
        self.strings = strings
        self.services = services
        self.onLeave = onLeave
        Task {
            // New and changed modules arrive with the content sync (progress
            // shows on screen); offline, what is here.
            _ = try? await core.syncContent()
            await reload()
        }
    }

    private func reload() async {
        let core = self.core
        do {
            let (modules, localized, progress, certificates) = try await offMain {
                () throws -> ([ContentEntry], [String: LocalizedModule], TrainingProgress, [CertificateView]) in
                let modules = try core.contentCatalog().filter { $0.kind == trainingModuleKind && $0.complete }
                var localized: [String: LocalizedModule] = [:]
                for entry in modules {
                    if let module = try? core.localizedTrainingModule(id: entry.id) { localized[entry.id] = module }
                }
                return (modules, localized, try core.trainingProgress(), try core.certificates())
            }
            let shas = Array(Set(localized.values.flatMap { $0.lessons.flatMap(\.media) }))
            var media: [String: LessonMedia] = [:]
            for sha in shas {
                guard let path = try? await offMain({ try core.mediaPath(sha256: sha) }) else { continue }
                media[sha] = LessonMedia(path: path, picture: services.image(path: path))
            }
            ui.loading = false
            ui.modules = modules
            ui.localized = localized
            ui.progress = progress
            ui.certificates = certificates
            ui.media = media
            ui.error = nil
        } catch {
            ui.loading = false
            ui.error = failureMessage(error, strings)
        }
    }

    func openModule(_ id: String) {
        show(.module(id))
    }

    func openLesson(_ moduleId: String, _ lessonId: String) {
        show(.lesson(moduleId: moduleId, lessonId: lessonId))
    }

    /// The worker finished a lesson: the core counts it (once) and may award points and badges.
    func completeLesson(_ moduleId: String, _ lessonId: String) {
        let core = self.core
        act { try core.completeLesson(moduleId: moduleId, lessonId: lessonId) }
    }

    /// Opens the quiz with the answers the worker saved, if any.
    func openQuiz(_ moduleId: String) {
        let core = self.core
        Task {
            let saved = (try? await offMain { try core.quizInProgress(moduleId: moduleId) }) ?? []
            // Ordering questions start in the order shown: that is already an answer.
            var answers: [String: QuizResponse] = [:]
            for q in ui.localized[moduleId]?.questions ?? [] where q.kind == .ordering {
                answers[q.id] = .order(itemIds: q.options.map(\.id))
            }
            for entry in saved { answers[entry.questionId] = entry.response }
            show(.quiz(moduleId))
            ui.answers = answers
        }
    }

    /// An answer to a quiz question; kept by the core so a half-done quiz comes back.
    func answer(_ questionId: String, _ response: QuizResponse?) {
        guard case let .quiz(moduleId) = ui.view else { return }
        ui.answers[questionId] = response
        ui.error = nil
        let core = self.core
        let inputs = ui.answers.map { QuizAnswerInput(questionId: $0.key, response: $0.value) }
        Task { _ = try? await offMain { try core.saveQuizAnswers(moduleId: moduleId, answers: inputs) } }
    }

    /// Sends the quiz to the core for grading.
    func submitQuiz() {
        guard case let .quiz(moduleId) = ui.view else { return }
        let core = self.core
        let inputs = ui.answers.map { QuizAnswerInput(questionId: $0.key, response: $0.value) }
        act { try core.submitQuiz(moduleId: moduleId, answers: inputs) }
    }

    private func act(_ call: @escaping @Sendable () throws -> ActivityOutcome) {
        guard !ui.busy else { return }
        ui.busy = true
        ui.error = nil
        let core = self.core
        Task {
            do {
                let outcome = try await offMain(call)
                let certificates = (try? await offMain { try core.certificates() }) ?? ui.certificates
                ui.busy = false
                ui.outcome = outcome
                ui.progress = outcome.progress
                ui.certificates = certificates
            } catch {
                ui.busy = false
                ui.error = failureMessage(error, strings)
                return
            }
            // Progress goes to the hub with a sync; a passed quiz comes back as
            // a certificate the programme signed. Offline, both wait.
            guard (try? await core.syncNow(force: false)) != nil else { return }
            if let fresh = try? await offMain({ (try core.trainingProgress(), try core.certificates()) }) {
                ui.progress = fresh.0
                ui.certificates = fresh.1
            }
        }
    }

    /// The leaderboard; `optIn` joins (true) or leaves (false) it first, nil only reads it.
    func leaderboard(optIn: Bool? = nil) {
        show(.leaderboard)
        ui.busy = true
        let core = self.core
        Task {
            do {
                ui.leaderboard = try await core.leaderboard(optIn: optIn)
            } catch {
                ui.error = failureMessage(error, strings)
            }
            ui.busy = false
        }
    }

    func back() {
        switch ui.view {
        case .overview: onLeave()
        case .module, .leaderboard: show(.overview)
        case let .lesson(moduleId, _), let .quiz(moduleId): show(.module(moduleId))
        }
    }

    private func show(_ view: TrainingView) {
        ui.view = view
        ui.outcome = nil
        ui.error = nil
    }
}
