import Foundation
import WorkerVoice

/// The signed-in worker's reports on this device (`myCases`), newest first.
@MainActor
final class CasesState: ObservableObject {
    /// What the list of my reports shows.
    struct UI {
        var cases: [CaseSummary] = []
        var loading = true
        var error: String?
    }

    @Published private(set) var ui = UI()

    init(core: WorkerVoiceApp, strings: Strings) {
        Task {
            // Replies arrive with a sync; show what is here if the hub is out of reach.
            _ = try? await core.syncNow(force: false)
            do {
                let cases = try await offMain { try core.myCases() }
                ui = UI(cases: cases.sorted { $0.createdAt > $1.createdAt }, loading: false)
            } catch {
                ui = UI(loading: false, error: failureMessage(error, strings))
            }
        }
    }
}

/// How a case is reached: the signed-in worker's own, or anyone holding its receipt.
enum CaseAccess {
    /// A case of the signed-in worker, kept on this device.
    case mine(caseId: String)
    /// Any case, with its receipt's secret (another device, or an anonymous report).
    case byReceipt(caseId: String, secret: String)

    var caseId: String {
        switch self {
        case let .mine(caseId), let .byReceipt(caseId, _): return caseId
        }
    }
}

/// A case's conversation: status changes and replies, and the worker's
/// answer. Reading and answering go through the core, which opens and
/// seals the messages; with a receipt nothing is kept on the device.
@MainActor
final class CaseThreadState: ObservableObject {
    /// What a case's conversation shows.
    struct UI {
        var thread: CaseThread?
        var reply = ""
        var busy = false
        var error: String?

        var canSend: Bool { !reply.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && !busy && thread != nil }
    }

    @Published private(set) var ui: UI
    let access: CaseAccess
    private let core: WorkerVoiceApp
    private let strings: Strings

    init(core: WorkerVoiceApp, strings: Strings, access: CaseAccess, initial: CaseThread?) {
        self.core = core
        self.strings = strings
        self.access = access
        ui = UI(thread: initial)
        if initial == nil { refresh() }
    }

    func refresh() {
        Task {
            do {
                ui.thread = try await load()
                ui.error = nil
            } catch {
                ui.error = failureMessage(error, strings)
            }
        }
    }

    private func load() async throws -> CaseThread {
        let core = self.core
        switch access {
        case let .mine(caseId):
            _ = try? await core.syncNow(force: false)
            return try await offMain { try core.caseThread(caseId: caseId) }
        case let .byReceipt(caseId, secret):
            return try await core.followUp(caseId: caseId, secret: secret)
        }
    }

    func reply(_ text: String) {
        ui.reply = text
        ui.error = nil
    }

    func send() {
        guard ui.canSend else { return }
        let text = ui.reply.trimmingCharacters(in: .whitespacesAndNewlines)
        ui.busy = true
        ui.error = nil
        let core = self.core
        Task {
            do {
                switch access {
                case let .mine(caseId):
                    try await core.replyToCase(caseId: caseId, text: text)
                case let .byReceipt(caseId, secret):
                    try await core.replyWithReceipt(caseId: caseId, secret: secret, text: text)
                }
                ui = UI(thread: try await load())
            } catch {
                ui.busy = false
                ui.error = failureMessage(error, strings)
            }
        }
    }
}
